"""The client against the sandbox over real HTTP (the `sandbox` fixture comes from
tests/conftest.py; its control API is described in docs/design.md)."""

from __future__ import annotations

import logging
import socket
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from client_support import assert_valid

from szamlazz_agent import (
    AgentClient,
    AuthenticationError,
    BuyerRequest,
    CreditEntryRequest,
    DuplicateOrderNumberError,
    InvalidRequestError,
    InvoiceItemRequest,
    InvoiceRequest,
    NotFoundError,
    OutcomeUnknownError,
    PaymentRequest,
    StornoRequest,
    TemporarilyUnavailableError,
    build_push_acknowledgement,
    parse_szamla_document,
    split_document_number,
)
from szamlazz_agent.builders import build_invoice_xml
from szamlazz_agent.parsers import parse_invoice_answer

CREATE = "action-xmlagentxmlfile"
QUERY = "action-szamla_agent_xml"
PDF_QUERY = "action-szamla_agent_pdf"
TODAY = date.today()


def client_for(sandbox, **options) -> AgentClient:
    options.setdefault("backoff_seconds", 0)
    options.setdefault("connect_timeout", 2.0)
    options.setdefault("read_timeout", 10.0)
    return AgentClient(sandbox.agent_key, base_url=sandbox.agent_url, **options)


def fault(sandbox, kind: str, times: int = 1, **extra) -> None:
    sandbox.control("POST", "faults", json={"kind": kind, "times": times, **extra})


def sent(sandbox, action: str) -> list[dict]:
    """The agent requests of one action the sandbox received, oldest first."""
    return [r for r in sandbox.state()["requests"] if r["action"] == action]


def invoice_request(**overrides) -> InvoiceRequest:
    values = {
        "issue_date": TODAY,
        "fulfillment_date": TODAY,
        "due_date": TODAY + timedelta(days=8),
        "payment_method": "átutalás",
        "currency": "HUF",
        "language": "hu",
        "items": [
            InvoiceItemRequest("Kávé", Decimal("2"), "db", Decimal("1000"), "27", "DEMO-SKU-1"),
            InvoiceItemRequest("Könyv", Decimal("1"), "db", Decimal("2500.50"), "5"),
        ],
        "buyer": BuyerRequest(
            "Vevő Kft.",
            "1111",
            "Budapest",
            "Fő utca 1.",
            email="vevo@example.com",
            tax_number="87654321-2-41",
            identifier="P-42",
        ),
    }
    values.update(overrides)
    return InvoiceRequest(**values)


@pytest.fixture
def client(sandbox):
    with client_for(sandbox) as agent_client:
        yield agent_client


def test_create_invoice_and_query_it_every_way(client):
    request = invoice_request(order_number="SO-1", external_id="ext-inv-1", e_invoice=True)
    result = client.create_invoice(request)
    assert result.number.startswith("E-DEMO-")  # an e-invoice: its own series
    assert (result.net, result.gross) == (request.net, request.gross)
    assert result.outstanding == request.gross
    assert result.pdf.startswith(b"%PDF")
    assert result.buyer_account_url.startswith("https://")

    by_number = client.query_invoice(number=result.number, with_pdf=True)
    by_order = client.query_invoice(order_number="SO-1")
    by_external_id = client.query_invoice(external_id="ext-inv-1", with_pdf=True)
    assert by_number.number == by_order.number == by_external_id.number == result.number
    assert by_number.pdf.startswith(b"%PDF") and by_external_id.pdf.startswith(b"%PDF")
    assert by_order.pdf is None

    doc = by_number
    assert (doc.kind, doc.prefix, doc.order_number) == ("SZ", "DEMO", "SO-1")
    assert (doc.net, doc.gross, doc.currency) == (request.net, request.gross, "HUF")
    assert doc.seller.tax_number == "12345678-2-42"
    assert doc.buyer.name == "Vevő Kft." and doc.buyer.identifier == "P-42"
    assert [i.identifier for i in doc.items] == ["DEMO-SKU-1", None]
    assert [(i.net, i.vat, i.gross) for i in doc.items] == [
        (i.net, i.vat, i.gross) for i in request.items
    ]
    assert doc.outstanding_amount == request.gross


