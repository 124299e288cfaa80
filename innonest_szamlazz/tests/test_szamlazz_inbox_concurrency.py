"""Two workers on the inbox at once, each in its own real transaction.

The documents are committed (a test transaction is invisible to other connections) and
removed again afterwards.
"""

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged

from ..models.szamlazz_invoice import IntakeConflictError
from .szamla_documents import szamla_xml


@tagged("post_install", "-at_install", "innonest_szamlazz")
class SzamlazzInboxConcurrencyCase(TransactionCase):
    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            account = env["szamlazz.account"].search([("company_id", "=", company.id)])
            created_account = not account
            if created_account:
                account = account.create(
                    {"company_id": company.id, "agent_key": "unused", "state": "connected"}
                )
            self.document_ids = [
                env["szamlazz.invoice"]
                ._store_document(
                    account,
                    szamla_xml("D-T4C-2026-%d" % index, kind="D", items=[("Tétel", None, 1, 100)]),
                    "push",
                )[0]
                .id
                for index in (1, 2)
            ]
        self.addCleanup(self._remove, account.id if created_account else None)

    def _remove(self, account_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["szamlazz.invoice"].browse(self.document_ids).unlink()
            if account_id:
                env["szamlazz.account"].browse(account_id).unlink()

    def test_a_second_worker_skips_what_the_first_holds(self):
        with self.registry.cursor() as worker1, self.registry.cursor() as worker2:
            for worker in (worker1, worker2):
                # A lock wait nobody planned fails the test instead of hanging the suite.
                worker.execute("SET LOCAL lock_timeout = '20s'")
            try:
                env1 = api.Environment(worker1, SUPERUSER_ID, {})
                env2 = api.Environment(worker2, SUPERUSER_ID, {})
                held = env1["szamlazz.invoice"]._lock_received_batch(1)
                self.assertEqual(held.ids, self.document_ids[:1])

                processed, _remaining = env2["szamlazz.invoice"]._process_inbox_batch()
                self.assertEqual(processed, 1, "only the free document")
                documents = env2["szamlazz.invoice"].browse(self.document_ids)
                self.assertEqual(documents.mapped("state"), ["received", "done"])
                # Worker 2 gives up its work (as if done elsewhere) so worker 1, in this same
                # thread, can learn the same new prefix without waiting on it.
                worker2.rollback()

                held._process()
                self.assertEqual(held.state, "done")
            finally:
                worker1.rollback()
                worker2.rollback()


@tagged("post_install", "-at_install", "innonest_szamlazz")
class SzamlazzIntakeConflictCase(TransactionCase):
    def test_odoo_retries_a_click_that_met_a_push(self):
        """A proforma stored by the wizard while its push is being stored: Odoo's request
        retry runs the click again (which then finds the proforma) instead of failing."""
        attempts = []

        def click():
            attempts.append(len(attempts) + 1)
            if len(attempts) == 1:
                raise IntakeConflictError("D-WEB-2026-1")
            return "stored"

        with self.registry.cursor() as cr:
            self.assertEqual(retrying(click, api.Environment(cr, SUPERUSER_ID, {})), "stored")
        self.assertEqual(attempts, [1, 2])
