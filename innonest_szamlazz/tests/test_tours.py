"""The main flows clicked through in a real browser (Odoo tours in headless Chromium),
against the sandbox. The tours are in ``static/tests/tours/``.

With ``SZAMLAZZ_SCREENSHOTS_DIR`` set, the tours save PNG screenshots of their key screens
there (``TourScreenshotMixin``); ``make test`` leaves it unset.
"""

import base64
import io
import json
import logging
import os
import unittest
from pathlib import Path

from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser
from PIL import Image

from .common import SANDBOX_AGENT_KEY, SANDBOX_TAX_NUMBER, SzamlazzHttpCase

_logger = logging.getLogger(__name__)

SCREENSHOTS_DIR_VARIABLE = "SZAMLAZZ_SCREENSHOTS_DIR"
# Set by `make test` (tools/chromium.sh): a tour that cannot run fails instead of skipping.
REQUIRE_BROWSER_VARIABLE = "SZAMLAZZ_REQUIRE_BROWSER"
# What a tour step logs to ask for a screenshot, and the flag that makes tours ask.
SCREENSHOT_SIGNAL = "szamlazz-screenshot:"
SCREENSHOT_FLAG = "szamlazz_screenshots"

BUYER = {
    "name": "Webshop Vevő",
    "zip": "1111",
    "city": "Budapest",
    "street": "Fő utca 2.",
    "email": "vevo@pelda.hu",
    "private_person": True,
}


def small_png(png):
    """The screenshot as a 256-colour PNG: Odoo's flat screens lose nothing visible."""
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


class TourScreenshotMixin:
    """``start_tour`` that, with ``SZAMLAZZ_SCREENSHOTS_DIR`` set, saves a PNG each time a
    tour step logs ``szamlazz-screenshot:<name>`` (``<dir>/<name>.png``), then lets the
    tour go on. Without the variable the tours take none and never wait.

    With ``SZAMLAZZ_REQUIRE_BROWSER=1`` (``make test``), a tour Odoo would skip (no
    Chromium, no websocket-client, Chromium not answering) fails."""

    def start_tour(self, url_path, tour_name, step_delay=None, **kwargs):
        directory = os.environ.get(SCREENSHOTS_DIR_VARIABLE)
        if directory:
            directory = Path(directory).resolve()
            directory.mkdir(parents=True, exist_ok=True)
            self._patch_console_for_screenshots(directory)
            # Wide enough for the item fixes of a document, narrow enough for the chatter
            # to stay below the form; headless Chromium's page is 143 pixels shorter than
            # its window: 1480x832 screenshots.
            self.browser_size = "1480x975"
            options = {"stepDelay": step_delay or 0, "startUrl": url_path}
            kwargs["code"] = "localStorage.setItem(%s, '1'); odoo.startTour(%s, %s)" % (
                json.dumps(SCREENSHOT_FLAG),
                json.dumps(tour_name),
                json.dumps(options),
            )
        try:
            return super().start_tour(url_path, tour_name, step_delay=step_delay, **kwargs)
        except unittest.SkipTest as skipped:
            # No Chromium or no websocket-client: Odoo skips the tour and reports success.
            if os.environ.get(REQUIRE_BROWSER_VARIABLE) == "1":
                self.fail("The tour %s could not run in Chromium: %s" % (tour_name, skipped))
            raise

    def _patch_console_for_screenshots(self, directory):
        if getattr(self, "_screenshots_patched", False):
            return  # a second tour of the same test
        self._screenshots_patched = True
        original = ChromeBrowser._handle_console

        def handle_console(browser, **event):
            first = (event.get("args") or [{}])[0].get("value")
            if (
                event.get("type") == "log"
                and isinstance(first, str)
                and first.startswith(SCREENSHOT_SIGNAL)
            ):
                save_screenshot(browser, directory, first[len(SCREENSHOT_SIGNAL) :])
            return original(browser, **event)

        self.patch(ChromeBrowser, "_handle_console", handle_console)


