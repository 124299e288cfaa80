"""The import beside Odoo's own batch floor, in one process on one database.

Run by ``tools/bench.py`` (``make bench``) on a throw-away database with innonest_szamlazz
installed: ``python3 tools/bench/import_floor.py N MORE <odoo options>``. It stores N
webshop invoices of five lines for 60 buyers, imports them as the scheduled action does
(committing between batches), then makes the same pickings (same products, partners,
moves) with the bare ORM, batch by batch (create, confirm, set quantities, validate).
With MORE, it then stores and imports MORE documents, a thousand at a time, and measures
the memory again. It prints one JSON line of figures.
"""

import gc
import importlib.util
import json
import random
import resource
import sys
import time
from pathlib import Path

LINES = 5
BUYERS = 60
PRODUCTS = 5
CHUNK = 100  # documents stored, imported and floored in turn
WARM_UP = 50


# A webshop invoice's PDF is about this size; Számlázz.hu pushes it inside the document.
# Its streams are compressed, so it does not compress again: bytes that look random.
PDF = b"%PDF-1.4\n" + random.Random(30000).randbytes(30000) + b"\n%%EOF\n"  # noqa: S311


def rss_mb():
    """The process's resident memory now (not its peak), in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def buyer(index):
    return {
        "name": "Bench Vevő %02d" % index,
        "zip": "1%03d" % (index * 7 % 1000),
        "city": "Budapest",
        "street": "Bench utca %d." % index,
        "email": "vevo%02d@example.hu" % index,
        "private_person": True,
    }


def _documents_module():
    """The tests' document writer, without importing the tests (and Odoo's test tools)."""
    path = Path(__file__).resolve().parents[2] / "innonest_szamlazz/tests/szamla_documents.py"
    spec = importlib.util.spec_from_file_location("szamla_documents", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Measure:
    """Wall time and SQL queries of the blocks it is entered for, summed."""

    def __init__(self, cr):
        self.cr = cr
        self.seconds = 0.0
        self.queries = 0

    def __enter__(self):
        self._queries = self.cr.sql_log_count
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds += time.perf_counter() - self._start
        self.queries += self.cr.sql_log_count - self._queries


def main(count, memory_count, odoo_options):
    import odoo
    from odoo import SUPERUSER_ID, Command, api

    odoo.tools.config.parse_config(odoo_options)
    szamla_xml = _documents_module().szamla_xml

    registry = odoo.modules.registry.Registry(odoo.tools.config["db_name"])
    figures = {"documents": count, "lines": LINES, "buyers": BUYERS}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
        company = env.company
        Account = env["szamlazz.account"]
        account = Account.search([("company_id", "=", company.id)]) or Account.create(
            {"company_id": company.id, "agent_key": "bench", "state": "connected"}
        )
        account.write({"state": "connected", "document_intake": "push"})
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        products = env["product.product"].create(
            [
                {"name": "Bench %d" % i, "default_code": "BENCH-%d" % i, "is_storable": True}
                for i in range(PRODUCTS)
            ]
        )
        for product in products:
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10**7)
        batch_size = env["szamlazz.invoice"]._batch_size()

        def documents(first, total):
            for number in range(first, first + total):
                yield szamla_xml(
                    "BENCH-2026-%d" % number,
                    items=[
                        ("Bench %d" % (line % PRODUCTS), "BENCH-%d" % (line % PRODUCTS), 1, 1000)
                        for line in range(LINES)
                    ],
                    pdf=PDF,
                    buyer=buyer(number % BUYERS),
                    order_number="B-%d" % number,
                )

        Invoice = env["szamlazz.invoice"]
        out_type = warehouse.out_type_id
        customers = env.ref("stock.stock_location_customers")

        def floor_pickings(invoices):
            """The bare ORM's batch: the documents' pickings, made as Odoo makes many."""
            plans = [
                (
                    invoice.partner_id,
                    [(line.product_id, line.quantity) for line in invoice.line_ids],
                    invoice.number,
                )
                for invoice in invoices
            ]
            for start in range(0, len(plans), batch_size):
                pickings = env["stock.picking"].create(
                    [
                        {
                            "picking_type_id": out_type.id,
                            "partner_id": partner.id,
                            "origin": origin,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": customers.id,
                            "move_ids": [
                                Command.create(
                                    {
                                        "name": product.name,
                                        "product_id": product.id,
                                        "product_uom": product.uom_id.id,
                                        "product_uom_qty": quantity,
                                        "location_id": warehouse.lot_stock_id.id,
                                        "location_dest_id": customers.id,
                                    }
                                )
                                for product, quantity in lines
                            ],
                        }
                        for partner, lines, origin in plans[start : start + batch_size]
                    ]
                )
                pickings.action_confirm()
                for move in pickings.move_ids:
                    move.quantity = move.product_uom_qty
                pickings.move_ids.picked = True
                pickings.with_context(skip_backorder=True, skip_sms=True).button_validate()
                env.flush_all()

        def run_chunk(first, total, measures):
            """Store, import and floor one chunk, side by side (noise hits all three)."""
            store, imported, floor = measures
            with store:
                for xml in documents(first, total):
                    Invoice._receive_xml(account, xml, "push")
                env.flush_all()
            with imported:
                while Invoice._process_inbox_batch(account)[1]:
                    pass
                env.flush_all()
            chunk = Invoice.search(
                [("number", "in", ["BENCH-2026-%d" % n for n in range(first, first + total)])]
            )
            not_done = chunk.filtered(lambda invoice: invoice.state != "done")
            if not_done:
                raise SystemExit(
                    "Not every document was imported: %s" % not_done[:3].mapped("state_reason")
                )
            env.invalidate_all()
            with floor:
                floor_pickings(chunk)
            cr.commit()
            env.invalidate_all()

        cr.commit()
        # Warm Odoo's caches and PostgreSQL's on both paths first; not measured.
        run_chunk(10**6, WARM_UP, [Measure(cr), Measure(cr), Measure(cr)])
        store, imported, floor = Measure(cr), Measure(cr), Measure(cr)
        for first in range(1, count + 1, CHUNK):
            run_chunk(first, min(CHUNK, count + 1 - first), [store, imported, floor])
        gc.collect()
        figures["memory_mb_after_first"] = round(rss_mb(), 1)
        cr.commit()
    if memory_count:
        # As the scheduled action runs: a cursor per run, a commit after each batch.
        for first in range(count + 1, count + memory_count + 1, 1000):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
                Invoice = env["szamlazz.invoice"]
                account = env["szamlazz.account"].browse(account.id)
                for xml in documents(first, min(1000, count + memory_count + 1 - first)):
                    Invoice._receive_xml(account, xml, "push")
                cr.commit()
                while account._import_pass()["remaining"]:
                    cr.commit()
                cr.commit()
            done = min(first + 999, count + memory_count)
            if "memory_mb_midway" not in figures and done >= (2 * count + memory_count) / 2:
                # Halfway too: growth that goes on shows as two steps, a plateau as one.
                gc.collect()
                figures["memory_mb_midway"] = round(rss_mb(), 1)
                figures["memory_documents_midway"] = done
        gc.collect()
        figures["memory_mb_after_all"] = round(rss_mb(), 1)
        figures["memory_documents"] = count + memory_count
    figures.update(
        {
            "store_ms": round(store.seconds * 1000 / count, 1),
            "store_queries": round(store.queries / count, 1),
            "import_ms": round(imported.seconds * 1000 / count, 1),
            "import_queries": round(imported.queries / count, 1),
            "floor_ms": round(floor.seconds * 1000 / count, 1),
            "floor_queries": round(floor.queries / count, 1),
        }
    )
    print("BENCH " + json.dumps(figures), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:])
