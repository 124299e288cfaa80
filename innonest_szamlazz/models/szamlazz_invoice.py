"""The mirror of a Számlázz.hu document, which is also its inbox row.

Why no separate exchange record: a Számlázz.hu document is identified by its number, and
after it is issued only its payments and its storno flag change. Every arrival (push,
pull, re-query) is parsed once, by whoever received it, and handed to
:meth:`SzamlazzInvoice._store_document`, which writes it onto the one row for (company,
number) *before* anything else happens to it: the XML is kept as it came (one
``szamlazz.invoice.arrival`` per version), the mirror takes the document's values, and
the state goes back to ``received``. Processing later works from the mirror alone (the
XML is never parsed again): it matches the buyer and moves the stock. A replay (the same
content again, with or without its PDF) changes nothing. Only what cannot be identified
is refused at the door (HTTP 400): not XML, not a `szamla` in Számlázz.hu's namespace, no
number. Everything else is stored as it came and judged when it is processed: what is
missing or unreadable puts the document in "needs attention" with the reason in words.

Who calls what: ``szamlazz.account`` owns bringing an account up to date (re-query,
pull, then processing the inbox); this model stores the documents it is handed and
processes the batches it is given.
"""

import base64
import datetime
import hashlib
import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import (
    SQL,
    email_normalize_all,
    float_compare,
    float_is_zero,
    format_amount,
    format_date,
    formatLang,
)

from ..exceptions import IntakeConflictError
from ..szamlazz_agent import Address, Buyer, Receipt, errors, parse_szamla_document
from ..szamlazz_agent.parsers import parse_decimal
from ..tools import document_kinds
from ..tools.column_limits import unstorable_values
from ..tools.params import positive_int_param
from ..tools.stock_batch import WORK_BATCH_CONTEXT, StockBatch
from .szamlazz_document_state_mixin import STATES

_logger = logging.getLogger(__name__)

# alap/forras: the program that issued a document Számlázz.hu did not issue (szamla.xsd).
ISSUING_SOFTWARE = {26: "quick", 28: "smartbooks", 34: "nav"}
ISSUED_BY = [
    ("quick", "QUiCK"),
    ("smartbooks", "SMARTBooks"),
    ("nav", "NAV Online Számla (import)"),
    ("other", "Other software"),
]
SOURCES = [
    ("push", "Data connection (push)"),
    ("pull", "Agent query (new document)"),
    ("requery", "Agent query (refresh)"),
]
DEFAULT_BATCH_SIZE = 50
DEFAULT_PAYMENT_REFRESH_LIMIT = 200
ENABLED_PARAMETER = "innonest_szamlazz.reminder_enabled"
SCHEDULE_PARAMETER = "innonest_szamlazz.reminder_schedule"
DEFAULT_SCHEDULE = "3,10,30"
REMINDER_BATCH_SIZE = 100


def parse_schedule(text):
    """``"3, 10,30"`` → ``[3, 10, 30]``: days after the due date, each level once.

    Raises ``ValueError`` for anything but positive whole days."""
    days = sorted({int(part) for part in (text or "").replace(";", ",").split(",") if part.strip()})
    if not days or days[0] < 1:
        raise ValueError(text)
    return days


def _amount(value):
    """A Decimal Számlázz.hu sent, as Odoo stores it; 0 where it sent none."""
    return float(value) if value is not None else 0.0


