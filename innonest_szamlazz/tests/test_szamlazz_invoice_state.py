"""The document's state machine and the table of document kinds."""

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..tools import document_kinds
from .szamla_documents import szamla_xml


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestDocumentStateAndKinds(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["szamlazz.account"].sudo().search(
            [("company_id", "=", cls.env.company.id)]
        ) or cls.env["szamlazz.account"].sudo().create(
            {"company_id": cls.env.company.id, "agent_key": "unused", "state": "connected"}
        )

    def receive(self, number, kind="SZ"):
        return self.env["szamlazz.invoice"]._receive_xml(
            self.account, szamla_xml(number, kind=kind, items=[("Díj", None, 1, 100)]), "push"
        )

    def test_only_the_transitions_of_the_diagram_happen(self):
        invoice = self.receive("D-STM-1", kind="D")
        self.assertEqual(invoice.state, "received")
        invoice._process()
        self.assertEqual(invoice.state, "done", invoice.state_reason)
        with self.assertRaises(UserError):
            invoice._set_done()
        with self.assertRaises(UserError):
            invoice._set_needs_attention("a processed document is judged again only when received")
        invoice._process()
        self.assertEqual(invoice.state, "done", "processing takes received documents only")
        invoice.action_reprocess()
        self.assertEqual(invoice.state, "done")
        self.assertEqual(len(invoice.arrival_ids), 1, "Re-process is no new arrival")

    def test_rules_follow_the_table_of_kinds(self):
        self.assertEqual(document_kinds.codes(debt=True), ("SZ", "ES", "VS", "HS", "JS"))
        self.assertEqual(document_kinds.codes(follows_original=True), ("HS", "SS", "SN"))
        for kind, debt, payable in (("SZ", True, True), ("D", False, True), ("SS", False, False)):
            invoice = self.receive("STK-%s-1" % kind, kind=kind)
            self.assertEqual(invoice.is_debt, debt, kind)
            self.assertEqual(invoice.is_payable, payable, kind)
