"""How real `szamla` answers depart from a complete szamla.xsd document.

The official Agent query answer example leaves out elements the XSD requires, and the
official push example carries an empty `<pdf></pdf>`. A document is always built complete
and self-checked first; these departures are applied afterwards, so the self-check still
catches sandbox bugs and never flags a departure made on purpose.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from .documents import SZAMLA_NS

# Name as the control API takes it -> path below the root. Exactly the required elements
# the official query answer example (docs.szamlazz.hu/agent/querying_xml/response) omits.
OMITTABLE = {
    "alap/gazdEsemAzon": "alap/gazdEsemAzon",
    "alap/keszpenz": "alap/keszpenz",
    "alap/katafokonyv": "alap/katafokonyv",
    "vevo/lokacio": "vevo/lokacio",
    "vevo/privatePersonIndicator": "vevo/privatePersonIndicator",
    "tetel/sztetordering": "tetelek/tetel/sztetordering",
}

EMBEDDED, EMPTY, ABSENT, BROKEN = "embedded", "empty", "absent", "broken"
PDF_MODES = (EMBEDDED, EMPTY, ABSENT, BROKEN)
# Not base64 even to a lenient decoder: characters outside the alphabet, and the rest
# does not fill whole 4-character groups. Still a valid xs:string.
BROKEN_PDF_TEXT = "JVBERi0xLjQK***csonka***"


def check_omit(names: Iterable[str]) -> tuple[str, ...]:
    names = tuple(names)
    unknown = [n for n in names if n not in OMITTABLE]
    if unknown:
        raise ValueError(f"cannot omit {unknown}; omittable: {sorted(OMITTABLE)}")
    return names


def _path(relative: str) -> str:
    return "/".join(f"{{{SZAMLA_NS}}}{part}" for part in relative.split("/"))


def depart(root: etree._Element, omit: Iterable[str], pdf_mode: str = EMBEDDED) -> None:
    """Remove the ``omit`` elements and reshape `<pdf>` per ``pdf_mode``, in place."""
    for name in omit:
        for element in root.findall(_path(OMITTABLE[name])):
            element.getparent().remove(element)
    pdf = root.find(_path("pdf"))
    if pdf_mode == EMBEDDED:
        return
    if pdf is None:
        pdf = etree.SubElement(root, f"{{{SZAMLA_NS}}}pdf")  # pdf is the last child
    if pdf_mode == ABSENT:
        root.remove(pdf)
    elif pdf_mode == EMPTY:
        pdf.text = ""  # serialized as <pdf></pdf>, as in the official push example
    elif pdf_mode == BROKEN:
        pdf.text = BROKEN_PDF_TEXT
