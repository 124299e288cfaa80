from odoo import fields, models

from .szamlazz_invoice import SOURCES


class SzamlazzInvoiceArrival(models.Model):
    """One version of a Számlázz.hu document as it arrived, kept as it came: every version
    Számlázz.hu sent stays readable after a later one replaced it on the mirror. A replay of
    a version already kept is not a new arrival."""

    _name = "szamlazz.invoice.arrival"
    _description = "Számlázz.hu document arrival"
    _order = "invoice_id, date desc, id desc"

    invoice_id = fields.Many2one(
        "szamlazz.invoice", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="invoice_id.company_id", store=True, precompute=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    source = fields.Selection(SOURCES, required=True, readonly=True)
    sha256 = fields.Char("SHA-256", readonly=True, help="Of the bytes exactly as they came.")
    content_sha256 = fields.Char(
        "Content SHA-256", readonly=True, help="Of what the document says, without its PDF."
    )
    xml = fields.Binary("XML", attachment=True, readonly=True)
