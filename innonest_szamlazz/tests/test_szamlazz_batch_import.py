"""One import batch makes its transfers together, as Odoo's own batch picking does; when
that fails, the batch is processed again one document at a time, so one bad document
never stops the others and nothing moves twice."""

from unittest.mock import patch

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .szamla_documents import szamla_xml


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestBatchImport(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        Account = cls.env["szamlazz.account"].sudo()
        cls.account = Account.search([("company_id", "=", company.id)]) or Account.create(
            {"company_id": company.id, "agent_key": "unused-in-these-tests"}
        )
        cls.account.state = "connected"
        cls.stock = (
            cls.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        ).lot_stock_id
        Product = cls.env["product.product"]
        cls.mug = Product.create(
            {"name": "T6 bögre", "default_code": "T6-MUG", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.mug, cls.stock, 20)

    def store(self, number, quantity=1, **options):
        return self.env["szamlazz.invoice"]._receive_xml(
            self.account,
            szamla_xml(number, items=[("Bögre", "T6-MUG", quantity, 1000)], **options),
            "push",
        )

    def import_batch(self):
        Invoice = self.env["szamlazz.invoice"]
        processed, remaining = Invoice._process_inbox_batch(self.account)
        self.assertFalse(remaining)
        return processed

    def available(self):
        return self.env["stock.quant"]._get_available_quantity(self.mug, self.stock)

    def test_a_batch_makes_one_delivery_per_document(self):
        invoices = self.store("T6-2026-1", 2) | self.store("T6-2026-2", 3) | self.store("T6-2026-3")
        self.assertEqual(self.import_batch(), 3)
        self.assertEqual(invoices.mapped("state"), ["done"] * 3)
        self.assertEqual(self.available(), 14)
        for invoice in invoices:
            self.assertEqual(len(invoice.picking_ids), 1, "each document has its own delivery")
            self.assertEqual(invoice.picking_ids.state, "done")
            self.assertEqual(invoice.picking_ids.origin, invoice.number)
            self.assertEqual(invoice.picking_ids.szamlazz_invoice_ids, invoice)

    def test_one_document_that_cannot_be_validated_fails_alone(self):
        lots = self.env["product.product"].create(
            {
                "name": "T6 sorszámos",
                "default_code": "T6-LOT",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        good = self.store("T6-2026-4", 2)
        bad = self.env["szamlazz.invoice"]._receive_xml(
            self.account, szamla_xml("T6-2026-5", items=[("Sorszámos", "T6-LOT", 1, 500)]), "push"
        )
        also_good = self.store("T6-2026-6", 1)
        self.import_batch()
        self.assertEqual((good.state, also_good.state), ("done", "done"))
        self.assertEqual(self.available(), 17, "the others' goods left once")
        self.assertEqual(len((good | also_good).picking_ids), 2)
        self.assertEqual(bad.state, "error")
        self.assertIn("Lot/Serial", bad.state_reason, "Odoo says why in the reason")
        self.assertFalse(bad.picking_ids.filtered(lambda picking: picking.state == "done"))
        self.assertFalse(
            self.env["stock.move"].search([("product_id", "=", lots.id), ("state", "=", "done")])
        )

    def test_a_storno_in_the_same_batch_returns_what_its_invoice_moved(self):
        invoice = self.store("T6-2026-7", 4)
        storno = self.env["szamlazz.invoice"]._receive_xml(
            self.account,
            szamla_xml(
                "T6-2026-8",
                kind="SS",
                referenced="T6-2026-7",
                items=[("Bögre", "T6-MUG", -4, 1000)],
            ),
            "push",
        )
        self.import_batch()
        self.assertEqual((invoice.state, storno.state), ("done", "done"), storno.state_reason)
        self.assertEqual(self.available(), 20, "delivered and brought back")
        self.assertEqual(storno.picking_ids.return_id, invoice.picking_ids)

    def test_two_documents_of_one_order_in_one_batch_deduct_once(self):
        note = self.store("SL-T6-2026-1", 2, kind="SL", order_number="ORD-T6")
        invoice = self.store("T6-2026-9", 2, order_number="ORD-T6")
        self.import_batch()
        self.assertEqual(self.available(), 18)
        self.assertTrue(note.picking_ids)
        self.assertFalse(invoice.picking_ids)
        self.assertEqual(invoice.line_ids.stock_status, "covered")

    def test_processing_a_batch_again_moves_nothing_twice(self):
        invoices = self.store("T6-2026-10", 1) | self.store("T6-2026-11", 1)
        self.import_batch()
        invoices.action_reprocess()
        self.import_batch()
        self.assertEqual(self.available(), 18)
        self.assertEqual(len(invoices.picking_ids), 2)

    def test_a_document_rolled_back_after_planning_moves_nothing(self):
        """A document whose processing fails after it planned its delivery (here the last
        step, marking it done) is rolled back whole: its delivery is not made with the
        batch's, and the others' are."""
        first, failing, last = (
            self.store("T6-2026-12", 1),
            self.store("T6-2026-13", 5),
            self.store("T6-2026-14", 1),
        )
        Invoice = type(self.env["szamlazz.invoice"])
        set_done = Invoice._set_done

        def fail_for_one(documents, reason=False):
            if failing in documents:
                raise ValueError("a failure after the delivery was planned")
            return set_done(documents, reason)

        with (
            patch.object(Invoice, "_set_done", fail_for_one),
            mute_logger("odoo.addons.innonest_szamlazz.models.szamlazz_document_state_mixin"),
        ):
            self.import_batch()
        self.assertEqual((first.state, last.state), ("done", "done"))
        self.assertEqual(failing.state, "error")
        self.assertFalse(failing.picking_ids)
        self.assertFalse(failing.line_ids.stock_move_ids, "no move was made for it")
        self.assertEqual(self.available(), 18, "only the two others' goods left")

    def test_a_buyer_made_once_is_found_again_after_an_edit(self):
        """The partner the import made for a new buyer carries the buyer's key (unique, so
        two workers never make two): a later document of that buyer finds it even after a
        person renamed it and the name and address no longer match."""
        buyer = {"name": "Kulcs Vevő", "zip": "1111", "city": "Budapest", "street": "Fő u. 9."}
        first = self.store("T6-2026-15", buyer=buyer)
        self.import_batch()
        partner = first.partner_id
        self.assertTrue(partner.szamlazz_buyer_key)
        partner.name = "Kulcs Vevő (törzsvásárló)"
        second = self.store("T6-2026-16", buyer=buyer)
        self.import_batch()
        self.assertEqual(second.partner_id, partner)
        self.assertEqual(self.env["res.partner"].search_count([("name", "ilike", "Kulcs Vevő")]), 1)
