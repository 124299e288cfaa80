"""Buyer → partner, in Számlázz.hu's order, and new partners for unknown buyers."""

from odoo.tests import TransactionCase, tagged

from .szamla_documents import szamla_xml


@tagged("post_install", "-at_install", "innonest_szamlazz")
class SzamlazzBuyerMatchingCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.account = cls.env["szamlazz.account"].sudo().search(
            [("company_id", "=", company.id)]
        ) or cls.env["szamlazz.account"].sudo().create(
            {"company_id": company.id, "agent_key": "unused-in-these-tests", "state": "connected"}
        )
        Partner = cls.env["res.partner"]
        cls.by_identifier = Partner.create(
            {"name": "Azonosított Kft.", "szamlazz_identifier": "T4-BUYER-1"}
        )
        cls.by_tax_number = Partner.create(
            {
                "name": "Adószámos Kft.",
                "vat": "11111111-2-13",
                "street": "Régi utca 5.",
                "zip": "6720",
                "city": "Szeged",
            }
        )
        cls.by_core = Partner.create({"name": "Törzsszámos Kft.", "vat": "HU22222222"})
        cls.by_eu_vat = Partner.create({"name": "Deutsche GmbH", "vat": "DE123456789"})
        cls.by_address = Partner.create(
            {
                "name": "Kovács Anna",
                "zip": "1234",
                "city": "Budapest",
                "street": "Petőfi u. 3.",
                "country_id": cls.env.ref("base.hu").id,
            }
        )

    def receive(self, number, buyer):
        invoice = self.env["szamlazz.invoice"]._receive_xml(
            self.account,
            szamla_xml(number, kind="D", buyer=buyer, items=[("Tétel", None, 1, 100)]),
            "push",
        )
        return invoice

    def test_each_rule_in_order_in_one_batch(self):
        partners_before = self.env["res.partner"].search_count([])
        cases = [
            # The identifier wins over a tax number that names another partner.
            (
                {"name": "Bárki", "identifier": "T4-BUYER-1", "tax_number": "11111111-2-13"},
                self.by_identifier,
            ),
            ({"name": "Más név", "tax_number": "11111111213"}, self.by_tax_number),
            ({"name": "Más név", "tax_number": "22222222-2-42"}, self.by_core),
            (
                {"name": "Más név", "eu_tax_number": "de 123 456 789", "country": "Németország"},
                self.by_eu_vat,
            ),
            (
                {
                    "name": "KOVÁCS  ANNA",
                    "zip": "1234",
                    "city": "budapest",
                    "street": "Petőfi u 3",
                    "country": "Magyarország",
                    "private_person": True,
                },
                self.by_address,
            ),
        ]
        invoices = self.env["szamlazz.invoice"]
        for index, (buyer, _partner) in enumerate(cases, start=1):
            invoices |= self.receive("D-T4M-2026-%d" % index, buyer)
        invoices._process()
        for invoice, (_buyer, partner) in zip(invoices, cases, strict=True):
            self.assertEqual(invoice.partner_id, partner, invoice.buyer_name)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)

    def test_address_must_match_fully(self):
        invoice = self.receive(
            "D-T4M-2026-10",
            {
                "name": "Kovács Anna",
                "zip": "1234",
                "city": "Budapest",
                "street": "Petőfi u. 4.",
                "private_person": True,
            },
        )
        invoice._process()
        self.assertNotEqual(invoice.partner_id, self.by_address)
        self.assertFalse(invoice.partner_id.is_company)

    def test_match_keeps_curated_data_and_logs_differences(self):
        invoice = self.receive(
            "D-T4M-2026-11",
            {
                "name": "Adószámos Kft.",
                "tax_number": "11111111-2-13",
                "zip": "6720",
                "city": "Szeged",
                "street": "Új utca 9.",
            },
        )
        invoice._process()
        self.assertEqual(invoice.partner_id, self.by_tax_number)
        self.assertEqual(self.by_tax_number.street, "Régi utca 5.")
        self.assertTrue(
            any(
                "Új utca 9." in body and "Régi utca 5." in body
                for body in invoice.message_ids.mapped("body")
            )
        )

    def test_unknown_buyer_becomes_a_partner_with_every_email(self):
        invoice = self.receive(
            "D-T4M-2026-12",
            {
                "name": "Új Vevő Kft.",
                "tax_number": "33333333242",
                "zip": "9021",
                "city": "Győr",
                "street": "Baross út 1.",
                "email": "egy@pelda.hu, ketto@pelda.hu",
                "identifier": "T4-NEW-BUYER",
            },
        )
        invoice._process()
        partner = invoice.partner_id
        self.assertEqual(partner.name, "Új Vevő Kft.")
        self.assertTrue(partner.is_company)
        self.assertEqual(partner.vat, "33333333-2-42")
        self.assertEqual(partner.email, "egy@pelda.hu, ketto@pelda.hu")
        self.assertEqual(partner.email_normalized, "egy@pelda.hu")
        self.assertEqual(partner.country_id, self.env.ref("base.hu"))
        self.assertEqual(partner.szamlazz_identifier, "T4-NEW-BUYER")
        # The same buyer again, in a later batch: found, not created twice.
        again = self.receive(
            "D-T4M-2026-13",
            {
                "name": "Új Vevő Kft.",
                "tax_number": "33333333-2-42",
                "zip": "9021",
                "city": "Győr",
                "street": "Baross út 1.",
            },
        )
        again._process()
        self.assertEqual(again.partner_id, partner)

    def test_new_buyer_speaks_the_language_of_its_document(self):
        self.env["res.lang"]._activate_lang("hu_HU")
        self.env["res.lang"]._activate_lang("de_DE")
        buyers = []
        for number, language in (("D-T4M-2026-21", "hu"), ("D-T4M-2026-22", "de")):
            invoice = self.env["szamlazz.invoice"]._receive_xml(
                self.account,
                szamla_xml(
                    number,
                    kind="D",
                    buyer={"name": "Vevő %s" % language, "zip": "1%s" % number[-2:]},
                    items=[("Tétel", None, 1, 100)],
                    language=language,
                ),
                "push",
            )
            invoice._process()
            buyers.append(invoice.partner_id)
        self.assertEqual([buyer.lang for buyer in buyers], ["hu_HU", "de_DE"])

    def test_same_new_buyer_twice_in_one_batch_is_one_partner(self):
        buyer = {
            "name": "Magán Péter",
            "zip": "4025",
            "city": "Debrecen",
            "street": "Piac u. 2.",
            "private_person": True,
        }
        invoices = self.receive("D-T4M-2026-14", buyer) | self.receive("D-T4M-2026-15", buyer)
        invoices._process()
        self.assertEqual(len(invoices.partner_id), 1)
        self.assertFalse(invoices.partner_id.is_company)
