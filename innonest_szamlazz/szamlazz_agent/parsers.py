"""Reading Számla Agent answers (headers, `xmlszamlavalasz`, `szamla`, taxpayer) and the
data connection's pushes (`szamla`, `szamlabe`, `xmlnyugtaarchiv`, `banktranz`).

Precedence for every answer (as the official PHP SDK does it): a ``szlahu_down``
header first, then the ``szlahu_error_code`` header, then the HTTP status, then
the body. Elements are matched by local name so that a namespace prefix change
on the server side does not break parsing; the structure follows the XSDs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote, unquote_plus

from lxml import etree

from .errors import (
    InvalidResponseError,
    TemporarilyUnavailableError,
    error_for_code,
)
from .numbers import split_document_number
from .values import (
    BANK_INCOMING,
    BANK_OUTGOING,
    RECEIPT_STORNO_KIND,
    Address,
    BankTransaction,
    BankTransactionBatch,
    Buyer,
    IncomingInvoice,
    InvoiceResult,
    Item,
    Payment,
    Receipt,
    ReceiptBatch,
    ReceiptPayment,
    Seller,
    SzamlaDocument,
    TaxpayerInfo,
    VatSummary,
)
from .xml_safe import safe_fromstring

# Issued, but the notification e-mail failed: a success when a number came back.
NOTIFICATION_FAILED = 56


# --- scalar conversions -------------------------------------------------------


def parse_decimal(text: str | None) -> Decimal | None:
    """A number from a header or XML; accepts a decimal comma and digit grouping
    ("1 270,00", "1270,5", "1.270,50", "1,270.50", "1270.5", "1.5E3")."""
    if text is None:
        return None
    cleaned = "".join(text.split())  # also drops (narrow) no-break spaces
    if not cleaned:
        return None
    if "," in cleaned and cleaned.rfind(",") > cleaned.rfind("."):
        # Decimal comma (Hungarian style): any dot before it groups thousands.
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")  # "1,270.50": commas group thousands
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidResponseError(None, f"not a number: {text!r}") from None
    if not number.is_finite():
        raise InvalidResponseError(None, f"not a finite number: {text!r}")
    return number


def _parse_date(text: str | None) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip()[:10])  # drop an xsd:date timezone
    except ValueError:
        raise InvalidResponseError(None, f"not a date: {text!r}") from None


def _parse_int(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidResponseError(None, f"not an integer: {text!r}") from None


def _parse_bool(text: str | None) -> bool:
    return text is not None and text.strip().lower() in ("true", "1")


def _decode_base64(text: str | None) -> bytes | None:
    if text is None or not text.strip():
        return None
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidResponseError(None, "the PDF is not valid base64") from None


# --- XML navigation by local name ----------------------------------------------


def _local(element: etree._Element) -> str:
    return element.tag.rpartition("}")[2]


def _child(parent: etree._Element | None, name: str) -> etree._Element | None:
    # "{*}" matches the name in any namespace (or none): Számlázz.hu's answers vary.
    # iterchildren matches in C, without find's path parsing: a push reads ~100 of them.
    return None if parent is None else next(parent.iterchildren("{*}" + name), None)


def _children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if parent is None else list(parent.iterchildren("{*}" + name))


def _text(parent: etree._Element | None, name: str) -> str | None:
    """Text of a child; None when missing or blank."""
    child = _child(parent, name)
    if child is None or child.text is None or not child.text.strip():
        return None
    return child.text.strip()


def _required_text(parent: etree._Element | None, name: str) -> str:
    value = _text(parent, name)
    if value is None:
        where = _local(parent) if parent is not None else "document"
        raise InvalidResponseError(None, f"<{name}> missing in <{where}>")
    return value


def _required_decimal(parent: etree._Element | None, name: str) -> Decimal:
    return parse_decimal(_required_text(parent, name))


# --- headers and transport-level errors ----------------------------------------


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            value = _fix_header_charset(value).strip()
            return value or None
    return None


def _fix_header_charset(value: str) -> str:
    # HTTP libraries decode header bytes as latin-1; Számlázz.hu URL-encodes
    # non-ASCII text, but a raw UTF-8 header must not turn into mojibake.
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def header_number(headers: Mapping[str, str]) -> str | None:
    """``szlahu_szamlaszam`` (URL-encoded by Számlázz.hu)."""
    value = _header(headers, "szlahu_szamlaszam")
    return unquote_plus(value) if value else None


def check_answer(status: int, headers: Mapping[str, str]) -> None:
    """Raise the error the headers or the HTTP status announce, if any."""
    if _header(headers, "szlahu_down"):
        raise TemporarilyUnavailableError(None, "Számlázz.hu is down for maintenance")
    code_text = _header(headers, "szlahu_error_code")
    if code_text is not None:
        message = unquote_plus(_header(headers, "szlahu_error") or "")
        try:
            code = int(code_text)
        except ValueError:
            code = None
            message = f"{code_text}: {message}"
        if not (code == NOTIFICATION_FAILED and header_number(headers)):
            raise error_for_code(code, message)
    if status >= 500:
        raise TemporarilyUnavailableError(None, f"HTTP {status} from Számlázz.hu")
    if status >= 400:
        raise error_for_code(None, f"HTTP {status} from Számlázz.hu")


def _raise_for_failed_verdict(root: etree._Element, known_number: str | None = None) -> None:
    """For answers with <sikeres>: raise the body's error when it is false.

    ``known_number``: an invoice number the headers already gave (see code 56)."""
    if _parse_bool(_text(root, "sikeres")):
        return
    code_text = _text(root, "hibakod")
    message = _text(root, "hibauzenet") or ""
    try:
        code = int(code_text) if code_text is not None else None
    except ValueError:
        code, message = None, f"{code_text}: {message}"
    if code == NOTIFICATION_FAILED and (_text(root, "szamlaszam") or known_number):
        return
    raise error_for_code(code, message)


def _expect_root(root: etree._Element, *names: str) -> str:
    name = _local(root)
    if name not in names:
        raise InvalidResponseError(None, f"unexpected answer <{name}>")
    return name


# --- create / storno / credit entry --------------------------------------------


def parse_invoice_answer(status: int, headers: Mapping[str, str], body: bytes) -> InvoiceResult:
    """The answer to `xmlszamla`, `xmlszamlast` and `xmlszamlakifiz` (valaszVerzio=2).

    The XML body wins over the headers; the headers fill what the body lacks.
    """
    check_answer(status, headers)
    header_values = {
        "number": header_number(headers),
        "net": parse_decimal(_header(headers, "szlahu_nettovegosszeg")),
        "gross": parse_decimal(_header(headers, "szlahu_bruttovegosszeg")),
        "outstanding": parse_decimal(_header(headers, "szlahu_kintlevoseg")),
        "buyer_account_url": unquote(_header(headers, "szlahu_vevoifiokurl") or "") or None,
        "internal_id": _parse_int(_header(headers, "szlahu_id")),
    }
    if not body.strip():
        return InvoiceResult(pdf=None, **header_values)
    root = safe_fromstring(body)
    _expect_root(root, "xmlszamlavalasz")
    _raise_for_failed_verdict(root, header_values["number"])
    return InvoiceResult(
        number=_text(root, "szamlaszam") or header_values["number"],
        net=_first_not_none(parse_decimal(_text(root, "szamlanetto")), header_values["net"]),
        gross=_first_not_none(parse_decimal(_text(root, "szamlabrutto")), header_values["gross"]),
        outstanding=_first_not_none(
            parse_decimal(_text(root, "kintlevoseg")), header_values["outstanding"]
        ),
        buyer_account_url=_text(root, "vevoifiokurl") or header_values["buyer_account_url"],
        pdf=_decode_base64(_text(root, "pdf")),
        internal_id=header_values["internal_id"],
    )


def _first_not_none(*values: Decimal | None) -> Decimal | None:
    return next((value for value in values if value is not None), None)


# --- queries ------------------------------------------------------------------------


def parse_query_answer(status: int, headers: Mapping[str, str], body: bytes) -> SzamlaDocument:
    """`xmlszamlaxml`: a `szamla` document, or an `xmlszamlavalasz` error."""
    check_answer(status, headers)
    root = safe_fromstring(body)
    if _expect_root(root, "szamla", "xmlszamlavalasz") == "xmlszamlavalasz":
        _raise_for_failed_verdict(root)
        raise InvalidResponseError(None, "successful answer without a document")
    return _document_from_root(root, body)


def parse_pdf_answer(status: int, headers: Mapping[str, str], body: bytes) -> bytes:
    """`xmlszamlapdf`: the PDF, base64 in `xmlszamlavalasz` (or a raw PDF body)."""
    check_answer(status, headers)
    if body.startswith(b"%PDF"):
        return body
    root = safe_fromstring(body)
    _expect_root(root, "xmlszamlavalasz")
    _raise_for_failed_verdict(root)
    pdf = _decode_base64(_text(root, "pdf"))
    if pdf is None:
        raise InvalidResponseError(None, "PDF answer without a PDF")
    return pdf


def parse_proforma_delete_answer(status: int, headers: Mapping[str, str], body: bytes) -> None:
    """`xmlszamladbkdel`: `xmlszamladbkdelvalasz` with <sikeres>."""
    check_answer(status, headers)
    if not body.strip():
        return
    root = safe_fromstring(body)
    _expect_root(root, "xmlszamladbkdelvalasz", "xmlszamlavalasz")
    _raise_for_failed_verdict(root)


def parse_taxpayer_answer(status: int, headers: Mapping[str, str], body: bytes) -> TaxpayerInfo:
    """`xmltaxpayer`: NAV's QueryTaxpayerResponse, passed through by Számlázz.hu.

    ``result/funcCode`` ERROR is an error (its errorCode is a Számla Agent code such
    as 57); OK with ``taxpayerValidity`` false is a valid answer about an invalid
    tax number.
    """
    check_answer(status, headers)
    root = safe_fromstring(body)
    _expect_root(root, "QueryTaxpayerResponse")
    result = _child(root, "result")
    if (_text(result, "funcCode") or "").upper() != "OK":
        code_text = _text(result, "errorCode")
        message = _text(result, "message") or ""
        code = int(code_text) if code_text and code_text.isdigit() else None
        if code is None and code_text:
            message = f"{code_text}: {message}"
        raise error_for_code(code, message)
    data = _child(root, "taxpayerData")
    return TaxpayerInfo(
        valid=_parse_bool(_text(root, "taxpayerValidity")),
        tax_number=_nav_tax_number(_child(data, "taxNumberDetail")),
        name=_text(data, "taxpayerName"),
        address=_nav_address(data),
    )


def _nav_tax_number(detail: etree._Element | None) -> str | None:
    parts = [_text(detail, name) for name in ("taxpayerId", "vatCode", "countyCode")]
    if parts[0] is None:
        return None
    return "-".join(parts) if all(parts) else parts[0]


def _nav_address(data: etree._Element | None) -> Address | None:
    items = _children(_child(data, "taxpayerAddressList"), "taxpayerAddressItem")
    if not items:
        return None
    # The seat (HQ) is the legal address; fall back to the first one listed.
    item = next((i for i in items if _text(i, "taxpayerAddressType") == "HQ"), items[0])
    address = _child(item, "taxpayerAddress")
    street_parts = ("streetName", "publicPlaceCategory", "number", "building")
    street = " ".join(p for p in (_text(address, n) for n in street_parts) if p)
    for label, name in ((" lház. ", "staircase"), (" em. ", "floor"), (" ajtó ", "door")):
        if _text(address, name):
            street += f"{label}{_text(address, name)}".rstrip()
    return Address(
        country=_text(address, "countryCode"),
        zip=_text(address, "postalCode"),
        city=_text(address, "city"),
        street=street or None,
    )


# --- the `szamla` document -------------------------------------------------------

SZAMLA_NAMESPACE = "http://www.szamlazz.hu/szamla"
_SZAMLA_ROOT = f"{{{SZAMLA_NAMESPACE}}}szamla"
_PDF_MAGIC = b"%PDF"


def parse_szamla_document(xml_bytes: bytes, *, digest: bool = True) -> SzamlaDocument:
    """A `szamla` document (szamla.xsd): the query answer and the push body.

    Refused (``InvalidResponseError``) only when it cannot be identified: not XML, not a
    ``szamla`` in Számlázz.hu's namespace, or without ``alap/szamlaszam``. Anything else
    missing or unreadable is read as None and, where it matters, named in ``problems``.
    ``digest=False`` leaves ``content_sha256`` empty: only storing compares it.
    """
    return _document_from_root(safe_fromstring(xml_bytes), xml_bytes, digest=digest)


class _Reader:
    """Reads leaves leniently and records what Odoo needs but could not read."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def _convert(self, parent, name, where, convert, required):
        raw = _text(parent, name)
        if raw is None:
            if required:
                self.problems.append(f"<{name}> missing in <{where}>")
            return None
        try:
            return convert(raw)
        except InvalidResponseError as error:
            self.problems.append(f"<{name}> in <{where}>: {error.message}")
            return None

    def decimal(self, parent, name, where, required=False) -> Decimal | None:
        return self._convert(parent, name, where, parse_decimal, required)

    def date(self, parent, name, where, required=False) -> date | None:
        return self._convert(parent, name, where, _parse_date, required)

    def int(self, parent, name, where, required=False) -> int | None:
        return self._convert(parent, name, where, _parse_int, required)

    def text(self, parent, name, where, required=False) -> str | None:
        value = _text(parent, name)
        if value is None and required:
            self.problems.append(f"<{name}> missing in <{where}>")
        return value


