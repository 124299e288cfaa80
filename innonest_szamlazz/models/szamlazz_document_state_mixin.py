import logging

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..exceptions import CONCURRENT_CHANGES
from ..szamlazz_agent import errors
from ..tools import document_kinds
from ..tools.stock_batch import WORK_BATCH_CONTEXT

_logger = logging.getLogger(__name__)

# received ──process──> done | needs_attention | error
#    ^                        │        │            │
#    └── a new version, Re-process, a fix, or the document it waited for is done ──┘
STATES = [
    ("received", "Received"),
    ("done", "Done"),
    ("needs_attention", "Needs attention"),
    ("error", "Error"),
]
ATTENTION_ACTIVITY = "innonest_szamlazz.mail_activity_type_szamlazz_attention"


class SzamlazzDocumentStateMixin(models.AbstractModel):
    """The inbox states shared by Számlázz.hu documents and supplier invoices: the one
    place a state changes, the batch a worker takes, and a to-do for the account's
    responsible user while a document needs a person. The models define ``state``,
    ``state_reason``, ``number``, ``kind`` and ``account_id``."""

    _name = "szamlazz.document.state.mixin"
    _inherit = ["mail.activity.mixin"]
    _description = "Számlázz.hu document states"

    def _update_state(self, state, allowed_from, reason=False):
        """Refuses a transition the diagram (``STATES``) does not have; a person reads
        the reason on the form and, when they must act, in the chatter and a to-do."""
        for document in self:
            if document.state not in allowed_from:
                raise UserError(
                    _(
                        "%(document)s %(number)s cannot go from %(old)s to %(new)s.",
                        document=document._description,
                        number=document.number,
                        old=document.state,
                        new=state,
                    )
                )
            changed = (state, reason or False) != (
                document.state,
                document.state_reason or False,
            )
            document.write({"state": state, "state_reason": reason or False})
            if changed and reason and state in ("needs_attention", "error"):
                document.message_post(body=reason)
            if changed:
                document._follow_attention(state, reason)

    def _set_received(self):
        """A new version arrived, Re-process was asked, or what the document waited for is
        there: it goes through processing again."""
        self._update_state("received", ("received", "done", "needs_attention", "error"))

    def _set_done(self, reason=False):
        self._update_state("done", ("received",), reason)

    def _set_needs_attention(self, reason):
        self._update_state("needs_attention", ("received",), reason)

    def _set_error(self, reason):
        self._update_state("error", ("received",), reason)

    def _follow_attention(self, state, reason):
        """One to-do for the account's responsible user while the document needs a
        person, kept up to date, and marked done when the document is."""
        activity_type = self.env.ref(ATTENTION_ACTIVITY, raise_if_not_found=False)
        if not activity_type or state not in ("done", "needs_attention", "error"):
            return
        ours = self.activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        )
        if state == "done":
            if ours:
                ours.action_feedback(feedback=_("The document is done."))
        elif ours:
            ours.note = reason
        elif self.account_id.user_id:
            self.activity_schedule(
                ATTENTION_ACTIVITY, note=reason, user_id=self.account_id.user_id.id
            )

    @api.model
    def _inbox_domain(self, accounts=None):
        """The received documents (of ``accounts``, else of all) an import batch takes."""
        scope = [("account_id", "in", accounts.ids)] if accounts is not None else []
        return [("state", "=", "received")] + scope

    @api.model
    def _lock_received_batch(self, limit, accounts=None):
        """Up to ``limit`` documents of the inbox (:meth:`_inbox_domain`), locked for this
        transaction; rows another worker holds are skipped, so two workers never process
        the same document. Documents that follow another one come last."""
        self.flush_model(["kind"])
        inbox = self.sudo()._search(self._inbox_domain(accounts))
        # execute_query flushes what the domain reads.
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM %s
                 WHERE %s
                 ORDER BY kind IN %s, id
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                SQL.identifier(self._table),
                inbox.where_clause,
                document_kinds.codes(follows_original=True),
                limit,
            )
        )
        return self.sudo().browse([row[0] for row in rows])

    def _process(self):
        """Process the received documents in ``self``, those that follow another one last,
        from their mirrors (the XML was read when it was stored).

        The batch's shared work (its transfers, see :meth:`_new_work_batch`) is done
        together; when that fails, the whole batch is undone and processed again one
        document at a time, so one bad document never stops the others. One savepoint
        per document: a failure is recorded on that document (state error, reason in the
        chatter) and never raised, so the scheduled action keeps running.
        """
        follows = document_kinds.codes(follows_original=True)
        documents = (
            # A document processed while another batch runs (one a job runs at once) is
            # not part of that batch.
            self.sudo()
            .with_context(**{WORK_BATCH_CONTEXT: None})
            .filtered(lambda document: document.state == "received")
            .sorted(lambda document: (document.kind in follows, document.id))
        )
        work = self._new_work_batch() if len(documents) > 1 else None
        if work is not None:
            try:
                with self.env.cr.savepoint():
                    documents._process_each(work)
                return
            except Exception as error:  # each document is judged alone next
                _logger.info(
                    "%s: the batch's shared work failed (%s); one document at a time",
                    self._description,
                    error,
                )
        documents._process_each(None)

    def _new_work_batch(self):
        """What the documents of one batch do together (the invoices' transfers); None:
        nothing, each document does all of its work alone."""
        return None

    def _finish_work_batch(self, work):
        """Carry out what the documents of ``work`` asked for; raises when it fails."""

    def _process_each(self, work):
        follows = document_kinds.codes(follows_original=True)
        lookups = self._batch_lookups(self)
        for document in self:
            document = document.with_company(document.company_id)
            if work is not None and work.must_validate_before(document, follows):
                self._finish_work_batch(work)
            if work is not None:
                document = document.with_context(**{WORK_BATCH_CONTEXT: work})
                planned = work.mark()
            try:
                try:
                    with self.env.cr.savepoint():
                        document._process_document(lookups)
                except Exception:
                    # What the document planned is undone with the rest of its work.
                    if work is not None:
                        work.forget_since(planned)
                    raise
            except CONCURRENT_CHANGES as error:
                # Another worker changed what this document needs (the invoice it cancels,
                # the prefix or partner both learn at once) or locked it in the other order
                # (a deadlock): it stays received, next run.
                _logger.warning(
                    "%s %s postponed by a concurrent change: %s",
                    document._description,
                    document.number,
                    error.pgerror,
                )
            except (UserError, errors.SzamlazzError) as error:
                document._set_error(
                    str(error.args[0] if isinstance(error, UserError) else error.message)
                )
            except Exception as error:
                # Whatever else went wrong is a fact about this document, not a reason to
                # stop the batch (or to let Odoo deactivate the scheduled action).
                _logger.exception("Processing %s %s failed", document._description, document.number)
                document._set_error(_("Unexpected error: %s", error))
        if work is not None:
            self._finish_work_batch(work)
