"""Open311 answers in the two formats the spec defines, and its error format."""

import json
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent, name: str, value) -> None:
    child = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _element(child, key, item)
    elif isinstance(value, list):
        singular = name[:-1] if name.endswith("s") else "item"
        for item in value:
            _element(child, singular, item)
    else:
        child.text = _text(value)


def respond(items, fmt: str, *, root: str, item: str, status: int = 200) -> HttpResponse:
    """A list of dicts as JSON, or as <root><item>…</item></root> XML."""
    if fmt == "json":
        body = json.dumps(items, ensure_ascii=False)
    else:
        tree = ElementTree.Element(root)
        for entry in items:
            _element(tree, item, entry)
        body = ElementTree.tostring(tree, encoding="unicode", xml_declaration=True)
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def respond_object(data: dict, fmt: str, *, root: str) -> HttpResponse:
    """One object (discovery, a service definition) as JSON, or as <root>…</root> XML."""
    if fmt == "json":
        return HttpResponse(json.dumps(data, ensure_ascii=False), content_type=FORMATS[fmt])
    tree = ElementTree.Element(root)
    for key, value in data.items():
        _element(tree, key, value)
    return HttpResponse(ElementTree.tostring(tree, encoding="unicode", xml_declaration=True), content_type=FORMATS[fmt])


def error(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error list: [{"code": 400, "description": "…"}] or <errors><error>…</error></errors>."""
    items = [{"code": status, "description": d} for d in descriptions]
    return respond(items, fmt if fmt in FORMATS else "json", root="errors", item="error", status=status)
