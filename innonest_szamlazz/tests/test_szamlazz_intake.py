"""The three ways documents arrive, against the sandbox: push over HTTP, IPN, pull."""

import base64
import select
import time
from datetime import timedelta

import psycopg2
from odoo import fields
from odoo.exceptions import AccessError
from odoo.sql_db import connection_info_for
from odoo.tests import new_test_user, tagged

from ..models.szamlazz_account import WAKE_UP
from ..tools.cron_wakeup import kept_backend_pid, wake_cron_workers
from .common import SANDBOX_AGENT_KEY, SzamlazzCase, SzamlazzHttpCase
from .szamla_documents import szamla_xml

COFFEE = [("Kávé", "T4H-COFFEE", 1, 1000)]
BUYER = {
    "name": "Webshop Vevő",
    "zip": "1111",
    "city": "Budapest",
    "street": "Fő utca 2.",
    "email": "vevo@pelda.hu",
    "private_person": True,
}


class StockMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = (
            cls.env["stock.warehouse"]
            .search([("company_id", "=", cls.company.id)], limit=1)
            .lot_stock_id
        )
        cls.product = cls.env["product.product"].create(
            {"name": "T4 kávé", "default_code": "T4H-COFFEE", "type": "consu", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.stock, 10)

    def available(self):
        return self.env["stock.quant"]._get_available_quantity(self.product, self.stock)

    def deliver(self):
        """Let the sandbox push and post now, and the import store what was pushed (not
        process it yet); what Odoo's server wrote is read afresh."""
        flushed = self.sandbox.flush()
        self.env.invalidate_all()
        self.store_pushes()
        return flushed

    def issue_invoice(self, quantity=2, kind="SZ", **extra):
        """A document of ``quantity`` coffees issued at the sandbox; its number."""
        return self.sandbox.issue(
            kind=kind,
            prefix="WEB",
            buyer=BUYER,
            items=[
                {
                    "name": "Kávé",
                    "identifier": "T4H-COFFEE",
                    "quantity": quantity,
                    "net_unit_price": 1000,
                }
            ],
            **extra,
        )["number"]


@tagged("post_install", "-at_install", "innonest_szamlazz")
class SzamlazzPushCase(StockMixin, SzamlazzHttpCase):
    def find(self, number):
        return self.env["szamlazz.invoice"].search([("number", "=", number)])

    def test_push_is_stored_acknowledged_and_processed_later(self):
        self.register_push_target()
        number = self.issue_invoice(order_number="W-100")
        account_written = self.account.write_date
        flushed = self.deliver()
        self.assertEqual([d["number"] for d in flushed["delivered"]], [number])
        self.assertFalse(flushed["failed"])
        invoice = self.find(number)
        self.assertEqual(invoice.state, "received", "the push only stores")
        self.assertEqual(self.available(), 10)
        # Concurrent pushes must not write one shared row: the account learns it later.
        self.assertEqual(self.account.write_date, account_written)
        self.assertEqual(self.account.document_intake, "pull")

        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(self.account.document_intake, "push")
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(self.available(), 8)
        self.assertEqual(invoice.partner_id.name, "Webshop Vevő")
        self.assertTrue(invoice.pdf_attachment_id, "the pushed PDF is kept")

        # Paying at Számlázz.hu pushes the document again: mirror updated, stock untouched.
        self.sandbox.control("POST", "documents/%s/pay" % number, {"agent_key": SANDBOX_AGENT_KEY})
        self.deliver()
        self.assertEqual(invoice.state, "received")
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.available(), 8)
        self.assertEqual(len(self.find(number)), 1)

    def test_document_issued_elsewhere_moves_no_stock_but_is_owed(self):
        """A shop invoicing from its own software (reported to NAV) whose Számlázz.hu
        imports from NAV: the same goods must not leave the shelf a second time."""
        self.register_push_target()
        number = self.issue_invoice(quantity=3, issued_by=34)
        self.deliver()
        self.env["szamlazz.account"]._cron_import_documents()
        invoice = self.find(number)
        self.assertEqual((invoice.state, invoice.issued_by), ("done", "nav"))
        self.assertEqual(invoice.line_ids.stock_status, "issued_elsewhere")
        self.assertEqual(self.available(), 10)
        self.assertEqual(invoice.payment_state, "not_paid", "its payment state still works")

    def test_background_writes_are_in_the_company_language(self):
        """A Hungarian shop reads what the push and the scheduled import wrote in
        Hungarian, though no Hungarian user is behind either."""
        self.env["res.lang"]._activate_lang("hu_HU")
        self.env["ir.module.module"]._load_module_terms(["innonest_szamlazz"], ["hu_HU"])
        self.company.partner_id.lang = "hu_HU"
        answer = self.url_open(
            "/szamlazz/push",
            data=szamla_xml("T4H-2026-7", items=[("Teáskanna", "T4H-NEW", 1, 900)]),
            headers={"X-Szamlazzhu-Key": self.account.push_key, "Content-Type": "application/xml"},
        )
        self.assertEqual(answer.status_code, 200)
        self.env["szamlazz.account"].with_context(lang="en_US")._cron_import_documents()
        invoice = self.find("T4H-2026-7")
        self.assertEqual(
            invoice.pdf_problem,
            "A Számlázz.hu PDF nélkül küldte ezt a bizonylatot.",
            "the push noted the missing PDF in Hungarian",
        )
        self.assertEqual(invoice.state, "needs_attention")
        self.assertIn("egyik terméknek sincs T4H-NEW kódja", invoice.state_reason)

    def test_intake_writes_no_chatter(self):
        """Storing a push is lean: the document's history is its Received tab."""
        self.register_push_target()
        number = self.issue_invoice()
        self.deliver()
        invoice = self.find(number)
        self.assertEqual(invoice.state, "received")
        self.assertFalse(invoice.message_ids, "nothing posted or tracked while storing")
        self.assertEqual(len(invoice.arrival_ids), 1)

    def test_replayed_push_is_acknowledged_and_not_duplicated(self):
        self.register_push_target()
        number = self.issue_invoice()
        self.deliver()
        self.env["szamlazz.account"]._cron_import_documents()
        invoice = self.find(number)
        raw = base64.b64decode(invoice.raw_xml)
        answer = self.url_open(
            "/szamlazz/push",
            data=raw,
            headers={"X-Szamlazzhu-Key": self.account.push_key, "Content-Type": "application/xml"},
        )
        self.assertEqual(answer.status_code, 200)
        self.assertIn(b"szamlavalasz", answer.content)
        self.env.invalidate_all()
        self.assertEqual(invoice.state, "done", "a replay is not processed again")
        self.assertEqual(len(self.find(number)), 1)
        self.assertEqual(self.available(), 8)

    def test_refused_pushes_store_nothing(self):
        self.register_push_target()
        number = self.issue_invoice()
        self.deliver()
        valid = base64.b64decode(self.find(number).raw_xml)
        Push = self.env["szamlazz.push"]
        kept = Push.search([])
        key = self.account.push_key
        self.env["ir.config_parameter"].set_param("innonest_szamlazz.push_max_bytes", "2000")
        doctype = (
            b'<?xml version="1.0"?><!DOCTYPE szamla [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<szamla xmlns="http://www.szamlazz.hu/szamla">&x;</szamla>'
        )
        cases = [
            ({"X-Szamlazzhu-Key": "wrong"}, b"<szamla/>", 403),
            ({}, b"<szamla/>", 403),
            ({"X-Szamlazzhu-Key": key}, b"<szamla><alap>", 400),
            ({"X-Szamlazzhu-Key": key}, doctype, 400),
            ({"X-Szamlazzhu-Key": key}, valid + b" " * 3000, 400),
        ]
        for headers, body, status in cases:
            answer = self.url_open(
                "/szamlazz/push",
                data=body,
                headers=dict(headers, **{"Content-Type": "application/xml"}),
            )
            self.assertEqual(answer.status_code, status, body[:60])
        self.assertIn(b"larger than 2000 bytes", answer.content)
        # Chunked uploads carry no Content-Length: the size is checked once read.
        self.env["ir.config_parameter"].set_param(
            "innonest_szamlazz.push_max_bytes", str(len(valid) + 100)
        )
        for body, status in ((valid + b" " * 200, 400), (valid, 200)):
            answer = self.url_open(
                "/szamlazz/push",
                data=iter([body]),
                headers={"X-Szamlazzhu-Key": key, "Content-Type": "application/xml"},
            )
            self.assertEqual(answer.status_code, status, "chunked, %d bytes" % len(body))
        self.assertEqual(
            base64.b64decode((Push.search([]) - kept).body), valid, "only the valid push is kept"
        )

    def push(self, body):
        return self.url_open(
            "/szamlazz/push",
            data=body,
            headers={"X-Szamlazzhu-Key": self.account.push_key, "Content-Type": "application/xml"},
        )

    def test_push_is_kept_as_it_came_until_the_import_stores_it(self):
        """The endpoint only keeps what came; the import stores it, once, though
        Számlázz.hu sent it twice before the import ran."""
        body = szamla_xml("T4H-2026-8", items=[("Kávé", "T4H-COFFEE", 3, 1000)])
        for _attempt in range(2):
            answer = self.push(body)
            self.assertEqual(answer.status_code, 200)
            self.assertIn(b"szamlavalasz", answer.content)
        waiting = self.env["szamlazz.push"].search([("account_id", "=", self.account.id)])
        self.assertEqual(waiting.mapped("feed"), ["szamla", "szamla"])
        self.assertFalse(self.find("T4H-2026-8"), "nothing is stored before the import")

        self.env["szamlazz.account"]._cron_import_documents()
        invoice = self.find("T4H-2026-8")
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(base64.b64decode(invoice.raw_xml), body, "kept byte for byte")
        self.assertTrue(invoice.content_sha256, "stored as read in full: a replay is known")
        self.assertEqual(len(invoice.arrival_ids), 1, "the second push was a replay")
        self.assertFalse(waiting.exists(), "a stored push is not kept twice")
        self.assertEqual(self.available(), 7)

    def test_every_push_plans_the_import(self):
        """Each push writes its own trigger, as Odoo's ``_trigger`` does: one written while
        a run goes on outlives that run, so a push the run could not see gets the next."""
        cron = self.env.ref("innonest_szamlazz.ir_cron_szamlazz_import")
        Trigger = self.env["ir.cron.trigger"]
        Trigger.search([("cron_id", "=", cron.id)]).unlink()
        for number in ("T4H-2026-11", "T4H-2026-12", "T4H-2026-13"):
            self.assertEqual(self.push(szamla_xml(number, items=COFFEE)).status_code, 200)
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), 3)
        waiting = self.env["szamlazz.push"].search([("account_id", "=", self.account.id)])
        self.assertEqual(len(waiting), 3)
        self.assertEqual(waiting.company_id, self.account.company_id, "in the account's company")

        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(self.find("T4H-2026-13").state, "done")
        self.assertEqual(self.available(), 7)

    def test_push_that_cannot_be_stored_waits_with_its_reason(self):
        """A push the import cannot store (kept by an Odoo that read it differently, say)
        keeps its bytes and the reason; the pushes behind it are stored."""
        broken = self.env["szamlazz.push"]._receive(
            self.account, "szamla", b'<szamla xmlns="http://www.szamlazz.hu/szamla"><alap>'
        )
        self.assertEqual(self.push(szamla_xml("T4H-2026-9", items=COFFEE)).status_code, 200)
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(self.find("T4H-2026-9").state, "done")
        self.assertTrue(broken.exists(), "its bytes are kept")
        self.assertIn("XML", broken.read_error)
        self.assertEqual(
            self.account.import_documents()["remaining"], 0, "it is not tried again by itself"
        )
        manager = new_test_user(
            self.env,
            login="push-manager",
            groups="base.group_user,innonest_szamlazz.group_szamlazz_manager",
        )
        clerk = new_test_user(
            self.env,
            login="push-clerk",
            groups="base.group_user,innonest_szamlazz.group_szamlazz_user",
        )
        with self.assertRaises(AccessError, msg="nobody rewrites what Számlázz.hu sent"):
            broken.with_user(manager).write({"body": base64.b64encode(szamla_xml("T4H-2026-10"))})
        with self.assertRaises(AccessError):
            broken.with_user(clerk).action_read_again()
        broken.with_user(manager).action_read_again()
        self.assertTrue(broken.exists() and broken.read_error, "still unreadable, still kept")

    def test_ipn_only_schedules_a_requery(self):
        self.register_push_target()
        number = self.issue_invoice()
        self.deliver()
        self.env["szamlazz.account"]._cron_import_documents()
        invoice = self.find(number)
        self.assertEqual(invoice.payment_state, "not_paid")
        # Pushes now fail (wrong key) so only the IPN tells Odoo about the payment.
        self.sandbox.control(
            "POST", "accounts", {"agent_key": SANDBOX_AGENT_KEY, "push_key": "wrong"}
        )
        self.sandbox.control("POST", "documents/%s/pay" % number, {"agent_key": SANDBOX_AGENT_KEY})
        flushed = self.deliver()
        self.assertEqual([d["kind"] for d in flushed["delivered"]], ["ipn"])
        self.assertEqual([d["kind"] for d in flushed["failed"]], ["push"])
        self.assertTrue(invoice.requery_requested)
        self.assertEqual(invoice.payment_state, "not_paid", "the IPN itself is not believed")

        self.env["szamlazz.account"]._cron_import_documents()
        self.assertFalse(invoice.requery_requested)
        self.assertEqual(invoice.source, "requery")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.available(), 8)

    def test_paid_proforma_becomes_the_invoice_that_moves_stock(self):
        self.register_push_target()
        proforma_number = self.issue_invoice(quantity=3, kind="D", order_number="W-200")
        self.deliver()
        self.env["szamlazz.account"]._cron_import_documents()
        proforma = self.find(proforma_number)
        self.assertEqual((proforma.kind, proforma.state), ("D", "done"))
        self.assertEqual(self.available(), 10, "a proforma moves nothing")

        paid = self.sandbox.control(
            "POST", "documents/%s/pay" % proforma_number, {"agent_key": SANDBOX_AGENT_KEY}
        )
        self.deliver()
        self.assertTrue(proforma.requery_requested, "the IPN names the proforma too")
        self.env["szamlazz.account"]._cron_import_documents()
        invoice = self.find(paid["number"])
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(invoice.proforma_id, proforma)
        self.assertEqual(proforma.final_invoice_id, invoice)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.available(), 7)
        self.assertFalse(proforma.requery_requested)
        self.assertTrue(proforma.missing_at_szamlazz)
        self.assertTrue(
            any("no longer has" in body for body in proforma.message_ids.mapped("body"))
        )

    def test_storno_from_the_web_ui_returns_the_goods(self):
        self.register_push_target()
        number = self.issue_invoice(quantity=4)
        self.deliver()
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(self.available(), 6)
        storno_number = self.sandbox.control(
            "POST", "documents/%s/storno" % number, {"agent_key": SANDBOX_AGENT_KEY}
        )["number"]
        self.deliver()
        self.env["szamlazz.account"]._cron_import_documents()
        storno = self.find(storno_number)
        self.assertEqual((storno.kind, storno.state), ("SS", "done"))
        self.assertTrue(self.find(number).cancelled)
        self.assertEqual(self.available(), 10)

    def test_forged_ipn_changes_nothing_but_a_requery(self):
        self.register_push_target()
        number = self.issue_invoice()
        self.deliver()
        self.env["szamlazz.account"]._cron_import_documents()
        answer = self.url_open(
            "/szamlazz/ipn/%d" % self.account.id,
            data={"szlahu_szamlaszam": number, "szlahu_kifizetettbrutto": "2540"},
        )
        self.assertEqual(answer.status_code, 200)
        self.env.invalidate_all()
        invoice = self.find(number)
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(invoice.payment_state, "not_paid", "Számlázz.hu says it is unpaid")
        self.assertEqual(self.url_open("/szamlazz/ipn/999999", data={"x": "1"}).status_code, 403)


