"""The data connection's other feeds from the sandbox, read by the client: what the sandbox
pushes (`szamlabe`, `xmlnyugtaarchiv`, `banktranz`) parses without problems, and the
client's acknowledgements are what the sandbox accepts (HTTP 200 and valid against the
answer's XSD)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from szamlazz_agent import (
    build_bank_transactions_acknowledgement,
    build_incoming_invoice_acknowledgement,
    build_receipt_batch_acknowledgement,
    parse_bank_transactions,
    parse_incoming_invoice,
    parse_receipt_batch,
)

YEAR = date.today().year
PUSH_KEY = "client-feeds-key-12345"
ITEMS = [
    {"name": "Kávé", "identifier": "DEMO-SKU-1", "quantity": 2, "net_unit_price": "500"},
    {"name": "Kifli", "quantity": 1, "net_unit_price": "100", "vat_rate": "5"},
]
SUPPLIER = {
    "name": "Beszállító Kft.",
    "tax_number": "11223344-2-41",
    "zip": "1095",
    "city": "Budapest",
    "street": "Soroksári út 30.",
    "bank_account": "10918001-00000001-00000002",
}


@pytest.fixture
def connected(sandbox, push_receiver):
    sandbox.control(
        "POST",
        "accounts",
        json={
            "agent_key": sandbox.agent_key,
            "push_key": PUSH_KEY,
            "incoming_push_url": push_receiver.url + "/incoming",
            "receipt_push_url": push_receiver.url + "/receipts",
            "bank_push_url": push_receiver.url + "/bank",
        },
    )
    return sandbox


def flush_acknowledged_by(box, receiver, answer: bytes) -> list[dict]:
    """Deliver the pending pushes, answering each with ``answer``; all must be accepted."""
    receiver.answer = answer
    result = box.control("POST", "push/flush")
    assert result["failed"] == []
    return result["delivered"]


def test_incoming_invoices_parse_and_are_acknowledged(connected, push_receiver):
    original = connected.control(
        "POST",
        "incoming",
        json={"agent_key": connected.agent_key, "supplier": SUPPLIER, "items": ITEMS},
    )
    storno = connected.control(
        "POST", "incoming", json={"storno_of": original["number"], "pdf": False}
    )
    delivered = flush_acknowledged_by(
        connected, push_receiver, build_incoming_invoice_acknowledgement()
    )
    assert [d["kind"] for d in delivered] == ["incoming", "incoming"]

    first, second = (parse_incoming_invoice(p.body) for p in push_receiver.received("/incoming"))
    assert (first.problems, second.problems) == ((), ())
    assert (first.number, first.internal_id, first.kind) == (
        original["number"],
        original["id"],
        "SZ",
    )
    assert (first.supplier.name, first.supplier.tax_number, first.supplier.bank_account) == (
        SUPPLIER["name"],
        SUPPLIER["tax_number"],
        SUPPLIER["bank_account"],
    )
    assert first.buyer.tax_number == "12345678-2-42"  # the account buys
    assert first.gross == Decimal(original["gross"])
    assert first.pdf.startswith(b"%PDF")
    assert [(i.name, i.identifier, i.quantity) for i in first.items] == [
        ("Kávé", "DEMO-SKU-1", Decimal("2")),
        ("Kifli", None, Decimal("1")),
    ]
    assert (second.number, second.kind, second.referenced_invoice) == (
        storno["number"],
        "SS",
        first.number,
    )
    assert second.gross == -first.gross and second.pdf is None
    # An answer echoing the invoice's id is accepted too.
    connected.control("POST", "incoming", json={"supplier": SUPPLIER, "items": ITEMS})
    flush_acknowledged_by(
        connected,
        push_receiver,
        build_incoming_invoice_acknowledgement(first, filing_number="BE-1"),
    )


def test_receipt_batches_parse_and_are_acknowledged(connected, push_receiver):
    body = {"agent_key": connected.agent_key, "items": ITEMS}
    cash = connected.control("POST", "receipts", json={**body, "call_id": "pos-1"})
    card = connected.control(
        "POST",
        "receipts",
        json={**body, "prefix": "BOLT", "payment_method": "bankkártya", "order_number": "SO-9"},
    )
    storno = connected.control("POST", f"receipts/{cash['number']}/storno", json={})
    connected.control("POST", "receipts/send-batch", json={"agent_key": connected.agent_key})
    delivered = flush_acknowledged_by(
        connected, push_receiver, build_receipt_batch_acknowledgement()
    )
    assert [d["kind"] for d in delivered] == ["receipts"]

    (post,) = push_receiver.received("/receipts")
    batch = parse_receipt_batch(post.body)
    assert batch.problems == ()
    by_number = {r.number: r for r in batch.receipts}
    assert list(by_number) == [cash["number"], card["number"], storno["number"]]
    assert all(r.problems == () for r in batch.receipts)
    original, bolt, reversal = batch.receipts
    assert (original.kind, original.call_id, original.prefix, original.cancelled) == (
        "NY",
        "pos-1",
        "NYGTA",
        True,
    )
    assert (bolt.prefix, bolt.payment_method, bolt.order_number) == ("BOLT", "bankkártya", "SO-9")
    assert (reversal.kind, reversal.storno, reversal.cancelled_number) == (
        "SN",
        True,
        original.number,
    )
    assert reversal.number_parts.sequence == original.number_parts.sequence + 1
    assert reversal.gross == -original.gross == Decimal(storno["gross"])
    assert original.payments[0].amount == original.gross
    assert len({r.content_sha256 for r in batch.receipts}) == 3


def test_bank_transactions_parse_and_are_acknowledged(connected, push_receiver):
    answer = connected.control(
        "POST",
        "bank-transactions",
        json={
            "agent_key": connected.agent_key,
            "transactions": [
                {
                    "amount": "12700",
                    "reference": f"E-DEMO-{YEAR}-3 és DEMO-{YEAR}-4-es számla",
                    "counterparty": {"name": "Kovács Anna", "bank_account": "11700000-1"},
                },
                {"amount": -5000.5, "currency": "EUR", "reference": "Bérleti díj"},
            ],
        },
    )
    delivered = flush_acknowledged_by(
        connected, push_receiver, build_bank_transactions_acknowledgement()
    )
    assert [d["kind"] for d in delivered] == ["bank", "bank"]

    batches = [parse_bank_transactions(p.body) for p in push_receiver.received("/bank")]
    assert all(len(b.transactions) == 1 and b.problems == () for b in batches)
    incoming, outgoing = (b.transactions[0] for b in batches)
    assert [incoming.id, outgoing.id] == [t["id"] for t in answer["transactions"]]
    assert (incoming.direction, incoming.signed_amount, incoming.partner_name) == (
        "BE",
        Decimal("12700"),
        "Kovács Anna",
    )
    assert incoming.numbers_mentioned == (f"E-DEMO-{YEAR}-3", f"DEMO-{YEAR}-4")
    assert (outgoing.direction, outgoing.signed_amount, outgoing.currency) == (
        "KI",
        Decimal("-5000.5"),
        "EUR",
    )
    assert (outgoing.partner_name, outgoing.numbers_mentioned) == (None, ())
    assert incoming.value_date == date.today()
    assert (incoming.problems, outgoing.problems) == ((), ())
