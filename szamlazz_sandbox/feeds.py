"""The data connection's other bodies: `szamlabe` (szamlabe.xsd), `xmlnyugtaarchiv`
(xmlnyugtaarchiv.xsd) and `banktranz` (banktranz.xsd). Each is built complete; the push
queue self-checks it against its schema before queueing.
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from collections.abc import Iterable
from decimal import Decimal
from types import SimpleNamespace

from lxml import etree

from . import pdf
from .documents import unified_payment_method
from .inbound import BankTransaction, IncomingInvoice
from .money import plain
from .receipts import Receipt
from .store import Account, Item

SZAMLABE_NS = "http://www.szamlazz.hu/szamlabe"
NYUGTAARCHIV_NS = "http://www.szamlazz.hu/xmlnyugtaarchiv"
BANKTRANZ_NS = "http://www.szamlazz.hu/banktranz"


class _Builder:
    """SubElement in one namespace: ``b(parent, "name", text)``."""

    def __init__(self, namespace: str):
        self.namespace = namespace

    def root(self, name: str) -> etree._Element:
        return etree.Element(f"{{{self.namespace}}}{name}", nsmap={None: self.namespace})

    def __call__(self, parent: etree._Element, name: str, text=None) -> etree._Element:
        element = etree.SubElement(parent, f"{{{self.namespace}}}{name}")
        if text is not None:
            element.text = str(text)
        return element

    def opt(self, parent: etree._Element, name: str, text) -> None:
        if text not in (None, ""):
            self(parent, name, text)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _rate_totals(items: Iterable[Item]) -> OrderedDict:
    rates: OrderedDict = OrderedDict()
    for item in items:
        totals = rates.setdefault((item.vat_code, item.vat_percent), [Decimal(0)] * 3)
        totals[0] += item.net
        totals[1] += item.vat
        totals[2] += item.gross
    return rates


def _totals(b: _Builder, parent: etree._Element, items: list[Item]) -> None:
    """`osszegek`: one `afakulcsossz` per VAT rate, then `totalossz` (same in both XSDs)."""
    osszegek = b(parent, "osszegek")
    for (code, percent), (net, vat, gross) in _rate_totals(items).items():
        per_rate = b(osszegek, "afakulcsossz")
        b.opt(per_rate, "afatipus", code)
        b(per_rate, "afakulcs", plain(percent))
        b(per_rate, "netto", plain(net))
        b(per_rate, "afa", plain(vat))
        b(per_rate, "brutto", plain(gross))
    total = b(osszegek, "totalossz")
    b(total, "netto", plain(sum((i.net for i in items), Decimal(0))))
    b(total, "afa", plain(sum((i.vat for i in items), Decimal(0))))
    b(total, "brutto", plain(sum((i.gross for i in items), Decimal(0))))


def _address(b: _Builder, parent: etree._Element, country, zip_, city, street) -> None:
    address = b(parent, "cim")
    b.opt(address, "orszag", country)
    b(address, "irsz", zip_ or "")
    b(address, "telepules", city or "")
    b(address, "cim", street or "")


def build_szamlabe(account: Account, invoice: IncomingInvoice) -> etree._Element:
    """An invoice ``invoice.supplier`` issued to ``account`` (its seller is the buyer)."""
    b = _Builder(SZAMLABE_NS)
    root = b.root("szamlabe")
    supplier = invoice.supplier
    szallito = b(root, "szallito")
    b(szallito, "id", account.partner_id(supplier.name))
    b(szallito, "nev", supplier.name)
    _address(b, szallito, supplier.country, supplier.zip, supplier.city, supplier.street)
    b(szallito, "adoszam", supplier.tax_number or "")
    b.opt(szallito, "adoszameu", supplier.eu_tax_number)
    if supplier.bank_account:
        bank = b(szallito, "bank")
        b(bank, "bankszamla", supplier.bank_account)

    alap = b(root, "alap")
    b(alap, "id", invoice.id)
    b(alap, "szamlaszam", invoice.number)
    b(alap, "gazdEsemAzon", invoice.economic_event_id)
    b(alap, "tipus", invoice.kind)
    b(alap, "eszamla", "1")  # assumption: a paper invoice (the code of Számlázz.hu's own)
    b.opt(alap, "hivszamlaszam", invoice.referenced_invoice)
    b(alap, "kelt", invoice.issue_date.isoformat())
    b(alap, "telj", invoice.fulfillment_date.isoformat())
    b(alap, "fizh", invoice.due_date.isoformat())
    b(alap, "fizmod", invoice.payment_method)
    unified = unified_payment_method(invoice.payment_method)
    b(alap, "fizmodunified", unified)
    b(alap, "keszpenz", _bool(unified == "készpénz"))
    b(alap, "nyelv", "hu")
    b(alap, "devizanem", invoice.currency)
    b(alap, "penzforg", "false")
    b(alap, "kata", "false")
    b(alap, "katafokonyv", "false")
    b(alap, "teszt", "true")
    if invoice.cancelled:
        b(alap, "sztornozott", "true")

    seller = account.seller  # the account receives the invoice: it is the buyer here
    vevo = b(root, "vevo")
    b(vevo, "nev", seller.name)
    _address(b, vevo, seller.country, seller.zip, seller.city, seller.street)
    b(vevo, "adoszam", seller.tax_number or "")
    b.opt(vevo, "adoszameu", seller.eu_tax_number)
    b(vevo, "lokacio", "1")

    tetelek = b(root, "tetelek")
    for ordering, item in enumerate(invoice.items, start=1):
        tetel = b(tetelek, "tetel")
        b(tetel, "nev", item.name)
        b.opt(tetel, "azonosito", item.identifier)
        b(tetel, "mennyiseg", plain(item.quantity))
        b(tetel, "mennyisegiegyseg", item.unit)
        b(tetel, "nettoegysegar", plain(item.net_unit_price))
        b.opt(tetel, "afatipus", item.vat_code)
        b(tetel, "afakulcs", plain(item.vat_percent))
        b(tetel, "netto", plain(item.net))
        b(tetel, "afa", plain(item.vat))
        b(tetel, "brutto", plain(item.gross))
        b.opt(tetel, "megjegyzes", item.note)
        b(tetel, "sztetordering", ordering)
    _totals(b, root, invoice.items)
    if invoice.pdf:
        page = pdf.render(
            SimpleNamespace(
                kind=invoice.kind,
                number=invoice.number,
                buyer=SimpleNamespace(name=seller.name),
                issue_date=invoice.issue_date,
                due_date=invoice.due_date,
                gross=invoice.gross,
                currency=invoice.currency,
            ),
            supplier.name,
        )
        b(root, "pdf", base64.b64encode(page).decode("ascii"))
    return root


def build_nyugtaarchiv(account: Account, receipts: list[Receipt]) -> etree._Element:
    """One daily batch: a `nyugta` per receipt, as each stands when the batch is made."""
    b = _Builder(NYUGTAARCHIV_NS)
    root = b.root("xmlnyugtaarchiv")
    for receipt in receipts:
        nyugta = b(root, "nyugta")
        alap = b(nyugta, "alap")
        b(alap, "id", receipt.id)
        b.opt(alap, "hivasAzonosito", receipt.call_id)
        b(alap, "nyugtaszam", receipt.number)
        b(alap, "tipus", receipt.kind)
        b(alap, "stornozott", _bool(receipt.cancelled))
        b.opt(alap, "stornozottNyugtaszam", receipt.cancelled_number)
        b(alap, "kelt", receipt.issue_date.isoformat())
        b(alap, "fizmod", receipt.payment_method)
        b(alap, "penznem", receipt.currency)
        b.opt(alap, "megjegyzes", receipt.note)
        b(alap, "teszt", "true")
        b(alap, "adoszam", account.seller.tax_number)
        b.opt(alap, "rendelesSzam", receipt.order_number)
        tetelek = b(nyugta, "tetelek")
        for item in receipt.items:
            tetel = b(tetelek, "tetel")
            b(tetel, "megnevezes", item.name)
            b.opt(tetel, "azonosito", item.identifier)
            b(tetel, "nettoEgysegar", plain(item.net_unit_price))
            b(tetel, "mennyiseg", plain(item.quantity))
            b(tetel, "mennyisegiEgyseg", item.unit)
            b(tetel, "netto", plain(item.net))
            b.opt(tetel, "afatipus", item.vat_code)
            b(tetel, "afakulcs", plain(item.vat_percent))
            b(tetel, "afa", plain(item.vat))
            b(tetel, "brutto", plain(item.gross))
            b.opt(tetel, "megjegyzes", item.note)
        if receipt.payments:
            kifizetesek = b(nyugta, "kifizetesek")
            for method, amount in receipt.payments:
                kifizetes = b(kifizetesek, "kifizetes")
                b(kifizetes, "fizetoeszkoz", method)
                b(kifizetes, "osszeg", plain(amount))
        _totals(b, nyugta, receipt.items)
    return root


def build_banktranz(transaction: BankTransaction) -> etree._Element:
    b = _Builder(BANKTRANZ_NS)
    root = b.root("banktranz")
    b(root, "id", transaction.id)
    b(root, "bankszamla", transaction.bank_account)
    b(root, "erteknap", transaction.value_date.isoformat())
    b(root, "irany", transaction.direction)
    b.opt(root, "tipus", transaction.type)
    b(root, "technikai", _bool(transaction.technical))
    b(root, "osszeg", plain(transaction.amount))
    b(root, "devizanem", transaction.currency)
    if transaction.counterparty_name or transaction.counterparty_account:
        partner = b(root, "partner")
        b.opt(partner, "nev", transaction.counterparty_name)
        b.opt(partner, "bankszamla", transaction.counterparty_account)
    b.opt(root, "kozlemeny", transaction.reference)
    return root
