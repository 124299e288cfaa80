"""XXE-safe XML parsing for everything that comes from the network."""

from __future__ import annotations

from lxml import etree

from .errors import InvalidResponseError


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def safe_fromstring(xml_bytes: bytes) -> etree._Element:
    """Parse ``xml_bytes``; reject anything with a DOCTYPE or entity declarations.

    Raises :class:`InvalidResponseError` for unparseable input too, so callers
    need only one except clause for "this is not a document we accept".
    """
    if not isinstance(xml_bytes, bytes):
        raise InvalidResponseError(None, "XML must be given as bytes")
    if not xml_bytes.strip():
        raise InvalidResponseError(None, "empty XML document")
    try:
        root = etree.fromstring(xml_bytes, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidResponseError(None, f"malformed XML: {exc}") from None
    docinfo = root.getroottree().docinfo
    # Even unresolved, a DTD is never part of a Számlázz.hu document: refuse it
    # rather than reason about which entity tricks the parser settings stop.
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise InvalidResponseError(None, "XML with a DOCTYPE is not accepted")
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise InvalidResponseError(None, "XML with entity references is not accepted")
    return root
