"""HTTP client for the Számla Agent (https://www.szamlazz.hu/szamla/).

Retry rules (Számlázz.hu asks that the same request is sent at most 5 times and
never resent blindly after it may have been carried out):

* queries (invoice XML, PDF, taxpayer) are resent with exponential backoff after
  TemporarilyUnavailableError and OutcomeUnknownError (timeouts, lost replies);
* a create that failed that way is first looked up by its external id
  (``szamlaKulsoAzon``); only a "not found" answer allows sending it again, and
  without an external id the error is raised as it is;
* storno, credit entry and proforma delete are never resent;
* an unreadable answer to a write (create, storno, credit entry) is an
  OutcomeUnknownError: the write may have been carried out.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .builders import (
    build_credit_entry_xml,
    build_invoice_xml,
    build_pdf_query_xml,
    build_proforma_delete_xml,
    build_query_xml,
    build_storno_xml,
    build_taxpayer_xml,
    taxpayer_prefix,
)
from .errors import (
    InvalidResponseError,
    NotFoundError,
    OutcomeUnknownError,
    SzamlazzError,
    TemporarilyUnavailableError,
)
from .parsers import (
    parse_invoice_answer,
    parse_pdf_answer,
    parse_proforma_delete_answer,
    parse_query_answer,
    parse_taxpayer_answer,
)
from .request_types import CreditEntryRequest, InvoiceRequest, StornoRequest
from .values import InvoiceResult, SzamlaDocument, TaxpayerInfo

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://www.szamlazz.hu/szamla/"
MAX_SENDS = 5  # Számlázz.hu: the same request may be sent at most 5 times
MAX_BACKOFF_SECONDS = 60.0

# The multipart file field names the Számla Agent dispatches on.
ACTION_FIELDS = {
    "xmlszamla": "action-xmlagentxmlfile",
    "xmlszamlast": "action-szamla_agent_st",
    "xmlszamlakifiz": "action-szamla_agent_kifiz",
    "xmlszamlaxml": "action-szamla_agent_xml",
    "xmlszamlapdf": "action-szamla_agent_pdf",
    "xmlszamladbkdel": "action-szamla_agent_dijbekero_torlese",
    "xmltaxpayer": "action-szamla_agent_taxpayer",
}

_RETRYABLE = (TemporarilyUnavailableError, OutcomeUnknownError)
T = TypeVar("T")
Parser = Callable[[int, Mapping[str, str], bytes], T]


class _SendBudget:
    """How many more times a request may go out."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0

    def take(self) -> None:
        self.used += 1

    @property
    def exhausted(self) -> bool:
        return self.used >= self.limit


