from odoo import fields, models


class SzamlazzRequery(models.Model):
    """A request to ask Számlázz.hu for the current version of a document.

    Rows are only inserted (by an IPN, the payment refresh, a registered payment, a bank
    transaction) and deleted (by the import once it asked): an IPN never updates a row the
    import holds,
    so it never waits for the import, however long Számlázz.hu takes to answer it.
    """

    _name = "szamlazz.requery"
    _description = "Számlázz.hu re-query request"
    _order = "id"

    invoice_id = fields.Many2one(
        "szamlazz.invoice", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="invoice_id.company_id", store=True, index=True)
    reason = fields.Selection(
        [
            ("ipn", "Payment notification (IPN)"),
            ("refresh", "Payment refresh"),
            ("write", "After a request from Odoo"),
            ("bank", "Bank transaction"),
        ],
        required=True,
        readonly=True,
    )
