"""Számla Agent client (Számlázz.hu), plain Python: requests, lxml, stdlib.

Imported as ``szamlazz_agent`` outside Odoo and as
``odoo.addons.innonest_szamlazz.szamlazz_agent`` inside it, hence relative imports.
"""

from .builders import build_push_acknowledgement
from .client import AgentClient
from .errors import (
    AgentError,
    AuthenticationError,
    DuplicateOrderNumberError,
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    OutcomeUnknownError,
    SzamlazzError,
    TemporarilyUnavailableError,
)
from .numbers import (
    DocumentNumber,
    hungarian_tax_core,
    hungarian_tax_number,
    invoice_number,
    split_document_number,
)
from .parsers import parse_szamla_document
from .request_types import (
    BuyerRequest,
    CreditEntryRequest,
    InvoiceItemRequest,
    InvoiceRequest,
    PaymentRequest,
    StornoRequest,
)
from .values import (
    Address,
    Buyer,
    InvoiceResult,
    Item,
    Payment,
    Seller,
    SzamlaDocument,
    TaxpayerInfo,
    VatSummary,
)
from .xml_safe import safe_fromstring

__all__ = [
    "Address",
    "AgentClient",
    "AgentError",
    "AuthenticationError",
    "Buyer",
    "BuyerRequest",
    "CreditEntryRequest",
    "DocumentNumber",
    "DuplicateOrderNumberError",
    "InvalidRequestError",
    "InvalidResponseError",
    "InvoiceItemRequest",
    "InvoiceRequest",
    "InvoiceResult",
    "Item",
    "NotFoundError",
    "OutcomeUnknownError",
    "Payment",
    "PaymentRequest",
    "Seller",
    "StornoRequest",
    "SzamlaDocument",
    "SzamlazzError",
    "TaxpayerInfo",
    "TemporarilyUnavailableError",
    "VatSummary",
    "build_push_acknowledgement",
    "hungarian_tax_core",
    "hungarian_tax_number",
    "invoice_number",
    "parse_szamla_document",
    "safe_fromstring",
    "split_document_number",
]
