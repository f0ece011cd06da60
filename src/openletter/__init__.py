"""openletter: open letters as typed data, published in every format a campaign needs.

>>> import openletter
>>> letter = openletter.load("examples/aphr_cambodia/letter.md")  # doctest: +SKIP
>>> openletter.export(letter, "json")  # doctest: +SKIP
"""

from ._api import dumps, export, load, loads, structure, unstructure
from ._version import __version__
from .errors import (
    FieldError,
    FieldErrorGroup,
    LetterError,
    OpenLetterError,
    OptionError,
    OutputError,
    PluginError,
    PluginLoadError,
    Problem,
    RenderError,
    UnknownFormatError,
)
from .exporter import Exporter, Options
from .exporters.jsonld import embeddable
from .hookspecs import hookimpl
from .model import (
    Addressee,
    Demand,
    EmailSettings,
    Letter,
    Logo,
    Organisation,
    OrganisationGroup,
    Person,
    PersonGroup,
    Reference,
    Section,
    SignatoryGroup,
)
from .plugins import FormatInfo, PluginInfo, Registry, default_registry
from .words import display_date, format_date, labels, text_direction

__all__ = [
    "Addressee",
    "Demand",
    "EmailSettings",
    "Exporter",
    "FieldError",
    "FieldErrorGroup",
    "FormatInfo",
    "Letter",
    "LetterError",
    "Logo",
    "OpenLetterError",
    "OptionError",
    "Options",
    "Organisation",
    "OrganisationGroup",
    "OutputError",
    "Person",
    "PersonGroup",
    "PluginError",
    "PluginInfo",
    "PluginLoadError",
    "Problem",
    "Reference",
    "Registry",
    "RenderError",
    "Section",
    "SignatoryGroup",
    "UnknownFormatError",
    "__version__",
    "default_registry",
    "display_date",
    "dumps",
    "embeddable",
    "export",
    "format_date",
    "hookimpl",
    "labels",
    "load",
    "loads",
    "structure",
    "text_direction",
    "unstructure",
]
