"""18.0.1.1.0: numbers read the way Számlázz.hu writes them; re-query requests in a table;
cancelled invoices and stornos owe nothing.

Before, ``E-WEB-2026-9`` was read as issued under the prefix ``E-WEB`` and ``D-WEB-17`` as
not numbered at all. Every stored number is read again, and a prefix learned with the
``E-`` in front is folded into the issuing prefix: its webshop flag and warehouse move
there when that prefix has none, and it is archived (never deleted: it is history).
"""

import base64

from odoo import SUPERUSER_ID, api
from odoo.addons.innonest_szamlazz.szamlazz_agent import (
    SzamlazzError,
    parse_szamla_document,
    split_document_number,
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    _requests_from_flags(cr)
    env["szamlazz.invoice"].search(
        ["|", ("cancelled", "=", True), ("kind", "=", "SS")]
    )._compute_amounts()
    _content_digests(env)
    Invoice = env["szamlazz.invoice"].with_context(active_test=False)
    for invoice in Invoice.search([]):
        parts = split_document_number(invoice.number)
        invoice.write(
            {
                "number_prefix": parts.prefix if parts else False,
                "number_year": parts.year or 0 if parts else 0,
                "number_sequence": parts.sequence if parts else 0,
                "number_e_invoice": bool(parts and parts.e_invoice),
            }
        )
    Prefix = env["szamlazz.prefix"].with_context(active_test=False)
    for learned in Prefix.search([("name", "=like", "E-%")]):
        issuing = learned.name[2:]
        target = Prefix.search(
            [("account_id", "=", learned.account_id.id), ("name", "=", issuing)], limit=1
        ) or Prefix.create(
            {"account_id": learned.account_id.id, "name": issuing, "document_kind": "invoice"}
        )
        # A pull-mode shop marked its e-invoice series (read as E-WEB) as the webshop.
        target.is_webshop = target.is_webshop or learned.is_webshop
        if not target.warehouse_id and learned.warehouse_id:
            target.warehouse_id = learned.warehouse_id
        env["szamlazz.account"].search([("default_prefix_id", "=", learned.id)]).write(
            {"default_prefix_id": target.id}
        )
        learned.active = False


def _requests_from_flags(cr):
    """Documents flagged for a re-query by 18.0.1.0.0 (a column the ORM no longer writes,
    left in place by the upgrade) keep their request."""
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'szamlazz_invoice' AND column_name = 'requery_requested'
        """
    )
    if cr.fetchone():
        cr.execute(
            """
            INSERT INTO szamlazz_requery (invoice_id, company_id, reason, create_date, write_date)
            SELECT id, company_id, 'ipn', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM szamlazz_invoice WHERE requery_requested
            """
        )


def _content_digests(env):
    """The content digest of every stored version, so that the first re-query after the
    upgrade of an unchanged document is a replay, not a new version."""
    for invoice in env["szamlazz.invoice"].search([("content_sha256", "=", False)]):
        xml = stored_xml(env, invoice)
        if not xml:
            continue
        try:
            document = parse_szamla_document(xml)
        except SzamlazzError:
            continue  # it stays without one: its next arrival is taken as new
        invoice.content_sha256 = document.content_sha256


def stored_xml(env, invoice):
    """The stored XML of ``invoice``: before 18.0.1.2.0 an attachment of the document's
    ``raw_xml`` field, since then its current arrival's."""
    legacy = env["ir.attachment"].search(
        [
            ("res_model", "=", "szamlazz.invoice"),
            ("res_id", "=", invoice.id),
            ("res_field", "=", "raw_xml"),
        ],
        limit=1,
    )
    return base64.b64decode(legacy.datas or invoice.raw_xml or b"")
