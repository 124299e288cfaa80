"""The XML verdicts other than `szamla`: xmlszamlavalasz and the proforma-delete answer."""

from __future__ import annotations

import base64

from lxml import etree

from .money import plain
from .store import Document

VALASZ_NS = "http://www.szamlazz.hu/xmlszamlavalasz"
DBKDEL_VALASZ_NS = "http://www.szamlazz.hu/xmlszamladbkdelvalasz"


def _leaf(parent: etree._Element, tag: str, text: str) -> None:
    etree.SubElement(parent, tag).text = text


def _tostring(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def valasz_success(doc: Document, buyer_account_url: str, pdf: bytes | None) -> bytes:
    root = etree.Element(f"{{{VALASZ_NS}}}xmlszamlavalasz", nsmap={None: VALASZ_NS})
    ns = f"{{{VALASZ_NS}}}"
    _leaf(root, ns + "sikeres", "true")
    _leaf(root, ns + "szamlaszam", doc.number)
    _leaf(root, ns + "szamlanetto", plain(doc.net))
    _leaf(root, ns + "szamlabrutto", plain(doc.gross))
    _leaf(root, ns + "kintlevoseg", plain(doc.outstanding))
    _leaf(root, ns + "vevoifiokurl", buyer_account_url)
    if pdf is not None:
        _leaf(root, ns + "pdf", base64.b64encode(pdf).decode("ascii"))
    return _tostring(root)


def valasz_error(code: int, message: str) -> bytes:
    root = etree.Element(f"{{{VALASZ_NS}}}xmlszamlavalasz", nsmap={None: VALASZ_NS})
    ns = f"{{{VALASZ_NS}}}"
    _leaf(root, ns + "sikeres", "false")
    _leaf(root, ns + "hibakod", str(code))
    _leaf(root, ns + "hibauzenet", message)
    return _tostring(root)


def dbkdel_answer(code: int | None = None, message: str | None = None) -> bytes:
    root = etree.Element(
        f"{{{DBKDEL_VALASZ_NS}}}xmlszamladbkdelvalasz", nsmap={None: DBKDEL_VALASZ_NS}
    )
    ns = f"{{{DBKDEL_VALASZ_NS}}}"
    _leaf(root, ns + "sikeres", "false" if code else "true")
    if code:
        _leaf(root, ns + "hibakod", str(code))
        _leaf(root, ns + "hibauzenet", message or "")
    return _tostring(root)
