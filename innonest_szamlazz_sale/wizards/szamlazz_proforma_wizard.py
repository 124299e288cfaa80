from odoo import fields, models
from odoo.addons.innonest_szamlazz.models.szamlazz_agent_write import PENDING_STATES


class SzamlazzProformaWizard(models.TransientModel):
    """From a quotation: one proforma per order, announced in the order's chatter."""

    _inherit = "szamlazz.proforma.wizard"

    sale_order_id = fields.Many2one("sale.order", readonly=True)

    def _idempotency_record(self):
        return self.sale_order_id or super()._idempotency_record()

    def _existing_proforma(self):
        return self.sale_order_id.szamlazz_proforma_id or super()._existing_proforma()

    def _write_in_progress(self):
        if not self.sale_order_id:
            return super()._write_in_progress()
        # One proforma per order: a done write whose link is still missing counts too.
        return self.env["szamlazz.agent.write"]._latest_for(
            self.sale_order_id, "proforma", PENDING_STATES + ("done",)
        )
