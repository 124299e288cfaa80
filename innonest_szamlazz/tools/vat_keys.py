"""Számlázz.hu VAT keys (``afakulcs``): the current ones and the legacy aliases.

Plain Python so the invoice import, the proforma wizard and the product form share
one list. A key is either a percentage ("27") or a code ("TAM", "AAM", ...).
"""

# (key, label) in the order Számlázz.hu lists them; usable as a Selection.
VAT_KEYS = [
    ("27", "27%"),
    ("18", "18%"),
    ("5", "5%"),
    ("0", "0%"),
    ("TAM", "TAM – exempt by subject (tárgyi adómentes)"),
    ("AAM", "AAM – exempt taxpayer (alanyi adómentes)"),
    ("EUT", "EUT – intra-EU supply of goods"),
    ("EUKT", "EUKT – supply of goods outside the EU"),
    ("F.AFA", "F.AFA – reverse charge (fordított áfa)"),
    ("K.AFA", "K.AFA – margin scheme (különbözeti áfa)"),
    ("HO", "HO – supply in a third country"),
    ("EUE", "EUE – supply in another member state, not reverse charged"),
    ("EUFADE", "EUFADE – supply in another member state, reverse charged (not § 37)"),
    ("EUFAD37", "EUFAD37 – supply in another member state, reverse charged (§ 37)"),
    ("ATK", "ATK – outside the scope of the VAT Act"),
    ("NAM", "NAM – exempt international transaction"),
    ("EAM", "EAM – exempt export outside the EU"),
    ("KBAUK", "KBAUK – exempt intra-EU supply of new means of transport"),
    ("KBAET", "KBAET – exempt intra-EU supply of goods"),
]

# Keys Számlázz.hu still accepts and shows on old invoices, read as today's key.
# TEHK (outside the territorial scope) was split into EUE/EUFADE/EUFAD37/HO; a
# webshop used it for distance sales to EU consumers, which is EUE today.
LEGACY_VAT_KEYS = {
    "EU": "EUT",
    "EUK": "EUKT",
    "MAA": "TAM",
    "ÁKK": "ATK",
    "TAHK": "ATK",
    "TEHK": "EUE",
}

_CURRENT_KEYS = {key for key, _label in VAT_KEYS}


def normalize_vat_key(value):
    """Today's Számlázz.hu VAT key for ``value`` ("27 %", 27, "27.00", "eu" → "EUT").

    Returns ``None`` for an empty value; raises ``ValueError`` for anything that is
    not a Számlázz.hu VAT key, so the caller decides how to report it.
    """
    if value is None:
        return None
    text = str(value).strip().rstrip("%").strip().upper().replace(",", ".")
    if not text:
        return None
    if text.replace(".", "", 1).isdigit():
        number = float(text)
        text = str(int(number)) if number.is_integer() else text
    key = LEGACY_VAT_KEYS.get(text, text)
    if key not in _CURRENT_KEYS:
        raise ValueError("Not a Számlázz.hu VAT key: %r" % (value,))
    return key
