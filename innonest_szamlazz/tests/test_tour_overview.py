"""The overview in a real browser: its counts, a count's list, Import now."""

from odoo.tests import tagged

from .common import SzamlazzHttpCase
from .szamla_documents import szamla_xml
from .test_tours import TourScreenshotMixin


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestOverviewTour(TourScreenshotMixin, SzamlazzHttpCase):
    def receive(self, number, identifier, order_number):
        return self.env["szamlazz.invoice"]._receive_xml(
            self.account,
            szamla_xml(
                number,
                items=[("Teáskanna", identifier, 1, 4500)],
                order_number=order_number,
            ),
            "push",
        )

    def test_overview_counts_and_actions(self):
        stock = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.company.id)], limit=1)
            .lot_stock_id
        )
        teapot = self.env["product.product"].create(
            {"name": "T5 teáskanna", "default_code": "T5-TEAPOT", "is_storable": True}
        )
        self.env["stock.quant"]._update_available_quantity(teapot, stock, 5)
        self.receive("T5-2026-1", "T5-UNKNOWN", "W-TOUR-ATTENTION")._process()
        waiting = self.receive("T5-2026-2", "T5-TEAPOT", "W-TOUR-WAITING")

        self.start_tour(
            "/odoo/action-stock.stock_picking_type_action", "szamlazz_overview_tour", login="admin"
        )

        self.env.invalidate_all()
        self.assertEqual(waiting.state, "done", "Import now on the card processed it")
