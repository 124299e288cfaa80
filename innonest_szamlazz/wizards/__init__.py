from . import szamlazz_connect_wizard
from . import szamlazz_connect_wizard_line
