"""A proforma from a quotation, paid at Számlázz.hu, delivers the order (sandbox + push)."""

import time

from odoo import Command
from odoo.addons.innonest_szamlazz.tests.common import SANDBOX_AGENT_KEY, SzamlazzHttpCase
from odoo.tests import new_test_user, tagged

CREATE_ACTION = "action-xmlagentxmlfile"


@tagged("post_install", "-at_install", "innonest_szamlazz", "innonest_szamlazz_sale")
class TestSaleProforma(SzamlazzHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company.country_id = env.ref("base.hu")
        forint = env.ref("base.HUF")
        forint.active = True
        cls.pricelist = env["product.pricelist"].create(
            {"name": "Forint", "currency_id": forint.id}
        )
        Tax = env["account.tax"]
        cls.vat_27 = Tax.create(
            {"name": "ÁFA 27%", "amount": 27, "amount_type": "percent", "type_tax_use": "sale"}
        )
        cls.exempt = Tax.create(
            {
                "name": "Adómentes",
                "amount": 0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "szamlazz_vat_key": "TAM",
            }
        )
        Product = env["product.product"]
        cls.coffee = Product.create(
            {
                "name": "Kávébab 1 kg",
                "default_code": "SO-COFFEE",
                "type": "consu",
                "is_storable": True,
                "list_price": 6990,
            }
        )
        cls.mug = Product.create(
            {
                "name": "Kerámia bögre",
                "default_code": "SO-MUG",
                "type": "consu",
                "is_storable": True,
                "list_price": 2990,
            }
        )
        cls.course = Product.create(
            {
                "name": "Barista tanfolyam",
                "default_code": "SO-COURSE",
                "type": "service",
                "list_price": 20000,
            }
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock = warehouse.lot_stock_id
        for product in cls.coffee | cls.mug:
            env["stock.quant"]._update_available_quantity(product, cls.stock, 10)
        cls.buyer = env["res.partner"].create(
            {
                "name": "Kávézó Kft.",
                "is_company": True,
                "vat": "11223344-2-13",
                "country_id": env.ref("base.hu").id,
                "zip": "1061",
                "city": "Budapest",
                "street": "Andrássy út 10.",
                "email": "rendeles@kavezo.hu",
            }
        )
        cls.salesperson = new_test_user(
            env,
            login="szamlazz_salesperson",
            name="Eladó Erika",
            groups="sales_team.group_sale_salesman,innonest_szamlazz.group_szamlazz_user",
        )

    def setUp(self):
        super().setUp()
        self.order = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.buyer.id,
                    "pricelist_id": self.pricelist.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.coffee.id,
                                "product_uom_qty": 2,
                                "price_unit": 6990,
                                "discount": 10,
                                "tax_id": [Command.set(self.vat_27.ids)],
                            }
                        ),
                        Command.create(
                            {
                                "product_id": self.mug.id,
                                "product_uom_qty": 1,
                                "price_unit": 2990,
                                "tax_id": [Command.set(self.vat_27.ids)],
                            }
                        ),
                        Command.create(
                            {
                                "product_id": self.course.id,
                                "product_uom_qty": 1,
                                "price_unit": 20000,
                                "tax_id": [Command.set(self.exempt.ids)],
                            }
                        ),
                    ],
                }
            )
        )

    def available(self, product):
        return self.env["stock.quant"]._get_available_quantity(product, self.stock)

    def create_proforma(self):
        action = self.order.with_user(self.salesperson).action_szamlazz_proforma()
        wizard = (
            self.env["szamlazz.proforma.wizard"]
            .with_user(self.salesperson)
            .browse(action["res_id"])
        )
        wizard.action_create_proforma()
        return wizard

    def pay_at_szamlazz(self, proforma):
        """The buyer pays; Számlázz.hu issues the invoice and pushes it to Odoo, whose
        scheduled action processes it."""
        self.register_push_target()
        self.sandbox.control(
            "POST", "documents/%s/pay" % proforma.number, {"agent_key": SANDBOX_AGENT_KEY}
        )
        flushed = self.sandbox.flush()
        self.assertFalse(flushed["failed"], flushed)
        self.store_pushes()
        self.env["szamlazz.invoice"]._process_inbox_batch()

    def agent_creates(self):
        return [
            request
            for request in self.sandbox.state()["requests"]
            if request["action"] == CREATE_ACTION
        ]

    def test_salesperson_creates_the_proforma_from_the_quotation(self):
        action = self.order.with_user(self.salesperson).action_szamlazz_proforma()
        wizard = self.env["szamlazz.proforma.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.order_number, self.order.name)
        self.assertEqual(wizard.partner_id, self.buyer)
        self.assertEqual(wizard.line_ids.mapped("identifier"), ["SO-COFFEE", "SO-MUG", "SO-COURSE"])
        self.assertEqual(
            wizard.line_ids.mapped("vat_key"),
            ["27", "27", "TAM"],
            "a 27% tax is key 27, the 0% tax carries its own key",
        )
        self.assertEqual(wizard.line_ids[0].net_unit_price, 6291, "the discount is in the price")

        answer = wizard.with_user(self.salesperson).action_create_proforma()

        proforma = self.order.szamlazz_proforma_id
        self.assertEqual(
            answer["params"]["next"]["type"],
            "ir.actions.act_window_close",
            "back on the quotation, which now shows its proforma",
        )
        self.assertIn(proforma.number, answer["params"]["message"])
        self.assertEqual(proforma.kind, "D")
        self.assertEqual(proforma.sale_order_id, self.order)
        self.assertEqual(proforma.order_number, self.order.name)
        self.assertAlmostEqual(proforma.amount_gross, 2 * 6291 * 1.27 + 2990 * 1.27 + 20000)
        [create] = self.agent_creates()
        self.assertEqual(create["order_number"], self.order.name)
        write = self.env["szamlazz.agent.write"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", self.order.id)]
        )
        self.assertEqual(write.state, "done")
        self.assertRegex(create["external_id"], r"^odoo-\w{8}-request-%d$" % write.id)
        self.assertEqual(create["external_id"], write.external_id)
        posted = self.order.message_ids.filtered(lambda m: proforma.number in (m.body or ""))
        self.assertEqual(posted.attachment_ids.mapped("name"), ["%s.pdf" % proforma.number])

    def test_clicking_again_never_creates_a_second_proforma(self):
        wizard = self.create_proforma()
        wizard.with_user(self.salesperson).action_create_proforma()
        again = self.order.with_user(self.salesperson).action_szamlazz_proforma()

        self.assertEqual(
            (again["res_model"], again["res_id"]),
            ("szamlazz.invoice", self.order.szamlazz_proforma_id.id),
            "the order's button now opens the proforma it has",
        )
        self.assertEqual(len(self.agent_creates()), 1)
        self.assertEqual(
            self.env["szamlazz.invoice"].search_count(
                [("kind", "=", "D"), ("order_number", "=", self.order.name)]
            ),
            1,
        )

    def test_unanswered_proforma_is_checked_and_linked_to_the_order(self):
        """Számlázz.hu answers after Odoo stopped waiting: the order says the proforma is
        being checked, the button sends nothing again, and the check links it."""
        self.env["ir.config_parameter"].sudo().set_param(
            "innonest_szamlazz.agent_read_timeout", "1"
        )
        self.sandbox.control(
            "POST",
            "accounts",
            {"agent_key": SANDBOX_AGENT_KEY, "forbid_order_number_repetition": False},
        )
        self.sandbox.control("POST", "faults", {"kind": "latency", "seconds": 3})
        action = self.order.with_user(self.salesperson).action_szamlazz_proforma()
        wizard = (
            self.env["szamlazz.proforma.wizard"]
            .with_user(self.salesperson)
            .browse(action["res_id"])
        )

        answer = wizard.action_create_proforma()

        self.assertEqual(answer["params"]["type"], "warning")
        self.order.invalidate_recordset()  # what the next request reads
        self.assertFalse(self.order.szamlazz_proforma_id)
        self.assertIn("has not answered", self.order.szamlazz_pending_write_message)
        again = self.order.with_user(self.salesperson).action_szamlazz_proforma()
        self.assertEqual(again["tag"], "display_notification", "no new wizard, no new create")

        deadline = time.monotonic() + 15
        while not self.sandbox.state()["documents"] and time.monotonic() < deadline:
            time.sleep(0.2)
        self.env["szamlazz.agent.write"]._cron_check_writes()
        self.order.invalidate_recordset()

        proforma = self.order.szamlazz_proforma_id
        self.assertEqual((proforma.kind, proforma.sale_order_id), ("D", self.order))
        self.assertFalse(self.order.szamlazz_pending_write_id)
        self.assertEqual(len(self.agent_creates()), 1)
        self.assertEqual(len(self.sandbox.state()["documents"]), 1)

    def test_paid_proforma_delivers_the_order_once(self):
        self.create_proforma()
        proforma = self.order.szamlazz_proforma_id
        self.order.with_user(self.salesperson).action_confirm()
        delivery = self.order.picking_ids
        self.assertEqual(len(delivery), 1)

        self.pay_at_szamlazz(proforma)

        final = proforma.final_invoice_id
        self.assertTrue(final, "the invoice Számlázz.hu issued for the payment arrived")
        self.assertEqual(final.proforma_id, proforma)
        self.assertEqual(final.payment_state, "paid")
        self.assertEqual(proforma.payment_state, "paid")
        self.assertEqual(self.order.szamlazz_proforma_payment_state, "paid")

        self.assertEqual(self.order.picking_ids, delivery, "no second picking")
        self.assertEqual(delivery.state, "done")
        self.assertEqual(final.picking_ids, delivery)
        self.assertEqual(proforma.final_picking_ids, delivery)
        self.assertEqual(self.available(self.coffee), 8)
        self.assertEqual(self.available(self.mug), 9)
        self.assertFalse(self.env["stock.picking"].search([("origin", "like", final.number)]))

        # The same invoice again (a repeated push) moves nothing more.
        final.action_reprocess()
        self.assertEqual(self.available(self.coffee), 8)
        self.assertEqual(self.order.picking_ids, delivery)

    def test_one_product_on_two_lines_is_delivered_once_with_no_backorder(self):
        """Two order lines of one product have a move each: each invoice line fills its
        own, so nothing is shipped twice and no backorder waits for goods already sent."""
        self.order.order_line.filtered(lambda line: line.product_id == self.mug).unlink()
        self.order.order_line = [
            Command.create(
                {
                    "product_id": self.coffee.id,
                    "product_uom_qty": 1,
                    "price_unit": 6990,
                    "tax_id": [Command.set(self.vat_27.ids)],
                }
            )
        ]
        self.create_proforma()
        self.order.action_confirm()
        delivery = self.order.picking_ids
        self.assertEqual(len(delivery.move_ids.filtered(lambda m: m.product_id == self.coffee)), 2)

        self.pay_at_szamlazz(self.order.szamlazz_proforma_id)

        self.assertEqual(self.order.picking_ids, delivery, "no second picking, no backorder")
        self.assertEqual(delivery.state, "done")
        self.assertEqual(self.available(self.coffee), 7, "2 + 1 left the shelf, once")
        final = self.order.szamlazz_proforma_id.final_invoice_id
        for line in final.line_ids.filtered(lambda line: line.product_id == self.coffee):
            self.assertEqual(len(line.stock_move_ids), 1, "a move of its own")
            self.assertEqual(line.stock_move_ids.quantity, line.quantity)

    def test_paying_the_proforma_of_a_quotation_confirms_and_delivers_it(self):
        self.create_proforma()
        self.assertEqual(self.order.state, "draft")

        self.pay_at_szamlazz(self.order.szamlazz_proforma_id)

        self.assertEqual(self.order.state, "sale")
        self.assertEqual(
            self.order.invoice_status, "invoiced", "no Create Invoice: the invoice exists"
        )
        self.assertEqual(
            self.order.szamlazz_billing_invoice_id,
            self.order.szamlazz_proforma_id.final_invoice_id,
        )
        seller = new_test_user(
            self.env, login="plain_seller", groups="sales_team.group_sale_salesman_all_leads"
        )
        self.assertTrue(
            self.order.with_user(seller).read(["szamlazz_billing_invoice_id"]),
            "a salesperson without Számlázz.hu rights still opens the order",
        )
        self.assertEqual(len(self.order.picking_ids), 1, "only the order's own delivery")
        self.assertEqual(self.order.picking_ids.state, "done")
        self.assertEqual(self.available(self.coffee), 8)
        self.assertEqual(self.available(self.mug), 9)

    def test_goods_shipped_before_payment_are_not_shipped_again(self):
        self.create_proforma()
        self.order.action_confirm()
        delivery = self.order.picking_ids
        delivery.move_ids.picked = True
        delivery.button_validate()
        self.assertEqual(self.available(self.coffee), 8)

        self.pay_at_szamlazz(self.order.szamlazz_proforma_id)

        final = self.order.szamlazz_proforma_id.final_invoice_id
        self.assertEqual(final.state, "done", final.state_reason)
        self.assertEqual(self.order.picking_ids, delivery)
        self.assertEqual(self.available(self.coffee), 8)
        self.assertEqual(self.available(self.mug), 9)
