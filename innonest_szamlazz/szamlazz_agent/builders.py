"""Request XML for each Számla Agent action and the answers to the data connection's
pushes, built with lxml in schema order.

Element order matters: Számlázz.hu validates against the XSDs in
/work/shared/szamlazz-xsd (sequence order is fixed). Every request that can carry
``valaszVerzio`` asks for version 2, the XML answer with the PDF in base64.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from .numbers import hungarian_tax_core
from .request_types import (
    MAX_PAYMENTS_PER_CREDIT_ENTRY,
    CreditEntryRequest,
    InvoiceItemRequest,
    InvoiceRequest,
    StornoRequest,
    as_decimal,
)
from .values import BankTransactionBatch, IncomingInvoice, ReceiptBatch, SzamlaDocument

RESPONSE_VERSION = 2
STORNO_KIND = "SS"


def _namespace(root: str) -> str:
    return f"http://www.szamlazz.hu/{root}"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")  # never exponent notation ("1E+2")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Tree:
    """Appends elements of one namespace; ``None`` values are left out."""

    def __init__(self, root: str):
        self.namespace = _namespace(root)
        self.root = etree.Element(f"{{{self.namespace}}}{root}", nsmap={None: self.namespace})

    def node(self, parent: etree._Element, tag: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{self.namespace}}}{tag}")

    def leaf(self, parent: etree._Element, tag: str, value: object) -> None:
        if value is not None:
            self.node(parent, tag).text = _text(value)

    def to_bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")


def build_invoice_xml(request: InvoiceRequest, agent_key: str) -> bytes:
    """`xmlszamla`: invoice, proforma (``dijbekero``) or delivery note."""
    if not request.items:
        raise ValueError("an invoice needs at least one item")
    tree = _Tree("xmlszamla")
    settings = tree.node(tree.root, "beallitasok")
    tree.leaf(settings, "szamlaagentkulcs", agent_key)
    tree.leaf(settings, "eszamla", request.e_invoice)
    tree.leaf(settings, "szamlaLetoltes", request.with_pdf)
    tree.leaf(settings, "valaszVerzio", RESPONSE_VERSION)
    tree.leaf(settings, "szamlaKulsoAzon", request.external_id)

    header = tree.node(tree.root, "fejlec")
    tree.leaf(header, "keltDatum", request.issue_date)
    tree.leaf(header, "teljesitesDatum", request.fulfillment_date)
    tree.leaf(header, "fizetesiHataridoDatum", request.due_date)
    tree.leaf(header, "fizmod", request.payment_method)
    tree.leaf(header, "penznem", request.currency)
    tree.leaf(header, "szamlaNyelve", request.language)
    tree.leaf(header, "megjegyzes", request.note)
    tree.leaf(header, "arfolyamBank", request.exchange_bank)
    if request.exchange_rate is not None:
        tree.leaf(header, "arfolyam", as_decimal(request.exchange_rate))
    tree.leaf(header, "rendelesSzam", request.order_number)
    tree.leaf(header, "dijbekeroSzamlaszam", request.proforma_number)
    if request.proforma:
        tree.leaf(header, "dijbekero", True)
    if request.delivery_note:
        tree.leaf(header, "szallitolevel", True)
    tree.leaf(header, "szamlaszamElotag", request.prefix)
    if request.paid:
        tree.leaf(header, "fizetve", True)

    seller = tree.node(tree.root, "elado")
    tree.leaf(seller, "bank", request.seller_bank)
    tree.leaf(seller, "bankszamlaszam", request.seller_bank_account)

    buyer_request = request.buyer
    buyer = tree.node(tree.root, "vevo")
    tree.leaf(buyer, "nev", buyer_request.name)
    tree.leaf(buyer, "orszag", buyer_request.country)
    tree.leaf(buyer, "irsz", buyer_request.zip)
    tree.leaf(buyer, "telepules", buyer_request.city)
    tree.leaf(buyer, "cim", buyer_request.street)
    tree.leaf(buyer, "email", buyer_request.email)
    tree.leaf(buyer, "sendEmail", request.send_email)
    tree.leaf(buyer, "adoalany", buyer_request.taxpayer_kind)
    tree.leaf(buyer, "adoszam", buyer_request.tax_number)
    tree.leaf(buyer, "adoszamEU", buyer_request.eu_tax_number)
    tree.leaf(buyer, "azonosito", buyer_request.identifier)
    tree.leaf(buyer, "telefonszam", buyer_request.phone)

    items = tree.node(tree.root, "tetelek")
    for item_request in request.items:
        _add_item(tree, items, item_request)
    return tree.to_bytes()


def _add_item(tree: _Tree, items: etree._Element, request: InvoiceItemRequest) -> None:
    item = tree.node(items, "tetel")
    tree.leaf(item, "megnevezes", request.name)
    tree.leaf(item, "azonosito", request.identifier)
    tree.leaf(item, "mennyiseg", as_decimal(request.quantity))
    tree.leaf(item, "mennyisegiEgyseg", request.unit)
    tree.leaf(item, "nettoEgysegar", as_decimal(request.net_unit_price))
    tree.leaf(item, "afakulcs", request.vat_rate)
    tree.leaf(item, "nettoErtek", request.net)
    tree.leaf(item, "afaErtek", request.vat)
    tree.leaf(item, "bruttoErtek", request.gross)
    tree.leaf(item, "megjegyzes", request.note)


def build_storno_xml(request: StornoRequest, agent_key: str) -> bytes:
    """`xmlszamlast`: reverse (storno) an invoice."""
    tree = _Tree("xmlszamlast")
    settings = tree.node(tree.root, "beallitasok")
    tree.leaf(settings, "szamlaagentkulcs", agent_key)
    tree.leaf(settings, "eszamla", request.e_invoice)
    tree.leaf(settings, "szamlaLetoltes", request.with_pdf)
    tree.leaf(settings, "valaszVerzio", RESPONSE_VERSION)
    tree.leaf(settings, "szamlaKulsoAzon", request.external_id)
    header = tree.node(tree.root, "fejlec")
    tree.leaf(header, "szamlaszam", request.number)
    tree.leaf(header, "keltDatum", request.issue_date)
    tree.leaf(header, "teljesitesDatum", request.fulfillment_date)
    tree.leaf(header, "tipus", STORNO_KIND)
    return tree.to_bytes()


def build_credit_entry_xml(request: CreditEntryRequest, agent_key: str) -> bytes:
    """`xmlszamlakifiz`: register payments (credit entries) on an invoice."""
    if len(request.payments) > MAX_PAYMENTS_PER_CREDIT_ENTRY:
        raise ValueError(
            f"at most {MAX_PAYMENTS_PER_CREDIT_ENTRY} payments fit in one credit entry request"
        )
    tree = _Tree("xmlszamlakifiz")
    settings = tree.node(tree.root, "beallitasok")
    tree.leaf(settings, "szamlaagentkulcs", agent_key)
    tree.leaf(settings, "szamlaszam", request.number)
    tree.leaf(settings, "additiv", request.additive)
    tree.leaf(settings, "valaszVerzio", RESPONSE_VERSION)
    for payment_request in request.payments:
        payment = tree.node(tree.root, "kifizetes")
        tree.leaf(payment, "datum", payment_request.date)
        tree.leaf(payment, "jogcim", payment_request.title)
        tree.leaf(payment, "osszeg", as_decimal(payment_request.amount))
        tree.leaf(payment, "leiras", payment_request.note)
    return tree.to_bytes()


def _exactly_one(**selectors: str | None) -> None:
    given = [name for name, value in selectors.items() if value]
    if len(given) != 1:
        names = ", ".join(selectors)
        raise ValueError(f"give exactly one of {names} (got {len(given)})")


def build_query_xml(
    agent_key: str,
    number: str | None = None,
    order_number: str | None = None,
    external_id: str | None = None,
    with_pdf: bool = False,
) -> bytes:
    """`xmlszamlaxml`: the `szamla` document of an invoice (optionally with its PDF)."""
    _exactly_one(number=number, order_number=order_number, external_id=external_id)
    tree = _Tree("xmlszamlaxml")
    tree.leaf(tree.root, "szamlaagentkulcs", agent_key)
    tree.leaf(tree.root, "szamlaszam", number)
    tree.leaf(tree.root, "rendelesSzam", order_number)
    tree.leaf(tree.root, "pdf", with_pdf)
    tree.leaf(tree.root, "szamlaKulsoAzon", external_id)
    return tree.to_bytes()


def build_pdf_query_xml(
    agent_key: str, number: str | None = None, external_id: str | None = None
) -> bytes:
    """`xmlszamlapdf`: an invoice's PDF."""
    _exactly_one(number=number, external_id=external_id)
    tree = _Tree("xmlszamlapdf")
    tree.leaf(tree.root, "szamlaagentkulcs", agent_key)
    tree.leaf(tree.root, "szamlaszam", number)
    tree.leaf(tree.root, "valaszVerzio", RESPONSE_VERSION)
    tree.leaf(tree.root, "szamlaKulsoAzon", external_id)
    return tree.to_bytes()


