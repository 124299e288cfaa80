"""Where Számlázz.hu calls Odoo: the data-connection pushes and the IPN.

Both answer fast: a push is checked, kept as it came and acknowledged, an IPN only flags a
re-query; the scheduled action does the work.
"""

import logging

from odoo import http
from odoo.http import request
from werkzeug.exceptions import BadRequest, Forbidden

from ..szamlazz_agent import errors
from ..tools.params import positive_int_param
from ..tools.push_feeds import PUSH_FEEDS

_logger = logging.getLogger(__name__)

DEFAULT_PUSH_MAX_BYTES = 5 * 1024 * 1024


class SzamlazzPushController(http.Controller):
    def _push_max_bytes(self):
        """Knob ``innonest_szamlazz.push_max_bytes`` (default 5 MB = 5242880): the largest
        push body accepted; a document with its PDF is well below it."""
        return positive_int_param(
            request.env, "innonest_szamlazz.push_max_bytes", DEFAULT_PUSH_MAX_BYTES
        )

    def _receive_push(self, feed):
        """The one way a push of ``feed`` (a key of ``PUSH_FEEDS``) is taken: the key names
        the account, the body is read once within the size knob and checked once, then kept
        (``szamlazz.push``) before it is acknowledged; the import stores what it says.

        The routes are ``auth="none"``: the key is the authentication and no user acts, so
        Odoo's public user is not looked up for every push of a burst. They write, so they
        say ``readonly=False`` (Odoo would start them on its read-only replica).

        200 + the acknowledgement: kept (a replay too: the import recognises it). 403:
        unknown key. 400: not an acceptable document (malformed, DOCTYPE/entities, another
        root, a value no column can hold) or larger than the knob allows.
        """
        account = (
            request.env["szamlazz.account"]
            .sudo()
            ._find_by_push_key(request.httprequest.headers.get("X-Szamlazzhu-Key") or "")
        )
        if not account:
            _logger.warning(
                "Számlázz.hu push refused: unknown key (from %s)", request.httprequest.remote_addr
            )
            raise Forbidden("Unknown or missing X-Szamlazzhu-Key.")
        limit = self._push_max_bytes()
        if (request.httprequest.content_length or 0) > limit:
            raise BadRequest("The document is larger than %d bytes." % limit)
        # Only the holder of a push key gets this far; a chunked body has no Content-Length
        # and is measured once read. Cached: when Odoo retries the request (a serialization
        # failure), the retry reads the same body again instead of an empty one.
        body = request.httprequest.get_data()
        if len(body) > limit:
            raise BadRequest("The document is larger than %d bytes." % limit)
        handling = PUSH_FEEDS[feed]
        try:
            parsed = handling.check(body)
            unstorable = handling.unstorable(parsed)
            if unstorable:
                raise errors.InvalidResponseError(
                    None, "the document cannot be stored: %s" % "; ".join(unstorable)
                )
        except errors.SzamlazzError as error:
            _logger.warning(
                "Számlázz.hu %s push refused for account %s: %s", feed, account.id, error.message
            )
            raise BadRequest("Not an acceptable %s document: %s" % (feed, error.message)) from None
        request.env["szamlazz.push"].sudo()._receive(account, feed, body)
        return request.make_response(
            handling.acknowledge(parsed),
            headers=[("Content-Type", "application/xml; charset=UTF-8")],
        )

    @http.route(
        "/szamlazz/push",
        type="http",
        auth="none",
        readonly=False,
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def szamlazz_push(self, **_kwargs):
        """One outgoing invoice (`szamla`) per request, answered with `szamlavalasz`."""
        return self._receive_push("szamla")

    @http.route(
        "/szamlazz/push/incoming",
        type="http",
        auth="none",
        readonly=False,
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def szamlazz_push_incoming(self, **_kwargs):
        """One supplier invoice (`szamlabe`) per request, answered with `szamlabevalasz`."""
        return self._receive_push("szamlabe")

    @http.route(
        "/szamlazz/push/receipts",
        type="http",
        auth="none",
        readonly=False,
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def szamlazz_push_receipts(self, **_kwargs):
        """The daily batch of receipts (`xmlnyugtaarchiv`), answered with `nyugtavalasz`."""
        return self._receive_push("xmlnyugtaarchiv")

    @http.route(
        "/szamlazz/push/bank",
        type="http",
        auth="none",
        readonly=False,
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def szamlazz_push_bank(self, **_kwargs):
        """Bank transactions (`banktranz`), answered with `banktranzvalasz`; they only flag
        the documents they name for a re-query."""
        return self._receive_push("banktranz")

    @http.route(
        "/szamlazz/ipn/<int:account_id>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def szamlazz_ipn(self, account_id, **form):
        """Számlázz.hu's payment notification. Anyone can post this form, so nothing in it
        is believed: it only asks the scheduled action to re-query the named documents."""
        account = request.env["szamlazz.account"].sudo().browse(account_id).exists()
        if not account:
            raise Forbidden("Unknown account.")
        request.env["szamlazz.invoice"].sudo()._schedule_requery_from_ipn(account, form)
        return request.make_response("OK", headers=[("Content-Type", "text/plain")])
