"""The data connection's other pushes: incoming invoices (`szamlabe`), the daily receipt
batch (`xmlnyugtaarchiv`) and bank transactions (`banktranz`), read from hand-written
documents (valid against their XSDs, or incomplete as real ones can be), and the
acknowledgements, validated against the answer XSDs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from client_support import assert_valid, data_file
from lxml import etree

from szamlazz_agent import (
    Address,
    InvalidResponseError,
    build_bank_transactions_acknowledgement,
    build_incoming_invoice_acknowledgement,
    build_push_acknowledgement,
    build_receipt_batch_acknowledgement,
    document_numbers_in,
    parse_bank_transactions,
    parse_incoming_invoice,
    parse_receipt_batch,
    parse_szamla_document,
)

PDF = b"%PDF-1.4\n% hand-written test PDF\n%%EOF\n"
SZAMLABE = "{http://www.szamlazz.hu/szamlabe}"
NYUGTA = "{http://www.szamlazz.hu/xmlnyugtaarchiv}"
BANKTRANZ = "{http://www.szamlazz.hu/banktranz}"


def edited(name: str, edit) -> bytes:
    """The fixture with ``edit(root)`` applied."""
    root = etree.fromstring(data_file(name))
    edit(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def remove(root: etree._Element, path: str) -> None:
    element = root.find(path)
    element.getparent().remove(element)


def with_prefix(xml: bytes, prefix: str) -> bytes:
    """The same document with its namespace bound to ``prefix`` instead of the default."""
    root = etree.fromstring(xml)

    def copy(element: etree._Element, parent: etree._Element | None) -> etree._Element:
        if parent is None:
            namespace = etree.QName(element).namespace
            twin = etree.Element(element.tag, nsmap={prefix: namespace})
        else:
            twin = etree.SubElement(parent, element.tag)
        twin.text = element.text
        for child in element:
            if isinstance(child.tag, str):  # elements only
                copy(child, twin)
        return twin

    return etree.tostring(copy(root, None), xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize(
    ("name", "xsd"),
    [
        ("szamlabe_full.xml", "szamlabe.xsd"),
        ("szamlabe_storno.xml", "szamlabe.xsd"),
        ("nyugtaarchiv_batch.xml", "xmlnyugtaarchiv.xsd"),
        ("banktranz_incoming.xml", "banktranz.xsd"),
        ("banktranz_outgoing.xml", "banktranz.xsd"),
        ("banktranz_technical.xml", "banktranz.xsd"),
    ],
)
def test_test_documents_are_valid_against_their_xsds(name, xsd):
    assert_valid(data_file(name), xsd)


# -- incoming invoices (szamlabe) ---------------------------------------------------------


def test_full_incoming_invoice():
    raw = data_file("szamlabe_full.xml")
    invoice = parse_incoming_invoice(raw)
    assert invoice.raw == raw
    assert invoice.problems == ()
    assert (invoice.pdf, invoice.pdf_problem) == (PDF, None)

    supplier = invoice.supplier
    assert (supplier.id, supplier.name, supplier.tax_number, supplier.eu_tax_number) == (
        3001,
        "Beszállító Kft.",
        "11223344-2-03",
        "HU11223344",
    )
    assert supplier.address == Address("Magyarország", "6000", "Kecskemét", "Rákóczi út 5.")
    assert (supplier.bank_name, supplier.bank_account) == (
        "K&H Bank",
        "10400000-12345678-00000000",
    )

    assert (invoice.internal_id, invoice.number, invoice.kind) == (555001, "BESZ-2026-118", "SZ")
    assert (invoice.economic_event_id, invoice.filing_number) == (777, "IKT-2026-0005")
    assert (invoice.e_invoice, invoice.cancelled, invoice.test) == (True, False, False)
    assert (invoice.referenced_invoice, invoice.referenced_proforma) == (None, None)
    assert (invoice.issue_date, invoice.fulfillment_date, invoice.due_date) == (
        date(2026, 11, 10),
        date(2026, 11, 9),
        date(2026, 11, 25),
    )
    assert (invoice.payment_method, invoice.payment_method_unified, invoice.cash) == (
        "Átutalás",
        "átutalás",
        False,
    )
    assert (invoice.order_number, invoice.language, invoice.currency) == ("PO-0042", "hu", "HUF")
    assert invoice.note == "Szállítólevél: SL-BESZ-2026-40"

    buyer = invoice.buyer
    assert (buyer.name, buyer.identifier, buyer.tax_number, buyer.eu_tax_number) == (
        "Demo Bolt Kft.",
        "DEMO",
        "12345678-2-42",
        "HU12345678",
    )
    assert buyer.address == Address("Magyarország", "1052", "Budapest", "Váci utca 1.")

    coffee, advice = invoice.items
    assert (coffee.name, coffee.identifier, coffee.unit, coffee.ordering) == (
        "Kávébab, pörkölt",
        "BESZ-KAVE-1",
        "kg",
        1,
    )
    assert (coffee.quantity, coffee.net_unit_price, coffee.vat_type, coffee.vat_rate) == (
        Decimal("2.5"),
        Decimal("4500"),
        None,
        Decimal("27"),
    )
    assert (coffee.net, coffee.vat, coffee.gross) == (
        Decimal("11250"),
        Decimal("3037.5"),
        Decimal("14287.5"),
    )
    assert all(isinstance(value, Decimal) for value in (coffee.quantity, coffee.gross))
    assert (advice.identifier, advice.vat_type, advice.vat_rate) == (None, "AAM", Decimal("0"))
    assert [(s.vat_type, s.vat_rate, s.gross) for s in invoice.vat_summaries] == [
        (None, Decimal("27"), Decimal("14287.5")),
        ("AAM", Decimal("0"), Decimal("10000")),
    ]
    assert (invoice.net, invoice.vat, invoice.gross) == (
        Decimal("21250"),
        Decimal("3037.5"),
        Decimal("24287.5"),
    )
    (payment,) = invoice.payments
    assert (payment.date, payment.amount, payment.bank_transaction_id) == (
        date(2026, 11, 20),
        Decimal("20000"),
        9002,
    )
    assert invoice.outstanding_amount == Decimal("4287.5")


def test_incoming_storno_names_the_invoice_it_reverses():
    storno = parse_incoming_invoice(data_file("szamlabe_storno.xml"))
    original = parse_incoming_invoice(data_file("szamlabe_full.xml"))
    assert (storno.kind, storno.number, storno.referenced_invoice) == (
        "SS",
        "BESZ-2026-119",
        original.number,
    )
    assert storno.supplier.tax_number == original.supplier.tax_number
    assert storno.e_invoice is False  # eszamla 1
    assert storno.gross == -original.items[0].gross == Decimal("-14287.5")
    assert storno.items[0].quantity == Decimal("-2.5")
    assert storno.buyer.tax_number is None  # <adoszam></adoszam>
    assert (storno.supplier.bank_account, storno.pdf, storno.payments) == (None, None, ())
    assert storno.problems == ()


def test_sparse_incoming_invoice_is_read():
    """Real documents leave out or empty what the schema requires (as the outgoing `szamla`
    does): read it anyway, totals from the items when <totalossz> is missing."""
    xml = data_file("szamlabe_sparse.xml")
    with pytest.raises(AssertionError):
        assert_valid(xml, "szamlabe.xsd")
    invoice = parse_incoming_invoice(xml)
    assert invoice.problems == ()
    assert (invoice.number, invoice.currency, invoice.economic_event_id) == (
        "KB/2026/0031",
        None,
        None,
    )
    assert invoice.buyer.name is None and invoice.buyer.location is None
    assert invoice.items[0].net_unit_price == Decimal("1000.00")  # "1 000,00"
    assert invoice.items[0].ordering is None
    assert (invoice.net, invoice.vat, invoice.gross) == (
        Decimal("3000"),
        Decimal("810"),
        Decimal("3810"),
    )


def test_incoming_invoice_without_buyer_or_supplier_is_read_with_problems():
    def damage(root):
        remove(root, f"{SZAMLABE}szallito")
        remove(root, f"{SZAMLABE}vevo")
        remove(root, f"{SZAMLABE}alap/{SZAMLABE}kelt")
        root.find(f"{SZAMLABE}tetelek/{SZAMLABE}tetel/{SZAMLABE}mennyiseg").text = "sok"

    invoice = parse_incoming_invoice(edited("szamlabe_full.xml", damage))
    assert (invoice.supplier, invoice.buyer, invoice.issue_date) == (None, None, None)
    assert invoice.items[0].quantity is None
    assert invoice.problems == (
        "<szallito> missing: the supplier is unknown",
        "<mennyiseg> in <tetel 1>: not a number: 'sok'",
        "<kelt> missing in <alap>",
    )


def test_incoming_invoice_without_a_number_is_refused():
    def no_number(root):
        remove(root, f"{SZAMLABE}alap/{SZAMLABE}szamlaszam")

    with pytest.raises(InvalidResponseError, match="no number"):
        parse_incoming_invoice(edited("szamlabe_full.xml", no_number))


def test_incoming_content_digest_ignores_pdf_and_namespace_prefix():
    raw = data_file("szamlabe_full.xml")
    digest = parse_incoming_invoice(raw).content_sha256
    assert len(digest) == 64
    assert parse_incoming_invoice(with_prefix(raw, "sb")).content_sha256 == digest
    without_pdf = edited("szamlabe_full.xml", lambda root: remove(root, f"{SZAMLABE}pdf"))
    assert parse_incoming_invoice(without_pdf).content_sha256 == digest

    def paid_more(root):
        root.find(f"{SZAMLABE}kifizetesek/{SZAMLABE}kifizetes/{SZAMLABE}osszeg").text = "24287.5"

    assert parse_incoming_invoice(edited("szamlabe_full.xml", paid_more)).content_sha256 != digest


# -- receipts (xmlnyugtaarchiv) ------------------------------------------------------------


def test_receipt_batch():
    raw = data_file("nyugtaarchiv_batch.xml")
    batch = parse_receipt_batch(raw)
    assert (batch.raw, batch.problems) == (raw, ())
    cash, storno, card = batch.receipts
    assert [r.problems for r in batch.receipts] == [(), (), ()]

    assert (cash.internal_id, cash.call_id, cash.number, cash.kind) == (
        8001,
        "POS-0001",
        "NYGTA-2026-1",
        "NY",
    )
    assert (cash.prefix, cash.number_parts.year, cash.number_parts.sequence) == ("NYGTA", 2026, 1)
    assert (cash.cancelled, cash.storno, cash.cancelled_number) == (True, False, None)
    assert (cash.issue_date, cash.payment_method, cash.currency) == (
        date(2026, 11, 20),
        "készpénz",
        "HUF",
    )
    assert (cash.seller_tax_number, cash.test, cash.order_number) == (
        "12345678-2-42",
        False,
        None,
    )
    (coffee,) = cash.items
    assert (coffee.name, coffee.identifier, coffee.unit, coffee.ordering) == (
        "Kávé",
        "DEMO-SKU-1",
        "db",
        None,
    )
    assert (coffee.quantity, coffee.net_unit_price, coffee.vat_rate) == (
        Decimal("2"),
        Decimal("1000"),
        Decimal("27"),
    )
    assert (coffee.net, coffee.vat, coffee.gross) == (
        Decimal("2000"),
        Decimal("540"),
        Decimal("2540"),
    )
    assert [(p.method, p.amount, p.note) for p in cash.payments] == [
        ("készpénz", Decimal("2540"), None)
    ]
    assert (cash.net, cash.vat, cash.gross) == (Decimal("2000"), Decimal("540"), Decimal("2540"))

    # The storno receipt: the next number of the series, naming the original.
    assert (storno.kind, storno.storno, storno.number, storno.prefix) == (
        "SN",
        True,
        "NYGTA-2026-2",
        "NYGTA",
    )
    assert storno.cancelled_number == cash.number
    assert storno.call_id is None
    assert storno.gross == -cash.gross
    assert storno.items[0].quantity == Decimal("-2")
    assert storno.payments[0].amount == Decimal("-2540")

    assert (card.payment_method, card.currency, card.order_number) == ("bankkártya", "EUR", "SO-77")
    assert (card.exchange_bank, card.exchange_rate, card.note) == (
        "MNB",
        Decimal("395.12"),
        "Köszönjük!",
    )
    beans, gift_card = card.items
    assert (beans.quantity, beans.net_unit_price, beans.net) == (
        Decimal("0.5"),
        Decimal("15.80"),
        Decimal("7.90"),
    )
    assert (beans.note, gift_card.vat_type, gift_card.vat_rate) == ("őrölve", "AAM", Decimal("0"))
    assert [(s.vat_type, s.vat_rate, s.net) for s in card.vat_summaries] == [
        (None, Decimal("27"), Decimal("7.90")),
        ("AAM", Decimal("0"), Decimal("20")),
    ]
    assert (card.net, card.vat, card.gross) == (
        Decimal("27.90"),
        Decimal("2.13"),
        Decimal("30.03"),
    )
    assert card.payments[0].note == "POS 0042"


def test_incomplete_receipt_batch_keeps_the_receipts_it_can_identify():
    xml = data_file("nyugtaarchiv_incomplete.xml")
    with pytest.raises(AssertionError):
        assert_valid(xml, "xmlnyugtaarchiv.xsd")
    batch = parse_receipt_batch(xml)
    assert batch.problems == (
        "receipt 2 (id 8011): <nyugtaszam> missing in <alap>: the receipt has no number",
    )
    tea, storno = batch.receipts
    assert tea.problems == ()
    assert (tea.seller_tax_number, tea.test, tea.currency, tea.gross) == (
        None,
        False,
        "Ft",
        Decimal("525"),
    )
    # A receipt prefix is capital letters or digits: "D" here, not a proforma marker.
    assert (tea.prefix, tea.number_parts.year, tea.number_parts.sequence) == ("D", 2026, 5)
    assert str(tea.number_parts) == tea.number
    assert (storno.kind, storno.cancelled_number) == ("SN", None)
    assert storno.items[0].quantity is None
    assert (storno.net, storno.vat, storno.gross) == (
        Decimal("-500"),
        Decimal("-25"),
        Decimal("-525"),
    )  # the items' sums: the receipt has no <osszegek>
    assert storno.problems == (
        "<stornozottNyugtaszam> missing in <alap>: the storno receipt names no receipt",
        "<mennyiseg> in <tetel 1>: not a number: 'mínusz egy'",
    )


def test_a_batch_without_receipts_is_read_with_a_problem():
    batch = parse_receipt_batch(
        b'<xmlnyugtaarchiv xmlns="http://www.szamlazz.hu/xmlnyugtaarchiv"/>'
    )
    assert (batch.receipts, batch.problems) == ((), ("the batch has no receipts (<nyugta>)",))


def test_receipt_digest_is_the_receipts_own():
    """A receipt's digest depends on the receipt only: not on the batch it travels in, its
    place there or the namespace prefix."""
    raw = data_file("nyugtaarchiv_batch.xml")
    digests = [r.content_sha256 for r in parse_receipt_batch(raw).receipts]
    assert len(set(digests)) == 3 and all(len(d) == 64 for d in digests)

    def keep_last(root):
        for nyugta in root.findall(f"{NYUGTA}nyugta")[:-1]:
            root.remove(nyugta)

    (alone,) = parse_receipt_batch(
        with_prefix(edited("nyugtaarchiv_batch.xml", keep_last), "n")
    ).receipts
    assert alone.content_sha256 == digests[-1]


# -- bank transactions (banktranz) ---------------------------------------------------------


def test_incoming_bank_transaction():
    raw = data_file("banktranz_incoming.xml")
    batch = parse_bank_transactions(raw)
    assert (batch.raw, batch.problems) == (raw, ())
    (transaction,) = batch.transactions
    assert (transaction.id, transaction.bank_account) == (9001, "11773016-11111111-00000000")
    assert (transaction.value_date, transaction.direction, transaction.incoming) == (
        date(2026, 11, 21),
        "BE",
        True,
    )
    assert (transaction.type, transaction.technical) == ("Átutalás jóváírás", False)
    assert (transaction.amount, transaction.signed_amount, transaction.currency) == (
        Decimal("15240"),
        Decimal("15240"),
        "HUF",
    )
    assert (transaction.partner_name, transaction.partner_bank_account) == (
        "Vevő Kft.",
        "11600006-00000000-12345678",
    )
    assert transaction.reference.startswith("E-WEB-2026-9, D-WEB-17")
    assert transaction.numbers_mentioned == ("E-WEB-2026-9", "D-WEB-17", "WEB-2026-12")
    assert transaction.problems == ()


def test_outgoing_bank_transaction():
    (transaction,) = parse_bank_transactions(data_file("banktranz_outgoing.xml")).transactions
    assert (transaction.id, transaction.direction, transaction.incoming) == (9002, "KI", False)
    assert transaction.amount == Decimal("20000.50")
    assert str(transaction.amount) == "20000.50"
    assert transaction.signed_amount == Decimal("-20000.50")
    assert transaction.type is None
    # A supplier's number reads like a Számlázz.hu one: it is a candidate too.
    assert transaction.numbers_mentioned == ("BESZ-2026-118",)
    # The payment the incoming invoice lists names this transaction.
    invoice = parse_incoming_invoice(data_file("szamlabe_full.xml"))
    assert invoice.payments[0].bank_transaction_id == transaction.id


def test_technical_bank_transaction_with_only_the_required_elements():
    (transaction,) = parse_bank_transactions(data_file("banktranz_technical.xml")).transactions
    assert (transaction.technical, transaction.signed_amount) == (True, Decimal("-350"))
    assert (transaction.partner_name, transaction.partner_bank_account) == (None, None)
    assert (transaction.reference, transaction.numbers_mentioned) == (None, ())
    assert transaction.problems == ()


def test_a_negative_outgoing_amount_is_not_negated_twice():
    def negative(root):
        root.find(f"{BANKTRANZ}osszeg").text = "-350"

    (transaction,) = parse_bank_transactions(
        edited("banktranz_technical.xml", negative)
    ).transactions
    assert (transaction.amount, transaction.signed_amount) == (Decimal("-350"), Decimal("-350"))


def test_unreadable_bank_values_are_problems_not_refusals():
    def damage(root):
        remove(root, f"{BANKTRANZ}erteknap")
        root.find(f"{BANKTRANZ}irany").text = "IN"
        root.find(f"{BANKTRANZ}osszeg").text = "sok pénz"

    (transaction,) = parse_bank_transactions(edited("banktranz_incoming.xml", damage)).transactions
    assert (transaction.value_date, transaction.amount, transaction.signed_amount) == (
        None,
        None,
        None,
    )
    assert transaction.direction == "IN"
    assert transaction.problems == (
        "<irany> in <banktranz>: neither BE nor KI: 'IN'",
        "<erteknap> missing in <banktranz>",
        "<osszeg> in <banktranz>: not a number: 'sok pénz'",
    )


@pytest.mark.parametrize(("text", "match"), [("", "no id"), ("abc", "not an integer")])
def test_a_bank_transaction_without_a_readable_id_is_refused(text, match):
    def damage(root):
        root.find(f"{BANKTRANZ}id").text = text

    with pytest.raises(InvalidResponseError, match=match):
        parse_bank_transactions(edited("banktranz_incoming.xml", damage))


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("WEB-2026-12", ("WEB-2026-12",)),
        ("Számla: E-WEB-2026-9 kiegyenlítése", ("E-WEB-2026-9",)),
        ("D-WEB-17 díjbekérő", ("D-WEB-17",)),
        ("WEB-2026-12-es és WEB-2026-13-as számla", ("WEB-2026-12", "WEB-2026-13")),
        ("WEB-2026-12/WEB-2026-13, WEB-2026-12", ("WEB-2026-12", "WEB-2026-13")),
        ("SZLA-WEB-2026-12", ("SZLA-WEB-2026-12", "WEB-2026-12")),
        ("MY-SHOP-2026-3", ("MY-SHOP-2026-3", "SHOP-2026-3")),
        ("E-MY-SHOP-2026-3", ("E-MY-SHOP-2026-3",)),
        ("SZLA-E-WEB-2026-9", ("SZLA-E-WEB-2026-9", "E-WEB-2026-9")),
        ("D-2026-5", ("D-2026-5",)),
        ("nyugta NYGTA-2026-1", ("NYGTA-2026-1",)),
        ("SL-DEMO-2026-7", ("SL-DEMO-2026-7",)),
        # Dates, bank accounts, tax numbers and order numbers are no document numbers.
        ("2026-11-20 11773016-11111111-00000000 12345678-2-42 SO042", ()),
        ("WEB-17 WEB-2026", ()),
        ("", ()),
        (None, ()),
    ],
)
def test_document_numbers_in_a_reference(text, numbers):
    assert document_numbers_in(text) == numbers


def test_an_e_invoice_number_does_not_also_name_the_paper_invoice():
    """E-WEB-2026-9 and WEB-2026-9 are different documents of the same prefix."""
    assert "WEB-2026-9" not in document_numbers_in("E-WEB-2026-9")
    assert "WEB-17" not in document_numbers_in("D-WEB-17")


def test_a_long_hyphenated_run_is_read_in_bounded_time():
    assert document_numbers_in("-".join(["1"] * 20000)) == ()


# -- what is refused by every parser --------------------------------------------------------

PARSERS = {
    "szamlabe_full.xml": parse_incoming_invoice,
    "nyugtaarchiv_batch.xml": parse_receipt_batch,
    "banktranz_incoming.xml": parse_bank_transactions,
}


def with_doctype(xml: bytes, doctype: str) -> bytes:
    declaration, _newline, rest = xml.partition(b"\n")
    return declaration + b"\n" + doctype.encode() + b"\n" + rest


@pytest.mark.parametrize("name", list(PARSERS))
@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE x [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
        '<!DOCTYPE x SYSTEM "http://127.0.0.1:9/evil.dtd">',
    ],
)
def test_doctype_and_entities_are_refused(name, doctype):
    xml = with_doctype(data_file(name), doctype)
    with pytest.raises(InvalidResponseError, match="DOCTYPE"):
        PARSERS[name](xml)


@pytest.mark.parametrize("name", list(PARSERS))
def test_an_entity_in_the_document_is_refused(name):
    xml = data_file(name).replace(b"<id>", b"<id>&xxe;", 1)
    xml = with_doctype(xml, '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
    with pytest.raises(InvalidResponseError):
        PARSERS[name](xml)


@pytest.mark.parametrize("parse", list(PARSERS.values()))
@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml",
        b"<szamlabe>",
        data_file("szamla_full.xml"),
        # The right name without Számlázz.hu's namespace, or in another one.
        b"<szamlabe><alap><szamlaszam>X-2026-1</szamlaszam></alap></szamlabe>",
        b"<xmlnyugtaarchiv><nyugta/></xmlnyugtaarchiv>",
        b"<banktranz><id>1</id></banktranz>",
        b'<banktranz xmlns="http://www.szamlazz.hu/szamlabe"><id>1</id></banktranz>',
    ],
)
def test_wrong_or_garbage_documents_are_refused(parse, body):
    with pytest.raises(InvalidResponseError):
        parse(body)


@pytest.mark.parametrize(("name", "parse"), list(PARSERS.items()))
def test_each_parser_refuses_the_other_feeds(name, parse):
    for other in PARSERS:
        if other != name:
            with pytest.raises(InvalidResponseError, match=r"not a Számlázz\.hu"):
                parse(data_file(other))
    with pytest.raises(InvalidResponseError):
        parse_szamla_document(data_file(name))


# -- acknowledgements -------------------------------------------------------------------------


def text(xml: bytes, path: str, namespace: str) -> str | None:
    return etree.fromstring(xml).findtext(path.replace("x:", f"{{{namespace}}}"))


def test_incoming_invoice_acknowledgements_validate():
    namespace = "http://www.szamlazz.hu/szamlabevalasz"
    plain = build_incoming_invoice_acknowledgement()
    assert_valid(plain, "szamlabevalasz.xsd")
    assert len(etree.fromstring(plain)) == 0, "an empty answer accepts the invoice"

    invoice = parse_incoming_invoice(data_file("szamlabe_full.xml"))
    xml = build_incoming_invoice_acknowledgement(invoice)
    assert_valid(xml, "szamlabevalasz.xsd")
    assert text(xml, "x:alap/x:id", namespace) == "555001"
    assert text(xml, "x:hibakod", namespace) is None

    filed = build_incoming_invoice_acknowledgement(invoice, filing_number="BE-2026/17")
    assert_valid(filed, "szamlabevalasz.xsd")
    assert text(filed, "x:alap/x:iktatoszam", namespace) == "BE-2026/17"
    only_filed = build_incoming_invoice_acknowledgement(filing_number="BE-2026/18")
    assert_valid(only_filed, "szamlabevalasz.xsd")


def test_receipt_and_bank_acknowledgements_validate():
    batch = parse_receipt_batch(data_file("nyugtaarchiv_batch.xml"))
    for xml in (build_receipt_batch_acknowledgement(), build_receipt_batch_acknowledgement(batch)):
        assert_valid(xml, "nyugtavalasz.xsd")
        assert len(etree.fromstring(xml)) == 0
    transactions = parse_bank_transactions(data_file("banktranz_incoming.xml"))
    for xml in (
        build_bank_transactions_acknowledgement(),
        build_bank_transactions_acknowledgement(transactions),
    ):
        assert_valid(xml, "banktranzvalasz.xsd")
        assert len(etree.fromstring(xml)) == 0


@pytest.mark.parametrize("key_error", ["KEY_ERR", "KEY_DEL"])
@pytest.mark.parametrize(
    ("build", "xsd"),
    [
        (build_push_acknowledgement, "szamlavalasz.xsd"),
        (build_incoming_invoice_acknowledgement, "szamlabevalasz.xsd"),
        (build_receipt_batch_acknowledgement, "nyugtavalasz.xsd"),
        (build_bank_transactions_acknowledgement, "banktranzvalasz.xsd"),
    ],
)
def test_key_error_answers_validate(build, xsd, key_error):
    xml = build(key_error=key_error)
    assert_valid(xml, xsd)
    namespace = f"http://www.szamlazz.hu/{xsd.removesuffix('.xsd')}"
    assert text(xml, "x:hibakod", namespace) == key_error


def test_key_error_with_the_document_validates():
    document = parse_szamla_document(data_file("szamla_full.xml"))
    assert_valid(build_push_acknowledgement(document, key_error="KEY_ERR"), "szamlavalasz.xsd")
    invoice = parse_incoming_invoice(data_file("szamlabe_full.xml"))
    xml = build_incoming_invoice_acknowledgement(invoice, key_error="KEY_DEL")
    assert_valid(xml, "szamlabevalasz.xsd")


@pytest.mark.parametrize(
    "build",
    [
        build_push_acknowledgement,
        build_incoming_invoice_acknowledgement,
        build_receipt_batch_acknowledgement,
        build_bank_transactions_acknowledgement,
    ],
)
def test_unknown_key_errors_are_refused_locally(build):
    with pytest.raises(ValueError):
        build(key_error="NOPE")
