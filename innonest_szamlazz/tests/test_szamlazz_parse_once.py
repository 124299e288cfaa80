"""A document's XML is read once per arrival into Odoo, whichever way it came; processing
never reads the bytes again. A push is also read at the door, to refuse what cannot be
stored before it is acknowledged: twice in all."""

from collections import Counter
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import tagged

from ..szamlazz_agent import parsers
from .common import SANDBOX_AGENT_KEY, SzamlazzCase, SzamlazzHttpCase
from .test_szamlazz_intake import StockMixin


@contextmanager
def counted_parses():
    """``{number: times a szamla document of that number was read}`` for the block: every
    reading (push body, query answer) goes through ``parsers._document_from_root``."""
    counts = Counter()
    read = parsers._document_from_root

    def counting(root, body, **options):
        document = read(root, body, **options)
        counts[document.number] += 1
        return document

    with patch.object(parsers, "_document_from_root", counting):
        yield counts


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestParseOncePushAndRequery(StockMixin, SzamlazzHttpCase):
    def test_a_push_and_a_requery_are_each_read_once(self):
        self.register_push_target()
        number = self.issue_invoice()
        with counted_parses() as counts:
            self.deliver()
            self.env["szamlazz.account"]._cron_import_documents()
        invoice = self.env["szamlazz.invoice"].search([("number", "=", number)])
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(self.available(), 8)
        self.assertEqual(counts[number], 2, "read at the door and when stored, not processed")

        # Paid at Számlázz.hu; the push is not delivered, the daily refresh asks instead.
        self.sandbox.control("POST", "documents/%s/pay" % number, {"agent_key": SANDBOX_AGENT_KEY})
        with counted_parses() as counts:
            self.env["szamlazz.invoice"]._cron_refresh_payment_status()
            self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(len(invoice.arrival_ids), 2, "the paid version is kept beside the first")
        self.assertEqual(counts[number], 1, "read from the query answer only")


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestParseOncePull(StockMixin, SzamlazzCase):
    def test_a_pulled_document_is_read_once(self):
        self.env["szamlazz.prefix"].create(
            {"account_id": self.account.id, "name": "WEB", "is_webshop": True}
        )
        number = self.issue_invoice()
        with counted_parses() as counts:
            self.env["szamlazz.account"]._cron_import_documents()
        invoice = self.env["szamlazz.invoice"].search([("number", "=", number)])
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(self.available(), 8)
        self.assertEqual(counts[number], 1, "read from the query answer only")
