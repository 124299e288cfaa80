"""The overview tells at a glance what needs a person, and each count opens its list."""

import datetime

from odoo.tests import TransactionCase, tagged

from .szamla_documents import szamla_xml


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestSzamlazzOverview(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        Account = cls.env["szamlazz.account"].sudo()
        cls.account = Account.search([("company_id", "=", company.id)]) or Account.create(
            {"company_id": company.id, "agent_key": "unused-in-these-tests"}
        )
        cls.account.write({"state": "connected", "user_id": False, "document_intake": "pull"})
        stock = (
            cls.env["stock.warehouse"]
            .search([("company_id", "=", company.id)], limit=1)
            .lot_stock_id
        )
        cls.mug = cls.env["product.product"].create(
            {"name": "T5 bögre", "default_code": "T5-MUG", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.mug, stock, 100)

    def receive(self, number, identifier="T5-MUG", process=True, **options):
        # The overview sums what is owed in the company's currency.
        options.setdefault("currency", self.env.company.currency_id.name)
        invoice = self.env["szamlazz.invoice"]._receive_xml(
            self.account,
            szamla_xml(number, items=[("Bögre", identifier, 1, 1000)], **options),
            "push",
        )
        if process:
            invoice._process()
        return invoice

    def open_list(self, method):
        action = getattr(self.account, method)()
        return self.env[action["res_model"]].search(action["domain"])

    def test_counts_amounts_and_their_lists(self):
        overdue = self.receive("T5-2026-1", due_date=datetime.date.today() - datetime.timedelta(9))
        open_one = self.receive("T5-2026-2", due_date=datetime.date.today() + datetime.timedelta(8))
        self.receive("T5-2026-3", payments=[(datetime.date.today(), 1270)])
        attention = self.receive("T5-2026-4", identifier="T5-UNKNOWN")
        waiting = self.receive("T5-2026-5", process=False)
        self.account.invalidate_recordset()

        self.assertEqual(self.account.waiting_count, 1)
        self.assertEqual(self.account.attention_count, 1)
        self.assertEqual(self.account.error_count, 0)
        self.assertEqual(self.open_list("action_view_waiting"), waiting)
        self.assertEqual(self.open_list("action_view_attention"), attention)
        self.assertFalse(self.open_list("action_view_errors"))
        # Owed: the overdue and the open invoice, and the one needing attention (1 270 each).
        self.assertEqual(self.account.outstanding_amount, 3 * 1270)
        self.assertEqual(self.account.overdue_amount, 1270)
        self.assertTrue(
            overdue | open_one <= self.open_list("action_view_outstanding"),
            "the outstanding amount opens the invoices it sums",
        )

    def test_checklist_until_every_step_is_done(self):
        self.assertEqual(self.account.checklist_open_count, 3)
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.account.company_id.id)], limit=1
        )
        self.env["szamlazz.prefix"].create(
            {
                "account_id": self.account.id,
                "name": "WEB",
                "is_webshop": True,
                "warehouse_id": warehouse.id,
            }
        )
        self.account.user_id = self.env.user
        self.account.invalidate_recordset()
        self.assertEqual(self.account.checklist_open_count, 1, "the push URLs are left")
        self.assertFalse(self.account.checklist_push_done)

    def test_a_pushed_account_needs_no_webshop_prefix(self):
        self.account.document_intake = "push"
        self.assertTrue(self.account.checklist_webshop_done)
        self.assertEqual(self.account.checklist_open_count, 1, "only the responsible is left")

    def test_last_import_is_shown_in_push_mode(self):
        self.account.document_intake = "push"
        self.receive("T5-2026-9", process=False)
        self.assertFalse(self.account.import_last_run)
        self.account.import_documents()
        self.assertTrue(self.account.import_last_run, "a push account says when it last imported")
        self.assertEqual(self.account.waiting_count, 0)