class SzamlazzInvoice(models.Model):
    _name = "szamlazz.invoice"
    _description = "Számlázz.hu document"
    _inherit = ["mail.thread", "szamlazz.document.state.mixin"]
    _order = "issue_date desc, id desc"
    _rec_name = "number"
    _check_company_auto = True

    number = fields.Char(required=True, readonly=True, index=True, tracking=True)
    account_id = fields.Many2one(
        "szamlazz.account", required=True, readonly=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    source = fields.Selection(
        SOURCES, readonly=True, help="How the current version of the document arrived."
    )
    received_date = fields.Datetime(readonly=True, help="When the latest version arrived.")
    arrival_ids = fields.One2many(
        "szamlazz.invoice.arrival", "invoice_id", "Arrivals", readonly=True
    )
    arrival_id = fields.Many2one(
        "szamlazz.invoice.arrival", "Current Version", readonly=True, index="btree_not_null"
    )
    raw_xml = fields.Binary(
        "Raw XML",
        related="arrival_id.xml",
        help="The current version of the `szamla` document exactly as Számlázz.hu sent it.",
    )
    raw_xml_sha256 = fields.Char("Raw XML SHA-256", related="arrival_id.sha256")
    # The diagram and its transitions: szamlazz.document.state.mixin.
    state = fields.Selection(
        STATES,
        default="received",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    state_reason = fields.Text("Reason", readonly=True)
    requery_ids = fields.One2many("szamlazz.requery", "invoice_id", readonly=True)
    requery_requested = fields.Boolean(
        "Re-query Requested",
        compute="_compute_requery_requested",
        search="_search_requery_requested",
        help="An IPN or the payment refresh asked for the current version of this document; "
        "the next import fetches it from Számlázz.hu.",
    )
    last_query_date = fields.Datetime(readonly=True)
    missing_at_szamlazz = fields.Boolean(
        "Gone from Számlázz.hu",
        readonly=True,
        help='Számlázz.hu answered "not found" when asked: a proforma that was paid (it became '
        "the final invoice) or deleted. Without a final invoice it is owed no more.",
    )

    internal_id = fields.Integer("Számlázz.hu id", readonly=True)
    kind = fields.Selection(document_kinds.SELECTION, readonly=True, index=True)
    is_payable = fields.Boolean(
        compute="_compute_kind_rules", help="Asks the buyer for money: it has a payment state."
    )
    is_debt = fields.Boolean(
        compute="_compute_kind_rules",
        help="Owed until paid: payment reminders and credit entries apply.",
    )
    is_proforma = fields.Boolean(compute="_compute_kind_rules")
    is_receipt = fields.Boolean(compute="_compute_kind_rules")
    call_id = fields.Char(
        "Call ID",
        readonly=True,
        index="btree_not_null",
        help="The receipt's call id (hivasAzonosito): the id the issuing program gave it.",
    )
    read_problems = fields.Text(
        "Unreadable Parts",
        readonly=True,
        help="What Odoo needs from the current version and could not read.",
    )
    version_differences = fields.Text(
        readonly=True,
        help="How the current version's items and totals differ from the version whose "
        "stock Odoo moved.",
    )
    number_prefix = fields.Char(
        "Prefix", readonly=True, index=True, help="The prefix the number was issued under."
    )
    number_year = fields.Integer(
        "Year of numbering", readonly=True, help="0 for series without a year (proformas)."
    )
    number_sequence = fields.Integer("Sequence", readonly=True)
    number_e_invoice = fields.Boolean(
        "E-invoice series", readonly=True, help="Numbered in the E- series of its prefix."
    )
    content_sha256 = fields.Char(
        "Content SHA-256",
        readonly=True,
        index=True,
        help="What the document says, without its PDF: a re-query of an unchanged document "
        "has the same one.",
    )
    issued_by = fields.Selection(
        ISSUED_BY,
        readonly=True,
        help="Set when another program issued the document and Számlázz.hu only holds it "
        "(alap/forras): an import from NAV Online Számla, QUiCK, SMARTBooks.",
    )
    pdf_problem = fields.Char(
        "PDF Problem",
        readonly=True,
        help="Why Odoo has no PDF of the latest version, if it has none.",
    )
    issue_date = fields.Date(readonly=True)
    fulfillment_date = fields.Date(readonly=True)
    due_date = fields.Date(readonly=True)
    payment_method = fields.Char(readonly=True)
    currency_code = fields.Char("Currency code", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_net = fields.Monetary("Net", readonly=True)
    amount_vat = fields.Monetary("VAT", readonly=True)
    amount_gross = fields.Monetary("Gross", readonly=True)
    amount_paid = fields.Monetary(
        "Paid", compute="_compute_amounts", store=True, precompute=True, tracking=True
    )
    amount_residual = fields.Monetary(
        "Outstanding", compute="_compute_amounts", store=True, precompute=True
    )
    payment_state = fields.Selection(
        [
            ("paid", "Paid"),
            ("partial", "Partially paid"),
            ("not_paid", "Not paid"),
            ("overdue", "Overdue"),
        ],
        compute="_compute_payment_state",
        search="_search_payment_state",
    )
    language = fields.Char(
        readonly=True, help="The document's language (nyelv): a buyer created from it speaks it."
    )
    order_number = fields.Char(readonly=True, index=True)
    email = fields.Char(readonly=True, help="The address the document itself was sent to.")
    note = fields.Text(readonly=True)
    is_test = fields.Boolean("Test document", readonly=True)
    cancelled = fields.Boolean("Cancelled (storno)", readonly=True, tracking=True)

    referenced_number = fields.Char("Referenced invoice number", readonly=True, index=True)
    referenced_invoice_id = fields.Many2one(
        "szamlazz.invoice", "Referenced invoice", readonly=True, check_company=True
    )
    proforma_number = fields.Char("Proforma number", readonly=True, index=True)
    proforma_id = fields.Many2one("szamlazz.invoice", readonly=True, check_company=True)
    final_invoice_id = fields.Many2one(
        "szamlazz.invoice", "Final invoice", readonly=True, check_company=True
    )

    partner_id = fields.Many2one("res.partner", "Buyer", readonly=True, index=True, tracking=True)
    partner_match = fields.Selection(
        [
            ("identifier", "Buyer identifier"),
            ("tax_number", "Hungarian tax number"),
            ("eu_vat", "EU VAT number"),
            ("name_address", "Name and address"),
            ("created", "Created from the document"),
        ],
        string="Buyer matched by",
        readonly=True,
        help="How Odoo found the buyer's partner, the way Számlázz.hu matches buyers; "
        "where the partner's data differs from the document's, the chatter says so.",
    )
    buyer_name = fields.Char(readonly=True)
    buyer_identifier = fields.Char(readonly=True)
    buyer_tax_number = fields.Char(readonly=True)
    buyer_eu_tax_number = fields.Char("Buyer EU VAT Number", readonly=True)
    buyer_zip = fields.Char(readonly=True)
    buyer_city = fields.Char(readonly=True)
    buyer_street = fields.Char(readonly=True)
    buyer_country = fields.Char(readonly=True)
    buyer_email = fields.Char(readonly=True)
    buyer_private_person = fields.Boolean(readonly=True)
    seller_bank_account = fields.Char(readonly=True)
    seller_bank_name = fields.Char(readonly=True)

    line_ids = fields.One2many("szamlazz.invoice.line", "invoice_id", "Lines", readonly=True)
    payment_ids = fields.One2many("szamlazz.invoice.payment", "invoice_id", readonly=True)
    pdf_attachment_id = fields.Many2one("ir.attachment", "PDF", readonly=True)
    final_picking_ids = fields.Many2many(
        related="final_invoice_id.picking_ids",
        string="Deliveries",
        help="The transfers the final invoice of this proforma moved.",
    )
    picking_ids = fields.Many2many("stock.picking", string="Transfers", readonly=True)
    picking_count = fields.Integer("Transfer Count", compute="_compute_picking_count")
    write_ids = fields.One2many("szamlazz.agent.write", "invoice_id", "Requests", readonly=True)
    pending_write_message = fields.Char(
        "Request Being Checked", compute="_compute_pending_write_message"
    )

    reminder_level = fields.Integer(
        readonly=True,
        copy=False,
        help="How many steps of the reminder schedule this invoice has been through "
        "(a step is never sent twice).",
    )
    reminder_last_date = fields.Datetime(
        string="Last Reminder",
        readonly=True,
        copy=False,
        help="When the last payment reminder was sent, automatically or by hand.",
    )
    reminder_email_to = fields.Char(
        string="Reminder Recipients",
        compute="_compute_reminder_email_to",
        help="The invoice's own email address; without one, the buyer's addresses in "
        "Odoo; empty when neither exists and reminders must be sent by hand.",
    )

    _sql_constraints = [
        (
            "number_company_uniq",
            "unique(company_id, number)",
            "A Számlázz.hu document number can only exist once per company.",
        ),
    ]

    @api.depends("kind")
    def _compute_kind_rules(self):
        for invoice in self:
            kind = document_kinds.kind_of(invoice.kind)
            invoice.is_payable = bool(kind and kind.payable)
            invoice.is_debt = bool(kind and kind.debt)
            invoice.is_proforma = bool(kind and kind.series == "proforma")
            invoice.is_receipt = bool(kind and kind.series == "receipt")

    @api.depends(
        "amount_gross",
        "payment_ids.amount",
        "cancelled",
        "kind",
        "final_invoice_id.payment_ids.amount",
    )
    def _compute_amounts(self):
        for invoice in self:
            kind = document_kinds.kind_of(invoice.kind)
            if kind and kind.series == "proforma" and invoice.final_invoice_id:
                # A proforma is paid through its final invoice: Számlázz.hu records the
                # payment there and drops the proforma.
                paid = sum(invoice.final_invoice_id.payment_ids.mapped("amount"))
                invoice.amount_paid = min(paid, invoice.amount_gross)
                invoice.amount_residual = invoice.amount_gross - invoice.amount_paid
                continue
            invoice.amount_paid = sum(invoice.payment_ids.mapped("amount"))
            # A cancelled invoice and its storno owe nothing, whatever their totals say.
            owes = not invoice.cancelled and not (kind and kind.owes_nothing)
            invoice.amount_residual = invoice.amount_gross - invoice.amount_paid if owes else 0.0

    @api.depends(
        "kind",
        "cancelled",
        "issue_date",
        "amount_paid",
        "amount_residual",
        "due_date",
        "missing_at_szamlazz",
        "final_invoice_id",
    )
    def _compute_payment_state(self):
        today = fields.Date.context_today(self)
        for invoice in self:
            rounding = invoice.currency_id.rounding or 0.01
            if (
                not invoice.is_payable
                or invoice.cancelled
                or not invoice.issue_date
                or (invoice.missing_at_szamlazz and not invoice.final_invoice_id)
            ):
                invoice.payment_state = False
            elif float_compare(invoice.amount_residual, 0.0, precision_rounding=rounding) <= 0:
                invoice.payment_state = "paid"
            elif invoice.due_date and invoice.due_date < today:
                invoice.payment_state = "overdue"
            elif not float_is_zero(invoice.amount_paid, precision_rounding=rounding):
                invoice.payment_state = "partial"
            else:
                invoice.payment_state = "not_paid"

    def _search_payment_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(_("Payment state can only be searched by value."))
        values = [value] if isinstance(value, str) or value is False else list(value)
        today = fields.Date.context_today(self)
        payable = [
            ("kind", "in", document_kinds.codes(payable=True)),
            ("cancelled", "=", False),
            ("issue_date", "!=", False),
            "|",
            ("missing_at_szamlazz", "=", False),
            ("final_invoice_id", "!=", False),
        ]
        unpaid = payable + [("amount_residual", ">", 0)]
        per_state = {
            "paid": payable + [("amount_residual", "<=", 0)],
            "overdue": unpaid + [("due_date", "<", today)],
            "partial": unpaid
            + [("amount_paid", "!=", 0), "|", ("due_date", "=", False), ("due_date", ">=", today)],
            "not_paid": unpaid
            + [("amount_paid", "=", 0), "|", ("due_date", "=", False), ("due_date", ">=", today)],
        }
        ids = set()
        for state in values:
            if state in per_state:
                ids.update(self.search(per_state[state]).ids)
        if False in values:
            ids.update(
                self.search(
                    [
                        "|",
                        "|",
                        "|",
                        ("kind", "not in", document_kinds.codes(payable=True)),
                        ("cancelled", "=", True),
                        ("issue_date", "=", False),
                        "&",
                        ("missing_at_szamlazz", "=", True),
                        ("final_invoice_id", "=", False),
                    ]
                ).ids
            )
        return [("id", "in" if operator in ("=", "in") else "not in", list(ids))]

    @api.depends("write_ids.state")
    def _compute_pending_write_message(self):
        for invoice in self:
            pending = invoice.write_ids.filtered(
                lambda write: write.state in ("sending", "outcome_unknown")
            )[:1]
            invoice.pending_write_message = pending._pending_message() if pending else False

    @api.depends("requery_ids")
    def _compute_requery_requested(self):
        for invoice in self:
            invoice.requery_requested = bool(invoice.requery_ids)

    def _search_requery_requested(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Re-query requests can only be searched as set or not set."))
        wanted = (operator == "=") == bool(value)
        return [("requery_ids", "!=" if wanted else "=", False)]

    def _request_requery(self, reason):
        """Ask the next import to fetch these documents again; one pending request per
        document is enough (an IPN flood adds no Agent traffic). Only inserts, never
        updates: an IPN must not wait for an import holding the document."""
        pending = set(
            self.env["szamlazz.requery"]
            .sudo()
            .search([("invoice_id", "in", self.ids)])
            .mapped("invoice_id")
            .ids
        )
        new = self.filtered(lambda invoice: invoice.id not in pending)
        self.env["szamlazz.requery"].sudo().create(
            [{"invoice_id": invoice.id, "reason": reason} for invoice in new]
        )
        return new

    def _compute_picking_count(self):
        for invoice in self:
            invoice.picking_count = len(invoice.picking_ids)

    # -- intake ----------------------------------------------------------------------------

    @api.model
    def _receive_xml(self, account, xml_bytes, source):
        """Parse the bytes of one arrival, once, and store it (:meth:`_store_document`).
        Raises a :class:`~..szamlazz_agent.errors.SzamlazzError` when they cannot be
        identified as a `szamla` document."""
        return self._store_document(account, parse_szamla_document(xml_bytes), source)

    @api.model
    def _store_receipt_batch(self, account, batch):
        """Store each receipt of a daily batch (``ReceiptBatch``) as a document of its own,
        each arrival keeping the batch as it came. A receipt seen again, in a replayed or a
        later batch, is a replay. Returns the receipts."""
        receipts = self.browse()
        for receipt in batch.receipts:
            receipts |= self._store_document(account, receipt, "push", raw=batch.raw)
        return receipts

    @api.model
    def _store_document(self, account, document, source, raw=None):
        """Store one `szamla` document of ``account`` before anything else happens to it.

        ``document`` is the ``SzamlaDocument`` its receiver parsed; it is never parsed
        again: the mirror takes its values now, and processing reads the mirror. Returns
        the invoice. A replay (the same content, with or without the PDF) changes nothing;
        a new version of a known document is kept beside the earlier ones and processed
        again; what the content means (missing parts, unknown products, odd buyers) is
        judged later by :meth:`_process`, never here. Raises
        :class:`~..szamlazz_agent.errors.InvalidResponseError` when a value does not fit
        its column, and :class:`~..exceptions.IntakeConflictError` when another
        transaction is storing the same new document at this very moment.
        """
        # Intake does the least that keeps the document safe: no chatter, no tracking; the
        # Received tab lists every arrival.
        invoices = self.sudo().with_context(tracking_disable=True)
        # What the caller does next with the document (process it, say) is tracked again.
        returned = self.sudo().env
        unstorable = unstorable_values(document)
        if unstorable:
            raise errors.InvalidResponseError(
                None, "the document cannot be stored: %s" % "; ".join(unstorable)
            )
        raw = document.raw if raw is None else raw
        digest = hashlib.sha256(raw).hexdigest()
        invoice = invoices.search(
            [("company_id", "=", account.company_id.id), ("number", "=", document.number)], limit=1
        )
        if (
            invoice
            and document.content_sha256
            and (
                invoice.raw_xml_sha256 == digest
                or invoice.content_sha256 == document.content_sha256
            )
        ):
            # A replay, or a re-query (asked without the PDF) of an unchanged document: the
            # stored version stays, with its PDF; a PDF Odoo lacked is kept now.
            if getattr(document, "pdf", None) and not invoice.pdf_attachment_id:
                invoice._store_pdf(document.pdf)
            return invoice.with_env(returned)
        values = dict(
            invoice._mirror_values(document, source),
            source=source,
            received_date=fields.Datetime.now(),
            content_sha256=document.content_sha256,
            missing_at_szamlazz=False,
        )
        if invoice:
            invoice.write(values)
            invoice._set_received()
        else:
            parts = document.number_parts
            values.update(
                {
                    "number": document.number,
                    "account_id": account.id,
                    "company_id": account.company_id.id,
                    "number_prefix": parts.prefix if parts else False,
                    "number_year": parts.year or 0 if parts else 0,
                    "number_sequence": parts.sequence if parts else 0,
                    "number_e_invoice": bool(parts and parts.e_invoice),
                }
            )
            try:
                with self.env.cr.savepoint():
                    invoice = invoices.create(values)
            except psycopg2.errors.UniqueViolation:
                raise IntakeConflictError(document.number) from None
        invoice.arrival_id = (
            self.env["szamlazz.invoice.arrival"]
            .sudo()
            .create(
                {
                    "invoice_id": invoice.id,
                    "source": source,
                    "date": values["received_date"],
                    "sha256": digest,
                    "content_sha256": document.content_sha256,
                    "xml": base64.b64encode(raw),
                }
            )
        )
        if getattr(document, "pdf", None):
            invoice._store_pdf(document.pdf)
        self.env["szamlazz.account"]._trigger_import()
        return invoice.with_env(returned)

    def _mirror_values(self, document, source):
        """What the mirror takes from a version of the document (``self`` is the stored
        row, empty for a new document): the header, the buyer, the payments, the items
        while no item has moved stock, and what Odoo could not read or sees changed."""
        if isinstance(document, Receipt):
            return self._receipt_mirror_values(document)
        currency = self._currency_of(document.currency)
        buyer = document.buyer
        address = buyer.address
        seller = document.seller
        values = {
            "kind": document.kind if document_kinds.kind_of(document.kind) else False,
            "internal_id": document.internal_id,
            "issue_date": document.issue_date,
            "fulfillment_date": document.fulfillment_date,
            "due_date": document.due_date,
            "payment_method": document.payment_method,
            "currency_code": document.currency,
            "currency_id": currency.id,
            "amount_net": _amount(document.net),
            "amount_vat": _amount(document.vat),
            "amount_gross": _amount(document.gross),
            "order_number": document.order_number,
            "language": document.language,
            "email": document.email,
            "note": document.note,
            "is_test": document.test,
            "cancelled": document.cancelled or self.cancelled,
            "referenced_number": document.referenced_invoice,
            "proforma_number": document.referenced_proforma,
            "issued_by": (
                ISSUING_SOFTWARE.get(document.issued_by, "other")
                if document.issued_by is not None
                else False
            ),
            "buyer_name": buyer.name,
            "buyer_identifier": buyer.identifier,
            "buyer_tax_number": buyer.tax_number,
            "buyer_eu_tax_number": buyer.eu_tax_number,
            "buyer_zip": address.zip if address else False,
            "buyer_city": address.city if address else False,
            "buyer_street": address.street if address else False,
            "buyer_country": address.country if address else False,
            "buyer_email": buyer.email,
            "buyer_private_person": buyer.private_person,
            "seller_bank_account": seller.bank_account if seller else False,
            "seller_bank_name": seller.bank_name if seller else False,
            "read_problems": "; ".join(document.problems) or False,
            "version_differences": "; ".join(self._issued_content_changes(document)) or False,
            "pdf_problem": self._pdf_problem(document, source),
            # Payments are replaced as a whole: Számlázz.hu sends the complete list each time.
            "payment_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "date": payment.date,
                        "title": payment.title,
                        "amount": float(payment.amount),
                        "note": payment.note,
                        "bank_transaction_id": payment.bank_transaction_id
                        and str(payment.bank_transaction_id),
                    }
                )
                for payment in document.payments
            ],
        }
        values.update(self._item_values(document.items))
        return values

    def _item_values(self, items):
        """The lines of ``items``, while no line of the stored document has moved stock.

        Items never change once a document is issued; once their stock moved, the lines
        keep it. Until then the newest version's items are taken (a corrected version of
        one Odoo could not read)."""
        if self.line_ids.stock_move_ids:
            return {}
        return {
            "line_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "sequence": item.ordering or index,
                        "name": item.name or item.identifier or _("Item %s", index),
                        "identifier": (item.identifier or "").strip() or False,
                        "quantity": _amount(item.quantity),
                        "unit": item.unit,
                        "net_unit_price": _amount(item.net_unit_price),
                        "vat_rate": item.vat_type
                        or (item.vat_rate is not None and "%s" % item.vat_rate.normalize())
                        or False,
                        "amount_net": _amount(item.net),
                        "amount_vat": _amount(item.vat),
                        "amount_gross": _amount(item.gross),
                    }
                )
                for index, item in enumerate(items, start=1)
            ]
        }

    def _currency_of(self, code):
        """The ``res.currency`` Számlázz.hu's currency code names (empty when unknown)."""
        Currency = self.env["res.currency"].with_context(active_test=False)
        return Currency.search([("name", "=", code)], limit=1) if code else Currency

    def _receipt_mirror_values(self, receipt):
        """What the mirror takes from a receipt (nyugta): it names no buyer and is paid when
        issued; an SN names the receipt it reverses."""
        values = {
            "kind": receipt.kind if document_kinds.kind_of(receipt.kind) else False,
            "internal_id": receipt.internal_id,
            "call_id": receipt.call_id,
            "issue_date": receipt.issue_date,
            "fulfillment_date": receipt.issue_date,
            "payment_method": receipt.payment_method,
            "currency_code": receipt.currency,
            "currency_id": self._currency_of(receipt.currency).id,
            "amount_net": _amount(receipt.net),
            "amount_vat": _amount(receipt.vat),
            "amount_gross": _amount(receipt.gross),
            "order_number": receipt.order_number,
            "note": receipt.note,
            "is_test": receipt.test,
            # An SN is the reversal itself; the receipt it reverses is marked by linking.
            "cancelled": (receipt.cancelled and not receipt.storno) or self.cancelled,
            "referenced_number": receipt.cancelled_number,
            "read_problems": "; ".join(receipt.problems) or False,
            "version_differences": "; ".join(self._issued_content_changes(receipt)) or False,
            "payment_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "date": receipt.issue_date or fields.Date.context_today(self),
                        "title": payment.method,
                        "amount": _amount(payment.amount),
                        "note": payment.note,
                    }
                )
                for payment in receipt.payments
            ],
        }
        values.update(self._item_values(receipt.items))
        return values

    def _pdf_problem(self, document, source):
        """Why Odoo has no PDF of this version; never a reason to refuse it (a re-query
        asks without the PDF, so only pushes are expected to carry one)."""
        if document.pdf or self.pdf_attachment_id:
            return False
        if document.pdf_problem:
            return _("The PDF Számlázz.hu sent cannot be read (%s).", document.pdf_problem)
        if source == "push":
            return _("Számlázz.hu sent this document without its PDF.")
        return self.pdf_problem

    def _issued_content_changes(self, document):
        """What differs, in words, between the items and totals Odoo mirrored and what
        Számlázz.hu sends now; empty while no item has moved stock (the items are simply
        taken again from the new version)."""
        if not self.line_ids.stock_move_ids:
            return []
        changes = []
        currency = self.currency_id or self.company_id.currency_id

        def compare(label, ours, theirs, rounding=0.01):
            if theirs is None:
                return
            if isinstance(ours, datetime.date):
                if ours == theirs:
                    return
                ours_text, theirs_text = (format_date(self.env, day) for day in (ours, theirs))
            elif isinstance(ours, float):
                if float_compare(ours, float(theirs), precision_rounding=rounding) == 0:
                    return
                ours_text, theirs_text = (
                    formatLang(self.env, value, currency_obj=currency)
                    for value in (ours, float(theirs))
                )
            else:
                if (ours or False) == (theirs or False):
                    return
                ours_text, theirs_text = ours or "-", theirs or "-"
            changes.append(
                _(
                    "%(label)s %(ours)s → %(theirs)s",
                    label=label,
                    ours=ours_text,
                    theirs=theirs_text,
                )
            )

        compare(
            _("kind"),
            self.kind,
            document.kind if document_kinds.kind_of(document.kind) else None,
        )
        compare(_("issue date"), self.issue_date, document.issue_date)
        compare(_("net total"), self.amount_net, document.net)
        compare(_("gross total"), self.amount_gross, document.gross)
        lines = self.line_ids.sorted(lambda line: (line.sequence, line.id))
        if len(lines) != len(document.items):
            changes.append(
                _("%(ours)s items → %(theirs)s", ours=len(lines), theirs=len(document.items))
            )
            return changes
        for index, (line, item) in enumerate(zip(lines, document.items, strict=True), start=1):
            label = _("item %(index)s (%(name)s)", index=index, name=line.name)
            compare(_("%s identifier", label), line.identifier, (item.identifier or "").strip())
            if item.quantity is not None and float_compare(
                line.quantity, float(item.quantity), precision_digits=6
            ):
                changes.append(
                    _(
                        "%(label)s quantity %(ours)s → %(theirs)s",
                        label=label,
                        ours=line.quantity,
                        theirs=item.quantity.normalize(),
                    )
                )
            compare(_("%s gross", label), line.amount_gross, item.gross)
        return changes

    def _store_pdf(self, pdf_bytes):
        values = {"datas": base64.b64encode(pdf_bytes), "mimetype": "application/pdf"}
        if self.pdf_attachment_id:
            self.pdf_attachment_id.write(values)
        else:
            self.pdf_attachment_id = self.env["ir.attachment"].create(
                dict(values, name="%s.pdf" % self.number, res_model=self._name, res_id=self.id)
            )

    # -- processing ------------------------------------------------------------------------

    @api.model
    def _batch_size(self):
        """Knob ``innonest_szamlazz.import_batch_size`` (default 50): documents processed per
        batch; the scheduled action commits after each batch."""
        return positive_int_param(
            self.env, "innonest_szamlazz.import_batch_size", DEFAULT_BATCH_SIZE
        )

    @api.model
    def _process_inbox_batch(self, accounts=None):
        """Process one batch of received documents of ``accounts`` (all when None);
        ``(processed, remaining)``."""
        if accounts is not None and not accounts:
            return 0, 0
        batch = self._lock_received_batch(self._batch_size(), accounts)
        batch._process()
        return len(batch), self.sudo().search_count(self._inbox_domain(accounts))

    def _batch_lookups(self, documents):
        """What a whole batch needs, looked up once and kept up to date while it runs:
        ``partners`` (document id → (partner, rule)) and ``new_partners`` (buyer key →
        partner created in this batch), ``products`` (company id → {identifier: products}),
        ``prefixes`` (account id → {name: prefix}) and ``warehouses`` (company id → first
        warehouse)."""
        lookups = {
            "partners": {},
            "new_partners": {},
            "products": {},
            "prefixes": defaultdict(dict),
            "warehouses": {},
        }
        matcher = self.env["szamlazz.buyer.matcher"]
        for company in documents.company_id:
            invoices = documents.filtered(lambda inv, company=company: inv.company_id == company)
            unmatched = invoices.filtered(lambda inv: not inv.partner_id)
            matches = matcher._match_buyers(company, [inv._buyer() for inv in unmatched])
            for index, match in matches.items():
                lookups["partners"][unmatched[index].id] = match
            identifiers = set(invoices.line_ids.filtered("identifier").mapped("identifier"))
            lookups["products"][company.id] = self._find_products(company, identifiers)
            lookups["warehouses"][company.id] = self.env["stock.warehouse"].search(
                [("company_id", "=", company.id)], limit=1
            )
        for prefix in (
            self.env["szamlazz.prefix"]
            .with_context(active_test=False)
            .search([("account_id", "in", documents.account_id.ids)])
        ):
            lookups["prefixes"][prefix.account_id.id][prefix.name] = prefix
        return lookups

    def _buyer(self):
        """The buyer as the current version names it (the matcher's input)."""
        self.ensure_one()
        return Buyer(
            id=None,
            postal_address=None,
            group_id=None,
            location=None,
            name=self.buyer_name,
            identifier=self.buyer_identifier,
            address=Address(
                country=self.buyer_country,
                zip=self.buyer_zip,
                city=self.buyer_city,
                street=self.buyer_street,
            ),
            email=self.buyer_email,
            tax_number=self.buyer_tax_number,
            eu_tax_number=self.buyer_eu_tax_number,
            private_person=self.buyer_private_person,
        )

    def _process_document(self, lookups):
        self.ensure_one()
        self.account_id._learn_from_invoice(self, lookups["prefixes"][self.account_id.id])
        self._link_references()
        self._assign_partner(lookups)
        if self.pdf_problem:
            self._note_once(self.pdf_problem)
        if self.read_problems:
            self.line_ids.filtered(lambda line: not line.stock_move_ids).stock_status = "unreadable"
            problems = [
                _(
                    "Számlázz.hu sent parts of this document that Odoo cannot read, so no "
                    "stock was moved for it: %s. The next version Számlázz.hu sends (or "
                    "Re-process after a re-query) is judged again.",
                    self.read_problems,
                )
            ]
        elif self.version_differences:
            problems = [
                _(
                    "Számlázz.hu now sends this document with other contents than the version "
                    "Odoo processed, although only payments, the storno flag and accounting "
                    "fields change after an invoice is issued: %s. Odoo kept the items (and "
                    "the stock) of the first version; check the document at Számlázz.hu.",
                    self.version_differences,
                )
            ]
        else:
            problems = self._apply_stock(lookups)
        if problems:
            self._set_needs_attention("\n".join(problems))
        else:
            self._set_done()
        # Documents that waited for this one (a storno of it, a correction) can go now.
        self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("referenced_number", "=", self.number),
                ("state", "=", "needs_attention"),
            ]
        )._set_received()

    def _link_references(self):
        numbers = [number for number in (self.referenced_number, self.proforma_number) if number]
        related = (
            self.search([("company_id", "=", self.company_id.id), ("number", "in", numbers)])
            if numbers
            else self.browse()
        )
        by_number = {invoice.number: invoice for invoice in related}
        referenced = by_number.get(self.referenced_number, self.browse())
        proforma = by_number.get(self.proforma_number, self.browse())
        self.write({"referenced_invoice_id": referenced.id, "proforma_id": proforma.id})
        if proforma and proforma.final_invoice_id != self:
            proforma.final_invoice_id = self
            proforma.message_post(body=_("Settled by the final invoice %s.", self.number))
        kind = document_kinds.kind_of(self.kind)
        if kind and kind.returns_goods and referenced and not referenced.cancelled:
            referenced.cancelled = True

    def _assign_partner(self, lookups):
        """Match the buyer once; a matched partner keeps its data, differences are logged.
        A partner created for a buyer serves the batch's later documents of that buyer.
        A receipt has no buyer: it goes to the account's walk-in customer, if any."""
        if self.partner_id:
            return
        if self.is_receipt:
            self.partner_id = self.account_id.receipt_partner_id
            return
        matcher = self.env["szamlazz.buyer.matcher"]
        buyer = self._buyer()
        buyer_keys = matcher._buyer_keys(buyer)
        match = lookups["partners"].get(self.id) or next(
            (
                (lookups["new_partners"][key], key[0])
                for key in buyer_keys
                if key in lookups["new_partners"]
            ),
            None,
        )
        if match:
            partner, rule = match
            self.write({"partner_id": partner.id, "partner_match": rule})
            differences = [
                _(
                    "%(label)s differs: %(odoo)s in Odoo, %(document)s on the document "
                    "(Odoo left unchanged).",
                    label=label,
                    odoo=ours or "-",
                    document=theirs,
                )
                for label, ours, theirs in matcher._differences(partner, buyer)
            ]
            if differences:
                self.message_post(body="\n".join(differences))
        else:
            partner = self._partner_made_for(buyer, buyer_keys)
            self.write({"partner_id": partner.id, "partner_match": "created"})
            for key in buyer_keys:
                lookups["new_partners"].setdefault(key, partner)

    def _partner_made_for(self, buyer, buyer_keys):
        """The partner made from ``buyer`` for this company: the one an earlier document
        made (found by its key, even if a person edited it since), else a new one. Two
        workers making it at once collide on the key; the loser's document waits for the
        next run, which finds the winner's."""
        key = "%s:%s:%s" % (self.company_id.id, *buyer_keys[0]) if buyer_keys else False
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        partner = key and Partner.search([("szamlazz_buyer_key", "=", key)], limit=1)
        if partner:
            return partner
        values = self.env["szamlazz.buyer.matcher"]._partner_values(buyer)
        return Partner.create(dict(values, lang=self._buyer_language(), szamlazz_buyer_key=key))

    def _buyer_language(self):
        """The Odoo language of a buyer created from this document: the document's own
        (nyelv), else the account's invoice language, if Odoo has it installed; else the
        company's. Proformas and reminders then speak to the buyer in it."""
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        for wanted in (self.language, self.account_id.language):
            # Számlázz.hu says "cz" for Czech.
            prefix = {"cz": "cs"}.get(wanted, wanted)
            match = next((code for code in installed if code.split("_")[0] == prefix), None)
            if prefix and match:
                return match
        return self.company_id.partner_id.lang or False

    # -- actions ---------------------------------------------------------------------------

    def action_reprocess(self):
        """Run a document through processing again (after fixing a product code, a partner,
        a warehouse). Stock already moved for a line is never moved again."""
        self.check_access("read")
        documents = self.sudo().filtered("arrival_id")
        documents._set_received()
        documents._process()
        return True

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.picking_ids.ids)]
        action["context"] = {"create": False}
        return action

    # -- scheduled actions -----------------------------------------------------------------

    @api.model
    def _payment_refresh_limit(self):
        """Knob ``innonest_szamlazz.payment_refresh_limit`` (default 200): unpaid documents
        the daily refresh asks Számlázz.hu about, those asked longest ago first."""
        return positive_int_param(
            self.env, "innonest_szamlazz.payment_refresh_limit", DEFAULT_PAYMENT_REFRESH_LIMIT
        )

    @api.model
    def _cron_refresh_payment_status(self):
        """Scheduled action "Számlázz.hu: refresh unpaid invoices": a lost push or IPN must
        not leave an invoice unpaid in Odoo forever."""
        unpaid = self.sudo().search(
            [
                ("payment_state", "in", ("not_paid", "partial", "overdue")),
                ("requery_requested", "=", False),
            ],
            order="last_query_date asc nulls first, id",
            limit=self._payment_refresh_limit(),
        )
        if unpaid._request_requery("refresh"):
            self.env["szamlazz.account"]._trigger_import()

    @api.model
    def _schedule_requery_from_ipn(self, account, form):
        """Flag the documents an IPN names (invoice, its proforma, its order) for a re-query;
        an unknown number only wakes the import (the push or the pull brings it)."""
        keys = {
            key: (form.get(key) or "").strip()
            for key in ("szlahu_szamlaszam", "szlahu_dijbekero_szama", "szlahu_rendelesszam")
        }
        numbers = [keys["szlahu_szamlaszam"], keys["szlahu_dijbekero_szama"]]
        domain = [("number", "in", [number for number in numbers if number])]
        if keys["szlahu_rendelesszam"]:
            domain = ["|", ("order_number", "=", keys["szlahu_rendelesszam"])] + domain
        named = self.sudo().search([("account_id", "=", account.id)] + domain, limit=20)
        paid = self._ipn_paid_amount(form)
        if named._news_in_ipn(paid)._request_requery("ipn") or not named:
            self.env["szamlazz.account"]._trigger_import()
        return named

    @api.model
    def _ipn_paid_amount(self, form):
        """``szlahu_kifizetettbrutto``: what the IPN says is paid in all; None if it says
        nothing readable (anyone can post this form)."""
        try:
            return parse_decimal(form.get("szlahu_kifizetettbrutto"))
        except errors.SzamlazzError:
            return None

    def _news_in_ipn(self, paid):
        """The documents an IPN may tell something new about: not those asked about within
        ``innonest_szamlazz.requery_min_interval`` whose paid amount is what the IPN says
        (or the IPN says none): the answer Odoo got then is the news. So a flood of IPNs,
        real or forged, costs no Agent query for a document just asked about."""
        recently = fields.Datetime.now() - datetime.timedelta(
            seconds=self.env["szamlazz.account"]._requery_min_interval()
        )

        def answered(invoice):
            if not invoice.last_query_date or invoice.last_query_date < recently:
                return False
            rounding = invoice.currency_id.rounding or 0.01
            return paid is None or not float_compare(
                float(paid), invoice.amount_paid, precision_rounding=rounding
            )

        return self.filtered(lambda invoice: not answered(invoice))

    # -- stock -----------------------------------------------------------------------------
    # How a Számlázz.hu document moves stock.
    #
    # SZ (invoice), VS (final invoice), SL (delivery note) and HS (corrective invoice) move
    # their items with the sign they carry: a positive quantity leaves the warehouse, a
    # negative one comes back. SS (storno) returns exactly what the cancelled document moved.
    # D (proforma), ES (prepayment) and JS move nothing. Each item is moved at most once (its
    # moves point back at it), so processing a document again never moves stock twice.
    #
    # Documents another program issued (``issued_by``: an import from NAV Online Számla, QUiCK,
    # SMARTBooks) move nothing unless the account says so: the software that issued them (Odoo
    # itself, for a shop that reports its own invoices to NAV) moved the goods already.
    #
    # Documents issued before the account's import start (``_import_start_date``) are history:
    # the stock counted when the shop connected already reflects them. They are mirrored but
    # move nothing, and neither does a correction (HS) of such a document or a storno whose
    # original moved nothing.

    @api.model
    def _find_products(self, company, identifiers):
        """``{identifier: product.product}`` for a batch: the variant's internal reference
        first, then the Számlázz.hu identifier. More than one product means ambiguous."""
        Product = self.env["product.product"]
        scope = [("company_id", "in", [False, company.id])]
        found = defaultdict(lambda: Product)
        if identifiers:
            for product in Product.search(scope + [("default_code", "in", list(identifiers))]):
                found[product.default_code] |= product
        missing = set(identifiers) - set(found)
        if missing:
            for product in Product.search(scope + [("szamlazz_identifier", "in", list(missing))]):
                found[product.szamlazz_identifier] |= product
        return dict(found)

    def _apply_stock(self, lookups):
        """Move what this document moves and has not moved yet; readable problems back.
        ``lookups``: the batch's products, prefixes and warehouses (:meth:`_batch_lookups`)."""
        self.ensure_one()
        kind = document_kinds.kind_of(self.kind)
        pending = self.line_ids.filtered(
            lambda line: not line.stock_move_ids and line.stock_status != "not_stock"
        )
        history_reason = self._before_import_start_reason()
        if history_reason:
            self._leave_history_alone(pending, history_reason)
            return []
        if self.issued_by and not self.account_id.move_stock_issued_elsewhere:
            self._leave_issued_elsewhere_alone(pending)
            return []
        if kind and kind.returns_goods:
            return self._return_cancelled_goods()
        if not (kind and kind.stock_sign):
            pending.stock_status = "no_stock_effect"
            return []
        covering = self._document_covering_stock()
        if covering or (self.cancelled and not self.line_ids.stock_move_ids):
            # The goods left with the other document, or the storno came before any stock
            # moved: moving them now would count them twice.
            pending.stock_status = "covered"
            if covering:
                self.message_post(
                    body=_(
                        "Stock not moved: %(other)s of the same order already moved the goods.",
                        other=covering.number,
                    )
                )
            return []
        products = lookups["products"].get(self.company_id.id, {})
        problems, to_move = [], []
        for line in pending:
            product = (
                line.product_id
                if line.product_chosen
                else products.get(line.identifier)
                if line.identifier
                else None
            )
            by_code = not line.product_chosen
            if by_code and not line.identifier and self.account_id._is_service_item(line.name):
                line.stock_status = "service_item"
            elif by_code and not line.identifier:
                line.stock_status = "no_identifier"
                problems.append(
                    _("Item “%s” has no identifier, no stock was moved for it.", line.name)
                )
            elif not product:
                line.stock_status = "unknown_product"
                problems.append(
                    _(
                        "Item “%(name)s”: no product has the code %(code)s.",
                        name=line.name,
                        code=line.identifier,
                    )
                )
            elif len(product) > 1:
                line.stock_status = "ambiguous_product"
                problems.append(
                    _(
                        "Item “%(name)s”: several products have the code %(code)s.",
                        name=line.name,
                        code=line.identifier,
                    )
                )
            else:
                line.product_id = product
                if not product.is_storable:
                    line.stock_status = "not_storable"
                elif float_is_zero(line.quantity, precision_rounding=product.uom_id.rounding):
                    line.stock_status = "no_stock_effect"
                else:
                    to_move.append(line)
        if to_move:
            self._move_lines(to_move, self._stock_warehouse(lookups))
        return problems

    def _before_import_start_reason(self):
        """Why this document moves no stock as history of the time before the import
        start, or False. A storno or a correction follows the document it refers to: what
        that one moved nothing for, they neither return nor move."""
        start = self.account_id._import_start_date()
        kind = document_kinds.kind_of(self.kind)
        if not start or not (kind and (kind.stock_sign or kind.returns_goods)):
            return False
        original = self.referenced_invoice_id
        if (
            kind.follows_original
            and original.issue_date
            and original.issue_date < start
            and not original.line_ids.stock_move_ids
        ):
            if kind.returns_goods:
                message = _(
                    "Cancels %(number)s, issued before %(date)s, when the Számlázz.hu import "
                    "started: it moved no stock, so nothing is returned."
                )
            else:
                message = _(
                    "Corrects %(number)s, issued before %(date)s, when the Számlázz.hu import "
                    "started: it moved no stock, so neither does this correction."
                )
            return message % {"number": original.number, "date": format_date(self.env, start)}
        if self.issue_date and self.issue_date < start and not (kind.returns_goods and original):
            return _(
                "Issued before %(date)s, when the Számlázz.hu import started: no stock moved.",
                date=format_date(self.env, start),
            )
        return False

    def _leave_history_alone(self, lines, reason):
        """Mark ``lines`` as history, telling why once (a payment brings the document
        again, the reason stays the same)."""
        unmarked = lines.filtered(lambda line: line.stock_status != "before_import_start")
        if unmarked:
            self._note_once(reason)
            unmarked.stock_status = "before_import_start"

    def _leave_issued_elsewhere_alone(self, lines):
        """Mark ``lines`` as issued by other software, telling why once."""
        unmarked = lines.filtered(lambda line: line.stock_status != "issued_elsewhere")
        if unmarked:
            software = dict(self._fields["issued_by"]._description_selection(self.env))
            self._note_once(
                _(
                    "Issued by %(software)s, not by Számlázz.hu: no stock moved, the software "
                    "that issued it is expected to have moved the goods. To move stock for such "
                    "documents, turn on “Move Stock for Documents Issued Elsewhere” on the "
                    "Számlázz.hu account.",
                    software=software[self.issued_by],
                )
            )
            unmarked.stock_status = "issued_elsewhere"

    def _note_once(self, text):
        """Post ``text`` unless the document says it already (a new version of it, its
        items taken again, tells the same)."""
        if not any(text in (message.body or "") for message in self.message_ids):
            self.message_post(body=text)

    def _document_covering_stock(self):
        """The invoice or delivery note of the same order that already moved the goods."""
        kind = document_kinds.kind_of(self.kind)
        if not self.order_number or not (kind and kind.same_goods_as):
            return self.browse()
        # Two workers (queue jobs, a job beside the scheduled action) on documents of one
        # order would each see no covering document in their snapshots and both move the
        # goods: each locks the other documents of the order, and the one that cannot
        # (held, or changed since its snapshot) waits for a later run that sees them.
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM szamlazz_invoice
                 WHERE company_id = %s AND order_number = %s AND kind IN %s AND id != %s
                   FOR UPDATE NOWAIT
                """,
                self.company_id.id,
                self.order_number,
                tuple(kind.same_goods_as),
                self.id,
            )
        )
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("order_number", "=", self.order_number),
                ("kind", "in", kind.same_goods_as),
                ("cancelled", "=", False),
                ("id", "!=", self.id),
                ("line_ids.stock_move_ids.state", "=", "done"),
            ],
            limit=1,
        )

    def _stock_warehouse(self, lookups):
        """The warehouse mapped to the document's prefix, else the company's first one."""
        prefix = lookups["prefixes"][self.account_id.id].get(self.number_prefix)
        warehouse = (prefix and prefix.active and prefix.warehouse_id) or lookups["warehouses"].get(
            self.company_id.id
        )
        if not warehouse:
            raise UserError(
                _("The company %s has no warehouse to move the goods from.", self.company_id.name)
            )
        return warehouse

    def _move_lines(self, lines, warehouse):
        """Deliver (or take back) ``lines`` in ``warehouse``; the sale bridge extends it."""
        stock_location = warehouse.lot_stock_id
        customer_location = self.partner_id.property_stock_customer or self.env.ref(
            "stock.stock_location_customers"
        )
        return_type = warehouse.out_type_id.return_picking_type_id or warehouse.in_type_id
        directions = (
            (warehouse.out_type_id, stock_location, customer_location, lambda qty: qty > 0),
            (return_type, customer_location, stock_location, lambda qty: qty < 0),
        )
        for picking_type, source, destination, belongs in directions:
            moving = [line for line in lines if belongs(line.quantity)]
            if moving:
                self._create_done_picking(
                    picking_type,
                    source,
                    destination,
                    [self._line_move_values(line, source, destination) for line in moving],
                )
        for line in lines:
            line.stock_status = "moved"

    def _line_move_values(self, line, location, location_dest):
        return {
            "name": line.name,
            "product_id": line.product_id.id,
            "product_uom": line.product_id.uom_id.id,
            "product_uom_qty": abs(line.quantity),
            "location_id": location.id,
            "location_dest_id": location_dest.id,
            "szamlazz_invoice_line_id": line.id,
        }

    def _return_cancelled_goods(self):
        """A storno brings back what the cancelled document moved and is not back yet."""
        original = self.referenced_invoice_id
        self.line_ids.stock_status = "no_stock_effect"
        if not original:
            return [
                _(
                    "The cancelled document %s is not in Odoo yet; the storno will be "
                    "processed when it arrives.",
                    self.referenced_number or "?",
                )
            ]
        if original.state == "received":
            return [
                _(
                    "The cancelled document %s is not processed yet; the storno will be "
                    "processed after it.",
                    original.number,
                )
            ]
        moved = original.line_ids.stock_move_ids.filtered(lambda move: move.state == "done")
        already_back = self.env["stock.move"].search(
            [("origin_returned_move_id", "in", moved.ids), ("state", "!=", "cancel")]
        )
        back_by_move = defaultdict(float)
        for move in already_back:
            back_by_move[move.origin_returned_move_id.id] += move.product_qty
        storno_line_of = self._storno_lines_by_original_line(original)
        to_return = defaultdict(dict)  # picking -> {move: quantity}
        for move in moved:
            quantity = move.product_qty - back_by_move[move.id]
            if float_compare(quantity, 0, precision_rounding=move.product_uom.rounding) > 0:
                to_return[move.picking_id][move] = quantity
        for picking, quantities in to_return.items():
            self._return_picking(picking, quantities, storno_line_of)
        for line in self.line_ids.filtered("stock_move_ids"):
            line.stock_status = "moved"
        return []

    def _storno_lines_by_original_line(self, original):
        """``{original line: storno line}``: the storno repeats the items in their order, so
        the n-th item of an identifier answers the n-th one (two items may share a SKU)."""
        storno_lines = defaultdict(list)
        for line in self.line_ids.sorted(lambda line: (line.sequence, line.id)):
            storno_lines[line.identifier].append(line)
        pairs = {}
        seen = defaultdict(int)
        for line in original.line_ids.sorted(lambda line: (line.sequence, line.id)):
            candidates = storno_lines.get(line.identifier, [])
            if seen[line.identifier] < len(candidates):
                pairs[line] = candidates[seen[line.identifier]]
            seen[line.identifier] += 1
        return pairs

    def _return_picking(self, picking, quantities, storno_line_of):
        """Odoo's own return of ``picking`` for ``{move: quantity}``, validated: the goods
        come back as a return of the delivery they left with."""
        wizard = (
            self.env["stock.return.picking"]
            .with_context(
                active_id=picking.id, active_model="stock.picking", active_ids=picking.ids
            )
            .create({"picking_id": picking.id})
        )
        for return_line in wizard.product_return_moves:
            return_line.quantity = quantities.get(return_line.move_id, 0.0)
        returned = wizard._create_return()
        returned.origin = "%s (%s)" % (returned.origin, self.number)
        for move in returned.move_ids:
            line = storno_line_of.get(move.origin_returned_move_id.szamlazz_invoice_line_id)
            move.szamlazz_invoice_line_id = line.id if line else False
        self._validate_done(returned)
        return returned

    def _create_done_picking(self, picking_type, location, location_dest, move_values):
        """A validated transfer of the document's quantities: made with its batch's when the
        document is processed in one (:meth:`_finish_work_batch`), else now."""
        origin = self.number + (" / %s" % self.order_number if self.order_number else "")
        values = {
            "picking_type_id": picking_type.id,
            "partner_id": self.partner_id.id,
            "origin": origin,
            "location_id": location.id,
            "location_dest_id": location_dest.id,
            "company_id": self.company_id.id,
            "move_ids": [
                Command.create(dict(move, company_id=self.company_id.id)) for move in move_values
            ],
            "szamlazz_invoice_ids": [Command.link(self.id)],
        }
        batch = self.env.context.get(WORK_BATCH_CONTEXT)
        if batch is not None:
            batch.add(self, values)
            return
        picking = self.env["stock.picking"].create(values)
        picking.action_confirm()
        self._validate_transfers(picking)

    def _new_work_batch(self):
        return StockBatch()

    def _finish_work_batch(self, work):
        """Create, confirm and validate the transfers the batch's documents asked for, all
        at once; raises when one of them cannot be validated, so that the batch is done
        again one document at a time and that document alone fails."""
        plans = work.take()
        if not plans:
            return
        pickings = self.env["stock.picking"].create([values for _document, values in plans])
        pickings.action_confirm()
        self._validate_transfers(pickings)

    def _validate_done(self, picking):
        """Validate ``picking`` (:meth:`_validate_transfers`) and link it to the document."""
        self._validate_transfers(picking)
        self.picking_ids = [Command.link(picking.id)]

    @api.model
    def _validate_transfers(self, pickings):
        """Validate ``pickings`` with no wizard: the quantities are the documents', no
        backorder is kept, stock may go negative where the company allows it."""
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
        pickings.move_ids.picked = True
        result = pickings.with_context(
            skip_backorder=True,
            picking_ids_not_to_backorder=pickings.ids,
            skip_sms=True,
        ).button_validate()
        stuck = pickings.filtered(lambda picking: picking.state != "done")
        if result is not True or stuck:
            raise UserError(
                _(
                    "The transfer %s needs a manual step (lots, serial numbers or "
                    "another check) and was not validated.",
                    ", ".join((stuck or pickings).mapped("name")),
                )
            )

    # -- payment reminders -------------------------------------------------------------------
    # Payment reminders for overdue Számlázz.hu invoices.
    #
    # Whom a reminder goes to follows Számlázz.hu's own rule for its documents: the address the
    # invoice itself was sent to (``alap/email``), else every address of the buyer in Odoo,
    # else nobody automatically (the reminder wizard asks a person for an address).

    @api.depends("email", "partner_id.email")
    def _compute_reminder_email_to(self):
        for invoice in self:
            invoice.reminder_email_to = invoice._reminder_recipients()

    def _reminder_recipients(self):
        """Comma-separated addresses following Számlázz.hu's rule, or ``False``."""
        self.ensure_one()
        for source in (self.email, self.partner_id.email):
            addresses = email_normalize_all(source or "")
            if addresses:
                return ",".join(addresses)
        return False

    def _send_payment_reminder(self, email_to, level=0):
        """Email the reminder to ``email_to`` and log it on the invoice.

        ``level`` is the schedule step a scheduled reminder belongs to (0: by hand)."""
        self.ensure_one()
        template = self.env.ref("innonest_szamlazz.mail_template_szamlazz_payment_reminder")
        template.sudo().send_mail(self.id, email_values={"email_to": email_to})
        amount = format_amount(self.env, self.amount_residual, self.currency_id)
        if level:
            body = _(
                "Payment reminder %(level)s sent to %(email)s: %(amount)s outstanding since "
                "%(due_date)s.",
                level=level,
                email=email_to,
                amount=amount,
                due_date=self.due_date,
            )
        else:
            body = _(
                "Payment reminder sent by %(user)s to %(email)s: %(amount)s outstanding since "
                "%(due_date)s.",
                user=self.env.user.name,
                email=email_to,
                amount=amount,
                due_date=self.due_date,
            )
        # Salespeople only read invoices; the reminder is still theirs (author stays).
        self.sudo().message_post(body=body)
        values = {"reminder_last_date": fields.Datetime.now()}
        if level > self.reminder_level:
            values["reminder_level"] = level
        self.sudo().write(values)

    def action_open_reminder_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Send Payment Reminder"),
            "res_model": "szamlazz.reminder.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_invoice_id": self.id},
        }

    # --- scheduled action -----------------------------------------------------------

    @api.model
    def _reminder_schedule(self):
        """The schedule in days, or ``[]`` when scheduled reminders are off (default:
        Számlázz.hu can send its own reminders, and a buyer should not get both)."""
        parameters = self.env["ir.config_parameter"].sudo()
        if not parameters.get_param(ENABLED_PARAMETER):
            return []
        text = parameters.get_param(SCHEDULE_PARAMETER) or DEFAULT_SCHEDULE
        try:
            return parse_schedule(text)
        except ValueError:
            _logger.warning(
                "Payment reminders skipped: %s=%r is not a list of days", SCHEDULE_PARAMETER, text
            )
            return []

    @api.model
    def _cron_send_payment_reminders(self):
        """Send every overdue invoice the schedule step it has reached and not had yet.

        An invoice that reached several steps at once (reminders were off, or the cron
        did not run) gets one reminder, for the latest step."""
        schedule = self._reminder_schedule()
        if not schedule:
            return
        today = fields.Date.context_today(self)
        candidates = self.search(
            [
                ("kind", "in", document_kinds.codes(debt=True)),
                ("state", "in", ("done", "needs_attention")),
                ("payment_state", "=", "overdue"),
                ("due_date", "<=", today - timedelta(days=schedule[0])),
                ("reminder_level", "<", len(schedule)),
            ],
            order="due_date, id",
        )
        due = [
            (invoice, level)
            for invoice in candidates
            if (
                level := sum(
                    1 for days in schedule if invoice.due_date + timedelta(days=days) <= today
                )
            )
            > invoice.reminder_level
        ]
        batch = due[:REMINDER_BATCH_SIZE]
        for invoice, level in batch:
            invoice.with_context(
                lang=invoice.company_id._szamlazz_language()
            )._send_scheduled_reminder(level)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(due) - len(batch))

    def _send_scheduled_reminder(self, level):
        self.ensure_one()
        email_to = self._reminder_recipients()
        if not email_to:
            # Recorded as done for this step: a person decides, the cron does not nag daily.
            self.sudo().reminder_level = level
            self.message_post(
                body=_(
                    "Payment reminder %(level)s not sent: neither the invoice nor the buyer has "
                    "an email address. Use Send Payment Reminder to enter one.",
                    level=level,
                )
            )
            return
        try:
            with self.env.cr.savepoint():
                self._send_payment_reminder(email_to, level=level)
        except Exception as error:  # one bad invoice must not stop the others
            _logger.exception("Payment reminder for %s failed", self.number)
            self.message_post(
                body=_(
                    "Payment reminder %(level)s could not be sent: %(error)s",
                    level=level,
                    error=error,
                )
            )
