"""Readers of the addon's system parameters (its knobs, listed in the README)."""


def positive_int_param(env, key, default):
    """A positive integer system parameter, ``default`` when unset or not one."""
    value = (env["ir.config_parameter"].sudo().get_param(key) or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default
