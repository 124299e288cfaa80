"""Supplier invoices (`szamlabe`) over real HTTP: a pushed invoice leaves a receipt to
check, the supplier matched or created; an unknown item mapped once is matched by itself
next time; a storno cancels the receipt, or asks for the goods back once received; a
replay changes nothing."""

from odoo.tests import Form, tagged

from .common import SANDBOX_AGENT_KEY, SzamlazzHttpCase

SUPPLIER = {
    "name": "Kávépörkölő Kft.",
    "tax_number": "12345676-2-13",
    "zip": "1111",
    "city": "Budapest",
    "street": "Bartók Béla út 1.",
}


def item(name, quantity, net_unit_price, identifier=None):
    """An item of a supplier's invoice, as the sandbox takes it."""
    values = {"name": name, "quantity": quantity, "net_unit_price": net_unit_price}
    if identifier:
        values["identifier"] = identifier
    return values


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestSupplierInvoices(SzamlazzHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.beans = cls.env["product.product"].create(
            {"name": "Kávébab 1 kg", "default_code": "BEAN-1KG", "is_storable": True}
        )
        cls.cups = cls.env["product.product"].create(
            {"name": "Papírpohár 50 db", "default_code": "CUP-50", "is_storable": True}
        )

    def setUp(self):
        super().setUp()
        self.register_push_target()

    def push_invoice(self, items, supplier=None, **extra):
        """An invoice ``supplier`` (``SUPPLIER`` unless a storno names its invoice) issues
        to the shop, pushed by the sandbox now; the supplier invoice Odoo stored, after one
        import pass."""
        if supplier is None and "storno_of" not in extra:
            supplier = SUPPLIER
        answer = self.sandbox.control(
            "POST",
            "incoming",
            dict(agent_key=SANDBOX_AGENT_KEY, supplier=supplier, items=items, **extra),
        )
        flushed = self.sandbox.flush()
        self.assertFalse(flushed["failed"], "Odoo acknowledges the push")
        self.env.invalidate_all()
        self.env["szamlazz.account"]._cron_import_documents()
        return self.env["szamlazz.supplier.invoice"].search([("number", "=", answer["number"])])

    def on_hand(self, product):
        return self.env["stock.quant"]._get_available_quantity(product, self.warehouse.lot_stock_id)

    def test_invoice_becomes_a_receipt_to_check_with_the_supplier_created(self):
        self.assertTrue(
            self.account.incoming_push_url.endswith("/szamlazz/push/incoming"),
            "the URL the account shows for registration is the endpoint the push reaches",
        )
        invoice = self.push_invoice(
            [
                item("Kávébab", 12, 6000, "BEAN-1KG"),
                item("Pohár", 3, 900, "CUP-50"),
            ]
        )
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        supplier = invoice.partner_id
        self.assertEqual(supplier.name, "Kávépörkölő Kft.")
        self.assertEqual(supplier.vat, "12345676-2-13")
        self.assertTrue(supplier.is_company)
        self.assertEqual(supplier.city, "Budapest")
        receipt = invoice.picking_ids
        self.assertEqual(len(receipt), 1)
        self.assertEqual(receipt.picking_type_id, self.warehouse.in_type_id)
        self.assertEqual(receipt.partner_id, supplier)
        self.assertEqual(receipt.origin, invoice.number)
        self.assertNotEqual(receipt.state, "done", "goods are counted when they arrive")
        self.assertEqual(
            {(m.product_id, m.product_uom_qty) for m in receipt.move_ids},
            {(self.beans, 12), (self.cups, 3)},
        )
        self.assertEqual(self.on_hand(self.beans), 0, "nothing is in stock before validation")
        self.assertEqual(
            receipt.move_ids.filtered(lambda move: move.product_id == self.beans).price_unit,
            6000,
            "the supplier's net price values the goods",
        )

        # Validated by the warehouse: the goods are in stock.
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(self.on_hand(self.beans), 12)

        # The same invoice pushed again (Számlázz.hu retries) changes nothing.
        xml = invoice.arrival_attachment_ids.raw
        answer = self.url_open(
            "/szamlazz/push/incoming",
            data=xml,
            headers={"X-Szamlazzhu-Key": self.account.push_key},
        )
        self.assertEqual(answer.status_code, 200)
        self.assertIn(b"szamlabevalasz", answer.content)
        self.env.invalidate_all()
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(len(invoice.arrival_attachment_ids), 1, "a replay is no new arrival")
        self.assertEqual(invoice.picking_ids, receipt, "a replay makes no second receipt")
        self.assertEqual(
            self.env["szamlazz.supplier.invoice"].search_count([("number", "=", invoice.number)]),
            1,
        )

    def test_known_supplier_is_matched_and_not_created_again(self):
        existing = self.env["res.partner"].create(
            {"name": "Kávépörkölő", "vat": "HU12345676", "is_company": True}
        )
        first = self.push_invoice([item("Kávébab", 1, 6000, "BEAN-1KG")])
        self.assertEqual(first.partner_id, existing, "matched by the tax number")
        self.assertTrue(existing.szamlazz_supplier_id, "Számlázz.hu's supplier id is learned")
        renamed = dict(SUPPLIER, tax_number="", name="Kávépörkölő Kft.")
        second = self.push_invoice(
            [item("Kávébab", 1, 6000, "BEAN-1KG")],
            supplier=renamed,
        )
        self.assertEqual(second.partner_id, existing, "matched by Számlázz.hu's supplier id")

    def test_unknown_item_mapped_once_is_matched_by_itself_next_time(self):
        items = [
            item("Arabica szemes 1 kg", 5, 7000, "ARA-01"),
            item("Kávébab", 2, 6000, "BEAN-1KG"),
        ]
        invoice = self.push_invoice(items)
        self.assertEqual(invoice.state, "needs_attention")
        self.assertIn("ARA-01", invoice.state_reason)
        unknown = invoice.line_ids.filtered(lambda line: line.identifier == "ARA-01")
        self.assertEqual(unknown.stock_status, "unknown_product")
        self.assertEqual(
            invoice.picking_ids.move_ids.product_id,
            self.beans,
            "the known item waits on the receipt",
        )

        # The user picks the product on the item, as in the form.
        with Form(invoice) as form, form.line_ids.edit(0) as line:
            line.product_id = self.beans
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(len(invoice.picking_ids), 1, "the mapped item joins the same receipt")
        self.assertEqual(sorted(invoice.picking_ids.move_ids.mapped("product_uom_qty")), [2.0, 5.0])
        vendor_line = self.beans.product_tmpl_id.seller_ids.filtered(
            lambda info: info.partner_id == invoice.partner_id
        )
        self.assertEqual(vendor_line.product_code, "ARA-01")
        self.assertEqual(vendor_line.product_name, "Arabica szemes 1 kg")

        # The supplier's next invoice of that item needs nobody.
        again = self.push_invoice(items[:1])
        self.assertEqual(again.state, "done", again.state_reason)
        self.assertEqual(again.line_ids.product_id, self.beans)
        self.assertEqual(again.line_ids.match_rule, "vendor_code")
        self.assertEqual(again.partner_id, invoice.partner_id)

    def test_item_marked_not_stock_lets_the_invoice_go(self):
        invoice = self.push_invoice(
            [
                item("Szállítási díj", 1, 1500),
                item("Kávébab", 1, 6000, "BEAN-1KG"),
            ]
        )
        self.assertEqual(invoice.state, "needs_attention")
        invoice.line_ids.filtered(lambda line: not line.product_id).action_not_stock()
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(invoice.picking_ids.move_ids.product_id, self.beans)

    def test_storno_cancels_the_receipt_not_yet_validated(self):
        invoice = self.push_invoice([item("Kávébab", 4, 6000, "BEAN-1KG")])
        receipt = invoice.picking_ids
        storno = self.push_invoice(None, storno_of=invoice.number)
        self.assertEqual(storno.kind, "SS")
        self.assertEqual(storno.state, "done", storno.state_reason)
        self.assertEqual(storno.referenced_invoice_id, invoice)
        self.assertTrue(invoice.cancelled)
        self.assertEqual(receipt.state, "cancel")
        self.assertFalse(storno.picking_ids, "a storno receives nothing")

    def test_storno_before_its_invoice_leaves_nothing_to_receive(self):
        items = [item("Kávébab", -4, 6000, "BEAN-1KG")]
        storno = self.push_invoice(items, supplier=SUPPLIER, storno_of="KP-2026-77")
        self.assertEqual(storno.state, "needs_attention", "it waits for the invoice it cancels")
        invoice = self.push_invoice(
            [item("Kávébab", 4, 6000, "BEAN-1KG")],
            number="KP-2026-77",
        )
        self.assertEqual(invoice.state, "done")
        self.assertTrue(invoice.cancelled)
        self.assertFalse(invoice.picking_ids, "no receipt for goods the supplier cancelled")
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(storno.state, "done", storno.state_reason)
        self.assertEqual(storno.referenced_invoice_id, invoice)

    def test_storno_after_the_goods_arrived_asks_for_their_return(self):
        invoice = self.push_invoice([item("Kávébab", 4, 6000, "BEAN-1KG")])
        invoice.picking_ids.button_validate()
        self.assertEqual(self.on_hand(self.beans), 4)
        storno = self.push_invoice(None, storno_of=invoice.number)
        self.assertEqual(storno.state, "needs_attention")
        self.assertIn(invoice.picking_ids.name, storno.state_reason)
        self.assertEqual(self.on_hand(self.beans), 4, "nothing leaves without a person")

        action = storno.action_return_goods()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(wizard.product_return_moves.quantity, 4, "filled with what came in")
        returned = wizard._create_return()
        returned.button_validate()
        self.assertEqual(self.on_hand(self.beans), 0)
        storno.action_reprocess()
        self.assertEqual(storno.state, "done", storno.state_reason)

    def test_storno_after_a_partial_receipt_cancels_the_backorder_too(self):
        invoice = self.push_invoice([item("Kávébab", 10, 6000, "BEAN-1KG")])
        receipt = invoice.picking_ids
        receipt.move_ids.quantity = 4
        receipt.move_ids.picked = True
        receipt.with_context(cancel_backorder=False)._action_done()
        backorder = receipt.backorder_ids
        self.assertEqual(backorder.move_ids.product_uom_qty, 6)
        storno = self.push_invoice(None, storno_of=invoice.number)
        self.assertEqual(backorder.state, "cancel", "the 6 still expected are not expected")
        self.assertEqual(storno.state, "needs_attention", "the 4 received go back by hand")
        self.assertEqual(self.on_hand(self.beans), 4)
