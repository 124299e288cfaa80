from . import test_sale_proforma
