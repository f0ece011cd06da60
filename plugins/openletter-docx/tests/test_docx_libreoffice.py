"""LibreOffice opens the documents: each converts to a PDF whose text has the title and demands.

One ``soffice`` run converts every document (LibreOffice takes seconds to start), with a fresh
user profile so that no other LibreOffice instance or old profile lock gets in the way. Needs
the Debian packages libreoffice-writer-nogui (or libreoffice-writer) and poppler-utils, and
fonts-noto-core and fonts-noto-cjk for the scripts.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from docx_helpers import ARABIC, EXAMPLE, THAI, letters_only, render, require_tool, rich_letter

import openletter
from openletter import Letter

pytestmark = pytest.mark.slow

DOCUMENTS: dict[str, tuple[Callable[[], Letter], dict[str, str]]] = {
    "example": (lambda: openletter.load(EXAMPLE), {}),
    "example-us-letter": (lambda: openletter.load(EXAMPLE), {"paper": "us-letter"}),
    "thai": (lambda: openletter.load(THAI), {}),
    "arabic": (lambda: openletter.load(ARABIC), {}),
    "rich": (rich_letter, {}),
    "many": (lambda: rich_letter(signatories=400), {}),
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every document of `DOCUMENTS` as NAME.docx and, converted by LibreOffice, NAME.pdf."""
    soffice = require_tool("soffice")
    require_tool("pdftotext")
    folder = tmp_path_factory.mktemp("docx-libreoffice")
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    for name, (letter, options) in DOCUMENTS.items():
        (folder / f"{name}.docx").write_bytes(render(letter(), **options))
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *sorted(str(p) for p in folder.glob("*.docx")),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return folder


def pdf_text(pdf: Path, *options: str) -> str:
    """The PDF's text, without the page numbers of the footers (a demand may run over a page)."""
    text = subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return "\n".join(line for line in text.splitlines() if not line.strip().isdigit())


def pdf_info(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_libreoffice_converts_the_document_to_a_pdf_with_its_words(converted: Path, name: str) -> None:
    pdf = converted / f"{name}.pdf"
    assert pdf.is_file(), sorted(p.name for p in converted.iterdir())
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert pdf.stat().st_size > 1000
    letter, _ = DOCUMENTS[name]
    text = letters_only(pdf_text(pdf))
    assert letters_only(letter().title) in text
    for demand in letter().demands:  # marked in the text (its quote) or listed (its text)
        printed = demand.quote if demand.quote is not None else demand.text or ""
        assert letters_only(printed.replace("*", "")) in text


@pytest.mark.parametrize(("name", "size"), [("example", (595.3, 841.9)), ("example-us-letter", (612.0, 792.0))])
def test_the_pdf_has_the_chosen_paper_size(converted: Path, name: str, size: tuple[float, float]) -> None:
    [line] = [line for line in pdf_info(converted / f"{name}.pdf").splitlines() if line.startswith("Page size:")]
    width, _, height = line.split(":", 1)[1].split()[:3]  # "595.304 x 841.89 pts (A4)"
    assert (float(width), float(height)) == pytest.approx(size, abs=0.5)


def test_many_signatories_are_set_in_two_columns(converted: Path) -> None:
    text = pdf_text(converted / "many.pdf", "-layout")
    assert "Signatory Number399," in text
    side_by_side = [line for line in text.splitlines() if line.count("Signatory Number") == 2]
    assert len(side_by_side) > 100
    assert not [
        line for line in pdf_text(converted / "rich.pdf", "-layout").splitlines() if line.count("Signatory") > 1
    ]
