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

    def _answer_if_on_its_way(self):
        if not self.sale_order_id:
            return super()._answer_if_on_its_way()
        # One proforma per order: a request of another click for it is this one (a done one
        # whose link is still missing included).
        write = self.env["szamlazz.agent.write"]._latest_for(
            self.sale_order_id, "proforma", PENDING_STATES + ("done",), self.company_id
        )
        return write._answer_repeated_click() if write else None
