# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sql import Expression, Literal, Null, Union
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case, Coalesce, NullIf
from sql.functions import DateTrunc, Round

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.food_aid.product import FOOD_FAMILIES
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

SALE_STATES = ['confirmed', 'processing', 'done']
PURCHASE_STATES = ['confirmed', 'processing', 'done']
BROWSE_SLICE = 100
READ_SLICE = 1000


def unit_ids():
    "Return the ids of the kilogram and of the weight and unit categories"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    return {
        'kilogram': ModelData.get_id('product', 'uom_kilogram'),
        'weight': ModelData.get_id('product', 'uom_cat_weight'),
        'unit': ModelData.get_id('product', 'uom_unit'),
        'pieces': ModelData.get_id('product', 'uom_cat_unit'),
        }


def kilograms(quantity, unit, units):
    "The SQL expression of quantity in kilograms, 0 when not a weight"
    # the kilogram is the reference unit (factor 1) of the weight category
    return Case(
        (unit.category == units['weight'], quantity * unit.factor),
        else_=0.)


def pieces(quantity, unit, units):
    "The SQL expression of quantity in pieces, 0 when not counted in units"
    return Case(
        (unit.category == units['pieces'], quantity * unit.factor),
        else_=0.)


class TruncUnit(Expression):
    """The unit of DATE_TRUNC written in the query instead of a parameter,
    so that PostgreSQL sees the grouped and the selected dates as equal"""
    __slots__ = ('unit',)

    def __init__(self, unit):
        super().__init__()
        if unit not in {'year', 'month', 'day'}:
            raise ValueError(unit)
        self.unit = unit

    def __str__(self):
        return "'%s'" % self.unit

    @property
    def params(self):
        return ()


def truncate(unit, date):
    "The SQL expression of the date truncated to the unit"
    return DateTrunc(TruncUnit(unit), date)


def local_radius():
    "The radius in km within which a producer is local"
    pool = Pool()
    Configuration = pool.get('food_aid.reporting.configuration')
    return Configuration(1).get_local_radius()


def product_origin_query(
        company, from_date=None, to_date=None, radius=None,
        per_company=False):
    """Return a query of the share of each product bought locally

    The columns are product, local_ratio (the share of the quantity
    bought from producers within the radius) and producer_ratio (the share
    bought directly from producers); with per_company, also company: the
    shares of each company's own purchases.
    """
    pool = Pool()
    Purchase = pool.get('purchase.purchase')
    Line = pool.get('purchase.line')
    Party = pool.get('party.party')
    Uom = pool.get('product.uom')
    purchase = Purchase.__table__()
    line = Line.__table__()
    party = Party.__table__()
    unit = Uom.__table__()

    if radius is None:
        radius = local_radius()
    # within a product, quantities in their category's reference unit
    quantity = Coalesce(line.actual_quantity, line.quantity) * unit.factor
    is_producer = party.is_producer == Literal(True)
    is_local = is_producer & (party.distance_km != Null) & (
        party.distance_km <= radius)
    where = (purchase.state.in_(PURCHASE_STATES)
        & (line.type == 'line') & (line.product != Null))
    if company:
        where &= purchase.company == company
    if from_date:
        where &= purchase.purchase_date >= from_date
    if to_date:
        where &= purchase.purchase_date <= to_date
    total = NullIf(Sum(quantity), 0)
    group_by = [line.product]
    columns = []
    if per_company:
        group_by.append(purchase.company)
        columns.append(purchase.company.as_('company'))
    return (line
        .join(purchase, condition=line.purchase == purchase.id)
        .join(party, condition=purchase.party == party.id)
        .join(unit, condition=line.unit == unit.id)
        .select(
            line.product.as_('product'),
            *columns,
            (Sum(Case((is_local, quantity), else_=0.)) / total
                ).as_('local_ratio'),
            (Sum(Case((is_producer, quantity), else_=0.)) / total
                ).as_('producer_ratio'),
            where=where,
            group_by=group_by))


def labelled_templates_query(organic=False):
    "Return a query of the templates that carry a quality label"
    pool = Pool()
    TemplateLabel = pool.get('product.template-food_aid.quality_label')
    Label = pool.get('food_aid.quality_label')
    template_label = TemplateLabel.__table__()
    label = Label.__table__()
    where = label.active == Literal(True)
    if organic:
        where &= label.organic == Literal(True)
    return (template_label
        .join(label, condition=template_label.quality_label == label.id)
        .select(
            template_label.template.as_('template'),
            where=where,
            group_by=[template_label.template]))


