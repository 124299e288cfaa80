"""Bringing a connected account's documents into the inbox: pull, re-query, "Import now"."""

import base64
import contextlib
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..series_search import first_sequence_issued_from
from ..szamlazz_agent import errors, invoice_number, parse_szamla_document
from .szamlazz_invoice import CONCURRENT_CHANGES, IntakeConflictError, positive_int_param

_logger = logging.getLogger(__name__)

DEFAULT_PULL_LIMIT = 100
DEFAULT_REQUERY_LIMIT = 50
DEFAULT_REQUERY_INTERVAL = 60
# pg_try_advisory_xact_lock(key1, key2): key1 tells our locks apart from other modules'.
_PULL_LOCK_NAMESPACE = 724001


def _issue_date_of(invoice):
    """The issue date of a stored document, read from its XML until it is processed."""
    if invoice.issue_date or not invoice.raw_xml:
        return invoice.issue_date
    return parse_szamla_document(base64.b64decode(invoice.raw_xml)).issue_date


class QueryBudgetSpent(Exception):
    """This run asked Számlázz.hu as often as it may; the next run goes on."""


class CountedQueries:
    """Asks Számlázz.hu for documents by number, at most ``budget`` times per run (an
    outage or a huge series cannot make a run endless). Every answer, "not found"
    included, is kept for the run, so the walk never asks again what the search asked."""

    def __init__(self, client, budget):
        self.client = client
        self.budget = budget
        self.answers = {}

    def document(self, number):
        """The ``SzamlaDocument`` numbered ``number``, or None when there is none."""
        if number not in self.answers:
            if self.budget <= 0:
                raise QueryBudgetSpent()
            self.budget -= 1
            try:
                self.answers[number] = self.client.query_invoice(number=number, with_pdf=False)
            except errors.NotFoundError:
                self.answers[number] = None
        return self.answers[number]

    def issue_date(self, number):
        document = self.document(number)
        return document.issue_date if document else None


