from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    szamlazz_document_count = fields.Integer(
        "Számlázz.hu documents",
        compute="_compute_szamlazz_document_count",
        groups="innonest_szamlazz.group_szamlazz_user",
    )

    def _compute_szamlazz_document_count(self):
        for template in self:
            template.szamlazz_document_count = self.env["szamlazz.invoice"].search_count(
                [("line_ids.product_id.product_tmpl_id", "=", template.id)]
            )

    def action_view_szamlazz_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "innonest_szamlazz.szamlazz_invoice_action"
        )
        action["domain"] = [("line_ids.product_id.product_tmpl_id", "=", self.id)]
        return action
