from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _szamlazz_language(self):
        """The language of what Odoo writes for this company without a user in front of it
        (pushes, the import, the scheduled actions): the company's own, else the current
        one. A Hungarian shop reads its documents' reasons and chatter in Hungarian."""
        self.ensure_one()
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        language = self.partner_id.lang
        return language if language in installed else self.env.lang or "en_US"

    def _szamlazz_in_language(self, records):
        """``records`` (of these companies) split by their company's language, each part
        in that language: ``records`` must have a ``company_id``."""
        return [
            part.with_context(lang=language)
            for language, part in records.grouped(
                lambda record: record.company_id._szamlazz_language()
            ).items()
        ]
