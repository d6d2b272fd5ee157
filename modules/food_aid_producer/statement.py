# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sql import Null
from sql.aggregate import Sum

from trytond.model import ModelView, fields
from trytond.modules.food_aid.access import check_company
from trytond.modules.food_aid.period import period_fields
from trytond.modules.food_aid.report import DocumentMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction
from trytond.wizard import Button, StateReport, StateView, Wizard


@dataclass
class StatementLine:
    "The figures of one product on a producer statement"
    product: object
    allocated_quantity: float = 0.
    allocated_amount: Decimal = Decimal(0)
    received_quantity: float = 0.
    invoiced_quantity: float = 0.
    invoiced_amount: Decimal = Decimal(0)
    fair_price: Decimal = None
    average_price: Decimal = None
    fair_amount: Decimal = None
    difference: Decimal = None

    @property
    def unit(self):
        return self.product.default_uom

    @property
    def amount(self):
        "What was paid if invoiced, otherwise what was agreed"
        if self.invoiced_quantity:
            return self.invoiced_amount
        return self.allocated_amount


class ProducerStatementStart(ModelView):
    "Producer Statement"
    __name__ = 'food_aid.producer.statement.start'

    company = fields.Many2One('company.company', "Company", required=True)
    producer = fields.Many2One(
        'party.party', "Producer", required=True,
        domain=[('is_producer', '=', True)],
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    date_start, date_end = period_fields()

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_date_start(cls):
        return Pool().get('ir.date').today().replace(day=1)

    @classmethod
    def default_date_end(cls):
        return Pool().get('ir.date').today()


class ProducerStatement(Wizard):
    "Print what a producer was allocated, delivered and paid over a period"
    __name__ = 'food_aid.producer.statement'

    start = StateView(
        'food_aid.producer.statement.start',
        'food_aid_producer.producer_statement_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('food_aid.producer.statement')

    def default_start(self, fields):
        context = Transaction().context
        defaults = {}
        if (context.get('active_model') == 'party.party'
                and context.get('active_id')):
            defaults['producer'] = context['active_id']
        return defaults

    def do_print_(self, action):
        return action, {
            'company': self.start.company.id,
            'producer': self.start.producer.id,
            'date_start': self.start.date_start,
            'date_end': self.start.date_end,
            }


class ProducerStatementReport(DocumentMixin, Report):
    "The producer statement: allocated, received, invoiced and fair price"
    __name__ = 'food_aid.producer.statement'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        context = super().get_context(records, header, data)
        company = Company(data['company'])
        check_company(company)
        producer = Party(data['producer'])
        date_start, date_end = data['date_start'], data['date_end']
        with Transaction().set_context(company=company.id):
            lines = cls.get_lines(company, producer, date_start, date_end)
        context['company'] = company
        context['producer'] = producer
        context['date_start'] = date_start
        context['date_end'] = date_end
        context['lines'] = lines
        context['total_allocated'] = sum(
            (l.allocated_amount for l in lines), Decimal(0))
        context['total_invoiced'] = sum(
            (l.invoiced_amount for l in lines), Decimal(0))
        context['total_amount'] = sum(
            (l.amount for l in lines), Decimal(0))
        context['total_difference'] = sum(
            (l.difference for l in lines if l.difference is not None),
            Decimal(0))
        return context

    @classmethod
    def get_lines(cls, company, producer, date_start, date_end):
        "Return the statement lines of the producer, one per product"
        pool = Pool()
        Price = pool.get('food_aid.producer.price')
        Product = pool.get('product.product')
        currency = company.currency

        allocated = cls._allocated(company, producer, date_start, date_end)
        received = cls._received_quantities(
            company, producer, date_start, date_end)
        invoiced = cls._invoiced(company, producer, date_start, date_end)
        products = Product.browse(
            sorted(set(allocated) | set(received) | set(invoiced)))
        fair_prices = Price.fair_prices(
            company.id, [(producer, p) for p in products], date_start)
        lines = []
        for product in products:
            unit = product.default_uom
            allocated_quantity, allocated_amount = allocated.get(
                product.id, (0., Decimal(0)))
            invoiced_quantity, invoiced_amount = invoiced.get(
                product.id, (0., Decimal(0)))
            statement_line = StatementLine(
                product=product,
                allocated_quantity=unit.round(allocated_quantity),
                allocated_amount=allocated_amount,
                received_quantity=unit.round(received.get(product.id, 0.)),
                invoiced_quantity=unit.round(invoiced_quantity),
                invoiced_amount=invoiced_amount,
                fair_price=fair_prices.get((producer.id, product.id)))
            # what was paid if invoiced, otherwise what was agreed
            if statement_line.invoiced_quantity:
                quantity = statement_line.invoiced_quantity
                amount = statement_line.invoiced_amount
            else:
                quantity = statement_line.allocated_quantity
                amount = statement_line.allocated_amount
            if quantity:
                statement_line.average_price = (
                    amount / Decimal(str(quantity))).quantize(
                    Decimal('0.0001'))
            if statement_line.fair_price is not None:
                statement_line.fair_amount = currency.round(
                    Decimal(str(quantity)) * statement_line.fair_price)
                statement_line.difference = (
                    amount - statement_line.fair_amount)
            lines.append(statement_line)
        return sorted(lines, key=lambda l: l.product.rec_name)

    @classmethod
    def _allocated(cls, company, producer, date_start, date_end):
        """Return the quantity and amount allocated to the producer per product

        The amounts are rounded per allocation line like the purchase lines.
        """
        pool = Pool()
        Allocation = pool.get('food_aid.allocation')
        Line = pool.get('food_aid.allocation.line')
        allocation = Allocation.__table__()
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        currency = company.currency

        cursor.execute(*line.join(allocation,
                condition=line.allocation == allocation.id
                ).select(line.product, line.quantity, line.unit_price,
                where=(line.producer == producer.id)
                & (allocation.company == company.id)
                & (allocation.state == 'confirmed')
                & (allocation.date_start <= date_end)
                & (allocation.date_end >= date_start)))
        allocated = defaultdict(lambda: (0., Decimal(0)))
        for product, quantity, unit_price in cursor:
            total_quantity, total_amount = allocated[product]
            allocated[product] = (
                total_quantity + quantity,
                total_amount + currency.round(
                    Decimal(str(quantity)) * Decimal(str(unit_price))))
        return allocated

    @classmethod
    def _received_quantities(cls, company, producer, date_start, date_end):
        "Return the quantity received from the producer per product"
        pool = Pool()
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        Purchase = pool.get('purchase.purchase')
        PurchaseLine = pool.get('purchase.line')
        location = Location.__table__()
        move = Move.__table__()
        purchase = Purchase.__table__()
        purchase_line = PurchaseLine.__table__()
        cursor = Transaction().connection.cursor()

        cursor.execute(*move
            .join(location, condition=move.from_location == location.id)
            .join(purchase_line, condition=(
                    Move.origin.sql_id(move.origin, Move) == purchase_line.id))
            .join(purchase, condition=purchase_line.purchase == purchase.id)
            .select(move.product, Sum(move.internal_quantity),
                where=move.origin.like('purchase.line,%')
                & (move.company == company.id)
                & (move.state == 'done')
                & (location.type == 'supplier')
                & (move.effective_date >= date_start)
                & (move.effective_date <= date_end)
                & (purchase.party == producer.id),
                group_by=[move.product]))
        return {product: quantity or 0. for product, quantity in cursor}

    @classmethod
    def _invoiced(cls, company, producer, date_start, date_end):
        """Return the quantity and amount invoiced by the producer per product

        The quantities are converted to the product's unit and the amounts
        rounded per invoice line like on the invoice.
        """
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        Product = pool.get('product.product')
        Uom = pool.get('product.uom')
        invoice = Invoice.__table__()
        line = InvoiceLine.__table__()
        cursor = Transaction().connection.cursor()
        currency = company.currency

        cursor.execute(*line
            .join(invoice, condition=line.invoice == invoice.id)
            .select(line.product, line.unit, line.quantity, line.unit_price,
                where=(invoice.company == company.id)
                & (invoice.type == 'in')
                & (invoice.party == producer.id)
                & invoice.state.in_(['posted', 'paid'])
                & (invoice.invoice_date >= date_start)
                & (invoice.invoice_date <= date_end)
                & (line.type == 'line')
                & (line.product != Null)))
        rows = cursor.fetchall()
        products = {p.id: p for p in Product.browse({r[0] for r in rows})}
        units = {u.id: u for u in Uom.browse({r[1] for r in rows if r[1]})}
        invoiced = defaultdict(lambda: (0., Decimal(0)))
        for product_id, unit_id, quantity, unit_price in rows:
            product = products[product_id]
            total_quantity, total_amount = invoiced[product_id]
            invoiced[product_id] = (
                total_quantity + Uom.compute_qty(
                    units.get(unit_id), quantity or 0., product.default_uom,
                    round=False),
                total_amount + currency.round(Decimal(str(quantity or 0.))
                    * Decimal(str(unit_price or 0))))
        return invoiced