def test_create_proforma_then_the_invoice_that_settles_it(client):
    proforma = client.create_invoice(invoice_request(proforma=True, order_number="SO-2"))
    assert client.query_invoice(number=proforma.number).kind == "D"

    invoice = client.create_invoice(
        invoice_request(proforma_number=proforma.number, order_number="SO-2", paid=True)
    )
    doc = client.query_invoice(number=invoice.number)
    assert (doc.kind, doc.referenced_proforma) == ("SZ", proforma.number)
    assert doc.paid_amount == doc.gross and doc.outstanding_amount == 0


def test_create_delivery_note(client):
    note = client.create_invoice(invoice_request(delivery_note=True, with_pdf=False))
    assert note.pdf is None
    assert client.query_invoice(number=note.number).kind == "SL"


def test_storno(client):
    original = client.create_invoice(invoice_request())
    storno = client.reverse_invoice(StornoRequest(original.number, external_id="storno-1"))
    assert storno.number != original.number
    assert storno.gross == -original.gross
    assert storno.pdf.startswith(b"%PDF")

    doc = client.query_invoice(external_id="storno-1")
    assert (doc.kind, doc.referenced_invoice, doc.number) == ("SS", original.number, storno.number)
    assert client.query_invoice(number=original.number).cancelled is True


def test_credit_entry(client):
    invoice = client.create_invoice(invoice_request())
    payment = PaymentRequest(TODAY, "átutalás", Decimal("1000.00"), "első részlet")
    result = client.register_payment(CreditEntryRequest(invoice.number, [payment]))
    assert result.outstanding == invoice.gross - Decimal("1000.00")

    second = PaymentRequest(TODAY, "készpénz", Decimal("500"))
    client.register_payment(CreditEntryRequest(invoice.number, [second]))
    doc = client.query_invoice(number=invoice.number)
    assert [(p.title, p.amount) for p in doc.payments] == [
        ("átutalás", Decimal("1000.00")),
        ("készpénz", Decimal("500")),
    ]
    assert doc.outstanding_amount == invoice.gross - Decimal("1500")

    client.register_payment(CreditEntryRequest(invoice.number, [second], additive=False))
    assert client.query_invoice(number=invoice.number).paid_amount == Decimal("500")


def test_pdf_query(client):
    invoice = client.create_invoice(invoice_request(external_id="ext-pdf-1", with_pdf=False))
    assert client.get_pdf(number=invoice.number).startswith(b"%PDF")
    assert client.get_pdf(external_id="ext-pdf-1").startswith(b"%PDF")
    with pytest.raises(NotFoundError):
        client.get_pdf(number="DEMO-1999-404")


def test_delete_proforma(client):
    by_number = client.create_invoice(invoice_request(proforma=True))
    by_order = client.create_invoice(invoice_request(proforma=True, order_number="SO-DEL"))
    client.delete_proforma(number=by_number.number)
    client.delete_proforma(order_number="SO-DEL")
    for number in (by_number.number, by_order.number):
        with pytest.raises(NotFoundError):
            client.query_invoice(number=number)
    with pytest.raises(NotFoundError) as caught:
        client.delete_proforma(number=by_number.number)
    assert caught.value.code == 335


def test_query_of_an_unknown_invoice(client):
    with pytest.raises(NotFoundError) as caught:
        client.query_invoice(external_id="never-issued")
    assert caught.value.code == 7 and caught.value.message


def test_taxpayer_query(client):
    info = client.query_taxpayer("12345678-2-42")
    assert info.valid is True
    assert info.tax_number == "12345678-2-42"
    assert "DEMO BOLT" in info.name.upper()
    assert info.address.zip == "1052"
    unknown = client.query_taxpayer("99999999")
    assert (unknown.valid, unknown.name) == (False, None)