@tagged("post_install", "-at_install", "innonest_szamlazz")
class SzamlazzImportTriggerCase(SzamlazzCase):
    def test_import_is_triggered_as_odoo_triggers_it(self):
        """Due now: a trigger and, once committed, one wake-up of the cron workers per
        transaction; later: a trigger only; switched off: only later."""
        cron = self.env.ref("innonest_szamlazz.ir_cron_szamlazz_import")
        Trigger = self.env["ir.cron.trigger"]
        Trigger.search([("cron_id", "=", cron.id)]).unlink()
        wake_ups = self.env.cr.postcommit.data
        wake_ups.pop(WAKE_UP, None)
        Account = self.env["szamlazz.account"]
        later = fields.Datetime.now() + timedelta(hours=1)
        Account._trigger_import(at=later)
        self.assertFalse(wake_ups.get(WAKE_UP), "nothing is due yet")
        Account._trigger_import()
        self.assertTrue(wake_ups.get(WAKE_UP))
        triggers = Trigger.search([("cron_id", "=", cron.id)], order="call_at")
        self.assertEqual(len(triggers), 2)
        self.assertLess(triggers[0].call_at, fields.Datetime.now() + timedelta(seconds=5))
        self.assertEqual(triggers[1].call_at, later)

        triggers.unlink()
        wake_ups.pop(WAKE_UP)
        cron.active = False
        Account._trigger_import()
        Account._trigger_import(at=later)
        self.assertEqual(
            Trigger.search([("cron_id", "=", cron.id)]).mapped("call_at"),
            [later],
            "a switched-off action is not run now, as with Odoo's triggers",
        )
        self.assertFalse(wake_ups.get(WAKE_UP))

    def test_cron_workers_are_woken_over_one_kept_connection(self):
        """The wake-up every push sends goes over one connection, not a new one each."""
        dbname = self.env.cr.dbname
        _postgres, info = connection_info_for("postgres")
        listener = psycopg2.connect(**info)
        self.addCleanup(listener.close)
        listener.autocommit = True
        listener.cursor().execute("LISTEN cron_trigger")
        for _push in range(3):
            wake_cron_workers(dbname)
        ours = []
        deadline = time.monotonic() + 10
        while len(ours) < 3 and time.monotonic() < deadline:
            select.select([listener], [], [], 1)
            listener.poll()
            # The channel is the cluster's: other databases' Odoo may notify meanwhile.
            ours += [n.pid for n in listener.notifies if n.payload == dbname]
            listener.notifies.clear()
        self.assertEqual(ours, [kept_backend_pid()] * 3)


