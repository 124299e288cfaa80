"""The mirror of a Számlázz.hu document, which is also its inbox row.

Why no separate exchange record: a Számlázz.hu document is identified by its number, and
after it is issued only its payments and its storno flag change. Every arrival (push,
pull, re-query) is therefore written onto the one row for (company, number) *before* it is
processed: the raw XML is kept as it came, the state goes back to ``received`` and the
scheduled action brings the mirror, the partner and the stock up to date. A replay (the
same content again, with or without its PDF) changes nothing. Only what cannot be identified
is refused at the door (HTTP 400): not XML, not a `szamla` in Számlázz.hu's namespace, no
number. Everything else is stored as it came and judged when it is processed: what is
missing or unreadable puts the document in "needs attention" with the reason in words.
"""

import base64
import datetime
import hashlib
import logging
import threading
from decimal import Decimal

import psycopg2
import psycopg2.errorcodes
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero, format_date, formatLang

from ..szamlazz_agent import errors, parse_szamla_document
from ..szamlazz_agent.parsers import parse_decimal

_logger = logging.getLogger(__name__)

DOCUMENT_KINDS = [
    ("SZ", "Invoice"),
    ("D", "Proforma"),
    ("ES", "Prepayment invoice"),
    ("VS", "Final invoice"),
    ("HS", "Corrective invoice"),
    ("SS", "Storno invoice"),
    ("JS", "JS document"),
    ("SL", "Delivery note"),
]
# Documents that ask the buyer for money; the others have no payment state.
PAYABLE_KINDS = ("SZ", "D", "ES", "VS", "HS", "JS")
# alap/forras: the program that issued a document Számlázz.hu did not issue (szamla.xsd).
ISSUING_SOFTWARE = {26: "quick", 28: "smartbooks", 34: "nav"}
ISSUED_BY = [
    ("quick", "QUiCK"),
    ("smartbooks", "SMARTBooks"),
    ("nav", "NAV Online Számla (import)"),
    ("other", "Other software"),
]

DEFAULT_BATCH_SIZE = 50
DEFAULT_PAYMENT_REFRESH_LIMIT = 200


def positive_int_param(env, key, default):
    """A positive integer system parameter, ``default`` when unset or not one."""
    value = (env["ir.config_parameter"].sudo().get_param(key) or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


# What another transaction's work on the same rows raises: the document waits for the
# next run instead of being recorded as an error.
CONCURRENT_CHANGES = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.UniqueViolation,
)


# What the columns a document is stored in can hold (PostgreSQL int4; an index row of a
# text column stays far below its 2.7 kB limit). Real Számlázz.hu values are much smaller.
MAX_INTEGER = 2**31 - 1
MAX_INDEXED_TEXT = 200
MAX_AMOUNT = Decimal("1e15")


def unstorable_values(document):
    """Why ``document`` cannot be stored as it is, in words; empty when it can."""
    parts = document.number_parts
    texts = [
        ("alap/szamlaszam", document.number),
        ("alap/rendelesszam", document.order_number),
        ("alap/hivszamlaszam", document.referenced_invoice),
        ("alap/hivdijbekszam", document.referenced_proforma),
        ("vevo/azonosito", document.buyer.identifier),
    ]
    integers = [
        ("alap/id", document.internal_id),
        ("the sequence of the number", parts and parts.sequence),
        ("the year of the number", parts and parts.year),
    ] + [("tetel/sztetordering", item.ordering) for item in document.items]
    amounts = [("totalossz", document.gross), ("totalossz", document.net)] + [
        ("tetel", value)
        for item in document.items
        for value in (item.quantity, item.net_unit_price, item.gross)
    ]
    problems = [
        "%s is %d characters long (at most %d)" % (name, len(value), MAX_INDEXED_TEXT)
        for name, value in texts
        if value and len(value) > MAX_INDEXED_TEXT
    ]
    problems += [
        "%s %s is out of range (at most %d)" % (name, value, MAX_INTEGER)
        for name, value in integers
        if value and not -MAX_INTEGER <= value <= MAX_INTEGER
    ]
    problems += [
        "%s holds %s, out of range" % (name, value)
        for name, value in amounts
        if value is not None and abs(value) >= MAX_AMOUNT
    ]
    return problems


def _amount(value):
    """A Decimal Számlázz.hu sent, as Odoo stores it; 0 where it sent none."""
    return float(value) if value is not None else 0.0


