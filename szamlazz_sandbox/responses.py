"""Answer bodies other than `szamla`: xmlszamlavalasz, the proforma-delete verdict, the
NAV-shaped taxpayer answer and the v1 text answers."""

from __future__ import annotations

import base64
import datetime as dt

from lxml import etree

from .money import plain
from .store import Document, Seller

VALASZ_NS = "http://www.szamlazz.hu/xmlszamlavalasz"
DBKDEL_VALASZ_NS = "http://www.szamlazz.hu/xmlszamladbkdelvalasz"
NAV_API_NS = "http://schemas.nav.gov.hu/OSA/2.0/api"
NAV_DATA_NS = "http://schemas.nav.gov.hu/OSA/2.0/data"


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
    root = etree.Element(f"{{{DBKDEL_VALASZ_NS}}}xmlszamladbkdelvalasz",
                         nsmap={None: DBKDEL_VALASZ_NS})
    ns = f"{{{DBKDEL_VALASZ_NS}}}"
    _leaf(root, ns + "sikeres", "false" if code else "true")
    if code:
        _leaf(root, ns + "hibakod", str(code))
        _leaf(root, ns + "hibauzenet", message or "")
    return _tostring(root)


def text_error(code: int, message: str) -> bytes:
    """valaszVerzio=1 failure text; the part between `[ERR]` and the dashes matters."""
    return f"[ERR] {message} ---------- hibakód: {code}".encode()


def text_done(number: str | None = None) -> bytes:
    return f"xmlagentresponse=DONE;{number}".encode() if number else b"xmlagentresponse=DONE"


def _nav_header(root: etree._Element, request_id: str) -> None:
    ns = f"{{{NAV_API_NS}}}"
    header = etree.SubElement(root, ns + "header")
    _leaf(header, ns + "requestId", request_id)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    _leaf(header, ns + "timestamp", now)
    _leaf(header, ns + "requestVersion", "2.0")


def taxpayer_answer(request_id: str, tax_id: str, seller: Seller | None) -> bytes:
    """NAV QueryTaxpayerResponse: `funcCode` OK, validity false when the number is unknown."""
    ns, data = f"{{{NAV_API_NS}}}", f"{{{NAV_DATA_NS}}}"
    root = etree.Element(ns + "QueryTaxpayerResponse",
                         nsmap={None: NAV_API_NS, "ns2": NAV_DATA_NS})
    _nav_header(root, request_id)
    result = etree.SubElement(root, ns + "result")
    _leaf(result, ns + "funcCode", "OK")
    software = etree.SubElement(root, ns + "software")
    _leaf(software, ns + "softwareId", "SZAMLAZZSANDBOX01")
    _leaf(software, ns + "softwareName", "Számlázz.hu sandbox")
    _leaf(software, ns + "softwareOperation", "ONLINE_SERVICE")
    _leaf(root, ns + "infoDate", "2010-01-01T00:00:00.000Z")
    _leaf(root, ns + "taxpayerValidity", "true" if seller else "false")
    if seller:
        taxpayer = etree.SubElement(root, ns + "taxpayerData")
        _leaf(taxpayer, ns + "taxpayerName", seller.name.upper())
        detail = etree.SubElement(taxpayer, ns + "taxNumberDetail")
        parts = seller.tax_number.split("-")
        _leaf(detail, data + "taxpayerId", tax_id)
        if len(parts) == 3:
            _leaf(detail, data + "vatCode", parts[1])
            _leaf(detail, data + "countyCode", parts[2])
        addresses = etree.SubElement(taxpayer, ns + "taxpayerAddressList")
        item = etree.SubElement(addresses, ns + "taxpayerAddressItem")
        _leaf(item, ns + "taxpayerAddressType", "HQ")
        address = etree.SubElement(item, ns + "taxpayerAddress")
        _leaf(address, data + "countryCode", "HU")
        _leaf(address, data + "postalCode", seller.zip)
        _leaf(address, data + "city", seller.city.upper())
        _leaf(address, data + "streetName", seller.street)
    return _tostring(root)


def taxpayer_error(request_id: str, code: int, message: str) -> bytes:
    ns = f"{{{NAV_API_NS}}}"
    root = etree.Element(ns + "QueryTaxpayerResponse", nsmap={None: NAV_API_NS})
    _nav_header(root, request_id)
    result = etree.SubElement(root, ns + "result")
    _leaf(result, ns + "funcCode", "ERROR")
    _leaf(result, ns + "errorCode", str(code))
    _leaf(result, ns + "message", message)
    return _tostring(root)
