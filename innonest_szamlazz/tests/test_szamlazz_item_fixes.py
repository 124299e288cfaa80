"""An item Odoo could not match is fixed on the document itself: mapped to a product,
turned into a new product, or marked as not a stock item; the document then goes on by
itself."""

from odoo.tests import Form, TransactionCase, new_test_user, tagged

from .szamla_documents import szamla_xml


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestItemFixes(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.account = cls.env["szamlazz.account"].sudo().search(
            [("company_id", "=", company.id)]
        ) or cls.env["szamlazz.account"].sudo().create(
            {"company_id": company.id, "agent_key": "unused-in-these-tests", "state": "connected"}
        )
        cls.stock = (
            cls.env["stock.warehouse"]
            .search([("company_id", "=", company.id)], limit=1)
            .lot_stock_id
        )
        cls.mug = cls.env["product.product"].create(
            {"name": "T4 bögre", "default_code": "T4-MUG", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.mug, cls.stock, 10)
        cls.clerk = new_test_user(
            cls.env,
            login="szamlazz_clerk",
            groups="stock.group_stock_user,innonest_szamlazz.group_szamlazz_user",
        )
        cls.account.user_id = cls.clerk

    def receive(self, xml):
        invoice = self.env["szamlazz.invoice"]._receive_xml(self.account, xml, "push")
        invoice._process()
        return invoice

    def available(self, product):
        return self.env["stock.quant"]._get_available_quantity(product, self.stock)

    def unknown_item_invoice(self, number, identifier="T4-TEAPOT", name="Teáskanna 1 l"):
        invoice = self.receive(szamla_xml(number, items=[(name, identifier, 2, 4500)]))
        self.assertEqual(invoice.state, "needs_attention")
        return invoice, invoice.line_ids

    def test_create_product_from_the_item_processes_the_document(self):
        invoice, line = self.unknown_item_invoice("T4-2026-71")
        todo = invoice.activity_ids
        self.assertEqual(todo.user_id, self.clerk, "the responsible user is asked to act")
        self.assertIn("T4-TEAPOT", str(todo.note))
        action = line.with_user(self.clerk).action_create_product()
        self.assertEqual(action["res_model"], "product.product")
        product = Form(self.env["product.product"].with_context(**action["context"])).save()
        self.assertEqual(product.name, "Teáskanna 1 l")
        self.assertEqual(product.default_code, "T4-TEAPOT")
        self.assertEqual(product.list_price, 4500)
        self.assertTrue(product.is_storable)
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(line.product_id, product)
        self.assertEqual(line.stock_move_ids.product_uom_qty, 2)
        self.assertNotIn(
            "Teáskanna", line.stock_move_ids.picking_id.name, "the form's defaults name nothing"
        )
        self.assertFalse(invoice.activity_ids, "the to-do is done with the document")

    def test_map_to_an_existing_product_sets_its_identifier(self):
        teapot = self.env["product.product"].create(
            {"name": "Teáskanna", "type": "consu", "is_storable": True}
        )
        invoice, line = self.unknown_item_invoice("T4-2026-72")
        action = line.with_user(self.clerk).action_map_product()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.clerk).with_context(**action["context"])
        )
        wizard.product_id = teapot
        wizard.save().action_map()
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(line.stock_move_ids.product_id, teapot)
        self.assertEqual(teapot.szamlazz_identifier, "T4-TEAPOT")
        again = self.receive(szamla_xml("T4-2026-73", items=[("Teáskanna", "T4-TEAPOT", 1, 4500)]))
        self.assertEqual(again.state, "done", "the next document finds it by itself")

    def test_item_without_identifier_mapped_by_hand_moves_its_product(self):
        invoice = self.receive(szamla_xml("T4-2026-74", items=[("Bögre, piros", None, 3, 1000)]))
        self.assertEqual(invoice.line_ids.stock_status, "no_identifier")
        invoice.line_ids.with_user(self.clerk)._map_to_product(self.mug)
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(self.available(self.mug), 7)

    def test_not_a_stock_item_lets_the_document_go(self):
        invoice, line = self.unknown_item_invoice("T4-2026-75", identifier="GIFT-WRAP")
        line.with_user(self.clerk).action_not_stock_item()
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(line.stock_status, "not_stock")
        invoice.action_reprocess()
        self.assertEqual(invoice.state, "done", "the choice sticks")

    def test_a_product_not_tracked_in_stock_does_not_close_the_document(self):
        invoice, _line = self.unknown_item_invoice("T4-2026-76")
        self.env["product.product"].create({"name": "Teáskanna", "default_code": "T4-TEAPOT"})
        self.assertEqual(invoice.state, "needs_attention", "it waits for a stocked product")

    def test_cancelled_invoice_with_a_fee_marked_by_hand_never_delivers_later(self):
        invoice = self.receive(
            szamla_xml(
                "T4-2026-77",
                items=[
                    ("Teáskanna 1 l", "T4-TEAPOT", 2, 4500),
                    ("Díszcsomag", "GIFT-WRAP", 1, 300),
                ],
            )
        )
        invoice.line_ids.filtered(
            lambda line: line.identifier == "GIFT-WRAP"
        ).action_not_stock_item()
        self.assertEqual(invoice.state, "needs_attention")
        storno = self.receive(
            szamla_xml(
                "T4-2026-78",
                kind="SS",
                referenced="T4-2026-77",
                items=[
                    ("Teáskanna 1 l", "T4-TEAPOT", -2, 4500),
                    ("Díszcsomag", "GIFT-WRAP", -1, 300),
                ],
            )
        )
        self.assertEqual(storno.state, "done", storno.state_reason)
        teapot = self.env["product.product"].create(
            {"name": "Teáskanna", "default_code": "T4-TEAPOT", "is_storable": True}
        )
        self.assertFalse(invoice.line_ids.stock_move_ids, "a cancelled invoice delivers nothing")
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                teapot, self.stock, allow_negative=True
            ),
            0,
        )