@tagged("post_install", "-at_install", "innonest_szamlazz")
class SzamlazzPullCase(StockMixin, SzamlazzCase):
    def test_pull_walks_the_webshop_series_in_bounded_runs(self):
        self.env["szamlazz.prefix"].create(
            {"account_id": self.account.id, "name": "WEB", "is_webshop": True}
        )
        numbers = [self.issue_invoice(quantity=1) for _index in range(3)]
        self.env["ir.config_parameter"].set_param("innonest_szamlazz.pull_max_documents", "2")
        self.assertEqual(self.account._pull_new_documents(), (2, True))
        # WEB-…-3, then the "not found" that ends the paper series: the E- series waits.
        self.assertEqual(self.account._pull_new_documents(), (1, True))
        # The end of both series: nothing new.
        self.assertEqual(self.account._pull_new_documents(), (0, False))
        invoices = self.env["szamlazz.invoice"].search([("account_id", "=", self.account.id)])
        self.assertEqual(sorted(invoices.mapped("number")), sorted(numbers))
        self.assertEqual(set(invoices.mapped("source")), {"pull"})
        self.env["szamlazz.invoice"]._process_inbox_batch()
        self.assertEqual(set(invoices.mapped("state")), {"done"})
        self.assertEqual(self.available(), 7)
        self.assertFalse(self.account.import_last_error)

    def test_unpaid_invoices_are_refreshed_and_import_runs_on_demand(self):
        self.env["szamlazz.prefix"].create(
            {"account_id": self.account.id, "name": "WEB", "is_webshop": True}
        )
        number = self.issue_invoice()
        result = self.account.import_documents()
        self.assertEqual((result["pulled"], result["processed"]), (1, 1))
        invoice = self.env["szamlazz.invoice"].search([("number", "=", number)])
        self.assertEqual(invoice.payment_state, "not_paid")
        # Paid at Számlázz.hu, and neither push nor IPN reaches Odoo.
        self.sandbox.control("POST", "documents/%s/pay" % number, {"agent_key": SANDBOX_AGENT_KEY})
        self.env["szamlazz.invoice"]._cron_refresh_payment_status()
        self.assertTrue(invoice.requery_requested)
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.available(), 8)

    def imported_proforma(self, order_number, quantity):
        """A proforma issued at Számlázz.hu (no push or IPN registered), stored in Odoo."""
        number = self.issue_invoice(quantity=quantity, kind="D", order_number=order_number)
        Invoice = self.env["szamlazz.invoice"]
        document = self.account._get_client().query_invoice(number=number)
        proforma = Invoice._store_document(self.account, document, "pull")
        Invoice._process_inbox_batch()
        self.assertEqual((proforma.kind, proforma.payment_state), ("D", "not_paid"))
        return proforma

    def test_polling_finds_the_invoice_of_a_paid_proforma(self):
        """With neither push nor IPN, the daily refresh still learns that a proforma was
        paid: it has vanished at Számlázz.hu, and its final invoice keeps the order number."""
        proforma = self.imported_proforma("W-300", quantity=4)
        self.sandbox.control(
            "POST", "documents/%s/pay" % proforma.number, {"agent_key": SANDBOX_AGENT_KEY}
        )
        Invoice = self.env["szamlazz.invoice"]
        Invoice._cron_refresh_payment_status()
        self.assertTrue(proforma.requery_requested)
        self.env["szamlazz.account"]._cron_import_documents()

        final_invoice = proforma.final_invoice_id
        self.assertTrue(final_invoice, "the final invoice was found by the order number")
        self.assertEqual(final_invoice.order_number, "W-300")
        self.assertEqual((final_invoice.state, final_invoice.payment_state), ("done", "paid"))
        self.assertEqual(proforma.payment_state, "paid")
        self.assertEqual(self.available(), 6)

    def test_deleted_proforma_is_owed_no_more(self):
        proforma = self.imported_proforma("W-301", quantity=1)
        self.account._get_client().delete_proforma(number=proforma.number)
        Invoice = self.env["szamlazz.invoice"]
        Invoice._cron_refresh_payment_status()
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertTrue(proforma.missing_at_szamlazz)
        self.assertFalse(proforma.final_invoice_id)
        self.assertEqual(Invoice.search_count([("order_number", "=", "W-301")]), 1)
        self.assertEqual(self.available(), 10)

    def test_pull_outage_is_recorded_not_raised(self):
        self.env["szamlazz.prefix"].create(
            {"account_id": self.account.id, "name": "WEB", "is_webshop": True}
        )
        self.issue_invoice()
        self.sandbox.control("POST", "faults", {"kind": "maintenance", "times": 10})
        cron = self.env.ref("innonest_szamlazz.ir_cron_szamlazz_import")
        cron.method_direct_trigger()
        self.assertIn("could not be asked", self.account.import_last_error)
        self.assertTrue(cron.active)
        Invoice = self.env["szamlazz.invoice"]
        self.assertFalse(Invoice.search([("account_id", "=", self.account.id)]))
        self.sandbox.control("DELETE", "faults")
        cron.method_direct_trigger()
        self.assertFalse(self.account.import_last_error, "the next run clears the problem")
        self.assertEqual(self.available(), 8)


