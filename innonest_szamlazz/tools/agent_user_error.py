"""What a person reads when Számlázz.hu refuses or does not answer: the one place where
Számla Agent errors become words."""

from odoo.exceptions import UserError

from ..szamlazz_agent import (
    AuthenticationError,
    DuplicateOrderNumberError,
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    OutcomeUnknownError,
    TemporarilyUnavailableError,
)


def agent_user_error(env, error):
    """The ``UserError`` for a ``SzamlazzError`` that refused a write, in the user's
    language. (A write whose outcome is unknown is not an error to show: see
    ``szamlazz.agent.write``.)

    Every text says that nothing happened at Számlázz.hu and what to do next; the
    Számlázz.hu code is kept at the end for whoever supports the user.
    """
    if isinstance(error, AuthenticationError):
        text = env._(
            "Számlázz.hu did not accept this company's Agent key, so nothing happened there. "
            "Ask your administrator to check the Számlázz.hu connection in the settings."
        )
    elif isinstance(error, TemporarilyUnavailableError):
        text = env._(
            "Számlázz.hu is under maintenance or cannot be reached right now, so nothing "
            "happened there. Please try again in a few minutes."
        )
    elif isinstance(error, DuplicateOrderNumberError):
        text = env._(
            "Számlázz.hu already has a document with this order number and different "
            "contents. Change the order number or check the existing document at "
            "Számlázz.hu. Számlázz.hu says: %(message)s",
            message=error.message,
        )
    elif isinstance(error, InvalidRequestError):
        text = env._(
            "Számlázz.hu refused the data: %(message)s Check the buyer's address and tax "
            "number and the lines, then try again.",
            message=error.message,
        )
    else:
        text = env._("Számlázz.hu refused the request: %(message)s", message=error.message)
    if error.code is not None:
        text = env._("%(text)s (Számlázz.hu error %(code)s)", text=text, code=error.code)
    return UserError(text)


def connection_check_message(env, error, tax_id):
    """What a connection check that Számlázz.hu refused or left unanswered tells the
    administrator, in their language."""
    if isinstance(error, AuthenticationError):
        return env._(
            "Számlázz.hu did not accept this Agent key. In Számlázz.hu open "
            "Settings > Számla Agent kulcsok, copy the key again and paste it here."
        )
    if isinstance(error, TemporarilyUnavailableError):
        return env._(
            "Számlázz.hu is under maintenance or cannot be reached right now. "
            "Nothing was changed; please try again in a few minutes."
        )
    if isinstance(error, OutcomeUnknownError):
        return env._(
            "Számlázz.hu did not answer in time. Nothing was changed; "
            "please try again in a few minutes."
        )
    if isinstance(error, NotFoundError):
        return env._(
            "Számlázz.hu found no taxpayer with the tax number %(tax_number)s. "
            "Check your company's tax number.",
            tax_number=tax_id,
        )
    if isinstance(error, InvalidRequestError):
        return env._(
            "Számlázz.hu refused the tax number %(tax_number)s as invalid. "
            "Check your company's tax number.",
            tax_number=tax_id,
        )
    if isinstance(error, InvalidResponseError):
        return env._(
            "Számlázz.hu sent an answer Odoo could not read. Please try again later; "
            "if this keeps happening, tell your Odoo partner."
        )
    return env._(
        "Számlázz.hu refused the check with error %(code)s: %(message)s",
        code=error.code if error.code is not None else "-",
        message=error.message,
    )
