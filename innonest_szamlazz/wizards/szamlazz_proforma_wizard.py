import base64
from datetime import timedelta
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_repr, format_amount

from ..models.szamlazz_account import INVOICE_LANGUAGES
from ..models.szamlazz_buyer_matcher import hu_tax_number
from ..szamlazz_agent import (
    BuyerRequest,
    InvoiceRequest,
    NotFoundError,
    SzamlazzError,
)
from .szamlazz_agent_user_error import agent_user_error

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
    proforma is sent with a stable external id (szamlaKulsoAzon) and looked up by it
    first, so a second click, a retry or a lost answer never creates a second one.
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
        # Not filtered by document kind: Számlázz.hu numbers proformas in the series of
        # the same prefix ("D-WEB-2026-1"), so a prefix first seen on one serves both.
        domain="[('account_id', '=', account_id)]",
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
    payment_method = fields.Selection(
        PAYMENT_METHODS, required=True, default=PAYMENT_METHODS[0][0]
    )
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
    order_number = fields.Char(help="Printed on the proforma and carried to its invoice.")
    note = fields.Text(help="Printed on the proforma.")
    send_email = fields.Boolean(
        string="Számlázz.hu Emails the Proforma",
        help="Számlázz.hu sends the proforma to the buyer's email address at once.",
    )
    line_ids = fields.One2many("szamlazz.proforma.wizard.line", "wizard_id", string="Lines")
    amount_net = fields.Monetary(compute="_compute_amounts", currency_field="currency_id")
    amount_gross = fields.Monetary(compute="_compute_amounts", currency_field="currency_id")
    proforma_id = fields.Many2one("szamlazz.invoice", readonly=True)

    @api.depends("company_id")
    def _compute_account_id(self):
        accounts = self.env["szamlazz.account"].search(
            [("company_id", "in", self.company_id.ids)]
        )
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
        """Send the proforma (or find the one already sent) and open its mirror."""
        self.ensure_one()
        self._lock_idempotency_record()
        proforma = self._existing_proforma()
        if not proforma:
            proforma = self._send_proforma()
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
        """The record one proforma belongs to: its external id and lock come from it."""
        return self

    def _chatter_records(self):
        """Where the proforma and its PDF are announced besides the mirror itself."""
        return self.partner_id.commercial_partner_id

    def _existing_proforma(self):
        """The proforma this wizard already made in Odoo (a second click)."""
        return self.proforma_id

    def _link_proforma(self, proforma):
        self.proforma_id = proforma

    def _lock_idempotency_record(self):
        """Two clicks at once: the second waits for the first, then Odoo retries it on
        the serialization conflict and finds the proforma the first one stored."""
        record = self._idempotency_record()
        self.env.cr.execute(SQL(
            "SELECT id FROM %s WHERE id = %s FOR UPDATE", SQL.identifier(record._table), record.id
        ))

    def _external_id(self):
        """szamlaKulsoAzon: stable for the record, unique across Odoo databases."""
        record = self._idempotency_record()
        return self.env["szamlazz.account"]._odoo_reference(record._name, record.id, "proforma")

    def _send_proforma(self):
        account = self._checked_account()
        external_id = self._external_id()
        client = account._get_client()
        try:
            try:
                document = client.query_invoice(external_id=external_id)
                pdf = client.get_pdf(number=document.number)
            except NotFoundError:
                result = client.create_invoice(self._invoice_request(external_id))
                document = client.query_invoice(number=result.number)
                pdf = result.pdf or client.get_pdf(number=result.number)
        except SzamlazzError as error:
            raise agent_user_error(self.env, error) from None
        return self._store_proforma(account, document, pdf)

    def _checked_account(self):
        account = self.account_id
        if not account:
            raise UserError(_(
                "%(company)s is not connected to Számlázz.hu. Ask your administrator to "
                "connect it in Inventory > Configuration > Settings.",
                company=self.company_id.name,
            ))
        if not self.line_ids:
            raise UserError(_("Add at least one line to the proforma."))
        missing_key = self.line_ids.filtered(lambda line: not line.vat_key)
        if missing_key:
            raise UserError(_(
                "Choose the VAT key of: %(lines)s",
                lines=", ".join(missing_key.mapped("name")),
            ))
        return account

    def _store_proforma(self, account, document, pdf):
        """The mirror of the proforma, made by the import pipeline like any document,
        with the PDF in its chatter and in the chatter of the records it was made from."""
        # When Számlázz.hu's push of the new proforma is stored at this very moment, this
        # raises IntakeConflictError and Odoo retries the click, which then finds the
        # proforma by its external id instead of creating another.
        proforma, _document = self.env["szamlazz.invoice"]._store_document(
            account, document.raw, "pull"
        )
        proforma._process()
        if pdf and not proforma.pdf_attachment_id:
            proforma._store_pdf(pdf)
        body = _(
            "Proforma %(number)s created at Számlázz.hu: %(amount)s, due %(due_date)s.",
            number=proforma.number,
            amount=format_amount(self.env, proforma.amount_gross, proforma.currency_id),
            due_date=proforma.due_date,
        )
        proforma.message_post(body=body, attachment_ids=proforma.pdf_attachment_id.ids)
        # Creating a proforma is what the Számlázz.hu User group may do; announcing it on
        # a contact the user may not edit is part of it.
        for record in self._chatter_records().sudo():
            attachments = self.env["ir.attachment"].sudo()
            if pdf:
                attachments = attachments.create({
                    "name": "%s.pdf" % proforma.number,
                    "datas": base64.b64encode(pdf),
                    "mimetype": "application/pdf",
                    "res_model": record._name,
                    "res_id": record.id,
                })
            record.message_post(body=body, attachment_ids=attachments.ids)
        return proforma

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
            hungarian = hu_tax_number(vat)
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
