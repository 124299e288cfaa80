from odoo import api, models

from .szamlazz_document_state_mixin import STORING


class SzamlazzSupplierInvoice(models.Model):
    _inherit = "szamlazz.supplier.invoice"

    @api.model
    def _store_document(self, account, document):
        """Stored as before, then its job is enqueued once the invoice is complete (its
        arrival, its PDF). A replay enqueues nothing."""
        invoice = super(
            SzamlazzSupplierInvoice, self.with_context(**{STORING: True})
        )._store_document(account, document)
        invoice = invoice.with_env(self.env)
        invoice._enqueue_processing()
        return invoice

    def _queue_identity_key(self):
        """A supplier's number is not unique in a company: the invoice is named by its
        account and identity (Számlázz.hu's id of it, else the supplier and the number)."""
        self.ensure_one()
        latest = self.arrival_attachment_ids.sorted("id")[-1:]
        return "szamlazz.supplier.invoice/%s/%s/%s/%s" % (
            self.company_id.id,
            self.account_id.id,
            self.identity,
            self.content_sha256 or latest.checksum,
        )
