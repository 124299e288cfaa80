from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models

from .szamlazz_document_state_mixin import CHANNEL, STORING

# How long the job waits before it tries again pushes it could not store this time (held
# by another transaction).
RETRY_SECONDS = 5


class SzamlazzPush(models.Model):
    _inherit = "szamlazz.push"

    @api.model
    def _start_storing(self, account, eta=None):
        """A job stores the pushes, on the documents' channel: storing a document enqueues
        its job. One such job waits per account at a time (its identity key), so a burst
        of pushes enqueues few; a push that arrives while it runs enqueues the next. The
        scheduled action comes ``catch_up_minutes`` later, whatever happens to the job."""
        self.with_user(SUPERUSER_ID).with_company(account.company_id).with_delay(
            channel=CHANNEL,
            identity_key="szamlazz.push/%s" % account.id,
            eta=eta,
            description=_("Store the Számlázz.hu pushes waiting"),
        )._store_waiting(account)
        return super(SzamlazzPush, self.with_context(**{STORING: True}))._start_storing(account)

    @api.model
    def _store_waiting(self, account):
        """The job: store one batch of the account's waiting pushes, in its company's
        language; what is left is another job, a few seconds later when nothing could be
        stored this time."""
        pushes = self.with_context(lang=account.company_id._szamlazz_language())
        stored = pushes._read_waiting(account, self.env["szamlazz.invoice"]._batch_size())
        if pushes._waiting_count(account):
            pushes._start_storing(
                account,
                eta=None if stored else fields.Datetime.now() + timedelta(seconds=RETRY_SECONDS),
            )
        return _("%s push(es) stored.", stored)
