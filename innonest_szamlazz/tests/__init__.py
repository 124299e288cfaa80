from . import test_access_rights
from . import test_connect_wizard
from . import test_szamlazz_account
from . import test_szamlazz_account_fields
from . import test_proforma_wizard
from . import test_payment_reminders
from . import test_payment_registration