@tagged("post_install", "-at_install", "innonest_szamlazz")
class SzamlazzNumberingCase(StockMixin, SzamlazzHttpCase):
    """Numbers as Számlázz.hu writes them: e-invoices E-PREFIX-YYYY-N in their own series,
    proformas D-PREFIX-N without a year; both are issued under PREFIX."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.webshop = cls.env["stock.warehouse"].create(
            {"name": "Webshop raktár", "code": "WEBR", "company_id": cls.company.id}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.webshop.lot_stock_id, 10)

    def setUp(self):
        super().setUp()
        self.prefix = self.env["szamlazz.prefix"].create(
            {
                "account_id": self.account.id,
                "name": "WEB",
                "is_webshop": True,
                "warehouse_id": self.webshop.id,
            }
        )

    def in_webshop(self):
        return self.env["stock.quant"]._get_available_quantity(
            self.product, self.webshop.lot_stock_id
        )

    def test_pushed_e_invoice_lands_in_the_webshop_warehouse(self):
        self.register_push_target()
        number = self.issue_invoice(quantity=3, e_invoice=True)
        self.assertRegex(number, r"^E-WEB-\d{4}-1$")
        self.deliver()
        self.env["szamlazz.account"]._cron_import_documents()

        invoice = self.env["szamlazz.invoice"].search([("number", "=", number)])
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual((invoice.number_prefix, invoice.number_e_invoice), ("WEB", True))
        self.assertEqual(invoice.picking_ids.picking_type_id.warehouse_id, self.webshop)
        self.assertEqual((self.in_webshop(), self.available()), (7, 10))
        learned = (
            self.env["szamlazz.prefix"]
            .with_context(active_test=False)
            .search([("account_id", "=", self.account.id)])
        )
        self.assertEqual(learned.mapped("name"), ["WEB"], "no E-WEB prefix learned")

    def test_proforma_is_a_proforma_of_its_prefix(self):
        self.register_push_target()
        number = self.issue_invoice(kind="D", order_number="W-D-1")
        self.assertRegex(number, r"^D-WEB-1$")
        self.deliver()
        self.env["szamlazz.account"]._cron_import_documents()

        proforma = self.env["szamlazz.invoice"].search([("number", "=", number)])
        self.assertEqual((proforma.kind, proforma.number_prefix), ("D", "WEB"))
        self.assertEqual((proforma.number_year, proforma.number_sequence), (0, 1))
        wizard = self.env["szamlazz.proforma.wizard"].create(
            {"partner_id": proforma.partner_id.id, "prefix_id": self.prefix.id}
        )
        self.assertEqual(wizard.prefix_id.name, "WEB", "the wizard offers the issuing prefix")

        # Paid at Számlázz.hu: its invoice (an e-invoice here too) moves the webshop's stock.
        paid = self.sandbox.control(
            "POST", "documents/%s/pay" % number, {"agent_key": SANDBOX_AGENT_KEY}
        )
        self.deliver()
        self.env["szamlazz.account"]._cron_import_documents()
        invoice = self.env["szamlazz.invoice"].search([("number", "=", paid["number"])])
        self.assertEqual(invoice.proforma_id, proforma)
        self.assertEqual(invoice.number_prefix, "WEB")
        self.assertEqual(self.in_webshop(), 8)

    def test_pull_imports_a_webshop_that_issues_e_invoices(self):
        paper = self.issue_invoice(quantity=1)
        e_invoices = [self.issue_invoice(quantity=1, e_invoice=True) for _index in range(2)]
        self.assertEqual(self.account.document_intake, "pull")

        result = self.account.import_documents()

        self.assertEqual(result["pulled"], 3)
        invoices = self.env["szamlazz.invoice"].search([("account_id", "=", self.account.id)])
        self.assertEqual(sorted(invoices.mapped("number")), sorted([paper, *e_invoices]))
        self.assertEqual(set(invoices.mapped("state")), {"done"})
        self.assertEqual(self.in_webshop(), 7)
        self.assertEqual(self.account._pull_new_documents(), (0, False), "nothing new")
