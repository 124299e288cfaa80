"""Webshop invoices become confirmed sales orders (sandbox + push over HTTP)."""

import base64

from odoo import Command
from odoo.addons.innonest_szamlazz.tests.common import SANDBOX_AGENT_KEY, SzamlazzHttpCase
from odoo.tests import tagged

BUYER = {
    "name": "Webshop Vásárló",
    "zip": "1111",
    "city": "Budapest",
    "street": "Fő utca 2.",
    "email": "vasarlo@pelda.hu",
    "private_person": True,
}


@tagged("post_install", "-at_install", "innonest_szamlazz", "innonest_szamlazz_sale")
class TestWebshopSaleOrder(SzamlazzHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company.country_id = env.ref("base.hu")
        env.ref("base.HUF").active = True
        Tax = env["account.tax"]
        cls.vat_27 = Tax.create(
            {
                "name": "ÁFA 27% (webshop)",
                "amount": 27,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "szamlazz_vat_key": "27",
            }
        )
        Product = env["product.product"]
        cls.coffee = Product.create(
            {
                "name": "Kávébab 1 kg",
                "default_code": "WS-COFFEE",
                "type": "consu",
                "is_storable": True,
            }
        )
        cls.mug = Product.create(
            {"name": "Bögre", "default_code": "WS-MUG", "type": "consu", "is_storable": True}
        )
        cls.wrapping = Product.create(
            {"name": "Díszcsomagolás", "default_code": "WS-WRAP", "type": "service"}
        )
        cls.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        for product in cls.coffee | cls.mug:
            env["stock.quant"]._update_available_quantity(product, cls.stock, 10)
        cls.prefix = env["szamlazz.prefix"].create(
            {
                "account_id": cls.account.id,
                "name": "WEB",
                "is_webshop": True,
                "warehouse_id": cls.warehouse.id,
                "create_sale_orders": True,
            }
        )

    # -- helpers ---------------------------------------------------------------------------

    def available(self, product):
        return self.env["stock.quant"]._get_available_quantity(product, self.stock)

    def issue_webshop_invoice(self, order_number="WS-1001", items=None):
        items = items or [
            {
                "name": "Kávébab",
                "identifier": "WS-COFFEE",
                "quantity": 2,
                "net_unit_price": 1000,
                "vat_rate": "27",
            },
            {
                "name": "Bögre",
                "identifier": "WS-MUG",
                "quantity": 1,
                "net_unit_price": 500,
                "vat_rate": "27",
            },
            {
                "name": "Díszcsomagolás",
                "identifier": "WS-WRAP",
                "quantity": 1,
                "net_unit_price": 300,
                "vat_rate": "AAM",
            },
        ]
        return self.sandbox.issue(
            kind="SZ", prefix="WEB", buyer=BUYER, items=items, order_number=order_number
        )["number"]

    def import_documents(self):
        """Számlázz.hu pushes what is pending; Odoo's scheduled import processes it."""
        self.register_push_target()
        flushed = self.sandbox.flush()
        self.assertFalse(flushed["failed"], flushed)
        self.env.invalidate_all()
        self.env["szamlazz.account"]._cron_import_documents()
        self.env.invalidate_all()

    def find(self, number):
        return self.env["szamlazz.invoice"].search([("number", "=", number)])

    def orders_of(self, invoice):
        return self.env["sale.order"].search(
            ["|", ("szamlazz_invoice_id", "=", invoice.id), ("origin", "=", invoice.number)]
        )

    def chatter(self, record):
        return "\n".join(record.message_ids.mapped("body"))

    def assert_moved_once(self, invoice):
        for line in invoice.line_ids.filtered(lambda line: line.product_id.is_storable):
            self.assertEqual(len(line.stock_move_ids), 1, line.name)
            self.assertEqual(line.stock_move_ids.state, "done", line.name)
            self.assertEqual(line.stock_move_ids.quantity, line.quantity, line.name)
            self.assertEqual(line.stock_status, "moved", line.name)

    # -- tests -----------------------------------------------------------------------------

    def test_webshop_invoice_becomes_a_confirmed_and_delivered_order(self):
        number = self.issue_webshop_invoice()
        self.import_documents()

        invoice = self.find(number)
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        order = self.orders_of(invoice)
        self.assertEqual(len(order), 1)
        self.assertEqual(invoice.sale_order_id, order)
        self.assertEqual(order.szamlazz_invoice_id, invoice)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.partner_id, invoice.partner_id)
        self.assertEqual(order.partner_id.name, "Webshop Vásárló")
        self.assertEqual(order.company_id, self.company)
        self.assertEqual(order.currency_id.name, "HUF")
        self.assertEqual(order.warehouse_id, self.warehouse)
        self.assertEqual(order.client_order_ref, "WS-1001")
        self.assertEqual(order.origin, number)

        lines = order.order_line.sorted("sequence")
        self.assertEqual(lines.product_id, self.coffee | self.mug | self.wrapping)
        self.assertEqual(lines.mapped("product_uom_qty"), [2, 1, 1])
        self.assertEqual(lines.mapped("price_unit"), [1000, 500, 300])
        self.assertEqual(lines[0].tax_id, self.vat_27)
        self.assertEqual(lines[1].tax_id, self.vat_27)
        self.assertFalse(lines[2].tax_id, "no sale tax has the key AAM")
        self.assertIn("AAM", self.chatter(order))
        self.assertAlmostEqual(order.amount_untaxed, 2800)
        for item in invoice.line_ids:
            self.assertEqual(item.sale_line_id.product_id, item.product_id)

        self.assertEqual(order.invoice_status, "invoiced", "the Számlázz.hu invoice is the invoice")
        self.assertEqual(set(order.order_line.mapped("invoice_status")), {"invoiced"})
        self.assertFalse(any(order.order_line.mapped("qty_to_invoice")))
        self.assertFalse(order.amount_to_invoice)

        delivery = order.picking_ids
        self.assertEqual(len(delivery), 1, "the order's own delivery, no second transfer")
        self.assertEqual(delivery.state, "done")
        self.assertEqual(invoice.picking_ids, delivery)
        self.assert_moved_once(invoice)
        self.assertEqual(
            invoice.line_ids.stock_move_ids.sale_line_id,
            lines.filtered(lambda line: line.product_id.is_storable),
        )
        self.assertEqual(lines.mapped("qty_delivered"), [2, 1, 0])
        self.assertEqual(self.available(self.coffee), 8)
        self.assertEqual(self.available(self.mug), 9)
        self.assertFalse(
            self.env["stock.picking"].search(
                [("id", "!=", delivery.id), ("partner_id", "=", order.partner_id.id)]
            )
        )
        self.assertEqual(
            (invoice.line_ids - invoice.line_ids.stock_move_ids.szamlazz_invoice_line_id).mapped(
                "stock_status"
            ),
            ["not_storable"],
        )

    def test_processing_again_never_makes_a_second_order(self):
        number = self.issue_webshop_invoice()
        self.import_documents()
        invoice = self.find(number)
        order = invoice.sale_order_id
        self.assertTrue(order)

        invoice.action_reprocess()
        # The same push again (a replay) is acknowledged and changes nothing.
        answer = self.url_open(
            "/szamlazz/push",
            data=base64.b64decode(invoice.raw_xml),
            headers={"X-Szamlazzhu-Key": self.account.push_key, "Content-Type": "application/xml"},
        )
        self.assertEqual(answer.status_code, 200)
        # A new version: the buyer pays, Számlázz.hu pushes the invoice again.
        self.sandbox.control("POST", "documents/%s/pay" % number, {"agent_key": SANDBOX_AGENT_KEY})
        self.import_documents()

        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(len(invoice.arrival_ids), 2, "the paid version was processed")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(order.szamlazz_invoice_payment_state, "paid")
        self.assertEqual(self.orders_of(invoice), order, "still one order")
        self.assertEqual(len(order.order_line), 3)
        self.assertEqual(len(order.picking_ids), 1)
        self.assert_moved_once(invoice)
        self.assertEqual(self.available(self.coffee), 8)
        self.assertEqual(self.available(self.mug), 9)
        self.assertEqual(order.invoice_status, "invoiced")

    def test_item_found_later_completes_the_same_order(self):
        """An item whose product Odoo does not know leaves the document waiting; once the
        product exists, Re-process adds it to the order made the first time."""
        items = [
            {"name": "Kávébab", "identifier": "WS-COFFEE", "quantity": 1, "net_unit_price": 1000},
            {"name": "Tea", "identifier": "WS-TEA", "quantity": 3, "net_unit_price": 800},
        ]
        number = self.issue_webshop_invoice(order_number="WS-1002", items=items)
        self.import_documents()
        invoice = self.find(number)
        self.assertEqual(invoice.state, "needs_attention")
        order = invoice.sale_order_id
        self.assertEqual(order.order_line.product_id, self.coffee)
        self.assertIn("Tea", self.chatter(order))
        self.assertEqual(self.available(self.coffee), 9)

        tea = self.env["product.product"].create(
            {"name": "Tea", "default_code": "WS-TEA", "type": "consu", "is_storable": True}
        )
        self.env["stock.quant"]._update_available_quantity(tea, self.stock, 10)
        invoice.action_reprocess()

        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(self.orders_of(invoice), order)
        self.assertEqual(order.order_line.product_id, self.coffee | tea)
        self.assertEqual(set(order.picking_ids.mapped("state")), {"done"})
        self.assertEqual(invoice.picking_ids, order.picking_ids)
        self.assert_moved_once(invoice)
        self.assertEqual(self.available(tea), 7)
        self.assertEqual(self.available(self.coffee), 9)
        self.assertEqual(order.invoice_status, "invoiced")

    def test_storno_brings_the_goods_back_and_marks_the_order(self):
        number = self.issue_webshop_invoice()
        self.import_documents()
        invoice = self.find(number)
        order = invoice.sale_order_id
        delivery = order.picking_ids
        self.assertEqual(self.available(self.coffee), 8)

        storno_number = self.sandbox.control(
            "POST", "documents/%s/storno" % number, {"agent_key": SANDBOX_AGENT_KEY}
        )["number"]
        self.import_documents()

        storno = self.find(storno_number)
        self.assertEqual((storno.kind, storno.state), ("SS", "done"), storno.state_reason)
        self.assertTrue(invoice.cancelled)
        self.assertEqual(self.available(self.coffee), 10)
        self.assertEqual(self.available(self.mug), 10)
        returned = storno.picking_ids
        self.assertEqual(len(returned), 1)
        self.assertEqual(returned.state, "done")
        self.assertEqual(
            returned.move_ids.origin_returned_move_id.picking_id, delivery, "Odoo's own return"
        )
        self.assertTrue(order.szamlazz_cancelled)
        self.assertEqual(order.state, "sale", "a delivered order is not cancelled")
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertIn("Cancelled at Számlázz.hu", self.chatter(order))
        self.assertIn(storno_number, self.chatter(order))
        self.assertEqual(self.env["sale.order"].search([("szamlazz_cancelled", "=", True)]), order)

        messages = len(order.message_ids)
        storno.action_reprocess()
        self.assertEqual(self.available(self.coffee), 10, "nothing comes back twice")
        self.assertEqual(len(order.message_ids), messages, "the order is told once")

    def test_option_off_makes_no_order(self):
        self.prefix.create_sale_orders = False
        number = self.issue_webshop_invoice()
        self.import_documents()

        invoice = self.find(number)
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertFalse(invoice.sale_order_id)
        self.assertFalse(self.orders_of(invoice))
        self.assertFalse(self.env["sale.order"].search([("client_order_ref", "=", "WS-1001")]))
        self.assertEqual(len(invoice.picking_ids), 1, "today's transfer of the invoice")
        self.assertFalse(invoice.picking_ids.sale_id)
        self.assert_moved_once(invoice)
        self.assertEqual(self.available(self.coffee), 8)

    def test_invoice_of_a_proforma_made_from_an_order_keeps_delivering_that_order(self):
        """The option is on for every prefix here: the invoice of a proforma made from an
        Odoo order still validates that order's delivery and makes no order of its own."""
        self.env["szamlazz.prefix"].create(
            {
                "account_id": self.account.id,
                "name": "DEMO",
                "is_webshop": True,
                "warehouse_id": self.warehouse.id,
                "create_sale_orders": True,
            }
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Kávézó Kft."}).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.coffee.id,
                            "product_uom_qty": 2,
                            "price_unit": 1000,
                            "tax_id": [Command.set(self.vat_27.ids)],
                        }
                    )
                ],
            }
        )
        action = order.action_szamlazz_proforma()
        self.env["szamlazz.proforma.wizard"].browse(action["res_id"]).action_create_proforma()
        proforma = order.szamlazz_proforma_id
        self.assertTrue(proforma)
        order.action_confirm()
        delivery = order.picking_ids

        self.sandbox.control(
            "POST", "documents/%s/pay" % proforma.number, {"agent_key": SANDBOX_AGENT_KEY}
        )
        self.import_documents()

        final = proforma.final_invoice_id
        self.assertEqual(final.state, "done", final.state_reason)
        self.assertFalse(self.env["sale.order"].search([("szamlazz_invoice_id", "!=", False)]))
        self.assertEqual(order.picking_ids, delivery)
        self.assertEqual(delivery.state, "done")
        self.assertEqual(self.available(self.coffee), 8)
