from odoo.tests import TransactionCase, tagged

from ..tools.vat_keys import normalize_vat_key


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestVatKeys(TransactionCase):
    def test_current_keys_and_percentages(self):
        self.assertEqual(normalize_vat_key("27"), "27")
        self.assertEqual(normalize_vat_key(" 27 % "), "27")
        self.assertEqual(normalize_vat_key("5.00"), "5")
        self.assertEqual(normalize_vat_key(0), "0")
        self.assertEqual(normalize_vat_key("tam"), "TAM")
        self.assertEqual(normalize_vat_key("F.AFA"), "F.AFA")
        self.assertEqual(normalize_vat_key("EUFAD37"), "EUFAD37")
        self.assertIsNone(normalize_vat_key(""))
        self.assertIsNone(normalize_vat_key(None))

    def test_legacy_keys_are_aliases(self):
        self.assertEqual(normalize_vat_key("EU"), "EUT")
        self.assertEqual(normalize_vat_key("EUK"), "EUKT")
        self.assertEqual(normalize_vat_key("MAA"), "TAM")
        self.assertEqual(normalize_vat_key("ÁKK"), "ATK")
        self.assertEqual(normalize_vat_key("ákk"), "ATK")
        self.assertEqual(normalize_vat_key("TEHK"), "EUE")

    def test_unknown_keys_are_refused(self):
        for value in ("26", "XYZ", "27.5"):
            with self.assertRaises(ValueError):
                normalize_vat_key(value)


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestProductIdentifier(TransactionCase):
    def test_identifier_follows_the_internal_reference(self):
        template = self.env["product.template"].create({"name": "Bögre", "default_code": "MUG-1"})
        variant = template.product_variant_id
        self.assertEqual(variant.szamlazz_identifier, "MUG-1")
        self.assertEqual(template.szamlazz_identifier, "MUG-1")

        template.default_code = "MUG-2"
        self.assertEqual(variant.szamlazz_identifier, "MUG-2")
        self.assertEqual(
            self.env["product.template"].search([("szamlazz_identifier", "=", "MUG-2")]),
            template,
        )

    def test_identifier_set_by_hand_is_kept(self):
        template = self.env["product.template"].create(
            {
                "name": "Kávé",
                "default_code": "COF-1",
                "szamlazz_identifier": "WEBSHOP-COF",
            }
        )
        variant = template.product_variant_id
        self.assertEqual(variant.szamlazz_identifier, "WEBSHOP-COF")
        variant.default_code = "COF-2"
        self.assertEqual(variant.szamlazz_identifier, "WEBSHOP-COF")

    def test_variants_have_their_own_identifier(self):
        variant = self.env["product.product"].create({"name": "Tea", "default_code": "TEA-1"})
        self.assertEqual(variant.szamlazz_identifier, "TEA-1")
        variant.szamlazz_identifier = "TEA-WEB"
        variant.default_code = "TEA-2"
        self.assertEqual(variant.szamlazz_identifier, "TEA-WEB")

    def test_vat_key_and_unit_are_shared_by_variants(self):
        template = self.env["product.template"].create(
            {
                "name": "Könyv",
                "szamlazz_vat_key": "5",
                "szamlazz_unit": "db",
            }
        )
        self.assertEqual(template.product_variant_id.szamlazz_vat_key, "5")
        self.assertEqual(template.product_variant_id.szamlazz_unit, "db")
