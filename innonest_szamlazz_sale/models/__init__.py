from . import account_tax
from . import sale_order
from . import sale_order_line
from . import szamlazz_invoice
from . import szamlazz_invoice_line
from . import szamlazz_prefix
from . import szamlazz_agent_write
