# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import sys
from collections import defaultdict, namedtuple
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from itertools import groupby

from sql import Null
from sql.aggregate import Sum
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.food_aid.access import check_deletable, check_rule
from trytond.modules.food_aid.period import PeriodMixin, period_fields
from trytond.modules.product import price_digits
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import AllocationCancelError, AllocationValidationError

STRATEGIES = [
    ('fair_share', "Fair Share"),
    ('priority', "Priority"),
    ('lowest_price', "Lowest Price"),
    ]

# What the allocation arithmetic needs to know of an offer
Supply = namedtuple(
    'Supply', ['key', 'quantity', 'priority', 'date', 'unit_price'],
    defaults=[1, None, Decimal(0)])


def allocate(
        demand, supplies, strategy='fair_share', rounding=1,
        minimum=None, multiple=None):
    """Split the demand of one product between the supplies offered

    Quantities are numbers in the unit whose rounding is given; the result
    maps the key of each supply to the Decimal quantity it must deliver, a
    multiple of the rounding, never above the supply nor, in total, above
    the demand.  The result depends only on the supplies, not their order.

    With a packing multiple (a 5 kg crate, a 10-piece box) each quantity is
    a whole number of packs; with a minimum no supply gets less than it but
    nothing: what a producer cannot be given goes to the next producers or
    stays short.
    """
    rounding = Decimal(str(rounding))

    def units(quantity, ceiling=False):
        quantity = Decimal(str(quantity))
        if quantity <= 0:
            return 0
        return int((quantity / rounding).to_integral_value(
                ROUND_CEILING if ceiling else ROUND_FLOOR))

    # the quantities are counted in packs of step units
    step = max(units(multiple, ceiling=True), 1) if multiple else 1
    least = -(-units(minimum, ceiling=True) // step) if minimum else 0
    remaining = units(demand) // step
    available = {s.key: units(s.quantity) // step for s in supplies}
    excluded = {k for k, q in available.items() if q < max(least, 1)}
    while True:
        given = _share(
            remaining,
            [s for s in supplies if s.key not in excluded],
            {k: q for k, q in available.items() if k not in excluded},
            strategy)
        below = [k for k, q in given.items() if 0 < q < least]
        if not below:
            break
        # the smallest part is given up, the others share the demand again
        excluded.add(min(below, key=lambda k: (given[k], _key_order(k))))
    result = dict.fromkeys(available, Decimal(0))
    for key, packs in given.items():
        result[key] = packs * step * rounding
    return result


def _key_order(key):
    return (type(key).__name__, key)


def _share(remaining, supplies, available, strategy):
    "Share the remaining units between the available units of the supplies"
    given = dict.fromkeys(available, 0)

    def tier(supply):
        return supply.priority if supply.priority is not None else sys.maxsize

    def date(supply):
        return supply.date or dt.date.max

    if strategy == 'fair_share':
        ordered = sorted(supplies, key=lambda s: (tier(s), s.key))
        for _, tier_supplies in groupby(ordered, key=tier):
            if not remaining:
                break
            tier_supplies = [s for s in tier_supplies if available[s.key]]
            offered = sum(available[s.key] for s in tier_supplies)
            if offered <= remaining:
                for supply in tier_supplies:
                    given[supply.key] = available[supply.key]
                remaining -= offered
                continue
            # proportional shares, the units left over go to the largest
            # remainders, then to the largest offers, then by key
            shares = {
                s.key: divmod(available[s.key] * remaining, offered)
                for s in tier_supplies}
            for supply in tier_supplies:
                given[supply.key] = shares[supply.key][0]
            left = remaining - sum(q for q, _ in shares.values())
            by_remainder = sorted(tier_supplies, key=lambda s: (
                    -shares[s.key][1], -available[s.key], s.key))
            for supply in by_remainder[:left]:
                given[supply.key] += 1
            remaining = 0
    else:
        if strategy == 'priority':
            def order(supply):
                return (tier(supply), date(supply), supply.key)
        elif strategy == 'lowest_price':
            def order(supply):
                return (
                    supply.unit_price, tier(supply), date(supply), supply.key)
        else:
            raise ValueError(f'Unknown strategy {strategy!r}')
        for supply in sorted(supplies, key=order):
            quantity = min(available[supply.key], remaining)
            given[supply.key] = quantity
            remaining -= quantity
    return given


class Allocation(PeriodMixin, Workflow, ModelSQL, ModelView):
    "The split of a delivery period's demand between the group's producers"
    __name__ = 'food_aid.allocation'

    _states = {
        'readonly': ~Eval('state').in_(['draft', 'computed']),
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE',
        states=_states)
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True, ondelete='RESTRICT',
        domain=[('type', '=', 'warehouse')], states=_states,
        help="The warehouse that delivers the customers "
        "and receives the producers' deliveries.")
    date_start, date_end = period_fields(states=_states)
    _period_error = AllocationValidationError
    _period_message = 'food_aid_producer.msg_allocation_inverted_dates'
    strategy = fields.Selection(
        STRATEGIES, "Strategy", required=True, sort=False, states=_states,
        help="Fair share: by priority, then in proportion to the quantities "
        "offered.\n"
        "Priority: by priority, then first offered first served.\n"
        "Lowest price: the cheapest offers first.")
    lines = fields.One2Many(
        'food_aid.allocation.line', 'allocation', "Lines", readonly=True)
    shortfalls = fields.One2Many(
        'food_aid.allocation.shortfall', 'allocation', "Shortfalls",
        readonly=True)
    purchases = fields.Function(fields.Many2Many(
            'purchase.purchase', None, None, "Purchases"),
        'get_purchases')
    state = fields.Selection([
            ('draft', "Draft"),
            ('computed', "Computed"),
            ('confirmed', "Confirmed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date_start', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'computed'),
            ('computed', 'computed'),
            ('computed', 'draft'),
            ('computed', 'confirmed'),
            ('draft', 'cancelled'),
            ('computed', 'cancelled'),
            ('confirmed', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['computed', 'cancelled']),
                    'icon': If(Eval('state') == 'cancelled',
                        'tryton-undo', 'tryton-back'),
                    'depends': ['state'],
                    },
                'compute': {
                    'invisible': ~Eval('state').in_(['draft', 'computed']),
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'computed',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') == 'cancelled',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_warehouse(cls):
        return Pool().get('stock.location').get_default_warehouse()

    @staticmethod
    def default_strategy():
        return 'fair_share'

    @staticmethod
    def default_state():
        return 'draft'

    def get_rec_name(self, name):
        return (f'{self.warehouse.rec_name} '
            f'({self.date_start} - {self.date_end})')

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('warehouse.rec_name', *clause[1:])]

    def get_purchases(self, name):
        return sorted({
                l.purchase_line.purchase.id for l in self.lines
                if l.purchase_line})

    @classmethod
    def check_modification(
            cls, mode, allocations, values=None, external=False):
        super().check_modification(
            mode, allocations, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            check_rule(cls, allocations, mode)
        if mode == 'delete':
            check_deletable(allocations, {'draft', 'cancelled'},
                'food_aid_producer.msg_allocation_delete', 'allocation')

    @classmethod
    def copy(cls, allocations, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('lines')
        default.setdefault('shortfalls')
        return super().copy(allocations, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, allocations):
        cls._clear(allocations)

    @classmethod
    @ModelView.button
    @Workflow.transition('computed')
    def compute(cls, allocations):
        pool = Pool()
        Line = pool.get('food_aid.allocation.line')
        Shortfall = pool.get('food_aid.allocation.shortfall')
        cls._clear(allocations)
        lines, shortfalls = [], []
        for allocation in allocations:
            allocation_lines, allocation_shortfalls = allocation._compute()
            lines.extend(allocation_lines)
            shortfalls.extend(allocation_shortfalls)
        Line.save(lines)
        Shortfall.save(shortfalls)

    @classmethod
    def _clear(cls, allocations):
        pool = Pool()
        Line = pool.get('food_aid.allocation.line')
        Shortfall = pool.get('food_aid.allocation.shortfall')
        Line.delete([l for a in allocations for l in a.lines])
        Shortfall.delete([s for a in allocations for s in a.shortfalls])

    def _compute(self):
        "Return the lines and shortfalls of the allocation"
        pool = Pool()
        Product = pool.get('product.product')
        Offer = pool.get('food_aid.producer.offer')
        Membership = pool.get('food_aid.producer.membership')
        Line = pool.get('food_aid.allocation.line')
        Shortfall = pool.get('food_aid.allocation.shortfall')

        demands = self.get_demands()
        products = Product.browse(sorted(demands))
        offers = Offer.search(self._supply_domain(products), order=[
                ('date_start', 'ASC'), ('id', 'ASC')])
        priorities = Membership.priorities(
            self.company.id, {o.producer for o in offers},
            self.date_start, self.date_start)
        offers_by_product = defaultdict(list)
        for offer in offers:
            offers_by_product[offer.product.id].append(offer)

        lines, shortfalls = [], []
        for product in products:
            demand = demands[product.id]
            product_offers = {o.id: o for o in offers_by_product[product.id]}
            quantities = allocate(demand, [
                    Supply(
                        key=o.id, quantity=o.remaining_quantity,
                        priority=priorities.get(o.producer.id),
                        date=o.date_start, unit_price=o.unit_price)
                    for o in product_offers.values()],
                strategy=self.strategy, rounding=product.default_uom.rounding,
                minimum=product.template.producer_minimum_quantity,
                multiple=product.template.producer_packing_multiple)
            allocated = 0
            for offer_id, quantity in sorted(quantities.items()):
                if not quantity:
                    continue
                offer = product_offers[offer_id]
                lines.append(Line(
                        allocation=self, product=product,
                        producer=offer.producer, offer=offer,
                        quantity=float(quantity),
                        unit_price=offer.unit_price))
                allocated += quantity
            allocated = product.default_uom.round(float(allocated))
            missing = product.default_uom.round(demand - allocated)
            if missing > 0:
                shortfalls.append(Shortfall(
                        allocation=self, product=product,
                        demand=demand, allocated=allocated, missing=missing))
        return lines, shortfalls

    def _supply_domain(self, products):
        "The domain of the open offers overlapping the period"
        return [
            ('company', '=', self.company.id),
            ('state', '=', 'open'),
            ('product', 'in', [p.id for p in products]),
            ('date_start', '<=', self.date_end),
            ('date_end', '>=', self.date_start),
            ]

    def get_demands(self):
        """Return the quantity of each product that the producers must supply

        That is what the confirmed sales must deliver from the warehouse in
        the period, less the stock forecast to be there at its start and
        what other confirmed allocations of the period already cover.
        """
        pool = Pool()
        Product = pool.get('product.product')
        Date = pool.get('ir.date')

        ordered = self.get_ordered_quantities()
        if not ordered:
            return {}
        covered = self.get_covered_quantities()
        today = Date.today()
        # the forecast counts what is planned until the eve of the period
        date = max(today, self.date_start - dt.timedelta(days=1))
        with Transaction().set_context(
                company=self.company.id, stock_date_end=date):
            stock = Product.products_by_location(
                [self.warehouse.id], with_childs=True,
                grouping_filter=(list(ordered),))
        demands = {}
        for product in Product.browse(list(ordered)):
            available = max(stock.get((self.warehouse.id, product.id), 0), 0)
            demand = product.default_uom.round(
                ordered[product.id] - available
                - covered.get(product.id, 0))
            if demand > 0:
                demands[product.id] = demand
        return demands

    def get_ordered_quantities(self):
        """Return the quantity per product to deliver by confirmed sales

        Read from the sale lines, not their moves, so that the sales whose
        moves are not yet created (delayed processing) count too.
        """
        pool = Pool()
        Move = pool.get('stock.move')
        Product = pool.get('product.product')
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        IgnoredMove = pool.get('sale.line-ignored-stock.move')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        move = Move.__table__()
        ignored = IgnoredMove.__table__()
        product = Product.__table__()
        sale = Sale.__table__()
        sale_line = SaleLine.__table__()
        template = Template.__table__()
        line_unit = Uom.__table__()
        product_unit = Uom.__table__()
        cursor = Transaction().connection.cursor()

        # what is done, or cancelled and not to be shipped again, is not due
        settled = (move
            .join(ignored, 'LEFT', condition=ignored.move == move.id)
            .select(
                Move.origin.sql_id(move.origin, Move).as_('line'),
                Sum(move.internal_quantity).as_('quantity'),
                where=move.origin.like('sale.line,%')
                & ((move.state == 'done')
                    | ((move.state == 'cancelled')
                        & (ignored.id != Null))),
                group_by=[move.origin]))
        shipping_date = Coalesce(sale.shipping_date, sale.sale_date)
        ordered = (sale_line.quantity * line_unit.factor / product_unit.factor
            - Coalesce(settled.quantity, 0))
        query = (sale_line
            .join(sale, condition=sale_line.sale == sale.id)
            .join(product, condition=sale_line.product == product.id)
            .join(template, condition=product.template == template.id)
            .join(line_unit, condition=sale_line.unit == line_unit.id)
            .join(product_unit,
                condition=template.default_uom == product_unit.id)
            .join(settled, 'LEFT', condition=settled.line == sale_line.id)
            .select(sale_line.product, Sum(ordered),
                where=(sale_line.type == 'line')
                & (sale_line.quantity > 0)
                & (template.type == 'goods')
                & (sale.company == self.company.id)
                & (sale.warehouse == self.warehouse.id)
                & sale.state.in_(['confirmed', 'processing'])
                & (shipping_date >= self.date_start)
                & (shipping_date <= self.date_end),
                group_by=[sale_line.product]))
        cursor.execute(*query)
        return {product: quantity for product, quantity in cursor
            if quantity and quantity > 0}

    def get_covered_quantities(self):
        "Return the quantity per product of other confirmed allocations"
        pool = Pool()
        Line = pool.get('food_aid.allocation.line')
        allocation = self.__table__()
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*line.join(allocation,
                condition=line.allocation == allocation.id
                ).select(line.product, Sum(line.quantity),
                where=(allocation.state == 'confirmed')
                & (allocation.id != self.id)
                & (allocation.company == self.company.id)
                & (allocation.warehouse == self.warehouse.id)
                & (allocation.date_start <= self.date_end)
                & (allocation.date_end >= self.date_start),
                group_by=[line.product]))
        return dict(cursor)

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, allocations):
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        PurchaseLine = pool.get('purchase.line')
        Line = pool.get('food_aid.allocation.line')

        purchases, purchase_lines, lines = [], [], []
        for allocation in allocations:
            # the taxes and accounts are the allocation's garden's, whichever
            # company the user works in
            with Transaction().set_context(company=allocation.company.id):
                allocation = cls(allocation.id)
                producers = defaultdict(list)
                for line in allocation.lines:
                    producers[line.get_purchase_party()].append(line)
                for producer in sorted(producers, key=lambda p: p.id):
                    purchase = allocation._get_purchase(producer)
                    purchases.append(purchase)
                    for line in producers[producer]:
                        purchase_lines.append(
                            (purchase, line.get_purchase_line(purchase)))
                        lines.append(line)
        Purchase.save(purchases)
        for purchase, purchase_line in purchase_lines:
            purchase_line.purchase = purchase
        PurchaseLine.save([l for _, l in purchase_lines])
        for line, (_, purchase_line) in zip(lines, purchase_lines):
            line.purchase_line = purchase_line
        Line.save(lines)

    def _get_purchase(self, producer):
        "Return the purchase of the allocation to the producer"
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        Date = pool.get('ir.date')
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
        purchase = Purchase(
            company=self.company, party=producer, warehouse=self.warehouse,
            currency=self.company.currency, purchase_date=today,
            delivery_date=max(self.date_start, today), origin=self)
        purchase.on_change_party()
        return purchase

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, allocations):
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        purchases = Purchase.browse(
            {p for a in allocations for p in a.purchases})
        for purchase in purchases:
            if purchase.state not in {'draft', 'quotation', 'cancelled'}:
                raise AllocationCancelError(gettext(
                        'food_aid_producer.msg_allocation_cancel_purchase',
                        purchase=purchase.rec_name))
        Purchase.cancel([p for p in purchases if p.state != 'cancelled'])


class AllocationLine(ModelSQL, ModelView):
    "The quantity of an offer given to its producer by an allocation"
    __name__ = 'food_aid.allocation.line'

    allocation = fields.Many2One(
        'food_aid.allocation', "Allocation", required=True,
        ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", required=True, ondelete='RESTRICT')
    producer = fields.Many2One(
        'party.party', "Producer", required=True, ondelete='RESTRICT')
    offer = fields.Many2One(
        'food_aid.producer.offer', "Offer", ondelete='RESTRICT')
    quantity = fields.Float(
        "Quantity", digits='unit', required=True,
        domain=[('quantity', '>', 0)])
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    unit_price = fields.Numeric(
        "Unit Price", digits=price_digits, required=True)
    amount = fields.Function(
        Monetary("Amount", currency='currency', digits='currency'),
        'get_amount')
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    purchase_line = fields.Many2One(
        'purchase.line', "Purchase Line", readonly=True,
        ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('allocation')
        cls._order = [
            ('allocation', 'ASC'),
            ('product', 'ASC'),
            ('quantity', 'DESC'),
            ('id', 'ASC'),
            ]

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    @fields.depends('allocation', '_parent_allocation.company')
    def on_change_with_currency(self, name=None):
        if self.allocation and self.allocation.company:
            return self.allocation.company.currency

    def get_amount(self, name):
        return self.currency.round(
            Decimal(str(self.quantity)) * self.unit_price)

    def get_purchase_party(self):
        "Return the supplier of the purchase that orders the line"
        return self.producer

    def get_purchase_line(self, purchase):
        "Return the purchase line that orders the allocated quantity"
        pool = Pool()
        PurchaseLine = pool.get('purchase.line')
        line = PurchaseLine(
            purchase=purchase, type='line', product=self.product,
            quantity=self.quantity)
        line.on_change_product()
        line.unit = self.product.default_uom
        line.quantity = self.quantity
        line.unit_price = self.unit_price
        return line


class AllocationShortfall(ModelSQL, ModelView):
    "The quantity of a product the producers cannot supply for a period"
    __name__ = 'food_aid.allocation.shortfall'

    allocation = fields.Many2One(
        'food_aid.allocation', "Allocation", required=True,
        ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", required=True, ondelete='RESTRICT')
    demand = fields.Float("Demand", digits='unit', required=True)
    allocated = fields.Float("Allocated", digits='unit', required=True)
    missing = fields.Float("Missing", digits='unit', required=True)
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('allocation')
        cls._order = [
            ('allocation', 'ASC'),
            ('product', 'ASC'),
            ('id', 'ASC'),
            ]

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None
