"""Re-queries (IPN, payment refresh) against the sandbox: one Agent query per document,
IPNs that never wait for the import, and each company's inbox its own."""

import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import SANDBOX_AGENT_KEY, SandboxProcess, SzamlazzHttpCase
from .szamla_documents import szamla_xml

QUERY = "action-szamla_agent_xml"


def issue(sandbox, quantity=1):
    return sandbox.issue(
        kind="SZ",
        buyer={"name": "IPN Vevő", "zip": "1111", "city": "Budapest", "street": "Fő u. 3."},
        items=[{"name": "Kávé", "quantity": quantity, "net_unit_price": 1000}],
    )["number"]


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestIpnFlood(SzamlazzHttpCase):
    def queries(self):
        return self.sandbox.state()["request_counts"]["by_action"].get(QUERY, 0)

    def ipn(self, number, paid=None):
        form = {"szlahu_szamlaszam": number}
        if paid is not None:
            form["szlahu_kifizetettbrutto"] = ("%.2f" % paid).replace(".", ",")
        answer = self.url_open("/szamlazz/ipn/%d" % self.account.id, data=form)
        self.assertEqual(answer.status_code, 200)

    def test_a_flood_of_ipns_costs_one_query_per_document(self):
        numbers = [issue(self.sandbox) for _index in range(3)]
        client = self.account._get_client()
        Invoice = self.env["szamlazz.invoice"]
        for number in numbers:
            Invoice._store_document(self.account, client.query_invoice(number=number), "pull")
        before = self.queries()

        for _round in range(10):
            for number in numbers:
                self.ipn(number)
        self.env.invalidate_all()
        self.assertEqual(self.env["szamlazz.requery"].search_count([]), 3, "one per document")
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(self.queries() - before, 3)

        # More IPNs right after, saying nothing new (no amount, or the amount Odoo has):
        # the answer just fetched is the news.
        invoices = Invoice.search([("number", "in", numbers)])
        for invoice in invoices:
            self.ipn(invoice.number)
            self.ipn(invoice.number, paid=invoice.amount_paid)
        self.env.invalidate_all()
        self.assertFalse(any(invoices.mapped("requery_requested")))
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(self.queries() - before, 3, "no query for a document just asked")

        # An IPN that says something new (a payment) is kept, and asked once the interval
        # since the last question is over.
        self.ipn(numbers[0], paid=1270)
        self.env.invalidate_all()
        first = invoices.filtered(lambda invoice: invoice.number == numbers[0])
        self.assertTrue(first.requery_requested)
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(self.queries() - before, 3, "not within the interval")
        first.last_query_date = "2020-01-01 00:00:00"  # the interval is over
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(self.queries() - before, 4)
        self.assertFalse(first.requery_requested)


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestIpnDuringSlowRequery(TransactionCase):
    """The import asks a slow Számlázz.hu about a document while an IPN names it: the IPN
    is answered at once instead of waiting for the import's transaction. Committed data,
    two real transactions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = SandboxProcess().start()
        cls.addClassCleanup(cls.sandbox.stop)

    def setUp(self):
        super().setUp()
        self.sandbox.reset()
        self.numbers = [issue(self.sandbox), issue(self.sandbox)]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            if env["szamlazz.account"].search_count([("company_id", "=", company.id)]):
                self.skipTest("the main company has a committed Számlázz.hu account")
            account = env["szamlazz.account"].create(
                {
                    "company_id": company.id,
                    "agent_key": SANDBOX_AGENT_KEY,
                    "agent_url": self.sandbox.agent_url,
                    "state": "connected",
                }
            )
            invoices = env["szamlazz.invoice"]
            for number in self.numbers:
                xml = account._get_client().query_invoice(number=number).raw
                invoice = invoices._receive_xml(account, xml, "pull")
                invoices |= invoice
            invoices._request_requery("ipn")
            self.ids = {"account": account.id, "invoices": invoices.ids}
        self.addCleanup(self._remove)

    def _remove(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["szamlazz.invoice"].browse(self.ids["invoices"]).unlink()
            env["szamlazz.account"].browse(self.ids["account"]).unlink()

    def test_ipn_is_answered_while_the_import_waits_for_szamlazz(self):
        self.sandbox.control("POST", "faults", {"kind": "latency", "seconds": 3})
        with self.registry.cursor() as importer_cr, self.registry.cursor() as ipn_cr:
            try:
                importer = api.Environment(importer_cr, SUPERUSER_ID, {})
                account = importer["szamlazz.account"].browse(self.ids["account"])
                requery = threading.Thread(target=account._requery_flagged_documents)
                requery.start()
                time.sleep(1)  # the import holds what it holds and waits for Számlázz.hu

                ipn_cr.execute("SET LOCAL lock_timeout = '1s'")
                ipn_env = api.Environment(ipn_cr, SUPERUSER_ID, {})
                started = time.monotonic()
                named = ipn_env["szamlazz.invoice"]._schedule_requery_from_ipn(
                    ipn_env["szamlazz.account"].browse(self.ids["account"]),
                    {"szlahu_szamlaszam": self.numbers[0]},
                )
                ipn_cr.commit()
                self.assertLess(time.monotonic() - started, 1, "no lock wait on the import")
                self.assertEqual(named.ids, self.ids["invoices"][:1])

                requery.join(30)
                self.assertFalse(requery.is_alive())
                importer_cr.commit()
            finally:
                importer_cr.rollback()
                ipn_cr.rollback()

    def queries(self):
        return self.sandbox.state()["request_counts"]["by_action"].get(QUERY, 0)

    def test_a_second_worker_does_not_ask_what_the_first_is_asking(self):
        """The first worker commits each answer; that must not free the requests it has
        yet to ask about for a second worker (the cron and "Import now" at once)."""
        self.sandbox.control("POST", "faults", {"kind": "latency", "seconds": 2, "times": 3})
        before = self.queries()

        def requery_in_own_transaction(env, delay):
            time.sleep(delay)
            env["szamlazz.account"].browse(self.ids["account"])._requery_flagged_documents()
            env.cr.commit()

        # The first asks both documents (2 s each); the second starts once the first
        # answer is committed, while the first asks about the second document.
        # Environments are made here: a thread cannot open the registry under the loader.
        cursors = [self.registry.cursor(), self.registry.cursor()]
        try:
            workers = [
                threading.Thread(
                    target=requery_in_own_transaction,
                    args=(api.Environment(cr, SUPERUSER_ID, {}), delay),
                )
                for cr, delay in zip(cursors, (0, 3), strict=True)
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(60)
        finally:
            for cr in cursors:
                cr.close()
        self.sandbox.control("DELETE", "faults")

        self.assertEqual(self.queries() - before, 2, "each document asked once")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertFalse(env["szamlazz.requery"].search_count([]), "both answered")


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestImportIsPerCompany(TransactionCase):
    def test_import_now_processes_only_the_users_companies(self):
        own_company = self.env.company
        other_company = self.env["res.company"].create({"name": "Másik Cég Kft."})
        Account = self.env["szamlazz.account"].sudo()
        own = Account.search([("company_id", "=", own_company.id)]) or Account.create(
            {"company_id": own_company.id, "agent_key": "own-key", "state": "connected"}
        )
        other = Account.create(
            {"company_id": other_company.id, "agent_key": "other-key", "state": "connected"}
        )
        Invoice = self.env["szamlazz.invoice"]
        mine = Invoice._receive_xml(
            own, szamla_xml("OWN-2026-1", kind="D", items=[("Tétel", None, 1, 100)]), "push"
        )
        theirs = Invoice._receive_xml(
            other, szamla_xml("OTH-2026-1", kind="D", items=[("Tétel", None, 1, 100)]), "push"
        )
        clerk = new_test_user(
            self.env,
            login="egy_ceges",
            groups="innonest_szamlazz.group_szamlazz_user",
            company_id=own_company.id,
            company_ids=[(6, 0, [own_company.id])],
        )

        result = self.env["szamlazz.account"].with_user(clerk).import_documents()

        self.assertEqual((mine.state, theirs.state), ("done", "received"))
        self.assertEqual((result["processed"], result["remaining"]), (1, 0), "nor its counts")