def build_proforma_delete_xml(
    agent_key: str, number: str | None = None, order_number: str | None = None
) -> bytes:
    """`xmlszamladbkdel`: delete a proforma by its number or order number."""
    _exactly_one(number=number, order_number=order_number)
    tree = _Tree("xmlszamladbkdel")
    settings = tree.node(tree.root, "beallitasok")
    tree.leaf(settings, "szamlaagentkulcs", agent_key)
    header = tree.node(tree.root, "fejlec")
    tree.leaf(header, "szamlaszam", number)
    tree.leaf(header, "rendelesszam", order_number)
    return tree.to_bytes()


def taxpayer_prefix(tax_number: str) -> str:
    """The 8-digit törzsszám a taxpayer query asks for ("12345678-2-42" → "12345678")."""
    core = hungarian_tax_core(tax_number)
    if core is None:
        raise ValueError("a Hungarian tax number has 8 (törzsszám) or 11 digits")
    return core


def build_taxpayer_xml(agent_key: str, tax_number: str) -> bytes:
    """`xmltaxpayer`: NAV's data on a Hungarian taxpayer."""
    tree = _Tree("xmltaxpayer")
    settings = tree.node(tree.root, "beallitasok")
    tree.leaf(settings, "szamlaagentkulcs", agent_key)
    tree.leaf(tree.root, "torzsszam", taxpayer_prefix(tax_number))
    return tree.to_bytes()


