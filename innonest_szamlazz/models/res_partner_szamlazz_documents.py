from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    szamlazz_document_count = fields.Integer(
        "Számlázz.hu documents",
        compute="_compute_szamlazz_document_count",
        groups="innonest_szamlazz.group_szamlazz_user",
    )

    def _compute_szamlazz_document_count(self):
        Invoice = self.env["szamlazz.invoice"]
        for partner in self:
            partner.szamlazz_document_count = partner._origin.id and Invoice.search_count(
                [("partner_id", "child_of", partner._origin.id)]
            )

    def action_view_szamlazz_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "innonest_szamlazz.szamlazz_invoice_action"
        )
        action["domain"] = [("partner_id", "child_of", self.id)]
        return action
