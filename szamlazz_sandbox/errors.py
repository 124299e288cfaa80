"""The Számla Agent's numbered refusals, as the sandbox raises them."""

# Codes and Hungarian texts as Számlázz.hu sends them (see README.md, "Facts").
MAINTENANCE = 1
LOGIN_FAILED = 3
MISSING_DATA = 7
STORNO_OF_STORNO = 14
MISSING_XML_FILE = 53
E_INVOICE_NOT_ALLOWED = 54
E_INVOICE_SIGNING_FAILED = 55
NOTIFICATION_FAILED = 56
XML_READ_ERROR = 57
DUPLICATE_ORDER_NUMBER = 152
INVALID_PREFIX = 202
ITEM_NET_WRONG = 259
ITEM_VAT_WRONG = 260
ITEM_GROSS_WRONG = 261
BROWSER_SESSION_ACTIVE = 135
LOGIN_BLOCKED = 136
MULTIPLE_ACCOUNTS = 164
PROFORMA_NOT_FOUND = 335
RECEIPT_PREFIX_TAKEN = 336
RECEIPT_PREFIX_FORMAT = 337
DUPLICATE_CALL_ID = 338
NO_SUCH_RECEIPT = 339
STORNO_DATE_NOT_TODAY = 352
PAYMENT_ON_REVERSED = 463

MESSAGES = {
    MAINTENANCE: "Rendszerkarbantartás, kérem próbálja meg pár perc múlva.",
    LOGIN_FAILED: "Sikertelen bejelentkezés.",
    MISSING_DATA: (
        "Hiányzó adat: számla xml (ismeretlen számlaszám, rendelésszám vagy külső azonosító)."
    ),
    STORNO_OF_STORNO: "Sztornó és jóváíró számlát nem lehet sem sztornózni, sem jóváírni.",
    MISSING_XML_FILE: "Hiányzó XML fájl.",
    E_INVOICE_NOT_ALLOWED: "E-számla készítés nincs engedélyezve.",
    E_INVOICE_SIGNING_FAILED: "E-számla aláírása sikertelen.",
    NOTIFICATION_FAILED: "A számlaértesítő e-mail kiküldése sikertelen.",
    BROWSER_SESSION_ACTIVE: (
        "Számla Agent futtatásához kérjük böngészőjében lépjen ki a Számlázz.hu rendszerből."
    ),
    LOGIN_BLOCKED: (
        "Bejelentkezési hiba. Kérjük lépjen be a Számlázz.hu rendszerbe böngészőn keresztül."
    ),
    MULTIPLE_ACCOUNTS: (
        "Ezt a funkciót csak olyan felhasználó veheti igénybe, aki egyetlen Számlázz.hu "
        "fiókhoz férhet hozzá."
    ),
    XML_READ_ERROR: "XML beolvasási hiba.",
    PROFORMA_NOT_FOUND: "Nincs ilyen díjbekérő (vagy törölték, vagy nem is létezett).",
    PAYMENT_ON_REVERSED: (
        "Sztornózó vagy sztornózott számlához nem tartozhat kifizetettségi információ."
    ),
    # Receipts: 337 is the text observed live; 336, 338 and 339 are documented in English
    # only (docs.szamlazz.hu/agent/generating_receipt/response), the Hungarian is ours.
    RECEIPT_PREFIX_TAKEN: (
        "Ez az előtag már számlák készítésére használatban van, nyugtához nem használható."
    ),
    RECEIPT_PREFIX_FORMAT: (
        "Az előtag csak nagybetűket és számokat tartalmazhat, és hossza legfeljebb 5 karakter "
        "lehet."
    ),
    DUPLICATE_CALL_ID: "A megadott hívásazonosító már létezik.",
    NO_SUCH_RECEIPT: "Nem létező nyugtaszám.",
}


def item_net_wrong(name: str) -> str:
    # The text observed live (P60-H4/H5).
    return (
        "A tétel nettó értéke nem megfelelő; nettó érték = nettó egységár x mennyiség. "
        f"Termék: {name}."
    )


def item_vat_wrong(name: str) -> str:
    # Never seen live: worded after the observed 259 text.
    return f"A tétel áfa értéke nem megfelelő; áfa érték = nettó érték x áfakulcs. Termék: {name}."


def item_gross_wrong(name: str) -> str:
    # Never seen live: worded after the observed 259 text.
    return (
        "A tétel bruttó értéke nem megfelelő; bruttó érték = nettó érték + áfa érték. "
        f"Termék: {name}."
    )


class AgentFailure(Exception):
    """A refusal the agent answers with `hibakod` / `szlahu_error_code`."""

    def __init__(self, code: int, message: str | None = None):
        self.code = code
        self.message = message or MESSAGES.get(code, "Hiba.")
        super().__init__(f"{code}: {self.message}")
