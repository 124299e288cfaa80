"""Scenario 5: what a stranger, a broken proxy or a hostile sender may post.

Every case must be refused with a 4xx and store nothing. Each case but the key cases
carries the right push key, so the refusal is about the body, not the sender.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

from . import figures
from .context import Context
from .documents import Item, build, today
from .remote import Answer, http, push

PUSH_MAX_BYTES = 5 * 1024 * 1024  # innonest_szamlazz.push_max_bytes, default
CHUNK = 64 * 1024


@dataclass
class Case:
    name: str
    send: object  # () -> Answer


def bad_inputs(context: Context) -> list[figures.Figure]:
    before = context.rpc.count("szamlazz.invoice", [])
    last_push = context.rpc("szamlazz.push", "search", [], limit=1, order="id desc")
    results = [(case.name, case.send()) for case in catalogue(context)]
    # A push kept at the door counts, whether the import stored it since or not.
    stored = (
        context.rpc.count("szamlazz.invoice", [])
        - before
        + context.rpc.count("szamlazz.push", [("id", ">", last_push[0] if last_push else 0)])
    )
    for name, answer in results:
        mark = "" if _refused(answer) else "   <- not refused"
        figures.note("  %s  %s%s" % (answer.status or answer.error, name, mark))
    return [
        figures.equal("bad inputs refused", sum(_refused(a) for _, a in results), len(results)),
        figures.equal("bad inputs stored", stored, 0),
        figures.equal("bad inputs 5xx", sum((a.status or 0) >= 500 for _, a in results), 0),
    ]


def _refused(answer: Answer) -> bool:
    return answer.status is not None and 400 <= answer.status < 500


def catalogue(context: Context) -> list[Case]:
    year = today().year
    good = _valid(context, "BAD-%d-1" % year)

    def body_case(name: str, body, key=context.push_key) -> Case:
        return Case(name, lambda: push(context.push_url, key, body).final)

    oversized = _with_pdf_of(_valid(context, "BAD-%d-5" % year), PUSH_MAX_BYTES + CHUNK)
    return [
        body_case("wrong key", good, key="not-the-push-key"),
        body_case("missing key", good, key=None),
        body_case("XXE external entity", _xxe(_valid(context, "BAD-%d-2" % year))),
        body_case("billion laughs", _billion_laughs(_valid(context, "BAD-%d-3" % year))),
        body_case("oversized, Content-Length", oversized),
        body_case("oversized, chunked", _chunks(oversized)),
        body_case("100 000 nested elements", _deeply_nested(_valid(context, "BAD-%d-4" % year))),
        body_case(
            "wrong root",
            good.replace(b"<szamla ", b"<szamlak ").replace(b"</szamla>", b"</szamlak>"),
        ),
        body_case(
            "szamla in a foreign namespace",
            good.replace(b"http://www.szamlazz.hu/szamla", b"http://example.com/szamla"),
        ),
        body_case("no number", re.sub(rb"<szamlaszam>[^<]*</szamlaszam>", b"", good)),
        body_case("empty number", _renumbered(good, b"")),
        body_case(
            "declared UTF-16, bytes UTF-8", good.replace(b"encoding='UTF-8'", b"encoding='UTF-16'")
        ),
        body_case("invalid UTF-8", good.replace("Stressz Vevő".encode(), b"Stressz Vev\xf5\xff")),
        body_case("sequence 3 000 000 000", _renumbered(good, b"X-%d-3000000000" % year)),
        body_case(
            "alap/id 99 999 999 999",
            _with_internal_id(_valid(context, "BAD-%d-6" % year), 99999999999),
        ),
        body_case("3 000-character number", _renumbered(good, _long_number(3000))),
        Case("IPN for an unknown account", lambda: _ipn(context, 999999)),
        Case("IPN for an account id beyond int4", lambda: _ipn(context, 99999999999)),
    ]


def _valid(context: Context, number: str) -> bytes:
    """A document that would be stored if it came with the right key and no defect."""
    document = build(
        number, 800000, (Item(next(iter(context.products)), 1, Decimal(1000)),), _BUYER
    )
    context.factory.schema.check(document)
    return document.body


_BUYER = {"name": "Stressz Vevő Rossz Kft.", "zip": "1111", "city": "Budapest"}


def _renumbered(body: bytes, number: bytes) -> bytes:
    return re.sub(rb"<szamlaszam>[^<]*</szamlaszam>", b"<szamlaszam>%s</szamlaszam>" % number, body)


def _with_internal_id(body: bytes, internal_id: int) -> bytes:
    return re.sub(rb"<alap><id>[^<]*</id>", b"<alap><id>%d</id>" % internal_id, body)


def _with_pdf_of(body: bytes, size: int) -> bytes:
    padding = b"A" * size  # valid base64; only the size matters
    return re.sub(rb"<pdf>[^<]*</pdf>", b"<pdf>" + padding + b"</pdf>", body)


def _chunks(body: bytes):
    """A generator body: requests sends it chunked, without a Content-Length."""

    def generate():
        for start in range(0, len(body), CHUNK):
            yield body[start : start + CHUNK]

    return _Replayable(generate)


class _Replayable:
    """A chunked body the 503 retry can send again."""

    def __init__(self, generate):
        self.generate = generate

    def __iter__(self):
        return self.generate()


def _doctype(body: bytes, declarations: bytes, buyer_text: bytes) -> bytes:
    declaration, rest = body.split(b"?>", 1)
    rest = rest.replace("Stressz Vevő Rossz Kft.".encode(), buyer_text)
    return declaration + b"?>\n<!DOCTYPE szamla [" + declarations + b"]>" + rest


def _xxe(body: bytes) -> bytes:
    return _doctype(body, b'<!ENTITY xxe SYSTEM "file:///etc/passwd">', b"&xxe;")


def _billion_laughs(body: bytes) -> bytes:
    declarations = b'<!ENTITY lol0 "lol">'
    for level in range(1, 10):
        declarations += b'<!ENTITY lol%d "%s">' % (level, b"&lol%d;" % (level - 1) * 10)
    return _doctype(body, declarations, b"&lol9;")


def _deeply_nested(body: bytes, depth: int = 100000) -> bytes:
    return body.replace(b"</alap>", b"<n>" * depth + b"</n>" * depth + b"</alap>")


def _long_number(length: int) -> bytes:
    """Incompressible, so PostgreSQL cannot squeeze it under its index row limit."""
    digits, seed = b"", b"stress"
    while len(digits) < length:
        seed = hashlib.sha256(seed).hexdigest().encode()
        digits += seed
    return b"L-" + digits[: length - 2]


def _ipn(context: Context, account_id: int) -> Answer:
    url = context.ipn_url.rsplit("/", 1)[0] + "/%d" % account_id
    return http("POST", url, data={"szlahu_szamlaszam": "STR-%d-1" % today().year})
