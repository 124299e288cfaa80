from odoo import _, api, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.constrains("szamlazz_identifier", "company_id")
    def _check_szamlazz_identifier_unique(self):
        """Számlázz.hu files every invoice carrying a buyer identifier under that buyer:
        two partners sharing one would mix up their invoices, balances and reminders."""
        partners = self.filtered("szamlazz_identifier")
        if not partners:
            return
        holders = self.with_context(active_test=False).search_read(
            [("szamlazz_identifier", "in", partners.mapped("szamlazz_identifier"))],
            ["szamlazz_identifier", "company_id", "display_name"],
        )
        for partner in partners:
            for holder in holders:
                shares_company = (
                    not holder["company_id"]
                    or not partner.company_id
                    or holder["company_id"][0] == partner.company_id.id
                )
                if (
                    holder["id"] != partner.id
                    and holder["szamlazz_identifier"] == partner.szamlazz_identifier
                    and shares_company
                ):
                    raise ValidationError(
                        _(
                            "The Számlázz.hu buyer identifier %(identifier)s already belongs to "
                            "%(other)s. Each buyer needs its own identifier.",
                            identifier=partner.szamlazz_identifier,
                            other=holder["display_name"],
                        )
                    )

    def _szamlazz_ensure_identifier(self):
        """The buyer identifier sent to Számlázz.hu, generated and stored on first use.

        Built from the database and partner ids, so it can never be another partner's
        (nor another Odoo database's on the same Számlázz.hu account)."""
        self.ensure_one()
        if not self.szamlazz_identifier:
            self.sudo().szamlazz_identifier = self.env["szamlazz.account"]._odoo_reference(self.id)
        return self.szamlazz_identifier
