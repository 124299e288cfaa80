"""Documents the way Számlázz.hu really sends them, pushed to Odoo over HTTP.

A push is refused only when it cannot be identified (not a `szamla` of Számlázz.hu's
namespace, no number): Számlázz.hu retries a refused push for 72 hours and then drops it,
so refusing a document that is merely odd loses it. Everything else is stored, processed,
and judged there, with the reason in words.
"""

import base64
from pathlib import Path

from lxml import etree
from odoo.tests import tagged

from ..szamlazz_agent import parse_szamla_document
from .common import SANDBOX_AGENT_KEY, SzamlazzHttpCase, xsd_dir
from .szamla_documents import PDF, szamla_xml
from .test_szamlazz_intake import StockMixin

DATA = Path(__file__).resolve().parent / "data"
COFFEE = [("Kávé", "T4H-COFFEE", 2, 1000)]


@tagged("post_install", "-at_install", "innonest_szamlazz")
class SzamlazzRealDocumentsCase(StockMixin, SzamlazzHttpCase):
    def push(self, xml):
        answer = self.url_open(
            "/szamlazz/push",
            data=xml,
            headers={"X-Szamlazzhu-Key": self.account.push_key, "Content-Type": "application/xml"},
        )
        self.env.invalidate_all()
        self.store_pushes()
        return answer

    def pushed_and_processed(self, xml):
        """Push ``xml``, expect it acknowledged, run the import; the stored document."""
        answer = self.push(xml)
        self.assertEqual(answer.status_code, 200, answer.text)
        self.assertIn(b"szamlavalasz", answer.content)
        number = etree.fromstring(xml).findtext("{*}alap/{*}szamlaszam")
        invoice = self.env["szamlazz.invoice"].search([("number", "=", number)])
        self.assertEqual(len(invoice), 1)
        self.env["szamlazz.account"]._cron_import_documents()
        return invoice

    def assert_valid_szamla(self, xml):
        schema_dir = xsd_dir()
        if schema_dir:
            schema = etree.XMLSchema(etree.parse(str(schema_dir / "szamla.xsd")))
            self.assertTrue(schema.validate(etree.fromstring(xml)), schema.error_log)

    def test_official_example_shape_issued_elsewhere_moves_no_stock(self):
        """The official push example's shape: a NAV import (forras 34) for a private person
        with an empty name and address, and an empty <pdf>. Stored, processed, mirrored, paid;
        no stock moved, and the document says why."""
        xml = (DATA / "szamla_push_nav_import.xml").read_bytes()
        self.assert_valid_szamla(xml)
        self.account.backfill_date = "2026-01-01"  # the fixture's invoice is new
        invoice = self.pushed_and_processed(xml)

        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(invoice.issued_by, "nav")
        self.assertEqual(invoice.line_ids.stock_status, "issued_elsewhere")
        self.assertEqual(self.available(), 10, "the software that issued it moved the goods")
        self.assertTrue(
            any(
                "Issued by NAV Online Számla" in body for body in invoice.message_ids.mapped("body")
            )
        )
        self.assertEqual(invoice.partner_id.name, "Private person")
        self.assertEqual(invoice.partner_id.email, "vevo@pelda.hu")
        self.assertFalse(invoice.partner_id.is_company)
        self.assertEqual((invoice.currency_code, invoice.payment_state), ("EUR", "paid"))
        self.assertEqual(invoice.pdf_problem, "Számlázz.hu sent this document without its PDF.")

        # A shop whose other software does not move stock turns it on: now the goods leave.
        self.account.move_stock_issued_elsewhere = True
        invoice.action_reprocess()
        self.assertEqual(invoice.line_ids.stock_status, "moved")
        self.assertEqual(self.available(), 8)

    def test_buyer_without_a_name_is_named_from_the_document_and_matched_again(self):
        with_tax_number = {
            "name": "",
            "tax_number": "87654321-2-41",
            "zip": "6720",
            "city": "Szeged",
            "street": "Kárász utca 5.",
        }
        private = {
            "name": "",
            "zip": "1111",
            "city": "Budapest",
            "street": "Fő utca 2.",
            "private_person": True,
        }
        first = self.pushed_and_processed(
            szamla_xml("WEB-2026-501", items=COFFEE, buyer=with_tax_number)
        )
        second = self.pushed_and_processed(
            szamla_xml("WEB-2026-502", items=COFFEE, buyer=with_tax_number)
        )
        self.assertEqual(first.partner_id.name, "Buyer 87654321-2-41")
        self.assertEqual(first.partner_id.vat, "87654321-2-41")
        self.assertEqual(second.partner_id, first.partner_id, "matched by the tax number")

        third = self.pushed_and_processed(szamla_xml("WEB-2026-503", items=COFFEE, buyer=private))
        fourth = self.pushed_and_processed(szamla_xml("WEB-2026-504", items=COFFEE, buyer=private))
        self.assertEqual(third.partner_id.name, "Private person, 1111 Budapest, Fő utca 2.")
        self.assertEqual(fourth.partner_id, third.partner_id, "matched by name and address")
        self.assertEqual(set((first | second | third | fourth).mapped("state")), {"done"})
        self.assertEqual(self.available(), 2)

    def test_empty_currency_is_stored_and_processed(self):
        xml = szamla_xml("WEB-2026-511", items=COFFEE, currency="", pdf=PDF)
        self.assert_valid_szamla(xml)
        invoice = self.pushed_and_processed(xml)
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertFalse(invoice.currency_id)
        self.assertAlmostEqual(invoice.amount_gross, 2540)
        self.assertEqual(self.available(), 8)

    def test_missing_or_broken_pdf_is_noted_never_refused(self):
        broken = self.pushed_and_processed(
            szamla_xml("WEB-2026-521", items=COFFEE, pdf="not base64 at all!")
        )
        empty = self.pushed_and_processed(szamla_xml("WEB-2026-522", items=COFFEE, pdf=""))
        absent = self.pushed_and_processed(szamla_xml("WEB-2026-523", items=COFFEE))
        for invoice in broken | empty | absent:
            self.assertEqual(invoice.state, "done", invoice.state_reason)
            self.assertFalse(invoice.pdf_attachment_id)
        self.assertIn("cannot be read", broken.pdf_problem)
        self.assertEqual(empty.pdf_problem, "Számlázz.hu sent this document without its PDF.")
        self.assertTrue(
            any(absent.pdf_problem in body for body in absent.message_ids.mapped("body"))
        )
        self.assertEqual(self.available(), 4)

    def test_elements_the_xsd_requires_but_real_answers_omit(self):
        xml = szamla_xml(
            "WEB-2026-531",
            items=COFFEE,
            omit=("gazdEsemAzon", "lokacio", "sztetordering", "keszpenz", "privatePersonIndicator"),
        )
        invoice = self.pushed_and_processed(xml)
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(self.available(), 8)

    def test_unreadable_item_needs_attention_with_the_reason(self):
        xml = szamla_xml("WEB-2026-541", items=COFFEE, raw_quantities={1: "két"})
        invoice = self.pushed_and_processed(xml)
        self.assertEqual(invoice.state, "needs_attention")
        self.assertIn("cannot read", invoice.state_reason)
        self.assertIn("<mennyiseg> in <tetel 1>: not a number: 'két'", invoice.state_reason)
        self.assertEqual(invoice.line_ids.stock_status, "unreadable")
        self.assertEqual(self.available(), 10, "nothing moves on a guess")

    def test_a_corrected_version_of_an_unreadable_document_moves_stock(self):
        unreadable = szamla_xml("WEB-2026-542", items=COFFEE, raw_quantities={1: "két"})
        invoice = self.pushed_and_processed(unreadable)
        self.assertEqual(invoice.state, "needs_attention")
        invoice = self.pushed_and_processed(szamla_xml("WEB-2026-542", items=COFFEE))
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        self.assertEqual(invoice.line_ids.mapped("quantity"), [2.0])
        self.assertEqual(self.available(), 8, "the readable version moved the goods")

    def test_what_cannot_be_identified_is_refused(self):
        foreign = szamla_xml("WEB-2026-551", items=COFFEE, namespace="http://example.com/szamla")
        unnumbered = szamla_xml("WEB-2026-552", items=COFFEE, omit=("szamlaszam",))
        for xml, reason in ((foreign, b"not a Sz"), (unnumbered, b"no number")):
            answer = self.push(xml)
            self.assertEqual(answer.status_code, 400)
            self.assertIn(reason, answer.content)
        self.assertFalse(
            self.env["szamlazz.invoice"].search(
                [("number", "in", ["WEB-2026-551", "WEB-2026-552"])]
            )
        )

    def test_values_out_of_range_are_refused_at_the_door(self):
        """Before, each of these reached PostgreSQL and every retry answered 500."""
        long_number = "X" * 2990 + "-2026-1"
        cases = [
            szamla_xml("WEB-2026-3000000000", items=COFFEE),
            szamla_xml("WEB-2026-581", items=COFFEE, internal_id=99999999999),
            szamla_xml(long_number, items=COFFEE),
            szamla_xml("WEB-2026-582", items=COFFEE, order_number="R" * 3000),
        ]
        for xml in cases:
            answer = self.push(xml)
            self.assertEqual(answer.status_code, 400, answer.text[:200])
            self.assertIn(b"cannot be stored", answer.content)
        stored = self.env["szamlazz.invoice"].search(
            [("number", "in", ["WEB-2026-3000000000", "WEB-2026-581", "WEB-2026-582"])]
        )
        self.assertFalse(stored)

    def test_a_requery_answer_out_of_range_is_a_reason_not_a_crash(self):
        invoice = self.pushed_and_processed(szamla_xml("WEB-2026-591", items=COFFEE))
        answer = parse_szamla_document(
            szamla_xml("WEB-2026-591", items=COFFEE, internal_id=99999999999)
        )
        self.account._store_requery_answer(invoice, [answer])
        self.assertIn("WEB-2026-591", self.account.import_last_error)
        self.assertIn("out of range", self.account.import_last_error)
        self.assertEqual(invoice.state, "done", "the stored version stays")

    def test_a_changed_item_needs_attention_in_words(self):
        """Számlázz.hu changes only payments, the storno flag and accounting fields after
        issue; other differences are shown instead of silently keeping the old lines."""
        first = self.pushed_and_processed(
            szamla_xml("WEB-2026-561", items=[COFFEE[0][:2] + (1, 1000)])
        )
        self.assertEqual((first.state, self.available()), ("done", 9))
        self.pushed_and_processed(szamla_xml("WEB-2026-561", items=[COFFEE[0][:2] + (2, 1000)]))
        self.assertEqual(first.state, "needs_attention")
        self.assertIn("quantity 1.0 → 2", first.state_reason)
        self.assertIn("gross total", first.state_reason)
        self.assertEqual(self.available(), 9, "the first version's stock stays as it was")

    def test_a_payment_change_updates_the_mirror_only(self):
        invoice = self.pushed_and_processed(szamla_xml("WEB-2026-571", items=COFFEE))
        self.assertEqual(invoice.payment_state, "not_paid")
        paid = szamla_xml("WEB-2026-571", items=COFFEE, payments=[(invoice.issue_date, 2540)])
        self.pushed_and_processed(paid)
        self.assertEqual((invoice.state, invoice.payment_state), ("done", "paid"))
        self.assertEqual(self.available(), 8)


