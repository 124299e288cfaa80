"""Each stored document is processed by a job of its own: one job per company, number and
version (a replay enqueues none), on the channel root.szamlazz; the job processes the
document once, and not at all when the scheduled action did already."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.addons.innonest_szamlazz.szamlazz_agent import parse_incoming_invoice
from odoo.addons.innonest_szamlazz.tests.szamla_documents import szamla_xml
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import TransactionCase, tagged

CHANNEL = "root.szamlazz"


def szamlabe_xml(number, quantity=2):
    """A supplier's invoice (``szamlabe``) with one item, as the data connection pushes it."""
    return (
        """<?xml version="1.0" encoding="UTF-8"?>
<szamlabe xmlns="http://www.szamlazz.hu/szamlabe">
  <szallito>
    <id>3001</id><nev>Beszállító Kft.</nev>
    <cim><orszag>Magyarország</orszag><irsz>6000</irsz><telepules>Kecskemét</telepules>
      <cim>Rákóczi út 5.</cim></cim>
    <adoszam>11223344-2-03</adoszam>
  </szallito>
  <alap>
    <id>%(id)d</id><szamlaszam>%(number)s</szamlaszam><tipus>SZ</tipus>
    <kelt>%(today)s</kelt><telj>%(today)s</telj><fizh>%(today)s</fizh><devizanem>HUF</devizanem>
  </alap>
  <vevo><nev>Demo Bolt Kft.</nev><adoszam>12345678-2-42</adoszam></vevo>
  <tetelek><tetel>
    <nev>Kávébab 1 kg</nev><azonosito>Q-BEAN</azonosito><mennyiseg>%(quantity)s</mennyiseg>
    <mennyisegiegyseg>db</mennyisegiegyseg><nettoegysegar>4500</nettoegysegar>
    <afakulcs>27</afakulcs><netto>9000</netto><afa>2430</afa><brutto>11430</brutto>
  </tetel></tetelek>
</szamlabe>"""
        % {
            "id": 700000 + sum(map(ord, number)),
            "number": number,
            "today": fields.Date.today(),
            "quantity": quantity,
        }
    ).encode()


