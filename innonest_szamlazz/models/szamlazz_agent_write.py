"""Writes to Számlázz.hu (a proforma created, a payment registered), each recorded and
committed before it is sent, so that none is ever sent twice.

Számlázz.hu does not deduplicate: a second create with the same external id issues a
second document, a second additive credit entry counts twice, and a create can still be
running at Számlázz.hu long after the client stopped waiting for its answer. So a write
whose answer never came (a timeout, a dropped or unreadable reply) is not resent: it waits
in "outcome unknown" until a check, once Számlázz.hu has surely finished, finds what it did.

State diagram::

    sending ──answer──────────────────────────────► done
       │    ──refused by Számlázz.hu──────────────► not_done
       │
       └─no answer, or the worker died─► outcome_unknown ──found──► done
                                             │
                                             └─settle time over, nothing found─► not_done

Only ``not_done`` lets the user send the same thing again; while a write is ``sending`` or
``outcome_unknown`` another click on the same button sends nothing.
"""

import logging
import threading
from datetime import timedelta
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_repr, format_amount, format_datetime

from ..exceptions import IntakeConflictError
from ..szamlazz_agent import (
    CreditEntryRequest,
    NotFoundError,
    OutcomeUnknownError,
    PaymentRequest,
    SzamlazzError,
)
from ..tools import document_kinds
from ..tools.agent_user_error import agent_user_error
from ..tools.params import positive_int_param

_logger = logging.getLogger(__name__)

# Longer than the slowest answer seen from Számlázz.hu (a create stalled for more than a
# minute) plus the client's read timeout: after it, a write not found was not carried out.
DEFAULT_SETTLE_SECONDS = 300
PENDING_STATES = ("sending", "outcome_unknown")
# After the settle time, how long a first "not found" is confirmed before it counts.
CONFIRM_MISS_SECONDS = 60