@tagged("post_install", "-at_install", "innonest_szamlazz")
class SzamlazzRequeryReplayCase(SzamlazzHttpCase):
    def test_requery_of_an_unchanged_pushed_invoice_changes_nothing(self):
        """A re-query asks without the PDF, so its bytes never equal the push: it is still
        the same document. No new version, no processing, and the pushed PDF stays."""
        self.assert_requery_is_a_replay()

    def test_requery_answer_without_the_elements_real_answers_omit_is_a_replay(self):
        """Real query answers also leave out gazdEsemAzon, lokacio, sztetordering and more,
        which pushes carry (official examples)."""
        self.sandbox.control(
            "POST",
            "accounts",
            {
                "agent_key": SANDBOX_AGENT_KEY,
                "omit_elements": [
                    "alap/gazdEsemAzon",
                    "alap/keszpenz",
                    "alap/katafokonyv",
                    "vevo/lokacio",
                    "vevo/privatePersonIndicator",
                    "tetel/sztetordering",
                ],
            },
        )
        self.assert_requery_is_a_replay()

    def assert_requery_is_a_replay(self):
        self.register_push_target()
        self.env["product.product"].create(
            {"name": "Barista tanfolyam", "default_code": "T4H-COURSE", "type": "service"}
        )
        number = self.sandbox.issue(
            kind="SZ",
            buyer={"name": "Vevő Kft.", "zip": "1111", "city": "Budapest", "street": "Fő utca 1."},
            items=[
                {
                    "name": "Tanfolyam",
                    "identifier": "T4H-COURSE",
                    "quantity": 1,
                    "net_unit_price": 1000,
                }
            ],
        )["number"]
        self.sandbox.flush()
        self.env.invalidate_all()
        Invoice = self.env["szamlazz.invoice"]
        self.env["szamlazz.account"]._cron_import_documents()
        invoice = Invoice.search([("number", "=", number)])
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        pdf, raw_digest = invoice.pdf_attachment_id, invoice.raw_xml_sha256
        self.assertTrue(pdf)
        messages = len(invoice.message_ids)

        Invoice._cron_refresh_payment_status()  # flags the unpaid invoice for a re-query
        self.assertTrue(invoice.requery_requested)
        self.env["szamlazz.account"]._cron_import_documents()

        self.assertFalse(invoice.requery_requested)
        self.assertEqual(invoice.state, "done")
        self.assertEqual(invoice.raw_xml_sha256, raw_digest, "the pushed version stays stored")
        self.assertIn(b"<pdf>", base64.b64decode(invoice.raw_xml))
        self.assertEqual(invoice.pdf_attachment_id, pdf)
        self.assertEqual(len(invoice.message_ids), messages, "no “new version” message")
