"""HTTP client for the Számla Agent (https://www.szamlazz.hu/szamla/).

Retry rules (Számlázz.hu asks that the same request is sent at most 5 times and
never resent blindly after it may have been carried out):

* queries (invoice XML, PDF, taxpayer) are resent with exponential backoff after
  TemporarilyUnavailableError and OutcomeUnknownError (timeouts, lost replies);
* writes (create, storno, credit entry, proforma delete) are resent only when they
  surely were not carried out: the connection was never opened, or Számlázz.hu answered
  that it is down for maintenance. After anything else (a timeout, a lost or unreadable
  reply, an HTTP 5xx) the write may have happened: OutcomeUnknownError is raised and
  nothing is sent again. Számlázz.hu does not deduplicate external ids, and a create can
  take longer than any read timeout, so finding out what happened is the caller's job
  (look the document up by external id and order number once the service has surely
  finished, see the Odoo addon's ``szamlazz.agent.write``).
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
        return self._write("xmlszamla", xml, ids)

    def reverse_invoice(self, request: StornoRequest) -> InvoiceResult:
        """Storno (`xmlszamlast`)."""
        xml = build_storno_xml(request, self._agent_key)
        ids = f"number={request.number} external_id={request.external_id}"
        return self._write("xmlszamlast", xml, ids)

    def register_payment(self, request: CreditEntryRequest) -> InvoiceResult:
        """Credit entry (`xmlszamlakifiz`); an additive entry sent twice counts twice."""
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
        self._write("xmlszamladbkdel", xml, ids, parse_proforma_delete_answer)

    def query_taxpayer(self, tax_number: str) -> TaxpayerInfo:
        """NAV's data on a Hungarian tax number (the first 8 digits are sent)."""
        xml = build_taxpayer_xml(self._agent_key, tax_number)
        ids = f"torzsszam={taxpayer_prefix(tax_number)}"
        return self._query("xmltaxpayer", xml, parse_taxpayer_answer, ids, None)

    # --- internals ----------------------------------------------------------------

    def _write(
        self, action: str, xml: bytes, ids: str, parse: Parser[T] = parse_invoice_answer
    ) -> T:
        """Send a write; again only while it surely was not carried out."""
        sends = _SendBudget(self.max_attempts)
        while True:
            sends.take()
            try:
                return self._send_once(action, xml, parse, ids, write=True)
            except TemporarilyUnavailableError:
                if sends.exhausted:
                    raise
                self._sleep(sends.used)

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

    def _send_once(
        self, action: str, xml: bytes, parse: Parser[T], ids: str, write: bool = False
    ) -> T:
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
            if write:
                error = _write_outcome(error, response)
            raise self._failed(action, ids, error) from None

    def _transport_error(self, exc: requests.RequestException) -> SzamlazzError:
        """Whether a failed send may have been carried out decides the error type."""
        if isinstance(exc, requests.ConnectTimeout) or (
            isinstance(exc, requests.ConnectionError) and _never_reached_server(exc)
        ):
            return TemporarilyUnavailableError(None, "could not connect to Számlázz.hu")
        if isinstance(exc, requests.Timeout):
            return OutcomeUnknownError(None, f"no answer within {self.timeout[1]:g} s")
        return OutcomeUnknownError(None, f"connection lost ({type(exc).__name__})")

    @staticmethod
    def _failed(action: str, ids: str, error: SzamlazzError) -> SzamlazzError:
        _logger.warning(
            "Számla Agent %s failed (%s): %s %s", action, ids, type(error).__name__, error
        )
        return error


def _write_outcome(error: SzamlazzError, response: requests.Response) -> SzamlazzError:
    """What a failed answer to a write says about whether the write happened.

    An unreadable answer, and an HTTP 5xx (a proxy may have given up on a Számlázz.hu that
    went on working), say nothing: outcome unknown. Only the maintenance answer
    (``szlahu_down`` or code 1, sent before anything is done) is "not done, try later".
    """
    if isinstance(error, InvalidResponseError):
        return OutcomeUnknownError(None, f"unreadable answer: {error.message}")
    maintenance = error.code == 1 or response.headers.get("szlahu_down")
    if isinstance(error, TemporarilyUnavailableError) and not maintenance:
        return OutcomeUnknownError(None, f"HTTP {response.status_code} from Számlázz.hu")
    return error


def _never_reached_server(exc: requests.ConnectionError) -> bool:
    """True when the connection was never opened (refused, DNS, connect timeout),
    so the request cannot have been carried out."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3 MaxRetryError wraps the cause
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))
