"""Parsing Számlázz.hu answers: hand-written `szamla` documents (themselves valid
against szamla.xsd), the xmlszamlavalasz answer, headers and the taxpayer answer."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal

import pytest
from client_support import assert_valid, data_file

from szamlazz_agent import (
    Address,
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    OutcomeUnknownError,
    TemporarilyUnavailableError,
    hungarian_tax_core,
    hungarian_tax_number,
    invoice_number,
    parse_szamla_document,
    safe_fromstring,
    split_document_number,
)
from szamlazz_agent.parsers import (
    parse_decimal,
    parse_invoice_answer,
    parse_pdf_answer,
    parse_proforma_delete_answer,
    parse_query_answer,
    parse_taxpayer_answer,
)

PDF = b"%PDF-1.4\n% hand-written test PDF\n%%EOF\n"


def valasz(**fields: str) -> bytes:
    """An xmlszamlavalasz answer with the given children (schema order kept by caller)."""
    children = "".join(f"<{name}>{value}</{name}>" for name, value in fields.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<xmlszamlavalasz xmlns="http://www.szamlazz.hu/xmlszamlavalasz">{children}'
        "</xmlszamlavalasz>"
    ).encode()


@pytest.mark.parametrize(
    "name", ["szamla_full.xml", "szamla_storno.xml", "szamla_paid_proforma.xml"]
)
def test_test_documents_are_valid_szamla_documents(name):
    assert_valid(data_file(name), "szamla.xsd")


def test_full_document():
    raw = data_file("szamla_full.xml")
    doc = parse_szamla_document(raw)
    assert doc.raw == raw
    assert doc.pdf == PDF

    seller = doc.seller
    assert (seller.id, seller.name, seller.tax_number) == (1001, "Demo Bolt Kft.", "12345678-2-42")
    assert seller.address == Address("Magyarország", "1052", "Budapest", "Váci utca 1.")
    assert (seller.eu_tax_number, seller.group_id) == ("HU12345678", "17777777-5-44")
    assert (seller.bank_name, seller.bank_account) == ("OTP Bank", "11773016-11111111-00000000")

    assert (doc.internal_id, doc.number, doc.kind, doc.prefix) == (
        987654,
        "DEMO-2026-42",
        "SZ",
        "DEMO",
    )
    assert doc.e_invoice is True
    assert (doc.referenced_invoice, doc.referenced_proforma) == (None, None)
    assert (doc.issue_date, doc.fulfillment_date, doc.due_date) == (
        date(2026, 11, 20),
        date(2026, 11, 19),
        date(2026, 11, 28),
    )
    assert (doc.payment_method, doc.payment_method_unified, doc.cash) == (
        "Átutalás",
        "átutalás",
        False,
    )
    assert (doc.order_number, doc.language, doc.currency) == ("SO042", "hu", "EUR")
    assert (doc.exchange_bank, doc.exchange_rate) == ("MNB", Decimal("395.12"))
    assert doc.note == "Köszönjük a vásárlást!"
    assert doc.email == "szamla@vevo.example"
    assert (doc.test, doc.cancelled) == (True, False)

    buyer = doc.buyer
    assert (buyer.id, buyer.name, buyer.identifier) == (4242, "Vevő Kft.", "P-42")
    assert buyer.address == Address("Magyarország", "1111", "Budapest", "Fő utca 1.")
    assert buyer.postal_address == Address(None, "1112", "Budapest", "Pf. 12")
    assert buyer.email == "vevo@vevo.example"
    assert (buyer.tax_number, buyer.group_id, buyer.eu_tax_number) == (
        "87654321-2-41",
        "18888888-5-41",
        "HU87654321",
    )
    assert (buyer.location, buyer.private_person) == (1, False)

    first, second = doc.items
    assert (first.name, first.identifier, first.unit, first.note, first.ordering) == (
        "Kávé",
        "DEMO-SKU-1",
        "db",
        "pörkölt",
        1,
    )
    assert (first.quantity, first.net_unit_price, first.vat_type, first.vat_rate) == (
        Decimal("2.0"),
        Decimal("10.5"),
        None,
        Decimal("27"),
    )
    assert (first.net, first.vat, first.gross) == (
        Decimal("21.0"),
        Decimal("5.67"),
        Decimal("26.67"),
    )
    assert (second.identifier, second.vat_type, second.vat_rate) == (None, "AAM", Decimal("0"))

    assert [(s.vat_type, s.vat_rate, s.gross) for s in doc.vat_summaries] == [
        (None, Decimal("27"), Decimal("26.67")),
        ("AAM", Decimal("0"), Decimal("100")),
    ]
    assert (doc.net, doc.vat, doc.gross) == (Decimal("121.0"), Decimal("5.67"), Decimal("126.67"))

    transfer, cash = doc.payments
    assert (transfer.date, transfer.title, transfer.amount, transfer.note) == (
        date(2026, 11, 21),
        "átutalás",
        Decimal("100.00"),
        "első részlet",
    )
    assert (transfer.bank_account, transfer.bank_transaction_id, transfer.exchange_rate) == (
        "11773016-99999999-00000000",
        7001,
        Decimal("396.5"),
    )
    assert (cash.note, cash.bank_account, cash.bank_transaction_id) == (None, None, None)
    assert doc.paid_amount == Decimal("106.67")
    assert doc.outstanding_amount == Decimal("20.00")


def test_storno_document():
    doc = parse_szamla_document(data_file("szamla_storno.xml"))
    assert (doc.kind, doc.number, doc.referenced_invoice) == ("SS", "DEMO-2026-43", "DEMO-2026-41")
    assert doc.e_invoice is False  # eszamla 1: paper invoice
    assert doc.cash is True
    assert doc.gross == Decimal("-1270")
    assert doc.items[0].quantity == Decimal("-1")
    assert doc.buyer.private_person is True
    assert doc.buyer.tax_number is None
    assert (doc.seller.bank_name, doc.seller.bank_account, doc.pdf) == (None, None, None)
    assert doc.payments == ()
    assert doc.outstanding_amount == Decimal("-1270")


def test_invoice_of_a_paid_proforma():
    doc = parse_szamla_document(data_file("szamla_paid_proforma.xml"))
    assert (doc.kind, doc.referenced_proforma, doc.prefix) == ("SZ", "D-DEMO-7", "WEB")
    assert doc.items[0].identifier == "DEMO-SKU-2"
    assert doc.paid_amount == doc.gross == Decimal("3810")
    assert doc.outstanding_amount == 0
    assert doc.buyer.email == "webshop@vevo.example"


@pytest.mark.parametrize("name", ["szamla_doctype.xml", "szamla_billion_laughs.xml"])
def test_doctype_and_entities_are_rejected(name):
    with pytest.raises(InvalidResponseError):
        parse_szamla_document(data_file(name))
    with pytest.raises(InvalidResponseError):
        safe_fromstring(data_file(name))
    with pytest.raises(InvalidResponseError):
        parse_query_answer(200, {}, data_file(name))


@pytest.mark.parametrize("body", [b"", b"not xml", b"<szamla>", "<szamla/>"])
def test_garbage_is_an_invalid_response(body):
    with pytest.raises(InvalidResponseError):
        parse_szamla_document(body)


def test_a_document_without_required_parts_is_an_invalid_response():
    with pytest.raises(InvalidResponseError):
        parse_szamla_document(b'<szamla xmlns="http://www.szamlazz.hu/szamla"><alap/></szamla>')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1270", Decimal("1270")),
        ("1270.5", Decimal("1270.5")),
        ("1270,5", Decimal("1270.5")),
        ("1 270,00", Decimal("1270.00")),
        ("1\u00a0270,00", Decimal("1270.00")),
        ("1.270,50", Decimal("1270.50")),
        ("1,270.50", Decimal("1270.50")),
        ("1\u202f270,5", Decimal("1270.5")),
        ("1.5E3", Decimal("1500")),
        ("-1 270,00", Decimal("-1270.00")),
        ("", None),
        (None, None),
    ],
)
def test_decimal_comma_and_grouping(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["abc", "NaN", "Infinity"])
def test_non_numbers_are_invalid_responses(text):
    with pytest.raises(InvalidResponseError):
        parse_decimal(text)


HEADERS = {
    "szlahu_szamlaszam": "DEMO-2026-7",
    "szlahu_id": "77",
    "szlahu_nettovegosszeg": "1 000,00",
    "szlahu_bruttovegosszeg": "1 270,00",
    "szlahu_kintlevoseg": "1270,5",
    "szlahu_vevoifiokurl": "https%3A%2F%2Fwww.szamlazz.hu%2Fszamla%2F%3Fpage%3Dvevo%26t%3Dx",
}


def test_invoice_answer_from_decimal_comma_headers():
    result = parse_invoice_answer(200, HEADERS, b"")
    assert result.number == "DEMO-2026-7"
    assert result.internal_id == 77
    assert (result.net, result.gross, result.outstanding) == (
        Decimal("1000.00"),
        Decimal("1270.00"),
        Decimal("1270.5"),
    )
    assert result.buyer_account_url == "https://www.szamlazz.hu/szamla/?page=vevo&t=x"
    assert result.pdf is None


def test_invoice_answer_body_wins_over_headers():
    body = valasz(
        sikeres="true",
        szamlaszam="DEMO-2026-8",
        szamlanetto="100",
        szamlabrutto="127",
        kintlevoseg="0",
        vevoifiokurl="https://example.invalid/vevo",
        pdf=base64.b64encode(PDF).decode(),
    )
    result = parse_invoice_answer(200, HEADERS, body)
    assert (result.number, result.net, result.gross, result.outstanding) == (
        "DEMO-2026-8",
        Decimal("100"),
        Decimal("127"),
        Decimal("0"),
    )
    assert result.buyer_account_url == "https://example.invalid/vevo"
    assert result.pdf == PDF
    assert result.internal_id == 77  # only the header carries it


def test_headers_are_case_insensitive_and_utf8_safe():
    raw_utf8 = "Hiányzó adat".encode().decode("latin-1")  # as HTTP libraries decode it
    headers = {"Szlahu_Error_Code": "7", "SZLAHU_ERROR": raw_utf8}
    with pytest.raises(NotFoundError) as caught:
        parse_query_answer(200, headers, b"")
    assert caught.value.message == "Hiányzó adat"


def test_url_encoded_error_message():
    headers = {"szlahu_error_code": "7", "szlahu_error": "Nincs+ilyen+sz%C3%A1mla"}
    with pytest.raises(NotFoundError) as caught:
        parse_pdf_answer(200, headers, b"[ERR] 7")
    assert (caught.value.code, caught.value.message) == (7, "Nincs ilyen számla")


def test_notification_failure_with_a_number_is_a_success():
    headers = {"szlahu_error_code": "56", "szlahu_error": "e-mail", **HEADERS}
    assert parse_invoice_answer(200, headers, b"").number == "DEMO-2026-7"
    body = valasz(sikeres="false", hibakod="56", hibauzenet="e-mail", szamlaszam="DEMO-2026-9")
    assert parse_invoice_answer(200, {}, body).number == "DEMO-2026-9"
    numbered_by_header = valasz(sikeres="false", hibakod="56", hibauzenet="e-mail")
    assert parse_invoice_answer(200, HEADERS, numbered_by_header).number == "DEMO-2026-7"


def test_notification_failure_without_a_number_is_an_unknown_outcome():
    with pytest.raises(OutcomeUnknownError):
        parse_invoice_answer(200, {"szlahu_error_code": "56"}, b"")
    with pytest.raises(OutcomeUnknownError):
        parse_invoice_answer(200, {}, valasz(sikeres="false", hibakod="56"))


@pytest.mark.parametrize(
    ("status", "headers"),
    [(200, {"szlahu_down": "true"}), (503, {}), (500, {}), (200, {"szlahu_error_code": "1"})],
)
def test_maintenance_and_server_errors(status, headers):
    with pytest.raises(TemporarilyUnavailableError):
        parse_invoice_answer(status, headers, b"<html>down</html>")


def test_query_error_answer():
    body = valasz(sikeres="false", hibakod="7", hibauzenet="Nincs ilyen számla")
    with pytest.raises(NotFoundError) as caught:
        parse_query_answer(200, {}, body)
    assert caught.value.message == "Nincs ilyen számla"


def test_query_answer_with_pdf():
    doc = parse_query_answer(200, {}, data_file("szamla_full.xml"))
    assert doc.pdf == PDF


def test_pdf_answer():
    assert parse_pdf_answer(200, {}, valasz(sikeres="true", pdf=base64.b64encode(PDF).decode()))
    assert parse_pdf_answer(200, {"content-type": "application/pdf"}, PDF) == PDF
    with pytest.raises(InvalidResponseError):
        parse_pdf_answer(200, {}, valasz(sikeres="true", pdf="not base64!"))
    with pytest.raises(InvalidResponseError):
        parse_pdf_answer(200, {}, valasz(sikeres="true"))


def test_proforma_delete_answer():
    ns = 'xmlns="http://www.szamlazz.hu/xmlszamladbkdelvalasz"'
    ok = f"<xmlszamladbkdelvalasz {ns}><sikeres>true</sikeres></xmlszamladbkdelvalasz>"
    assert parse_proforma_delete_answer(200, {}, ok.encode()) is None
    missing = (
        f"<xmlszamladbkdelvalasz {ns}><sikeres>false</sikeres><hibakod>335</hibakod>"
        "<hibauzenet>Nincs ilyen díjbekérő</hibauzenet></xmlszamladbkdelvalasz>"
    )
    with pytest.raises(NotFoundError) as caught:
        parse_proforma_delete_answer(200, {}, missing.encode())
    assert caught.value.code == 335


def test_taxpayer_answer():
    info = parse_taxpayer_answer(200, {}, data_file("taxpayer_valid.xml"))
    assert info.valid is True
    assert info.tax_number == "12345678-2-42"
    assert info.name == "DEMO BOLT KORLÁTOLT FELELŐSSÉGŰ TÁRSASÁG"
    # The seat (HQ) is chosen over the site listed first.
    assert info.address == Address("HU", "1052", "BUDAPEST", "VÁCI UTCA 1. em. 2")


def test_taxpayer_answer_for_an_unknown_tax_number():
    info = parse_taxpayer_answer(200, {}, data_file("taxpayer_invalid.xml"))
    assert (info.valid, info.tax_number, info.name, info.address) == (False, None, None, None)


def test_taxpayer_error_answer():
    with pytest.raises(InvalidRequestError) as caught:
        parse_taxpayer_answer(200, {}, data_file("taxpayer_error.xml"))
    assert (caught.value.code, caught.value.message) == (57, "Hiba az XML beolvasásakor.")


@pytest.mark.parametrize(
    ("number", "parts"),
    [
        ("WEB-2026-12", ("WEB", 2026, 12, "invoice", False)),
        ("E-WEB-2026-9", ("WEB", 2026, 9, "invoice", True)),
        ("D-WEB-17", ("WEB", None, 17, "proforma", False)),
        ("D-LOLO-66", ("LOLO", None, 66, "proforma", False)),
        ("D-43", (None, None, 43, "proforma", False)),
        ("D-WEB-2026-1", ("WEB", 2026, 1, "proforma", False)),
        ("SL-DEMO-2025-7", ("DEMO", 2025, 7, "delivery_note", False)),
        ("MY-SHOP-2026-3", ("MY-SHOP", 2026, 3, "invoice", False)),
        ("E-MY-SHOP-2026-3", ("MY-SHOP", 2026, 3, "invoice", True)),
        ("E-2026-5", ("E", 2026, 5, "invoice", False)),
        ("D-2026-5", (None, 2026, 5, "proforma", False)),
        ("SL-2026-4", (None, 2026, 4, "delivery_note", False)),
        ("E-1234", None),
        ("SL-7", None),
        ("WEB-17", None),
        ("", None),
    ],
)
def test_document_number_parts(number, parts):
    """The issuing prefix, the year (none for most proformas), the sequence, the series and
    whether it is an e-invoice, read the way Számlázz.hu writes its numbers."""
    parsed = split_document_number(number)
    if parts is None:
        assert parsed is None
    else:
        assert (parsed.prefix, parsed.year, parsed.sequence, parsed.series, parsed.e_invoice) == (
            parts
        )
        assert str(parsed) == number, "the parts write the number back as it was"


def test_the_document_tells_an_e_invoice_without_a_prefix():
    """E-2026-5 is a paper invoice of the prefix E, unless the document says it is an
    e-invoice (alap/eszamla): then it is an e-invoice numbered without a prefix."""
    parts = split_document_number("E-2026-5", e_invoice=True)
    assert (parts.prefix, parts.year, parts.sequence, parts.e_invoice) == (None, 2026, 5, True)
    assert str(parts) == "E-2026-5"


def test_next_number_of_an_e_invoice_series():
    assert str(split_document_number("E-WEB-2026-9").next()) == "E-WEB-2026-10"
    assert invoice_number("WEB", 2026, 1, e_invoice=True) == "E-WEB-2026-1"
    assert invoice_number("WEB", 2026, 1) == "WEB-2026-1"


@pytest.mark.parametrize(
    ("value", "formatted"),
    [
        ("12345678-2-42", "12345678-2-42"),
        ("12345678242", "12345678-2-42"),
        ("HU 12345678 2 42", "12345678-2-42"),
        ("HU12345678", None),
        ("1234567824", None),
    ],
)
def test_hungarian_tax_number(value, formatted):
    assert hungarian_tax_number(value) == formatted


@pytest.mark.parametrize(
    ("value", "core"),
    [
        ("12345678-2-42", "12345678"),
        ("12345678242", "12345678"),
        ("HU12345678", "12345678"),
        ("hu 1234 5678", "12345678"),
        ("1234567", None),
        ("123456782", None),
        ("DE123456789", None),
        (None, None),
    ],
)
def test_hungarian_tax_core(value, core):
    """The taxpayer query, the connect check and buyer matching read tax numbers alike."""
    assert hungarian_tax_core(value) == core
