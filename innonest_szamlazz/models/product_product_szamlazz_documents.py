from odoo import fields, models


class ProductProduct(models.Model):
    """The variant form inherits the template's smart button: it counts and opens the
    documents of this variant only."""

    _inherit = "product.product"

    szamlazz_document_count = fields.Integer(
        "Számlázz.hu documents",
        compute="_compute_szamlazz_document_count",
        groups="innonest_szamlazz.group_szamlazz_user",
    )

    def _compute_szamlazz_document_count(self):
        invoice_ids = self.env["szamlazz.invoice.line"]._invoice_ids_by_product(self)
        for product in self:
            product.szamlazz_document_count = len(invoice_ids.get(product.id, ()))

    def action_view_szamlazz_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "innonest_szamlazz.szamlazz_invoice_action"
        )
        action["domain"] = [("line_ids.product_id", "=", self.id)]
        return action
