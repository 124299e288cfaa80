"""Find the Odoo partner of a Számlázz.hu buyer the way Számlázz.hu itself identifies buyers."""

import re

from odoo import api, models
from odoo.tools import email_normalize_all

from ..szamlazz_agent import Buyer, hungarian_tax_core, hungarian_tax_number

# Számlázz.hu leaves the country empty for Hungarian buyers and spells it in Hungarian.
_HUNGARY_SPELLINGS = {"", "hu", "hun", "magyarorszag", "magyarország", "hungary"}


def normalize_text(text):
    """Case, white space and punctuation do not tell two buyers apart."""
    return " ".join(re.sub(r"[\W_]+", " ", (text or "").casefold()).split())


def compact(value):
    return re.sub(r"[\W_]+", "", (value or "")).upper()


class SzamlazzBuyerMatcher(models.AbstractModel):
    """Buyer → partner, in Számlázz.hu's order; the first rule that finds a partner wins:

    1. the buyer identifier (``vevo/azonosito`` = ``res.partner.szamlazz_identifier``);
    2. the Hungarian tax number, compared as ``12345678-2-42``; a partner whose ``vat``
       holds only the taxpayer core (``HU12345678``) matches on that core;
    3. the EU VAT number, compared without spaces and punctuation;
    4. the name and the full address (zip, city, street, country), compared after
       normalising case, white space and punctuation.

    A buyer without a name (Számlázz.hu sends many private persons that way) is named from
    what the document has: its tax number, else "Private person" and its address.

    Lookups are made once per batch of buyers, never per buyer.
    """

    _name = "szamlazz.buyer.matcher"
    _description = "Számlázz.hu buyer matching"

    @api.model
    def _match_buyers(self, company, buyers):
        """``{index in buyers: (partner, rule)}`` for the buyers that match a partner."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        scope = [("company_id", "in", [False, company.id]), ("parent_id", "=", False)]

        identifiers = {
            b.identifier.strip() for b in buyers if b.identifier and b.identifier.strip()
        }
        by_identifier = {}
        if identifiers:
            for partner in Partner.search(
                scope + [("szamlazz_identifier", "in", list(identifiers))], order="active desc, id"
            ):
                by_identifier.setdefault(partner.szamlazz_identifier, partner)

        digit_runs = set()
        for buyer in buyers:
            for number in (buyer.tax_number, buyer.eu_tax_number):
                digits = re.sub(r"\D", "", number or "")
                if len(digits) >= 8:
                    digit_runs.add(digits[:8])
        by_tax_number, by_tax_core, by_eu_vat = {}, {}, {}
        if digit_runs:
            vat_domain = ["|"] * (len(digit_runs) - 1) + [
                ("vat", "ilike", run) for run in digit_runs
            ]
            for partner in Partner.search(scope + vat_domain, order="active desc, id"):
                full = hungarian_tax_number(partner.vat)
                if full:
                    by_tax_number.setdefault(full, partner)
                elif core := hungarian_tax_core(partner.vat):
                    by_tax_core.setdefault(core, partner)
                by_eu_vat.setdefault(compact(partner.vat), partner)

        zips = {b.address.zip.strip() for b in buyers if b.address and b.address.zip}
        by_address = {}
        if zips:
            for partner in Partner.search(
                scope + [("zip", "in", list(zips))], order="active desc, id"
            ):
                by_address.setdefault(
                    self._address_key(
                        partner.name,
                        partner.zip,
                        partner.city,
                        partner.street,
                        partner.country_id.code or "HU",
                    ),
                    partner,
                )

        matches = {}
        for index, buyer in enumerate(buyers):
            identifier = (buyer.identifier or "").strip()
            tax_number = hungarian_tax_number(buyer.tax_number)
            candidates = [
                ("identifier", identifier and by_identifier.get(identifier)),
                (
                    "tax_number",
                    tax_number
                    and (by_tax_number.get(tax_number) or by_tax_core.get(tax_number[:8])),
                ),
                ("eu_vat", buyer.eu_tax_number and by_eu_vat.get(compact(buyer.eu_tax_number))),
                ("name_address", buyer.address and by_address.get(self._buyer_address_key(buyer))),
            ]
            for rule, partner in candidates:
                if partner:
                    matches[index] = (partner, rule)
                    break
        return matches

    @api.model
    def _match_suppliers(self, company, suppliers):
        """``{index in suppliers: (partner, rule)}`` for the suppliers (``Seller``) of
        incoming invoices that match a partner. The same order as for buyers; the identifier
        is Számlázz.hu's own id of the supplier (``szallito/id``), which Odoo remembers on
        the partner (``szamlazz_supplier_id``) once matched."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        ids = {supplier.id for supplier in suppliers if supplier and supplier.id}
        by_id = {}
        if ids:
            for partner in Partner.search(
                [
                    ("company_id", "in", [False, company.id]),
                    ("szamlazz_supplier_id", "in", list(ids)),
                ],
                order="active desc, id",
            ):
                by_id.setdefault(partner.szamlazz_supplier_id, partner)
        matches = {
            index: (by_id[supplier.id], "identifier")
            for index, supplier in enumerate(suppliers)
            if supplier and supplier.id in by_id
        }
        rest = [index for index in range(len(suppliers)) if index not in matches]
        found = self._match_buyers(company, [self._supplier_as_buyer(suppliers[i]) for i in rest])
        for position, match in found.items():
            matches[rest[position]] = match
        return matches

    @api.model
    def _supplier_as_buyer(self, supplier):
        """A supplier in the shape the buyer rules read; it has no buyer identifier."""
        return Buyer(
            id=None,
            name=supplier.name,
            identifier=None,
            address=supplier.address,
            postal_address=None,
            email=None,
            tax_number=supplier.tax_number,
            group_id=supplier.group_id,
            eu_tax_number=supplier.eu_tax_number,
            location=None,
            private_person=False,
        )

    @api.model
    def _supplier_partner_values(self, supplier):
        """A new partner from a supplier that matched none: a company, and a vendor where
        Invoicing is installed (``supplier_rank`` is the account module's)."""
        values = dict(
            self._partner_values(self._supplier_as_buyer(supplier)),
            is_company=True,
            szamlazz_supplier_id=supplier.id or False,
        )
        if "supplier_rank" in self.env["res.partner"]._fields:
            values["supplier_rank"] = 1
        return values

    @api.model
    def _buyer_keys(self, buyer):
        """``[(rule, value)]``: what a partner made from ``buyer`` is found by, in
        Számlázz.hu's order. A later buyer sharing one of them is the same buyer, so a
        batch hands a partner it just created to the next document of that buyer."""
        keys = []
        identifier = (buyer.identifier or "").strip()
        if identifier:
            keys.append(("identifier", identifier))
        tax_number = hungarian_tax_number(buyer.tax_number)
        if tax_number:
            keys.append(("tax_number", tax_number))
        if compact(buyer.eu_tax_number):
            keys.append(("eu_vat", compact(buyer.eu_tax_number)))
        if buyer.address:
            keys.append(("name_address", self._buyer_address_key(buyer)))
        return keys

    @api.model
    def _address_key(self, name, zip_code, city, street, country_code):
        return (
            normalize_text(name),
            normalize_text(zip_code),
            normalize_text(city),
            normalize_text(street),
            (country_code or "HU").upper(),
        )

    @api.model
    def _buyer_address_key(self, buyer):
        country = self._country_of(buyer.address.country)
        return self._address_key(
            self._buyer_name(buyer),
            buyer.address.zip,
            buyer.address.city,
            buyer.address.street,
            country.code if country else None,
        )

    @api.model
    def _buyer_name(self, buyer):
        """The buyer's name; for a buyer sent without one, a name made of what the document
        has, the same for every document of that buyer."""
        name = (buyer.name or "").strip()
        if name:
            return name
        tax_number = hungarian_tax_number(buyer.tax_number) or (buyer.eu_tax_number or "").strip()
        if tax_number:
            return self.env._("Buyer %(tax_number)s", tax_number=tax_number)
        address = buyer.address
        place = " ".join(part for part in (address.zip, address.city) if part)
        where = ", ".join(part for part in (place, address.street) if part)
        if where:
            return self.env._("Private person, %(address)s", address=where)
        return self.env._("Private person")

    @api.model
    def _country_of(self, country_text):
        """The ``res.country`` a Számlázz.hu country text names (empty means Hungary)."""
        text = (country_text or "").strip()
        Country = self.env["res.country"]
        if normalize_text(text) in _HUNGARY_SPELLINGS:
            # Almost every buyer: the cached XML id, without env.ref's existence query.
            return Country.browse(self.env["ir.model.data"]._xmlid_to_res_id("base.hu"))
        if len(text) == 2:
            country = Country.search([("code", "=ilike", text)], limit=1)
            if country:
                return country
        return Country.search([("name", "=ilike", text)], limit=1)

    @api.model
    def _differences(self, partner, buyer):
        """``[(label, in Odoo, on the document)]`` where a matched partner's curated data
        differs from the document; the partner is left as it is."""
        values = self._partner_values(buyer)

        def label(field_name):
            # The partner form's own label, in the user's language.
            return partner._fields[field_name]._description_string(self.env)

        compared = [
            ("name", normalize_text),
            ("zip", normalize_text),
            ("city", normalize_text),
            ("street", normalize_text),
            ("vat", compact),
        ]
        differences = []
        for field_name, canonical in compared:
            document_value = values[field_name]
            if document_value and canonical(partner[field_name]) != canonical(document_value):
                differences.append((label(field_name), partner[field_name] or "", document_value))
        if values["country_id"] and partner.country_id.id not in (False, values["country_id"]):
            differences.append(
                (
                    label("country_id"),
                    partner.country_id.name,
                    self.env["res.country"].browse(values["country_id"]).name,
                )
            )
        known = set(email_normalize_all(partner.email or ""))
        missing = [
            email for email in email_normalize_all(values["email"] or "") if email not in known
        ]
        if missing:
            differences.append((label("email"), partner.email or "", ", ".join(missing)))
        return differences

    @api.model
    def _partner_values(self, buyer):
        """A new partner from a buyer that matched none: company or private person as the
        buyer says, with every e-mail address the document names (Odoo keeps several
        addresses in ``email`` as "a@x.hu, b@y.hu": mails go to all of them and
        ``email_normalized`` holds the first one for look-ups)."""
        country = self._country_of(buyer.address.country if buyer.address else "")
        tax_number = hungarian_tax_number(buyer.tax_number)
        emails = email_normalize_all(buyer.email or "")
        return {
            "name": self._buyer_name(buyer),
            "is_company": not buyer.private_person and bool((buyer.name or "").strip()),
            "company_id": False,
            "street": buyer.address.street if buyer.address else False,
            "zip": buyer.address.zip if buyer.address else False,
            "city": buyer.address.city if buyer.address else False,
            "country_id": country.id if country else False,
            "vat": tax_number or (buyer.eu_tax_number or "").strip() or False,
            "email": ", ".join(emails) or False,
            "szamlazz_identifier": (buyer.identifier or "").strip() or False,
        }
