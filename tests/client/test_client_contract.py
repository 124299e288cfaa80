"""Every request the client can produce validates against the official XSDs.

Each request is checked against the downloadable XSD (the main one) and against
the variant printed on the docs pages (docs-inline/), which differs in a few
optional fields; every field the client uses exists in both, including
szamlaKulsoAzon (beallitasok of xmlszamla/xmlszamlast, root of the queries).
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from client_support import assert_valid, data_file
from lxml import etree

from szamlazz_agent import (
    BuyerRequest,
    CreditEntryRequest,
    InvoiceItemRequest,
    InvoiceRequest,
    PaymentRequest,
    StornoRequest,
    build_push_acknowledgement,
    parse_szamla_document,
)
from szamlazz_agent.builders import (
    build_credit_entry_xml,
    build_invoice_xml,
    build_pdf_query_xml,
    build_proforma_delete_xml,
    build_query_xml,
    build_storno_xml,
    build_taxpayer_xml,
)

KEY = "contract-test-key"
D = date(2026, 11, 22)


def both_schemas(xml: bytes, name: str) -> None:
    assert_valid(xml, name)
    assert_valid(xml, f"docs-inline/{name}")


def item(**overrides) -> InvoiceItemRequest:
    values = {
        "name": "Kávé",
        "quantity": Decimal("2"),
        "unit": "db",
        "net_unit_price": Decimal("1000"),
        "vat_rate": "27",
    }
    values.update(overrides)
    return InvoiceItemRequest(**values)


def buyer(**overrides) -> BuyerRequest:
    values = {"name": "Vevő Kft.", "zip": "1111", "city": "Budapest", "street": "Fő utca 1."}
    values.update(overrides)
    return BuyerRequest(**values)


def invoice(**overrides) -> InvoiceRequest:
    values = {
        "issue_date": D,
        "fulfillment_date": D,
        "due_date": date(2026, 11, 30),
        "payment_method": "átutalás",
        "currency": "HUF",
        "language": "hu",
        "items": [item()],
        "buyer": buyer(),
    }
    values.update(overrides)
    return InvoiceRequest(**values)


def text(xml: bytes, path: str) -> str | None:
    root = etree.fromstring(xml)
    found = root.find(path, namespaces={"s": root.nsmap[None]})
    return None if found is None else found.text


FULL_BUYER = buyer(
    country="Magyarország",
    email="vevo@example.com",
    tax_number="12345678-2-42",
    eu_tax_number="HU12345678",
    identifier="P-42",
    taxpayer_kind=1,
    phone="+3611234567",
)

INVOICE_VARIANTS = {
    "minimal": invoice(),
    "proforma": invoice(proforma=True, order_number="SO042"),
    "delivery_note": invoice(delivery_note=True),
    "invoice_from_proforma": invoice(proforma_number="D-DEMO-1", paid=True),
    "everything": invoice(
        e_invoice=True,
        prefix="DEMO",
        order_number="SO042",
        external_id="odoo-1-account.move-7",
        exchange_bank="MNB",
        exchange_rate=Decimal("395.12"),
        currency="EUR",
        language="en",
        seller_bank="OTP",
        seller_bank_account="11111111-22222222-33333333",
        note="Köszönjük!",
        paid=True,
        send_email=True,
        with_pdf=False,
        buyer=FULL_BUYER,
        items=[
            item(identifier="SKU-1", note="első"),
            item(name="Könyv", vat_rate="5", quantity=Decimal("1.5"), unit="kg"),
            item(name="Export", vat_rate="EUK", net_unit_price=Decimal("10.55")),
            item(name="Alanyi mentes", vat_rate="AAM"),
        ],
    ),
    "mnb_rate_of_the_day": invoice(currency="EUR", exchange_bank="MNB"),
}


@pytest.mark.parametrize("variant", sorted(INVOICE_VARIANTS))
def test_invoice_requests_validate(variant):
    xml = build_invoice_xml(INVOICE_VARIANTS[variant], KEY)
    both_schemas(xml, "xmlszamla.xsd")
    assert text(xml, "s:beallitasok/s:valaszVerzio") == "2"
    assert text(xml, "s:beallitasok/s:szamlaagentkulcs") == KEY


FLAGS = ("proforma", "delivery_note", "e_invoice", "paid", "send_email", "with_pdf")
OPTIONAL = {
    "prefix": "DEMO",
    "order_number": "SO042",
    "external_id": "ext-1",
    "proforma_number": "D-DEMO-1",
    "exchange_bank": "MNB",
    "exchange_rate": Decimal("395.12"),
    "seller_bank": "OTP",
    "seller_bank_account": "11111111-22222222",
    "note": "megjegyzés",
}


@pytest.mark.parametrize("flags", itertools.product((False, True), repeat=len(FLAGS)))
@pytest.mark.parametrize("with_optional", [False, True])
def test_every_flag_combination_validates(flags, with_optional):
    options = dict(zip(FLAGS, flags, strict=True))
    if with_optional:
        options.update(OPTIONAL, buyer=FULL_BUYER)
    both_schemas(build_invoice_xml(invoice(**options), KEY), "xmlszamla.xsd")


def test_invoice_request_carries_every_option():
    xml = build_invoice_xml(INVOICE_VARIANTS["everything"], KEY)
    expected = {
        "s:beallitasok/s:eszamla": "true",
        "s:beallitasok/s:szamlaLetoltes": "false",
        "s:beallitasok/s:szamlaKulsoAzon": "odoo-1-account.move-7",
        "s:fejlec/s:szamlaszamElotag": "DEMO",
        "s:fejlec/s:rendelesSzam": "SO042",
        "s:fejlec/s:arfolyamBank": "MNB",
        "s:fejlec/s:arfolyam": "395.12",
        "s:fejlec/s:penznem": "EUR",
        "s:fejlec/s:szamlaNyelve": "en",
        "s:fejlec/s:fizetve": "true",
        "s:elado/s:bank": "OTP",
        "s:elado/s:bankszamlaszam": "11111111-22222222-33333333",
        "s:vevo/s:sendEmail": "true",
        "s:vevo/s:adoalany": "1",
        "s:vevo/s:azonosito": "P-42",
        "s:tetelek/s:tetel/s:azonosito": "SKU-1",
    }
    for path, value in expected.items():
        assert text(xml, path) == value, path
    proforma = build_invoice_xml(INVOICE_VARIANTS["proforma"], KEY)
    assert text(proforma, "s:fejlec/s:dijbekero") == "true"
    delivery = build_invoice_xml(INVOICE_VARIANTS["delivery_note"], KEY)
    assert text(delivery, "s:fejlec/s:szallitolevel") == "true"
    settled = build_invoice_xml(INVOICE_VARIANTS["invoice_from_proforma"], KEY)
    assert text(settled, "s:fejlec/s:dijbekeroSzamlaszam") == "D-DEMO-1"


def test_item_amounts_are_computed_with_decimal_half_up():
    line = item(quantity=Decimal("3"), net_unit_price=Decimal("33.335"), vat_rate="27")
    assert line.net == Decimal("100.01")  # 100.005 rounds half up
    assert line.vat == Decimal("27.00")  # 27.0027
    assert line.gross == Decimal("127.01")
    half = item(quantity=Decimal("1"), net_unit_price=Decimal("0.50"), vat_rate="5")
    assert half.vat == Decimal("0.03")  # 0.025 → 0.03, not banker's 0.02
    exempt = item(vat_rate="TAM")
    assert (exempt.net, exempt.vat, exempt.gross) == (
        Decimal("2000.00"),
        Decimal("0.00"),
        Decimal("2000.00"),
    )
    xml = build_invoice_xml(invoice(items=[line]), KEY)
    assert text(xml, "s:tetelek/s:tetel/s:nettoErtek") == "100.01"
    assert text(xml, "s:tetelek/s:tetel/s:afaErtek") == "27.00"
    assert text(xml, "s:tetelek/s:tetel/s:bruttoErtek") == "127.01"


def test_float_inputs_are_read_through_their_text():
    # Odoo's Float fields hand over floats: 0.1 must not become 0.1000000000000000055…
    line = item(quantity=0.1, net_unit_price=33.335, vat_rate="27")
    assert (line.net, line.vat, line.gross) == (Decimal("3.33"), Decimal("0.90"), Decimal("4.23"))
    xml = build_invoice_xml(invoice(items=[line], exchange_rate=395.1), KEY)
    assert text(xml, "s:tetelek/s:tetel/s:mennyiseg") == "0.1"
    assert text(xml, "s:tetelek/s:tetel/s:nettoEgysegar") == "33.335"
    assert text(xml, "s:fejlec/s:arfolyam") == "395.1"
    payment = PaymentRequest(date=D, title="készpénz", amount=10.1)
    credit = build_credit_entry_xml(CreditEntryRequest("DEMO-2026-1", [payment]), KEY)
    assert text(credit, "s:kifizetes/s:osszeg") == "10.1"


def test_invoice_without_items_is_refused_locally():
    with pytest.raises(ValueError):
        build_invoice_xml(invoice(items=[]), KEY)


@pytest.mark.parametrize(
    "request_",
    [
        StornoRequest(number="DEMO-2026-1"),
        StornoRequest(
            number="DEMO-2026-1",
            issue_date=D,
            fulfillment_date=D,
            e_invoice=True,
            external_id="storno-1",
            with_pdf=False,
        ),
    ],
)
def test_storno_requests_validate(request_):
    xml = build_storno_xml(request_, KEY)
    both_schemas(xml, "xmlszamlast.xsd")
    assert text(xml, "s:fejlec/s:tipus") == "SS"
    assert text(xml, "s:beallitasok/s:valaszVerzio") == "2"


@pytest.mark.parametrize("count", [0, 1, 5])
@pytest.mark.parametrize("additive", [True, False])
def test_credit_entry_requests_validate(count, additive):
    payments = [
        PaymentRequest(date=D, title="átutalás", amount=Decimal("100.50"), note=f"#{i}")
        for i in range(count)
    ]
    xml = build_credit_entry_xml(CreditEntryRequest("DEMO-2026-1", payments, additive), KEY)
    both_schemas(xml, "xmlszamlakifiz.xsd")
    assert text(xml, "s:beallitasok/s:additiv") == ("true" if additive else "false")


def test_credit_entry_with_more_than_five_payments_is_refused_locally():
    payments = [PaymentRequest(date=D, title="készpénz", amount=Decimal(1))] * 6
    with pytest.raises(ValueError):
        build_credit_entry_xml(CreditEntryRequest("DEMO-2026-1", payments), KEY)


@pytest.mark.parametrize("with_pdf", [True, False])
@pytest.mark.parametrize(
    "selector",
    [{"number": "DEMO-2026-1"}, {"order_number": "SO042"}, {"external_id": "ext-1"}],
)
def test_query_requests_validate(selector, with_pdf):
    xml = build_query_xml(KEY, with_pdf=with_pdf, **selector)
    both_schemas(xml, "xmlszamlaxml.xsd")
    assert text(xml, "s:pdf") == ("true" if with_pdf else "false")


@pytest.mark.parametrize("selector", [{"number": "DEMO-2026-1"}, {"external_id": "ext-1"}])
def test_pdf_requests_validate(selector):
    xml = build_pdf_query_xml(KEY, **selector)
    both_schemas(xml, "xmlszamlapdf.xsd")
    assert text(xml, "s:valaszVerzio") == "2"


@pytest.mark.parametrize("selector", [{"number": "D-DEMO-1"}, {"order_number": "SO042"}])
def test_proforma_delete_requests_validate(selector):
    both_schemas(build_proforma_delete_xml(KEY, **selector), "xmlszamladbkdel.xsd")


@pytest.mark.parametrize("tax_number", ["12345678", "12345678-2-42", "12345678242"])
def test_taxpayer_requests_validate(tax_number):
    xml = build_taxpayer_xml(KEY, tax_number)
    both_schemas(xml, "xmltaxpayer.xsd")
    assert text(xml, "s:torzsszam") == "12345678"


@pytest.mark.parametrize(
    "call",
    [
        lambda: build_query_xml(KEY),
        lambda: build_query_xml(KEY, number="A-1", external_id="x"),
        lambda: build_pdf_query_xml(KEY),
        lambda: build_proforma_delete_xml(KEY, number="D-1", order_number="SO1"),
        lambda: build_taxpayer_xml(KEY, "1234"),
        lambda: build_taxpayer_xml(KEY, "HU12345678-2-4"),
    ],
)
def test_ambiguous_or_malformed_selectors_are_refused_locally(call):
    with pytest.raises(ValueError):
        call()


def test_push_acknowledgements_validate():
    assert_valid(build_push_acknowledgement(), "szamlavalasz.xsd")
    document = parse_szamla_document(data_file("szamla_full.xml"))
    xml = build_push_acknowledgement(document)
    assert_valid(xml, "szamlavalasz.xsd")
    assert text(xml, "s:alap/s:id") == str(document.internal_id)
