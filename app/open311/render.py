"""Open311 answers in both of its formats, JSON and XML, from one Python structure.

The spec's XML uses a root element (`services`, `service_requests`, …), one element per item
(`service`, `request`, …) and, inside an item, one element per field; lists inside an item
(`endpoints`, `formats`, `attributes`, `values`) hold singular elements. `xml.etree` escapes
text; characters XML 1.0 cannot carry at all are dropped first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree as ET

from flask import Response

from app.web.exports import xml_text

FORMATS = {"json": "application/json", "xml": "text/xml"}
SINGULAR = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
}


def _add(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _add(element, key, inner)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for inner in value:
            _add(element, SINGULAR.get(tag, "item"), inner)
    else:
        element.text = xml_text(value)


def to_xml(root: str, item: str | None, data: Any) -> bytes:
    """`data` is a list of items (each an `item` element) or one mapping (the root's fields)."""
    element = ET.Element(root)
    if isinstance(data, Mapping):
        for key, value in data.items():
            _add(element, key, value)
    else:
        for value in data:
            _add(element, item or "item", value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def respond(fmt: str, root: str, item: str | None, data: Any, status: int = 200) -> Response:
    """The answer in `fmt` ("json" or "xml"; anything else was refused before)."""
    if fmt == "xml":
        body = to_xml(root, item, data)
        return Response(body, status=status, content_type="text/xml; charset=utf-8")
    text = json.dumps(data, ensure_ascii=False)
    return Response(text, status=status, content_type="application/json; charset=utf-8")


def errors(status: int, messages: Sequence[str], fmt: str = "json") -> Response:
    """The spec's error format: [{"code": 400, "description": "…"}], or <errors><error>…"""
    data = [{"code": status, "description": message} for message in messages]
    return respond(fmt if fmt in FORMATS else "json", "errors", "error", data, status)
