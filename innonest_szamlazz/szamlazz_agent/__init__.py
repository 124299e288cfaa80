"""Számla Agent client (Számlázz.hu), plain Python: requests, lxml, stdlib.

Imported as ``szamlazz_agent`` outside Odoo and as
``odoo.addons.innonest_szamlazz.szamlazz_agent`` inside it, hence relative imports.
"""

from .builders import (
    build_bank_transactions_acknowledgement,
    build_incoming_invoice_acknowledgement,
    build_push_acknowledgement,
    build_receipt_batch_acknowledgement,
)
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
from .parsers import (
    document_numbers_in,
    parse_bank_transactions,
    parse_incoming_invoice,
    parse_receipt_batch,
    parse_szamla_document,
)
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
    BankTransaction,
    BankTransactionBatch,
    Buyer,
    IncomingInvoice,
    InvoiceResult,
    Item,
    Payment,
    Receipt,
    ReceiptBatch,
    ReceiptPayment,
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
    "BankTransaction",
    "BankTransactionBatch",
    "Buyer",
    "BuyerRequest",
    "CreditEntryRequest",
    "DocumentNumber",
    "DuplicateOrderNumberError",
    "IncomingInvoice",
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
    "Receipt",
    "ReceiptBatch",
    "ReceiptPayment",
    "Seller",
    "StornoRequest",
    "SzamlaDocument",
    "SzamlazzError",
    "TaxpayerInfo",
    "TemporarilyUnavailableError",
    "VatSummary",
    "build_bank_transactions_acknowledgement",
    "build_incoming_invoice_acknowledgement",
    "build_push_acknowledgement",
    "build_receipt_batch_acknowledgement",
    "document_numbers_in",
    "hungarian_tax_core",
    "hungarian_tax_number",
    "invoice_number",
    "parse_bank_transactions",
    "parse_incoming_invoice",
    "parse_receipt_batch",
    "parse_szamla_document",
    "safe_fromstring",
    "split_document_number",
]
