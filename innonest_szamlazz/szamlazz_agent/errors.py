"""Typed errors of the Számla Agent client.

Every error carries the Számlázz.hu error code (``None`` when the failure has no
code, e.g. a dropped connection) and the server's message. The agent key never
appears in either: messages come from the server or from this package.
"""

from __future__ import annotations


class SzamlazzError(Exception):
    """Base class: ``code`` is the Számlázz.hu error code, ``message`` its text."""

    def __init__(self, code: int | None = None, message: str = ""):
        self.code = code
        self.message = message
        super().__init__(f"[{code}] {message}" if code is not None else message)


class AuthenticationError(SzamlazzError):
    """The agent key was refused (3, 136, 164)."""


class NotFoundError(SzamlazzError):
    """The document asked for does not exist (7, 335)."""


class InvalidRequestError(SzamlazzError):
    """The request was refused as malformed or inconsistent (57, 202, 259–264)."""


class DuplicateOrderNumberError(SzamlazzError):
    """An invoice already exists with this order number (71, 152)."""


class TemporarilyUnavailableError(SzamlazzError):
    """Számlázz.hu is down or unreachable (1, ``szlahu_down``, HTTP 5xx, refused)."""


class OutcomeUnknownError(SzamlazzError):
    """The request may or may not have been carried out (timeouts, 55, 56 without
    an invoice number, a reply lost after the request was sent)."""


class InvalidResponseError(SzamlazzError):
    """The answer could not be parsed (or carried a DOCTYPE/entities)."""


class AgentError(SzamlazzError):
    """Any other error code of the Számla Agent."""


# Codes from the official error table (docs.szamlazz.hu/agent/basics/error-handling)
# plus the operation pages (7: missing document, 335: proforma missing).
_CODE_TO_ERROR: dict[int, type[SzamlazzError]] = {
    1: TemporarilyUnavailableError,
    3: AuthenticationError,
    136: AuthenticationError,
    164: AuthenticationError,
    7: NotFoundError,
    335: NotFoundError,
    57: InvalidRequestError,
    202: InvalidRequestError,
    259: InvalidRequestError,
    260: InvalidRequestError,
    261: InvalidRequestError,
    262: InvalidRequestError,
    263: InvalidRequestError,
    264: InvalidRequestError,
    71: DuplicateOrderNumberError,
    152: DuplicateOrderNumberError,
    # 55: e-invoice signing failed; 56: notification e-mail failed. Both may come
    # after the document was issued, so the caller cannot assume either outcome.
    55: OutcomeUnknownError,
    56: OutcomeUnknownError,
}


def error_for_code(code: int | None, message: str = "") -> SzamlazzError:
    """The typed error for a Számla Agent error code (``AgentError`` if unknown)."""
    error_class = _CODE_TO_ERROR.get(code, AgentError) if code is not None else AgentError
    return error_class(code, message)
