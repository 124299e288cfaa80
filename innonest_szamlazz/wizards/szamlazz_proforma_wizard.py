import dataclasses
from datetime import timedelta
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr

from ..models.szamlazz_account import INVOICE_LANGUAGES
from ..models.szamlazz_agent_write import PENDING_STATES
from ..szamlazz_agent import BuyerRequest, InvoiceRequest, hungarian_tax_number

# `fizmod` is free text at Számlázz.hu; these are the spellings it recognises (and shows
# on the document in the invoice's language).
PAYMENT_METHODS = [
    ("átutalás", "Bank transfer"),
    ("készpénz", "Cash"),
    ("bankkártya", "Card"),
    ("utánvét", "Cash on delivery"),
]
DEFAULT_DUE_DAYS = 8
# adoalany of the buyer (Számla Agent): see BuyerRequest.taxpayer_kind
TAXPAYER_HUNGARIAN = 1
TAXPAYER_EU_BUSINESS = 6
TAXPAYER_NON_EU_BUSINESS = 7
TAXPAYER_PRIVATE_PERSON = -1


class SzamlazzProformaWizard(models.TransientModel):
    """Create one Számlázz.hu proforma (díjbekérő) for a buyer.

    Started from a partner here, from a quotation in ``innonest_szamlazz_sale``. The
    proforma is recorded as a ``szamlazz.agent.write`` with its order number and external id
    before it is sent; while that write waits for its outcome, another click (or another
    proforma for the same buyer or order) sends nothing, so a lost answer never turns into a
    second proforma.
    """

    _name = "szamlazz.proforma.wizard"
    _description = "Create a Számlázz.hu Proforma"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    account_id = fields.Many2one(
        "szamlazz.account", string="Számlázz.hu Account", compute="_compute_account_id"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Buyer",
        required=True,
        domain="[('company_id', 'in', [False, company_id])]",
        help="The invoice address: name, address, tax number and email go on the proforma.",
    )
    buyer_email = fields.Char(
        compute="_compute_buyer_email",
        store=True,
        readonly=False,
        precompute=True,
        help="Where Számlázz.hu sends the proforma and, later, the invoice; several "
        "addresses are separated by commas.",
    )
    prefix_id = fields.Many2one(
        "szamlazz.prefix",
        compute="_compute_account_defaults",
        store=True,
        readonly=False,
        precompute=True,
        # Invoice and proforma prefixes alike: Számlázz.hu numbers proformas in the series
        # of the same prefix ("D-WEB-1"), so a prefix first seen on one serves both.
        domain="[('account_id', '=', account_id), ('document_kind', '!=', 'receipt')]",
        help="Number series learned from Számlázz.hu; empty: the account's default series.",
    )
    company_partner_id = fields.Many2one(related="company_id.partner_id")
    bank_account_id = fields.Many2one(
        "res.partner.bank",
        compute="_compute_account_defaults",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('partner_id', '=', company_partner_id)]",
        help="The account the buyer pays to, as learned from Számlázz.hu documents.",
    )
    payment_method = fields.Selection(PAYMENT_METHODS, required=True, default=PAYMENT_METHODS[0][0])
    due_date = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=DEFAULT_DUE_DAYS),
    )
    language = fields.Selection(
        INVOICE_LANGUAGES,
        required=True,
        compute="_compute_language",
        store=True,
        readonly=False,
        precompute=True,
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    exchange_rate = fields.Float(
        digits=(16, 4),
        help="HUF per unit of the currency. Leave empty: Számlázz.hu applies the "
        "Hungarian National Bank's (MNB) rate of the issue date.",
    )
    order_number = fields.Char(
        help="Printed on the proforma and carried to its invoice; Odoo numbers it when left "
        "empty (Odoo finds the proforma by it if Számlázz.hu's answer is lost)."
    )
    note = fields.Text(help="Printed on the proforma.")
    send_email = fields.Boolean(
        string="Számlázz.hu Emails the Proforma",
        help="Számlázz.hu sends the proforma to the buyer's email address at once.",
    )
    line_ids = fields.One2many("szamlazz.proforma.wizard.line", "wizard_id", string="Lines")
    amount_net = fields.Monetary(compute="_compute_amounts", currency_field="currency_id")
    amount_gross = fields.Monetary(compute="_compute_amounts", currency_field="currency_id")
    proforma_id = fields.Many2one("szamlazz.invoice", readonly=True)
    write_id = fields.Many2one("szamlazz.agent.write", string="Request", readonly=True)

    @api.depends("company_id")
    def _compute_account_id(self):
        accounts = self.env["szamlazz.account"].search([("company_id", "in", self.company_id.ids)])
        by_company = {account.company_id: account for account in accounts}
        for wizard in self:
            wizard.account_id = by_company.get(wizard.company_id, False)

    @api.depends("account_id")
    def _compute_account_defaults(self):
        for wizard in self:
            account = wizard.account_id
            wizard.prefix_id = account.default_prefix_id
            wizard.bank_account_id = account.bank_account_id

    @api.depends("partner_id")
    def _compute_buyer_email(self):
        for wizard in self:
            wizard.buyer_email = wizard.partner_id.email

    @api.depends("partner_id", "account_id")
    def _compute_language(self):
        languages = dict(INVOICE_LANGUAGES)
        for wizard in self:
            partner_language = (wizard.partner_id.lang or "")[:2]
            if partner_language in languages:
                wizard.language = partner_language
            else:
                wizard.language = wizard.account_id.language or "hu"

    @api.depends("line_ids.amount_net", "line_ids.amount_gross")
    def _compute_amounts(self):
        for wizard in self:
            wizard.amount_net = sum(wizard.line_ids.mapped("amount_net"))
            wizard.amount_gross = sum(wizard.line_ids.mapped("amount_gross"))

    # --- actions --------------------------------------------------------------------

    def action_create_proforma(self):
        """Send the proforma (or find the one already on its way) and open its mirror."""
        self.ensure_one()
        self.env["szamlazz.agent.write"]._claim(self._idempotency_record())
        proforma = self._existing_proforma()
        if not proforma:
            answer = self._answer_if_on_its_way()
            if answer is None:
                answer = self._send_proforma()
            if not isinstance(answer, models.BaseModel):
                return answer  # the notification: outcome unknown, checked later
            proforma = answer
            self._link_proforma(proforma)
        return {
            "type": "ir.actions.act_window",
            "res_model": "szamlazz.invoice",
            "res_id": proforma.id,
            "view_mode": "form",
            "target": "current",
        }

    # --- steps (overridden by innonest_szamlazz_sale) --------------------------------

    def _idempotency_record(self):
        """What one pending proforma blocks further proformas of, and where the proforma
        is announced: the buyer here, the order in the sales bridge."""
        return self.partner_id.commercial_partner_id

    def _existing_proforma(self):
        """The proforma this wizard already made in Odoo (a second click)."""
        return self.proforma_id or self.write_id.invoice_id

    def _answer_if_on_its_way(self):
        """What a click gets while this wizard's proforma, or another one for the same
        buyer, waits for its outcome; None when nothing does."""
        if self.write_id and self.write_id.state != "not_done":
            return self.write_id._answer_repeated_click()
        other = self.env["szamlazz.agent.write"]._latest_for(
            self._idempotency_record(), "proforma", PENDING_STATES, self.company_id
        )
        return other._answer_other_click() if other else None

    def _link_proforma(self, proforma):
        self.proforma_id = proforma

    def _send_proforma(self):
        account = self._checked_account()
        origin = self._idempotency_record()
        order_number = self.order_number or self.env["ir.sequence"].next_by_code(
            "szamlazz.proforma.order_number"
        )
        self.order_number = order_number
        # Everything that may fail happens before the request is recorded: a recorded
        # request is one that was sent (or is being sent).
        request = self._invoice_request(None)
        account._get_client()
        write = self.env["szamlazz.agent.write"]._begin(
            {
                "kind": "proforma",
                "account_id": account.id,
                "res_model": origin._name,
                "res_id": origin.id,
                "partner_id": self.partner_id.commercial_partner_id.id,
                "order_number": order_number,
                "currency_id": self.currency_id.id,
                "amount": self.amount_gross,
            }
        )
        self.write_id = write
        return write._send_proforma(dataclasses.replace(request, external_id=write.external_id))

    def _checked_account(self):
        account = self.account_id
        if not account:
            raise UserError(
                _(
                    "%(company)s is not connected to Számlázz.hu. Ask your administrator to "
                    "connect it in Inventory > Configuration > Settings.",
                    company=self.company_id.name,
                )
            )
        if not self.line_ids:
            raise UserError(_("Add at least one line to the proforma."))
        missing_key = self.line_ids.filtered(lambda line: not line.vat_key)
        if missing_key:
            raise UserError(
                _(
                    "Choose the VAT key of: %(lines)s",
                    lines=", ".join(missing_key.mapped("name")),
                )
            )
        return account

    # --- request --------------------------------------------------------------------

    def _invoice_request(self, external_id):
        today = fields.Date.context_today(self)
        currency = self.currency_id.name
        foreign = self.currency_id != self.env.ref("base.HUF")
        bank = self.bank_account_id
        return InvoiceRequest(
            issue_date=today,
            fulfillment_date=today,
            due_date=self.due_date,
            payment_method=self.payment_method,
            currency=currency,
            language=self.language,
            items=[line._item_request() for line in self.line_ids],
            buyer=self._buyer_request(),
            proforma=True,
            e_invoice=self.account_id.e_invoice,
            prefix=self.prefix_id.name or None,
            order_number=self.order_number or None,
            external_id=external_id,
            exchange_bank="MNB" if foreign else None,
            exchange_rate=Decimal(float_repr(self.exchange_rate, 4))
            if foreign and self.exchange_rate
            else None,
            seller_bank=bank.bank_id.name or None,
            seller_bank_account=bank.acc_number or None,
            note=self.note or None,
            send_email=self.send_email,
        )

    def _buyer_request(self):
        """Name and tax numbers from the company, address and email from the invoice
        address; the identifier ties the buyer to one Odoo partner at Számlázz.hu."""
        address = self.partner_id
        buyer = address.commercial_partner_id
        tax_number, eu_tax_number, taxpayer_kind = self._buyer_tax_numbers(buyer)
        return BuyerRequest(
            name=buyer.name,
            zip=address.zip or "",
            city=address.city or "",
            street=", ".join(part for part in (address.street, address.street2) if part),
            # Számlázz.hu leaves the country empty for Hungarian buyers.
            country=address.country_id.name
            if address.country_id and address.country_id.code != "HU"
            else None,
            email=self.buyer_email or None,
            tax_number=tax_number,
            eu_tax_number=eu_tax_number,
            identifier=buyer._szamlazz_ensure_identifier(),
            taxpayer_kind=taxpayer_kind,
            phone=address.phone or buyer.phone or None,
        )

    @api.model
    def _buyer_tax_numbers(self, buyer):
        """``(tax_number, eu_tax_number, taxpayer_kind)`` the way Számlázz.hu files them:
        an 11-digit Hungarian tax number is adoszam, an EU VAT number adoszamEU."""
        vat = (buyer.vat or "").strip()
        if not vat:
            return None, None, None if buyer.is_company else TAXPAYER_PRIVATE_PERSON
        country = buyer.country_id
        if not country or country.code == "HU":
            hungarian = hungarian_tax_number(vat)
            if hungarian:
                return hungarian, None, TAXPAYER_HUNGARIAN
            return None, vat, None
        if country in self.env.ref("base.europe").country_ids:
            return None, vat, TAXPAYER_EU_BUSINESS
        return None, None, TAXPAYER_NON_EU_BUSINESS

    # --- entry points ---------------------------------------------------------------

    @api.model
    def _action_open(self, values):
        """The wizard as a dialog, filled with ``values``."""
        wizard = self.create(values)
        return {
            "type": "ir.actions.act_window",
            "name": _("Create Proforma"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }
