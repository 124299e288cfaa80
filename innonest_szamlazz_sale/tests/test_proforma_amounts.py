"""The proforma asks the buyer for exactly what the quotation shows: its taxes (as VAT
keys), discounts, currency and exchange rate; what Számlázz.hu would total otherwise is
refused before anything is sent."""

from odoo import Command
from odoo.addons.innonest_szamlazz.tests.common import SzamlazzCase
from odoo.exceptions import UserError
from odoo.tests import tagged

CREATE_ACTION = "action-xmlagentxmlfile"


@tagged("post_install", "-at_install", "innonest_szamlazz", "innonest_szamlazz_sale")
class TestProformaAmounts(SzamlazzCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.forint = env.ref("base.HUF")
        cls.euro = env.ref("base.EUR")
        (cls.forint | cls.euro).active = True
        Tax = env["account.tax"]
        cls.vat_27 = Tax.create({"name": "PA ÁFA 27%", "amount": 27, "type_tax_use": "sale"})
        cls.vat_5 = Tax.create({"name": "PA ÁFA 5%", "amount": 5, "type_tax_use": "sale"})
        cls.foreign_15 = Tax.create({"name": "PA tax 15%", "amount": 15, "type_tax_use": "sale"})
        Product = env["product.product"]
        cls.mug = Product.create({"name": "Bögre", "default_code": "PA-MUG", "list_price": 2990})
        cls.book = Product.create({"name": "Könyv", "default_code": "PA-BOOK", "list_price": 4590})
        cls.buyer = env["res.partner"].create(
            {
                "name": "Olvasó Kávézó Kft.",
                "is_company": True,
                "vat": "11223344-2-13",
                "country_id": env.ref("base.hu").id,
                "zip": "6720",
                "city": "Szeged",
                "street": "Kárász utca 1.",
            }
        )

    def order(self, currency, lines):
        pricelist = self.env["product.pricelist"].create(
            {"name": currency.name, "currency_id": currency.id}
        )
        return self.env["sale.order"].create(
            {
                "partner_id": self.buyer.id,
                "pricelist_id": pricelist.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                            "discount": discount,
                            "tax_id": [Command.set(tax.ids)],
                        }
                    )
                    for product, quantity, price, discount, tax in lines
                ],
            }
        )

    def wizard_of(self, order):
        action = order.action_szamlazz_proforma()
        return self.env["szamlazz.proforma.wizard"].browse(action["res_id"])

    def agent_creates(self):
        return [r for r in self.sandbox.state()["requests"] if r["action"] == CREATE_ACTION]

    def test_forint_proforma_asks_for_the_order_total(self):
        order = self.order(
            self.forint,
            [(self.mug, 3, 2990, 10, self.vat_27), (self.book, 2, 4590, 0, self.vat_5)],
        )
        self.wizard_of(order).action_create_proforma()
        proforma = order.szamlazz_proforma_id
        self.assertEqual(proforma.currency_code, "HUF")
        self.assertAlmostEqual(proforma.amount_gross, order.amount_total, delta=1)
        self.assertEqual(
            sorted(proforma.line_ids.mapped("vat_rate")), ["27", "5"], "each line its own rate"
        )

    def test_euro_proforma_asks_for_the_order_total_at_the_order_rate(self):
        today = "2026-01-01"
        self.env["res.currency.rate"].create(
            [
                {"currency_id": self.forint.id, "name": today, "rate": 400.0},
                {"currency_id": self.euro.id, "name": today, "rate": 1.0},
            ]
        )
        order = self.order(
            self.euro,
            [(self.mug, 3, 7.49, 15, self.vat_27), (self.book, 1, 11.99, 0, self.vat_5)],
        )
        wizard = self.wizard_of(order)
        self.assertEqual(wizard.currency_id, self.euro)
        expected_rate = self.euro._get_conversion_rate(
            self.euro, self.forint, order.company_id, order.date_order
        )
        self.assertAlmostEqual(wizard.exchange_rate, expected_rate, places=4)
        wizard.action_create_proforma()
        proforma = order.szamlazz_proforma_id
        self.assertEqual(proforma.currency_code, "EUR")
        self.assertAlmostEqual(proforma.amount_gross, order.amount_total, delta=0.01)

    def test_a_tax_without_vat_key_stops_the_wizard_before_sending(self):
        order = self.order(self.forint, [(self.mug, 1, 2990, 0, self.foreign_15)])
        wizard = self.wizard_of(order)
        with self.assertRaisesRegex(UserError, "no Számlázz.hu VAT key"):
            wizard.action_create_proforma()
        self.assertFalse(self.agent_creates(), "nothing was sent")

    def test_a_line_changed_in_the_wizard_is_refused(self):
        order = self.order(self.forint, [(self.mug, 1, 2990, 0, self.vat_27)])
        wizard = self.wizard_of(order)
        wizard.line_ids.quantity = 5
        with self.assertRaisesRegex(UserError, "but the order totals"):
            wizard.action_create_proforma()
        self.assertFalse(self.agent_creates(), "nothing was sent")

    def test_without_a_forint_rate_szamlazz_takes_the_mnb_rate(self):
        order = self.order(self.euro, [(self.mug, 1, 7.49, 0, self.vat_27)])
        self.assertEqual(
            self.wizard_of(order).exchange_rate, 0, "not Odoo's 1.0 for a currency without rates"
        )
