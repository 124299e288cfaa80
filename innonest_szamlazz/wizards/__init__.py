from . import szamlazz_connect_wizard
from . import szamlazz_connect_wizard_line
from . import szamlazz_proforma_wizard
from . import szamlazz_proforma_wizard_line
from . import szamlazz_reminder_wizard
from . import szamlazz_payment_wizard
from . import szamlazz_line_map_wizard
