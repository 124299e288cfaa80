"""Hand-written Számla Agent requests (built with lxml, in each XSD's element order) and a
multipart sender. Deliberately independent of the client under innonest_szamlazz/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import requests
from lxml import etree

CREATE = "action-xmlagentxmlfile"
STORNO = "action-szamla_agent_st"
CREDIT = "action-szamla_agent_kifiz"
QUERY_XML = "action-szamla_agent_xml"
QUERY_PDF = "action-szamla_agent_pdf"
DELETE_PROFORMA = "action-szamla_agent_dijbekero_torlese"
TAXPAYER = "action-szamla_agent_taxpayer"

DEFAULT_ITEMS = [("Kerámia bögre", "DEMO-SKU-1", "2", "1000", "27")]


class Builder:
    def __init__(self, root: str):
        self.ns = f"http://www.szamlazz.hu/{root}"
        self.root = etree.Element(f"{{{self.ns}}}{root}", nsmap={None: self.ns})

    def sub(self, parent, name: str, text=None):
        element = etree.SubElement(parent, f"{{{self.ns}}}{name}")
        if text is not None:
            element.text = str(text)
        return element

    def opt(self, parent, name: str, text) -> None:
        if text is not None:
            self.sub(parent, name, text)

    def bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def item_values(
    quantity: str, price: str, rate: str, net_offset: Decimal = Decimal(0)
) -> tuple[Decimal, Decimal, Decimal]:
    net = Decimal(quantity) * Decimal(price) + net_offset
    vat = (net * Decimal(rate) / 100) if rate.isdigit() else Decimal(0)
    return net, vat, net + vat


def invoice(
    key: str = "sandbox-demo-key",
    *,
    items=DEFAULT_ITEMS,
    proforma: bool = False,
    delivery_note: bool = False,
    order_number: str | None = None,
    external_id: str | None = None,
    proforma_number: str | None = None,
    prefix: str | None = None,
    paid: bool = False,
    version: int = 2,
    download: bool = True,
    currency: str = "HUF",
    language: str = "hu",
    exchange_bank: str | None = None,
    exchange_rate: str | None = None,
    bank: str | None = None,
    bank_account: str | None = None,
    e_invoice: bool = False,
    buyer_name: str = "Kovács Anna",
    buyer_tax_number: str | None = None,
    issue_date: dt.date | None = None,
    net_offset: str = "0",
    vat_offset: str = "0",
    gross_offset: str = "0",
) -> bytes:
    """An `xmlszamla`; the offsets put each item's net (VAT and gross follow the sent net),
    VAT or gross that far from the correct value."""
    b = Builder("xmlszamla")
    settings = b.sub(b.root, "beallitasok")
    b.sub(settings, "szamlaagentkulcs", key)
    b.sub(settings, "eszamla", _bool(e_invoice))
    b.sub(settings, "szamlaLetoltes", _bool(download))
    b.sub(settings, "valaszVerzio", version)
    b.opt(settings, "szamlaKulsoAzon", external_id)
    header = b.sub(b.root, "fejlec")
    today = issue_date or dt.date.today()
    b.sub(header, "keltDatum", today.isoformat())
    b.sub(header, "teljesitesDatum", today.isoformat())
    b.sub(header, "fizetesiHataridoDatum", (today + dt.timedelta(days=8)).isoformat())
    b.sub(header, "fizmod", "átutalás")
    b.sub(header, "penznem", currency)
    b.sub(header, "szamlaNyelve", language)
    b.opt(header, "arfolyamBank", exchange_bank)
    b.opt(header, "arfolyam", exchange_rate)
    b.opt(header, "rendelesSzam", order_number)
    b.opt(header, "dijbekeroSzamlaszam", proforma_number)
    if proforma:
        b.sub(header, "dijbekero", "true")
    if delivery_note:
        b.sub(header, "szallitolevel", "true")
    b.opt(header, "szamlaszamElotag", prefix)
    if paid:
        b.sub(header, "fizetve", "true")
    seller = b.sub(b.root, "elado")
    b.opt(seller, "bank", bank)
    b.opt(seller, "bankszamlaszam", bank_account)
    buyer = b.sub(b.root, "vevo")
    b.sub(buyer, "nev", buyer_name)
    b.sub(buyer, "irsz", "1111")
    b.sub(buyer, "telepules", "Budapest")
    b.sub(buyer, "cim", "Bartók Béla út 12.")
    b.sub(buyer, "email", "anna@example.hu")
    b.sub(buyer, "sendEmail", "false")
    b.opt(buyer, "adoszam", buyer_tax_number)
    lines = b.sub(b.root, "tetelek")
    for name, sku, quantity, price, rate in items:
        net, vat, gross = item_values(quantity, price, rate, Decimal(net_offset))
        vat += Decimal(vat_offset)
        gross += Decimal(vat_offset) + Decimal(gross_offset)
        line = b.sub(lines, "tetel")
        b.sub(line, "megnevezes", name)
        b.sub(line, "azonosito", sku)
        b.sub(line, "mennyiseg", quantity)
        b.sub(line, "mennyisegiEgyseg", "db")
        b.sub(line, "nettoEgysegar", price)
        b.sub(line, "afakulcs", rate)
        b.sub(line, "nettoErtek", net)
        b.sub(line, "afaErtek", vat)
        b.sub(line, "bruttoErtek", gross)
    return b.bytes()


def storno(
    number: str,
    key: str = "sandbox-demo-key",
    *,
    external_id: str | None = None,
    issue_date: dt.date | None = None,
    version: int = 2,
    e_invoice: bool = False,
) -> bytes:
    b = Builder("xmlszamlast")
    settings = b.sub(b.root, "beallitasok")
    b.sub(settings, "szamlaagentkulcs", key)
    b.sub(settings, "eszamla", _bool(e_invoice))
    b.sub(settings, "szamlaLetoltes", "false")
    b.sub(settings, "valaszVerzio", version)
    b.opt(settings, "szamlaKulsoAzon", external_id)
    header = b.sub(b.root, "fejlec")
    b.sub(header, "szamlaszam", number)
    b.opt(header, "keltDatum", issue_date.isoformat() if issue_date else None)
    return b.bytes()


def credit(
    number: str,
    amounts: list[str],
    *,
    additive: bool,
    key: str = "sandbox-demo-key",
    version: int = 2,
) -> bytes:
    b = Builder("xmlszamlakifiz")
    settings = b.sub(b.root, "beallitasok")
    b.sub(settings, "szamlaagentkulcs", key)
    b.sub(settings, "szamlaszam", number)
    b.sub(settings, "additiv", _bool(additive))
    b.sub(settings, "valaszVerzio", version)
    for amount in amounts:
        payment = b.sub(b.root, "kifizetes")
        b.sub(payment, "datum", dt.date.today().isoformat())
        b.sub(payment, "jogcim", "átutalás")
        b.sub(payment, "osszeg", amount)
    return b.bytes()


def query_xml(
    number: str | None = None,
    *,
    order_number: str | None = None,
    external_id: str | None = None,
    pdf: bool = False,
    key: str = "sandbox-demo-key",
) -> bytes:
    b = Builder("xmlszamlaxml")
    b.sub(b.root, "szamlaagentkulcs", key)
    b.opt(b.root, "szamlaszam", number)
    b.opt(b.root, "rendelesSzam", order_number)
    if pdf:
        b.sub(b.root, "pdf", "true")
    b.opt(b.root, "szamlaKulsoAzon", external_id)
    return b.bytes()


def query_pdf(
    number: str | None = None,
    *,
    order_number: str | None = None,
    external_id: str | None = None,
    version: int = 1,
    key: str = "sandbox-demo-key",
) -> bytes:
    b = Builder("xmlszamlapdf")
    b.sub(b.root, "szamlaagentkulcs", key)
    b.opt(b.root, "szamlaszam", number)
    b.opt(b.root, "rendelesSzam", order_number)
    b.sub(b.root, "valaszVerzio", version)
    b.opt(b.root, "szamlaKulsoAzon", external_id)
    return b.bytes()


def delete_proforma(
    number: str | None = None, *, order_number: str | None = None, key: str = "sandbox-demo-key"
) -> bytes:
    b = Builder("xmlszamladbkdel")
    settings = b.sub(b.root, "beallitasok")
    b.sub(settings, "szamlaagentkulcs", key)
    header = b.sub(b.root, "fejlec")
    b.opt(header, "szamlaszam", number)
    b.opt(header, "rendelesszam", order_number)
    return b.bytes()


def taxpayer(tax_id: str, key: str = "sandbox-demo-key") -> bytes:
    b = Builder("xmltaxpayer")
    settings = b.sub(b.root, "beallitasok")
    b.sub(settings, "szamlaagentkulcs", key)
    b.sub(b.root, "torzsszam", tax_id)
    return b.bytes()


def send(sandbox, action: str, xml: bytes, **kwargs) -> requests.Response:
    """POST one XML as the multipart file field `action`, as the real clients do."""
    return sandbox.http.post(
        sandbox.agent_url,
        files={action: ("request.xml", xml, "text/xml")},
        timeout=kwargs.pop("timeout", 30),
        **kwargs,
    )
