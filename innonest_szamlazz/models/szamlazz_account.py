"""The link of one company to its Számlázz.hu account, and the owner of its import.

``szamlazz.account`` brings an account up to date (:meth:`SzamlazzAccount._import_pass`:
re-query what was flagged, pull new webshop documents, process a batch of the inbox), for
the one scheduled action, "Import now" and XML-RPC (``import_documents``). Documents it
receives are handed, parsed, to ``szamlazz.invoice``, which stores and processes them.
"""

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import threading
from datetime import timedelta
from functools import partial

from odoo import _, api, fields, models, tools
from odoo.addons.base.models.res_bank import sanitize_account_number
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..exceptions import CONCURRENT_CHANGES, IntakeConflictError, QueryBudgetSpent
from ..szamlazz_agent import (
    AgentClient,
    InvalidResponseError,
    OutcomeUnknownError,
    SzamlazzError,
    TemporarilyUnavailableError,
    errors,
    hungarian_tax_core,
    invoice_number,
)
from ..tools import document_kinds
from ..tools.agent_user_error import connection_check_message
from ..tools.cron_wakeup import wake_cron_workers
from ..tools.params import positive_int_param
from ..tools.series_search import first_sequence_issued_from
from .szamlazz_buyer_matcher import normalize_text

_logger = logging.getLogger(__name__)
# {(database, account id): (fingerprint of URL and key, AgentClient)} per thread.
_thread_clients = threading.local()

IMPORT_CRON = "innonest_szamlazz.ir_cron_szamlazz_import"
WAKE_UP = "innonest_szamlazz.wake_cron_workers"  # key in a transaction's postcommit data
DEFAULT_AGENT_URL = "https://www.szamlazz.hu/szamla/"
AGENT_URL_PARAMETER = "innonest_szamlazz.agent_url"
# The client's wait for an answer: a create that takes longer still happens at Számlázz.hu
# and is found by the check of szamlazz.agent.write, never sent again.
DEFAULT_READ_TIMEOUT = 60

# Languages an invoice can be issued in at Számlázz.hu (szamlaNyelve).
# Hungarian webshops' usual non-goods items; the account's list is editable.
DEFAULT_SERVICE_ITEM_NAMES = (
    "Szállítási díj\nSzállítás\nHázhozszállítás\nFuvardíj\nPostaköltség\nCsomagolás\n"
    "Csomagolási díj\nUtánvét díja\nUtánvételi díj\nKezelési költség\nKezelési díj"
)

