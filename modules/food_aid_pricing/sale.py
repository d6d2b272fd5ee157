# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from collections import defaultdict, namedtuple
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.food_aid.report import DocumentMixin
from trytond.modules.food_aid.sale import sale_date
from trytond.modules.product import price_digits, round_price
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, Id
from trytond.transaction import Transaction, without_check_access

from .exceptions import PriceOverrideError
from .fee import KINDS, fee_kind_label, kind_field_names

# The fields of a sale line whose change recomputes its price composition
COMPOSITION_FIELDS = {
    'type', 'product', 'quantity', 'unit', 'order_fee', 'sale'}
# The fields of a sale line whose change checks its price against it
PRICE_CHECK_FIELDS = COMPOSITION_FIELDS | {'unit_price'}
# The fields of a sale whose change reprices its draft lines
REPRICE_FIELDS = {'channel', 'sale_date', 'currency', 'company'}

BreakdownPart = namedtuple(
    'BreakdownPart', ['key', 'label', 'amount', 'share'])


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    household_tier = fields.Function(fields.Many2One(
            'food_aid.household_tier', "Household Tier",
            states={
                'invisible': ~Eval('household_tier'),
                },
            help="The income tier of the basket household."),
        'on_change_with_household_tier')
    producer_amount = fields.Function(Monetary(
            "Producers", digits='currency', currency='currency',
            help="The part of the untaxed amount that pays the producers "
            "their fair price."),
        'get_price_breakdown')
    logistics_fee_amount = fields.Function(Monetary(
            "Logistics Fees", digits='currency', currency='currency'),
        'get_price_breakdown')
    packing_fee_amount = fields.Function(Monetary(
            "Packing Fees", digits='currency', currency='currency'),
        'get_price_breakdown')
    transport_fee_amount = fields.Function(Monetary(
            "Transport Fees", digits='currency', currency='currency'),
        'get_price_breakdown')
    admin_fee_amount = fields.Function(Monetary(
            "Administration Fees", digits='currency', currency='currency'),
        'get_price_breakdown')
    solidarity_fund_fee_amount = fields.Function(Monetary(
            "Solidarity Fund Fees", digits='currency', currency='currency'),
        'get_price_breakdown')
    fee_amount = fields.Function(Monetary(
            "Fees", digits='currency', currency='currency',
            help="The platform fees of all kinds."),
        'get_price_breakdown')
    price_adjustment_amount = fields.Function(Monetary(
            "Other Lines and Adjustments", digits='currency',
            currency='currency',
            help="The lines without price composition and the unit prices "
            "set by a manager above or below their composition."),
        'get_price_breakdown')

    @fields.depends('party', 'channel')
    def on_change_with_household_tier(self, name=None):
        if (self.party and self.channel and self.channel.kind == 'basket'
                and self.party.household_tier):
            return self.party.household_tier

    def price_parts(self):
        "Return the untaxed amount split between producers, fee kinds and rest"
        parts = defaultdict(Decimal)
        for line in self.lines:
            for key, amount in line.price_parts().items():
                parts[key] += amount
        return parts

    @classmethod
    def get_price_breakdown(cls, sales, names):
        kind_fields = kind_field_names()
        result = {name: {} for name in names}
        for sale in sales:
            parts = sale.price_parts()
            values = {
                'producer_amount': parts['producer'],
                'price_adjustment_amount': parts['adjustment'],
                'fee_amount': sum(
                    (parts[k] for k in kind_fields), Decimal(0)),
                }
            for kind, name in kind_fields.items():
                values[name] = parts[kind]
            for name in names:
                result[name][sale.id] = sale.currency.round(values[name])
        return result

    def price_breakdown(self):
        """Return the parts of the untaxed amount, each with its label and
        its share of the untaxed amount in percent"""
        parts = self.price_parts()
        total = sum(parts.values(), Decimal(0))
        labels = [
            ('producer', gettext('food_aid_pricing.msg_breakdown_producer'))]
        labels += [(kind, fee_kind_label(kind)) for kind, _ in KINDS]
        labels.append(('adjustment',
                gettext('food_aid_pricing.msg_breakdown_adjustment')))
        breakdown = []
        for key, label in labels:
            amount = self.currency.round(parts.get(key, Decimal(0)))
            if not amount and key != 'producer':
                continue
            share = Decimal(0)
            if total:
                share = (amount * 100 / total).quantize(Decimal('0.1'))
            breakdown.append(BreakdownPart(key, label, amount, share))
        return breakdown

    @fields.depends('lines', 'channel', 'sale_date', 'company', 'currency',
        'party', 'invoice_party', methods=['on_change_lines'])
    def reprice_lines(self):
        "Recompute the unit price of the lines from the channel and date"
        for line in self.lines or []:
            line.sale = self
            if line.type == 'line' and line.product:
                line.unit_price = line.compute_unit_price()
                line.amount = line.on_change_with_amount()
        self.lines = self.lines
        self.on_change_lines()

    @fields.depends(methods=['reprice_lines'])
    def on_change_channel(self):
        self.reprice_lines()

    @fields.depends(methods=['reprice_lines'])
    def on_change_sale_date(self):
        self.reprice_lines()

    @classmethod
    def on_modification(cls, mode, sales, field_names=None):
        pool = Pool()
        Line = pool.get('sale.line')
        super().on_modification(mode, sales, field_names=field_names)
        if mode == 'write' and field_names & REPRICE_FIELDS:
            lines = [l for s in sales if s.state == 'draft' for l in s.lines]
            Line.update_price_composition(lines, reprice=True)

    @classmethod
    @ModelView.button
    @Workflow.transition('quotation')
    def quote(cls, sales):
        # the lines of fees that no longer apply are left out of the sales'
        # lines: Tryton's quote saves them once, deleting those left out
        for sale in sales:
            sale.set_order_fees()
        super().quote(sales)

    def applicable_order_fees(self):
        "Return the per-order fees that the sale pays"
        pool = Pool()
        Fee = pool.get('food_aid.fee')
        Product = pool.get('product.product')
        if not self.company:
            return []
        goods = {
            l.product.id for l in self.lines
            if l.type == 'line' and l.product and not l.order_fee
            and l.product.type != 'service' and (l.quantity or 0) > 0}
        if not goods:
            return []
        # browsed together, the products read their categories at once
        products = Product.browse(list(goods))
        categories = set().union(
            *(Fee.product_categories(p) for p in products))
        with without_check_access():
            fees = Fee.fees_in_force(
                self.company, sale_date(self), ['per_order'])
        return [f for f in fees if f.applies_to(self.channel, categories)]

    def set_order_fees(self):
        """Add one service line per per-order fee, update the lines already
        added and return the lines of fees that no longer apply"""
        fees = self.applicable_order_fees()
        removed = []
        lines = list(self.lines or [])
        charged = set()
        for line in self.lines:
            if line.type == 'line' and line.order_fee:
                if line.order_fee in fees and line.order_fee not in charged:
                    charged.add(line.order_fee)
                    line.unit_price = line.fee_line_unit_price()
                    line.amount = line.on_change_with_amount()
                else:
                    lines.remove(line)
                    removed.append(line)
        for fee in fees:
            if fee not in charged:
                lines.append(self.get_order_fee_line(fee, lines))
        self.lines = lines
        return removed

    def get_order_fee_line(self, fee, lines):
        "Return a new sale line that charges the per-order fee"
        pool = Pool()
        Line = pool.get('sale.line')
        sequence = None
        if lines and lines[-1].sequence is not None:
            sequence = lines[-1].sequence + 1
        line = Line(
            sale=self,
            sequence=sequence,
            type='line',
            product=fee.product,
            quantity=1,
            unit=fee.product.sale_uom,
            order_fee=fee,
            )
        line.on_change_product()
        line.description = fee.name
        line.unit_price = line.fee_line_unit_price()
        line.amount = line.on_change_with_amount()
        return line


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    producer_price = Monetary(
        "Producer Price", digits=price_digits, currency='currency',
        readonly=True,
        states={
            'invisible': Eval('type') != 'line',
            },
        help="The fair price paid to the producers per unit, "
        "or the cost price without fair price agreement.")
    fees = fields.One2Many(
        'food_aid.sale.line.fee', 'line', "Fees", readonly=True,
        states={
            'invisible': Eval('type') != 'line',
            })
    fee_unit_amount = fields.Function(Monetary(
            "Fees per Unit", digits=price_digits, currency='currency',
            states={
                'invisible': Eval('type') != 'line',
                }),
        'get_fee_unit_amount')
    price_composed = fields.Function(fields.Boolean(
            "Price Composed",
            help="The unit price is the producer price plus the fees."),
        'on_change_with_price_composed')
    price_overridden = fields.Function(fields.Boolean(
            "Price Overridden",
            states={
                'invisible': ~Eval('price_overridden'),
                },
            help="A manager set a unit price other than the producer price "
            "plus the fees."),
        'get_price_overridden')
    order_fee = fields.Many2One(
        'food_aid.fee', "Order Fee", readonly=True, ondelete='RESTRICT',
        states={
            'invisible': ~Eval('order_fee'),
            },
        help="The per-order fee that the line charges.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # only managers may set a unit price other than the composition
        cls.unit_price.states['readonly'] = (
            cls.unit_price.states.get('readonly', False)
            | (Bool(Eval('price_composed'))
                & ~Id('food_aid', 'group_food_aid_manager').in_(
                    Eval('context', {}).get('groups', []))))
        cls.unit_price.depends.add('order_fee')

    @fields.depends('producer_price')
    def on_change_with_price_composed(self, name=None):
        return self.producer_price is not None

    def get_fee_unit_amount(self, name):
        if self.producer_price is None:
            return None
        return sum((f.unit_amount for f in self.fees), Decimal(0))

    def composed_unit_price(self):
        "Return the producer price plus the fees per unit"
        if self.producer_price is None:
            return None
        return self.producer_price + sum(
            (f.unit_amount for f in self.fees), Decimal(0))

    def get_price_overridden(self, name):
        composed = self.composed_unit_price()
        return (composed is not None and self.unit_price is not None
            and self.unit_price != composed)

    def price_parts(self):
        """Return the line amount split into the producer part, each fee kind
        and the adjustment, so that they add up to the amount exactly"""
        parts = defaultdict(Decimal)
        if self.type != 'line':
            return parts
        amount = self.amount or Decimal(0)
        composed = self.composed_unit_price()
        if composed is None:
            parts['adjustment'] = amount
            return parts
        currency = self.sale.currency
        quantity = Decimal(str(self.quantity or 0))
        composed_amount = currency.round(quantity * composed)
        fee_total = Decimal(0)
        for fee in self.fees:
            fee_amount = currency.round(quantity * fee.unit_amount)
            parts[fee.kind] += fee_amount
            fee_total += fee_amount
        # the producers bear no rounding of the fees: it lands on their part
        parts['producer'] = composed_amount - fee_total
        parts['adjustment'] = amount - composed_amount
        return parts

    @fields.depends('order_fee', 'sale', '_parent_sale.sale_date',
        '_parent_sale.company', '_parent_sale.currency')
    def fee_line_unit_price(self):
        "Return the unit price of a line that charges a per-order fee"
        return round_price(self._in_sale_currency(self.order_fee.amount))

    @fields.depends('sale', '_parent_sale.sale_date', '_parent_sale.company',
        '_parent_sale.currency')
    def _in_sale_currency(self, amount):
        pool = Pool()
        Currency = pool.get('currency.currency')
        company = self.sale.company
        currency = self.sale.currency or company.currency
        if currency != company.currency:
            with Transaction().set_context(date=sale_date(self.sale)):
                amount = Currency.compute(
                    company.currency, amount, currency, round=False)
        return amount

    @classmethod
    def group_fair_prices(cls, company, products, date):
        """Return the group-wide fair price in force at date of each product
        for the groups of the company"""
        pool = Pool()
        ProducerPrice = pool.get('food_aid.producer.price')
        products = {int(p) for p in products}
        if not products:
            return {}
        with without_check_access():
            prices = ProducerPrice.search([
                    ('group.company', '=', int(company)),
                    ('group.active', '=', True),
                    ('producer', '=', None),
                    ('product', 'in', list(products)),
                    ['OR',
                        ('date_start', '=', None),
                        ('date_start', '<=', date),
                        ],
                    ['OR',
                        ('date_end', '=', None),
                        ('date_end', '>=', date),
                        ],
                    ])
            best = {}
            for price in prices:
                # the latest agreement, then the lowest price: a stable
                # choice when several groups agree a price
                key = (
                    -(price.date_start.toordinal() if price.date_start else 0),
                    price.unit_price, price.id)
                product = price.product.id
                if product not in best or key < best[product][0]:
                    best[product] = (key, price.unit_price)
        return {p: v for p, (_, v) in best.items()}

    @fields.depends(
        'type', 'product', 'unit', 'order_fee', 'sale',
        '_parent_sale.channel', '_parent_sale.sale_date',
        '_parent_sale.company', '_parent_sale.currency',
        methods=['_in_sale_currency', 'fee_line_unit_price'])
    def compute_price_composition(self, fees=None, fair_prices=None):
        """Return the producer price and the (fee, unit amount) of the per-unit
        and percentage fees, or None when the line has no composition

        fees and fair_prices may be given when computing many lines."""
        pool = Pool()
        Fee = pool.get('food_aid.fee')
        Uom = pool.get('product.uom')
        if (self.type != 'line' or not self.product or not self.sale
                or not self.sale.company):
            return None
        if self.order_fee:
            return Decimal(0), [(self.order_fee, self.fee_line_unit_price())]
        if self.product.type == 'service':
            return None
        company = self.sale.company
        date = sale_date(self.sale)
        product = self.product
        unit = self.unit or product.sale_uom
        with without_check_access(), \
                Transaction().set_context(company=company.id):
            if fees is None:
                fees = Fee.fees_in_force(
                    company, date, ['per_unit', 'percentage'])
            if fair_prices is None:
                fair_prices = self.group_fair_prices(company, [product], date)
            base_price = fair_prices.get(product.id)
            if base_price is None:
                base_price = product.cost_price or Decimal(0)
            producer_price = round_price(Uom.compute_price(
                    product.default_uom, self._in_sale_currency(base_price),
                    unit))
            categories = Fee.product_categories(product)
            amounts = []
            for fee in fees:
                if not fee.applies_to(self.sale.channel, categories):
                    continue
                if fee.computation == 'per_unit':
                    unit_amount = Uom.compute_price(
                        product.default_uom,
                        self._in_sale_currency(fee.amount), unit)
                elif fee.computation == 'percentage':
                    unit_amount = producer_price * fee.rate
                else:
                    continue
                amounts.append((fee, round_price(unit_amount)))
        return producer_price, amounts

    @fields.depends(
        'producer_price', 'fees', methods=['compute_price_composition'])
    def compute_unit_price(self):
        pool = Pool()
        LineFee = pool.get('food_aid.sale.line.fee')
        unit_price = super().compute_unit_price()
        composition = self.compute_price_composition()
        if composition is None:
            self.producer_price = None
            self.fees = []
            return unit_price
        producer_price, amounts = composition
        self.producer_price = producer_price
        self.fees = [
            LineFee(fee=fee, kind=fee.kind, unit_amount=amount)
            for fee, amount in amounts]
        return producer_price + sum((a for _, a in amounts), Decimal(0))

    @classmethod
    def price_compositions(cls, lines):
        """Yield each line of a draft sale with its price composition and the
        unit price it composes, computed with the fees and fair prices read
        once per company and date"""
        pool = Pool()
        Fee = pool.get('food_aid.fee')
        by_key = defaultdict(list)
        for line in lines:
            if line.type == 'line' and line.sale.state == 'draft':
                by_key[(line.sale.company, sale_date(line.sale))].append(line)
        with without_check_access():
            for (company, date), key_lines in by_key.items():
                fees = Fee.fees_in_force(
                    company, date, ['per_unit', 'percentage'])
                fair_prices = cls.group_fair_prices(
                    company, {l.product for l in key_lines if l.product},
                    date)
                for line in key_lines:
                    composition = line.compute_price_composition(
                        fees=fees, fair_prices=fair_prices)
                    if composition is None:
                        yield line, None, None
                    else:
                        producer_price, amounts = composition
                        yield line, composition, producer_price + sum(
                            (a for _, a in amounts), Decimal(0))

    @classmethod
    def update_price_composition(cls, lines, reprice=False):
        """Store the producer price and the fees of the lines of draft sales
        and, when reprice, set their unit price to the composition"""
        pool = Pool()
        LineFee = pool.get('food_aid.sale.line.fee')
        to_write, to_delete, to_create = [], [], []
        with without_check_access():
            for line, composition, unit_price in cls.price_compositions(
                    lines):
                producer_price, amounts = composition or (None, [])
                values = {}
                if line.producer_price != producer_price:
                    values['producer_price'] = producer_price
                if (reprice and unit_price is not None
                        and line.unit_price != unit_price):
                    values['unit_price'] = unit_price
                if values:
                    to_write.extend(([line], values))
                current = [(f.fee, f.unit_amount) for f in line.fees]
                if current != amounts:
                    to_delete.extend(line.fees)
                    to_create.extend(
                        LineFee(line=line, fee=fee, kind=fee.kind,
                            unit_amount=amount)
                        for fee, amount in amounts)
            LineFee.delete(to_delete)
            LineFee.save(to_create)
        if to_write:
            cls.write(*to_write)

    @classmethod
    def may_override_price(cls):
        "Whether the user may set a unit price other than the composition"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        if not Transaction().user:
            return True
        return ModelData.get_id('food_aid', 'group_food_aid_manager') in (
            User.get_groups())

    @classmethod
    def check_unit_price_override(cls, lines):
        "Refuse the lines of draft sales priced other than their composition"
        for line, _, composed in cls.price_compositions(lines):
            if composed is not None and line.unit_price != composed:
                raise PriceOverrideError(gettext(
                        'food_aid_pricing.msg_unit_price_override',
                        line=line.rec_name,
                        price=composed, unit_price=line.unit_price))

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if not external or mode == 'delete' or cls.may_override_price():
            return
        if mode == 'write':
            changed = values.keys() & PRICE_CHECK_FIELDS
            if not changed:
                return
            # the lines as the write leaves them
            lines = [
                cls(l.id, **{f: values[f] for f in changed}) for l in lines]
        cls.check_unit_price_override(lines)

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        super().on_modification(mode, lines, field_names=field_names)
        if mode == 'create' or (
                mode == 'write' and field_names & COMPOSITION_FIELDS):
            cls.update_price_composition(lines)

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('fees')
        return super().copy(lines, default=default)


class SaleLineFee(ModelSQL, ModelView):
    "The part of a fee in the unit price of a sale line"
    __name__ = 'food_aid.sale.line.fee'
    # no __access__ to the line: the warehouse reads sale lines, not their
    # fees; the breakdown has rights and a company rule of its own

    line = fields.Many2One(
        'sale.line', "Sale Line", required=True, ondelete='CASCADE')
    fee = fields.Many2One(
        'food_aid.fee', "Fee", required=True, ondelete='RESTRICT')
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    unit_amount = Monetary(
        "Unit Amount", digits=price_digits, currency='currency',
        required=True)
    amount = fields.Function(Monetary(
            "Amount", digits='currency', currency='currency'),
        'get_amount')
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('line', 'ASC'))
        cls._order.insert(1, ('kind', 'ASC'))

    @fields.depends('line', '_parent_line.currency')
    def on_change_with_currency(self, name=None):
        return self.line.currency if self.line else None

    @fields.depends('fee')
    def on_change_fee(self):
        if self.fee:
            self.kind = self.fee.kind

    def get_amount(self, name):
        quantity = Decimal(str(self.line.quantity or 0))
        return self.line.sale.currency.round(quantity * self.unit_amount)

    def get_rec_name(self, name):
        return f'{self.fee.rec_name} @ {self.line.rec_name}'


class SaleReport(DocumentMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['price_breakdown'] = lambda sale: sale.price_breakdown()
        # the modules that split the price between payers fill it
        context.setdefault('payer_split', None)
        return context
