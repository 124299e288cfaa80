from . import szamlazz_account
from . import szamlazz_document_state_mixin
from . import szamlazz_invoice
from . import szamlazz_push
from . import szamlazz_supplier_invoice