INVOICE_LANGUAGES = [
    ("hu", "Hungarian"),
    ("en", "English"),
    ("de", "German"),
    ("it", "Italian"),
    ("ro", "Romanian"),
    ("sk", "Slovak"),
    ("hr", "Croatian"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("cz", "Czech"),
    ("pl", "Polish"),
    ("bg", "Bulgarian"),
    ("nl", "Dutch"),
    ("ru", "Russian"),
    ("si", "Slovenian"),
]


def generate_push_key():
    """A fresh key Számlázz.hu sends with every push: 40 hex characters, its limit."""
    return secrets.token_hex(20)


DEFAULT_PULL_LIMIT = 100
DEFAULT_REQUERY_LIMIT = 50
DEFAULT_REQUERY_INTERVAL = 60
# pg_try_advisory_xact_lock(key1, key2): key1 tells our locks apart from other modules'.
_PULL_LOCK_NAMESPACE = 724001


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
    """The link of one company to its Számlázz.hu account."""

    _name = "szamlazz.account"
    _description = "Számlázz.hu Account"
    _inherit = ["mail.thread"]
    _rec_name = "company_id"
    _check_company_auto = True

    @api.model
    def _default_agent_url(self):
        return (
            self.env["ir.config_parameter"].sudo().get_param(AGENT_URL_PARAMETER)
            or DEFAULT_AGENT_URL
        )

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    agent_key = fields.Char(
        groups="base.group_system",
        copy=False,
        help="The Számla Agent key from Számlázz.hu (Settings > Számla Agent kulcsok).",
    )
    # The Agent key is sent to this address: whoever may change it may read the key.
    agent_url = fields.Char(
        string="Agent URL",
        groups="base.group_system",
        required=True,
        default=lambda self: self._default_agent_url(),
        tracking=True,
    )
    state = fields.Selection(
        [("draft", "Not Connected"), ("connected", "Connected"), ("error", "Error")],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
    )
    last_check_date = fields.Datetime(string="Last Check", readonly=True)
    last_error = fields.Text(readonly=True)
    language = fields.Selection(
        INVOICE_LANGUAGES,
        string="Invoice Language",
        required=True,
        default="hu",
        tracking=True,
    )
    e_invoice = fields.Boolean(
        string="E-invoice",
        tracking=True,
        help="Issue electronic invoices by default; paper invoices otherwise.",
    )
    move_stock_issued_elsewhere = fields.Boolean(
        string="Move Stock for Documents Issued Elsewhere",
        tracking=True,
        help="Documents Számlázz.hu holds but another program issued (an import from NAV "
        "Online Számla, QUiCK, SMARTBooks) move stock too. Off: that program moved the goods "
        "already, e.g. Odoo itself when it reports its own invoices to NAV; their payment "
        "status and reminders work either way.",
    )
    prefix_ids = fields.One2many("szamlazz.prefix", "account_id", string="Prefixes")
    default_prefix_id = fields.Many2one(
        "szamlazz.prefix",
        check_company=True,
        domain="[('account_id', '=', id), ('document_kind', '=', 'invoice')]",
        tracking=True,
    )
    push_key = fields.Char(
        groups="base.group_system",
        copy=False,
        default=lambda self: generate_push_key(),
        help="Számlázz.hu sends this key with every push, so Odoo knows the data is "
        "really from Számlázz.hu and for this company.",
    )
    push_url = fields.Char(
        string="Push URL",
        compute="_compute_callback_urls",
        help="Data connection: outgoing invoices (szamla).",
    )
    incoming_push_url = fields.Char(
        string="Supplier Invoices Push URL",
        compute="_compute_callback_urls",
        help="Data connection: incoming supplier invoices (szamlabe).",
    )
    receipt_push_url = fields.Char(
        string="Receipts Push URL",
        compute="_compute_callback_urls",
        help="Data connection: the daily receipt batch (xmlnyugtaarchiv).",
    )
    bank_push_url = fields.Char(
        string="Bank Transactions Push URL",
        compute="_compute_callback_urls",
        help="Data connection: bank transactions (banktranz).",
    )
    ipn_url = fields.Char(string="IPN URL", compute="_compute_callback_urls")
    backfill_date = fields.Date(
        string="Import Invoices From",
        tracking=True,
        help="Invoices issued since this day are imported and deduct stock; leave empty to "
        "start from the day of connection.",
    )
    connected_date = fields.Date(
        string="Connected Since",
        readonly=True,
        copy=False,
        help="The day of the first successful connection; a reconnect does not move it.",
    )
    bank_account_ids = fields.One2many(
        related="company_id.partner_id.bank_ids", string="Bank Accounts"
    )
    bank_account_id = fields.Many2one(
        "res.partner.bank",
        string="Current Bank Account",
        readonly=True,
        help="The seller bank account on the newest Számlázz.hu document.",
    )
    bank_account_date = fields.Date(
        readonly=True, help="Issue date of the newest document that showed the bank account."
    )
    receipt_partner_id = fields.Many2one(
        "res.partner",
        string="Walk-in Customer",
        check_company=True,
        help="The partner of the deliveries of receipts (nyugta), which name no buyer; "
        "empty: the deliveries have no partner.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        tracking=True,
        help="Gets a to-do for every document that needs a person; it is marked done when "
        "the document is. Empty: no to-dos.",
    )
    service_item_names = fields.Text(
        string="Service Items",
        default=DEFAULT_SERVICE_ITEM_NAMES,
        help="Names of items that are not goods (shipping, packaging, fees), one per line. "
        "An item without identifier whose name starts with one of them moves no stock and "
        "never holds its document back; case and punctuation do not matter.",
    )
    receiving_warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        help="Goods on supplier invoices are received here; empty: the company's first warehouse.",
    )
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
    szamlazz_invoice_count = fields.Integer(
        "Számlázz.hu Documents", compute="_compute_szamlazz_invoice_count"
    )
    # The overview (Inventory › Számlázz.hu › Overview): what needs a person, at a glance.
    currency_id = fields.Many2one(related="company_id.currency_id")
    waiting_count = fields.Integer("Waiting", compute="_compute_overview")
    attention_count = fields.Integer("Needs attention", compute="_compute_overview")
    error_count = fields.Integer("In error", compute="_compute_overview")
    outcome_unknown_count = fields.Integer("Outcome unknown", compute="_compute_overview")
    supplier_to_check_count = fields.Integer(
        "Supplier invoices to check", compute="_compute_overview"
    )
    outstanding_amount = fields.Monetary("Outstanding", compute="_compute_overview")
    overdue_amount = fields.Monetary("Overdue", compute="_compute_overview")
    last_invoice_arrival = fields.Datetime("Last invoice", compute="_compute_overview")
    last_supplier_invoice_arrival = fields.Datetime(
        "Last supplier invoice", compute="_compute_overview"
    )
    last_receipt_arrival = fields.Datetime("Last receipt batch", compute="_compute_overview")
    last_bank_arrival = fields.Datetime("Last bank transaction", compute="_compute_overview")
    checklist_webshop_done = fields.Boolean("Webshop prefixes marked", compute="_compute_overview")
    checklist_push_done = fields.Boolean("Push URLs registered", compute="_compute_overview")
    checklist_responsible_done = fields.Boolean(
        "Responsible user chosen", compute="_compute_overview"
    )
    checklist_open_count = fields.Integer("Steps left", compute="_compute_overview")

    _sql_constraints = [
        (
            "company_unique",
            "unique(company_id)",
            "A company can be connected to one Számlázz.hu account only.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state") == "connected" and not vals.get("connected_date"):
                vals["connected_date"] = fields.Date.context_today(self)
        accounts = super().create(vals_list)
        self._forget_push_keys()
        return accounts

    def write(self, vals):
        if vals.get("state") == "connected" and "connected_date" not in vals:
            # Set once: the import start of a shop must not move when its key is replaced.
            unset = self.filtered(lambda account: not account.connected_date)
            if unset:
                super(SzamlazzAccount, unset).write(
                    {"connected_date": fields.Date.context_today(self)}
                )
        result = super().write(vals)
        if "push_key" in vals:
            self._forget_push_keys()
        return result

    def unlink(self):
        result = super().unlink()
        self._forget_push_keys()
        return result

    @api.model
    def _trigger_import(self, at=None):
        """Have the scheduled action "Számlázz.hu: import documents" run now (or at ``at``).

        Odoo's ``ir.cron._trigger`` for a caller that runs at every push: one trigger per
        call, written in one statement, and the wake-up over a kept connection
        (``tools/cron_wakeup.py``) instead of a new one per push. A trigger for now is due
        at the database's clock, to the microsecond: a run ends by deleting the triggers
        due before it began, so one written while a run goes on (by a push that run may
        not have counted) outlives it, where Odoo's, rounded down to the second, may not.
        As Odoo does, a switched-off action is not triggered now, only later.
        """
        now = fields.Datetime.now()
        self.env["ir.cron"].flush_model(["active"])
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO ir_cron_trigger
                    (cron_id, call_at, create_uid, create_date, write_uid, write_date)
                SELECT id, %(call_at)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM ir_cron
                 WHERE id = %(cron)s AND (active OR %(later)s)
                RETURNING id
                """,
                call_at=at or SQL("clock_timestamp() AT TIME ZONE 'UTC'"),
                later=bool(at and at > now),
                now=now,
                uid=self.env.uid,
                cron=self.env["ir.model.data"]._xmlid_to_res_id(IMPORT_CRON),
            )
        )
        written = self.env.cr.fetchone()
        wake = (at is None or at <= now) or os.getenv("ODOO_NOTIFY_CRON_CHANGES")
        postcommit = self.env.cr.postcommit
        if written and wake and not postcommit.data.get(WAKE_UP):
            postcommit.data[WAKE_UP] = True  # one wake-up per transaction
            postcommit.add(partial(wake_cron_workers, self.env.cr.dbname))

    def _forget_push_keys(self):
        """Clear ``_push_keys`` now and again once committed: a thread that read the old
        keys meanwhile must not keep them."""
        self.env.registry.clear_cache()
        self.env.cr.postcommit.add(self.env.registry.clear_cache)

    @api.constrains("agent_key")
    def _check_agent_key_unique(self):
        """One Számlázz.hu account, one company: connected to two, every invoice would be
        imported into both and move the stock of both."""
        for account in self.sudo().filtered("agent_key"):
            holder = account._holder_of_agent_key(account.agent_key)
            if holder:
                raise ValidationError(account._key_taken_message(holder))

    def _holder_of_agent_key(self, agent_key):
        """Another company's account that uses ``agent_key``, if any."""
        self.ensure_one()
        return self.sudo().search(
            [("agent_key", "=", agent_key), ("id", "!=", self.id or 0)], limit=1
        )

    def _key_taken_message(self, holder):
        return _(
            "This Agent key is already connected to %(company)s. One Számlázz.hu account "
            "can be connected to one company only: create an Agent key of the Számlázz.hu "
            "account of %(this)s, or disconnect %(company)s first.",
            company=holder.company_id.name,
            this=self.company_id.name,
        )

    def _is_service_item(self, name):
        """Whether an item called ``name`` is one of the account's service items."""
        self.ensure_one()
        item = normalize_text(name)
        return bool(item) and any(
            item == service or item.startswith(service + " ")
            for service in map(normalize_text, (self.service_item_names or "").splitlines())
            if service
        )

    def _import_start_date(self):
        """The first issue day whose documents move stock: the "Import Invoices From" day
        when set, else the day of the first connection (older documents are history the
        shop's stock already reflects). False for an account never connected."""
        self.ensure_one()
        return self.backfill_date or self.connected_date

    def _compute_callback_urls(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        base_url = base_url.rstrip("/")
        for account in self:
            account.push_url = base_url + "/szamlazz/push"
            account.incoming_push_url = base_url + "/szamlazz/push/incoming"
            account.receipt_push_url = base_url + "/szamlazz/push/receipts"
            account.bank_push_url = base_url + "/szamlazz/push/bank"
            account.ipn_url = "%s/szamlazz/ipn/%d" % (base_url, account.id) if account.id else False

    # --- Számla Agent ---------------------------------------------------------------

    @api.model
    def _odoo_reference(self, *parts):
        """``odoo-<database>-<parts>``: identifies what this Odoo database sends to
        Számlázz.hu (buyer identifiers, external ids, payment notes), unique across the
        databases that share one Számlázz.hu account."""
        database = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return "-".join(["odoo", database[:8], *map(str, parts)])

    def _get_client(self):
        """The Számla Agent client of this account, kept for this thread.

        Számlázz.hu asks integrations to reuse their session (the JSESSIONID cookie), so
        every call of a worker thread goes through one HTTP session per account; a new key
        or Agent URL starts a new one. Sessions are not shared between threads.
        """
        self.ensure_one()
        account = self.sudo()
        if not account.agent_key:
            raise UserError(
                _(
                    "%(company)s is not connected to Számlázz.hu yet: "
                    "run Connect Számlázz.hu first.",
                    company=self.company_id.name,
                )
            )
        clients = _thread_clients.__dict__.setdefault("by_account", {})
        identity = (self.env.cr.dbname, self.id)
        fingerprint = hashlib.sha256(
            ("%s\0%s\0%s" % (account.agent_url, account.agent_key, self._read_timeout())).encode()
        ).digest()
        cached = clients.get(identity)
        if cached is None or cached[0] != fingerprint:
            if cached:
                cached[1].close()
            clients[identity] = (fingerprint, self._make_client(account.agent_key))
        return clients[identity][1]

    def _make_client(self, agent_key, **options):
        self.ensure_one()
        agent_url = self.sudo().agent_url or DEFAULT_AGENT_URL
        options.setdefault("read_timeout", self._read_timeout())
        return AgentClient(agent_key, base_url=agent_url, **options)

    @api.model
    def _read_timeout(self):
        """Knob ``innonest_szamlazz.agent_read_timeout`` (default 60): seconds Odoo waits for
        Számlázz.hu's answer. A write still unanswered then is "outcome unknown" and checked
        later (``innonest_szamlazz.write_settle_seconds``), never sent again."""
        return positive_int_param(
            self.env, "innonest_szamlazz.agent_read_timeout", DEFAULT_READ_TIMEOUT
        )

    def _check_agent_key(self, agent_key, tax_number):
        """Ask Számlázz.hu about ``tax_number`` with ``agent_key``: a call that changes
        nothing but needs a valid key.

        :return: ``(TaxpayerInfo, False, False)`` on success, ``(None, message,
            transient)`` otherwise: the message written for a shop owner, and whether the
            failure says nothing about the key (Számlázz.hu down, no answer).
        """
        self.ensure_one()
        if not agent_key:
            return None, _("Paste the Agent key first."), False
        holder = self._holder_of_agent_key(agent_key)
        if holder:
            return None, self._key_taken_message(holder), False
        tax_id = hungarian_tax_core(tax_number)
        if not tax_id:
            return (
                None,
                _(
                    "“%(tax_number)s” is not a Hungarian tax number. Enter your company's tax "
                    "number, e.g. 12345678-2-42.",
                    tax_number=tax_number or "",
                ),
                False,
            )
        # Someone is waiting in front of the wizard: one retry, not five.
        client = self._make_client(agent_key, max_attempts=2)
        try:
            taxpayer = client.query_taxpayer(tax_id)
        except SzamlazzError as error:
            _logger.info(
                "Számlázz.hu connection check of %s failed: %s",
                self.company_id.name,
                type(error).__name__,
            )
            transient = isinstance(
                error, (TemporarilyUnavailableError, OutcomeUnknownError, InvalidResponseError)
            )
            return None, connection_check_message(self.env, error, tax_id), transient
        finally:
            client.close()
        if not taxpayer.valid:
            return (
                None,
                _(
                    "Számlázz.hu accepted the Agent key, but the tax authority (NAV) lists "
                    "the tax number %(tax_number)s as invalid. Check your company's tax number.",
                    tax_number=tax_id,
                ),
                False,
            )
        return taxpayer, False, False

    def _mark_connected(self, agent_key):
        """Store the key Számlázz.hu just accepted; everything learned so far stays."""
        self.ensure_one()
        was_connected = self.state == "connected"
        self.sudo().agent_key = agent_key
        self._mark_check_passed()
        if was_connected:
            self.message_post(body=_("The Számlázz.hu Agent key was replaced and checked."))
        else:
            self.message_post(body=_("Connected to Számlázz.hu."))

    def _mark_check_passed(self):
        self.write(
            {"state": "connected", "last_check_date": fields.Datetime.now(), "last_error": False}
        )

    def _mark_check_failed(self, message):
        self.ensure_one()
        self.write(
            {
                "state": "error",
                "last_check_date": fields.Datetime.now(),
                "last_error": message,
            }
        )
        self.message_post(body=_("Számlázz.hu connection check failed: %s", message))

    def action_check_connection(self):
        """Check the stored key again with a taxpayer query of the company itself."""
        self.ensure_one()
        agent_key = self.sudo().agent_key
        if not agent_key:
            raise UserError(_("Paste the Agent key first: run Connect Számlázz.hu."))
        taxpayer, error, transient = self._check_agent_key(agent_key, self.company_id.vat)
        if error and transient:
            # Says nothing about the key: the account stays as it is (a maintenance window
            # must not stop the pull and the imports until someone checks again by hand).
            self._note_check_unanswered(error)
            notification = {"type": "warning", "message": error, "sticky": True}
        elif error:
            self._mark_check_failed(error)
            notification = {"type": "danger", "message": error, "sticky": True}
        else:
            self._mark_check_passed()
            notification = {
                "type": "success",
                "message": _("Számlázz.hu accepts the Agent key of %s.", taxpayer.name),
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": dict(notification, next={"type": "ir.actions.client", "tag": "soft_reload"}),
        }

    def _note_check_unanswered(self, message):
        self.write({"last_check_date": fields.Datetime.now(), "last_error": message})
        self.message_post(
            body=_(
                "Számlázz.hu could not be asked whether it accepts the key (%s); the "
                "connection stays as it was.",
                message,
            )
        )

    def _recover_from_error(self):
        """Accounts in error whose key Számlázz.hu accepts again are connected again; run by
        the import, so that no one has to check by hand after Számlázz.hu was fixed."""
        for account in self.filtered(lambda a: a.state == "error" and a.sudo().agent_key):
            taxpayer, error, _transient = account._check_agent_key(
                account.sudo().agent_key, account.company_id.vat
            )
            if taxpayer and not error:
                account._mark_check_passed()
                account.message_post(body=_("Számlázz.hu accepts the Agent key again."))

    def action_regenerate_push_key(self):
        """A new push key; the old one stops working until the new one is registered."""
        for account in self:
            # As the caller: only administrators may replace the key (field groups).
            account.push_key = generate_push_key()
            account.message_post(
                body=_(
                    "A new push key was generated. Register it at Számlázz.hu "
                    "(Settings > Data connection), pushes with the old key are refused."
                )
            )

    # --- Learning from documents ----------------------------------------------------

    def _learn_from_invoice(self, invoice, prefixes):
        """Record the prefix and the seller bank account a stored document shows;
        ``prefixes`` is the batch's ``{name: szamlazz.prefix}`` of this account (archived
        ones included), kept up to date here.

        Runs as superuser: whoever triggered the import, the data comes from the
        company's own Számlázz.hu account. Nothing is ever removed here.
        """
        self.ensure_one()
        account = self.sudo()
        account._learn_prefix(invoice, prefixes)
        account._learn_bank_account(invoice)

    def _learn_prefix(self, invoice, prefixes):
        prefix = invoice.number_prefix
        if not prefix or invoice.issued_by or prefix in prefixes:
            # Not numbered the Számlázz.hu way, or by another program's numbering (a NAV
            # import): not a prefix anyone can issue under at Számlázz.hu.
            return
        # A proforma (D-WEB-1) is numbered in its invoice prefix's series: every learned
        # prefix but a receipt's is an invoice series, which the pull walks and proformas use.
        prefixes[prefix] = self.env["szamlazz.prefix"].create(
            {
                "account_id": self.id,
                "name": prefix,
                "document_kind": "receipt" if invoice.is_receipt else "invoice",
            }
        )
        self.message_post(
            body=_(
                "New invoice number prefix learned from Számlázz.hu: %(prefix)s "
                "(first seen on %(number)s).",
                prefix=prefix,
                number=invoice.number,
            )
        )

    def _learn_bank_account(self, invoice):
        sanitized = sanitize_account_number(invoice.seller_bank_account)
        if not sanitized:
            return
        issue_date = invoice.issue_date
        if self.bank_account_id.sanitized_acc_number == sanitized:
            if issue_date and (not self.bank_account_date or issue_date > self.bank_account_date):
                self.bank_account_date = issue_date
            return
        bank_account = self._find_or_create_bank_account(
            invoice.seller_bank_account, invoice.seller_bank_name
        )
        # Older documents (a backfill) must not switch back to an account no longer used.
        if self.bank_account_date and issue_date and issue_date < self.bank_account_date:
            return
        previous = self.bank_account_id
        self.write({"bank_account_id": bank_account.id, "bank_account_date": issue_date})
        if previous:
            body = _(
                "The seller bank account on Számlázz.hu documents changed from "
                "%(old)s to %(new)s (first seen on %(number)s).",
                old=previous.display_name,
                new=bank_account.display_name,
                number=invoice.number,
            )
        else:
            body = _(
                "Seller bank account learned from Számlázz.hu: %(new)s (seen on %(number)s).",
                new=bank_account.display_name,
                number=invoice.number,
            )
        self.message_post(body=body)

    def _find_or_create_bank_account(self, account_number, bank_name):
        partner = self.company_id.partner_id
        PartnerBank = self.env["res.partner.bank"].with_context(active_test=False)
        sanitized = sanitize_account_number(account_number)
        bank_account = PartnerBank.search(
            [("partner_id", "=", partner.id), ("sanitized_acc_number", "=", sanitized)], limit=1
        )
        if bank_account:
            return bank_account
        bank = self.env["res.bank"]
        if bank_name:
            bank = bank.search([("name", "=ilike", bank_name)], limit=1) or bank.create(
                {"name": bank_name}
            )
        return PartnerBank.create(
            {
                "partner_id": partner.id,
                "acc_number": account_number,
                "bank_id": bank.id,
            }
        )

    # --- Pushes ---------------------------------------------------------------------

    @api.model
    def _find_by_push_key(self, key):
        """The account whose push key is ``key``, or an empty recordset.

        Every key is compared in constant time and the loop never stops early, so the
        answer time tells nothing about how close a guess was.
        """
        if not key:
            return self.browse()
        candidate = key.encode() if isinstance(key, str) else key
        found = self.browse()
        for push_key, account_id in self._push_keys():
            if hmac.compare_digest(push_key, candidate):
                found = self.browse(account_id)
        return found

    @tools.ormcache()
    def _push_keys(self):
        """``((push key as bytes, account id), ...)``: read once per worker, not at every
        push; every change of an account's key clears it."""
        return tuple(
            (account.push_key.encode(), account.id)
            for account in self.sudo().search([("push_key", "!=", False)])
        )

    # --- Import: bringing the account up to date -------------------------------------

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
                                Invoice._store_document(account, document, "pull")
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
        self.env["szamlazz.invoice"].sudo()._store_document(self, referenced, "pull")
        return 1

    def _pull_start_points(self, prefix, e_invoice, queries):
        """``[(year, first sequence to ask for)]`` of ``prefix``'s paper or e-invoice
        series, oldest year first; every later year up to this one starts at 1.

        Without a document imported since the import start, the start year's series is
        searched for its first document issued on that day or later (see
        :func:`~..tools.series_search.first_sequence_issued_from`): older ones are history, not
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
            ("kind", "not in", document_kinds.codes_where(lambda kind: kind.series != "invoice")),
        ]
        last = Invoice.search(scope, order="number_year desc, number_sequence desc", limit=1)
        if last and not (start and last.issue_date and last.issue_date < start):
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
                        self, history[max(history)], "pull"
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
            self._auto_commit()
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
            self._trigger_import(at=earliest + timedelta(seconds=self._requery_min_interval()))

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
                invoice._store_document(self, document, "requery")
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
            if not invoice.is_proforma or not invoice.order_number:
                return []
        try:
            final = client.query_invoice(order_number=invoice.order_number, with_pdf=False)
        except errors.NotFoundError:
            return []
        return [final] if final.referenced_proforma == invoice.number else []

    # -- on demand -------------------------------------------------------------------------

    def _import_pass(self):
        """Bring these accounts up to date, one bounded pass: store the pushes waiting,
        re-query flagged documents, pull new ones, then process one batch of their inbox.
        What arrived is committed before processing starts, whatever processing does.
        Returns ``{pushed, requeried, pulled, processed, remaining}``. Reasons and chatter
        are written in each company's language, whoever started the pass."""
        totals = dict.fromkeys(("pushed", "requeried", "pulled", "processed", "remaining"), 0)
        for accounts in self.env["res.company"]._szamlazz_in_language(self.sudo()):
            for key, value in accounts._import_pass_in_language().items():
                totals[key] += value
            # One language's batch is committed before the next one asks Számlázz.hu.
            self._auto_commit()
        return totals

    def _import_pass_in_language(self):
        pushing = self.filtered(lambda account: account.document_intake == "push")
        # A pull writes its own run and result; a pushed account's result is this pass's.
        pushing.filtered("import_last_error").import_last_error = False
        self._recover_from_error()
        Invoice = self.env["szamlazz.invoice"].sudo()
        Push = self.env["szamlazz.push"]
        pushed = Push._read_waiting(self, Invoice._batch_size())
        # Stored pushes are committed before Számlázz.hu is asked anything.
        self._auto_commit()
        requeried = self._requery_flagged_documents()
        pulled, more_waiting = self._pull_new_documents()
        self._auto_commit()
        processed, remaining = Invoice._process_inbox_batch(self)
        supplier_processed, supplier_remaining = self.env[
            "szamlazz.supplier.invoice"
        ]._process_inbox_batch(self, Invoice._batch_size())
        processed += supplier_processed
        remaining += supplier_remaining
        remaining += Invoice.search_count(
            [("requery_requested", "=", True), ("account_id", "in", self.ids)]
        ) + Push._waiting_count(self)
        (pushing | self.filtered(lambda account: account.document_intake == "push")).write(
            {"import_last_run": fields.Datetime.now()}
        )
        return {
            "pushed": pushed,
            "requeried": requeried,
            "pulled": pulled,
            "processed": processed,
            "remaining": remaining + int(more_waiting),
        }

    @api.model
    def _auto_commit(self):
        """Commit between batches, except under tests (they run in one transaction)."""
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_import_documents(self):
        """Scheduled action "Számlázz.hu: import documents": one pass over every account.
        Odoo runs it again at once while ``_notify_progress`` reports work remaining,
        committing after each run."""
        result = self.sudo().search([])._import_pass()
        self.env["ir.cron"]._notify_progress(
            done=result["pushed"] + result["requeried"] + result["pulled"] + result["processed"],
            remaining=result["remaining"],
        )

    def import_documents(self):
        """Public (XML-RPC): one import pass for these accounts (all the user may use when
        empty); what is left is handed to the scheduled action. Returns ``{pushed,
        requeried, pulled, processed, remaining}``. Needs read access to the accounts (Számlázz.hu
        users)."""
        self.check_access("read")
        # Only the accounts of the companies this user may use: another company's inbox is
        # not theirs to process, nor its counts to see.
        result = (self or self.search([]))._import_pass()
        if result["remaining"]:
            self._trigger_import()
        return result

    def action_import_now(self):
        """ "Import now" on the account form and the document list (all the user's accounts
        there)."""
        result = self.import_documents()
        message = _(
            "%(processed)s document(s) processed, %(remaining)s left for the scheduled action.",
            **result,
        )
        # What went wrong in this run is said in the same toast, never next to a green one.
        problems = [
            account.import_last_error
            for account in (self or self.search([])).sudo()
            if account.import_last_error
        ]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Számlázz.hu import"),
                "message": "\n".join([message] + problems),
                "type": "warning" if problems else "success",
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

    # -- overview --------------------------------------------------------------------------

    def _compute_overview(self):
        """Counts and last arrivals of every account in a handful of grouped queries."""
        Invoice = self.env["szamlazz.invoice"].sudo()
        Supplier = self.env["szamlazz.supplier.invoice"].sudo()
        mine = [("account_id", "in", self.ids)]
        unfinished = [("state", "in", ("received", "needs_attention", "error"))]
        states = {
            (account, state): count
            for account, state, count in Invoice._read_group(
                mine + unfinished, ["account_id", "state"], ["__count"]
            )
        }
        supplier_to_check = dict(
            Supplier._read_group(mine + unfinished, ["account_id"], ["__count"])
        )
        unknown = dict(
            self.env["szamlazz.agent.write"]
            .sudo()
            ._read_group(
                mine + [("state", "in", ("sending", "outcome_unknown"))],
                ["account_id"],
                ["__count"],
            )
        )
        owed = mine + self._owed_domain()
        outstanding = {
            (account, currency): total
            for account, currency, total in Invoice._read_group(
                owed, ["account_id", "currency_id"], ["amount_residual:sum"]
            )
        }
        overdue = {
            (account, currency): total
            for account, currency, total in Invoice._read_group(
                owed + [("due_date", "<", fields.Date.context_today(self))],
                ["account_id", "currency_id"],
                ["amount_residual:sum"],
            )
        }
        receipt_kinds = document_kinds.codes(series="receipt")
        last_invoice = dict(
            Invoice._read_group(
                mine + [("source", "=", "push"), ("kind", "not in", receipt_kinds)],
                ["account_id"],
                ["received_date:max"],
            )
        )
        last_receipt = dict(
            Invoice._read_group(
                mine + [("source", "=", "push"), ("kind", "in", receipt_kinds)],
                ["account_id"],
                ["received_date:max"],
            )
        )
        last_supplier = dict(Supplier._read_group(mine, ["account_id"], ["received_date:max"]))
        last_bank = dict(
            self.env["szamlazz.bank.transaction"]
            .sudo()
            ._read_group(mine, ["account_id"], ["create_date:max"])
        )
        for account in self:
            currency = account.currency_id
            account.waiting_count = states.get((account, "received"), 0)
            account.attention_count = states.get((account, "needs_attention"), 0)
            account.error_count = states.get((account, "error"), 0)
            account.outcome_unknown_count = unknown.get(account, 0)
            account.supplier_to_check_count = supplier_to_check.get(account, 0)
            # Amounts in the company's currency; documents in another currency are in the list.
            account.outstanding_amount = outstanding.get((account, currency), 0.0)
            account.overdue_amount = overdue.get((account, currency), 0.0)
            account.last_invoice_arrival = last_invoice.get(account)
            account.last_receipt_arrival = last_receipt.get(account)
            account.last_supplier_invoice_arrival = last_supplier.get(account)
            account.last_bank_arrival = last_bank.get(account)
            # Only a pull needs to know the webshop's series; pushes bring every document.
            account.checklist_webshop_done = account.document_intake == "push" or any(
                prefix.is_webshop and prefix.warehouse_id for prefix in account.prefix_ids
            )
            account.checklist_push_done = account.document_intake == "push"
            account.checklist_responsible_done = bool(account.user_id)
            account.checklist_open_count = [
                account.checklist_webshop_done,
                account.checklist_push_done,
                account.checklist_responsible_done,
            ].count(False)

    @api.model
    def _owed_domain(self):
        """What buyers owe: unpaid debts, not cancelled, not test documents."""
        return [
            ("kind", "in", document_kinds.codes(debt=True)),
            ("state", "in", ("done", "needs_attention")),
            ("cancelled", "=", False),
            ("is_test", "=", False),
            ("amount_residual", ">", 0),
        ]

    def _overview_action(self, xml_id, domain, context=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action["domain"] = [("account_id", "=", self.id)] + domain
        action["context"] = dict(context or {}, create=False)
        return action

    def action_view_waiting(self):
        return self._overview_action(
            "innonest_szamlazz.szamlazz_invoice_action", [("state", "=", "received")]
        )

    def action_view_attention(self):
        return self._overview_action(
            "innonest_szamlazz.szamlazz_invoice_action", [("state", "=", "needs_attention")]
        )

    def action_view_errors(self):
        return self._overview_action(
            "innonest_szamlazz.szamlazz_invoice_action", [("state", "=", "error")]
        )

    def action_view_supplier_attention(self):
        return self._overview_action(
            "innonest_szamlazz.szamlazz_supplier_invoice_action",
            [("state", "in", ("received", "needs_attention", "error"))],
        )

    def action_view_outcome_unknown(self):
        return self._overview_action(
            "innonest_szamlazz.szamlazz_agent_write_action",
            [("state", "in", ("sending", "outcome_unknown"))],
        )

    def action_view_outstanding(self):
        """The documents the outstanding amount sums (in any currency)."""
        return self._overview_action(
            "innonest_szamlazz.szamlazz_invoice_action", self._owed_domain()
        )

    def action_view_webshop_prefixes(self):
        return self._overview_action("innonest_szamlazz.szamlazz_prefix_action", [])

    def action_open_account(self):
        """The account's form, where the checklist's steps are done."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