class SzamlazzAgentWrite(models.Model):
    _name = "szamlazz.agent.write"
    _description = "Request to Számlázz.hu"
    _inherit = ["mail.thread"]
    _order = "sent_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    kind = fields.Selection(
        [("proforma", "Create a proforma"), ("credit_entry", "Register a payment")],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("sending", "Sending"),
            ("outcome_unknown", "Outcome unknown"),
            ("done", "Done"),
            ("not_done", "Not carried out"),
        ],
        required=True,
        default="sending",
        readonly=True,
        index=True,
        tracking=True,
        help="Sending: sent, the answer is awaited. Outcome unknown: Számlázz.hu did not "
        "answer; Odoo checks what it did once it has surely finished and sends nothing again "
        "meanwhile. Done: carried out. Not carried out: refused, or the check found nothing; "
        "it may be sent again.",
    )
    account_id = fields.Many2one(
        "szamlazz.account", required=True, readonly=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", "Sent by", readonly=True, default=lambda self: self.env.user
    )
    res_model = fields.Char("Made From (Model)", readonly=True, index=True)
    res_id = fields.Many2oneReference("Made From (Id)", model_field="res_model", readonly=True)
    partner_id = fields.Many2one("res.partner", "Buyer", readonly=True, index=True)
    external_id = fields.Char(
        "External Id",
        readonly=True,
        index=True,
        copy=False,
        help="The szamlaKulsoAzon a create is sent with and found by.",
    )
    order_number = fields.Char(readonly=True, index=True, help="rendelesSzam of a create.")
    payment_reference = fields.Char(
        readonly=True,
        index=True,
        copy=False,
        help="The mark in a credit entry's note that finds it among the invoice's payments.",
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(
        readonly=True, help="The proforma's gross total, or the payment's amount."
    )
    payment_date = fields.Date(readonly=True)
    payment_method = fields.Char(readonly=True)
    payment_note = fields.Char(readonly=True)
    invoice_id = fields.Many2one(
        "szamlazz.invoice",
        "Document",
        readonly=True,
        index="btree_not_null",
        check_company=True,
        help="The proforma created, or the invoice the payment is registered on.",
    )
    document_number = fields.Char(readonly=True, help="The number Számlázz.hu answered.")
    sent_date = fields.Datetime("Sent", readonly=True, default=fields.Datetime.now)
    settle_date = fields.Datetime(
        "Checked After",
        readonly=True,
        help="When Számlázz.hu has surely finished with the request: a check after it that "
        "finds nothing means it was not carried out.",
    )
    last_check_date = fields.Datetime("Last Check", readonly=True)
    first_miss_date = fields.Datetime(
        "Not Found Since",
        readonly=True,
        help="The first check after the settle time that found nothing; a second one a "
        "while later decides that the request was not carried out.",
    )
    payments_before = fields.Json(
        readonly=True,
        help="The payments the invoice had when the credit entry was sent: a payment of "
        "this date and amount beyond them is this one, even without its mark.",
    )
    reason = fields.Text(readonly=True)

    _sql_constraints = [
        ("external_id_uniq", "unique(external_id)", "An external id is used for one request."),
        (
            "payment_reference_uniq",
            "unique(payment_reference)",
            "A payment mark is used for one request.",
        ),
    ]

    @api.depends("kind", "order_number", "document_number", "amount", "currency_id")
    def _compute_name(self):
        for write in self:
            if write.kind == "proforma":
                write.name = _(
                    "Proforma %(number)s", number=write.document_number or write.order_number or ""
                )
            else:
                write.name = _(
                    "Payment of %(amount)s on %(number)s",
                    amount=format_amount(self.env, write.amount, write.currency_id),
                    number=write.invoice_id.number or "",
                )

    # -- knobs -------------------------------------------------------------------------

    @api.model
    def _settle_seconds(self):
        """Knob ``innonest_szamlazz.write_settle_seconds`` (default 300): how long after a
        write Odoo waits before it concludes from "not found" that it was not carried out."""
        return positive_int_param(
            self.env, "innonest_szamlazz.write_settle_seconds", DEFAULT_SETTLE_SECONDS
        )

    # -- state machine -----------------------------------------------------------------

    def _update_state(self, state, allowed_from, values=None):
        for write in self:
            if write.state not in allowed_from:
                raise UserError(
                    _(
                        "%(request)s cannot go from %(old)s to %(new)s.",
                        request=write.name,
                        old=write.state,
                        new=state,
                    )
                )
        self.write(dict(values or {}, state=state))

    def _set_done(self, invoice=None, number=None):
        self._update_state(
            "done",
            PENDING_STATES,
            {
                "invoice_id": (invoice or self.invoice_id).id,
                "document_number": number or (invoice and invoice.number) or self.document_number,
                "reason": False,
            },
        )

    def _set_outcome_unknown(self, reason):
        self._update_state("outcome_unknown", ("sending",), {"reason": reason})

    def _set_not_done(self, reason):
        self._update_state("not_done", PENDING_STATES, {"reason": reason})

    # -- sending -----------------------------------------------------------------------

    @api.model
    def _commit(self):
        """Make what was recorded so far survive whatever happens next (a crash, a timeout,
        a rollback of the request): the write must be on record before it is sent, and its
        outcome as soon as it is known. Tests run in one transaction and skip this."""
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _claim(self, record):
        """Make a click the only one working on ``record`` (the invoice a payment goes on,
        the order or buyer a proforma is for). A no-op update of its row: a second click
        waits for the first, and when the first has committed its request, fails with a
        serialization error that Odoo retries on a fresh snapshot, which sees the request.
        (``SELECT … FOR UPDATE`` would let it go on with its old snapshot and send again.)"""
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET write_date = write_date WHERE id = %s",
                SQL.identifier(record._table),
                record.id,
            )
        )

    @api.model
    def _begin(self, values):
        """Record a write before it is sent, with the identifiers that find it again."""
        write = self.sudo().create(dict(values, state="sending"))
        reference = self.env["szamlazz.account"]._odoo_reference("request", write.id)
        write.write(
            {
                "external_id": reference if write.kind == "proforma" else False,
                "payment_reference": reference if write.kind == "credit_entry" else False,
                "settle_date": write.sent_date + timedelta(seconds=self._settle_seconds()),
            }
        )
        self._commit()
        return write

    def _send_proforma(self, request):
        """Create the proforma; the proforma's mirror when Számlázz.hu answered, else
        the notification to show (the outcome is checked later)."""
        self.ensure_one()
        client = self.account_id._get_client()
        try:
            result = client.create_invoice(request)
        except OutcomeUnknownError as error:
            return self._outcome_unknown(error)
        except SzamlazzError as error:
            raise self._refused(error) from None
        self._set_done(number=result.number)
        self._commit()
        return self._fetch_proforma(result.pdf)

    def _send_credit_entry(self):
        self.ensure_one()
        invoice = self.invoice_id
        request = CreditEntryRequest(
            number=invoice.number,
            payments=[
                PaymentRequest(
                    date=self.payment_date,
                    title=self.payment_method,
                    amount=Decimal(float_repr(self.amount, 2)),
                    note=self._payment_note(),
                )
            ],
            additive=True,
        )
        try:
            self.account_id._get_client().register_payment(request)
        except OutcomeUnknownError as error:
            return self._outcome_unknown(error)
        except SzamlazzError as error:
            raise self._refused(error) from None
        self._set_done()
        self._announce_payment()
        self._commit()
        self._refresh_invoice()
        return self._notification(
            _("The payment was registered at Számlázz.hu."), "success", sticky=False
        )

    def _refused(self, error):
        """Számlázz.hu said no, so nothing happened there: recorded, and the error to show."""
        user_error = agent_user_error(self.env, error)
        self._set_not_done(str(user_error.args[0]))
        self._commit()
        return user_error

    def _payment_note(self):
        """The credit entry's note: the mark that finds it again first (a note cut short
        keeps it), then the user's words."""
        if self.payment_note:
            return "%s %s" % (self.payment_reference, self.payment_note)
        return self.payment_reference

    def _outcome_unknown(self, error):
        self._set_outcome_unknown(error.message)
        self.env.ref("innonest_szamlazz.ir_cron_szamlazz_check_writes")._trigger(
            at=self.settle_date
        )
        self._commit()
        _logger.warning("Számlázz.hu request %s: outcome unknown (%s)", self.id, error.message)
        return self._notification(self._pending_message(), "warning")

    def _pending_message(self):
        what = (
            _("whether it created the proforma")
            if self.kind == "proforma"
            else _("whether it registered the payment")
        )
        return _(
            "Számlázz.hu has not answered %(what)s (sent %(sent)s). Odoo checks it by itself "
            "and shows the result here by %(settle)s; nothing is sent again meanwhile, so "
            "there is no need to click again.",
            what=what,
            sent=format_datetime(self.env, self.sent_date, dt_format="short"),
            settle=format_datetime(self.env, self.settle_date, dt_format="short"),
        )

    @api.model
    def _notification(self, message, kind, sticky=True):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Számlázz.hu"),
                "message": message,
                "type": kind,
                "sticky": sticky,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # -- results -----------------------------------------------------------------------

    def _fetch_proforma(self, pdf=None):
        """The mirror of the proforma this write created, stored through the import
        pipeline like any document (a push may have brought it already)."""
        self.ensure_one()
        Invoice = self.env["szamlazz.invoice"].sudo()
        proforma = Invoice.search(
            [("company_id", "=", self.company_id.id), ("number", "=", self.document_number)],
            limit=1,
        )
        if not proforma:
            client = self.account_id._get_client()
            try:
                document = client.query_invoice(number=self.document_number, with_pdf=not pdf)
            except SzamlazzError as error:
                # Created for sure; the check (or the push) brings the mirror later.
                self.reason = error.message
                self._commit()
                return self._notification(
                    _(
                        "Számlázz.hu created the proforma %(number)s; Odoo shows it as soon as "
                        "Számlázz.hu answers again.",
                        number=self.document_number,
                    ),
                    "warning",
                )
            # A push storing the same proforma right now raises IntakeConflictError: Odoo
            # retries the click, which finds this write done and the pushed mirror.
            proforma = Invoice._store_document(self.account_id, document, "pull")
            proforma._process()
            pdf = pdf or document.pdf
        if pdf and not proforma.pdf_attachment_id:
            proforma._store_pdf(pdf)
        self.invoice_id = proforma
        self._link_proforma(proforma)
        self._announce_proforma(proforma)
        return proforma

    def _origin(self):
        """The record the write was made from (an order, a partner), if it still exists."""
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists()

    def _link_proforma(self, proforma):
        """Hook: tie the proforma to what it was made from (the sales bridge links orders)."""

    def _link_final_invoice(self, invoice):
        """Hook: the invoice a proforma became before Odoo learned of the proforma (the
        sales bridge has it deliver the order)."""

    def _announce_proforma(self, proforma):
        """The proforma and its PDF in the chatter of the mirror and of what it was made from."""
        body = _(
            "Proforma %(number)s created at Számlázz.hu: %(amount)s, due %(due_date)s.",
            number=proforma.number,
            amount=format_amount(self.env, proforma.amount_gross, proforma.currency_id),
            due_date=proforma.due_date,
        )
        proforma.message_post(body=body, attachment_ids=proforma.pdf_attachment_id.ids)
        origin = self._origin()
        if origin and hasattr(origin, "message_post"):
            attachments = self.env["ir.attachment"].sudo()
            if proforma.pdf_attachment_id:
                attachments = proforma.pdf_attachment_id.sudo().copy(
                    {"res_model": origin._name, "res_id": origin.id}
                )
            origin.sudo().message_post(body=body, attachment_ids=attachments.ids)

    def _announce_payment(self):
        self.invoice_id.message_post(
            body=_(
                "%(user)s recorded a payment of %(amount)s (%(date)s) at Számlázz.hu.",
                user=self.user_id.name,
                amount=format_amount(self.env, self.amount, self.currency_id),
                date=self.payment_date,
            )
        )

    def _refresh_invoice(self):
        """The invoice as Számlázz.hu has it now, with the new payment; the push or the next
        payment refresh brings it when Számlázz.hu cannot answer right now."""
        invoice = self.invoice_id.sudo()
        try:
            document = self.account_id._get_client().query_invoice(number=invoice.number)
        except SzamlazzError:
            invoice._request_requery("write")
            return
        try:
            with self.env.cr.savepoint():
                self.env["szamlazz.invoice"].sudo()._store_document(
                    self.account_id, document, "requery"
                )
                invoice._process()
        except IntakeConflictError:
            invoice._request_requery("write")  # a push stores the same version right now

    # -- the check ---------------------------------------------------------------------

    def _check_outcome(self):
        """Find out what Számlázz.hu did with these writes. Nothing is ever sent here, only
        asked; a write not found stays pending until its settle time is over."""
        now = fields.Datetime.now()
        for write in self:
            try:
                write._check_one(now)
            except IntakeConflictError:
                # A push stores the same proforma right now: the next check links it.
                continue
            except (UserError, SzamlazzError) as error:
                # This request cannot be checked now (no key any more, a document Odoo
                # cannot store): said on it; the others are checked all the same.
                write.write(
                    {
                        "last_check_date": now,
                        "reason": getattr(error, "message", None) or str(error.args[0]),
                    }
                )

    def _check_one(self, now):
        if self._lacks_mirror():
            mirrored = self._mirrored_result()
            if mirrored:
                self._link_mirror(mirrored)
            else:
                self._fetch_proforma()
            return
        if self.state not in PENDING_STATES or (self.state == "sending" and now < self.settle_date):
            return  # a worker that sends it may still be waiting for the answer
        try:
            found = self._look_up()
        except SzamlazzError as error:
            self.write({"last_check_date": now, "reason": error.message})
            return
        self.last_check_date = now
        if found:
            self._resolve_found(found)
        elif now >= self.settle_date:
            self._count_a_miss(now)

    def _count_a_miss(self, now):
        """Nothing found after the settle time. Said once is not enough (Számlázz.hu may
        show a slow create late): a second check, a while after the first, decides."""
        if not self.first_miss_date:
            self.first_miss_date = now
            self._trigger_check(now + timedelta(seconds=CONFIRM_MISS_SECONDS))
        elif now >= self.first_miss_date + timedelta(seconds=CONFIRM_MISS_SECONDS):
            self._resolve_not_found()

    def _trigger_check(self, when):
        self.env.ref("innonest_szamlazz.ir_cron_szamlazz_check_writes")._trigger(at=when)

    def _lacks_mirror(self):
        return self.kind == "proforma" and self.state == "done" and not self.invoice_id

    def _look_up(self):
        """What shows this write was carried out: for a credit entry the invoice holding
        it; for a proforma the proforma, or the invoice it became when the buyer paid it
        (Odoo's own mirror first: a push may have brought it). None when nothing does."""
        if self.kind == "credit_entry":
            document = self.account_id._get_client().query_invoice(number=self.invoice_id.number)
            return document if self._holds_our_payment(document) else None
        mirrored = self._mirrored_result()
        if mirrored:
            return mirrored
        client = self.account_id._get_client()
        for selector in ({"external_id": self.external_id}, {"order_number": self.order_number}):
            if not next(iter(selector.values())):
                continue
            try:
                document = client.query_invoice(**selector)
            except NotFoundError:
                continue
            if self._is_our_document(document, selector):
                return document
        return None

    def _mirrored_result(self):
        """The proforma (or the invoice it became) Odoo already holds, by order number."""
        return (
            self.env["szamlazz.invoice"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("order_number", "=", self.order_number),
                    ("issue_date", ">=", self.sent_date.date()),
                    "|",
                    ("kind", "in", document_kinds.codes(series="proforma")),
                    ("proforma_number", "!=", False),
                ],
                order="id",
                limit=1,
            )
        )

    def _holds_our_payment(self, document):
        """The credit entry is on ``document`` when its mark is (in the payment's note), or
        when a payment of its date and amount is there that was not before it was sent."""
        if any(self.payment_reference in (payment.note or "") for payment in document.payments):
            return True
        before = [tuple(entry) for entry in self.payments_before or []]
        rounding = self.currency_id.rounding or 0.01
        for payment in document.payments:
            key = (payment.date.isoformat(), float(payment.amount))
            if key in before:
                before.remove(key)  # there already
            elif payment.date == self.payment_date and not float_compare(
                key[1], self.amount, precision_rounding=rounding
            ):
                return True
        return False

    def _is_our_document(self, document, selector):
        """By external id a proforma is ours. By order number (which may be reused) only a
        proforma issued since the write was sent, for the amount it asked, or the invoice
        such a proforma became."""
        if "external_id" in selector:
            return document_kinds.is_proforma(document.kind)
        rounding = self.currency_id.rounding or 0.01
        return (
            (document_kinds.is_proforma(document.kind) or document.referenced_proforma)
            and document.issue_date is not None
            and document.issue_date >= self.sent_date.date()
            and document.gross is not None
            and float_compare(float(document.gross), self.amount, precision_rounding=rounding) == 0
        )

    def _resolve_found(self, found):
        if self.kind == "credit_entry":
            self._set_done()
            self.invoice_id.message_post(
                body=_(
                    "Számlázz.hu registered the payment of %(amount)s that %(user)s recorded at "
                    "%(sent)s, although it did not answer then. It was not sent again.",
                    amount=format_amount(self.env, self.amount, self.currency_id),
                    user=self.user_id.name,
                    sent=format_datetime(self.env, self.sent_date, dt_format="short"),
                )
            )
            self._commit()
            self._refresh_invoice()
            return
        if isinstance(found, models.BaseModel):
            self._set_done(
                number=found.number
                if document_kinds.is_proforma(found.kind)
                else found.proforma_number
            )
            self._link_mirror(found)
            self._commit()
            return
        if not document_kinds.is_proforma(found.kind):
            # The buyer has paid it: the proforma is gone, the invoice it became is here.
            invoice = (
                self.env["szamlazz.invoice"].sudo()._store_document(self.account_id, found, "pull")
            )
            self._set_done(number=found.referenced_proforma)
            self._link_mirror(invoice)
            self._commit()
            return
        self._set_done(number=found.number)
        self._commit()
        self._fetch_proforma(found.pdf)

    def _link_mirror(self, invoice):
        """Tie this request to what Odoo holds: the proforma itself, or the invoice it
        became (then the proforma is gone at Számlázz.hu)."""
        if invoice.is_proforma:
            self.invoice_id = invoice
            self._link_proforma(invoice)
            self._announce_proforma(invoice)
        else:
            self.invoice_id = invoice.proforma_id or invoice
            self._link_final_invoice(invoice)

    def _resolve_not_found(self):
        if self.kind == "credit_entry":
            message = _(
                "Számlázz.hu did not register the payment of %(amount)s that %(user)s recorded "
                "at %(sent)s. Record it again if it was received.",
                amount=format_amount(self.env, self.amount, self.currency_id),
                user=self.user_id.name,
                sent=format_datetime(self.env, self.sent_date, dt_format="short"),
            )
            target = self.invoice_id
        else:
            message = _(
                "Számlázz.hu did not create the proforma %(user)s asked for at %(sent)s "
                "(order number %(order)s). It can be created again.",
                user=self.user_id.name,
                sent=format_datetime(self.env, self.sent_date, dt_format="short"),
                order=self.order_number,
            )
            target = self._origin()
        self._set_not_done(message)
        if target and hasattr(target, "message_post"):
            target.sudo().message_post(body=message)
        self._commit()

    @api.model
    def _cron_check_writes(self):
        """Scheduled action "Számlázz.hu: check unanswered requests"."""
        pending = self.sudo().search(
            [
                "|",
                ("state", "in", PENDING_STATES),
                "&",
                ("state", "=", "done"),
                "&",
                ("kind", "=", "proforma"),
                ("invoice_id", "=", False),
            ]
        )
        for part in self.env["res.company"]._szamlazz_in_language(pending):
            part._check_outcome()
        waiting = pending.filtered(lambda write: write.state in PENDING_STATES)
        if waiting:
            self.env.ref("innonest_szamlazz.ir_cron_szamlazz_check_writes")._trigger(
                at=min(waiting.mapped("settle_date"))
            )

    # -- what the buttons find ---------------------------------------------------------

    @api.model
    def _latest_for(self, origin, kind, states, company):
        """The newest write of ``kind`` of ``company`` made from ``origin`` in ``states``."""
        return self.sudo().search(
            [
                ("res_model", "=", origin._name),
                ("res_id", "=", origin.id),
                ("kind", "=", kind),
                ("state", "in", states),
                ("company_id", "=", company.id),
            ],
            limit=1,
        )

    def _answer_repeated_click(self):
        """A click on a button whose write is already on its way: check it now and answer
        with the proforma, or with word of what is known; None when it turned out not to
        have been carried out (the click may send it anew)."""
        self.ensure_one()
        write = self.sudo()  # the check writes on the request, which users only read
        write._check_outcome()
        if write.state == "not_done":
            return None
        if write.state == "done" and write.kind == "proforma" and write.invoice_id:
            return write.invoice_id
        if write.state == "done":
            return write._notification(
                _(
                    "Számlázz.hu has registered this payment already (%s); nothing was sent again.",
                    write.name,
                )
                if write.kind == "credit_entry"
                else _("Számlázz.hu created the proforma %s; nothing was sent again.", write.name),
                "info",
                sticky=False,
            )
        return write._notification(write._pending_message(), "warning")

    def _answer_other_click(self):
        """A click for a new request while another one for the same buyer or invoice waits
        for its outcome: checked now; while it is still open nothing is sent, and once
        it turns out done the user is told before anything more is sent. None when it was
        not carried out (the click may send its own)."""
        self.ensure_one()
        write = self.sudo()
        write._check_outcome()
        if write.state == "not_done":
            return None
        sent = format_datetime(self.env, write.sent_date, dt_format="short")
        if write.state == "done":
            return write._notification(
                _(
                    "%(request)s that %(user)s sent at %(sent)s was carried out after all; "
                    "nothing was sent now. Click again to send this one as well.",
                    request=write.name,
                    user=write.user_id.name,
                    sent=sent,
                ),
                "info",
            )
        return write._notification(
            _(
                "%(request)s that %(user)s sent at %(sent)s is still being checked at "
                "Számlázz.hu, so nothing was sent now. Try again once it is resolved (by "
                "%(settle)s at the latest).",
                request=write.name,
                user=write.user_id.name,
                sent=sent,
                settle=format_datetime(self.env, write.settle_date, dt_format="short"),
            ),
            "warning",
        )