@tagged("post_install", "-at_install", "innonest_szamlazz_queue")
class TestQueueProcessing(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.account = cls.env["szamlazz.account"].sudo().search(
            [("company_id", "=", company.id)]
        ) or cls.env["szamlazz.account"].sudo().create(
            {"company_id": company.id, "agent_key": "unused-in-these-tests", "state": "connected"}
        )
        cls.account.connected_date = fields.Date.today() - timedelta(days=30)
        cls.stock = (
            cls.env["stock.warehouse"]
            .search([("company_id", "=", company.id)], limit=1)
            .lot_stock_id
        )
        cls.mug = cls.env["product.product"].create(
            {"name": "Q bögre", "default_code": "Q-MUG", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.mug, cls.stock, 10)
        cls.Invoice = cls.env["szamlazz.invoice"]

    def store(self, xml):
        return self.Invoice._receive_xml(self.account, xml, "push")

    def mug_invoice(self, number, quantity=2, **options):
        return szamla_xml(number, items=[("Bögre", "Q-MUG", quantity, 1000)], **options)

    def available(self):
        return self.env["stock.quant"]._get_available_quantity(self.mug, self.stock)

    def key(self, invoice):
        return "szamlazz.invoice/%s/%s/%s" % (
            invoice.company_id.id,
            invoice.number,
            invoice.content_sha256,
        )

    def stored_jobs(self, invoice):
        return self.env["queue.job"].search(
            [("identity_key", "like", "szamlazz.invoice/%s/%s/" % (self.env.company.id, invoice))]
        )

    # -- enqueuing -------------------------------------------------------------------------

    def test_a_stored_document_enqueues_one_job_on_its_channel(self):
        with trap_jobs() as trap:
            invoice = self.store(self.mug_invoice("Q-2026-1"))
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                invoice._process_queued,
                properties={"channel": CHANNEL, "identity_key": self.key(invoice)},
            )
        self.assertEqual(invoice.state, "received", "the job processes it, not the push")

    def test_a_replay_enqueues_no_job(self):
        xml = self.mug_invoice("Q-2026-2")
        with trap_jobs() as trap:
            self.store(xml)
            self.store(xml)
            trap.assert_jobs_count(1)
            self.assertEqual(len(trap.calls), 2, "the replay asks, the identity key refuses")

    def test_a_replay_finds_the_waiting_job_in_the_database(self):
        # Not trapped: the jobs are stored as the job runner would find them.
        xml = self.mug_invoice("Q-2026-3")
        invoice = self.store(xml)
        self.store(xml)
        self.store(self.mug_invoice("Q-2026-3", pdf=b"%PDF-1.4 the same version, with a PDF"))
        job = self.stored_jobs("Q-2026-3")
        self.assertEqual(len(job), 1, "a replay while the job waits enqueues no second one")
        self.assertEqual(
            (job.state, job.channel, job.identity_key, job.method_name, job.records),
            ("pending", CHANNEL, self.key(invoice), "_process_queued", invoice),
        )
        self.assertEqual(job.company_id, invoice.company_id, "listed in the document's company")
        Job.load(self.env, job.uuid).perform()
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.store(xml)
        self.assertEqual(self.stored_jobs("Q-2026-3"), job, "a replay of a done document neither")

    def test_a_new_version_enqueues_one_more_job(self):
        with trap_jobs() as trap:
            invoice = self.store(self.mug_invoice("Q-2026-4"))
            first_key = self.key(invoice)
            self.store(self.mug_invoice("Q-2026-4", payments=[(fields.Date.today(), 2540)]))
            trap.assert_jobs_count(2)
            self.assertNotEqual(self.key(invoice), first_key)
            trap.assert_enqueued_job(
                invoice._process_queued,
                properties={"channel": CHANNEL, "identity_key": self.key(invoice)},
            )

    def test_the_scheduled_action_only_catches_up(self):
        cron = self.env.ref("innonest_szamlazz.ir_cron_szamlazz_import")
        before = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.store(self.mug_invoice("Q-2026-5"))
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - before
        self.assertTrue(triggers, "the scheduled action still comes")
        self.assertGreater(
            min(triggers.mapped("call_at")),
            fields.Datetime.now() + timedelta(minutes=4),
            "after the job, not beside it",
        )

    def test_pushes_are_stored_by_a_job_that_enqueues_each_documents_job(self):
        Push = self.env["szamlazz.push"]
        with trap_jobs() as trap:
            for number in ("Q-2026-20", "Q-2026-21"):
                Push._receive(self.account, "szamla", self.mug_invoice(number))
            trap.assert_jobs_count(1, only=Push._store_waiting)
            trap.assert_enqueued_job(
                Push._store_waiting,
                args=(self.account,),
                properties={
                    "channel": CHANNEL,
                    "identity_key": "szamlazz.push/%s" % self.account.id,
                },
            )
            trap.perform_enqueued_jobs()
            invoices = self.Invoice.search([("number", "in", ("Q-2026-20", "Q-2026-21"))])
            self.assertEqual(len(invoices), 2, "both pushes stored by the one job")
            queued = [job for job in trap.enqueued_jobs if job.method_name == "_process_queued"]
            self.assertEqual(
                sorted(job.recordset.id for job in queued),
                sorted(invoices.ids),
                "each document has its job",
            )
        self.assertFalse(Push.search([("account_id", "=", self.account.id)]))

    # -- the job ---------------------------------------------------------------------------

    def test_the_job_processes_the_document_once(self):
        with trap_jobs() as trap:
            invoice = self.store(self.mug_invoice("Q-2026-6", quantity=3))
            trap.perform_enqueued_jobs()
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(self.available(), 7)
        moves = invoice.line_ids.stock_move_ids
        self.assertEqual((len(moves), moves.state), (1, "done"))
        result = invoice._process_queued()
        self.assertIn("Nothing to do", result)
        self.assertEqual(self.available(), 7, "performed twice, the stock moves once")
        self.assertEqual(invoice.line_ids.stock_move_ids, moves)
        self.assertEqual(len(invoice.picking_ids), 1)

    def test_a_document_the_scheduled_action_processed_makes_the_job_a_no_op(self):
        with trap_jobs() as trap:
            invoice = self.store(self.mug_invoice("Q-2026-7"))
            processed, _remaining = self.Invoice._process_inbox_batch(self.account)
            self.assertEqual(processed, 1)
            self.assertEqual(invoice.state, "done", invoice.state_reason)
            job = trap.enqueued_jobs[0]
            trap.perform_enqueued_jobs()
        self.assertIn("Nothing to do", job.result)
        self.assertEqual(self.available(), 8)
        self.assertEqual(len(invoice.line_ids.stock_move_ids), 1)

    def test_the_job_writes_in_the_company_language(self):
        self.env["res.lang"]._activate_lang("hu_HU")
        self.env.company.partner_id.lang = "hu_HU"
        Invoice = self.registry["szamlazz.invoice"]
        process = Invoice._process
        languages = []

        def spy(records):
            languages.append(records.env.lang)
            return process(records)

        with trap_jobs() as trap, patch.object(Invoice, "_process", spy):
            invoice = self.Invoice.with_context(lang="en_US")._receive_xml(
                self.account, self.mug_invoice("Q-2026-8"), "push"
            )
            trap.perform_enqueued_jobs()
        self.assertEqual(languages, ["hu_HU"])
        self.assertEqual(invoice.state, "done", invoice.state_reason)

    def test_a_reprocessed_document_gets_a_job(self):
        invoice = self.store(szamla_xml("Q-2026-9", items=[("Csésze", "Q-CUP", 1, 800)]))
        invoice._process()
        self.assertEqual(invoice.state, "needs_attention")
        with trap_jobs() as trap:
            invoice._set_received()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                invoice._process_queued, properties={"identity_key": self.key(invoice)}
            )

    def test_without_delay_the_document_is_processed_at_once(self):
        invoice = self.Invoice.with_context(queue_job__no_delay=True)._receive_xml(
            self.account, self.mug_invoice("Q-2026-10"), "push"
        )
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(self.available(), 8)

    def test_a_storno_waits_for_the_job_of_its_invoice(self):
        original = self.store(self.mug_invoice("Q-2026-11"))
        storno = self.store(
            szamla_xml(
                "Q-2026-12",
                kind="SS",
                referenced="Q-2026-11",
                items=[("Bögre", "Q-MUG", -2, 1000)],
            )
        )
        storno_job = self.stored_jobs("Q-2026-12")
        self.assertEqual(storno_job.priority, 20, "after the invoices waiting with it")
        self.assertEqual(storno_job.max_retries, 10)
        with self.assertRaises(RetryableJobError):
            Job.load(self.env, storno_job.uuid).perform()
        self.assertEqual(storno.state, "received", "not waiting for a person")
        Job.load(self.env, self.stored_jobs("Q-2026-11").uuid).perform()
        self.assertEqual(original.state, "done", original.state_reason)
        self.assertEqual(self.available(), 8)
        Job.load(self.env, storno_job.uuid).perform()
        self.assertEqual(storno.state, "done", storno.state_reason)
        self.assertEqual(self.available(), 10)

    # -- supplier invoices -----------------------------------------------------------------

    def test_a_stored_supplier_invoice_enqueues_one_job(self):
        SupplierInvoice = self.env["szamlazz.supplier.invoice"]
        xml = szamlabe_xml("QB-2026-1")
        with trap_jobs() as trap:
            invoice = SupplierInvoice._store_document(self.account, parse_incoming_invoice(xml))
            SupplierInvoice._store_document(self.account, parse_incoming_invoice(xml))
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                invoice._process_queued,
                properties={
                    "channel": CHANNEL,
                    "identity_key": "szamlazz.supplier.invoice/%s/%s/%s/%s"
                    % (
                        invoice.company_id.id,
                        self.account.id,
                        invoice.identity,
                        invoice.content_sha256,
                    ),
                },
            )
            SupplierInvoice._store_document(
                self.account, parse_incoming_invoice(szamlabe_xml("QB-2026-1", quantity=3))
            )
            trap.assert_jobs_count(2)
            trap.perform_enqueued_jobs()
        self.assertNotEqual(invoice.state, "received", invoice.state_reason)
        self.assertIn("Nothing to do", invoice._process_queued())

    def test_on_its_last_try_a_storno_no_longer_waits(self):
        self.store(self.mug_invoice("Q-2026-13"))
        storno = self.store(
            szamla_xml(
                "Q-2026-14",
                kind="SS",
                referenced="Q-2026-13",
                items=[("Bögre", "Q-MUG", -2, 1000)],
            )
        )
        storno_job = self.stored_jobs("Q-2026-14")
        storno_job.retry = storno_job.max_retries - 1
        Job.load(self.env, storno_job.uuid).perform()
        self.assertEqual(storno.state, "needs_attention", "the job does not fail")
        self.assertIn("Q-2026-13", storno.state_reason)
