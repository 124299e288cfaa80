"""The `szamla` XML (szamla.xsd): the XML query answer and the push body."""

from __future__ import annotations

import base64
from collections import OrderedDict
from decimal import Decimal

from lxml import etree

from .money import plain
from .store import DELIVERY_NOTE, PROFORMA, Account, Document

SZAMLA_NS = "http://www.szamlazz.hu/szamla"

# `fizmod` is free text; `fizmodunified` is szamla.xsd's closed list.
_UNIFIED_PAYMENT_METHODS = {
    "átutalás": "átutalás",
    "atutalas": "átutalás",
    "transfer": "átutalás",
    "készpénz": "készpénz",
    "keszpenz": "készpénz",
    "kp": "készpénz",
    "cash": "készpénz",
    "bankkártya": "bankkártya",
    "bankkartya": "bankkártya",
    "kártya": "bankkártya",
    "card": "bankkártya",
    "csekk": "csekk",
    "utánvét": "utánvét",
    "utanvet": "utánvét",
    "paypal": "PayPal",
    "barion": "barion",
    "szép kártya": "SZÉP kártya",
    "kompenzáció": "kompenzáció",
    "utalvány": "utalvány",
    "ajándékutalvány": "ajándékutalvány",
}


def unified_payment_method(method: str) -> str:
    return _UNIFIED_PAYMENT_METHODS.get(method.strip().lower(), "egyéb")


def _sub(parent: etree._Element, name: str, text=None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{SZAMLA_NS}}}{name}")
    if text is not None:
        element.text = text
    return element


def _opt(parent: etree._Element, name: str, text) -> None:
    if text not in (None, ""):
        _sub(parent, name, str(text))


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _address(parent: etree._Element, name: str, country, zip_, city, street) -> None:
    address = _sub(parent, name)
    _opt(address, "orszag", country)
    _sub(address, "irsz", zip_ or "")
    _sub(address, "telepules", city or "")
    _sub(address, "cim", street or "")


def _e_invoice_code(doc: Document) -> str:
    # Official annotation: 0 not an invoice, 1 paper invoice, 2 and 3 e-invoice; live
    # answers carry 0 on proformas, 1 on paper and 3 on e-invoices (2 was never seen).
    if doc.kind in (PROFORMA, DELIVERY_NOTE):
        return "0"
    return "3" if doc.e_invoice else "1"


def _buyer_location(doc: Document) -> str:
    # NAV customerVatStatus-like code: 1 domestic, 2 EU, 3 outside the EU.
    country = (doc.buyer.country or "").strip().lower()
    if country in ("", "hu", "magyarország", "hungary"):
        return "1"
    return "2" if doc.buyer.eu_tax_number else "3"


