"""The Számla Agent endpoint: one multipart `action-*` file in, the real service's answer out."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from . import documents, errors, multipart, pdf, responses, taxpayer, v1_text, variants
from .errors import AgentFailure
from .faults import Faults
from .money import hungarian, parse_decimal, plain
from .push import PushQueue
from .schemas import Schemas, parse
from .store import (
    DELIVERY_NOTE,
    INVOICE,
    PROFORMA,
    Buyer,
    Document,
    DocumentSpec,
    Item,
    Payment,
    Seller,
    Store,
)

# Form field name -> expected XML root (docs.szamlazz.hu "Sending requests").
ACTIONS = {
    "action-xmlagentxmlfile": "xmlszamla",
    "action-szamla_agent_st": "xmlszamlast",
    "action-szamla_agent_kifiz": "xmlszamlakifiz",
    "action-szamla_agent_xml": "xmlszamlaxml",
    "action-szamla_agent_pdf": "xmlszamlapdf",
    "action-szamla_agent_dijbekero_torlese": "xmlszamladbkdel",
    "action-szamla_agent_taxpayer": "xmltaxpayer",
}
XML_CONTENT = "application/xml; charset=UTF-8"
TEXT_CONTENT = "text/plain; charset=UTF-8"
PDF_CONTENT = "application/pdf"


@dataclass
class AgentReply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    content_type: str = XML_CONTENT
    drop: bool = False  # close the connection without answering (work already done)


@dataclass
class AgentCall:
    """One agent request as `/_sandbox/state` logs it; the handlers fill in what they learn."""

    session: str | None
    action: str | None = None
    agent_key: str | None = None
    external_id: str | None = None
    order_number: str | None = None
    number: str | None = None
    outcome: str = "ok"
    error_code: int | None = None
    fault: str | None = None
    version: int = 2  # valaszVerzio, which shapes the answer; not logged

    def failed(self, code: int) -> None:
        self.outcome, self.error_code = "error", code

    def log_entry(self, seq: int) -> dict:
        entry = {"seq": seq, "time": dt.datetime.now(dt.timezone.utc).isoformat()}
        entry.update((k, v) for k, v in vars(self).items() if k != "version")
        return entry


class Fields:
    """Namespace-aware access to a request document's leaves."""

    def __init__(self, element: etree._Element):
        self.element = element
        self.ns = etree.QName(element).namespace

    def _path(self, path: str) -> str:
        return "/".join(f"{{{self.ns}}}{part}" if self.ns else part for part in path.split("/"))

    def text(self, path: str) -> str | None:
        found = self.element.find(self._path(path))
        return found.text if found is not None and found.text else None

    def stripped(self, path: str) -> str | None:
        value = (self.text(path) or "").strip()
        return value or None

    def child(self, path: str) -> Fields:
        return Fields(self.element.find(self._path(path)))

    def all(self, path: str) -> list[Fields]:
        return [Fields(e) for e in self.element.findall(self._path(path))]

    def flag(self, path: str, default: bool = False) -> bool:
        value = self.stripped(path)
        return default if value is None else value.lower() in ("true", "1")

    def date(self, path: str) -> dt.date | None:
        value = self.stripped(path)
        return dt.date.fromisoformat(value) if value else None

    def decimal(self, path: str) -> Decimal | None:
        return parse_decimal(self.text(path))

    def number(self, path: str) -> Decimal:
        value = self.decimal(path)
        if value is None:
            raise ValueError(f"{path} must be a number")
        return value


def _quote(text: str) -> str:
    return urllib.parse.quote_plus(text, safe="-_.")


def _error_headers(failure: AgentFailure) -> list[tuple[str, str]]:
    return [("szlahu_error", _quote(failure.message)), ("szlahu_error_code", str(failure.code))]


def buyer_account_url(account_key: str, buyer_name: str) -> str:
    token = hashlib.sha256(f"{account_key}|{buyer_name}".encode()).hexdigest()[:32]
    return f"https://www.szamlazz.hu/szamla/?partguid={token}"