class AgentClient:
    """One client per agent key; it keeps one HTTP session (and so the JSESSIONID
    cookie Számlázz.hu hands out) for all its requests."""

    def __init__(
        self,
        agent_key: str,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        max_attempts: int = MAX_SENDS,
        backoff_seconds: float = 1.0,
    ):
        if not agent_key:
            raise ValueError("an agent key is required")
        self._agent_key = agent_key
        self.base_url = base_url
        self.timeout = (connect_timeout, read_timeout)
        self.max_attempts = max(1, min(int(max_attempts), MAX_SENDS))
        self.backoff_seconds = backoff_seconds
        self._session = requests.Session()

    def __repr__(self) -> str:
        return f"AgentClient(base_url={self.base_url!r}, agent_key='***')"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> AgentClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- actions ------------------------------------------------------------------

    def create_invoice(self, request: InvoiceRequest) -> InvoiceResult:
        """Issue an invoice, a proforma (``request.proforma``) or a delivery note."""
        xml = build_invoice_xml(request, self._agent_key)
        ids = f"external_id={request.external_id} order_number={request.order_number}"
        sends = _SendBudget(self.max_attempts)
        lookups = _SendBudget(self.max_attempts)
        while True:
            sends.take()
            try:
                return self._write("xmlszamla", xml, ids)
            except _RETRYABLE as error:
                if request.external_id is None or sends.exhausted:
                    raise
                # Give a slow Számlázz.hu time to finish before asking what it did.
                self._sleep(sends.used)
                existing = self._look_up_after_failed_create(request, error, lookups)
                if existing is not None:
                    _logger.info("Számla Agent xmlszamla: %s was issued after all", ids)
                    return _result_from_document(existing)

    def reverse_invoice(self, request: StornoRequest) -> InvoiceResult:
        """Storno (`xmlszamlast`); never resent, as a second storno would be real."""
        xml = build_storno_xml(request, self._agent_key)
        ids = f"number={request.number} external_id={request.external_id}"
        return self._write("xmlszamlast", xml, ids)

    def register_payment(self, request: CreditEntryRequest) -> InvoiceResult:
        """Credit entry (`xmlszamlakifiz`); never resent (an additive entry would double)."""
        xml = build_credit_entry_xml(request, self._agent_key)
        return self._write("xmlszamlakifiz", xml, f"number={request.number}")

    def query_invoice(
        self,
        number: str | None = None,
        order_number: str | None = None,
        external_id: str | None = None,
        with_pdf: bool = False,
    ) -> SzamlaDocument:
        """The `szamla` document by number, order number or external id."""
        return self._query_invoice(number, order_number, external_id, with_pdf, None)

    def get_pdf(self, number: str | None = None, external_id: str | None = None) -> bytes:
        xml = build_pdf_query_xml(self._agent_key, number=number, external_id=external_id)
        ids = f"number={number} external_id={external_id}"
        return self._query("xmlszamlapdf", xml, parse_pdf_answer, ids, None)

    def delete_proforma(self, number: str | None = None, order_number: str | None = None) -> None:
        xml = build_proforma_delete_xml(self._agent_key, number=number, order_number=order_number)
        ids = f"number={number} order_number={order_number}"
        self._send_once("xmlszamladbkdel", xml, parse_proforma_delete_answer, ids)

    def query_taxpayer(self, tax_number: str) -> TaxpayerInfo:
        """NAV's data on a Hungarian tax number (the first 8 digits are sent)."""
        xml = build_taxpayer_xml(self._agent_key, tax_number)
        ids = f"torzsszam={taxpayer_prefix(tax_number)}"
        return self._query("xmltaxpayer", xml, parse_taxpayer_answer, ids, None)

    # --- internals ----------------------------------------------------------------

    def _write(self, action: str, xml: bytes, ids: str) -> InvoiceResult:
        try:
            return self._send_once(action, xml, parse_invoice_answer, ids)
        except InvalidResponseError as error:
            # An unreadable answer to a write says nothing about whether it was done.
            raise OutcomeUnknownError(None, f"unreadable answer: {error.message}") from None

    def _query_invoice(
        self,
        number: str | None,
        order_number: str | None,
        external_id: str | None,
        with_pdf: bool,
        budget: _SendBudget | None,
    ) -> SzamlaDocument:
        xml = build_query_xml(
            self._agent_key,
            number=number,
            order_number=order_number,
            external_id=external_id,
            with_pdf=with_pdf,
        )
        ids = f"number={number} order_number={order_number} external_id={external_id}"
        return self._query("xmlszamlaxml", xml, parse_query_answer, ids, budget)

    def _look_up_after_failed_create(
        self, request: InvoiceRequest, create_error: SzamlazzError, lookups: _SendBudget
    ) -> SzamlaDocument | None:
        """The document the failed create may have issued; None only on "not found"."""
        if lookups.exhausted:
            raise create_error
        try:
            return self._query_invoice(None, None, request.external_id, request.with_pdf, lookups)
        except NotFoundError:
            return None
        except SzamlazzError as lookup_error:
            # Still unknown whether the create went through: report the create's error.
            raise create_error from lookup_error

    def _query(
        self,
        action: str,
        xml: bytes,
        parse: Parser[T],
        ids: str,
        budget: _SendBudget | None,
    ) -> T:
        budget = budget or _SendBudget(self.max_attempts)
        while True:
            budget.take()
            try:
                return self._send_once(action, xml, parse, ids)
            except _RETRYABLE:
                if budget.exhausted:
                    raise
                self._sleep(budget.used)

    def _sleep(self, failed_attempts: int) -> None:
        delay = min(self.backoff_seconds * 2 ** (failed_attempts - 1), MAX_BACKOFF_SECONDS)
        if delay > 0:
            time.sleep(delay)

    def _send_once(self, action: str, xml: bytes, parse: Parser[T], ids: str) -> T:
        # Only the action and business ids are logged: the body holds the agent key.
        _logger.info("Számla Agent %s: sending (%s)", action, ids)
        files = {ACTION_FIELDS[action]: (f"{action}.xml", xml, "text/xml")}
        try:
            response = self._session.post(self.base_url, files=files, timeout=self.timeout)
        except requests.RequestException as exc:
            raise self._failed(action, ids, self._transport_error(exc)) from None
        try:
            return parse(response.status_code, response.headers, response.content)
        except SzamlazzError as error:
            raise self._failed(action, ids, error) from None

    def _transport_error(self, exc: requests.RequestException) -> SzamlazzError:
        """Whether a failed send may have been carried out decides the error type."""
        if isinstance(exc, requests.ConnectTimeout) or (
            isinstance(exc, requests.ConnectionError) and _never_reached_server(exc)
        ):
            return TemporarilyUnavailableError(None, "could not connect to Számlázz.hu")
        if isinstance(exc, requests.Timeout):
            return OutcomeUnknownError(None, f"no answer within {self.timeout[1]} s")
        return OutcomeUnknownError(None, f"connection lost ({type(exc).__name__})")

    @staticmethod
    def _failed(action: str, ids: str, error: SzamlazzError) -> SzamlazzError:
        _logger.warning(
            "Számla Agent %s failed (%s): %s %s", action, ids, type(error).__name__, error
        )
        return error


def _never_reached_server(exc: requests.ConnectionError) -> bool:
    """True when the connection was never opened (refused, DNS, connect timeout),
    so the request cannot have been carried out."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3 MaxRetryError wraps the cause
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def _result_from_document(document: SzamlaDocument) -> InvoiceResult:
    return InvoiceResult(
        number=document.number,
        net=document.net,
        gross=document.gross,
        outstanding=document.outstanding_amount,
        buyer_account_url=None,
        pdf=document.pdf,
        internal_id=document.internal_id,
    )
