from odoo import api, fields, models


class SzamlazzInvoice(models.Model):
    _inherit = "szamlazz.invoice"

    final_picking_ids = fields.Many2many(
        related="final_invoice_id.picking_ids",
        string="Deliveries",
        help="The transfers the final invoice of this proforma moved.",
    )

    @api.depends("kind", "final_invoice_id.payment_ids.amount")
    def _compute_amounts(self):
        """A proforma is paid through its final invoice: Számlázz.hu records the payment
        there and drops the proforma, so the proforma shows the invoice's payments."""
        super()._compute_amounts()
        settled = self.filtered(lambda invoice: invoice.kind == "D" and invoice.final_invoice_id)
        for proforma in settled:
            paid = sum(proforma.final_invoice_id.payment_ids.mapped("amount"))
            proforma.amount_paid = min(paid, proforma.amount_gross)
            proforma.amount_residual = proforma.amount_gross - proforma.amount_paid
