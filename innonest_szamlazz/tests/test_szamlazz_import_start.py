"""The import start: documents issued before it are history, mirrored but moving no stock,
and the first pull does not ask Számlázz.hu for them one by one."""

import datetime

from odoo import fields
from odoo.tests import tagged

from .common import SANDBOX_AGENT_KEY, SzamlazzCase
from .test_szamlazz_intake import StockMixin


@tagged("post_install", "-at_install", "innonest_szamlazz")
class SzamlazzImportStartCase(StockMixin, SzamlazzCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.year = fields.Date.today().year
        # Fixed days of this year, whatever day the tests run: the pull walks this
        # year's series, and numbering follows the order documents are issued in.
        cls.start = datetime.date(cls.year, 3, 1)
        cls.env["szamlazz.prefix"].create(
            {"account_id": cls.account.id, "name": "WEB", "is_webshop": True}
        )

    def setUp(self):
        super().setUp()
        self.account.write({"connected_date": self.start, "backfill_date": False})

    def issue_on(self, day, quantity=1):
        return self.issue_invoice(quantity=quantity, issue_date=day.isoformat())

    def agent_requests(self):
        return len(self.sandbox.state()["requests"])

    def pulled_numbers(self):
        invoices = self.env["szamlazz.invoice"].search([("account_id", "=", self.account.id)])
        return sorted(invoices.mapped("number"), key=lambda number: int(number.split("-")[-1]))

    def store(self, number):
        document = self.account._get_client().query_invoice(number=number)
        invoice = self.env["szamlazz.invoice"]._store_document(self.account, document, "requery")
        return invoice

    def chatter(self, invoice):
        return " ".join(invoice.message_ids.mapped("body"))

    def test_first_pull_starts_at_the_day_of_connection(self):
        january = datetime.date(self.year, 1, 10)
        history = [
            self.issue_on(january + datetime.timedelta(days=index // 2)) for index in range(40)
        ]
        recent = [
            self.issue_on(self.start),
            self.issue_on(self.start),
            self.issue_on(self.start.replace(day=2)),
        ]
        asked_before = self.agent_requests()

        self.assertEqual(self.account._pull_new_documents(), (3, False))

        self.assertEqual(self.pulled_numbers(), recent)
        self.assertEqual(recent[0], "WEB-%s-41" % self.year, history[-1])
        asked = self.agent_requests() - asked_before
        self.assertLess(asked, len(history) // 2, "searched, not asked one by one")
        self.env["szamlazz.invoice"]._process_inbox_batch()
        self.assertEqual(self.available(), 7)

    def test_a_small_budget_still_gets_through_the_history(self):
        january = datetime.date(self.year, 1, 10)
        for index in range(40):
            self.issue_on(january + datetime.timedelta(days=index))
        recent = [self.issue_on(self.start), self.issue_on(self.start)]
        self.env["ir.config_parameter"].set_param("innonest_szamlazz.pull_max_documents", "4")
        asked_before = self.agent_requests()
        for _run in range(20):
            before_run = self.agent_requests()
            _pulled, more_waiting = self.account._pull_new_documents()
            self.assertLessEqual(self.agent_requests() - before_run, 4, "each run is bounded")
            if not more_waiting:
                break
        self.assertFalse(more_waiting, "the search goes on where the last run stopped")
        self.assertLess(self.agent_requests() - asked_before, 40)
        self.assertEqual(self.pulled_numbers()[-2:], recent)
        self.env["szamlazz.invoice"]._process_inbox_batch()
        self.assertEqual(self.available(), 8, "history kept to find the way moved nothing")

    def test_an_old_document_is_mirrored_but_moves_no_stock_nor_does_its_storno(self):
        number = self.issue_on(datetime.date(self.year, 1, 10), quantity=3)
        invoice = self.store(number)
        self.env["szamlazz.invoice"]._process_inbox_batch()
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(invoice.payment_state, "overdue", "reminders work for history too")
        self.assertEqual(invoice.line_ids.stock_status, "before_import_start")
        self.assertIn("when the Számlázz.hu import started: no stock moved", self.chatter(invoice))
        self.assertEqual(self.available(), 10)

        # Paid at Számlázz.hu: the new version updates the mirror, still no stock.
        self.sandbox.control("POST", "documents/%s/pay" % number, {"agent_key": SANDBOX_AGENT_KEY})
        self.store(number)
        self.env["szamlazz.invoice"]._process_inbox_batch()
        self.assertEqual((invoice.state, invoice.payment_state), ("done", "paid"))
        self.assertEqual(len(invoice.message_ids.filtered(lambda m: "no stock moved" in m.body)), 1)
        self.assertEqual(self.available(), 10)

        storno_number = self.sandbox.control(
            "POST", "documents/%s/storno" % number, {"agent_key": SANDBOX_AGENT_KEY}
        )["number"]
        storno = self.store(storno_number)
        self.store(number)
        self.env["szamlazz.invoice"]._process_inbox_batch()
        self.assertEqual((storno.kind, storno.state), ("SS", "done"), storno.state_reason)
        self.assertTrue(invoice.cancelled)
        self.assertFalse(storno.picking_ids)
        self.assertIn("import started", self.chatter(storno))
        self.assertEqual(self.available(), 10)

    def test_a_pulled_storno_of_an_old_invoice_brings_it_and_returns_nothing(self):
        old_number = self.issue_on(datetime.date(self.year, 1, 10), quantity=3)
        recent = self.issue_on(self.start)
        storno_number = self.sandbox.control(
            "POST", "documents/%s/storno" % old_number, {"agent_key": SANDBOX_AGENT_KEY}
        )["number"]

        self.assertEqual(self.account._pull_new_documents(), (3, False))
        self.assertEqual(self.pulled_numbers(), [old_number, recent, storno_number])

        self.env["szamlazz.invoice"]._process_inbox_batch()
        Invoice = self.env["szamlazz.invoice"]
        storno = Invoice.search([("number", "=", storno_number)])
        self.assertEqual(storno.state, "done", storno.state_reason)
        self.assertIn("nothing is returned", self.chatter(storno))
        self.assertEqual(Invoice.search([("number", "=", old_number)]).state, "done")
        self.assertEqual(self.available(), 9, "only the invoice issued since the start")

    def test_invoices_since_the_backfill_date_deduct_stock(self):
        last_year = self.year - 1
        for month in (1, 2, 3):
            self.issue_on(datetime.date(last_year, month, 15))
        backfilled = [
            self.issue_on(datetime.date(last_year, 7, 1)),
            self.issue_on(datetime.date(last_year, 8, 1)),
            self.issue_on(datetime.date(self.year, 1, 5)),
            self.issue_on(datetime.date(self.year, 2, 5)),
        ]
        self.account.backfill_date = datetime.date(last_year, 6, 1)

        self.assertEqual(self.account._pull_new_documents(), (4, False))

        invoices = self.env["szamlazz.invoice"].search([("account_id", "=", self.account.id)])
        self.assertEqual(sorted(invoices.mapped("number")), sorted(backfilled))
        self.env["szamlazz.invoice"]._process_inbox_batch()
        self.assertEqual(set(invoices.mapped("state")), {"done"})
        self.assertEqual(
            self.available(), 6, "issued before the connection, after the backfill day"
        )

    def test_the_day_of_the_first_connection_is_kept(self):
        self.account.write({"state": "draft", "connected_date": False})
        self.account._mark_connected(SANDBOX_AGENT_KEY)
        today = fields.Date.context_today(self.account)
        self.assertEqual(self.account.connected_date, today)
        self.assertEqual(self.account._import_start_date(), today)
        self.account.connected_date = self.start
        self.account._mark_connected(SANDBOX_AGENT_KEY)
        self.assertEqual(self.account.connected_date, self.start, "a reconnect moves nothing")
        self.account.backfill_date = datetime.date(self.year, 1, 1)
        self.assertEqual(self.account._import_start_date(), datetime.date(self.year, 1, 1))
