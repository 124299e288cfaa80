from odoo import fields, models


class SzamlazzProformaWizard(models.TransientModel):
    """From a quotation: one proforma per order, announced in the order's chatter."""

    _inherit = "szamlazz.proforma.wizard"

    sale_order_id = fields.Many2one("sale.order", readonly=True)

    def _idempotency_record(self):
        return self.sale_order_id or super()._idempotency_record()

    def _chatter_records(self):
        return self.sale_order_id or super()._chatter_records()

    def _existing_proforma(self):
        return self.sale_order_id.szamlazz_proforma_id or super()._existing_proforma()

    def _link_proforma(self, proforma):
        super()._link_proforma(proforma)
        if self.sale_order_id:
            self.sale_order_id.szamlazz_proforma_id = proforma
            proforma.sale_order_id = self.sale_order_id
