{
    "name": "Számlázz.hu Connector (Innonest)",
    "summary": "Számlázz.hu invoices move Odoo stock; proformas, payment status and reminders",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/innonest/innonest_szamlazz",
    "author": "Innonest",
    "license": "LGPL-3",
    "depends": ["stock", "mail"],
    "external_dependencies": {"python": ["lxml", "requests"]},
    "data": [
        "security/innonest_szamlazz_groups.xml",
        "security/ir.model.access.csv",
        "security/innonest_szamlazz_rules.xml",
        "views/innonest_szamlazz_menus.xml",
    ],
    "demo": [
        "demo/szamlazz_demo.xml",
    ],
    "installable": True,
    "application": False,
}
