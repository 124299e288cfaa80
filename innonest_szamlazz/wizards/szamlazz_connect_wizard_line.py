from odoo import api, fields, models


class SzamlazzConnectWizardLine(models.TransientModel):
    """One company field whose value at Számlázz.hu differs from Odoo's."""

    _name = "szamlazz.connect.wizard.line"
    _description = "Company Data from Számlázz.hu"

    wizard_id = fields.Many2one("szamlazz.connect.wizard", required=True, ondelete="cascade")
    field_name = fields.Char(required=True)
    field_description = fields.Char(string="Field", compute="_compute_field_description")
    current_value = fields.Char(string="Current")
    new_value = fields.Char(string="From Számlázz.hu")
    new_country_id = fields.Many2one("res.country")
    apply = fields.Boolean(string="Use")

    @api.depends("field_name")
    def _compute_field_description(self):
        company_fields = self.env["res.company"]._fields
        for line in self:
            field = company_fields.get(line.field_name)
            line.field_description = field.get_description(self.env)["string"] if field else ""

    def _value_to_write(self):
        self.ensure_one()
        return self.new_country_id.id if self.field_name == "country_id" else self.new_value
