from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    szamlazz_document_count = fields.Integer(
        "Számlázz.hu documents",
        compute="_compute_szamlazz_document_count",
        groups="innonest_szamlazz.group_szamlazz_user",
    )

    def _compute_szamlazz_document_count(self):
        invoice_ids = self.env["szamlazz.invoice.line"]._invoice_ids_by_product(
            self.product_variant_ids
        )
        for template in self:
            documents = set()
            for variant in template.product_variant_ids:
                documents.update(invoice_ids.get(variant.id, ()))
            template.szamlazz_document_count = len(documents)

    def action_view_szamlazz_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "innonest_szamlazz.szamlazz_invoice_action"
        )
        action["domain"] = [("line_ids.product_id.product_tmpl_id", "=", self.id)]
        return action
