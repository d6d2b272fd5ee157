# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation

import facturx
from lxml import etree

from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .exceptions import EInvoiceImportError

NAMESPACES = {
    'rsm': 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
    'ram': 'urn:un:unece:uncefact:data:standard:'
    'ReusableAggregateBusinessInformationEntity:100',
    'udt': 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
    }
ROOT_TAG = '{%s}CrossIndustryInvoice' % NAMESPACES['rsm']


class EInvoice:
    "The content of a Cross Industry Invoice that the matching needs"
    __slots__ = (
        'number', 'type_code', 'date', 'currency', 'seller_name',
        'seller_ids', 'order_reference', 'lines', 'total')


class EInvoiceLine:
    __slots__ = ('code', 'name', 'quantity', 'unit_code', 'unit_price')


def _text(element, path):
    found = element.find(path, NAMESPACES)
    if found is not None and found.text:
        return found.text.strip()


def _decimal(element, path, default=None):
    value = _text(element, path)
    if value is None:
        return default
    return Decimal(value)


def parse_cross_industry_invoice(data):
    """Return the EInvoice of a Factur-X PDF or a CII XML file
    or raise ValueError with the reason"""
    if data[:5] == b'%PDF-':
        try:
            _, xml = facturx.get_facturx_xml_from_pdf(data, check_xsd=False)
        except Exception as exception:
            raise ValueError(str(exception)) from exception
        if not xml:
            raise ValueError("the PDF has no Factur-X XML embedded")
    else:
        xml = data
    try:
        root = etree.fromstring(
            xml, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exception:
        raise ValueError(str(exception)) from exception
    if root.tag != ROOT_TAG:
        raise ValueError(f"{root.tag} is not a Cross Industry Invoice")
    try:
        facturx.xml_check_xsd(root, flavor='factur-x')
    except Exception as exception:
        raise ValueError(str(exception)) from exception

    document = EInvoice()
    document.number = _text(root, 'rsm:ExchangedDocument/ram:ID')
    document.type_code = _text(root, 'rsm:ExchangedDocument/ram:TypeCode')
    date = _text(
        root, 'rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString')
    try:
        document.date = dt.datetime.strptime(date or '', '%Y%m%d').date()
    except ValueError as exception:
        raise ValueError(f"wrong issue date {date!r}") from exception
    transaction = root.find('rsm:SupplyChainTradeTransaction', NAMESPACES)
    agreement = transaction.find(
        'ram:ApplicableHeaderTradeAgreement', NAMESPACES)
    settlement = transaction.find(
        'ram:ApplicableHeaderTradeSettlement', NAMESPACES)
    seller = agreement.find('ram:SellerTradeParty', NAMESPACES)
    document.seller_name = _text(seller, 'ram:Name')
    document.seller_ids = [
        e.text.replace(' ', '') for e in seller.iterfind(
            'ram:SpecifiedLegalOrganization/ram:ID', NAMESPACES)
        if e.text] + [
        e.text.replace(' ', '') for e in seller.iterfind(
            'ram:SpecifiedTaxRegistration/ram:ID', NAMESPACES)
        if e.text]
    document.order_reference = _text(
        agreement, 'ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID')
    document.currency = _text(settlement, 'ram:InvoiceCurrencyCode')
    document.total = _decimal(
        settlement, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation'
        '/ram:TaxBasisTotalAmount')
    document.lines = []
    for item in transaction.iterfind(
            'ram:IncludedSupplyChainTradeLineItem', NAMESPACES):
        line = EInvoiceLine()
        line.code = (
            _text(item, 'ram:SpecifiedTradeProduct/ram:SellerAssignedID')
            or _text(item, 'ram:SpecifiedTradeProduct/ram:BuyerAssignedID'))
        line.name = _text(item, 'ram:SpecifiedTradeProduct/ram:Name')
        quantity = item.find(
            'ram:SpecifiedLineTradeDelivery/ram:BilledQuantity', NAMESPACES)
        try:
            line.quantity = Decimal(quantity.text.strip())
            price = _decimal(
                item, 'ram:SpecifiedLineTradeAgreement'
                '/ram:NetPriceProductTradePrice/ram:ChargeAmount')
            basis = _decimal(
                item, 'ram:SpecifiedLineTradeAgreement'
                '/ram:NetPriceProductTradePrice/ram:BasisQuantity',
                Decimal(1)) or Decimal(1)
        except (AttributeError, InvalidOperation) as exception:
            raise ValueError(
                f"wrong quantity or price on line {line.name!r}"
                ) from exception
        line.unit_price = price / basis
        line.unit_code = quantity.get('unitCode')
        document.lines.append(line)
    if not document.lines:
        raise ValueError("the invoice has no line")
    return document


def received_quantity(purchase_line):
    """The quantity weighed at reception for the purchase line, less what went
    back to the producer, whatever the invoice method of the purchase"""
    pool = Pool()
    Uom = pool.get('product.uom')
    if purchase_line.product.type == 'service':
        return purchase_line.quantity
    quantity = 0
    for move in purchase_line.moves:
        if move.state != 'done':
            continue
        moved = Uom.compute_qty(move.unit, move.quantity, purchase_line.unit)
        if (move.from_location.type == 'supplier'
                and move.to_location.type != 'supplier'):
            quantity += moved
        elif (move.to_location.type == 'supplier'
                and move.from_location.type != 'supplier'):
            quantity -= moved
    return quantity


class Incoming(metaclass=PoolMeta):
    __name__ = 'document.incoming'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.type.selection.append(
            ('producer_invoice', "Producer E-Invoice"))

    def _process_producer_invoice(self):
        """Turn the producer's Factur-X or CII file into a draft supplier
        invoice on the purchases of the allocations"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        try:
            einvoice = parse_cross_industry_invoice(self.data or b'')
        except ValueError as exception:
            raise EInvoiceImportError(gettext(
                    'food_aid_einvoicing.msg_einvoice_invalid',
                    document=self.rec_name, error=str(exception)[:500]))
        invoice = self._process_supplier_invoice()
        producer = self._einvoice_producer(einvoice)
        invoice.party = producer
        invoice.on_change_party()
        invoice.reference = einvoice.number
        invoice.invoice_date = einvoice.date
        self._check_einvoice_duplicate(invoice)

        purchase_lines = self._einvoice_purchase_lines(invoice, einvoice)
        lines, emptied = self._einvoice_invoice_lines(
            invoice, einvoice, purchase_lines)
        invoice.lines = lines
        invoice.einvoice_state = 'matched'
        Invoice.save([invoice])
        if emptied:
            Invoice.delete(emptied)
        Invoice.update_taxes([invoice])
        invoice = Invoice(invoice.id)
        if any(l.has_einvoice_difference for l in invoice.lines):
            Invoice.write([invoice], {'einvoice_state': 'to_accept'})
        self.parsed_data = {
            'number': einvoice.number,
            'date': einvoice.date.isoformat(),
            'seller': einvoice.seller_name,
            'untaxed_amount': str(einvoice.total),
            }
        return Invoice(invoice.id)

    def _einvoice_producer(self, einvoice):
        "Return the producer who issued the e-invoice"
        pool = Pool()
        Identifier = pool.get('party.identifier')
        Party = pool.get('party.party')
        codes = set(einvoice.seller_ids)
        # a SIRET also names the SIREN of its company
        codes |= {c[:9] for c in codes if len(c) == 14 and c.isdigit()}
        parties = set()
        if codes:
            parties = {i.party for i in Identifier.search([
                        ('code_compact', 'in', list(codes)),
                        ('type', 'in', ['fr_siret', 'fr_siren', 'eu_vat']),
                        ])}
        elif einvoice.seller_name:
            parties = set(Party.search([
                        ('name', 'ilike', einvoice.seller_name),
                        ]))
        producers = [p for p in parties if p.is_producer]
        if len(producers) != 1:
            raise EInvoiceImportError(gettext(
                    'food_aid_einvoicing.msg_einvoice_unknown_producer',
                    document=self.rec_name,
                    seller=einvoice.seller_name or '',
                    ids=', '.join(sorted(einvoice.seller_ids))))
        return producers[0]

    def _check_einvoice_duplicate(self, invoice):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        duplicates = Invoice.search([
                ('company', '=', invoice.company.id),
                ('type', '=', 'in'),
                ('party', '=', invoice.party.id),
                ('reference', '=', invoice.reference),
                ('state', '!=', 'cancelled'),
                ], limit=1)
        if duplicates:
            duplicate, = duplicates
            raise EInvoiceImportError(gettext(
                    'food_aid_einvoicing.msg_einvoice_duplicate',
                    document=self.rec_name, number=invoice.reference,
                    invoice=duplicate.rec_name))

    def _einvoice_purchase_lines(self, invoice, einvoice):
        "Return the purchase lines of the allocations to the producer"
        pool = Pool()
        PurchaseLine = pool.get('purchase.line')
        with without_check_access():
            lines = PurchaseLine.search([
                    ('purchase.company', '=', invoice.company.id),
                    ('purchase.party', '=', invoice.party.id),
                    ('purchase.state', 'in', ['processing', 'done']),
                    ('purchase.origin', 'like', 'food_aid.allocation,%'),
                    ('type', '=', 'line'),
                    ('product', '!=', None),
                    ],
                order=[('purchase.purchase_date', 'ASC'), ('id', 'ASC')])
        if einvoice.order_reference:
            ordered = [
                l for l in lines
                if einvoice.order_reference in {
                    l.purchase.number, l.purchase.reference}]
            lines = ordered or lines
        if not lines:
            raise EInvoiceImportError(gettext(
                    'food_aid_einvoicing.msg_einvoice_no_purchase',
                    document=self.rec_name, producer=invoice.party.rec_name))
        return lines

    def _einvoice_invoice_lines(self, invoice, einvoice, purchase_lines):
        """Return the invoice lines of the e-invoice, each on the purchase
        line it matches, and the draft invoices they leave empty"""
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        Uom = pool.get('product.uom')
        by_code, by_name = defaultdict(list), defaultdict(list)
        for purchase_line in purchase_lines:
            product = purchase_line.product
            if product.code:
                by_code[product.code].append(purchase_line)
            by_name[product.name.lower()].append(purchase_line)
        units = {u.unece_code: u for u in Uom.search([
                    ('unece_code', 'in', list(
                            {l.unit_code for l in einvoice.lines})),
                    ])}
        lines, moved, taken = [], set(), set()
        used = defaultdict(float)
        for eline in einvoice.lines:
            candidates = (
                by_code.get(eline.code) or by_name.get(
                    (eline.name or '').lower()))
            if not candidates:
                raise EInvoiceImportError(gettext(
                        'food_aid_einvoicing.msg_einvoice_line_unmatched',
                        document=self.rec_name, line=eline.name or '',
                        producer=invoice.party.rec_name))
            purchase_line = candidates[0]
            unit = purchase_line.unit
            quantity, unit_price = eline.quantity, eline.unit_price
            eunit = units.get(eline.unit_code)
            if eunit and eunit != unit and eunit.category == unit.category:
                quantity = Decimal(str(Uom.compute_qty(
                            eunit, float(quantity), unit, round=False)))
                unit_price = Uom.compute_price(eunit, unit_price, unit)
            draft_lines = [
                l for l in purchase_line.invoice_lines
                if l.invoice and l.invoice.state == 'draft'
                and not l.invoice.einvoice_state]
            invoiced = sum(
                Uom.compute_qty(l.unit or unit, l.quantity or 0, unit)
                for l in purchase_line.invoice_lines
                if l not in draft_lines
                and (not l.invoice or l.invoice.state != 'cancelled'))
            weighed = unit.round(max(
                    received_quantity(purchase_line) - invoiced
                    - used[purchase_line], 0))
            used[purchase_line] += weighed
            if draft_lines:
                # the e-invoice takes the place of the draft lines that the
                # purchase created
                line = draft_lines[0]
                moved.update(l.invoice for l in draft_lines)
                taken.update(l.id for l in draft_lines)
                InvoiceLine.delete(draft_lines[1:])
            else:
                line = InvoiceLine(
                    type='line', origin=purchase_line,
                    product=purchase_line.product, unit=unit,
                    description=purchase_line.description,
                    taxes=purchase_line.taxes)
                line.account = purchase_line.product.account_expense_used
            line.invoice_type = 'in'
            line.company = invoice.company
            line.currency = invoice.currency
            line.party = invoice.party
            line.quantity = unit.round(float(quantity))
            line.unit_price = unit_price.quantize(
                Decimal(1) / 10 ** InvoiceLine.unit_price.digits[1])
            line.weighed_quantity = weighed
            line.agreed_unit_price = purchase_line.unit_price
            lines.append(line)
        emptied = [i for i in moved if {l.id for l in i.lines} <= taken]
        return lines, emptied
