"""Realistic webshop invoices: Hungarian buyers, SKUs DEMO-SKU-1..3, card/transfer/COD."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from .store import INVOICE, Account, Buyer, Change, Document, DocumentSpec, Store, make_item

PRODUCTS = [
    ("DEMO-SKU-1", "Kerámia bögre, 3 dl", Decimal("2355")),
    ("DEMO-SKU-2", "Pamut póló, M méret", Decimal("5505")),
    ("DEMO-SKU-3", "Vászon bevásárlótáska", Decimal("1570")),
]
PRIVATE_BUYERS = [
    ("Kovács Anna", "1111", "Budapest", "Bartók Béla út 12."),
    ("Nagy Péter", "4025", "Debrecen", "Piac utca 20."),
    ("Szabó Eszter", "6720", "Szeged", "Kárász utca 5."),
    ("Tóth Gábor", "7621", "Pécs", "Király utca 8."),
    ("Horváth Zsófia", "9021", "Győr", "Baross Gábor út 3."),
]
COMPANY_BUYERS = [
    ("Kiskert Bt.", "23456789-2-13", "2000", "Szentendre", "Fő tér 4."),
    ("Pannon Design Kft.", "34567891-2-41", "1138", "Budapest", "Váci út 99."),
    ("Tisza Trade Zrt.", "45678912-2-06", "5000", "Szolnok", "Ady Endre út 1."),
]
PAYMENT_METHODS = [("bankkártya", True), ("átutalás", False), ("utánvét", False)]


def _email(name: str) -> str:
    ascii_name = name.lower().translate(str.maketrans("áéíóöőúüű", "aeiooouuu"))
    return ascii_name.replace(" ", ".").replace(",", "").replace("..", ".") + "@example.hu"


def seed_webshop(
    store: Store, account: Account, count: int, prefix: str = "WEB"
) -> tuple[list[Document], list[Change]]:
    # Deterministic demo data, not security: the same state seeds the same invoices.
    rng = random.Random(len(account.documents) * 7919 + count)  # noqa: S311
    issued, changes = [], []
    with store.lock:
        for _ in range(count):
            sequence = len(account.documents) + len(account.removed) + 1
            if rng.random() < 0.35:
                name, tax_number, zip_, city, street = rng.choice(COMPANY_BUYERS)
                buyer = Buyer(
                    name,
                    zip_,
                    city,
                    street,
                    "Magyarország",
                    _email(name),
                    tax_number=tax_number,
                    private_person=False,
                )
            else:
                name, zip_, city, street = rng.choice(PRIVATE_BUYERS)
                buyer = Buyer(
                    name, zip_, city, street, "Magyarország", _email(name), private_person=True
                )
            items = [
                make_item(label, Decimal(rng.randint(1, 3)), "db", price, "27", sku)
                for sku, label, price in rng.sample(PRODUCTS, rng.randint(1, 3))
            ]
            method, paid = rng.choice(PAYMENT_METHODS)
            today = dt.date.today()
            spec = DocumentSpec(
                kind=INVOICE,
                buyer=buyer,
                items=items,
                issue_date=today,
                fulfillment_date=today,
                due_date=today + dt.timedelta(days=8),
                payment_method=method,
                prefix=prefix,
                order_number=f"WS-{10000 + sequence}",
                e_invoice=True,
                paid=paid,
                email=buyer.email,
            )
            doc, doc_changes = store.issue(account, spec)
            issued.append(doc)
            changes += doc_changes
    return issued, changes
