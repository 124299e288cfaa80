from odoo import api, fields, models

from ..tools.vat_keys import VAT_KEYS


class ProductTemplate(models.Model):
    _inherit = "product.template"

    # Like the Internal Reference: lives on the variant, shown here for single-variant
    # products.
    szamlazz_identifier = fields.Char(
        string="Számlázz.hu Item Identifier",
        compute="_compute_szamlazz_identifier",
        inverse="_inverse_szamlazz_identifier",
        search="_search_szamlazz_identifier",
        help="Sent as the item identifier (azonosito) on Számlázz.hu invoices and used "
        "to recognise this product on imported invoices. Follows the Internal "
        "Reference unless set to something else.",
    )
    szamlazz_unit = fields.Char(
        string="Számlázz.hu Unit",
        help="Unit written on Számlázz.hu invoices (mennyisegiEgyseg), e.g. “db”. "
        "Empty: the product's unit of measure.",
    )
    szamlazz_vat_key = fields.Selection(
        VAT_KEYS,
        string="Számlázz.hu VAT Key",
        help="VAT rate or VAT exemption key used on Számlázz.hu invoices.",
    )
    szamlazz_document_count = fields.Integer(
        "Számlázz.hu documents",
        compute="_compute_szamlazz_document_count",
        groups="innonest_szamlazz.group_szamlazz_user",
    )

    @api.depends("product_variant_ids.szamlazz_identifier")
    def _compute_szamlazz_identifier(self):
        self._compute_template_field_from_variant_field("szamlazz_identifier")

    def _compute_szamlazz_document_count(self):
        invoice_ids = self.env["szamlazz.invoice.line"]._invoice_ids_by_product(
            self.product_variant_ids
        )
        for template in self:
            documents = set()
            for variant in template.product_variant_ids:
                documents.update(invoice_ids.get(variant.id, ()))
            template.szamlazz_document_count = len(documents)

    def _inverse_szamlazz_identifier(self):
        self._set_product_variant_field("szamlazz_identifier")

    def _search_szamlazz_identifier(self, operator, value):
        variants = self.with_context(active_test=False)._search(
            [("product_variant_ids.szamlazz_identifier", operator, value)]
        )
        return [("id", "in", variants)]

    def _get_related_fields_variant_template(self):
        # Template create() copies these to the variant it has just made.
        return [*super()._get_related_fields_variant_template(), "szamlazz_identifier"]

    def action_view_szamlazz_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "innonest_szamlazz.szamlazz_invoice_action"
        )
        action["domain"] = [("line_ids.product_id.product_tmpl_id", "=", self.id)]
        return action
