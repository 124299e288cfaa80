from . import szamlazz_prefix
from . import szamlazz_account
from . import res_partner
from . import product_template
from . import product_product
from . import res_config_settings