class SzamlazzAccount(models.Model):
    _inherit = "szamlazz.account"

    document_intake = fields.Selection(
        [
            ("pull", "Agent queries (pull)"),
            ("push", "Data connection (push)"),
        ],
        default="pull",
        required=True,
        help="Pull: Odoo asks Számlázz.hu for each new webshop invoice number. "
        "Push: Számlázz.hu sends every document to Odoo (registered data connection); "
        "the first import after a push arrived switches the account to it.",
    )
    import_last_run = fields.Datetime("Last import", readonly=True)
    import_last_error = fields.Text("Last import problem", readonly=True)
    szamlazz_invoice_ids = fields.One2many("szamlazz.invoice", "account_id", string="Documents")
    szamlazz_invoice_count = fields.Integer(
        "Számlázz.hu Documents", compute="_compute_szamlazz_invoice_count"
    )

    def _compute_szamlazz_invoice_count(self):
        counts = dict(
            self.env["szamlazz.invoice"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.szamlazz_invoice_count = counts.get(account, 0)

    # -- pull ------------------------------------------------------------------------------

    @api.model
    def _pull_limit(self):
        """Knob ``innonest_szamlazz.pull_max_documents`` (default 100): questions one run
        asks Számlázz.hu about new documents, per account, the search for the import
        start's first document and the "not found" that ends a series included."""
        return positive_int_param(
            self.env, "innonest_szamlazz.pull_max_documents", DEFAULT_PULL_LIMIT
        )

    def _pull_new_documents(self):
        """Walk each webshop prefix's two invoice series, paper (``PREFIX-YYYY-N``) and
        e-invoice (``E-PREFIX-YYYY-N``), forward from the last imported number until
        Számlázz.hu answers "not found"; with none imported yet, from the first document
        issued on the account's import start. Returns ``(pulled, more_waiting)``; problems
        are recorded on the account, never raised."""
        pulled, more_waiting = 0, False
        Invoice = self.env["szamlazz.invoice"].sudo()
        pushing = self._switch_to_push_where_pushes_arrive()
        for account in self.sudo().filtered(
            lambda a: a.document_intake == "pull" and a.state == "connected" and a not in pushing
        ):
            self.env.cr.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", [_PULL_LOCK_NAMESPACE, account.id]
            )
            if not self.env.cr.fetchone()[0]:
                continue  # another worker is pulling this account right now
            problem, skipped = False, []
            try:
                queries = CountedQueries(account._get_client(), self._pull_limit())
                webshop_prefixes = account.prefix_ids.filtered(
                    lambda p: p.is_webshop and p.document_kind == "invoice"
                )
                series = [
                    (p.name, e_invoice) for p in webshop_prefixes for e_invoice in (False, True)
                ]
                for prefix, e_invoice in series:
                    for year, sequence in account._pull_start_points(prefix, e_invoice, queries):
                        while True:
                            number = invoice_number(prefix, year, sequence, e_invoice)
                            document = queries.document(number)
                            if document is None:
                                break
                            try:
                                Invoice._store_document(account, document.raw, "pull")
                                pulled += account._pull_referenced_document(document, queries)
                            except IntakeConflictError:
                                break  # a push is storing it right now; it is not lost
                            except errors.InvalidResponseError as error:
                                # One document Odoo cannot store stops neither the walk
                                # nor the run; the account says which and why.
                                skipped.append("%s: %s" % (number, error.message))
                            else:
                                pulled += 1
                            sequence += 1
            except QueryBudgetSpent:
                more_waiting = True
            except (errors.SzamlazzError, UserError) as error:
                problem = _(
                    "Számlázz.hu could not be asked for new documents: %s",
                    getattr(error, "message", None) or str(error),
                )
            if skipped and not problem:
                problem = _("Documents Odoo cannot store were left out: %s", "; ".join(skipped))
            account.write({"import_last_run": fields.Datetime.now(), "import_last_error": problem})
        return pulled, more_waiting

    def _switch_to_push_where_pushes_arrive(self):
        """Accounts still pulling whose data connection has delivered a document: the
        pushes bring everything from now on. Switched here, not in the push endpoint, so
        that concurrent pushes never write the same account row. Returns the accounts
        that push now, switched here or by another worker at the same moment."""
        pulling = self.sudo().filtered(lambda account: account.document_intake == "pull")
        if not pulling:
            return self.browse()
        pushed = (
            self.env["szamlazz.invoice"]
            .sudo()
            ._read_group(
                [("account_id", "in", pulling.ids), ("source", "=", "push")], ["account_id"]
            )
        )
        switched = self.browse()
        for (account,) in pushed:
            switched |= account
            try:
                # Written and flushed at once: a conflict left pending would surface in
                # the next document's savepoint and abort the whole import transaction.
                with self.env.cr.savepoint():
                    account.document_intake = "push"
                    account.message_post(
                        body=_("Számlázz.hu's data connection delivers documents: pulling stops.")
                    )
            except CONCURRENT_CHANGES:
                _logger.info("Account %s is switched to push by another worker", account.id)
        return switched

    def _pull_referenced_document(self, document, queries):
        """Store the invoice a pulled storno or correction refers to when Odoo lacks it
        (issued before the import start, the walk skipped it): judged without it, the
        storno would wait for it forever. Returns how many documents were stored."""
        number = document.referenced_invoice
        if not number or self.env["szamlazz.invoice"].sudo().search_count(
            [("company_id", "=", self.company_id.id), ("number", "=", number)], limit=1
        ):
            return 0
        referenced = queries.document(number)
        if referenced is None:
            return 0
        self.env["szamlazz.invoice"].sudo()._store_document(self, referenced.raw, "pull")
        return 1

    def _pull_start_points(self, prefix, e_invoice, queries):
        """``[(year, first sequence to ask for)]`` of ``prefix``'s paper or e-invoice
        series, oldest year first; every later year up to this one starts at 1.

        Without a document imported since the import start, the start year's series is
        searched for its first document issued on that day or later (see
        :func:`~..series_search.first_sequence_issued_from`): older ones are history, not
        worth one question each. The search asks through ``queries``, so it spends the
        run's budget like the walk does.
        """
        self.ensure_one()
        this_year = fields.Date.context_today(self).year
        start = self._import_start_date()
        Invoice = self.env["szamlazz.invoice"].sudo()
        scope = [
            ("account_id", "=", self.id),
            ("number_prefix", "=", prefix),
            ("number_e_invoice", "=", e_invoice),
            ("number_year", "!=", 0),
            ("kind", "not in", ("D", "SL")),
        ]
        last = Invoice.search(scope, order="number_year desc, number_sequence desc", limit=1)
        last_issue_date = last and _issue_date_of(last)
        if last and not (start and last_issue_date and last_issue_date < start):
            year, sequence = last.number_year, last.number_sequence + 1
        elif start:
            year = start.year
            lowest = last.number_sequence + 1 if last.number_year == year else 1
            sequence = self._search_import_start(prefix, e_invoice, year, start, lowest, queries)
        else:
            year, sequence = this_year, 1
        return [(year, sequence)] + [(later, 1) for later in range(year + 1, this_year + 1)]

    def _search_import_start(self, prefix, e_invoice, year, start, lowest, queries):
        """The first sequence of a ``year`` series issued on ``start`` or later.

        When the run's budget ends the search, the newest document seen issued before
        ``start`` is stored (as history, it moves no stock): the next run searches on from
        it instead of from the beginning, so even a small budget gets through."""
        history = {}

        def issued_on(candidate):
            number = invoice_number(prefix, year, candidate, e_invoice)
            issue_date = queries.issue_date(number)
            if issue_date and issue_date < start:
                history[candidate] = queries.document(number)
            return issue_date

        try:
            return first_sequence_issued_from(issued_on, start, lowest)
        except QueryBudgetSpent:
            # A push storing the same document right now serves the next run just as well.
            with contextlib.suppress(IntakeConflictError):
                if history:
                    self.env["szamlazz.invoice"].sudo()._store_document(
                        self, history[max(history)].raw, "pull"
                    )
            raise

    # -- re-query --------------------------------------------------------------------------

    @api.model
    def _requery_limit(self):
        """Knob ``innonest_szamlazz.requery_batch_size`` (default 50): documents re-queried
        (IPN, payment refresh) per run."""
        return positive_int_param(
            self.env, "innonest_szamlazz.requery_batch_size", DEFAULT_REQUERY_LIMIT
        )

    @api.model
    def _requery_min_interval(self):
        """Knob ``innonest_szamlazz.requery_min_interval`` (default 60): seconds before a
        document just asked about is asked again, however many IPNs name it meanwhile (a
        flood of them, forged or not, costs one query per document)."""
        return positive_int_param(
            self.env, "innonest_szamlazz.requery_min_interval", DEFAULT_REQUERY_INTERVAL
        )

    def _requery_flagged_documents(self):
        """Ask Számlázz.hu for the current version of documents of these accounts that have
        a re-query request; the answer goes through the inbox like any other arrival.
        Returns how many documents were asked.

        Only the request rows are locked while Számlázz.hu is asked (IPNs insert new ones and
        never wait), and each document is committed as soon as its answer is stored."""
        if not self:
            return 0
        Invoice = self.env["szamlazz.invoice"].sudo()
        asked_before = fields.Datetime.now() - timedelta(seconds=self._requery_min_interval())
        unreachable = self.browse()
        asked = 0
        for invoice in Invoice.browse(self._documents_to_requery(asked_before)):
            account = invoice.account_id
            if account in unreachable:
                continue
            request_ids = self._claim_requery_requests(invoice, asked_before)
            if not request_ids:
                continue  # another worker asks, or has just asked
            asked += 1
            try:
                documents = account._current_versions_at_szamlazz(invoice)
            except (errors.SzamlazzError, UserError) as error:
                # Stays requested: the next run asks again.
                unreachable |= account
                account.import_last_error = _(
                    "Re-query of %(number)s failed: %(error)s",
                    number=invoice.number,
                    error=getattr(error, "message", None) or str(error),
                )
                continue
            try:
                with self.env.cr.savepoint():
                    account._store_requery_answer(invoice, documents)
                    self.env["szamlazz.requery"].browse(request_ids).unlink()
            except CONCURRENT_CHANGES:
                continue  # a push or the import changed it meanwhile: asked again next run
            Invoice._auto_commit()
        self._trigger_when_asked_recently_are_due(asked_before)
        return asked

    def _documents_to_requery(self, asked_before):
        """Ids of these accounts' documents with a request, not asked since
        ``asked_before``, longest unasked first; nothing locked yet."""
        self.env["szamlazz.requery"].flush_model()
        self.env["szamlazz.invoice"].flush_model(["last_query_date", "account_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT invoice.id
                  FROM szamlazz_invoice invoice
                 WHERE invoice.account_id IN %s
                   AND (invoice.last_query_date IS NULL OR invoice.last_query_date < %s)
                   AND EXISTS (SELECT 1 FROM szamlazz_requery request
                                WHERE request.invoice_id = invoice.id)
                 ORDER BY invoice.last_query_date NULLS FIRST, invoice.id
                 LIMIT %s
                """,
                tuple(self.ids),
                asked_before,
                self._requery_limit(),
            )
        )
        return [invoice_id for (invoice_id,) in self.env.cr.fetchall()]

    def _claim_requery_requests(self, invoice, asked_before):
        """Lock the requests of one document just before asking about it; none when another
        worker holds them or asked since ``asked_before``. Claimed one document at a time,
        because each answer is committed, and a commit would free requests claimed ahead."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    """
                    SELECT request.id
                      FROM szamlazz_requery request
                      JOIN szamlazz_invoice invoice ON invoice.id = request.invoice_id
                     WHERE request.invoice_id = %s
                       AND (invoice.last_query_date IS NULL OR invoice.last_query_date < %s)
                       FOR UPDATE OF request SKIP LOCKED
                    """,
                    [invoice.id, asked_before],
                )
                return [request_id for (request_id,) in self.env.cr.fetchall()]
        except CONCURRENT_CHANGES:
            return []  # taken and answered by another worker since this transaction began

    def _trigger_when_asked_recently_are_due(self, asked_before):
        """Requests for documents asked about too recently wait; wake the import when the
        first of them may be asked again."""
        self.env["szamlazz.requery"].flush_model()
        self.env.cr.execute(
            """
            SELECT MIN(invoice.last_query_date)
              FROM szamlazz_requery request
              JOIN szamlazz_invoice invoice ON invoice.id = request.invoice_id
             WHERE invoice.last_query_date >= %s AND invoice.account_id IN %s
            """,
            [asked_before, tuple(self.ids)],
        )
        earliest = self.env.cr.fetchone()[0]
        if earliest:
            self.env.ref("innonest_szamlazz.ir_cron_szamlazz_import")._trigger(
                at=earliest + timedelta(seconds=self._requery_min_interval())
            )

    def _store_requery_answer(self, invoice, documents):
        self.ensure_one()
        values = {"last_query_date": fields.Datetime.now()}
        if not any(document.number == invoice.number for document in documents):
            values["missing_at_szamlazz"] = True
            invoice.message_post(
                body=_(
                    "Számlázz.hu no longer has this document (a paid proforma becomes an "
                    "invoice, a deleted one disappears)."
                )
            )
        invoice.write(values)
        for document in documents:
            try:
                invoice._store_document(self, document.raw, "requery")
            except IntakeConflictError:
                continue  # a push storing the same document right now makes this redundant
            except errors.InvalidResponseError as error:
                self.import_last_error = _(
                    "Re-query of %(number)s: %(error)s", number=document.number, error=error.message
                )
                invoice.message_post(
                    body=_("Számlázz.hu's current version cannot be stored: %s", error.message)
                )

    def _current_versions_at_szamlazz(self, invoice):
        """What Számlázz.hu has now for ``invoice``: its current version; for a proforma that
        has disappeared, the final invoice issued from it, found by the order number it
        keeps (how polling learns a proforma was paid); nothing when it is gone for good.

        Raises :class:`~..szamlazz_agent.errors.SzamlazzError` when Számlázz.hu cannot tell.
        """
        client = self._get_client()
        try:
            return [client.query_invoice(number=invoice.number, with_pdf=False)]
        except errors.NotFoundError:
            if invoice.kind != "D" or not invoice.order_number:
                return []
        try:
            final = client.query_invoice(order_number=invoice.order_number, with_pdf=False)
        except errors.NotFoundError:
            return []
        return [final] if final.referenced_proforma == invoice.number else []

    # -- on demand -------------------------------------------------------------------------

    def import_documents(self):
        """Public (XML-RPC): one bounded import pass for these accounts (all when empty):
        re-query flagged documents, pull new ones, process one batch of the inbox. What is
        left is handed to the scheduled action. Returns ``{requeried, pulled, processed,
        remaining}``. Needs read access to the accounts (Számlázz.hu users)."""
        self.check_access("read")
        # Only the accounts of the companies this user may use: another company's inbox is
        # not theirs to process, nor its counts to see.
        accounts = (self or self.search([])).sudo()
        accounts._recover_from_error()
        requeried = accounts._requery_flagged_documents()
        pulled, more_waiting = accounts._pull_new_documents()
        Invoice = self.env["szamlazz.invoice"]
        processed, remaining = Invoice._process_inbox_batch(accounts)
        remaining += Invoice.sudo().search_count(
            [("requery_requested", "=", True), ("account_id", "in", accounts.ids)]
        )
        if remaining or more_waiting:
            self.env.ref("innonest_szamlazz.ir_cron_szamlazz_import")._trigger()
        return {
            "requeried": requeried,
            "pulled": pulled,
            "processed": processed,
            "remaining": remaining + (1 if more_waiting else 0),
        }

    def action_import_now(self):
        return self._action_import_now_notification()

    def _action_import_now_notification(self):
        result = self.import_documents()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Számlázz.hu import"),
                "message": _(
                    "%(processed)s document(s) processed, %(remaining)s left for the "
                    "scheduled action.",
                    **result,
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_szamlazz_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "innonest_szamlazz.szamlazz_invoice_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        return action