# The only other answer the data connection's answer schemas know: the key the push came
# with is unknown here (KEY_ERR: Számlázz.hu stops resending the document, an invoice until
# it changes) or to be deleted (KEY_DEL: Számlázz.hu ends the connection and tells the
# account's owner by e-mail).
KEY_ERRORS = ("KEY_ERR", "KEY_DEL")


def _key_error(tree: _Tree, key_error: str | None) -> None:
    if key_error is None:
        return
    if key_error not in KEY_ERRORS:
        raise ValueError(f"key_error is one of {', '.join(KEY_ERRORS)} (got {key_error!r})")
    tree.leaf(tree.root, "hibakod", key_error)


def build_push_acknowledgement(
    document: SzamlaDocument | None = None, *, key_error: str | None = None
) -> bytes:
    """The `szamlavalasz` answer to a Számlázz.hu push (valid against szamlavalasz.xsd).

    With the document, ``alap/id`` echoes its internal id so Számlázz.hu can tell
    which push was accepted. ``key_error`` ("KEY_ERR", "KEY_DEL") refuses the push's key
    instead of accepting the document.
    """
    tree = _Tree("szamlavalasz")
    if document is not None:
        basics = tree.node(tree.root, "alap")
        tree.leaf(basics, "id", document.internal_id)
    _key_error(tree, key_error)
    return tree.to_bytes()


def build_incoming_invoice_acknowledgement(
    invoice: IncomingInvoice | None = None,
    *,
    filing_number: str | None = None,
    key_error: str | None = None,
) -> bytes:
    """The `szamlabevalasz` answer to a `szamlabe` push (valid against szamlabevalasz.xsd).

    With the invoice, ``alap/id`` echoes its internal id; ``filing_number`` is the receiver's
    own filing number (``alap/iktatoszam``), if it gives one. Without ``key_error`` the
    answer accepts the invoice.
    """
    tree = _Tree("szamlabevalasz")
    internal_id = invoice.internal_id if invoice is not None else None
    if internal_id is not None or filing_number:
        basics = tree.node(tree.root, "alap")
        tree.leaf(basics, "id", internal_id)
        tree.leaf(basics, "iktatoszam", filing_number or None)
    _key_error(tree, key_error)
    return tree.to_bytes()


def build_receipt_batch_acknowledgement(
    batch: ReceiptBatch | None = None, *, key_error: str | None = None
) -> bytes:
    """The `nyugtavalasz` answer to an `xmlnyugtaarchiv` push (valid against
    nyugtavalasz.xsd): empty accepts the whole batch; the schema names no receipt."""
    tree = _Tree("nyugtavalasz")
    _key_error(tree, key_error)
    return tree.to_bytes()


def build_bank_transactions_acknowledgement(
    batch: BankTransactionBatch | None = None, *, key_error: str | None = None
) -> bytes:
    """The `banktranzvalasz` answer to a `banktranz` push (valid against
    banktranzvalasz.xsd): empty accepts the transaction; the schema names none."""
    tree = _Tree("banktranzvalasz")
    _key_error(tree, key_error)
    return tree.to_bytes()
