from odoo import Command, _, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    szamlazz_proforma_id = fields.Many2one(
        "szamlazz.invoice", string="Számlázz.hu Proforma", readonly=True, copy=False,
        index="btree_not_null",
    )
    szamlazz_proforma_payment_state = fields.Selection(
        related="szamlazz_proforma_id.payment_state", string="Proforma Payment"
    )
    szamlazz_final_invoice_id = fields.Many2one(
        related="szamlazz_proforma_id.final_invoice_id", string="Számlázz.hu Invoice"
    )

    def action_szamlazz_proforma(self):
        """The order's proforma: the existing one, or the wizard filled from the order."""
        self.ensure_one()
        if self.szamlazz_proforma_id:
            return self.action_view_szamlazz_proforma()
        lines = self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment and line.product_uom_qty
        )
        if not lines:
            raise UserError(_("Add a product to the order before asking for a proforma."))
        return self.env["szamlazz.proforma.wizard"].with_company(self.company_id)._action_open({
            "company_id": self.company_id.id,
            "sale_order_id": self.id,
            "partner_id": self.partner_invoice_id.id,
            "currency_id": self.currency_id.id,
            "order_number": self.name,
            "line_ids": [Command.create(line._szamlazz_proforma_line_values()) for line in lines],
        })

    def action_view_szamlazz_proforma(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "szamlazz.invoice",
            "res_id": self.szamlazz_proforma_id.id,
            "view_mode": "form",
        }
