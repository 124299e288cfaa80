"""Document numbers: paper and e-invoice series, proformas without a year, storno forms."""

from __future__ import annotations

import datetime as dt

import agent_requests as req
from lxml import etree

SZAMLA = "{http://www.szamlazz.hu/szamla}"
YEAR = dt.date.today().year
BUYER = {"name": "Kovács Anna", "zip": "1111", "city": "Budapest", "street": "Bartók Béla út 12."}
ITEMS = [{"name": "Bögre", "identifier": "DEMO-SKU-1", "quantity": 1, "net_unit_price": "1000"}]


def number_of(answer) -> str:
    assert "szlahu_error_code" not in answer.headers, answer.headers
    return answer.headers["szlahu_szamlaszam"]


def created(sandbox, **kwargs) -> str:
    return number_of(req.send(sandbox, req.CREATE, req.invoice(**kwargs)))


def reversed_(sandbox, number: str, e_invoice: bool) -> str:
    return number_of(req.send(sandbox, req.STORNO, req.storno(number, e_invoice=e_invoice)))


def eszamla(sandbox, number: str) -> str:
    answer = req.send(sandbox, req.QUERY_XML, req.query_xml(number))
    return etree.fromstring(answer.content).findtext(f"{SZAMLA}alap/{SZAMLA}eszamla")


def issued(sandbox, **body) -> dict:
    return sandbox.control("POST", "documents", json={"buyer": BUYER, "items": ITEMS, **body})


def test_e_invoices_have_their_own_series_per_prefix(sandbox):
    numbers = [
        created(sandbox, e_invoice=True),
        created(sandbox),
        created(sandbox, e_invoice=True),
        created(sandbox),
        created(sandbox, e_invoice=True, prefix="WEB"),
    ]
    assert numbers == [
        f"E-DEMO-{YEAR}-1",
        f"DEMO-{YEAR}-1",
        f"E-DEMO-{YEAR}-2",
        f"DEMO-{YEAR}-2",
        f"E-WEB-{YEAR}-1",
    ]
    # alap/eszamla: 3 on e-invoices, 1 on paper (live); 0 on proformas and delivery notes.
    assert [eszamla(sandbox, n) for n in numbers[:2]] == ["3", "1"]
    proforma = created(sandbox, proforma=True, e_invoice=True)
    note = created(sandbox, delivery_note=True)
    assert (proforma, note) == ("D-DEMO-1", f"SL-DEMO-{YEAR}-1")
    assert [eszamla(sandbox, n) for n in (proforma, note)] == ["0", "0"]


def test_proformas_have_no_year_and_do_not_restart_yearly(sandbox):
    last_year = f"{YEAR - 1}-12-30"
    old = issued(sandbox, kind="D", prefix="WEB", issue_date=last_year)
    new = issued(sandbox, kind="D", prefix="WEB")
    assert (old["number"], new["number"]) == ("D-WEB-1", "D-WEB-2")
    # Invoices do restart: one series per prefix and year.
    old = issued(sandbox, prefix="WEB", issue_date=last_year)
    new = issued(sandbox, prefix="WEB")
    assert (old["number"], new["number"]) == (f"WEB-{YEAR - 1}-1", f"WEB-{YEAR}-1")


def test_an_account_may_number_proformas_with_the_year(sandbox):
    sandbox.control(
        "POST",
        "accounts",
        json={"agent_key": sandbox.agent_key, "proforma_numbers_with_year": True},
    )
    assert created(sandbox, proforma=True) == f"D-DEMO-{YEAR}-1"
    assert created(sandbox, proforma=True) == f"D-DEMO-{YEAR}-2"
    assert sandbox.state()["account"]["proforma_numbers_with_year"] is True


def test_a_storno_takes_the_form_of_the_storno_request(sandbox):
    """P73: the storno request's `eszamla` decides the series, not the original's form."""
    e_original = created(sandbox, prefix="WEB", e_invoice=True)
    paper_original = created(sandbox, prefix="WEB")
    assert (e_original, paper_original) == (f"E-WEB-{YEAR}-1", f"WEB-{YEAR}-1")
    paper_storno = reversed_(sandbox, e_original, e_invoice=False)
    e_storno = reversed_(sandbox, paper_original, e_invoice=True)
    assert (paper_storno, e_storno) == (f"WEB-{YEAR}-2", f"E-WEB-{YEAR}-2")
    assert (eszamla(sandbox, paper_storno), eszamla(sandbox, e_storno)) == ("1", "3")
    # Matching forms continue their own series.
    assert reversed_(sandbox, created(sandbox, prefix="WEB"), e_invoice=False) == (f"WEB-{YEAR}-4")


def test_a_web_ui_storno_keeps_the_original_form_unless_told(sandbox):
    e_invoice = issued(sandbox, prefix="WEB", e_invoice=True)
    assert (e_invoice["number"], e_invoice["e_invoice"]) == (f"E-WEB-{YEAR}-1", True)
    storno = sandbox.control("POST", f"documents/{e_invoice['number']}/storno", json={})
    assert (storno["number"], storno["e_invoice"]) == (f"E-WEB-{YEAR}-2", True)
    paper = issued(sandbox, prefix="WEB")
    storno = sandbox.control(
        "POST", f"documents/{paper['number']}/storno", json={"e_invoice": True}
    )
    assert (storno["number"], storno["e_invoice"]) == (f"E-WEB-{YEAR}-3", True)


def test_a_proforma_paid_in_the_web_ui_becomes_an_invoice_of_its_form(sandbox):
    e_proforma = issued(sandbox, kind="D", prefix="WEB", e_invoice=True)
    paper_proforma = issued(sandbox, kind="D", prefix="WEB")
    assert (e_proforma["number"], paper_proforma["number"]) == ("D-WEB-1", "D-WEB-2")
    e_invoice = sandbox.control("POST", f"documents/{e_proforma['number']}/pay", json={})
    paper = sandbox.control("POST", f"documents/{paper_proforma['number']}/pay", json={})
    assert (e_invoice["number"], e_invoice["e_invoice"]) == (f"E-WEB-{YEAR}-1", True)
    assert (paper["number"], paper["e_invoice"]) == (f"WEB-{YEAR}-1", False)
    assert eszamla(sandbox, e_invoice["number"]) == "3"


def test_seeded_webshop_invoices_are_e_invoices(sandbox):
    seeded = sandbox.control("POST", "seed/webshop", json={"count": 3})["documents"]
    assert [d["number"] for d in seeded] == [f"E-WEB-{YEAR}-{n}" for n in (1, 2, 3)]
    assert all(d["e_invoice"] for d in seeded)
