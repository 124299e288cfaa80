{
    "name": "Számlázz.hu Connector: Job Queue",
    "summary": "Each Számlázz.hu document is processed as a queue job, "
    "spread over every Odoo worker and server",
    "version": "18.0.1.1.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/innonest/innonest_szamlazz",
    "author": "Innonest",
    "license": "LGPL-3",
    "depends": ["innonest_szamlazz", "queue_job"],
    "data": [
        "data/queue_job_channel_data.xml",
    ],
    "auto_install": True,
}
