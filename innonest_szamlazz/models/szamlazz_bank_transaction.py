import base64

from odoo import _, api, fields, models


class SzamlazzBankTransaction(models.Model):
    """A bank transaction Számlázz.hu's data connection sent (``banktranz``), kept as it
    came. Nothing in it is believed: a transaction whose reference names one of the
    account's documents only asks the import to re-query that document, as an IPN does."""

    _name = "szamlazz.bank.transaction"
    _description = "Számlázz.hu bank transaction"
    _order = "value_date desc, id desc"
    _check_company_auto = True

    account_id = fields.Many2one(
        "szamlazz.account", required=True, readonly=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    bank_id = fields.Char("Bank's ID", required=True, readonly=True)
    bank_account = fields.Char("Our Bank Account", readonly=True)
    value_date = fields.Date(readonly=True)
    direction = fields.Char(readonly=True, help="As the bank says it: incoming or outgoing.")
    amount = fields.Float(readonly=True, digits=(16, 2))
    currency_code = fields.Char("Currency", readonly=True)
    partner_name = fields.Char("Counterparty", readonly=True)
    partner_bank_account = fields.Char("Counterparty Account", readonly=True)
    reference = fields.Char(readonly=True, help="The transaction's note (közlemény).")
    technical = fields.Boolean(readonly=True)
    invoice_ids = fields.Many2many(
        "szamlazz.invoice",
        string="Documents Named",
        readonly=True,
        help="The account's documents the reference names; each was asked about again.",
    )
    xml = fields.Binary("XML", attachment=True, readonly=True, help="The batch as it came.")

    _sql_constraints = [
        (
            "bank_id_uniq",
            "unique(account_id, bank_account, bank_id)",
            "A bank transaction is kept once per account.",
        ),
    ]

    @api.model
    def _receive_batch(self, account, batch):
        """Keep the transactions of ``batch`` not kept yet and flag the documents their
        references name for a re-query. Returns the new transactions."""
        known = {
            (transaction.bank_account or "", transaction.bank_id)
            for transaction in self.sudo().search(
                [
                    ("account_id", "=", account.id),
                    ("bank_id", "in", [str(item.id) for item in batch.transactions]),
                ]
            )
        }
        Invoice = self.env["szamlazz.invoice"].sudo()
        values, flagged = [], Invoice
        for transaction in batch.transactions:
            key = (transaction.bank_account or "", str(transaction.id))
            if key in known:
                continue
            known.add(key)
            named = (
                Invoice.search(
                    [
                        ("account_id", "=", account.id),
                        ("number", "in", list(transaction.numbers_mentioned)),
                    ]
                )
                if transaction.numbers_mentioned
                else Invoice
            )
            flagged |= named
            values.append(
                {
                    "account_id": account.id,
                    "bank_id": str(transaction.id),
                    "bank_account": transaction.bank_account,
                    "value_date": transaction.value_date,
                    "direction": transaction.direction,
                    "amount": float(transaction.amount) if transaction.amount is not None else 0,
                    "currency_code": transaction.currency,
                    "partner_name": transaction.partner_name,
                    "partner_bank_account": transaction.partner_bank_account,
                    "reference": transaction.reference,
                    "technical": transaction.technical,
                    "invoice_ids": [fields.Command.set(named.ids)],
                    "xml": base64.b64encode(batch.raw),
                }
            )
        created = self.sudo().create(values)
        if flagged._request_requery("bank"):
            self.env["szamlazz.account"]._trigger_import()
        for invoice in flagged:
            invoice.message_post(
                body=_("A bank transaction names this document: Odoo asks Számlázz.hu again.")
            )
        return created
