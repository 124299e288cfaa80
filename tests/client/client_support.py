"""Helpers of the client tests: the official XSDs and the hand-written documents."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"


def xsd_dir() -> Path:
    return Path(os.environ.get("SZAMLAZZ_XSD_DIR") or REPO.parent / "shared" / "szamlazz-xsd")


_schemas: dict[str, etree.XMLSchema] = {}


def schema(name: str) -> etree.XMLSchema:
    """An official XSD by file name relative to the XSD dir, e.g. "xmlszamla.xsd"."""
    if name not in _schemas:
        path = xsd_dir() / name
        if not path.exists():
            pytest.fail(f"official XSD {path} not available (set SZAMLAZZ_XSD_DIR)")
        _schemas[name] = etree.XMLSchema(etree.parse(str(path)))
    return _schemas[name]


def assert_valid(xml: bytes, xsd_name: str) -> None:
    xml_schema = schema(xsd_name)
    document = etree.fromstring(xml)
    assert xml_schema.validate(document), f"{xsd_name}: {xml_schema.error_log}"


def data_file(name: str) -> bytes:
    return (DATA / name).read_bytes()