class PeriodContextMixin:
    "The dates and the period of the reports' context"
    __slots__ = ()

    from_date = fields.Date(
        "From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date(
        "To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])
    period = fields.Selection([
            ('year', "Year"),
            ('month', "Month"),
            ], "Period", required=True)

    @classmethod
    def default_from_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if 'from_date' in context:
            return context['from_date']
        return Date.today().replace(month=1, day=1)

    @classmethod
    def default_to_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if 'to_date' in context:
            return context['to_date']
        return Date.today() + relativedelta(months=1, day=1, days=-1)

    @classmethod
    def default_period(cls):
        return Transaction().context.get('period', 'month')


class Context(PeriodContextMixin, ModelView):
    "What the food-aid reports show: company, period and channel"
    __name__ = 'food_aid.reporting.context'

    company = fields.Many2One('company.company', "Company", required=True)
    channel = fields.Many2One(
        'food_aid.channel', "Channel",
        domain=[
            ['OR',
                ('company', '=', None),
                ('company', '=', Eval('company', -1)),
                ],
            ])

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_channel(cls):
        return Transaction().context.get('channel')


class Abstract(ModelSQL):
    "Common columns and filters of the food-aid reports"

    company = fields.Many2One('company.company', "Company", readonly=True)

    @classmethod
    def table_query(cls):
        source = cls._source()
        return source.select(
            *cls._columns(source),
            where=cls._where(source),
            group_by=cls._group_by(source))

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        if count or query:
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        # the ids only, not the rows the client reads next: the database
        # leaves out the aggregates that neither the domain nor the order
        # use, and the read computes the rows once
        select = super().search(
            domain, offset=offset, limit=limit, order=order, query=True)
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        cursor.execute(*select)
        ids = [i for i, in cursor]
        # the rows depend on the context: forget those read in another
        records = transaction.get_cache()[cls.__name__]
        for id_ in ids:
            records.pop(id_, None)
        # browsed in slices: a browse checks every id of its list
        return [r for sub_ids in grouped_slice(ids, BROWSE_SLICE)
            for r in cls.browse(sub_ids)]

    @classmethod
    def _source(cls):
        raise NotImplementedError

    @classmethod
    def _columns(cls, source):
        return [
            cls._column_id(source).as_('id'),
            source.company.as_('company'),
            ]

    @classmethod
    def _column_id(cls, source):
        return Min(source.id)

    @classmethod
    def _where(cls, source):
        return Literal(True)

    @classmethod
    def _group_by(cls, source):
        return [source.company]

    @classmethod
    def _period(cls):
        return Transaction().context.get('period') or 'month'

    @classmethod
    def _period_delta(cls):
        return {
            'year': relativedelta(years=1),
            'month': relativedelta(months=1),
            }[cls._period()]

    @classmethod
    def _date_filter(cls, column):
        context = Transaction().context
        where = Literal(True)
        if context.get('from_date'):
            where &= column >= context['from_date']
        if context.get('to_date'):
            where &= column <= context['to_date']
        return where


class PeriodMixin:
    "Reports grouped by period (month or year of the context)"
    __slots__ = ()

    date = fields.Date("Period", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def _column_date(cls, source):
        return cls.date.sql_cast(truncate(cls._period(), source.date))

    @classmethod
    def _columns(cls, source):
        return super()._columns(source) + [
            cls._column_date(source).as_('date')]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [cls._column_date(source)]


class QuantityMixin:
    "Quantities in kilograms and pieces, amount excluding taxes"
    __slots__ = ()

    quantity_kg = fields.Float("Quantity (kg)", digits=(16, 3), readonly=True)
    quantity_pieces = fields.Float("Pieces", digits=(16, 0), readonly=True)
    currency = fields.Many2One(
        'currency.currency', "Currency", readonly=True)
    amount = Monetary(
        "Amount", currency='currency', digits='currency', readonly=True,
        help="The amount excluding taxes.")

    @classmethod
    def _columns(cls, source):
        return super()._columns(source) + [
            cls.quantity_kg.sql_cast(Sum(source.quantity_kg)).as_(
                'quantity_kg'),
            cls.quantity_pieces.sql_cast(Sum(source.quantity_pieces)).as_(
                'quantity_pieces'),
            Round(cls.amount.sql_cast(Sum(source.amount)),
                source.currency_digits).as_('amount'),
            source.currency.as_('currency'),
            ]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [
            source.currency, source.currency_digits]


class SaleSourceMixin:
    "Reports on the lines of confirmed sales"
    __slots__ = ()

    @classmethod
    def _source(cls):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        Product = pool.get('product.product')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Currency = pool.get('currency.currency')
        Channel = pool.get('food_aid.channel')
        Party = pool.get('party.party')
        context = Transaction().context

        sale = Sale.__table__()
        line = Line.__table__()
        product = Product.__table__()
        template = Template.__table__()
        unit = Uom.__table__()
        currency = Currency.__table__()
        channel = Channel.__table__()
        customer = Party.__table__()
        tables = {
            'sale': sale, 'line': line, 'product': product,
            'template': template, 'unit': unit, 'channel': channel,
            'customer': customer,
            }
        units = unit_ids()

        # what was delivered once known, otherwise what was ordered
        quantity = Coalesce(line.actual_quantity, line.quantity)
        where = (sale.state.in_(cls._sale_states())
            & (line.type == 'line') & (line.product != Null))
        if context.get('company'):
            where &= sale.company == context['company']
        if context.get('channel'):
            where &= sale.channel == context['channel']
        where &= cls._date_filter(sale.sale_date)
        from_item = (line
            .join(sale, condition=line.sale == sale.id)
            .join(product, condition=line.product == product.id)
            .join(template, condition=product.template == template.id)
            .join(unit, condition=line.unit == unit.id)
            .join(currency, condition=sale.currency == currency.id)
            .join(customer, condition=sale.party == customer.id)
            .join(channel, 'LEFT', condition=sale.channel == channel.id))
        from_item, columns = cls._sale_source_extra(from_item, tables)
        return from_item.select(
            line.id.as_('id'),
            sale.id.as_('sale'),
            sale.company.as_('company'),
            sale.sale_date.as_('date'),
            sale.party.as_('customer'),
            sale.channel.as_('channel'),
            channel.kind.as_('channel_kind'),
            line.product.as_('product'),
            template.food_family.as_('food_family'),
            template.id.as_('template'),
            kilograms(quantity, unit, units).as_('quantity_kg'),
            pieces(quantity, unit, units).as_('quantity_pieces'),
            (quantity * line.unit_price).as_('amount'),
            sale.currency.as_('currency'),
            currency.digits.as_('currency_digits'),
            *columns,
            where=where & cls._sale_source_where(tables))

    @classmethod
    def _sale_states(cls):
        return SALE_STATES

    @classmethod
    def _sale_source_extra(cls, from_item, tables):
        "Return the from item and the extra columns of the source"
        return from_item, []

    @classmethod
    def _sale_source_where(cls, tables):
        return Literal(True)


class SaleReporting(
        SaleSourceMixin, QuantityMixin, PeriodMixin, Abstract, ModelView):
    "Sales by channel, customer, food family and period"
    __name__ = 'food_aid.reporting.sale'

    channel = fields.Many2One('food_aid.channel', "Channel", readonly=True)
    customer = fields.Many2One(
        'party.party', "Customer", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    food_family = fields.Selection(
        FOOD_FAMILIES, "Food Family", sort=False, readonly=True)
    number = fields.Integer(
        "Sales", readonly=True, help="The number of sales.")

    @classmethod
    def _columns(cls, source):
        return super()._columns(source) + [
            source.channel.as_('channel'),
            source.customer.as_('customer'),
            source.food_family.as_('food_family'),
            Count(source.sale, distinct=True).as_('number'),
            ]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [
            source.channel, source.customer, source.food_family]


class ChannelReporting(
        SaleSourceMixin, QuantityMixin, Abstract, ModelView):
    "Sales by channel over the context's dates"
    __name__ = 'food_aid.reporting.channel'

    channel = fields.Many2One('food_aid.channel', "Channel", readonly=True)
    number = fields.Integer(
        "Sales", readonly=True, help="The number of sales.")
    customers = fields.Integer(
        "Customers", readonly=True, help="The number of customers served.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('channel', 'ASC'))

    @classmethod
    def _columns(cls, source):
        return super()._columns(source) + [
            source.channel.as_('channel'),
            Count(source.sale, distinct=True).as_('number'),
            Count(source.customer, distinct=True).as_('customers'),
            ]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [source.channel]

    def get_rec_name(self, name):
        return self.channel.rec_name if self.channel else ''


class PeriodReporting(
        SaleSourceMixin, QuantityMixin, PeriodMixin, Abstract, ModelView):
    "Sales by period, all channels or the context's channel"
    __name__ = 'food_aid.reporting.period'

    number = fields.Integer(
        "Sales", readonly=True, help="The number of sales.")
    customers = fields.Integer(
        "Customers", readonly=True, help="The number of customers served.")

    @classmethod
    def _columns(cls, source):
        return super()._columns(source) + [
            Count(source.sale, distinct=True).as_('number'),
            Count(source.customer, distinct=True).as_('customers'),
            ]


class FamilyReporting(
        SaleSourceMixin, QuantityMixin, Abstract, ModelView):
    "Sales by food family over the context's dates"
    __name__ = 'food_aid.reporting.family'

    food_family = fields.Selection(
        FOOD_FAMILIES, "Food Family", sort=False, readonly=True)
    # a field, so that the graph shows the family's French label
    food_family_string = fields.Function(
        fields.Char("Food Family"), 'get_food_family_string')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('quantity_kg', 'DESC'))

    @classmethod
    def get_food_family_string(cls, records, name):
        labels = dict(
            cls.fields_get(['food_family'])['food_family']['selection'])
        return {
            r.id: labels.get(r.food_family, r.food_family or '')
            for r in records}

    @classmethod
    def _columns(cls, source):
        return super()._columns(source) + [
            source.food_family.as_('food_family')]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [source.food_family]


class ProductReporting(
        SaleSourceMixin, QuantityMixin, Abstract, ModelView):
    "Sales by product over the context's dates"
    __name__ = 'food_aid.reporting.product'

    product = fields.Many2One(
        'product.product', "Product", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('quantity_kg', 'DESC'), ('quantity_pieces', 'DESC'),
            ('amount', 'DESC'), ('id', 'ASC')]

    @classmethod
    def _columns(cls, source):
        return super()._columns(source) + [source.product.as_('product')]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [source.product]


class ProducerReporting(QuantityMixin, PeriodMixin, Abstract, ModelView):
    "Purchases from the producers by producer and period"
    __name__ = 'food_aid.reporting.producer'

    producer = fields.Many2One(
        'party.party', "Producer", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    number = fields.Integer(
        "Purchases", readonly=True, help="The number of purchases.")

    @classmethod
    def _source(cls):
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        Line = pool.get('purchase.line')
        Party = pool.get('party.party')
        Uom = pool.get('product.uom')
        Currency = pool.get('currency.currency')
        context = Transaction().context

        purchase = Purchase.__table__()
        line = Line.__table__()
        party = Party.__table__()
        unit = Uom.__table__()
        currency = Currency.__table__()
        units = unit_ids()

        quantity = Coalesce(line.actual_quantity, line.quantity)
        where = (purchase.state.in_(PURCHASE_STATES)
            & (line.type == 'line') & (line.product != Null)
            & (party.is_producer == Literal(True)))
        if context.get('company'):
            where &= purchase.company == context['company']
        where &= cls._date_filter(purchase.purchase_date)
        return (line
            .join(purchase, condition=line.purchase == purchase.id)
            .join(party, condition=purchase.party == party.id)
            .join(unit, condition=line.unit == unit.id)
            .join(currency, condition=purchase.currency == currency.id)
            .select(
                line.id.as_('id'),
                purchase.id.as_('purchase'),
                purchase.company.as_('company'),
                purchase.purchase_date.as_('date'),
                purchase.party.as_('producer'),
                kilograms(quantity, unit, units).as_('quantity_kg'),
                pieces(quantity, unit, units).as_('quantity_pieces'),
                (quantity * line.unit_price).as_('amount'),
                purchase.currency.as_('currency'),
                currency.digits.as_('currency_digits'),
                where=where))

    @classmethod
    def _columns(cls, source):
        return super()._columns(source) + [
            source.producer.as_('producer'),
            Count(source.purchase, distinct=True).as_('number'),
            ]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [source.producer]


def share(part, total):
    "The percentage part / total rounded to 0.01, None without total"
    if not total:
        return None
    return (Decimal(str(part or 0)) * 100 / Decimal(str(total))).quantize(
        Decimal('0.01'))


class MMPTReporting(SaleSourceMixin, PeriodMixin, Abstract, ModelView):
    """The indicators of the "Mieux manger pour tous" programme by
    food-aid organisation and period"""
    __name__ = 'food_aid.reporting.mmpt'

    organisation = fields.Many2One(
        'party.party', "Organisation", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    quantity_kg = fields.Float("Quantity (kg)", digits=(16, 3), readonly=True)
    quantity_pieces = fields.Float("Pieces", digits=(16, 0), readonly=True)
    fruit_vegetable_kg = fields.Float(
        "Fruit and Vegetables (kg)", digits=(16, 3), readonly=True)
    labelled_kg = fields.Float(
        "Labelled (kg)", digits=(16, 3), readonly=True,
        help="The kilograms of products carrying a quality label.")
    local_kg = fields.Float(
        "Local (kg)", digits=(16, 3), readonly=True,
        help="The kilograms bought from producers within the local radius "
        "of the reporting configuration.")
    fruit_vegetable_share = fields.Function(fields.Numeric(
            "Fruit and Vegetables (%)", digits=(5, 2)), 'get_share')
    labelled_share = fields.Function(fields.Numeric(
            "Labelled (%)", digits=(5, 2)), 'get_share')
    local_share = fields.Function(fields.Numeric(
            "Local (%)", digits=(5, 2)), 'get_share')
    persons = fields.Function(fields.Integer(
            "Persons Helped",
            help="The persons of the organisation's beneficiary counts "
            "that overlap the period."),
        'get_persons')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(1, ('organisation', 'ASC'))

    @classmethod
    def _sale_source_extra(cls, from_item, tables):
        context = Transaction().context
        template = tables['template']
        line = tables['line']
        labelled = labelled_templates_query()
        # what was bought locally stays local when sold in a later period:
        # the origin of the products is that of all their purchases
        origin = product_origin_query(context.get('company'))
        from_item = (from_item
            .join(labelled, 'LEFT',
                condition=labelled.template == template.id)
            .join(origin, 'LEFT', condition=origin.product == line.product))
        return from_item, [
            Case((labelled.template != Null, Literal(1)),
                else_=Literal(0)).as_('labelled'),
            Coalesce(origin.local_ratio, 0.).as_('local_ratio'),
            ]

    @classmethod
    def _sale_source_where(cls, tables):
        customer = tables['customer']
        return customer.is_food_aid_organisation == Literal(True)

    @classmethod
    def _columns(cls, source):
        fruit_vegetable = Case(
            (source.food_family == 'FRUITS_ET_LEGUMES', source.quantity_kg),
            else_=0.)
        labelled = Case(
            (source.labelled == 1, source.quantity_kg), else_=0.)

        def kg(expression, field):
            return field.sql_cast(Sum(expression))
        return super()._columns(source) + [
            source.customer.as_('organisation'),
            kg(source.quantity_kg, cls.quantity_kg).as_('quantity_kg'),
            cls.quantity_pieces.sql_cast(Sum(source.quantity_pieces)).as_(
                'quantity_pieces'),
            kg(fruit_vegetable, cls.fruit_vegetable_kg).as_(
                'fruit_vegetable_kg'),
            kg(labelled, cls.labelled_kg).as_('labelled_kg'),
            kg(source.quantity_kg * source.local_ratio, cls.local_kg).as_(
                'local_kg'),
            ]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [source.customer]

    @classmethod
    def get_share(cls, records, names):
        result = {n: {} for n in names}
        for name in names:
            quantity = name[:-len('_share')] + '_kg'
            for record in records:
                result[name][record.id] = share(
                    getattr(record, quantity), record.quantity_kg)
        return result

    @classmethod
    def get_persons(cls, records, name):
        pool = Pool()
        BeneficiaryCount = pool.get('food_aid.beneficiary.count')
        count = BeneficiaryCount.__table__()
        cursor = Transaction().connection.cursor()
        delta = cls._period_delta()
        # the organisation and period of the rows, without their aggregates
        # that reading the records would compute again
        table = cls.__table__()
        keys = {}
        for sub_ids in grouped_slice([r.id for r in records], READ_SLICE):
            cursor.execute(*table.select(
                    table.id, table.organisation, table.date,
                    where=fields.SQL_OPERATORS['in'](table.id, list(sub_ids))))
            for id_, organisation, date in cursor:
                if isinstance(date, str):
                    date = dt.date.fromisoformat(date)
                keys[id_] = (organisation, date)
        organisations = {o for o, _ in keys.values() if o}
        dates = sorted({d for _, d in keys.values() if d})
        persons = {}
        if organisations and dates:
            # one aggregate per period, in a single query: the persons of
            # the counts that overlap the period
            queries = [
                count.select(
                    count.party, Literal(index).as_('period'),
                    Sum(Coalesce(count.persons, 0)).as_('persons'),
                    where=fields.SQL_OPERATORS['in'](
                        count.party, list(organisations))
                    & (count.date_start < date + delta)
                    & (count.date_end >= date),
                    group_by=[count.party])
                for index, date in enumerate(dates)]
            query = queries[0]
            for other in queries[1:]:
                query = Union(query, other, all_=True)
            cursor.execute(*query)
            for party, index, total in cursor:
                persons[party, dates[index]] = int(total or 0)
        return {r.id: persons.get(keys.get(r.id), 0) for r in records}

    def get_rec_name(self, name):
        return self.organisation.rec_name if self.organisation else ''


class EgalimReporting(SaleSourceMixin, Abstract, ModelView):
    """The EGalim shares of a catering customer's purchases in a year

    The law counts the value excluding taxes; a product carrying several
    signs counts once in the EGalim share, organic products count in both.
    """
    __name__ = 'food_aid.reporting.egalim'

    customer = fields.Many2One(
        'party.party', "Customer", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    year = fields.Date("Year", readonly=True)
    currency = fields.Many2One(
        'currency.currency', "Currency", readonly=True)
    amount = Monetary(
        "Purchases", currency='currency', digits='currency', readonly=True,
        help="The value of the purchases excluding taxes.")
    organic_amount = Monetary(
        "Organic", currency='currency', digits='currency', readonly=True)
    egalim_amount = Monetary(
        "EGalim", currency='currency', digits='currency', readonly=True,
        help="The value of the products carrying at least one sign that "
        "EGalim counts (organic included).")
    fruit_vegetable_amount = Monetary(
        "Fruit and Vegetables", currency='currency', digits='currency',
        readonly=True)
    organic_share = fields.Function(fields.Numeric(
            "Organic (%)", digits=(5, 2),
            help="The law requires at least 20 %."), 'get_share')
    egalim_share = fields.Function(fields.Numeric(
            "EGalim (%)", digits=(5, 2),
            help="The law requires at least 50 %, organic included."),
        'get_share')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('customer', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _date_filter(cls, column):
        # a statement covers whole years
        context = Transaction().context
        where = Literal(True)
        if context.get('from_date'):
            where &= column >= context['from_date'].replace(month=1, day=1)
        if context.get('to_date'):
            where &= column <= context['to_date'].replace(month=12, day=31)
        return where

    @classmethod
    def _sale_source_extra(cls, from_item, tables):
        template = tables['template']
        labelled = labelled_templates_query()
        organic = labelled_templates_query(organic=True)
        from_item = (from_item
            .join(labelled, 'LEFT',
                condition=labelled.template == template.id)
            .join(organic, 'LEFT',
                condition=organic.template == template.id))
        return from_item, [
            Case((labelled.template != Null, Literal(1)),
                else_=Literal(0)).as_('labelled'),
            Case((organic.template != Null, Literal(1)),
                else_=Literal(0)).as_('organic'),
            ]

    @classmethod
    def _sale_source_where(cls, tables):
        customer = tables['customer']
        return customer.is_catering == Literal(True)

    @classmethod
    def _columns(cls, source):
        def amount(expression, field):
            return Round(field.sql_cast(Sum(expression)),
                source.currency_digits)
        year = cls.year.sql_cast(truncate('year', source.date))
        return super()._columns(source) + [
            source.customer.as_('customer'),
            year.as_('year'),
            source.currency.as_('currency'),
            amount(source.amount, cls.amount).as_('amount'),
            amount(Case((source.organic == 1, source.amount), else_=0),
                cls.organic_amount).as_('organic_amount'),
            amount(Case((source.labelled == 1, source.amount), else_=0),
                cls.egalim_amount).as_('egalim_amount'),
            amount(Case(
                    (source.food_family == 'FRUITS_ET_LEGUMES',
                        source.amount), else_=0),
                cls.fruit_vegetable_amount).as_('fruit_vegetable_amount'),
            ]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [
            source.customer, cls.year.sql_cast(truncate('year', source.date)),
            source.currency, source.currency_digits]

    @classmethod
    def get_share(cls, records, names):
        result = {n: {} for n in names}
        for name in names:
            amount = name[:-len('_share')] + '_amount'
            for record in records:
                result[name][record.id] = share(
                    getattr(record, amount), record.amount)
        return result

    def get_rec_name(self, name):
        year = self.year.year if self.year else ''
        return f'{self.customer.rec_name if self.customer else ""} {year}'
