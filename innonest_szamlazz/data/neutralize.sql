-- A copied database (odoo-bin neutralize, odoo.sh staging) must never talk to the
-- shop's real Számlázz.hu account nor accept its pushes.
UPDATE szamlazz_account
   SET agent_key = NULL,
       push_key = NULL,
       state = 'draft';
