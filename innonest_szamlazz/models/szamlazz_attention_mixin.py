from odoo import models

ATTENTION_ACTIVITY = "innonest_szamlazz.mail_activity_type_szamlazz_attention"


class SzamlazzAttentionMixin(models.AbstractModel):
    """A document that needs a person gets a to-do for its account's responsible user;
    the to-do is marked done when the document is."""

    _name = "szamlazz.attention.mixin"
    _inherit = ["mail.activity.mixin"]
    _description = "Számlázz.hu: documents that need a person"

    def _szamlazz_attention_follow(self, state, reason):
        activity_type = self.env.ref(ATTENTION_ACTIVITY, raise_if_not_found=False)
        if not activity_type:
            return
        for document in self:
            ours = document.activity_ids.filtered(
                lambda activity: activity.activity_type_id == activity_type
            )
            if state == "done" and ours:
                ours.action_feedback(feedback=self.env._("The document is done."))
            elif state in ("needs_attention", "error"):
                user = document.account_id.user_id
                if ours:
                    ours.note = reason
                elif user:
                    document.activity_schedule(ATTENTION_ACTIVITY, note=reason, user_id=user.id)
