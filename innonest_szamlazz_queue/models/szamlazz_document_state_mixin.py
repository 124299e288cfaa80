"""Every received document is processed by a queue job of its own (OCA ``queue_job``).

A document becomes received when it is stored (a new document or a new version) and when
it goes through processing again (Re-process, a fix, the document it waited for is done).
Then one job is enqueued for it on the channel ``root.szamlazz``, under an identity key
made of its company, its number and its version: a replay, or a second push of the same
version while the job waits, enqueues nothing. The job runner hands the jobs to every
Odoo worker (of every server behind its address), so documents are processed side by
side instead of one batch at a time; the scheduled action "Számlázz.hu: import documents"
stays the fallback and the catch-up (it processes whatever is still received).

A job and a batch of the scheduled action never process the same document twice: the job
locks its document's row as the batch does (``FOR UPDATE SKIP LOCKED``, only while it is
still received) and does nothing when the row is held or no longer received.
"""

import random

from odoo import SUPERUSER_ID, _, api, models
from odoo.addons.innonest_szamlazz.tools import document_kinds
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.tools import SQL

CHANNEL = "root.szamlazz"
# queue_job runs lower numbers first (its default is 10): a document that follows another
# one (a storno, a correction) comes after the originals that wait with it.
FOLLOWER_PRIORITY = 20
# How long a document that follows another one waits for that one's job, per try.
AWAIT_SECONDS = 10
# How long a job postponed by another transaction's work on the same rows waits: a few
# seconds, not the same for every job, so that jobs that met once do not meet again.
CONCURRENT_SECONDS = (1, 6)
# Tries of a job (queue_job's default is 5): documents that meet other transactions (the
# same new buyer or prefix, the same stock) are tried again; on the last try a document
# is processed as it stands, or left to the scheduled action, and the job never fails.
MAX_TRIES = 10
# Set while a document is stored: it enqueues its job once, when it is complete.
STORING = "szamlazz_queue_storing"


class SzamlazzDocumentStateMixin(models.AbstractModel):
    _inherit = "szamlazz.document.state.mixin"

    def _set_received(self):
        result = super()._set_received()
        if not self.env.context.get(STORING):
            self._enqueue_processing()
        return result

    # -- enqueuing -------------------------------------------------------------------------

    def _queue_identity_key(self):
        """The identity of the job that processes this version of the document: the model,
        the company, what names the document there, and the version's digest."""
        raise NotImplementedError()

    def _enqueue_processing(self):
        """One job per received document in ``self`` (none when a job for the same version
        is waiting already), run as the superuser as the scheduled action is, in the
        document's company (the job is listed there)."""
        for document in self.filtered(lambda document: document.state == "received"):
            kind = document_kinds.kind_of(document.kind)
            document.with_user(SUPERUSER_ID).with_company(document.company_id).with_delay(
                channel=CHANNEL,
                max_retries=MAX_TRIES,
                identity_key=document._queue_identity_key(),
                priority=FOLLOWER_PRIORITY if kind and kind.follows_original else None,
                description=_(
                    "Process %(document)s %(number)s",
                    document=document._description,
                    number=document.number,
                ),
            )._process_queued()

    # -- the job ---------------------------------------------------------------------------

    def _process_queued(self):
        """The job: process this document if it is still received and no other worker
        (a batch of the scheduled action, another job) holds it; otherwise nothing. Reasons
        and chatter are written in the company's language. Returns what happened (the
        job's result)."""
        document = self.sudo().exists()
        if not document:
            return _("The document no longer exists.")
        document.ensure_one()
        if not document._lock_if_received():
            return _(
                "Nothing to do: %(number)s is not received any more, or another worker is "
                "processing it.",
                number=document.number,
            )
        awaited = document._queue_awaited_documents()
        if awaited and not document._queue_last_try():
            raise RetryableJobError(
                _(
                    "%(number)s follows %(awaited)s, not processed yet: tried again later.",
                    number=document.number,
                    awaited=", ".join(awaited.mapped("number")),
                ),
                seconds=AWAIT_SECONDS,
            )
        company = document.company_id
        document = document.with_context(lang=company._szamlazz_language())
        document._process()
        if document.state == "received":
            # Another transaction changed what the document needs (the base logged it):
            # it stays received; a later try, else the scheduled action, processes it.
            if not document._queue_last_try():
                raise RetryableJobError(
                    _("%s was postponed by a concurrent change.", document.number),
                    seconds=random.randint(*CONCURRENT_SECONDS),  # noqa: S311 (not a secret)
                )
            return _("%s stays received for the scheduled action.", document.number)
        return _(
            "%(number)s processed: %(state)s.",
            number=document.number,
            state=dict(document._fields["state"]._description_selection(document.env))[
                document.state
            ],
        )

    def _lock_if_received(self):
        """Lock this document's row for this transaction if it is still received and no
        other transaction holds it (the lock of ``_lock_received_batch``, for one row)."""
        self.ensure_one()
        self.flush_recordset(["state"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM %s
                 WHERE id = %s AND state = 'received'
                   FOR UPDATE SKIP LOCKED
                """,
                SQL.identifier(self._table),
                self.id,
            )
        )
        locked = bool(self.env.cr.fetchone())
        if locked:
            self.invalidate_recordset(["state"])
        return locked

    def _queue_awaited_documents(self):
        """The received documents of the company that this one follows (the document a
        storno cancels or a correction corrects): processed first, so this one finds them
        done instead of waiting for a person."""
        self.ensure_one()
        kind = document_kinds.kind_of(self.kind)
        if not (kind and kind.follows_original and self.referenced_number):
            return self.browse()
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("number", "=", self.referenced_number),
                ("state", "=", "received"),
                ("id", "!=", self.id),
            ]
        )

    @api.model
    def _queue_last_try(self):
        """Whether the running job has no try after this one: run directly (no stored job),
        or its retries are spent. A document is then processed as it stands rather than
        letting the job fail."""
        uuid = self.env.context.get("job_uuid")
        job = uuid and self.env["queue.job"].sudo().search([("uuid", "=", uuid)], limit=1)
        if not job:
            return True
        return bool(job.max_retries) and job.retry + 1 >= job.max_retries