class IntakeConflictError(psycopg2.errors.SerializationFailure):
    """Another transaction stored the same new document while this one ran.

    The other transaction has committed, but this one's snapshot cannot see its row: a
    serialization failure. Odoo retries a request that raises one (a user's click, an
    XML-RPC call) on a fresh snapshot; the push endpoint answers 503 so that Számlázz.hu
    sends again, and the pull leaves the document to the push.
    """

    pgcode = psycopg2.errorcodes.SERIALIZATION_FAILURE  # what Odoo's retry loop reports


class SzamlazzInvoice(models.Model):
    _name = "szamlazz.invoice"
    _description = "Számlázz.hu document"
    _inherit = ["mail.thread"]
    _order = "issue_date desc, id desc"
    _rec_name = "number"
    _check_company_auto = True

    number = fields.Char(required=True, readonly=True, index=True, tracking=True)
    account_id = fields.Many2one(
        "szamlazz.account", required=True, readonly=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    source = fields.Selection(
        [
            ("push", "Data connection (push)"),
            ("pull", "Agent query (new document)"),
            ("requery", "Agent query (refresh)"),
        ],
        readonly=True,
        help="How the latest version of the document arrived.",
    )
    received_date = fields.Datetime(readonly=True, help="When the latest version arrived.")
    raw_xml = fields.Binary(
        "Raw XML",
        attachment=True,
        readonly=True,
        help="The `szamla` document exactly as Számlázz.hu sent it.",
    )
    raw_xml_sha256 = fields.Char("Raw XML SHA-256", readonly=True, index=True)
    state = fields.Selection(
        [
            ("received", "Received"),
            ("done", "Done"),
            ("needs_attention", "Needs attention"),
            ("error", "Error"),
        ],
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
    kind = fields.Selection(DOCUMENT_KINDS, readonly=True, index=True)
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
    amount_paid = fields.Monetary("Paid", compute="_compute_amounts", store=True, tracking=True)
    amount_residual = fields.Monetary("Outstanding", compute="_compute_amounts", store=True)
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

    line_ids = fields.One2many("szamlazz.invoice.line", "invoice_id", "Lines", readonly=True)
    payment_ids = fields.One2many("szamlazz.invoice.payment", "invoice_id", readonly=True)
    pdf_attachment_id = fields.Many2one("ir.attachment", "PDF", readonly=True)
    picking_ids = fields.Many2many("stock.picking", string="Transfers", readonly=True)
    picking_count = fields.Integer("Transfer Count", compute="_compute_picking_count")
    write_ids = fields.One2many("szamlazz.agent.write", "invoice_id", "Requests", readonly=True)
    pending_write_message = fields.Char(
        "Request Being Checked", compute="_compute_pending_write_message"
    )

    _sql_constraints = [
        (
            "number_company_uniq",
            "unique(company_id, number)",
            "A Számlázz.hu document number can only exist once per company.",
        ),
    ]

    @api.depends("amount_gross", "payment_ids.amount", "cancelled", "kind")
    def _compute_amounts(self):
        for invoice in self:
            invoice.amount_paid = sum(invoice.payment_ids.mapped("amount"))
            # A cancelled invoice and its storno owe nothing, whatever their totals say.
            owes = not invoice.cancelled and invoice.kind != "SS"
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
                invoice.kind not in PAYABLE_KINDS
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
            ("kind", "in", PAYABLE_KINDS),
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
                        ("kind", "not in", PAYABLE_KINDS),
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
    def _store_document(self, account, xml_bytes, source):
        """Store one `szamla` document of ``account`` before anything else happens to it.

        Returns ``(invoice, document)``. A replay (the same content, with or without the
        PDF) changes nothing; a new version of a known document replaces the stored one and
        is processed again; the content (missing parts, unknown products, odd buyers) is
        judged later by :meth:`_process`, never here. Raises a
        :class:`~..szamlazz_agent.errors.SzamlazzError` when the bytes cannot be identified
        as a `szamla` document, and :class:`IntakeConflictError` when another transaction
        is storing the same new document at this very moment.
        """
        document = parse_szamla_document(xml_bytes)
        unstorable = unstorable_values(document)
        if unstorable:
            raise errors.InvalidResponseError(
                None, "the document cannot be stored: %s" % "; ".join(unstorable)
            )
        digest = hashlib.sha256(xml_bytes).hexdigest()
        invoice = self.sudo().search(
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
            if document.pdf and not invoice.pdf_attachment_id:
                invoice._store_pdf(document.pdf)
            return invoice, document
        values = {
            "source": source,
            "received_date": fields.Datetime.now(),
            "raw_xml": base64.b64encode(xml_bytes),
            "raw_xml_sha256": digest,
            "content_sha256": document.content_sha256,
            "state": "received",
            "state_reason": False,
            "missing_at_szamlazz": False,
            "kind": document.kind if document.kind in dict(DOCUMENT_KINDS) else False,
            "internal_id": document.internal_id,
            "order_number": document.order_number,
            "referenced_number": document.referenced_invoice,
            "proforma_number": document.referenced_proforma,
        }
        if invoice:
            invoice.write(values)
            invoice.message_post(
                body=_(
                    "A new version of this document arrived (%(channel)s).",
                    channel=dict(self._fields["source"].selection)[source],
                )
            )
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
                    invoice = self.sudo().create(values)
            except psycopg2.errors.UniqueViolation:
                raise IntakeConflictError(document.number) from None
        self.env.ref("innonest_szamlazz.ir_cron_szamlazz_import")._trigger()
        return invoice, document

    # -- processing ------------------------------------------------------------------------

    @api.model
    def _batch_size(self):
        """Knob ``innonest_szamlazz.import_batch_size`` (default 50): documents processed per
        batch; the scheduled action commits after each batch."""
        return positive_int_param(
            self.env, "innonest_szamlazz.import_batch_size", DEFAULT_BATCH_SIZE
        )

    @api.model
    def _lock_received_batch(self, limit, accounts=None):
        """Up to ``limit`` received documents (of ``accounts``, else of all), locked for this
        transaction; rows another worker holds are skipped, so two workers never process
        the same document."""
        self.env["szamlazz.invoice"].flush_model(["state", "kind", "account_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM szamlazz_invoice
                 WHERE state = 'received' AND %s
                 ORDER BY kind IN ('SS', 'HS'), id
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                SQL("account_id IN %s", tuple(accounts.ids))
                if accounts is not None
                else SQL("TRUE"),
                limit,
            )
        )
        return self.sudo().browse([row[0] for row in self.env.cr.fetchall()])

    def _process(self):
        """Bring mirrors, buyers and stock up to date for the documents in ``self``.

        One savepoint per document: a failure is recorded on that document (state error,
        reason in the chatter) and never raised, so the scheduled action keeps running.
        """
        documents = self.sudo().sorted(lambda invoice: (invoice.kind in ("SS", "HS"), invoice.id))
        parsed = {}
        for invoice in documents:
            try:
                parsed[invoice.id] = parse_szamla_document(base64.b64decode(invoice.raw_xml or b""))
            except errors.SzamlazzError as error:
                invoice._set_state("error", _("The stored XML cannot be read: %s", error.message))
        lookups = self._batch_lookups(documents.filtered(lambda inv: inv.id in parsed), parsed)
        for invoice in documents.filtered(lambda inv: inv.id in parsed):
            invoice = invoice.with_company(invoice.company_id)
            try:
                with self.env.cr.savepoint():
                    invoice._process_document(parsed[invoice.id], lookups)
            except CONCURRENT_CHANGES as error:
                # Another worker changed what this document needs (the invoice it cancels,
                # the prefix or partner both learn at once) or locked it in the other order
                # (a deadlock): it stays received, next run.
                _logger.warning(
                    "Számlázz.hu document %s postponed by a concurrent change: %s",
                    invoice.number,
                    error.pgerror,
                )
            except (UserError, errors.SzamlazzError) as error:
                invoice._set_state(
                    "error", str(error.args[0] if isinstance(error, UserError) else error.message)
                )
            except Exception as error:
                # Whatever else went wrong is a fact about this document, not a reason to
                # stop the batch (or to let Odoo deactivate the scheduled action).
                _logger.exception("Processing Számlázz.hu document %s failed", invoice.number)
                invoice._set_state("error", _("Unexpected error: %s", error))

    def _batch_lookups(self, documents, parsed):
        """The partners and products a whole batch needs, looked up once."""
        lookups = {"partners": {}, "products": {}}
        by_company = {}
        for invoice in documents:
            by_company.setdefault(invoice.company_id, self.browse())
            by_company[invoice.company_id] |= invoice
        for company, invoices in by_company.items():
            unmatched = invoices.filtered(lambda inv: not inv.partner_id)
            buyers = [parsed[inv.id].buyer for inv in unmatched]
            matches = self.env["szamlazz.buyer.matcher"]._match_buyers(company, buyers)
            for index, match in matches.items():
                lookups["partners"][unmatched[index].id] = match
            identifiers = {
                item.identifier.strip()
                for inv in invoices
                for item in parsed[inv.id].items
                if item.identifier and item.identifier.strip()
            }
            lookups["products"][company.id] = self._find_products(company, identifiers)
        return lookups

    def _process_document(self, document, lookups):
        self.ensure_one()
        self.account_id._learn_from_document(document)
        changes = self._issued_content_changes(document)
        self._update_mirror(document)
        self._link_references(document)
        self._assign_partner(document, lookups["partners"].get(self.id))
        self._note_pdf(document)
        if document.problems:
            self.line_ids.filtered(lambda line: not line.stock_move_ids).stock_status = "unreadable"
            problems = [
                _(
                    "Számlázz.hu sent parts of this document that Odoo cannot read, so no "
                    "stock was moved for it: %s. The next version Számlázz.hu sends (or "
                    "Re-process after a re-query) is judged again.",
                    "; ".join(document.problems),
                )
            ]
        elif changes:
            problems = [
                _(
                    "Számlázz.hu now sends this document with other contents than the version "
                    "Odoo processed, although only payments, the storno flag and accounting "
                    "fields change after an invoice is issued: %s. Odoo kept the items (and "
                    "the stock) of the first version; check the document at Számlázz.hu.",
                    "; ".join(changes),
                )
            ]
        else:
            problems = self._apply_stock(lookups["products"].get(self.company_id.id, {}))
        if problems:
            self._set_state("needs_attention", "\n".join(problems))
        else:
            self._set_state("done", False)
        # Documents that waited for this one (a storno of it, a correction) can go now.
        self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("referenced_number", "=", self.number),
                ("state", "=", "needs_attention"),
            ]
        ).write({"state": "received"})

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
            _("kind"), self.kind, document.kind if document.kind in dict(DOCUMENT_KINDS) else None
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

    def _update_mirror(self, document):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", document.currency)], limit=1)
            if document.currency
            else self.env["res.currency"]
        )
        buyer = document.buyer
        address = buyer.address
        values = {
            "kind": document.kind if document.kind in dict(DOCUMENT_KINDS) else False,
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
            "buyer_zip": address.zip,
            "buyer_city": address.city,
            "buyer_street": address.street,
            "buyer_country": address.country,
            "buyer_email": buyer.email,
            "buyer_private_person": buyer.private_person,
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
        if not self.line_ids.stock_move_ids:
            # Items never change once a document is issued; once their stock moved, the
            # lines keep it. Until then the newest version's items are taken (a corrected
            # version of one Odoo could not read).
            values["line_ids"] = [Command.clear()] + [
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
                for index, item in enumerate(document.items, start=1)
            ]
        self.write(values)
        if document.pdf:
            self._store_pdf(document.pdf)

    def _note_pdf(self, document):
        """Say once why Odoo has no PDF of a pushed document; it is never a reason to refuse
        (a re-query asks without the PDF, so only pushes are expected to carry one)."""
        if document.pdf or self.pdf_attachment_id:
            problem = False
        elif document.pdf_problem:
            problem = _("The PDF Számlázz.hu sent cannot be read (%s).", document.pdf_problem)
        elif self.source == "push":
            problem = _("Számlázz.hu sent this document without its PDF.")
        else:
            problem = self.pdf_problem
        if problem != self.pdf_problem:
            self.pdf_problem = problem
            if problem:
                self.message_post(body=problem)

    def _store_pdf(self, pdf_bytes):
        values = {"datas": base64.b64encode(pdf_bytes), "mimetype": "application/pdf"}
        if self.pdf_attachment_id:
            self.pdf_attachment_id.write(values)
        else:
            self.pdf_attachment_id = self.env["ir.attachment"].create(
                dict(values, name="%s.pdf" % self.number, res_model=self._name, res_id=self.id)
            )

    def _link_references(self, document):
        related = (
            self.search(
                [
                    ("company_id", "=", self.company_id.id),
                    (
                        "number",
                        "in",
                        [
                            number
                            for number in (
                                document.referenced_invoice,
                                document.referenced_proforma,
                            )
                            if number
                        ],
                    ),
                ]
            )
            if (document.referenced_invoice or document.referenced_proforma)
            else self.browse()
        )
        by_number = {invoice.number: invoice for invoice in related}
        referenced = by_number.get(document.referenced_invoice, self.browse())
        proforma = by_number.get(document.referenced_proforma, self.browse())
        self.write({"referenced_invoice_id": referenced.id, "proforma_id": proforma.id})
        if proforma and proforma.final_invoice_id != self:
            proforma.final_invoice_id = self
            proforma.message_post(body=_("Settled by the final invoice %s.", self.number))
        if self.kind == "SS" and referenced and not referenced.cancelled:
            referenced.cancelled = True

    def _assign_partner(self, document, match):
        """Match the buyer once; a matched partner keeps its data, differences are logged."""
        if self.partner_id:
            return
        matcher = self.env["szamlazz.buyer.matcher"]
        if not match:
            # The batch look-up may predate a partner created earlier in the same batch.
            match = matcher._match_buyers(self.company_id, [document.buyer]).get(0)
        if match:
            partner, rule = match
            self.partner_id = partner
            rule_labels = {
                "identifier": _("buyer identifier"),
                "tax_number": _("Hungarian tax number"),
                "eu_vat": _("EU VAT number"),
                "name_address": _("name and address"),
            }
            lines = [
                _(
                    "Buyer matched to %(partner)s by %(rule)s.",
                    partner=partner.display_name,
                    rule=rule_labels[rule],
                )
            ]
            lines += [
                _(
                    "%(label)s differs: %(odoo)s in Odoo, %(document)s on the document "
                    "(Odoo left unchanged).",
                    label=label,
                    odoo=ours or "-",
                    document=theirs,
                )
                for label, ours, theirs in matcher._differences(partner, document.buyer)
            ]
            self.message_post(body="\n".join(lines))
        else:
            self.partner_id = (
                self.env["res.partner"].sudo().create(matcher._partner_values(document.buyer))
            )
            self.message_post(
                body=_(
                    "No partner matched the buyer; %s was created.", self.partner_id.display_name
                )
            )

    def _set_state(self, state, reason):
        """Record an outcome; a person reads the reason on the form and in the chatter."""
        changed = (state, reason or False) != (self.state, self.state_reason or False)
        self.write({"state": state, "state_reason": reason or False})
        if changed and reason and state in ("needs_attention", "error"):
            self.message_post(body=reason)

    # -- actions ---------------------------------------------------------------------------

    def action_reprocess(self):
        """Run a document through processing again (after fixing a product code, a partner,
        a warehouse). Stock already moved for a line is never moved again."""
        self.check_access("read")
        documents = self.sudo().filtered(lambda inv: inv.raw_xml)
        documents.write({"state": "received", "state_reason": False})
        documents._process()
        return True

    @api.model
    def action_import_now(self):
        """The "Import now" button of the document list."""
        return self.env["szamlazz.account"].search([])._action_import_now_notification()

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.picking_ids.ids)]
        action["context"] = {"create": False}
        return action

    # -- scheduled actions -----------------------------------------------------------------

    @api.model
    def _auto_commit(self):
        """Commit between batches, except under tests (they run in one transaction)."""
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _process_inbox_batch(self, accounts=None):
        """Process one batch of received documents of ``accounts`` (all when None);
        ``(processed, remaining)``."""
        if accounts is not None and not accounts:
            return 0, 0
        batch = self._lock_received_batch(self._batch_size(), accounts)
        batch._process()
        scope = [("account_id", "in", accounts.ids)] if accounts is not None else []
        return len(batch), self.sudo().search_count([("state", "=", "received")] + scope)

    @api.model
    def _cron_import_documents(self):
        """Scheduled action "Számlázz.hu: import documents": re-query flagged documents, pull
        new ones, then process one batch of the inbox. Odoo runs it again at once while
        ``_notify_progress`` reports work remaining, committing after each run."""
        accounts = self.env["szamlazz.account"].sudo().search([])
        accounts._recover_from_error()
        requeried = accounts._requery_flagged_documents()
        pulled, more_waiting = accounts._pull_new_documents()
        # What arrived is safe before processing starts, whatever processing does.
        self._auto_commit()
        processed, remaining = self._process_inbox_batch()
        remaining += self.sudo().search_count([("requery_requested", "=", True)])
        self.env["ir.cron"]._notify_progress(
            done=requeried + pulled + processed, remaining=remaining + int(more_waiting)
        )

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
            self.env.ref("innonest_szamlazz.ir_cron_szamlazz_import")._trigger()

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
            self.env.ref("innonest_szamlazz.ir_cron_szamlazz_import")._trigger()
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
