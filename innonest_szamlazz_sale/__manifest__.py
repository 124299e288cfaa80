{
    "name": "Számlázz.hu Connector: Sales",
    "summary": "Proformas (díjbekérő) from quotations; "
    "a paid proforma validates the order's delivery; webshop invoices become sales orders",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/innonest/innonest_szamlazz",
    "author": "Innonest",
    "license": "LGPL-3",
    "depends": ["innonest_szamlazz", "sale_stock"],
    "data": [
        "views/account_tax_views.xml",
        "views/sale_order_views.xml",
        "views/szamlazz_invoice_views.xml",
        "views/szamlazz_prefix_views.xml",
    ],
    "auto_install": True,
    "assets": {
        "web.assets_tests": [
            "innonest_szamlazz_sale/static/tests/tours/*.js",
        ],
    },
}
