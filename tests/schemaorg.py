"""Offline JSON-LD checks against the schema.org 30.0 vocabulary shipped in tests/data/schemaorg.

* `expand_offline` / `to_graph`: pyld with a document loader that serves the shipped context and
  refuses everything else (the tests never touch the network);
* `Vocabulary.check`: every type and property exists, every property is used on a node whose type
  (or a supertype) is in its ``domainIncludes``, and every value fits its ``rangeIncludes``.

The vocabulary file uses ``https://schema.org/`` IRIs and the context maps terms to
``http://schema.org/``; both are treated as the same namespace.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

DATA = Path(__file__).resolve().parent / "data" / "schemaorg"
HTTPS = "https://schema.org/"
HTTP = "http://schema.org/"
CONTEXT_URLS = {"https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/"}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?\Z")
_ABSOLUTE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]+\Z")


@cache
def context_document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "schemaorgcontext.jsonld").read_text(encoding="utf-8"))
    return data


def offline_loader(url: str, options: object = None) -> dict[str, Any]:
    """pyld document loader: the shipped schema.org context, and nothing from the network."""
    if url not in CONTEXT_URLS:
        raise RuntimeError(f"the tests load no documents from the network (asked for {url})")
    return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(context_document())}


def expand_offline(document: object) -> list[Any]:
    expanded: list[Any] = jsonld.expand(document, {"documentLoader": offline_loader})
    return expanded


def graph_from_pyld(document: object) -> Graph:
    """The RDF graph pyld makes of the document (via N-Quads)."""
    nquads = jsonld.to_rdf(document, {"documentLoader": offline_loader, "format": "application/n-quads"})
    return Graph().parse(data=nquads, format="nt")  # default-graph quads are N-Triples


def graph_from_rdflib(document: dict[str, Any]) -> Graph:
    """The RDF graph rdflib's own JSON-LD parser makes of the document (context served locally)."""
    local = dict(document)
    if local.get("@context") in CONTEXT_URLS:
        local["@context"] = context_document()["@context"]
    return Graph().parse(data=json.dumps(local), format="json-ld")


def _https(term: object) -> object:
    if isinstance(term, URIRef) and str(term).startswith(HTTP):
        return URIRef(HTTPS + str(term)[len(HTTP) :])
    return term


def normalised(graph: Graph) -> Graph:
    """The graph with http://schema.org/ IRIs written https://schema.org/ (as the vocabulary has them)."""
    out = Graph()
    for s, p, o in graph:
        out.add((_https(s), _https(p), _https(o)))  # type: ignore[arg-type]
    return out


class Vocabulary:
    """Classes, properties, subclass closure, domains and ranges of schema.org."""

    def __init__(self, graph: Graph) -> None:
        domain, range_ = URIRef(HTTPS + "domainIncludes"), URIRef(HTTPS + "rangeIncludes")
        self.classes = set(graph.subjects(RDF.type, RDFS.Class))
        self.classes |= set(graph.subjects(RDF.type, URIRef(HTTPS + "DataType")))
        self.properties = set(graph.subjects(RDF.type, RDF.Property))
        self.parents: dict[object, set[object]] = {}
        for child, parent in graph.subject_objects(RDFS.subClassOf):
            self.parents.setdefault(child, set()).add(parent)
        self.domains: dict[object, set[object]] = {}
        self.ranges: dict[object, set[object]] = {}
        for prop, cls in graph.subject_objects(domain):
            self.domains.setdefault(prop, set()).add(cls)
        for prop, cls in graph.subject_objects(range_):
            self.ranges.setdefault(prop, set()).add(cls)

    def ancestors(self, cls: object) -> set[object]:
        seen = {cls}
        todo = [cls]
        while todo:
            for parent in self.parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def _types(self, graph: Graph, node: object) -> set[object]:
        found: set[object] = set()
        for t in graph.objects(node, RDF.type):  # type: ignore[arg-type]
            found |= self.ancestors(t)
        return found

    def _literal_fits(self, literal: Literal, allowed: set[object]) -> bool:
        value = str(literal)
        names = {str(a)[len(HTTPS) :] for a in allowed if str(a).startswith(HTTPS)}
        datatype = _https(literal.datatype) if literal.datatype else None
        if datatype == URIRef(HTTPS + "Date") or datatype == XSD.date:
            return "Date" in names and bool(_DATE.match(value))
        if datatype == URIRef(HTTPS + "DateTime") or datatype == XSD.dateTime:
            return "DateTime" in names and bool(_DATETIME.match(value))
        if datatype in (XSD.integer, XSD.int, XSD.long):
            return bool(names & {"Integer", "Number", "Text"})
        if datatype in (XSD.double, XSD.decimal, XSD.float):
            return bool(names & {"Number", "Float", "Text"})
        if datatype == XSD.boolean:
            return "Boolean" in names
        if "Text" in names or names & {"CssSelectorType", "PronounceableText", "XPathType"}:
            return True
        if "URL" in names:
            return bool(_ABSOLUTE_URL.match(value))
        return False

    def check(self, graph: Graph) -> list[str]:
        """Every finding: unknown terms, domain errors, range errors. Empty when all is well."""
        graph = normalised(graph)
        findings: list[str] = []
        for s, p, o in graph:
            if p == RDF.type:
                if o not in self.classes:
                    findings.append(f"unknown type {o}")
                continue
            if p not in self.properties:
                findings.append(f"unknown property {p}")
                continue
            subject_types = self._types(graph, s)
            if not subject_types & self.domains.get(p, set()):
                findings.append(f"{p} used on a node of types {sorted(map(str, subject_types))}, outside its domain")
            allowed = self.ranges.get(p, set())
            if isinstance(o, Literal):
                if not self._literal_fits(o, allowed):
                    findings.append(f"{p} has the literal {str(o)[:40]!r} ({o.datatype}), outside its range")
            else:
                object_types = self._types(graph, o)
                if object_types:
                    if not object_types & allowed:
                        findings.append(f"{p} points at types {sorted(map(str, object_types))}, outside its range")
                elif isinstance(o, BNode) or URIRef(HTTPS + "URL") not in allowed:
                    findings.append(f"{p} points at an untyped node {o}, and its range has no URL")
                elif not _ABSOLUTE_URL.match(str(o)):
                    findings.append(f"{p} is the relative IRI {o}")
        return findings


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary(Graph().parse(DATA / "schemaorg-current-https.nt", format="nt"))


def iris(value: object) -> Iterator[str]:
    """Every @id and @type value in an expanded document (to look for relative IRIs)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@id" and isinstance(item, str):
                yield item
            elif key == "@type":
                yield from (item if isinstance(item, list) else [item])
            else:
                yield from iris(item)
    elif isinstance(value, list):
        for item in value:
            yield from iris(item)
