"""Processing stored Számlázz.hu documents: mirror, stock and idempotency, per kind."""

import base64
import datetime

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..szamlazz_agent import InvalidResponseError
from .szamla_documents import szamla_xml


@tagged("post_install", "-at_install", "innonest_szamlazz")
class SzamlazzProcessingCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.account = cls.env["szamlazz.account"].sudo().search(
            [("company_id", "=", cls.company.id)]
        ) or cls.env["szamlazz.account"].sudo().create(
            {
                "company_id": cls.company.id,
                "agent_key": "unused-in-these-tests",
                "state": "connected",
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        Product = cls.env["product.product"]
        cls.mug = Product.create(
            {"name": "T4 bögre", "default_code": "T4-MUG", "type": "consu", "is_storable": True}
        )
        cls.cup = Product.create(
            {"name": "T4 csésze", "default_code": "T4-CUP", "type": "consu", "is_storable": True}
        )
        cls.shipping = Product.create(
            {"name": "T4 szállítás", "default_code": "T4-SHIP", "type": "service"}
        )
        for product in cls.mug | cls.cup:
            cls.env["stock.quant"]._update_available_quantity(product, cls.stock, 10)

    def receive(self, xml):
        invoice = self.env["szamlazz.invoice"]._receive_xml(self.account, xml, "push")
        invoice._process()
        return invoice

    def available(self, product):
        return self.env["stock.quant"]._get_available_quantity(product, self.stock)

    def test_invoice_deducts_stock_and_skips_services(self):
        invoice = self.receive(
            szamla_xml(
                "T4-2026-1",
                order_number="ORD-1",
                items=[("Bögre", "T4-MUG", 2, 1000), ("Szállítás", "T4-SHIP", 1, 990)],
            )
        )
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(self.available(self.mug), 8)
        picking = invoice.picking_ids
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.picking_type_id, self.warehouse.out_type_id)
        self.assertEqual(picking.origin, "T4-2026-1 / ORD-1")
        self.assertEqual(picking.partner_id, invoice.partner_id)
        self.assertEqual(picking.move_ids.product_id, self.mug, "the service moves nothing")
        self.assertEqual(invoice.line_ids.mapped("stock_status"), ["moved", "not_storable"])
        self.assertEqual(invoice.kind, "SZ")
        self.assertAlmostEqual(invoice.amount_gross, (2 * 1000 + 990) * 1.27)
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_replay_and_reprocess_never_move_stock_twice(self):
        xml = szamla_xml("T4-2026-2", items=[("Bögre", "T4-MUG", 3, 1000)])
        invoice = self.receive(xml)
        again = self.receive(xml)
        self.assertEqual(again, invoice)
        self.assertEqual(
            self.env["szamlazz.invoice"].search_count([("number", "=", "T4-2026-2")]), 1
        )
        invoice.action_reprocess()
        self.assertEqual(invoice.state, "done")
        self.assertEqual(self.available(self.mug), 7)
        self.assertEqual(len(invoice.picking_ids), 1)

    def test_two_items_of_one_sku_move_once_each(self):
        """Odoo merges the moves of one product in a picking; each item must keep its own,
        or the next version of the document (a payment) moves the second item again."""
        items = [("Bögre", "T4-MUG", 1, 1000), ("Bögre, ajándék", "T4-MUG", 2, 1000)]
        invoice = self.receive(szamla_xml("T4-2026-30", items=items))
        self.assertEqual(self.available(self.mug), 7)
        for line in invoice.line_ids:
            done = line.stock_move_ids.filtered(lambda move: move.state == "done")
            self.assertEqual((len(done), done.quantity), (1, line.quantity), line.name)

        paid = szamla_xml("T4-2026-30", items=items, payments=[(datetime.date.today(), 3 * 1270)])
        self.receive(paid)
        invoice.action_reprocess()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.available(self.mug), 7, "3 left the shelf, not 5")

    def test_payment_version_updates_mirror_not_stock(self):
        invoice = self.receive(szamla_xml("T4-2026-3", items=[("Bögre", "T4-MUG", 1, 1000)]))
        self.receive(
            szamla_xml(
                "T4-2026-3",
                items=[("Bögre", "T4-MUG", 1, 1000)],
                payments=[(datetime.date.today(), "500")],
            )
        )
        self.assertEqual(invoice.amount_paid, 500)
        self.assertEqual(invoice.payment_state, "partial")
        self.receive(
            szamla_xml(
                "T4-2026-3",
                items=[("Bögre", "T4-MUG", 1, 1000)],
                payments=[(datetime.date.today(), "500"), (datetime.date.today(), "770")],
            )
        )
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.amount_residual, 0)
        self.assertEqual(len(invoice.payment_ids), 2)
        self.assertEqual(self.available(self.mug), 9)

    def test_overdue_invoice(self):
        invoice = self.receive(
            szamla_xml(
                "T4-2026-4",
                items=[("Bögre", "T4-MUG", 1, 1000)],
                due_date=datetime.date.today() - datetime.timedelta(days=3),
            )
        )
        self.assertEqual(invoice.payment_state, "overdue")
        overdue = self.env["szamlazz.invoice"].search([("payment_state", "=", "overdue")])
        self.assertIn(invoice, overdue)
        self.assertNotIn(
            invoice, self.env["szamlazz.invoice"].search([("payment_state", "=", "paid")])
        )

    def test_unknown_and_missing_identifiers_need_attention_until_fixed(self):
        invoice = self.receive(
            szamla_xml(
                "T4-2026-5",
                items=[
                    ("Bögre", "T4-MUG", 1, 1000),
                    ("Új termék", "T4-NEW", 2, 500),
                    ("Ajándékkártya", None, 1, 100),
                ],
            )
        )
        self.assertEqual(invoice.state, "needs_attention")
        self.assertIn("T4-NEW", invoice.state_reason)
        self.assertIn("Ajándékkártya", invoice.state_reason)
        self.assertEqual(self.available(self.mug), 9, "known items move at once")
        self.assertTrue(
            any("T4-NEW" in body for body in invoice.message_ids.mapped("body")),
            "the reason is in the chatter",
        )

        new_product = self.env["product.product"].create(
            {"name": "T4 új", "default_code": "T4-NEW", "type": "consu", "is_storable": True}
        )
        invoice.action_reprocess()
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                new_product, self.stock, allow_negative=True
            ),
            -2,
        )
        self.assertEqual(self.available(self.mug), 9, "the mug is not moved a second time")
        self.assertEqual(invoice.state, "needs_attention")
        self.assertNotIn("T4-NEW", invoice.state_reason)
        self.assertIn("Ajándékkártya", invoice.state_reason)

    def test_shipping_item_without_identifier_never_holds_the_invoice_back(self):
        invoice = self.receive(
            szamla_xml(
                "T4-2026-51",
                items=[("Bögre", "T4-MUG", 1, 1000), ("Szállítási díj (GLS)", None, 1, 1490)],
            )
        )
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        shipping = invoice.line_ids.filtered(lambda line: not line.identifier)
        self.assertEqual(shipping.stock_status, "service_item")
        self.assertEqual(self.available(self.mug), 9)

        # A shop whose list does not name it is asked, as before.
        self.account.service_item_names = "Csomagolás"
        other = self.receive(szamla_xml("T4-2026-52", items=[("Szállítási díj", None, 1, 1490)]))
        self.assertEqual(other.state, "needs_attention")

    def test_storno_returns_what_the_invoice_moved(self):
        items = [("Bögre", "T4-MUG", 2, 1000), ("Csésze", "T4-CUP", 1, 800)]
        original = self.receive(szamla_xml("T4-2026-6", items=items))
        self.assertEqual((self.available(self.mug), self.available(self.cup)), (8, 9))
        storno = self.receive(
            szamla_xml(
                "T4-2026-7",
                kind="SS",
                referenced="T4-2026-6",
                items=[(name, code, -quantity, price) for name, code, quantity, price in items],
            )
        )
        self.assertEqual(storno.state, "done", storno.state_reason)
        self.assertEqual((self.available(self.mug), self.available(self.cup)), (10, 10))
        self.assertTrue(original.cancelled)
        self.assertFalse(original.payment_state, "a cancelled invoice is not owed")
        back = storno.picking_ids
        delivery = original.picking_ids
        self.assertEqual(back.picking_type_id, delivery.picking_type_id.return_picking_type_id)
        self.assertEqual(back.return_id, delivery)
        self.assertEqual(back.origin, "Return of %s (T4-2026-7)" % delivery.name)
        self.assertEqual(
            back.move_ids.origin_returned_move_id, delivery.move_ids, "each move comes back"
        )
        self.assertEqual(back.move_ids.move_orig_ids, delivery.move_ids, "as Odoo links returns")
        self.assertEqual(back.move_ids.szamlazz_invoice_line_id, storno.line_ids)
        self.assertEqual((original.amount_residual, storno.amount_residual), (0, 0), "owes nothing")
        storno.action_reprocess()
        self.assertEqual(self.available(self.mug), 10, "a storno returns the goods once")

    def test_storno_before_its_invoice_waits(self):
        storno = self.receive(
            szamla_xml(
                "T4-2026-9",
                kind="SS",
                referenced="T4-2026-8",
                items=[("Bögre", "T4-MUG", -1, 1000)],
            )
        )
        self.assertEqual(storno.state, "needs_attention")
        self.assertIn("T4-2026-8", storno.state_reason)
        original = self.receive(
            szamla_xml("T4-2026-8", items=[("Bögre", "T4-MUG", 1, 1000)], cancelled=True)
        )
        self.assertEqual(storno.state, "received", "the storno is queued again")
        self.assertEqual(self.available(self.mug), 10, "a cancelled invoice moves nothing")
        storno._process()
        self.assertEqual(storno.state, "done")
        self.assertEqual(self.available(self.mug), 10)
        self.assertEqual(storno.referenced_invoice_id, original)

    def test_corrective_invoice_applies_signed_differences(self):
        self.receive(szamla_xml("T4-2026-10", items=[("Bögre", "T4-MUG", 3, 1000)]))
        corrective = self.receive(
            szamla_xml(
                "T4-2026-11",
                kind="HS",
                referenced="T4-2026-10",
                items=[("Bögre", "T4-MUG", -1, 1000), ("Csésze", "T4-CUP", 2, 800)],
            )
        )
        self.assertEqual(corrective.state, "done", corrective.state_reason)
        self.assertEqual((self.available(self.mug), self.available(self.cup)), (8, 8))
        self.assertEqual(
            sorted(corrective.picking_ids.mapped("picking_type_id.code")), ["incoming", "outgoing"]
        )

    def test_proforma_and_prepayment_move_nothing_final_invoice_does(self):
        proforma = self.receive(
            szamla_xml(
                "D-T4-2026-1", kind="D", order_number="ORD-P", items=[("Bögre", "T4-MUG", 2, 1000)]
            )
        )
        prepayment = self.receive(
            szamla_xml(
                "T4-2026-12", kind="ES", order_number="ORD-P", items=[("Előleg", None, 1, 1000)]
            )
        )
        self.assertEqual((proforma.state, prepayment.state), ("done", "done"))
        self.assertEqual(self.available(self.mug), 10)
        self.assertFalse(proforma.picking_ids | prepayment.picking_ids)
        final = self.receive(
            szamla_xml(
                "T4-2026-13",
                kind="VS",
                order_number="ORD-P",
                proforma="D-T4-2026-1",
                items=[("Bögre", "T4-MUG", 2, 1000)],
            )
        )
        self.assertEqual(self.available(self.mug), 8)
        self.assertEqual(final.proforma_id, proforma)
        self.assertEqual(proforma.final_invoice_id, final)

    def test_delivery_note_and_invoice_of_one_order_deduct_once(self):
        note = self.receive(
            szamla_xml(
                "SL-T4-2026-1",
                kind="SL",
                order_number="ORD-SL",
                items=[("Bögre", "T4-MUG", 2, 1000)],
            )
        )
        invoice = self.receive(
            szamla_xml("T4-2026-14", order_number="ORD-SL", items=[("Bögre", "T4-MUG", 2, 1000)])
        )
        self.assertEqual(self.available(self.mug), 8)
        self.assertTrue(note.picking_ids)
        self.assertFalse(invoice.picking_ids)
        self.assertEqual(invoice.line_ids.stock_status, "covered")
        self.assertEqual(invoice.state, "done")
        self.assertEqual(note.number_prefix, "T4")

    def test_prefix_warehouse_is_the_source(self):
        other = self.env["stock.warehouse"].create(
            {"name": "T4 webshop", "code": "T4W", "company_id": self.company.id}
        )
        self.env["szamlazz.prefix"].create(
            {
                "account_id": self.account.id,
                "name": "T4W",
                "is_webshop": True,
                "warehouse_id": other.id,
            }
        )
        invoice = self.receive(szamla_xml("T4W-2026-1", items=[("Bögre", "T4-MUG", 1, 1000)]))
        self.assertEqual(invoice.picking_ids.picking_type_id.warehouse_id, other)
        self.assertEqual(self.available(self.mug), 10)
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.mug, other.lot_stock_id, allow_negative=True
            ),
            -1,
        )

    def test_refused_bodies_store_nothing(self):
        Invoice = self.env["szamlazz.invoice"]
        before = Invoice.search_count([])
        doctype = (
            b'<?xml version="1.0"?><!DOCTYPE szamla [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<szamla>&x;</szamla>"
        )
        for body in (b"not xml", doctype, b"<other/>"):
            with self.assertRaises(InvalidResponseError):
                Invoice._receive_xml(self.account, body, "push")
        self.assertEqual(Invoice.search_count([]), before)

    def test_raw_xml_and_pdf_are_kept(self):
        xml = szamla_xml("T4-2026-15", items=[("Bögre", "T4-MUG", 1, 1000)])
        xml = xml.replace(
            b"</szamla>", b"<pdf>%s</pdf></szamla>" % base64.b64encode(b"%PDF-1.4 test")
        )
        invoice = self.receive(xml)
        self.assertEqual(base64.b64decode(invoice.raw_xml), xml)
        self.assertEqual(invoice.pdf_attachment_id.raw, b"%PDF-1.4 test")
        self.assertEqual(invoice.pdf_attachment_id.res_id, invoice.id)

    def test_only_szamlazz_users_run_imports_and_reprocess(self):
        invoice = self.receive(szamla_xml("T4-2026-16", items=[("Bögre", "T4-MUG", 1, 1000)]))
        outsider = new_test_user(self.env, login="t4_outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["szamlazz.account"].with_user(outsider).import_documents()
        with self.assertRaises(AccessError):
            invoice.with_user(outsider).action_reprocess()
        clerk = new_test_user(self.env, login="t4_clerk", groups="stock.group_stock_user")
        invoice.with_user(clerk).action_reprocess()
        self.assertEqual(invoice.state, "done")
        self.assertEqual(self.available(self.mug), 9)
