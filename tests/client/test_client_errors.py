"""Each Számla Agent error code maps to its exception type, whichever channel
(header or XML body) carries it, and keeps the code and the server's message."""

from __future__ import annotations

import pytest

from szamlazz_agent import (
    AgentClient,
    AgentError,
    AuthenticationError,
    DuplicateOrderNumberError,
    InvalidRequestError,
    NotFoundError,
    OutcomeUnknownError,
    SzamlazzError,
    TemporarilyUnavailableError,
)
from szamlazz_agent.errors import error_for_code
from szamlazz_agent.parsers import parse_invoice_answer, parse_query_answer

EXPECTED = {
    1: TemporarilyUnavailableError,
    3: AuthenticationError,
    136: AuthenticationError,
    164: AuthenticationError,
    7: NotFoundError,
    335: NotFoundError,
    57: InvalidRequestError,
    202: InvalidRequestError,
    **dict.fromkeys(range(259, 265), InvalidRequestError),
    71: DuplicateOrderNumberError,
    152: DuplicateOrderNumberError,
    55: OutcomeUnknownError,
    56: OutcomeUnknownError,
    53: AgentError,
    54: AgentError,
    999: AgentError,
}


@pytest.mark.parametrize(("code", "error_class"), sorted(EXPECTED.items()))
def test_code_maps_to_its_error(code, error_class):
    error = error_for_code(code, "szerver üzenete")
    assert type(error) is error_class
    assert isinstance(error, SzamlazzError)
    assert (error.code, error.message) == (code, "szerver üzenete")
    assert str(code) in str(error) and "szerver üzenete" in str(error)


@pytest.mark.parametrize(("code", "error_class"), sorted(EXPECTED.items()))
def test_header_error_code(code, error_class):
    headers = {"szlahu_error_code": str(code), "szlahu_error": "hiba%20sz%C3%B6vege"}
    with pytest.raises(error_class) as caught:
        parse_invoice_answer(200, headers, b"")
    assert (caught.value.code, caught.value.message) == (code, "hiba szövege")


@pytest.mark.parametrize(("code", "error_class"), sorted(EXPECTED.items()))
def test_body_error_code(code, error_class):
    body = (
        '<xmlszamlavalasz xmlns="http://www.szamlazz.hu/xmlszamlavalasz">'
        f"<sikeres>false</sikeres><hibakod>{code}</hibakod><hibauzenet>hiba</hibauzenet>"
        "</xmlszamlavalasz>"
    ).encode()
    with pytest.raises(error_class):
        parse_query_answer(200, {}, body)


def test_an_error_without_code():
    error = error_for_code(None, "HTTP 404")
    assert type(error) is AgentError and error.code is None


def test_repr_hides_the_agent_key():
    client = AgentClient("very-secret-agent-key")
    assert "very-secret-agent-key" not in repr(client)
    assert "very-secret-agent-key" not in str(vars(client).get("base_url"))


@pytest.mark.parametrize("max_attempts", [0, 1, 5, 6, 100])
def test_max_attempts_is_capped_at_five(max_attempts):
    assert 1 <= AgentClient("k", max_attempts=max_attempts).max_attempts <= 5
