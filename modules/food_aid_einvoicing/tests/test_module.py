# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import os
import unittest
from decimal import Decimal

from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.food_aid.tests.tools import untranslated
from trytond.modules.food_aid_einvoicing.document import (
    parse_cross_industry_invoice)
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


MINIMAL_CII = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice
 xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:\
ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext>
  <ram:GuidelineSpecifiedDocumentContextParameter>
   <ram:ID>urn:cen.eu:en16931:2017</ram:ID>
  </ram:GuidelineSpecifiedDocumentContextParameter>
 </rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:ID>F-1</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime>
   <udt:DateTimeString format="102">20261201</udt:DateTimeString>
  </ram:IssueDateTime>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>%(lines)s
  <ram:ApplicableHeaderTradeAgreement>
   <ram:SellerTradeParty><ram:Name>Ferme</ram:Name>
    <ram:SpecifiedLegalOrganization>
     <ram:ID schemeID="0009">44306184100047</ram:ID>
    </ram:SpecifiedLegalOrganization>
   </ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Jardin</ram:Name></ram:BuyerTradeParty>
   <ram:BuyerOrderReferencedDocument>
    <ram:IssuerAssignedID>P-7</ram:IssuerAssignedID>
   </ram:BuyerOrderReferencedDocument>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery/>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:ApplicableTradeTax><ram:CalculatedAmount>0</ram:CalculatedAmount>
    <ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>12.00</ram:BasisAmount>
    <ram:CategoryCode>E</ram:CategoryCode>
   </ram:ApplicableTradeTax>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>12.00</ram:LineTotalAmount>
    <ram:TaxBasisTotalAmount>12.00</ram:TaxBasisTotalAmount>
    <ram:GrandTotalAmount>12.00</ram:GrandTotalAmount>
    <ram:DuePayableAmount>12.00</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"""

LINE = b"""
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID>
   </ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedTradeProduct><ram:Name>Poireaux</ram:Name>
   </ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice>
    <ram:ChargeAmount>24.00</ram:ChargeAmount>
    <ram:BasisQuantity unitCode="KGM">10</ram:BasisQuantity>
   </ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery>
    <ram:BilledQuantity unitCode="KGM">5</ram:BilledQuantity>
   </ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement>
    <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode>
     <ram:CategoryCode>E</ram:CategoryCode>
    </ram:ApplicableTradeTax>
    <ram:SpecifiedTradeSettlementLineMonetarySummation>
     <ram:LineTotalAmount>12.00</ram:LineTotalAmount>
    </ram:SpecifiedTradeSettlementLineMonetarySummation>
   </ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>"""


class CrossIndustryInvoiceTestCase(unittest.TestCase):
    "Test the reading of the producers' e-invoices"

    def test_parse(self):
        "A CII gives its seller, references and lines"
        einvoice = parse_cross_industry_invoice(
            MINIMAL_CII % {b'lines': LINE})
        self.assertEqual(einvoice.number, 'F-1')
        self.assertEqual(einvoice.date.isoformat(), '2026-12-01')
        self.assertEqual(einvoice.seller_ids, ['44306184100047'])
        self.assertEqual(einvoice.order_reference, 'P-7')
        line, = einvoice.lines
        self.assertEqual(
            (line.name, line.quantity, line.unit_code, line.unit_price),
            ('Poireaux', 5, 'KGM', Decimal('2.40')))

    def test_not_xml(self):
        "A file that is neither XML nor PDF is refused"
        with self.assertRaises(ValueError):
            parse_cross_industry_invoice(b'Facture du 1er decembre')

    def test_not_cii(self):
        "An XML that is not a Cross Industry Invoice is refused"
        with self.assertRaisesRegex(ValueError, 'not a Cross Industry'):
            parse_cross_industry_invoice(
                b'<Invoice xmlns="urn:oasis:names:specification:ubl:'
                b'schema:xsd:Invoice-2"/>')

    def test_invalid_schema(self):
        "A CII without line breaks the EN 16931 schema and is refused"
        with self.assertRaisesRegex(ValueError, 'XML Schema'):
            parse_cross_industry_invoice(MINIMAL_CII % {b'lines': b''})

    def test_pdf_without_xml(self):
        "A PDF without Factur-X XML is refused"
        with self.assertRaises(ValueError):
            parse_cross_industry_invoice(b'%PDF-1.4\n%%EOF\n')


class FoodAidEInvoicingTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid E-Invoicing module"
    module = 'food_aid_einvoicing'

    @with_transaction()
    def test_french_translation_complete(self):
        "Every string of the module has its French translation"
        path = os.path.join(
            os.path.dirname(__file__), '..', 'locale', 'fr.po')
        missing = untranslated('food_aid_einvoicing', path)
        self.assertEqual(
            [f'{e.msgctxt} {e.msgid}' for e in missing], [])


del ModuleTestCase