def test_duplicate_order_number(client):
    client.create_invoice(invoice_request(order_number="SO-DUP"))
    different = invoice_request(
        order_number="SO-DUP",
        items=[InvoiceItemRequest("Más", Decimal("1"), "db", Decimal("1"), "27")],
    )
    with pytest.raises(DuplicateOrderNumberError):
        client.create_invoice(different)


def test_invalid_prefix_is_an_invalid_request(client):
    with pytest.raises(InvalidRequestError) as caught:
        client.create_invoice(invoice_request(prefix="NOPE"))
    assert caught.value.code == 202


def test_wrong_key_is_an_authentication_error(sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = AgentClient("wrong-secret-key", base_url=sandbox.agent_url, backoff_seconds=0)
    with pytest.raises(AuthenticationError) as caught:
        wrong.query_invoice(number="DEMO-2026-1")
    assert caught.value.code == 3
    with pytest.raises(AuthenticationError):
        wrong.create_invoice(invoice_request())
    # The key shows up nowhere: not in the error, the client's repr or the logs.
    assert "wrong-secret-key" not in str(caught.value) + repr(caught.value) + repr(wrong)
    assert "wrong-secret-key" not in caplog.text
    assert "szamlaagentkulcs" not in caplog.text  # no request body is logged
    assert "xmlszamlaxml" in caplog.text


def test_maintenance_is_retried_then_reported(sandbox):
    fault(sandbox, "maintenance", times=10)
    client = client_for(sandbox)
    with pytest.raises(TemporarilyUnavailableError):
        client.query_invoice(number="DEMO-2026-1")
    assert len(sent(sandbox, QUERY)) == 5  # never more than 5 sends


def test_maintenance_retries_respect_max_attempts(sandbox):
    fault(sandbox, "maintenance", times=10)
    with pytest.raises(TemporarilyUnavailableError):
        client_for(sandbox, max_attempts=3).get_pdf(number="DEMO-2026-1")
    assert len(sent(sandbox, PDF_QUERY)) == 3


def test_a_query_succeeds_once_maintenance_is_over(sandbox, client):
    invoice = client.create_invoice(invoice_request())
    fault(sandbox, "maintenance", times=2)
    fault(sandbox, "http_error", times=1, status=503)
    assert client.query_invoice(number=invoice.number).number == invoice.number
    assert [r["fault"] for r in sent(sandbox, QUERY)] == [
        "maintenance",
        "maintenance",
        "http_error",
        None,
    ]


def test_a_timed_out_query_is_retried(sandbox):
    client = client_for(sandbox, read_timeout=0.3)
    fault(sandbox, "latency", times=1, seconds=1.0)
    assert client.query_taxpayer("12345678").valid is True
    # The sandbox logs the slow request once its 1 s are over.
    deadline = time.monotonic() + 5
    while len(sent(sandbox, "action-szamla_agent_taxpayer")) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [r["fault"] for r in sent(sandbox, "action-szamla_agent_taxpayer")] == [None, "latency"]


def wait_for_documents(sandbox, count: int, seconds: float = 10.0) -> list[dict]:
    """The sandbox's documents once there are ``count`` of them (a slow create finishes
    after the client gave up), or whatever there is after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        documents = sandbox.state()["documents"]
        if len(documents) >= count or time.monotonic() > deadline:
            return documents
        time.sleep(0.1)


@pytest.mark.parametrize("kind", ["drop_reply", "malformed"])
def test_lost_or_unreadable_reply_to_a_create_is_an_unknown_outcome(sandbox, client, kind):
    """The create happened, but nothing tells the client: it says so and sends nothing
    again (Számlázz.hu would issue a second document for the same external id)."""
    fault(sandbox, kind)
    with pytest.raises(OutcomeUnknownError):
        client.create_invoice(invoice_request(external_id="ext-lost-1"))
    assert len(sent(sandbox, CREATE)) == 1
    assert sent(sandbox, QUERY) == [], "no lookup either: that is the caller's decision"
    assert [d["external_id"] for d in sandbox.state()["documents"]] == ["ext-lost-1"]


def test_create_slower_than_the_read_timeout_is_sent_once(sandbox):
    """A create that takes longer than the client waits is still carried out, later."""
    client = client_for(sandbox, read_timeout=0.5)
    fault(sandbox, "latency", seconds=1.5)
    with pytest.raises(OutcomeUnknownError, match=r"no answer within 0\.5 s"):
        client.create_invoice(invoice_request(external_id="ext-slow-1"))
    documents = wait_for_documents(sandbox, 1)
    assert [d["external_id"] for d in documents] == ["ext-slow-1"], "issued after the timeout"
    assert len(sent(sandbox, CREATE)) == 1


def test_http_5xx_to_a_write_is_an_unknown_outcome(sandbox, client):
    """A proxy's 503 may come while Számlázz.hu goes on working: not resent."""
    fault(sandbox, "http_error", times=1, status=503)
    with pytest.raises(OutcomeUnknownError, match="HTTP 503"):
        client.create_invoice(invoice_request(external_id="ext-503-1"))
    assert [r["fault"] for r in sent(sandbox, CREATE)] == ["http_error"]


def test_maintenance_answer_to_a_write_is_retried(sandbox, client):
    """Számlázz.hu says it did nothing (szlahu_down): sending again is safe."""
    fault(sandbox, "maintenance", times=2)
    result = client.create_invoice(invoice_request(external_id="ext-maint-1"))
    assert [r["fault"] for r in sent(sandbox, CREATE)] == ["maintenance", "maintenance", None]
    assert [d["number"] for d in sandbox.state()["documents"]] == [result.number]


def test_a_write_to_a_closed_port_is_retried_and_reported_unavailable(sandbox):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = AgentClient(
        sandbox.agent_key, base_url=f"http://127.0.0.1:{closed_port}/szamla/", backoff_seconds=0
    )
    with pytest.raises(TemporarilyUnavailableError):
        client.create_invoice(invoice_request())


def test_lost_reply_without_external_id_is_an_unknown_outcome(sandbox, client):
    fault(sandbox, "drop_reply")
    with pytest.raises(OutcomeUnknownError):
        client.create_invoice(invoice_request())
    assert len(sent(sandbox, CREATE)) == 1
    assert sent(sandbox, QUERY) == []


def test_storno_and_credit_entry_are_never_resent(sandbox, client):
    invoice = client.create_invoice(invoice_request())
    fault(sandbox, "drop_reply")
    with pytest.raises(OutcomeUnknownError):
        client.register_payment(
            CreditEntryRequest(invoice.number, [PaymentRequest(TODAY, "készpénz", Decimal(1))])
        )
    fault(sandbox, "drop_reply")
    with pytest.raises(OutcomeUnknownError):
        client.reverse_invoice(StornoRequest(invoice.number))
    assert len(sent(sandbox, "action-szamla_agent_kifiz")) == 1
    assert len(sent(sandbox, "action-szamla_agent_st")) == 1


@pytest.mark.parametrize(
    ("kind", "creates"), [("maintenance", 5), ("drop_reply", 1), ("http_error", 1)]
)
def test_no_request_goes_out_more_than_five_times(sandbox, kind, creates):
    fault(sandbox, kind, times=50)
    client = client_for(sandbox)
    with pytest.raises((TemporarilyUnavailableError, OutcomeUnknownError)):
        client.create_invoice(invoice_request(external_id="ext-storm-1"))
    with pytest.raises((TemporarilyUnavailableError, OutcomeUnknownError)):
        client.get_pdf(number="DEMO-2026-1")
    counts = sandbox.state()["request_counts"]["by_action"]
    assert (counts[CREATE], counts.get(QUERY, 0), counts[PDF_QUERY]) == (creates, 0, 5)


def test_jsessionid_is_reused(sandbox, client):
    client.query_taxpayer("12345678")
    with pytest.raises(NotFoundError):
        client.query_invoice(external_id="nothing-here")
    client.query_taxpayer("12345678")
    sessions = [r["session"] for r in sandbox.state()["requests"]]
    assert len(sessions) == 3
    assert len(set(sessions)) == 1 and sessions[0]
    assert client._session.cookies.get("JSESSIONID") == sessions[0]


def test_e_invoice_flag_round_trips(client):
    # alap/eszamla: 0 not an invoice, 1 paper, 2 and 3 e-invoice (Számlázz.hu docs)
    e_invoice = client.create_invoice(invoice_request(e_invoice=True))
    paper = client.create_invoice(invoice_request())
    assert client.query_invoice(number=paper.number).e_invoice is False
    assert client.query_invoice(number=e_invoice.number).e_invoice is True


def test_pushed_documents_parse_and_are_acknowledged(sandbox, push_receiver):
    sandbox.control(
        "POST",
        "accounts",
        json={
            "agent_key": sandbox.agent_key,
            "push_url": push_receiver.push_url,
            "push_key": "push-secret",
        },
    )
    buyer = {"name": "Web Vevő", "zip": "9021", "city": "Győr", "street": "Baross út 3."}
    items = [{"name": "Bögre", "identifier": "DEMO-SKU-2", "quantity": 3, "net_unit_price": 1000}]
    issue = {"agent_key": sandbox.agent_key, "buyer": buyer, "items": items}
    invoice = sandbox.control("POST", "documents", json={**issue, "kind": "SZ"})
    proforma = sandbox.control("POST", "documents", json={**issue, "kind": "D", "prefix": "WEB"})
    sandbox.control("POST", f"documents/{proforma['number']}/pay", json=issue)
    sandbox.control("POST", f"documents/{invoice['number']}/storno", json=issue)
    sandbox.control("POST", "push/flush")

    documents = [parse_szamla_document(p.body) for p in push_receiver.received("/push")]
    by_kind = {}
    for doc in documents:
        by_kind.setdefault(doc.kind, []).append(doc)
        assert doc.items[0].identifier == "DEMO-SKU-2"
        assert doc.pdf.startswith(b"%PDF")
        assert_valid(build_push_acknowledgement(doc), "szamlavalasz.xsd")
    assert {d.referenced_proforma for d in by_kind["SZ"]} >= {proforma["number"]}
    assert [d.referenced_invoice for d in by_kind["SS"]] == [invoice["number"]]
    assert any(d.number == proforma["number"] for d in by_kind["D"])


def test_decimal_comma_headers(sandbox, client):
    sandbox.control(
        "POST", "accounts", json={"agent_key": sandbox.agent_key, "decimal_comma_headers": True}
    )
    request = invoice_request()
    result = client.create_invoice(request)
    assert (result.net, result.gross, result.outstanding) == (
        request.net,
        request.gross,
        request.gross,
    )
    assert result.internal_id == client.query_invoice(number=result.number).internal_id
    payment = PaymentRequest(TODAY, "átutalás", Decimal("0.50"))
    paid = client.register_payment(CreditEntryRequest(result.number, [payment]))
    assert paid.outstanding == request.gross - Decimal("0.50")


def test_e_invoice_and_proforma_numbers_are_read_with_their_issuing_prefix(sandbox, client):
    year = TODAY.year
    e_invoice = client.create_invoice(invoice_request(prefix="WEB", e_invoice=True))
    proforma = client.create_invoice(invoice_request(prefix="WEB", proforma=True))
    paper = client.create_invoice(invoice_request(prefix="WEB"))
    assert (e_invoice.number, proforma.number, paper.number) == (
        f"E-WEB-{year}-1",
        "D-WEB-1",
        f"WEB-{year}-1",
    )
    for result in (e_invoice, proforma, paper):
        doc = client.query_invoice(number=result.number)
        assert doc.prefix == "WEB"
        parts = split_document_number(result.number)
        assert str(parts) == result.number
    assert split_document_number(e_invoice.number).e_invoice is True
    assert split_document_number(proforma.number).year is None
    assert client.query_invoice(number=e_invoice.number).e_invoice is True
    assert client.query_invoice(number=paper.number).e_invoice is False

    sandbox.control(
        "POST",
        "accounts",
        json={"agent_key": sandbox.agent_key, "proforma_numbers_with_year": True},
    )
    with_year = client.create_invoice(invoice_request(prefix="WEB", proforma=True))
    parts = split_document_number(with_year.number)
    assert (with_year.number, parts.prefix, parts.year) == (f"D-WEB-{year}-1", "WEB", year)
    assert client.query_invoice(number=with_year.number).prefix == "WEB"


def test_a_storno_number_follows_the_storno_request_form(client):
    e_invoice = client.create_invoice(invoice_request(e_invoice=True))
    storno = client.reverse_invoice(StornoRequest(e_invoice.number, e_invoice=False))
    parts = split_document_number(storno.number)
    assert (parts.e_invoice, parts.prefix) == (False, "DEMO")
    assert client.query_invoice(number=storno.number).e_invoice is False


def test_a_repeated_external_id_gives_two_documents_and_the_newest_answers(client):
    first = client.create_invoice(invoice_request(external_id="ext-twice", order_number="SO-T1"))
    second = client.create_invoice(invoice_request(external_id="ext-twice", order_number="SO-T2"))
    assert first.number != second.number
    found = client.query_invoice(external_id="ext-twice")
    assert (found.number, found.order_number) == (second.number, "SO-T2")
    assert client.get_pdf(external_id="ext-twice").startswith(b"%PDF")


def test_taxpayer_answers_in_every_layout_read_the_same(client):
    """The sandbox rotates NAV 3.0 and 2.0 namespaces and prefixes per request."""
    answers = [client.query_taxpayer("12345678") for _ in range(6)]
    assert answers[0].valid is True and answers[0].tax_number == "12345678-2-42"
    assert all(answer == answers[0] for answer in answers)
    unknown = [client.query_taxpayer("99999999") for _ in range(3)]
    assert {(u.valid, u.name) for u in unknown} == {(False, None)}


def v1_create(sandbox, request: InvoiceRequest):
    """What the client would send, but asking for the v1 (plain text) answer."""
    xml = build_invoice_xml(request, sandbox.agent_key)
    v1 = xml.replace(b"<valaszVerzio>2</valaszVerzio>", b"<valaszVerzio>1</valaszVerzio>")
    assert v1 != xml
    answer = sandbox.http.post(
        sandbox.agent_url, files={CREATE: ("request.xml", v1, "text/xml")}, timeout=30
    )
    assert answer.text.startswith("[ERR] ") and "java.lang.Thread.run(" in answer.text
    return answer


def test_a_v1_error_text_with_a_stack_trace_is_read_as_the_typed_error(sandbox, client):
    answer = v1_create(sandbox, invoice_request(prefix="NOPE"))
    with pytest.raises(InvalidRequestError) as caught:
        parse_invoice_answer(answer.status_code, answer.headers, answer.content)
    assert caught.value.code == 202 and "NOPE" in caught.value.message

    client.create_invoice(invoice_request(order_number="SO-V1"))
    other_buyer = BuyerRequest("Más Kft.", "1111", "Budapest", "Út 1.")
    answer = v1_create(sandbox, invoice_request(order_number="SO-V1", buyer=other_buyer))
    with pytest.raises(DuplicateOrderNumberError) as caught:
        parse_invoice_answer(answer.status_code, answer.headers, answer.content)
    assert caught.value.code == 152 and "t.getMessage()" not in caught.value.message


def test_query_answers_without_the_elements_real_ones_omit_still_parse(sandbox, client):
    omitted = [
        "alap/gazdEsemAzon",
        "alap/keszpenz",
        "alap/katafokonyv",
        "vevo/lokacio",
        "vevo/privatePersonIndicator",
        "tetel/sztetordering",
    ]
    sandbox.control(
        "POST", "accounts", json={"agent_key": sandbox.agent_key, "omit_elements": omitted}
    )
    request = invoice_request()
    result = client.create_invoice(request)
    doc = client.query_invoice(number=result.number)
    assert (doc.number, doc.gross, len(doc.items)) == (result.number, request.gross, 2)
