from . import test_sale_proforma
from . import test_webshop_sale_order
from . import test_proforma_amounts
from . import test_tours