def _document_from_root(root: etree._Element, raw: bytes, *, digest: bool = True) -> SzamlaDocument:
    if root.tag != _SZAMLA_ROOT:
        raise InvalidResponseError(
            None, f"not a Számlázz.hu szamla document: <{root.tag}> (expected {_SZAMLA_ROOT})"
        )
    basics = _child(root, "alap")
    number = _text(basics, "szamlaszam")
    if number is None:
        raise InvalidResponseError(
            None, "<szamlaszam> missing in <alap>: the document has no number"
        )
    read = _Reader()
    pdf, pdf_problem = _pdf(root)
    content_sha256 = _content_digest(root) if digest else ""
    items = _items(read, root, _item)
    e_invoice_code = read.int(basics, "eszamla", "alap")
    parts = split_document_number(number)
    net, vat, gross = _totals(read, root, items)
    return SzamlaDocument(
        seller=_seller(_child(root, "szallito")),
        internal_id=read.int(basics, "id", "alap"),
        number=number,
        kind=read.text(basics, "tipus", "alap", required=True),
        # eszamla: 0 not an invoice, 1 paper, 2 and 3 e-invoice (Számlázz.hu docs); the
        # number says it when the code is missing ("E-WEB-2026-9").
        e_invoice=(e_invoice_code or 0) >= 2 or bool(parts and parts.e_invoice),
        referenced_invoice=_text(basics, "hivszamlaszam"),
        referenced_proforma=_text(basics, "hivdijbekszam"),
        issue_date=read.date(basics, "kelt", "alap", required=True),
        fulfillment_date=read.date(basics, "telj", "alap"),
        due_date=read.date(basics, "fizh", "alap"),
        payment_method=_text(basics, "fizmod"),
        payment_method_unified=_text(basics, "fizmodunified"),
        cash=_parse_bool(_text(basics, "keszpenz")),
        order_number=_text(basics, "rendelesszam"),
        language=_text(basics, "nyelv"),
        currency=_text(basics, "devizanem"),
        exchange_bank=_text(basics, "devizabank"),
        exchange_rate=read.decimal(basics, "devizaarf", "alap"),
        note=_text(basics, "megjegyzes"),
        email=_text(basics, "email"),
        test=_parse_bool(_text(basics, "teszt")),
        cancelled=_parse_bool(_text(basics, "sztornozott")),
        buyer=_buyer(read, _child(root, "vevo")),
        items=items,
        vat_summaries=_vat_summaries(root),
        net=net,
        vat=vat,
        gross=gross,
        payments=_payments(read, root),
        pdf=pdf,
        raw=raw,
        issued_by=read.int(basics, "forras", "alap"),
        problems=tuple(read.problems),
        pdf_problem=pdf_problem,
        content_sha256=content_sha256,
    )