def save_screenshot(browser, directory, name):
    """Capture the page as it is now, then tell the waiting tour step (``window``)."""
    name = "".join(char for char in name if char.isalnum() or char in "-_") or "screen"

    def saved(future):
        try:
            png = base64.b64decode(future.result(timeout=0)["data"])
            path = directory / ("%s.png" % name)
            path.write_bytes(small_png(png))
            _logger.info("Screenshot %s (%d bytes)", path, path.stat().st_size)
        finally:
            browser._websocket_send(
                "Runtime.evaluate",
                params={"expression": "window.szamlazzScreenshotTaken = %s" % json.dumps(name)},
            )

    browser._websocket_send(
        "Page.captureScreenshot", params={"format": "png"}, with_future=True
    ).add_done_callback(saved)


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestTours(TourScreenshotMixin, SzamlazzHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = (
            cls.env["stock.warehouse"]
            .search([("company_id", "=", cls.company.id)], limit=1)
            .lot_stock_id
        )
        cls.coffee = cls.env["product.product"].create(
            {"name": "T4 kávé", "default_code": "T4H-COFFEE", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.coffee, cls.stock, 10)

    def import_pushed(self, *documents):
        """Webshop invoices issued at the sandbox, pushed to Odoo and imported; the first."""
        self.register_push_target()
        numbers = [
            self.sandbox.issue(**dict({"kind": "SZ", "prefix": "WEB", "buyer": BUYER}, **document))[
                "number"
            ]
            for document in documents
        ]
        flushed = self.sandbox.flush()
        self.assertFalse(flushed["failed"], flushed)
        self.env["szamlazz.account"]._cron_import_documents()
        self.env.invalidate_all()
        return self.env["szamlazz.invoice"].search([("number", "=", numbers[0])])

    def test_connect_from_the_settings(self):
        """Settings › Inventory › Connect Számlázz.hu: key, company data, what to register."""
        self.account.sudo().write({"agent_key": False, "state": "draft"})
        self.company.vat = False

        self.start_tour("/odoo/settings", "szamlazz_connect_tour", login="admin")

        self.env.invalidate_all()
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(self.account.sudo().agent_key, SANDBOX_AGENT_KEY)
        self.assertEqual(self.company.vat, SANDBOX_TAX_NUMBER, "the ticked tax number")

    def test_pushed_invoice_delivers(self):
        """A pushed webshop invoice: the document list, the document, its delivery."""
        coffee = {"name": "Kávé", "identifier": "T4H-COFFEE", "net_unit_price": 1000}
        invoice = self.import_pushed(
            {"order_number": "W-TOUR-DELIVERY", "items": [dict(coffee, quantity=2)]},
            # More of a shop's day, for the list.
            {
                "order_number": "W-1041",
                "buyer": dict(BUYER, name="Kovács Anna", email="anna@pelda.hu"),
                "items": [dict(coffee, quantity=1)],
                "paid": True,
            },
            {
                "order_number": "W-1042",
                "buyer": dict(BUYER, name="Szabó Péter", email="peter@pelda.hu"),
                "items": [
                    {
                        "name": "Teáskanna",
                        "identifier": "T4H-TEAPOT",
                        "quantity": 1,
                        "net_unit_price": 4500,
                    }
                ],
            },
        )
        self.assertEqual(invoice.state, "done", invoice.state_reason)

        self.start_tour("/odoo", "szamlazz_document_tour", login="admin")

    def test_unknown_item_becomes_a_product(self):
        """An item no product has the code of: Create product, save, the document is done."""
        invoice = self.import_pushed(
            {
                "order_number": "W-TOUR-NEW-ITEM",
                "items": [
                    {
                        "name": "Kávé",
                        "identifier": "T4H-COFFEE",
                        "quantity": 1,
                        "net_unit_price": 1000,
                    },
                    {
                        "name": "Teáskanna",
                        "identifier": "T4H-NEW",
                        "quantity": 2,
                        "net_unit_price": 900,
                    },
                ],
            }
        )
        self.assertEqual(invoice.state, "needs_attention")

        self.start_tour(
            "/odoo/action-innonest_szamlazz.szamlazz_invoice_action",
            "szamlazz_create_product_tour",
            login="admin",
        )

        self.env.invalidate_all()
        teapot = self.env["product.product"].search([("default_code", "=", "T4H-NEW")])
        self.assertEqual(teapot.name, "Teáskanna")
        self.assertTrue(teapot.is_storable)
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(invoice.line_ids.stock_move_ids.product_id, self.coffee | teapot)
