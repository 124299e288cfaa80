"""18.0.1.2.0: every arrival kept; the mirror filled at intake; the account owns the import.

Each stored document's XML (an attachment of its former ``raw_xml`` field) becomes its
first arrival. Documents still waiting to be processed get the mirror values intake now
writes (processing reads the mirror, never the XML). The import's scheduled action (a
``noupdate`` record) runs on ``szamlazz.account`` now.
"""

import base64
import hashlib

from odoo import SUPERUSER_ID, api
from odoo.addons.innonest_szamlazz.szamlazz_agent import SzamlazzError, parse_szamla_document


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("innonest_szamlazz.ir_cron_szamlazz_import", raise_if_not_found=False)
    if cron:
        cron.write(
            {
                "model_id": env.ref("innonest_szamlazz.model_szamlazz_account").id,
                "code": "model._cron_import_documents()",
            }
        )
    Arrival = env["szamlazz.invoice.arrival"]
    for invoice in env["szamlazz.invoice"].search([("arrival_id", "=", False)]):
        legacy = env["ir.attachment"].search(
            [
                ("res_model", "=", "szamlazz.invoice"),
                ("res_id", "=", invoice.id),
                ("res_field", "=", "raw_xml"),
            ],
            limit=1,
        )
        if not legacy:
            continue
        xml = base64.b64decode(legacy.datas)
        invoice.arrival_id = Arrival.create(
            {
                "invoice_id": invoice.id,
                "source": invoice.source or "push",
                "date": invoice.received_date or invoice.create_date,
                "sha256": hashlib.sha256(xml).hexdigest(),
                "content_sha256": invoice.content_sha256,
                "xml": legacy.datas,
            }
        )
        legacy.unlink()
        if invoice.state != "received":
            continue
        try:
            document = parse_szamla_document(xml)
        except SzamlazzError as error:
            invoice._set_error("The stored XML cannot be read: %s" % error.message)
            continue
        invoice.write(invoice._mirror_values(document, invoice.source or "push"))
