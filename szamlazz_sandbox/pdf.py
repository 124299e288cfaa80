"""A tiny but valid one-page PDF naming the document, written with the stdlib only."""

import unicodedata

from .money import plain
from .store import Document


def _ascii(text: str) -> str:
    # The standard Helvetica font has no ő/ű: fold accents, escape PDF string syntax.
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return folded.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def render(doc: Document, seller_name: str) -> bytes:
    title = {"SZ": "Szamla", "D": "Dijbekero", "SL": "Szallitolevel", "SS": "Sztorno szamla"}
    lines = [
        f"{title.get(doc.kind, 'Szamla')} {doc.number}",
        f"Elado: {seller_name}",
        f"Vevo: {doc.buyer.name}",
        f"Kelt: {doc.issue_date.isoformat()}  Fizetesi hatarido: {doc.due_date.isoformat()}",
        f"Brutto: {plain(doc.gross)} {doc.currency}",
    ]
    text = ["BT", "/F1 14 Tf", "50 780 Td", "18 TL"]
    text += [f"({_ascii(line)}) Tj T*" for line in lines]
    text.append("ET")
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
