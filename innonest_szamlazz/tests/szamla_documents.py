"""Hand-written `szamla` documents (szamla.xsd shape) for what the sandbox cannot issue.

Complete by default, and valid against szamla.xsd (the tests check it where it matters).
The options reproduce how Számlázz.hu really sends documents, after its official examples
and published live observations (see ``szamlazz_sandbox/README.md``): an empty buyer name
and address (private persons, NAV imports), an empty or missing ``<pdf>``, an empty
``devizanem``, ``forras`` for documents issued by other software, and elements the XSD
requires left out (``omit``).
"""

import base64
import datetime
import zlib
from decimal import Decimal

from lxml import etree

NAMESPACE = "http://www.szamlazz.hu/szamla"
PDF = b"%PDF-1.4\n% a hand-written test PDF\n%%EOF\n"


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
    currency="HUF",
    pdf=None,
    issued_by=None,
    e_invoice_code=1,
    omit=(),
    namespace=NAMESPACE,
    raw_quantities=None,
    language="hu",
):
    """``items``: ``(name, identifier, quantity, net_unit_price)``; ``payments``:
    ``(date, amount)``; ``buyer``: dict of name, identifier, tax_number, eu_tax_number,
    zip, city, street, country, email, private_person. ``pdf``: bytes to embed, ``""`` for
    an empty ``<pdf></pdf>``, or text to put there as it is (a broken PDF). ``omit``:
    element names left out wherever they occur. ``raw_quantities``: ``{item index:
    text}`` written as the item's quantity instead of the number."""
    buyer = dict(
        {"name": "Teszt Vevő Kft.", "zip": "1111", "city": "Budapest", "street": "Fő utca 1."},
        **(buyer or {}),
    )
    today = datetime.date.today()
    root = etree.Element("{%s}szamla" % namespace, nsmap={None: namespace})

    def add(parent, name, value=None, always=False):
        element = etree.SubElement(parent, "{%s}%s" % (namespace, name))
        if value is not None and value is not False:
            element.text = value if isinstance(value, str) else _text(value)
        elif not always:
            parent.remove(element)
            return None
        return element

    seller = add(root, "szallito", always=True)
    add(seller, "id", 1)
    add(seller, "nev", "Demo Bolt Kft.")
    address = add(seller, "cim", always=True)
    add(address, "orszag", "Magyarország")
    add(address, "irsz", "1052")
    add(address, "telepules", "Budapest")
    add(address, "cim", "Váci utca 1.")
    add(seller, "adoszam", "12345678-2-42")

    basics = add(root, "alap", always=True)
    add(basics, "id", internal_id or zlib.crc32(number.encode()) % 10**8)
    add(basics, "szamlaszam", number)
    add(basics, "gazdEsemAzon", internal_id or 1)
    add(basics, "forras", issued_by)
    add(basics, "tipus", kind)
    add(basics, "eszamla", 0 if kind in ("D", "SL") else e_invoice_code)
    add(basics, "hivszamlaszam", referenced)
    add(basics, "hivdijbekszam", proforma)
    add(basics, "kelt", today)
    add(basics, "telj", today)
    add(basics, "fizh", due_date or today + datetime.timedelta(days=8))
    add(basics, "fizmod", "átutalás")
    add(basics, "fizmodunified", "átutalás")
    add(basics, "keszpenz", "false")
    add(basics, "rendelesszam", order_number)
    add(basics, "nyelv", language)
    add(basics, "devizanem", currency, always=True)
    for flag in ("penzforg", "kata", "katafokonyv"):
        add(basics, flag, "false")
    add(basics, "email", email)
    add(basics, "teszt", "false")
    if cancelled:
        add(basics, "sztornozott", "true")

    customer = add(root, "vevo", always=True)
    add(customer, "nev", buyer["name"], always=True)
    add(customer, "azonosito", buyer.get("identifier"))
    address = add(customer, "cim", always=True)
    add(address, "orszag", buyer.get("country"))
    for name, key in (("irsz", "zip"), ("telepules", "city"), ("cim", "street")):
        add(address, name, buyer.get(key), always=True)
    add(customer, "email", buyer.get("email"))
    add(customer, "adoszam", buyer.get("tax_number") or "", always=True)
    add(customer, "adoszameu", buyer.get("eu_tax_number"))
    add(customer, "lokacio", 1)
    add(customer, "privatePersonIndicator", "true" if buyer.get("private_person") else "false")

    lines = add(root, "tetelek", always=True)
    net_total = Decimal(0)
    for ordering, (name, identifier, quantity, price) in enumerate(items, start=1):
        net = Decimal(str(quantity)) * Decimal(str(price))
        net_total += net
        line = add(lines, "tetel", always=True)
        add(line, "nev", name)
        add(line, "azonosito", identifier)
        add(line, "mennyiseg", (raw_quantities or {}).get(ordering, Decimal(str(quantity))))
        add(line, "mennyisegiegyseg", "db")
        add(line, "nettoegysegar", Decimal(str(price)))
        add(line, "afakulcs", 27)
        add(line, "netto", net)
        add(line, "afa", net * Decimal("0.27"))
        add(line, "brutto", net * Decimal("1.27"))
        add(line, "sztetordering", ordering)
    gross = net_total * Decimal("1.27")
    totals = add(root, "osszegek", always=True)
    per_rate, total = (
        add(totals, "afakulcsossz", always=True),
        add(totals, "totalossz", always=True),
    )
    add(per_rate, "afakulcs", 27)
    for group in (per_rate, total):
        add(group, "netto", net_total)
        add(group, "afa", gross - net_total)
        add(group, "brutto", gross)
    if payments:
        received = add(root, "kifizetesek", always=True)
        for date, amount in payments:
            payment = add(received, "kifizetes", always=True)
            add(payment, "datum", date)
            add(payment, "jogcim", "átutalás")
            add(payment, "osszeg", Decimal(str(amount)))
    if pdf is not None:
        add(
            root,
            "pdf",
            base64.b64encode(pdf).decode() if isinstance(pdf, bytes) else pdf,
            always=True,
        )
    for name in omit:
        for element in list(root.iter("{%s}%s" % (namespace, name))):
            element.getparent().remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _text(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
