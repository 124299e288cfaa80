"""Two workers on the inbox at once, each in its own real transaction.

The documents are committed (a test transaction is invisible to other connections) and
removed again afterwards.
"""

import threading

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..exceptions import IntakeConflictError
from .szamla_documents import szamla_xml


class SzamlazzCommittedInboxCase(TransactionCase):
    """Two received documents, committed, and removed again afterwards."""

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
                ._receive_xml(
                    account,
                    szamla_xml("D-T4C-2026-%d" % index, kind="D", items=[("Tétel", None, 1, 100)]),
                    "push",
                )
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


@tagged("post_install", "-at_install", "innonest_szamlazz")
class SzamlazzInboxConcurrencyCase(SzamlazzCommittedInboxCase):
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
class SzamlazzDeadlockCase(TransactionCase):
    """Two import workers that lock the same rows in opposite order: PostgreSQL aborts one
    with a deadlock (40P01). That is a concurrent change like any other: the document is
    postponed to the next run, not parked in error until someone clicks Re-process."""

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
            self.product_id = (
                env["product.product"]
                .create(
                    {
                        "name": "T4 zár",
                        "default_code": "T4-LOCK",
                        "type": "consu",
                        "is_storable": True,
                    }
                )
                .id
            )
            self.document_id = (
                env["szamlazz.invoice"]
                ._receive_xml(
                    account, szamla_xml("T4D-2026-1", items=[("Zár", "T4-LOCK", 1, 100)]), "push"
                )
                .id
            )
        self.addCleanup(self._remove, account.id if created_account else None)

    def _remove(self, account_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["szamlazz.invoice"].browse(self.document_id).unlink()
            env["product.product"].browse(self.product_id).unlink()
            if account_id:
                env["szamlazz.account"].browse(account_id).unlink()

    def test_a_deadlock_postpones_the_document(self):
        with self.registry.cursor() as importer, self.registry.cursor() as other:
            for cursor in (importer, other):
                cursor.execute("SET LOCAL lock_timeout = '20s'")
            try:
                # The other worker holds the product the document's item needs ...
                other.execute(
                    "SELECT id FROM product_product WHERE id = %s FOR UPDATE", [self.product_id]
                )

                def take_the_document():
                    # ... and then waits for the document the importer holds: a deadlock.
                    threading.Event().wait(0.5)
                    other.execute(
                        "SELECT id FROM szamlazz_invoice WHERE id = %s FOR UPDATE",
                        [self.document_id],
                    )

                waiting = threading.Thread(target=take_the_document)
                waiting.start()
                env = api.Environment(importer, SUPERUSER_ID, {})
                with (
                    mute_logger("odoo.sql_db"),
                    self.assertLogs("odoo.addons.innonest_szamlazz", "WARNING") as logs,
                ):
                    env["szamlazz.invoice"]._process_inbox_batch()
                document = env["szamlazz.invoice"].browse(self.document_id)
                self.assertEqual(document.state, "received", document.state_reason)
                self.assertIn("postponed", "\n".join(logs.output))
                importer.rollback()  # lets the other worker have the document
                waiting.join(30)
                self.assertFalse(waiting.is_alive())
            finally:
                importer.rollback()
                other.rollback()


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


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestTwoImportsSwitchToPush(SzamlazzCommittedInboxCase):
    """Both importers see that pushes arrive for a pulling account and switch it at once:
    the one that loses the race must go on importing, not abort its transaction."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            account = env["szamlazz.invoice"].browse(self.document_ids[0]).account_id
            self.addCleanup(self._set_intake, account.id, account.document_intake)
            account.document_intake = "pull"
        self.account_id = account.id

    def _set_intake(self, account_id, intake):
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["szamlazz.account"].browse(
                account_id
            ).document_intake = intake

    def test_the_second_switch_leaves_the_import_going(self):
        with self.registry.cursor() as worker1, self.registry.cursor() as worker2:
            for worker in (worker1, worker2):
                worker.execute("SET LOCAL lock_timeout = '20s'")
            env1 = api.Environment(worker1, SUPERUSER_ID, {})
            env2 = api.Environment(worker2, SUPERUSER_ID, {})
            account1 = env1["szamlazz.account"].browse(self.account_id)
            account2 = env2["szamlazz.account"].browse(self.account_id)
            self.assertEqual(account2.document_intake, "pull", "the second worker's snapshot")

            account1._switch_to_push_where_pushes_arrive()
            env1.flush_all()
            worker1.commit()

            with mute_logger("odoo.sql_db"):
                account2._switch_to_push_where_pushes_arrive()
                env2.flush_all()
            # The transaction is still usable: the documents can be processed.
            held = env2["szamlazz.invoice"]._lock_received_batch(2)
            self.assertEqual(sorted(held.ids), sorted(self.document_ids))
            worker2.rollback()

        with self.registry.cursor() as cr:
            account = api.Environment(cr, SUPERUSER_ID, {})["szamlazz.account"].browse(
                self.account_id
            )
            self.assertEqual(account.document_intake, "push")
            notes = account.message_ids.filtered(lambda m: "pulling stops" in (m.body or ""))
            self.assertEqual(len(notes), 1, "said once")