def build_szamla(account: Account, doc: Document, pdf: bytes | None = None) -> etree._Element:
    root = etree.Element(f"{{{SZAMLA_NS}}}szamla", nsmap={None: SZAMLA_NS})
    seller = account.seller
    szallito = _sub(root, "szallito")
    _sub(szallito, "id", str(account.supplier_id))
    _sub(szallito, "nev", seller.name)
    _address(szallito, "cim", seller.country, seller.zip, seller.city, seller.street)
    _sub(szallito, "adoszam", seller.tax_number)
    _opt(szallito, "adoszameu", seller.eu_tax_number)
    bank = _sub(szallito, "bank")
    _opt(bank, "nev", doc.seller_bank or seller.bank_name)
    _opt(bank, "bankszamla", doc.seller_bank_account or seller.bank_account)

    alap = _sub(root, "alap")
    _sub(alap, "id", str(doc.id))
    _sub(alap, "szamlaszam", doc.number)
    _sub(alap, "gazdEsemAzon", str(doc.economic_event_id))
    # Only on documents not issued by Számlázz.hu (szamla.xsd comment).
    _opt(alap, "forras", doc.issued_by)
    _sub(alap, "tipus", doc.kind)
    _sub(alap, "eszamla", _e_invoice_code(doc))
    _opt(alap, "hivszamlaszam", doc.referenced_invoice)
    _opt(alap, "hivdijbekszam", doc.referenced_proforma)
    _sub(alap, "kelt", doc.issue_date.isoformat())
    _sub(alap, "telj", doc.fulfillment_date.isoformat())
    _sub(alap, "fizh", doc.due_date.isoformat())
    _sub(alap, "fizmod", doc.payment_method)
    unified = unified_payment_method(doc.payment_method)
    _sub(alap, "fizmodunified", unified)
    _sub(alap, "keszpenz", _bool(unified == "készpénz"))
    _opt(alap, "rendelesszam", doc.order_number)
    _sub(alap, "nyelv", doc.language)
    _sub(alap, "devizanem", doc.currency)  # may be empty, as the official example allows
    _opt(alap, "devizabank", doc.exchange_bank)
    _opt(alap, "devizaarf", plain(doc.exchange_rate) if doc.exchange_rate else None)
    _opt(alap, "megjegyzes", doc.note)
    _sub(alap, "penzforg", "false")
    _sub(alap, "kata", "false")
    _sub(alap, "katafokonyv", "false")
    _opt(alap, "email", doc.email or doc.buyer.email)
    _sub(alap, "teszt", "true")
    if doc.cancelled:
        # Absent (not false) until the document is reversed, as on the real service.
        _sub(alap, "sztornozott", "true")

    buyer = doc.buyer
    vevo = _sub(root, "vevo")
    _sub(vevo, "id", str(account.partner_id(buyer.name)))
    _sub(vevo, "nev", buyer.name)  # empty for some private persons: <nev></nev>
    _opt(vevo, "azonosito", buyer.identifier)
    _address(vevo, "cim", buyer.country, buyer.zip, buyer.city, buyer.street)
    _opt(vevo, "email", buyer.email)
    _sub(vevo, "adoszam", buyer.tax_number or "")
    _opt(vevo, "adoszameu", buyer.eu_tax_number)
    _sub(vevo, "lokacio", _buyer_location(doc))
    _sub(vevo, "privatePersonIndicator", _bool(buyer.is_private_person))

    tetelek = _sub(root, "tetelek")
    for ordering, item in enumerate(doc.items, start=1):
        tetel = _sub(tetelek, "tetel")
        _sub(tetel, "nev", item.name)
        _opt(tetel, "azonosito", item.identifier)
        _sub(tetel, "mennyiseg", plain(item.quantity))
        _sub(tetel, "mennyisegiegyseg", item.unit)
        _sub(tetel, "nettoegysegar", plain(item.net_unit_price))
        _opt(tetel, "afatipus", item.vat_code)
        _sub(tetel, "afakulcs", plain(item.vat_percent))
        _sub(tetel, "netto", plain(item.net))
        _sub(tetel, "afa", plain(item.vat))
        _sub(tetel, "brutto", plain(item.gross))
        _opt(tetel, "megjegyzes", item.note)
        _sub(tetel, "sztetordering", str(ordering))

    osszegek = _sub(root, "osszegek")
    rates: OrderedDict = OrderedDict()
    for item in doc.items:
        totals = rates.setdefault((item.vat_code, item.vat_percent), [Decimal(0)] * 3)
        totals[0] += item.net
        totals[1] += item.vat
        totals[2] += item.gross
    for (code, percent), (net, vat, gross) in rates.items():
        per_rate = _sub(osszegek, "afakulcsossz")
        _opt(per_rate, "afatipus", code)
        _sub(per_rate, "afakulcs", plain(percent))
        _sub(per_rate, "netto", plain(net))
        _sub(per_rate, "afa", plain(vat))
        _sub(per_rate, "brutto", plain(gross))
    total = _sub(osszegek, "totalossz")
    _sub(total, "netto", plain(doc.net))
    _sub(total, "afa", plain(doc.vat))
    _sub(total, "brutto", plain(doc.gross))

    if doc.payments:
        kifizetesek = _sub(root, "kifizetesek")
        for payment in doc.payments:
            kifizetes = _sub(kifizetesek, "kifizetes")
            _sub(kifizetes, "datum", payment.date.isoformat())
            _sub(kifizetes, "jogcim", payment.title)
            _sub(kifizetes, "osszeg", plain(payment.amount))
            _opt(kifizetes, "megjegyzes", payment.note)
    if pdf is not None:
        _sub(root, "pdf", base64.b64encode(pdf).decode("ascii"))
    return root


def serialize(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)
