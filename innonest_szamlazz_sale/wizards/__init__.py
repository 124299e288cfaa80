from . import szamlazz_proforma_wizard
