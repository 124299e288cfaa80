"""The other data-connection feeds over real HTTP: the daily receipt batch moves stock,
its storno brings it back, a replay changes nothing; a bank transaction only asks again
about the documents it names."""

import base64

from odoo import fields
from odoo.tests import tagged

from .common import SANDBOX_AGENT_KEY, SzamlazzHttpCase
from .test_szamlazz_intake import StockMixin


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestReceiptsAndBankTransactions(StockMixin, SzamlazzHttpCase):
    def receipt(self, quantity):
        return self.sandbox.control(
            "POST",
            "receipts",
            {
                "agent_key": SANDBOX_AGENT_KEY,
                "prefix": "BOLT",
                "call_id": "kassza-%s" % quantity,
                "items": [
                    {
                        "name": "Kávé",
                        "identifier": "T4H-COFFEE",
                        "quantity": quantity,
                        "net_unit_price": 1000,
                    },
                    {"name": "Ajándék matrica", "quantity": 1, "net_unit_price": 50},
                ],
            },
        )["number"]

    def send_batch(self):
        self.sandbox.control("POST", "receipts/send-batch", {"agent_key": SANDBOX_AGENT_KEY})
        flushed = self.deliver()
        self.assertFalse(flushed["failed"])
        return flushed

    def find(self, number):
        return self.env["szamlazz.invoice"].search([("number", "=", number)])

    def test_receipts_move_stock_once_and_their_storno_brings_it_back(self):
        self.register_push_target()
        walk_in = self.env["res.partner"].create({"name": "Bolti vevő"})
        self.account.receipt_partner_id = walk_in
        first, second = self.receipt(2), self.receipt(1)
        self.send_batch()
        receipts = self.find(first) | self.find(second)
        self.assertEqual(len(receipts), 2, "each receipt of the batch is a document")
        self.assertEqual(set(receipts.mapped("kind")), {"NY"})
        self.assertEqual(self.find(first).call_id, "kassza-2")
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(self.available(), 7)
        receipt = self.find(first)
        self.assertEqual(receipt.picking_ids.partner_id, walk_in)
        self.assertEqual(receipt.state, "needs_attention", "the sticker item has no identifier")
        self.assertFalse(receipt.payment_state, "a receipt is paid when issued")

        # The same batch again (Számlázz.hu resends what it thinks was not acknowledged).
        answer = self.url_open(
            "/szamlazz/push/receipts",
            data=base64.b64decode(receipt.raw_xml),
            headers={"X-Szamlazzhu-Key": self.account.push_key},
        )
        self.assertEqual(answer.status_code, 200)
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(self.available(), 7, "a replayed batch moves nothing")
        self.assertEqual(len(receipt.arrival_ids), 1, "a replay is no new arrival")

        # Reversed at the till: the storno receipt comes in the next batch.
        self.sandbox.control(
            "POST",
            "receipts/%s/storno" % first,
            {"agent_key": SANDBOX_AGENT_KEY},
        )
        self.send_batch()
        self.env["szamlazz.account"]._cron_import_documents()
        storno = self.env["szamlazz.invoice"].search(
            [("kind", "=", "SN"), ("referenced_number", "=", first)]
        )
        self.assertEqual(len(storno), 1)
        self.assertEqual(self.available(), 9, "the storno brought the 2 coffees back")
        self.assertTrue(self.find(first).cancelled)

    def test_storno_receipt_in_an_earlier_batch_than_its_receipt(self):
        """Yesterday's batch was not delivered before today's, which holds the storno."""
        self.register_push_target()
        yesterday = fields.Date.subtract(fields.Date.context_today(self.env.user), days=1)
        self.account.backfill_date = yesterday
        number = self.sandbox.control(
            "POST",
            "receipts",
            {
                "agent_key": SANDBOX_AGENT_KEY,
                "prefix": "BOLT",
                "issue_date": str(yesterday),
                "items": [
                    {
                        "name": "Kávé",
                        "identifier": "T4H-COFFEE",
                        "quantity": 3,
                        "net_unit_price": 1000,
                    }
                ],
            },
        )["number"]
        self.sandbox.control(
            "POST", "receipts/%s/storno" % number, {"agent_key": SANDBOX_AGENT_KEY}
        )
        today = str(fields.Date.context_today(self.env.user))
        self.sandbox.control(
            "POST", "receipts/send-batch", {"agent_key": SANDBOX_AGENT_KEY, "date": today}
        )
        self.deliver()
        self.env["szamlazz.account"]._cron_import_documents()
        storno = self.env["szamlazz.invoice"].search([("referenced_number", "=", number)])
        self.assertEqual(storno.kind, "SN")
        self.assertEqual(storno.state, "needs_attention", "it waits for its receipt")
        self.assertEqual(self.available(), 10)

        self.send_batch()
        self.env["szamlazz.account"]._cron_import_documents()
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(self.find(number).state, "done")
        self.assertEqual(storno.state, "done", storno.state_reason)
        self.assertEqual(self.available(), 10, "sold and brought back: nothing missing")
        self.assertFalse(
            self.find(number).picking_ids | storno.picking_ids,
            "the storno was there first: nothing left, nothing to bring back",
        )

    def test_a_bank_transaction_only_asks_again(self):
        self.register_push_target()
        number = self.issue_invoice()
        self.deliver()
        self.env["szamlazz.account"]._cron_import_documents()
        invoice = self.find(number)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.sandbox.control(
            "POST",
            "bank-transactions",
            {
                "agent_key": SANDBOX_AGENT_KEY,
                "transactions": [{"amount": "2540", "reference": "Számla %s" % number}],
            },
        )
        self.deliver()
        transaction = self.env["szamlazz.bank.transaction"].search([])
        self.assertEqual(len(transaction), 1)
        self.assertEqual(transaction.invoice_ids, invoice)
        self.assertTrue(invoice.requery_requested)
        self.assertEqual(invoice.payment_state, "not_paid", "nothing in it is believed")
