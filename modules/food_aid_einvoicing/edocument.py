# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import os
from decimal import Decimal

import genshi.template

from trytond.modules.edocument_uncefact.edocument import remove_comment
from trytond.pool import PoolMeta
from trytond.tools import cached_property
from trytond.transaction import Transaction

loader = genshi.template.TemplateLoader(
    os.path.join(os.path.dirname(__file__), 'template'), auto_reload=True)

# the Factur-X profile EN 16931 (a CII D16B restricted to the European norm)
EN16931 = 'EN16931'
EN16931_GUIDELINE = 'urn:cen.eu:en16931:2017'
# the unit code of a line without unit: "one"
DEFAULT_UNIT_CODE = 'C62'


class TaxTotal:
    "A VAT breakdown of the invoice as the EN 16931 lists it"
    __slots__ = ('tax', 'base', 'amount')

    def __init__(self, tax, base, amount):
        self.tax = tax
        self.base = base
        self.amount = amount


class UNCEFACTInvoice(metaclass=PoolMeta):
    __name__ = 'edocument.uncefact.invoice'

    def render(self, template):
        # Chorus Pro reads the service code and the commitment number that
        # only the EN 16931 template fills
        if Transaction().context.get('account_fr_chorus') and not template:
            template = EN16931
        return super().render(template)

    def _get_template(self, version):
        if version == EN16931:
            return loader.load(
                os.path.join(version, 'CrossIndustryInvoice.xml'))
        return super()._get_template(version)

    @property
    def guideline(self):
        return EN16931_GUIDELINE

    @cached_property
    def buyer_reference(self):
        "The Chorus Pro service code of a public buyer (BT-10)"
        if self.invoice.type == 'out' and self.invoice.party.chorus:
            return self.invoice.party.chorus_service_code

    @cached_property
    def buyer_order_reference(self):
        "The commitment number or the buyer's reference (BT-13)"
        if self.invoice.type == 'out':
            return self.invoice.chorus_commitment or self.invoice.reference

    def line_sign(self, line):
        "The sign of the billed quantity, so that the net price is positive"
        sign = self.type_sign
        if (line.unit_price or 0) < 0:
            sign = -sign
        return sign

    def line_unit_code(self, line):
        if line.unit and line.unit.unece_code:
            return line.unit.unece_code
        return DEFAULT_UNIT_CODE

    def tax_type_code(self, tax):
        return (tax and tax.unece_code) or 'VAT'

    def tax_category_code(self, tax):
        if tax is None:
            return 'E'
        return tax.unece_category_code or ('S' if tax.rate else 'Z')

    def tax_rate(self, tax):
        if tax is None or tax.type != 'percentage':
            return Decimal(0)
        return (tax.rate * 100).normalize()

    @cached_property
    def untaxed_lines_base(self):
        "The amount of the lines without tax, outside the VAT breakdowns"
        return sum(
            (l.amount for l in self.lines if not l.taxes), Decimal(0))

    @cached_property
    def tax_totals(self):
        """The VAT breakdown: one per category and rate, as the norm wants,
        even when the invoice books positive and negative bases apart"""
        totals = {}
        for invoice_tax in self.invoice.taxes:
            tax = invoice_tax.tax
            key = (
                self.tax_type_code(tax), self.tax_category_code(tax),
                self.tax_rate(tax))
            if key not in totals:
                totals[key] = TaxTotal(tax, Decimal(0), Decimal(0))
            totals[key].base += invoice_tax.base
            totals[key].amount += invoice_tax.amount
        totals = list(totals.values())
        if any(not l.taxes for l in self.lines):
            totals.append(TaxTotal(None, self.untaxed_lines_base, Decimal(0)))
        return totals

    def amount(self, value):
        "The amount signed for the type of document, as text"
        return format(self.invoice.currency.round(value) * self.type_sign, 'f')

    def quantity(self, line):
        quantity = Decimal(str(line.quantity or 0)) * self.line_sign(line)
        return format(quantity.normalize(), 'f')

    def net_price(self, line):
        return format(abs(line.unit_price or Decimal(0)), 'f')

    @classmethod
    def party_legal_ids(cls, party, address):
        ids = super().party_legal_ids(party, address)
        if not ids and address and getattr(address, 'siret', None):
            # ISO 6523 scheme 0009: the SIRET
            ids.append((address.siret.code_compact, {'schemeID': '0009'}))
        return ids
