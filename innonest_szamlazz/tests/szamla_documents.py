"""Hand-written `szamla` documents (szamla.xsd shape) for kinds the sandbox cannot issue."""

import datetime
import zlib
from decimal import Decimal
from xml.sax.saxutils import escape

_NAMESPACE = "http://www.szamlazz.hu/szamla"


def _element(name, value):
    return "<%s>%s</%s>" % (name, escape(str(value)), name) if value not in (None, "") else ""


def szamla_xml(
    number,
    kind="SZ",
    items=(),
    buyer=None,
    order_number=None,
    referenced=None,
    proforma=None,
    payments=(),
    cancelled=False,
    due_date=None,
    internal_id=None,
    email=None,
):
    """``items``: ``(name, identifier, quantity, net_unit_price)``; ``payments``:
    ``(date, amount)``; ``buyer``: dict of name, identifier, tax_number, eu_tax_number,
    zip, city, street, country, email, private_person."""
    buyer = dict(
        {"name": "Teszt Vevő Kft.", "zip": "1111", "city": "Budapest", "street": "Fő utca 1."},
        **(buyer or {}),
    )
    today = datetime.date.today()
    lines, net_total = [], Decimal(0)
    for ordering, (name, identifier, quantity, price) in enumerate(items, start=1):
        net = Decimal(str(quantity)) * Decimal(str(price))
        net_total += net
        lines.append(
            "<tetel>%s%s%s<mennyisegiegyseg>db</mennyisegiegyseg>%s"
            "<afakulcs>27</afakulcs>%s%s%s%s</tetel>"
            % (
                _element("nev", name),
                _element("azonosito", identifier),
                _element("mennyiseg", quantity),
                _element("nettoegysegar", price),
                _element("netto", net),
                _element("afa", net * Decimal("0.27")),
                _element("brutto", net * Decimal("1.27")),
                _element("sztetordering", ordering),
            )
        )
    gross = net_total * Decimal("1.27")
    payment_xml = "".join(
        "<kifizetes>%s<jogcim>átutalás</jogcim>%s</kifizetes>"
        % (_element("datum", date.isoformat()), _element("osszeg", amount))
        for date, amount in payments
    )
    return (
        """<?xml version="1.0" encoding="UTF-8"?>
<szamla xmlns="%(ns)s">
 <szallito><id>1</id><nev>Demo Bolt Kft.</nev>
  <cim><orszag>Magyarország</orszag><irsz>1052</irsz><telepules>Budapest</telepules>
   <cim>Váci utca 1.</cim></cim>
  <adoszam>12345678-2-42</adoszam></szallito>
 <alap>%(id)s%(number)s<gazdEsemAzon>1</gazdEsemAzon>%(kind)s<eszamla>1</eszamla>%(referenced)s%(proforma)s
  %(today)s%(fulfilled)s%(due)s<fizmod>átutalás</fizmod><fizmodunified>átutalás</fizmodunified>
  <keszpenz>false</keszpenz>%(order)s<nyelv>hu</nyelv><devizanem>HUF</devizanem>
  <penzforg>false</penzforg><kata>false</kata><katafokonyv>false</katafokonyv>%(email)s
  <teszt>false</teszt><sztornozott>%(cancelled)s</sztornozott></alap>
 <vevo>%(buyer_name)s%(buyer_identifier)s<cim>%(country)s%(zip)s%(city)s%(street)s</cim>%(buyer_email)s
  <adoszam>%(tax)s</adoszam>%(eu_tax)s<lokacio>1</lokacio>
  <privatePersonIndicator>%(private)s</privatePersonIndicator></vevo>
 <tetelek>%(lines)s</tetelek>
 <osszegek><afakulcsossz><afakulcs>27</afakulcs>%(net)s%(vat)s%(gross)s</afakulcsossz>
  <totalossz>%(net)s%(vat)s%(gross)s</totalossz></osszegek>
 %(payments)s
</szamla>"""
        % {
            "ns": _NAMESPACE,
            "id": _element("id", internal_id or zlib.crc32(number.encode()) % 10**8),
            "number": _element("szamlaszam", number),
            "kind": _element("tipus", kind),
            "referenced": _element("hivszamlaszam", referenced),
            "proforma": _element("hivdijbekszam", proforma),
            "today": _element("kelt", today.isoformat()),
            "fulfilled": _element("telj", today.isoformat()),
            "due": _element("fizh", (due_date or today + datetime.timedelta(days=8)).isoformat()),
            "order": _element("rendelesszam", order_number),
            "email": _element("email", email),
            "cancelled": "true" if cancelled else "false",
            "buyer_name": _element("nev", buyer["name"]),
            "buyer_identifier": _element("azonosito", buyer.get("identifier")),
            "country": _element("orszag", buyer.get("country")),
            "zip": _element("irsz", buyer["zip"]),
            "city": _element("telepules", buyer["city"]),
            "street": _element("cim", buyer["street"]),
            "buyer_email": _element("email", buyer.get("email")),
            "tax": escape(buyer.get("tax_number") or ""),
            "eu_tax": _element("adoszameu", buyer.get("eu_tax_number")),
            "private": "true" if buyer.get("private_person") else "false",
            "lines": "".join(lines),
            "net": _element("netto", net_total),
            "vat": _element("afa", gross - net_total),
            "gross": _element("brutto", gross),
            "payments": "<kifizetesek>%s</kifizetesek>" % payment_xml if payments else "",
        }
    ).encode()