def _items(read: _Reader, parent: etree._Element, read_item) -> tuple[Item, ...]:
    items = tuple(
        read_item(read, element, index)
        for index, element in enumerate(_children(_child(parent, "tetelek"), "tetel"), start=1)
    )
    if not items:
        read.problems.append("the document has no items (<tetelek>)")
    return items


def _totals(
    read: _Reader, parent: etree._Element, items: tuple[Item, ...]
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """``osszegek/totalossz`` (net, VAT, gross); without it, the items' sums."""
    totals = _child(_child(parent, "osszegek"), "totalossz")
    if totals is None:
        net, vat, gross = (_sum_of(items, name) for name in ("net", "vat", "gross"))
        if gross is None:
            read.problems.append("<totalossz> missing in <osszegek>")
        return net, vat, gross
    net, vat, gross = (
        read.decimal(totals, name, "totalossz") for name in ("netto", "afa", "brutto")
    )
    return net, vat, gross


def _vat_summaries(parent: etree._Element) -> tuple[VatSummary, ...]:
    return tuple(
        summary
        for summary in map(_vat_summary, _children(_child(parent, "osszegek"), "afakulcsossz"))
        if summary is not None
    )


def _payments(read: _Reader, root: etree._Element) -> tuple[Payment, ...]:
    elements = _children(_child(root, "kifizetesek"), "kifizetes")
    return tuple(
        payment
        for index, element in enumerate(elements, start=1)
        if (payment := _payment(read, element, index)) is not None
    )


def _sum_of(items: tuple[Item, ...], attribute: str) -> Decimal | None:
    values = [getattr(item, attribute) for item in items]
    if not values or any(value is None for value in values):
        return None
    return sum(values, Decimal("0"))


def _pdf(root: etree._Element) -> tuple[bytes | None, str | None]:
    """``(pdf, problem)``: an absent or empty <pdf> is no PDF, not a problem."""
    text = _text(root, "pdf")
    if text is None:
        return None, None
    try:
        pdf = _decode_base64(text)
    except InvalidResponseError as error:
        return None, error.message
    if not pdf.startswith(_PDF_MAGIC):
        return None, "the <pdf> element does not hold a PDF"
    return pdf, None


# Left out of the content digest: what a query answer and a push of the same, unchanged
# document may differ in. The PDF (a re-query asks without it); the elements the official
# query answer example omits although szamla.xsd requires them; and the buyer, which
# Számlázz.hu answers with its live partner data, not with the data of the day of issue.
_NOT_CONTENT = frozenset(
    {
        "pdf",
        "gazdEsemAzon",
        "keszpenz",
        "katafokonyv",
        "lokacio",
        "privatePersonIndicator",
        "sztetordering",
        "vevo",
    }
)


def _content_digest(root: etree._Element) -> str:
    """SHA-256 of what the document says (see ``_NOT_CONTENT``): element names (whatever
    the namespace prefix), attributes and trimmed texts, in document order; an empty
    element counts as absent."""
    digest = hashlib.sha256()

    def walk(element: etree._Element, depth: int) -> None:
        children = [
            child
            for child in element
            if isinstance(child.tag, str) and _local(child) not in _NOT_CONTENT
        ]
        text = (element.text or "").strip()
        if not children and not text and not element.attrib:
            return
        attributes = sorted((etree.QName(key).localname, value) for key, value in element.items())
        digest.update(repr((depth, _local(element), attributes, text)).encode())
        for child in children:
            walk(child, depth + 1)

    walk(root, 0)
    return digest.hexdigest()


def _address(element: etree._Element | None) -> Address:
    return Address(
        country=_text(element, "orszag"),
        zip=_text(element, "irsz"),
        city=_text(element, "telepules"),
        street=_text(element, "cim"),
    )


def _seller(element: etree._Element | None) -> Seller | None:
    if element is None:
        return None
    bank = _child(element, "bank")
    return Seller(
        id=_lenient_int(_text(element, "id")),
        name=_text(element, "nev"),
        address=_address(_child(element, "cim")),
        tax_number=_text(element, "adoszam"),
        eu_tax_number=_text(element, "adoszameu"),
        group_id=_text(element, "csoportazonosito"),
        bank_name=_text(bank, "nev"),
        bank_account=_text(bank, "bankszamla"),
    )


def _lenient_int(text: str | None) -> int | None:
    """An integer Odoo only shows: unreadable is the same as absent."""
    try:
        return _parse_int(text)
    except InvalidResponseError:
        return None


def _buyer(read: _Reader, element: etree._Element | None) -> Buyer:
    postal = _child(element, "postacim")
    return Buyer(
        id=_lenient_int(_text(element, "id")),
        name=_text(element, "nev"),
        identifier=_text(element, "azonosito"),
        address=_address(_child(element, "cim")),
        postal_address=_address(postal) if postal is not None else None,
        email=_text(element, "email"),
        tax_number=_text(element, "adoszam"),
        group_id=_text(element, "csoportazonosito"),
        eu_tax_number=_text(element, "adoszameu"),
        location=_lenient_int(_text(element, "lokacio")),
        private_person=_parse_bool(_text(element, "privatePersonIndicator")),
    )


# Element names of an item that the invoice schemas (szamla, szamlabe) and the receipt
# schema (xmlnyugtaarchiv) spell differently: name, unit, net unit price, ordering.
_INVOICE_ITEM_NAMES = ("nev", "mennyisegiegyseg", "nettoegysegar", "sztetordering")
_RECEIPT_ITEM_NAMES = ("megnevezes", "mennyisegiEgyseg", "nettoEgysegar", None)


def _item(read: _Reader, element: etree._Element, index: int, names=_INVOICE_ITEM_NAMES) -> Item:
    name, unit, net_unit_price, ordering = names
    where = f"tetel {index}"
    return Item(
        name=_text(element, name),
        identifier=_text(element, "azonosito"),
        quantity=read.decimal(element, "mennyiseg", where, required=True),
        unit=_text(element, unit),
        net_unit_price=read.decimal(element, net_unit_price, where),
        vat_type=_text(element, "afatipus"),
        vat_rate=read.decimal(element, "afakulcs", where),
        net=read.decimal(element, "netto", where),
        vat=read.decimal(element, "afa", where),
        gross=read.decimal(element, "brutto", where),
        note=_text(element, "megjegyzes"),
        ordering=_lenient_int(_text(element, ordering)) if ordering else None,
    )


def _vat_summary(element: etree._Element) -> VatSummary | None:
    try:
        return VatSummary(
            vat_type=_text(element, "afatipus"),
            vat_rate=_required_decimal(element, "afakulcs"),
            net=_required_decimal(element, "netto"),
            vat=_required_decimal(element, "afa"),
            gross=_required_decimal(element, "brutto"),
        )
    except InvalidResponseError:
        return None  # a summary Odoo only shows: the totals and items carry the amounts


def _payment(read: _Reader, element: etree._Element, index: int) -> Payment | None:
    where = f"kifizetes {index}"
    payment_date = read.date(element, "datum", where, required=True)
    amount = read.decimal(element, "osszeg", where, required=True)
    if payment_date is None or amount is None:
        return None
    return Payment(
        date=payment_date,
        title=_text(element, "jogcim") or "",
        amount=amount,
        note=_text(element, "megjegyzes"),
        bank_account=_text(element, "bankszamlaszam"),
        bank_transaction_id=_lenient_int(_text(element, "banktranzid")),
        exchange_rate=_lenient_decimal(_text(element, "devizaarf")),
    )


def _lenient_decimal(text: str | None) -> Decimal | None:
    try:
        return parse_decimal(text)
    except InvalidResponseError:
        return None


# --- the data connection's other pushes: `szamlabe`, `xmlnyugtaarchiv`, `banktranz` ----

SZAMLABE_NAMESPACE = "http://www.szamlazz.hu/szamlabe"
NYUGTAARCHIV_NAMESPACE = "http://www.szamlazz.hu/xmlnyugtaarchiv"
BANKTRANZ_NAMESPACE = "http://www.szamlazz.hu/banktranz"


def _expect_document(root: etree._Element, namespace: str, name: str, what: str) -> None:
    expected = f"{{{namespace}}}{name}"
    if root.tag != expected:
        raise InvalidResponseError(
            None, f"not a Számlázz.hu {what}: <{root.tag}> (expected {expected})"
        )


def parse_incoming_invoice(xml_bytes: bytes, *, digest: bool = True) -> IncomingInvoice:
    """A `szamlabe` document (szamlabe.xsd): an invoice a supplier issued to the account.

    Refused (``InvalidResponseError``) only when it cannot be identified: not XML, not a
    ``szamlabe`` in Számlázz.hu's namespace, or without ``alap/szamlaszam``; otherwise read
    as leniently as :func:`parse_szamla_document` (``digest`` too).
    """
    root = safe_fromstring(xml_bytes)
    _expect_document(root, SZAMLABE_NAMESPACE, "szamlabe", "incoming invoice (szamlabe)")
    basics = _child(root, "alap")
    number = _text(basics, "szamlaszam")
    if number is None:
        raise InvalidResponseError(
            None, "<szamlaszam> missing in <alap>: the incoming invoice has no number"
        )
    read = _Reader()
    supplier_element = _child(root, "szallito")
    if supplier_element is None:
        read.problems.append("<szallito> missing: the supplier is unknown")
    else:
        read.text(supplier_element, "nev", "szallito", required=True)
    pdf, pdf_problem = _pdf(root)
    items = _items(read, root, _item)
    e_invoice_code = read.int(basics, "eszamla", "alap")
    net, vat, gross = _totals(read, root, items)
    buyer_element = _child(root, "vevo")
    return IncomingInvoice(
        supplier=_seller(supplier_element),
        internal_id=read.int(basics, "id", "alap"),
        number=number,
        economic_event_id=_lenient_int(_text(basics, "gazdEsemAzon")),
        filing_number=_text(basics, "iktatoszam"),
        kind=read.text(basics, "tipus", "alap", required=True),
        e_invoice=(e_invoice_code or 0) >= 2,
        referenced_invoice=_text(basics, "hivszamlaszam"),
        referenced_proforma=_text(basics, "hivdijbekszam"),
        issue_date=read.date(basics, "kelt", "alap", required=True),
        fulfillment_date=read.date(basics, "telj", "alap"),
        due_date=read.date(basics, "fizh", "alap"),
        payment_method=_text(basics, "fizmod"),
        payment_method_unified=_text(basics, "fizmodunified"),
        cash=_parse_bool(_text(basics, "keszpenz")),
        order_number=_text(basics, "rendelesszam"),
        language=_text(basics, "nyelv"),
        currency=_text(basics, "devizanem"),
        exchange_bank=_text(basics, "devizabank"),
        exchange_rate=read.decimal(basics, "devizaarf", "alap"),
        note=_text(basics, "megjegyzes"),
        test=_parse_bool(_text(basics, "teszt")),
        cancelled=_parse_bool(_text(basics, "sztornozott")),
        buyer=_buyer(read, buyer_element) if buyer_element is not None else None,
        items=items,
        vat_summaries=_vat_summaries(root),
        net=net,
        vat=vat,
        gross=gross,
        payments=_payments(read, root),
        pdf=pdf,
        raw=xml_bytes,
        issued_by=read.int(basics, "forras", "alap"),
        problems=tuple(read.problems),
        pdf_problem=pdf_problem,
        content_sha256=_content_digest(root) if digest else "",
    )


def parse_receipt_batch(xml_bytes: bytes, *, digest: bool = True) -> ReceiptBatch:
    """An `xmlnyugtaarchiv` document (xmlnyugtaarchiv.xsd): a day's receipts.

    Refused (``InvalidResponseError``) only when it is not XML or not an
    ``xmlnyugtaarchiv`` in Számlázz.hu's namespace. A receipt without ``alap/nyugtaszam`` is
    left out and named in the batch's ``problems``; every other one is read leniently, with
    its own ``problems`` (``digest`` as :func:`parse_szamla_document`'s).
    """
    root = safe_fromstring(xml_bytes)
    _expect_document(root, NYUGTAARCHIV_NAMESPACE, "xmlnyugtaarchiv", "receipt batch")
    receipts: list[Receipt] = []
    problems: list[str] = []
    elements = _children(root, "nyugta")
    if not elements:
        problems.append("the batch has no receipts (<nyugta>)")
    for index, element in enumerate(elements, start=1):
        basics = _child(element, "alap")
        number = _text(basics, "nyugtaszam")
        if number is None:
            known_id = _text(basics, "id")
            which = f"receipt {index}" + (f" (id {known_id})" if known_id else "")
            problems.append(f"{which}: <nyugtaszam> missing in <alap>: the receipt has no number")
            continue
        receipts.append(_receipt(element, basics, number, digest))
    return ReceiptBatch(receipts=tuple(receipts), raw=xml_bytes, problems=tuple(problems))


def _receipt(element: etree._Element, basics: etree._Element, number: str, digest: bool) -> Receipt:
    read = _Reader()
    kind = read.text(basics, "tipus", "alap", required=True)
    cancelled_number = _text(basics, "stornozottNyugtaszam")
    if kind == RECEIPT_STORNO_KIND and cancelled_number is None:
        read.problems.append(
            "<stornozottNyugtaszam> missing in <alap>: the storno receipt names no receipt"
        )
    items = _items(read, element, _receipt_item)
    net, vat, gross = _totals(read, element, items)
    return Receipt(
        internal_id=read.int(basics, "id", "alap"),
        call_id=_text(basics, "hivasAzonosito"),
        number=number,
        kind=kind,
        cancelled=_parse_bool(_text(basics, "stornozott")),
        cancelled_number=cancelled_number,
        issue_date=read.date(basics, "kelt", "alap", required=True),
        payment_method=_text(basics, "fizmod"),
        currency=_text(basics, "penznem"),
        exchange_bank=_text(basics, "devizabank"),
        exchange_rate=read.decimal(basics, "devizaarf", "alap"),
        note=_text(basics, "megjegyzes"),
        test=_parse_bool(_text(basics, "teszt")),
        seller_tax_number=_text(basics, "adoszam"),
        order_number=_text(basics, "rendelesSzam"),
        items=items,
        payments=tuple(
            ReceiptPayment(
                method=_text(payment, "fizetoeszkoz"),
                amount=read.decimal(payment, "osszeg", f"kifizetes {index}", required=True),
                note=_text(payment, "leiras"),
            )
            for index, payment in enumerate(
                _children(_child(element, "kifizetesek"), "kifizetes"), start=1
            )
        ),
        vat_summaries=_vat_summaries(element),
        net=net,
        vat=vat,
        gross=gross,
        problems=tuple(read.problems),
        content_sha256=_content_digest(element) if digest else "",
    )


def _receipt_item(read: _Reader, element: etree._Element, index: int) -> Item:
    """A receipt's `tetel`: the invoice item's values under the receipt schema's names."""
    return _item(read, element, index, _RECEIPT_ITEM_NAMES)


def parse_bank_transactions(xml_bytes: bytes) -> BankTransactionBatch:
    """A `banktranz` document (banktranz.xsd): one bank transaction.

    Refused (``InvalidResponseError``) only when it cannot be identified: not XML, not a
    ``banktranz`` in Számlázz.hu's namespace, or without a readable ``id``. Anything else
    missing or unreadable is None and, where it matters (value date, direction, amount),
    named in the transaction's ``problems``.
    """
    root = safe_fromstring(xml_bytes)
    _expect_document(root, BANKTRANZ_NAMESPACE, "banktranz", "bank transaction (banktranz)")
    id_text = _text(root, "id")
    if id_text is None:
        raise InvalidResponseError(None, "<id> missing in <banktranz>: the transaction has no id")
    try:
        transaction_id = _parse_int(id_text)
    except InvalidResponseError as error:
        raise InvalidResponseError(None, f"<id> in <banktranz>: {error.message}") from None
    read = _Reader()
    direction = read.text(root, "irany", "banktranz", required=True)
    if direction is not None and direction not in (BANK_INCOMING, BANK_OUTGOING):
        read.problems.append(f"<irany> in <banktranz>: neither BE nor KI: {direction!r}")
    partner = _child(root, "partner")
    reference = _text(root, "kozlemeny")
    transaction = BankTransaction(
        id=transaction_id,
        bank_account=_text(root, "bankszamla"),
        value_date=read.date(root, "erteknap", "banktranz", required=True),
        direction=direction,
        type=_text(root, "tipus"),
        technical=_parse_bool(_text(root, "technikai")),
        amount=read.decimal(root, "osszeg", "banktranz", required=True),
        currency=_text(root, "devizanem"),
        partner_name=_text(partner, "nev"),
        partner_bank_account=_text(partner, "bankszamla"),
        reference=reference,
        numbers_mentioned=document_numbers_in(reference),
        problems=tuple(read.problems),
    )
    return BankTransactionBatch(transactions=(transaction,), raw=xml_bytes)


# A run of letters and digits joined by hyphens ("E-WEB-2026-9"); a document number is a
# part of one ("WEB-2026-12-es" in Hungarian, "SZLA-WEB-2026-12").
_HYPHENATED_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_SERIES_MARKERS = frozenset({"E", "D", "SL"})
_MAX_NUMBER_PARTS = 8  # "E-MY-OWN-SHOP-2026-9" has 6; a longer run is no number


def document_numbers_in(text: str | None) -> tuple[str, ...]:
    """The Számlázz.hu document numbers ``text`` names, as written, in order, each once.

    A bank reference is free text: a number may be glued to a word before it
    ("SZLA-WEB-2026-12") or to a Hungarian suffix after it ("WEB-2026-12-es"). Every part
    of a hyphenated word that ``split_document_number`` reads is a candidate, the longest
    from each starting point; no part starts after an ``E``, ``D`` or ``SL`` marker, so
    "E-WEB-2026-9" does not also name the paper invoice "WEB-2026-9". The candidates are
    for looking up known documents, not proof that one exists.
    """
    found: dict[str, None] = {}
    for word in _HYPHENATED_WORD.findall(text or ""):
        parts = word.split("-")
        for start in range(len(parts)):
            if start and parts[start - 1] in _SERIES_MARKERS:
                break  # what follows a marker belongs to the number the marker starts
            for end in range(min(len(parts), start + _MAX_NUMBER_PARTS), start, -1):
                if not parts[end - 1].isdigit():
                    continue
                candidate = "-".join(parts[start:end])
                if split_document_number(candidate) is not None:
                    found.setdefault(candidate)
                    break
    return tuple(found)
