from odoo import api, models

from .szamlazz_document_state_mixin import STORING


class SzamlazzInvoice(models.Model):
    _inherit = "szamlazz.invoice"

    @api.model
    def _store_document(self, account, document, source, raw=None):
        """Stored as before, then its job is enqueued once the document is complete (its
        arrival, its PDF): every channel (push, the receipt batch, pull, re-query) stores
        through here. A replay enqueues nothing (the document is not received any more, or
        the job of that version is still waiting)."""
        invoice = super(SzamlazzInvoice, self.with_context(**{STORING: True}))._store_document(
            account, document, source, raw=raw
        )
        invoice = invoice.with_env(self.env)
        invoice._enqueue_processing()
        return invoice

    def _queue_identity_key(self):
        self.ensure_one()
        return "szamlazz.invoice/%s/%s/%s" % (
            self.company_id.id,
            self.number,
            self.content_sha256 or self.arrival_id.sha256,
        )