class Agent:
    def __init__(self, store: Store, schemas: Schemas, pushes: PushQueue, faults: Faults):
        self.store = store
        self.schemas = schemas
        self.pushes = pushes
        self.faults = faults
        self._log_lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget the request log and restart the taxpayer layout rotation."""
        with self._log_lock:
            self._seq = itertools.count(1)
            self.requests: list[dict] = []
            self._taxpayer_layouts = itertools.cycle(taxpayer.LAYOUTS)

    def _taxpayer_layout(self) -> taxpayer.Layout:
        with self._log_lock:
            return next(self._taxpayer_layouts)

    # -- entry point -------------------------------------------------------------------

    def handle(self, content_type: str, body: bytes, session: str | None = None) -> AgentReply:
        call = AgentCall(session)
        fault = self.faults.take()
        call.fault = fault.kind if fault else None
        try:
            if call.fault == "latency":
                # Before the work, which therefore happens after a client's read timeout
                # has expired: like the live create that stalled >= 57 s unanswered (A4d-2),
                # whose outcome is unknown to the caller.
                time.sleep(fault.seconds)
            action, xml = self._read_form(content_type, body, call)
            fields = self._describe(action, xml, call)
            if call.fault == "http_error":
                call.outcome = "fault"
                return AgentReply(
                    fault.status,
                    [],
                    b"<html><body><h1>Service Unavailable</h1></body></html>",
                    "text/html; charset=UTF-8",
                )
            if call.fault == "maintenance":
                raise AgentFailure(errors.MAINTENANCE)
            if call.fault == "agent_error" and fault.code != errors.NOTIFICATION_FAILED:
                raise AgentFailure(fault.code)
            reply = self._dispatch(action, fields, call)
            if call.fault == "agent_error" and call.outcome == "ok":
                # 56: the document exists, only its e-mail failed; the answer still names it.
                call.failed(errors.NOTIFICATION_FAILED)
                reply.headers += _error_headers(AgentFailure(errors.NOTIFICATION_FAILED))
        except AgentFailure as failure:
            call.failed(failure.code)
            reply = self._error_reply(call, failure, with_headers=True)
            if call.fault == "maintenance":
                reply.headers.append(("szlahu_down", "true"))
        finally:
            self._log(call)
        if call.fault == "drop_reply":
            reply.drop = True
        elif call.fault == "malformed":
            # The work is done; the answer is cut short and carries no szlahu_* data.
            reply = AgentReply(
                200, [], reply.body[: max(len(reply.body) // 2, 1)] + b"\x00<", reply.content_type
            )
        return reply

    def _log(self, call: AgentCall) -> None:
        with self._log_lock:
            self.requests.append(call.log_entry(next(self._seq)))

    def _read_form(self, content_type: str, body: bytes, call: AgentCall) -> tuple[str, bytes]:
        boundary = multipart.boundary_of(content_type)
        parts = multipart.parse(body, boundary) if boundary else []
        actions = [p for p in parts if p.name.startswith("action-")]
        if not actions:
            raise AgentFailure(errors.MISSING_XML_FILE)
        part = actions[0]
        call.action = part.name
        if part.filename is None:
            # A plain form value instead of a file upload: what code 53 describes.
            raise AgentFailure(errors.MISSING_XML_FILE)
        if part.name not in ACTIONS:
            raise AgentFailure(
                errors.XML_READ_ERROR, f"XML beolvasási hiba: a sandbox nem ismeri: {part.name}"
            )
        return part.name, part.data

    def _describe(self, action: str, xml: bytes, call: AgentCall) -> Fields | None:
        """Read what the log shows, best effort: even faulted requests must be counted."""
        try:
            fields = Fields(parse(xml))
        except etree.XMLSyntaxError:
            return None
        call.version = self._version(action, fields)
        call.agent_key = fields.stripped("beallitasok/szamlaagentkulcs") or fields.stripped(
            "szamlaagentkulcs"
        )
        call.external_id = fields.stripped("beallitasok/szamlaKulsoAzon") or fields.stripped(
            "szamlaKulsoAzon"
        )
        call.order_number = (
            fields.stripped("fejlec/rendelesSzam")
            or fields.stripped("rendelesSzam")
            or fields.stripped("fejlec/rendelesszam")
        )
        call.number = (
            fields.stripped("fejlec/szamlaszam")
            or fields.stripped("beallitasok/szamlaszam")
            or fields.stripped("szamlaszam")
        )
        return fields

    def _dispatch(self, action: str, fields: Fields | None, call: AgentCall) -> AgentReply:
        if fields is None:
            raise AgentFailure(errors.XML_READ_ERROR, "XML beolvasási hiba: nem jól formázott.")
        expected = ACTIONS[action]
        if fields.element.tag != f"{{http://www.szamlazz.hu/{expected}}}{expected}":
            raise AgentFailure(
                errors.XML_READ_ERROR, f"XML beolvasási hiba: a gyökérelem nem {expected}."
            )
        problems = self.schemas.errors(fields.element, expected)
        if problems:
            raise AgentFailure(
                errors.XML_READ_ERROR, "XML beolvasási hiba: " + "; ".join(problems[:3])
            )
        account = self.store.account(call.agent_key)
        handler = getattr(self, "_" + expected)
        try:
            return handler(account, fields, call)
        except (ValueError, TypeError) as exc:  # only reachable without XSD validation
            raise AgentFailure(errors.XML_READ_ERROR, f"XML beolvasási hiba: {exc}") from exc

    @staticmethod
    def _version(action: str, fields: Fields) -> int:
        value = fields.stripped("beallitasok/valaszVerzio") or fields.stripped("valaszVerzio")
        if action in (
            "action-szamla_agent_xml",
            "action-szamla_agent_dijbekero_torlese",
            "action-szamla_agent_taxpayer",
        ):
            return 2  # these always answer XML
        return 2 if value == "2" else 1

    # -- answers -----------------------------------------------------------------------

    def _error_reply(
        self, call: AgentCall, failure: AgentFailure, with_headers: bool
    ) -> AgentReply:
        headers = _error_headers(failure) if with_headers else []
        action = call.action
        if action == "action-szamla_agent_taxpayer":
            body = taxpayer.taxpayer_error(
                self._taxpayer_layout(), uuid.uuid4().hex, failure.code, failure.message
            )
        elif action == "action-szamla_agent_dijbekero_torlese":
            body = self._checked(
                responses.dbkdel_answer(failure.code, failure.message),
                "xmlszamladbkdelvalasz",
                "dbkdel error",
            )
        elif call.version == 1 and action != "action-szamla_agent_xml":
            known = self.store.accounts.get(call.agent_key or "")
            text = v1_text.text_error(failure.message, action, known.supplier_id if known else None)
            return AgentReply(200, headers, text, TEXT_CONTENT)
        else:
            body = self._checked(
                responses.valasz_error(failure.code, failure.message),
                "xmlszamlavalasz",
                "error answer",
            )
        return AgentReply(200, headers, body)

    def _checked(self, body: bytes, root_name: str, label: str) -> bytes:
        self.schemas.self_check(parse(body), root_name, label)
        return body

    def _success_headers(self, account, doc: Document) -> list[tuple[str, str]]:
        amount = hungarian if account.decimal_comma_headers else plain
        return [
            ("szlahu_id", str(doc.id)),
            ("szlahu_szamlaszam", _quote(doc.number)),
            ("szlahu_nettovegosszeg", amount(doc.net)),
            ("szlahu_bruttovegosszeg", amount(doc.gross)),
            ("szlahu_kintlevoseg", amount(doc.outstanding)),
            ("szlahu_vevoifiokurl", _quote(buyer_account_url(account.agent_key, doc.buyer.name))),
        ]

    def _document_reply(
        self, account, doc: Document, version: int, with_pdf: bool, fallback_text: bytes
    ) -> AgentReply:
        headers = self._success_headers(account, doc)
        rendered = pdf.render(doc, account.seller.name) if with_pdf else None
        if version == 2:
            body = responses.valasz_success(
                doc, buyer_account_url(account.agent_key, doc.buyer.name), rendered
            )
            return AgentReply(200, headers, self._checked(body, "xmlszamlavalasz", doc.number))
        if rendered is not None:
            return AgentReply(200, headers, rendered, PDF_CONTENT)
        return AgentReply(200, headers, fallback_text, TEXT_CONTENT)

    def _commit(self, changes) -> None:
        with self.store.lock:
            self.pushes.enqueue(changes)

    # -- actions -----------------------------------------------------------------------

    def _xmlszamla(self, account, fields: Fields, call: AgentCall) -> AgentReply:
        header = fields.child("fejlec")
        kind = INVOICE
        if header.flag("dijbekero"):
            kind = PROFORMA
        elif header.flag("szallitolevel"):
            kind = DELIVERY_NOTE
        vevo = fields.child("vevo")
        taxpayer_kind = vevo.stripped("adoalany")
        buyer = Buyer(
            name=vevo.text("nev") or "",
            zip=vevo.text("irsz") or "",
            city=vevo.text("telepules") or "",
            street=vevo.text("cim") or "",
            country=vevo.text("orszag") or "",
            email=vevo.stripped("email") or "",
            tax_number=vevo.stripped("adoszam") or "",
            eu_tax_number=vevo.stripped("adoszamEU") or "",
            identifier=vevo.stripped("azonosito") or "",
            private_person=(taxpayer_kind == "-1") if taxpayer_kind else None,
            phone=vevo.stripped("telefonszam") or "",
        )
        items = [
            Item(
                name=t.text("megnevezes") or "",
                quantity=t.number("mennyiseg"),
                unit=t.text("mennyisegiEgyseg") or "",
                net_unit_price=t.number("nettoEgysegar"),
                vat_rate=(t.stripped("afakulcs") or "0"),
                net=t.number("nettoErtek"),
                vat=t.number("afaErtek"),
                gross=t.number("bruttoErtek"),
                identifier=t.stripped("azonosito") or "",
                note=t.text("megjegyzes") or "",
            )
            for t in fields.all("tetelek/tetel")
        ]
        for item in items:
            if item.vat_code is None and parse_decimal(item.vat_rate) is None:
                raise ValueError(f"ismeretlen áfakulcs: {item.vat_rate}")
        spec = DocumentSpec(
            # P48-P5: a sent keltDatum (say yesterday) is silently replaced by today.
            kind=kind,
            buyer=buyer,
            items=items,
            issue_date=dt.date.today(),
            fulfillment_date=header.date("teljesitesDatum"),
            due_date=header.date("fizetesiHataridoDatum"),
            payment_method=header.text("fizmod") or "átutalás",
            currency=header.stripped("penznem") or "HUF",
            language=header.stripped("szamlaNyelve") or "hu",
            prefix=header.stripped("szamlaszamElotag"),
            order_number=call.order_number,
            external_id=call.external_id,
            proforma_number=header.stripped("dijbekeroSzamlaszam"),
            e_invoice=fields.flag("beallitasok/eszamla"),
            exchange_bank=header.stripped("arfolyamBank"),
            exchange_rate=header.decimal("arfolyam") or None,
            note=header.text("megjegyzes"),
            seller_bank=fields.stripped("elado/bank"),
            seller_bank_account=fields.stripped("elado/bankszamlaszam"),
            paid=header.flag("fizetve"),
            email=buyer.email or None,
        )
        doc, changes = self.store.issue(account, spec)
        self._commit(changes)
        call.number = doc.number
        return self._document_reply(
            account,
            doc,
            call.version,
            fields.flag("beallitasok/szamlaLetoltes"),
            v1_text.text_done(doc.number),
        )

    def _xmlszamlast(self, account, fields: Fields, call: AgentCall) -> AgentReply:
        doc, changes = self.store.storno(
            account,
            call.number or "",
            issue_date=fields.date("fejlec/keltDatum"),
            fulfillment_date=fields.date("fejlec/teljesitesDatum"),
            external_id=call.external_id,
            note=fields.text("fejlec/megjegyzes"),
            e_invoice=fields.flag("beallitasok/eszamla"),
        )
        self._commit(changes)
        return self._document_reply(
            account,
            doc,
            call.version,
            fields.flag("beallitasok/szamlaLetoltes"),
            v1_text.text_done(doc.number),
        )

    def _xmlszamlakifiz(self, account, fields: Fields, call: AgentCall) -> AgentReply:
        payments = [
            Payment(
                p.date("datum"), p.text("jogcim") or "", p.number("osszeg"), p.text("leiras") or ""
            )
            for p in fields.all("kifizetes")
        ]
        if any(p.date is None for p in payments):
            raise ValueError("kifizetes/datum is required")
        try:
            doc, changes = self.store.set_payments(
                account, call.number or "", payments, additive=fields.flag("beallitasok/additiv")
            )
        except AgentFailure as failure:
            # Credit-entry refusals come in the body only (no szlahu_error headers).
            call.failed(failure.code)
            return self._error_reply(call, failure, with_headers=False)
        self._commit(changes)
        reply = self._document_reply(account, doc, call.version, False, v1_text.text_done())
        reply.headers.append(("szlahu_fizetesmod", _quote(doc.payment_method)))
        return reply

    def _xmlszamlaxml(self, account, fields: Fields, call: AgentCall) -> AgentReply:
        with self.store.lock:
            # Order-number lookups are exact: a padded value finds nothing, as on the real
            # service.
            doc = account.find(call.number, fields.text("rendelesSzam"), call.external_id)
            if doc is None:
                # The XML query answers "not found" in the body only.
                call.failed(errors.MISSING_DATA)
                return self._error_reply(
                    call, AgentFailure(errors.MISSING_DATA), with_headers=False
                )
            call.number = doc.number
            rendered = pdf.render(doc, account.seller.name) if fields.flag("pdf") else None
            element = documents.build_szamla(account, doc, rendered)
            omit = (*account.query_omit_elements, *account.omit_elements, *doc.omit)
        self.schemas.self_check(element, "szamla", f"query {doc.number}")
        variants.depart(element, omit)
        return AgentReply(200, [], documents.serialize(element))

    def _xmlszamlapdf(self, account, fields: Fields, call: AgentCall) -> AgentReply:
        with self.store.lock:
            doc = account.find(call.number, fields.text("rendelesSzam"), call.external_id)
            if doc is None:
                raise AgentFailure(errors.MISSING_DATA)
            call.number = doc.number
            return self._document_reply(account, doc, call.version, True, b"")

    def _xmlszamladbkdel(self, account, fields: Fields, call: AgentCall) -> AgentReply:
        deleted = self.store.delete_proforma(account, call.number, call.order_number)
        call.number = ",".join(d.number for d in deleted)
        body = self._checked(responses.dbkdel_answer(), "xmlszamladbkdelvalasz", "dbkdel")
        return AgentReply(200, [], body)  # success carries no szlahu_* headers

    def _xmltaxpayer(self, account, fields: Fields, call: AgentCall) -> AgentReply:
        tax_id = fields.stripped("torzsszam") or ""
        call.number = tax_id
        return AgentReply(
            200,
            [],
            taxpayer.taxpayer_answer(
                self._taxpayer_layout(), uuid.uuid4().hex, tax_id, self._taxpayer(tax_id)
            ),
        )

    def _taxpayer(self, tax_id: str) -> Seller | None:
        if len(tax_id) != 8 or not tax_id.isdigit():
            return None
        with self.store.lock:
            for known in self.store.accounts.values():
                if known.seller.tax_number.startswith(tax_id):
                    return known.seller
            for known in self.store.accounts.values():
                for doc in known.documents.values():
                    if doc.buyer.tax_number.startswith(tax_id):
                        buyer = doc.buyer
                        return Seller(
                            name=buyer.name,
                            tax_number=buyer.tax_number,
                            zip=buyer.zip,
                            city=buyer.city,
                            street=buyer.street,
                        )
        return None
