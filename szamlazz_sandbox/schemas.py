"""XSD validation against the official schemas, read from `--xsd-dir` (never copied here).

A request passes when either the downloadable schema or its docs-page variant
(`docs-inline/`) accepts it: the two differ slightly (e.g. the docs add `torloKod` and
`vevo/csoportazonosito`, and swap `simpleItems`/`elonezetpdf`), and Számlázz.hu publishes
both, so a client written against either is legitimate. Errors quote the main schema.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from lxml import etree

# Request roots and produced roots -> schema file (relative to the XSD directory).
SCHEMA_FILES = {
    "xmlszamla": "xmlszamla.xsd",
    "xmlszamlast": "xmlszamlast.xsd",
    "xmlszamlakifiz": "xmlszamlakifiz.xsd",
    "xmlszamlaxml": "xmlszamlaxml.xsd",
    "xmlszamlapdf": "xmlszamlapdf.xsd",
    "xmlszamladbkdel": "xmlszamladbkdel.xsd",
    "xmltaxpayer": "xmltaxpayer.xsd",
    "szamla": "szamla.xsd",
    "szamlavalasz": "szamlavalasz.xsd",
    "xmlszamladbkdelvalasz": "xmlszamladbkdelvalasz.xsd",
    "xmlszamlavalasz": "third-party/xmlszamlavalasz.xsd",
    # The data connection's other bodies and their acknowledgements.
    "szamlabe": "szamlabe.xsd",
    "szamlabevalasz": "szamlabevalasz.xsd",
    "xmlnyugtaarchiv": "xmlnyugtaarchiv.xsd",
    "nyugtavalasz": "nyugtavalasz.xsd",
    "banktranz": "banktranz.xsd",
    "banktranzvalasz": "banktranzvalasz.xsd",
}


def safe_parser() -> etree.XMLParser:
    """XXE-safe: no entity expansion, no DTD loading, no network, no huge trees."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, parser=safe_parser())


class Schemas:
    def __init__(self, xsd_dir: str | Path | None):
        self.xsd_dir = Path(xsd_dir) if xsd_dir else None
        self._cache: dict[str, list[etree.XMLSchema]] = {}
        self._lock = threading.Lock()
        # Produced documents that failed their own schema: a sandbox bug, surfaced in state.
        self.self_check_errors: list[str] = []

    @property
    def enabled(self) -> bool:
        return self.xsd_dir is not None

    def _load(self, root_name: str) -> list[etree.XMLSchema]:
        with self._lock:
            if root_name not in self._cache:
                relative = SCHEMA_FILES[root_name]
                candidates = [self.xsd_dir / relative, self.xsd_dir / "docs-inline" / relative]
                self._cache[root_name] = [
                    etree.XMLSchema(etree.parse(str(path), parser=safe_parser()))
                    for path in candidates
                    if path.is_file()
                ]
            return self._cache[root_name]

    def errors(self, element: etree._Element, root_name: str) -> list[str]:
        """Empty when valid (or when validation is off); otherwise the main schema's errors."""
        if not self.enabled:
            return []
        schemas = self._load(root_name)
        if not schemas:
            raise FileNotFoundError(f"{SCHEMA_FILES[root_name]} not in {self.xsd_dir}")
        first_errors: list[str] = []
        for schema in schemas:
            if schema.validate(element):
                return []
            first_errors = first_errors or [f"line {e.line}: {e.message}" for e in schema.error_log]
        return first_errors

    def self_check(self, element: etree._Element, root_name: str, label: str) -> None:
        """Validate something the sandbox produced; record (never raise) a failure."""
        for problem in self.errors(element, root_name):
            self.self_check_errors.append(f"{label}: {problem}")
            print(f"szamlazz_sandbox self-check {label}: {problem}", file=sys.stderr, flush=True)
