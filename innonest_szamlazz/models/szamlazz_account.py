import hashlib
import hmac
import logging
import secrets
import threading

from odoo import _, api, fields, models
from odoo.addons.base.models.res_bank import sanitize_account_number
from odoo.exceptions import UserError, ValidationError

from ..szamlazz_agent import (
    AgentClient,
    AuthenticationError,
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    OutcomeUnknownError,
    SzamlazzError,
    TemporarilyUnavailableError,
    hungarian_tax_core,
)
from .szamlazz_invoice import positive_int_param

_logger = logging.getLogger(__name__)
# {(database, account id): (fingerprint of URL and key, AgentClient)} per thread.
_thread_clients = threading.local()

DEFAULT_AGENT_URL = "https://www.szamlazz.hu/szamla/"
AGENT_URL_PARAMETER = "innonest_szamlazz.agent_url"
# The client's wait for an answer: a create that takes longer still happens at Számlázz.hu
# and is found by the check of szamlazz.agent.write, never sent again.
DEFAULT_READ_TIMEOUT = 60

# Languages an invoice can be issued in at Számlázz.hu (szamlaNyelve).
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
    push_url = fields.Char(string="Push URL", compute="_compute_callback_urls")
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
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("state") == "connected" and "connected_date" not in vals:
            # Set once: the import start of a shop must not move when its key is replaced.
            unset = self.filtered(lambda account: not account.connected_date)
            if unset:
                super(SzamlazzAccount, unset).write(
                    {"connected_date": fields.Date.context_today(self)}
                )
        return super().write(vals)

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
            return None, self._describe_check_error(error, tax_id), transient
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

    def _describe_check_error(self, error, tax_id):
        if isinstance(error, AuthenticationError):
            return _(
                "Számlázz.hu did not accept this Agent key. In Számlázz.hu open "
                "Settings > Számla Agent kulcsok, copy the key again and paste it here."
            )
        if isinstance(error, TemporarilyUnavailableError):
            return _(
                "Számlázz.hu is under maintenance or cannot be reached right now. "
                "Nothing was changed; please try again in a few minutes."
            )
        if isinstance(error, OutcomeUnknownError):
            return _(
                "Számlázz.hu did not answer in time. Nothing was changed; "
                "please try again in a few minutes."
            )
        if isinstance(error, NotFoundError):
            return _(
                "Számlázz.hu found no taxpayer with the tax number %(tax_number)s. "
                "Check your company's tax number.",
                tax_number=tax_id,
            )
        if isinstance(error, InvalidRequestError):
            return _(
                "Számlázz.hu refused the tax number %(tax_number)s as invalid. "
                "Check your company's tax number.",
                tax_number=tax_id,
            )
        if isinstance(error, InvalidResponseError):
            return _(
                "Számlázz.hu sent an answer Odoo could not read. Please try again later; "
                "if this keeps happening, tell your Odoo partner."
            )
        return _(
            "Számlázz.hu refused the check with error %(code)s: %(message)s",
            code=error.code if error.code is not None else "-",
            message=error.message,
        )

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

    def _learn_from_document(self, document):
        """Record the prefix and the seller bank account a ``SzamlaDocument`` shows.

        Runs as superuser: whoever triggered the import, the data comes from the
        company's own Számlázz.hu account. Nothing is ever removed here.
        """
        self.ensure_one()
        account = self.sudo()
        account._learn_prefix(document)
        account._learn_bank_account(document)

    def _learn_prefix(self, document):
        prefix = document.prefix
        if not prefix or document.issued_by is not None:
            # Not numbered the Számlázz.hu way, or by another program's numbering (a NAV
            # import): not a prefix anyone can issue under at Számlázz.hu.
            return
        Prefix = self.env["szamlazz.prefix"].with_context(active_test=False)
        if Prefix.search_count([("account_id", "=", self.id), ("name", "=", prefix)]):
            return
        # A proforma (D-WEB-2026-1) is numbered in its invoice prefix's series: every
        # learned prefix is an invoice series, which the pull walks and proformas use.
        Prefix.create({"account_id": self.id, "name": prefix, "document_kind": "invoice"})
        self.message_post(
            body=_(
                "New invoice number prefix learned from Számlázz.hu: %(prefix)s "
                "(first seen on %(number)s).",
                prefix=prefix,
                number=document.number,
            )
        )

    def _learn_bank_account(self, document):
        seller = document.seller
        if not seller or not sanitize_account_number(seller.bank_account):
            return
        bank_account = self._find_or_create_bank_account(seller.bank_account, seller.bank_name)
        if bank_account == self.bank_account_id:
            if document.issue_date and (
                not self.bank_account_date or document.issue_date > self.bank_account_date
            ):
                self.bank_account_date = document.issue_date
            return
        # Older documents (a backfill) must not switch back to an account no longer used.
        if (
            self.bank_account_date
            and document.issue_date
            and document.issue_date < self.bank_account_date
        ):
            return
        previous = self.bank_account_id
        self.write({"bank_account_id": bank_account.id, "bank_account_date": document.issue_date})
        if previous:
            body = _(
                "The seller bank account on Számlázz.hu documents changed from "
                "%(old)s to %(new)s (first seen on %(number)s).",
                old=previous.display_name,
                new=bank_account.display_name,
                number=document.number,
            )
        else:
            body = _(
                "Seller bank account learned from Számlázz.hu: %(new)s (seen on %(number)s).",
                new=bank_account.display_name,
                number=document.number,
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
        for account in self.sudo().search([("push_key", "!=", False)]):
            if hmac.compare_digest(account.push_key.encode(), candidate):
                found = self.browse(account.id)
        return found
