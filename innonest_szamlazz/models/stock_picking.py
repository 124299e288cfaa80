from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # The other side of szamlazz.invoice.picking_ids: a transfer is linked to its
    # document as it is created, with the batch's other transfers.
    szamlazz_invoice_ids = fields.Many2many(
        "szamlazz.invoice",
        "stock_picking_szamlazz_invoice_rel",
        "stock_picking_id",
        "szamlazz_invoice_id",
        string="Számlázz.hu source documents",
        readonly=True,
        copy=False,
    )
    szamlazz_document_count = fields.Integer(
        "Számlázz.hu documents", compute="_compute_szamlazz_document_count"
    )

    def _compute_szamlazz_document_count(self):
        for picking in self:
            picking.szamlazz_document_count = picking._origin.id and len(
                picking._origin._szamlazz_documents()
            )

    def _szamlazz_documents(self):
        return self.env["szamlazz.invoice"].search([("picking_ids", "in", self.ids)])

    def action_view_szamlazz_documents(self):
        self.ensure_one()
        documents = self._szamlazz_documents()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "innonest_szamlazz.szamlazz_invoice_action"
        )
        action["domain"] = [("id", "in", documents.ids)]
        if len(documents) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=documents.id)
        return action
