from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestProductDocumentsButton(TransactionCase):
    """The Számlázz.hu smart button on products: a variant shows its own documents, the
    template those of all its variants."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        colour = cls.env["product.attribute"].create(
            {
                "name": "Szín",
                "value_ids": [(0, 0, {"name": "Piros"}), (0, 0, {"name": "Kék"})],
            }
        )
        cls.template = cls.env["product.template"].create(
            {
                "name": "Bögre",
                "attribute_line_ids": [
                    (
                        0,
                        0,
                        {
                            "attribute_id": colour.id,
                            "value_ids": [(6, 0, colour.value_ids.ids)],
                        },
                    )
                ],
            }
        )
        cls.red, cls.blue = cls.template.product_variant_ids
        account = cls.env["szamlazz.account"].create({"company_id": cls.env.company.id})
        Invoice = cls.env["szamlazz.invoice"]
        cls.first = Invoice.create(
            {
                "account_id": account.id,
                "company_id": cls.env.company.id,
                "number": "T-2026-1",
                "line_ids": [
                    (0, 0, {"name": "Piros bögre", "product_id": cls.red.id}),
                    (0, 0, {"name": "Kék bögre", "product_id": cls.blue.id}),
                ],
            }
        )
        cls.second = Invoice.create(
            {
                "account_id": account.id,
                "company_id": cls.env.company.id,
                "number": "T-2026-2",
                "line_ids": [
                    (0, 0, {"name": "Piros bögre", "product_id": cls.red.id}),
                    (0, 0, {"name": "Piros bögre", "product_id": cls.red.id}),
                ],
            }
        )

    def opened(self, record):
        action = record.action_view_szamlazz_documents()
        return self.env["szamlazz.invoice"].search(action["domain"])

    def test_counts(self):
        self.assertEqual(self.red.szamlazz_document_count, 2)
        self.assertEqual(self.blue.szamlazz_document_count, 1)
        self.assertEqual(self.template.szamlazz_document_count, 2, "each document counts once")

    def test_the_button_opens_the_documents_it_counts(self):
        self.assertEqual(self.opened(self.blue), self.first)
        self.assertEqual(self.opened(self.red), self.first | self.second)
        self.assertEqual(self.opened(self.template), self.first | self.second)
