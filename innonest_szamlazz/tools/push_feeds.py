"""The four feeds of Számlázz.hu's data connection, in one table.

Each says how the door reads a push of that feed (``check``: as ``parse``, without what
only storing needs, the content digest), what makes it unacceptable there (``unstorable``:
values no column can hold), how it is acknowledged, how the import reads it (``parse``) and
stores it (``store(env, account, parsed)``). The push endpoint checks, keeps the bytes
(``szamlazz.push``) and acknowledges; the scheduled import parses the kept bytes again and
stores them. Nothing here imports Odoo's models.
"""

from collections import namedtuple
from functools import partial

from ..szamlazz_agent import (
    build_bank_transactions_acknowledgement,
    build_incoming_invoice_acknowledgement,
    build_push_acknowledgement,
    build_receipt_batch_acknowledgement,
    parse_bank_transactions,
    parse_incoming_invoice,
    parse_receipt_batch,
    parse_szamla_document,
)
from .column_limits import unstorable_values

PushFeed = namedtuple("PushFeed", "check parse unstorable acknowledge store")

PUSH_FEEDS = {
    # One outgoing invoice, proforma, storno or receipt per push.
    "szamla": PushFeed(
        partial(parse_szamla_document, digest=False),
        parse_szamla_document,
        unstorable_values,
        build_push_acknowledgement,
        lambda env, account, document: env["szamlazz.invoice"]._store_document(
            account, document, "push"
        ),
    ),
    # One supplier invoice per push.
    "szamlabe": PushFeed(
        partial(parse_incoming_invoice, digest=False),
        parse_incoming_invoice,
        unstorable_values,
        build_incoming_invoice_acknowledgement,
        lambda env, account, invoice: env["szamlazz.supplier.invoice"]._store_document(
            account, invoice
        ),
    ),
    # The day's receipts in one push.
    "xmlnyugtaarchiv": PushFeed(
        partial(parse_receipt_batch, digest=False),
        parse_receipt_batch,
        lambda batch: [
            problem for receipt in batch.receipts for problem in unstorable_values(receipt)
        ],
        build_receipt_batch_acknowledgement,
        lambda env, account, batch: env["szamlazz.invoice"]._store_receipt_batch(account, batch),
    ),
    # Bank transactions: they only flag the documents they name for a re-query.
    "banktranz": PushFeed(
        parse_bank_transactions,
        parse_bank_transactions,
        lambda _batch: [],
        build_bank_transactions_acknowledgement,
        lambda env, account, batch: env["szamlazz.bank.transaction"]._receive_batch(account, batch),
    ),
}
