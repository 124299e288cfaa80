"""The taxpayer answer: NAV's QueryTaxpayerResponse, passed through by Számlázz.hu.

NAV's prefixes are arbitrary and differ between answers (a production NAV 3.0 answer
binds the default namespace to NTCA common; the same day's token answer binds it to the
OSA api), and the Számlázz.hu docs still show a NAV 2.0 answer. The sandbox rotates among
such layouts per request, so a client that hard-codes prefixes or one namespace version
fails here rather than in production.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lxml import etree

from .store import Seller

NAV3_API = "http://schemas.nav.gov.hu/OSA/3.0/api"
NAV3_BASE = "http://schemas.nav.gov.hu/OSA/3.0/base"
NAV3_DATA = "http://schemas.nav.gov.hu/OSA/3.0/data"
NTCA_COMMON = "http://schemas.nav.gov.hu/NTCA/1.0/common"
NAV2_API = "http://schemas.nav.gov.hu/OSA/2.0/api"
NAV2_DATA = "http://schemas.nav.gov.hu/OSA/2.0/data"


@dataclass(frozen=True)
class Layout:
    name: str
    api: str  # root, software, infoDate, taxpayerValidity, taxpayerData and its containers
    common: str  # header and result
    base: str  # taxNumberDetail parts and taxpayerAddress parts
    prefixes: tuple[tuple[str | None, str], ...]
    version: str  # requestVersion

    @property
    def nav3(self) -> bool:
        return self.version == "3.0"


LAYOUTS = (
    # As in the production NAV answer of 2023-08-04: header/result unprefixed.
    Layout(
        "nav3-common-default",
        NAV3_API,
        NTCA_COMMON,
        NAV3_BASE,
        ((None, NTCA_COMMON), ("ns2", NAV3_API), ("ns3", NAV3_BASE), ("ns4", NAV3_DATA)),
        "3.0",
    ),
    # The api namespace as the default, the way NAV's token answer binds it.
    Layout(
        "nav3-api-default",
        NAV3_API,
        NTCA_COMMON,
        NAV3_BASE,
        ((None, NAV3_API), ("ns2", NTCA_COMMON), ("ns3", NAV3_BASE)),
        "3.0",
    ),
    # The Számlázz.hu docs sample (NAV 2.0): header/result in the api namespace.
    Layout(
        "nav2-docs", NAV2_API, NAV2_API, NAV2_DATA, ((None, NAV2_API), ("ns2", NAV2_DATA)), "2.0"
    ),
)


class _Writer:
    def __init__(self, layout: Layout):
        self.layout = layout
        self.root = etree.Element(
            f"{{{layout.api}}}QueryTaxpayerResponse", nsmap=dict(layout.prefixes)
        )

    def add(
        self, parent: etree._Element, namespace: str, name: str, text: str | None = None
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{namespace}}}{name}")
        if text is not None:
            element.text = text
        return element

    def header(self, request_id: str) -> None:
        common = self.layout.common
        header = self.add(self.root, common, "header")
        self.add(header, common, "requestId", request_id)
        now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        self.add(header, common, "timestamp", now)
        self.add(header, common, "requestVersion", self.layout.version)
        if self.layout.nav3:
            self.add(header, common, "headerVersion", "1.0")

    def result(self, code: int | None = None, message: str | None = None) -> None:
        result = self.add(self.root, self.layout.common, "result")
        self.add(result, self.layout.common, "funcCode", "ERROR" if code else "OK")
        if code:
            self.add(result, self.layout.common, "errorCode", str(code))
            self.add(result, self.layout.common, "message", message or "")

    def bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def taxpayer_answer(layout: Layout, request_id: str, tax_id: str, seller: Seller | None) -> bytes:
    """`funcCode` OK; validity false (and no data) when the number is unknown."""
    out = _Writer(layout)
    api, base = layout.api, layout.base
    out.header(request_id)
    out.result()
    software = out.add(out.root, api, "software")
    out.add(software, api, "softwareId", "SZAMLAZZSANDBOX01")
    out.add(software, api, "softwareName", "Számlázz.hu sandbox")
    out.add(software, api, "softwareOperation", "ONLINE_SERVICE")
    out.add(out.root, api, "infoDate", "2010-01-01T00:00:00.000Z")
    out.add(out.root, api, "taxpayerValidity", "true" if seller else "false")
    if seller:
        data = out.add(out.root, api, "taxpayerData")
        out.add(data, api, "taxpayerName", seller.name.upper())
        detail = out.add(data, api, "taxNumberDetail")
        parts = seller.tax_number.split("-")
        out.add(detail, base, "taxpayerId", tax_id)
        if len(parts) == 3:
            out.add(detail, base, "vatCode", parts[1])
            out.add(detail, base, "countyCode", parts[2])
        if layout.nav3:
            out.add(data, api, "incorporation", "ORGANIZATION")  # new in NAV 3.0
        addresses = out.add(data, api, "taxpayerAddressList")
        item = out.add(addresses, api, "taxpayerAddressItem")
        out.add(item, api, "taxpayerAddressType", "HQ")
        address = out.add(item, api, "taxpayerAddress")
        out.add(address, base, "countryCode", "HU")
        out.add(address, base, "postalCode", seller.zip)
        out.add(address, base, "city", seller.city.upper())
        out.add(address, base, "streetName", seller.street)
    return out.bytes()


def taxpayer_error(layout: Layout, request_id: str, code: int, message: str) -> bytes:
    out = _Writer(layout)
    out.header(request_id)
    out.result(code, message)
    return out.bytes()
