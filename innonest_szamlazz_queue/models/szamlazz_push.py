from odoo import SUPERUSER_ID, _, api, models

from .szamlazz_document_state_mixin import CHANNEL


class SzamlazzPush(models.Model):
    _inherit = "szamlazz.push"

    @api.model
    def _start_storing(self, account):
        """A job stores the pushes, on the documents' channel, instead of the scheduled
        action: storing a document enqueues its job, and the scheduled action only catches
        up. One such job waits per account at a time (its identity key), so a burst of
        pushes enqueues few; a push that arrives while it runs enqueues the next."""
        self.with_user(SUPERUSER_ID).with_company(account.company_id).with_delay(
            channel=CHANNEL,
            identity_key="szamlazz.push/%s" % account.id,
            description=_("Store the Számlázz.hu pushes waiting"),
        )._store_waiting(account)

    @api.model
    def _store_waiting(self, account):
        """The job: store one batch of the account's waiting pushes, in its company's
        language; the next batch is another job."""
        pushes = self.with_context(lang=account.company_id._szamlazz_language())
        stored = pushes._read_waiting(account, self.env["szamlazz.invoice"]._batch_size())
        if pushes._waiting_count(account):
            pushes._start_storing(account)
        return _("%s push(es) stored.", stored)
