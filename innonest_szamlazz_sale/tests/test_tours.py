"""Quotation → proforma → paid at Számlázz.hu → order confirmed and delivered, in a real
browser (Odoo tours in headless Chromium, ``static/tests/tours/``) against the sandbox."""

from odoo import Command
from odoo.addons.innonest_szamlazz.tests.common import SANDBOX_AGENT_KEY, SzamlazzHttpCase
from odoo.addons.innonest_szamlazz.tests.test_tours import TourScreenshotMixin
from odoo.tests import tagged


@tagged("post_install", "-at_install", "innonest_szamlazz_sale")
class TestSaleTours(TourScreenshotMixin, SzamlazzHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company.country_id = env.ref("base.hu")
        forint = env.ref("base.HUF")
        forint.active = True
        cls.company.currency_id = forint  # a Hungarian shop: no exchange rate to show
        pricelist = env["product.pricelist"].create({"name": "Forint", "currency_id": forint.id})
        vat_27 = env["account.tax"].create(
            {
                "name": "ÁFA 27%",
                "amount": 27,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "tax_group_id": env["account.tax.group"].create({"name": "ÁFA 27%"}).id,
            }
        )
        cls.coffee = env["product.product"].create(
            {
                "name": "Kávébab 1 kg",
                "default_code": "SO-TOUR-COFFEE",
                "is_storable": True,
                "list_price": 6990,
                "taxes_id": [Command.set(vat_27.ids)],
            }
        )
        cls.stock = (
            env["stock.warehouse"]
            .search([("company_id", "=", cls.company.id)], limit=1)
            .lot_stock_id
        )
        env["stock.quant"]._update_available_quantity(cls.coffee, cls.stock, 10)
        buyer = env["res.partner"].create(
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
        cls.order = env["sale.order"].create(
            {
                "partner_id": buyer.id,
                "pricelist_id": pricelist.id,
                # The admin's, whom the tour logs in as: "My Quotations" lists it.
                "user_id": env.ref("base.user_admin").id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.coffee.id,
                            "product_uom_qty": 2,
                            "price_unit": 6990,
                            "tax_id": [Command.set(vat_27.ids)],
                        }
                    )
                ],
            }
        )

    def test_quotation_proforma_paid_delivered(self):
        self.start_tour(
            "/odoo/action-sale.action_quotations_with_onboarding",
            "szamlazz_sale_proforma_tour",
            login="admin",
        )

        self.env.invalidate_all()
        proforma = self.order.szamlazz_proforma_id
        self.assertEqual(proforma.kind, "D", "the wizard created the proforma")
        self.assertEqual(self.order.state, "draft")

        # The buyer pays at Számlázz.hu, which issues the invoice and pushes it to Odoo.
        self.register_push_target()
        self.sandbox.control(
            "POST", "documents/%s/pay" % proforma.number, {"agent_key": SANDBOX_AGENT_KEY}
        )
        flushed = self.sandbox.flush()
        self.assertFalse(flushed["failed"], flushed)
        self.store_pushes()
        self.env["szamlazz.invoice"]._process_inbox_batch()
        self.env.invalidate_all()

        self.assertEqual(proforma.payment_state, "paid")
        self.assertEqual(self.order.state, "sale", "the paid proforma confirmed the order")
        self.assertEqual(self.order.picking_ids.state, "done", "and delivered it")
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(self.coffee, self.stock), 8
        )

        self.start_tour(
            "/odoo/action-sale.action_quotations_with_onboarding/%d" % self.order.id,
            "szamlazz_sale_paid_order_tour",
            login="admin",
        )
