# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The network's figures kept by month

A year of twenty large gardens is millions of lines: the coordinator's
reports read their sums by garden and month from two small tables instead.
The documents that change a figure (sales and their lines, purchases, grant
lines, losses, and the few settings the figures depend on) mark the months
they change as stale (``food_aid.network.reporting.dirty``); until the sums
of a stale month are computed again (``refresh``, by the scheduler), the
reports compute that month from the documents, so that they are never
behind the books.  Only the companies of a network are kept: the others are
always computed from their documents."""
import datetime as dt

from dateutil.relativedelta import relativedelta
from sql import Column, Literal, Union
from sql.aggregate import Sum
from sql.functions import CurrentTimestamp

from trytond.cache import Cache
from trytond.model import ModelSQL, fields
from trytond.modules.food_aid_reporting.reporting import truncate
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

MONTH = relativedelta(months=1)
# the context under which the reports read the documents themselves
LIVE = '_food_aid_network_live'


def month_start(date):
    return date.replace(day=1) if date else None


def stale_key(company, date):
    "The key of a stale month as read from the database"
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    return company, date


def key_order(key):
    "The order of the keys, every company and every month first"
    company, date = key
    return company or 0, date or dt.date.min


_network_companies = Cache('food_aid_network.companies', context=False)


def network_companies():
    "The ids of the companies that belong to a network"
    companies = _network_companies.get(None)
    if companies is None:
        pool = Pool()
        Company = pool.get('company.company')
        company = Company.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*company.select(
                company.id, where=company.network != None))  # noqa: E711
        companies = sorted(c for c, in cursor)
        _network_companies.set(None, companies)
    return set(companies)


def mark_stale(keys):
    """Mark as stale the months of the keys (company, date) of the companies
    of a network; a company of None is every company, a date of None every
    month of the company"""
    pool = Pool()
    Dirty = pool.get('food_aid.network.reporting.dirty')
    networked = network_companies()
    if not networked:
        return
    keys = {
        (c, month_start(d)) for c, d in keys if c is None or c in networked}
    if not keys:
        return
    dirty = Dirty.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*dirty.insert(
            [dirty.company, dirty.date, dirty.create_uid, dirty.create_date],
            [[c, d, 0, CurrentTimestamp()]
                for c, d in sorted(keys, key=key_order)]))


def mark_all_stale():
    mark_stale([(None, None)])


def keys_condition(company, date, keys, exact):
    """The SQL condition that the row of company and date is in one of the
    months of the keys; exact when the date is the month's first day"""
    condition = Literal(False)
    for key_company, key_date in sorted(keys, key=key_order):
        term = Literal(True)
        if key_company is not None:
            term &= company == key_company
        if key_date is not None:
            if exact:
                term &= date == key_date
            else:
                term &= (date >= key_date) & (date < key_date + MONTH)
        condition |= term
    return condition


def user_companies():
    "The ids of the companies whose figures the user reads"
    pool = Pool()
    UserCompany = pool.get('res.user-company.company')
    Company = pool.get('company.company')
    cursor = Transaction().connection.cursor()
    user = Transaction().user
    if not user:
        company = Company.__table__()
        cursor.execute(*company.select(company.id))
    else:
        user_company = UserCompany.__table__()
        cursor.execute(*user_company.select(
                user_company.company, where=user_company.user == user))
    return {c for c, in cursor}


class ReportingCacheMixin:
    """A report whose rows are summed from monthly sums kept per garden,
    and from the documents for the months not kept"""
    __slots__ = ()
    # the model of the monthly sums, the columns of the source kept as they
    # are and those summed
    _cache_model = None
    _cache_dimensions = []
    _cache_measures = []

    @classmethod
    def _live_source(cls):
        "The rows of the report computed from the documents"
        raise NotImplementedError

    @classmethod
    def _source_columns(cls):
        return (['id', 'company', 'date']
            + cls._cache_dimensions + cls._cache_measures)

    @classmethod
    def _source(cls):
        pool = Pool()
        Cache = pool.get(cls._cache_model)
        Dirty = pool.get('food_aid.network.reporting.dirty')
        context = Transaction().context
        live = cls._live_source()
        names = cls._source_columns()

        def live_select(where):
            # the ids of the documents' rows are even, those of the sums odd
            return live.select(
                (live.id * 2).as_('id'),
                *[Column(live, n).as_(n) for n in names[1:]],
                where=where)
        if context.get(LIVE):
            return live_select(Literal(True))

        stale = Dirty.stale()
        if (None, None) in stale:
            return live_select(Literal(True))
        networked = network_companies()
        from_date, to_date = context.get('from_date'), context.get('to_date')
        # the months wholly in the dates are read from the sums
        first = last = None
        live_terms = []
        if from_date:
            first = month_start(from_date)
            if from_date.day != 1:
                first += MONTH
                live_terms.append(live.date < first)
        if to_date:
            after = to_date + dt.timedelta(days=1)
            last = month_start(after)
            if after.day != 1:
                live_terms.append(live.date >= last)
        if stale:
            live_terms.append(
                keys_condition(live.company, live.date, stale, False))
        outside = user_companies() - networked
        if outside:
            live_terms.append(live.company.in_(sorted(outside)))

        cache = Cache.__table__()
        where = cache.company.in_(sorted(networked) or [-1])
        if first:
            where &= cache.date >= first
        if last:
            where &= cache.date < last
        if stale:
            where &= ~keys_condition(cache.company, cache.date, stale, True)
        cached = cache.select(
            (cache.id * 2 + 1).as_('id'),
            *[Column(cache, n).as_(n) for n in names[1:]],
            where=where)
        if not live_terms:
            return cached
        live_where = live_terms[0]
        for term in live_terms[1:]:
            live_where |= term
        return Union(cached, live_select(live_where), all_=True)

    @classmethod
    def _refresh(cls, stale):
        "Compute again the sums of the stale months of the gardens"
        pool = Pool()
        Cache = pool.get(cls._cache_model)
        cursor = Transaction().connection.cursor()
        cache = Cache.__table__()
        if (None, None) in stale:
            cursor.execute(*cache.delete())
        else:
            cursor.execute(*cache.delete(
                    where=keys_condition(
                        cache.company, cache.date, stale, True)))
        networked = network_companies()
        if not networked:
            return
        with Transaction().set_context(**{
                    LIVE: True, 'from_date': None, 'to_date': None,
                    'period': 'month', 'company': None, 'channel': None}):
            source = cls._live_source()
            month = cls.date.sql_cast(truncate('month', source.date))
            where = source.company.in_(sorted(networked))
            if (None, None) not in stale:
                where &= keys_condition(
                    source.company, source.date, stale, False)
            dimensions = [Column(source, n) for n in cls._cache_dimensions]
            query = source.select(
                source.company, month, *dimensions,
                *[Sum(Column(source, n)) for n in cls._cache_measures],
                Literal(0), CurrentTimestamp(),
                where=where,
                group_by=[source.company, month] + dimensions)
        columns = [Column(cache, n) for n in ['company', 'date']
            + cls._cache_dimensions + cls._cache_measures
            + ['create_uid', 'create_date']]
        cursor.execute(*cache.insert(columns, query))


class ReportingDirty(ModelSQL):
    "A month of a garden whose figures are to be summed again"
    __name__ = 'food_aid.network.reporting.dirty'

    company = fields.Many2One(
        'company.company', "Company", ondelete='CASCADE',
        help="Empty for every company.")
    date = fields.Date("Month", help="Empty for every month.")

    @classmethod
    def stale(cls):
        "The keys (company, month) of the stale months"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.company, table.date,
                group_by=[table.company, table.date]))
        return {stale_key(company, date) for company, date in cursor}

    @classmethod
    def refresh(cls):
        """Compute again the sums of the stale months of the gardens (the
        scheduler runs it)"""
        pool = Pool()
        Garden = pool.get('food_aid.network.reporting.garden')
        Program = pool.get('food_aid.network.reporting.program')
        table = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        with transaction.set_user(0), transaction.set_context(
                _check_access=False):
            cursor.execute(*table.select(table.id, table.company, table.date))
            rows = cursor.fetchall()
            if not rows:
                return
            stale = {stale_key(company, date) for _, company, date in rows}
            for Report in [Garden, Program]:
                Report._refresh(stale)
            # only the marks read: those of documents changed meanwhile stay
            for ids in grouped_slice([r[0] for r in rows]):
                cursor.execute(*table.delete(where=table.id.in_(list(ids))))


class MonthSumMixin:
    "The sums of a garden in a month, in a currency"
    __slots__ = ()

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    date = fields.Date("Month", required=True)
    # ids, not relations: the sums keep no link of their own
    currency = fields.Integer("Currency")
    currency_digits = fields.Integer("Currency Digits")


class GardenMonth(MonthSumMixin, ModelSQL):
    "The sums of a garden's figures in a month, per organisation served"
    __name__ = 'food_aid.network.reporting.garden.month'

    organisation = fields.Integer("Organisation")
    quantity_kg = fields.Float("Quantity (kg)")
    fruit_vegetable_kg = fields.Float("Fruit and Vegetables (kg)")
    organic_kg = fields.Float("Organic (kg)")
    local_kg = fields.Float("Local (kg)")
    food_aid_kg = fields.Float("Food Aid (kg)")
    catering_kg = fields.Float("Catering (kg)")
    basket_kg = fields.Float("Baskets (kg)")
    other_kg = fields.Float("Other Channels (kg)")
    loss_kg = fields.Float("Losses (kg)")
    amount = fields.Numeric("Sales")
    producer_price_amount = fields.Numeric("Producers' Part")
    priced_amount = fields.Numeric("Broken Down Sales")
    subsidy_amount = fields.Numeric("Grants")
    producer_paid_amount = fields.Numeric("Paid to Producers")
    loss_value = fields.Numeric("Losses")


class ProgramMonth(MonthSumMixin, ModelSQL):
    "The sums of a garden's grants in a month, per programme and customer"
    __name__ = 'food_aid.network.reporting.program.month'

    program = fields.Char("Programme")
    customer = fields.Integer("Customer")
    amount = fields.Numeric("Amount")


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('food_aid.network.reporting.dirty|refresh',
                "Sum Again the Network's Figures"))


def changes_figures(cls, mode, field_names):
    """Tell whether the modification of the records of cls changes the
    figures of a network: a creation or a deletion, or a change of the
    fields of the figures (_stale_fields, None for any field)"""
    return bool(network_companies()) and (
        mode != 'write' or cls._stale_fields is None
        or bool(cls._stale_fields & set(field_names or [])))


def date_keys(records, company, date):
    "The keys (company id, date) of the records by the two getters"
    keys = set()
    for record in records:
        record_company, record_date = company(record), date(record)
        if record_company and record_date:
            keys.add((record_company.id, record_date))
    return keys


class StaleMixin:
    """Documents that change the network's figures of their month: they
    mark it stale before a change of the fields of its key, and after their
    creation, their deletion or a change of the fields of the figures"""
    __slots__ = ()
    _stale_key_fields = set()
    # None: any field
    _stale_fields = None

    @classmethod
    def _stale_keys(cls, records):
        raise NotImplementedError

    @classmethod
    def on_write(cls, records, values):
        callbacks = super().on_write(records, values)
        if network_companies() and (cls._stale_key_fields & values.keys()):
            mark_stale(cls._stale_keys(records))
        return callbacks

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if changes_figures(cls, mode, field_names):
            mark_stale(cls._stale_keys(records))


class Sale(StaleMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'
    _stale_key_fields = {'company', 'sale_date'}
    _stale_fields = {
        'company', 'sale_date', 'state', 'party', 'channel', 'currency'}

    @classmethod
    def _stale_keys(cls, sales):
        return date_keys(sales, lambda s: s.company, lambda s: s.sale_date)


class SaleLine(StaleMixin, metaclass=PoolMeta):
    __name__ = 'sale.line'
    _stale_key_fields = {'sale'}
    _stale_fields = {
        'sale', 'type', 'product', 'unit', 'quantity', 'actual_quantity',
        'unit_price', 'producer_price'}

    @classmethod
    def _stale_keys(cls, lines):
        return date_keys(
            lines, lambda l: l.sale.company, lambda l: l.sale.sale_date)


class GrantLine(StaleMixin, metaclass=PoolMeta):
    __name__ = 'food_aid.grant.line'
    _stale_key_fields = {'grant', 'date'}
    _stale_fields = {'grant', 'date', 'amount', 'customer', 'state'}

    @classmethod
    def _stale_keys(cls, lines):
        return date_keys(lines, lambda l: l.grant.company, lambda l: l.date)


class Move(StaleMixin, metaclass=PoolMeta):
    __name__ = 'stock.move'
    # the losses only
    _stale_key_fields = {'company', 'effective_date', 'loss_reason'}
    _stale_fields = _stale_key_fields | {
        'state', 'quantity', 'unit', 'cost_price'}

    @classmethod
    def _stale_keys(cls, moves):
        return date_keys(
            [m for m in moves if m.loss_reason],
            lambda m: m.company, lambda m: m.effective_date)


class CompanyStaleMixin:
    """Documents that change every month of their company's figures: a
    purchase changes the share bought locally of all the sales"""
    __slots__ = ()
    _stale_fields = None

    @classmethod
    def _stale_company(cls, record):
        return record.company

    @classmethod
    def _mark_companies(cls, records):
        mark_stale({
                (c.id, None) for c in map(cls._stale_company, records) if c})

    @classmethod
    def on_write(cls, records, values):
        callbacks = super().on_write(records, values)
        if network_companies() and 'company' in values:
            cls._mark_companies(records)
        return callbacks

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if changes_figures(cls, mode, field_names):
            cls._mark_companies(records)


class Purchase(CompanyStaleMixin, metaclass=PoolMeta):
    __name__ = 'purchase.purchase'
    _stale_fields = {'company', 'state', 'party', 'purchase_date', 'currency'}


class PurchaseLine(CompanyStaleMixin, metaclass=PoolMeta):
    __name__ = 'purchase.line'
    _stale_fields = {
        'purchase', 'type', 'product', 'unit', 'quantity', 'actual_quantity',
        'unit_price'}

    @classmethod
    def _stale_company(cls, line):
        return line.purchase.company


class Grant(CompanyStaleMixin, metaclass=PoolMeta):
    __name__ = 'food_aid.grant'
    # its lines are deleted with it, without their own hooks
    _stale_fields = {'company', 'program', 'currency', 'state'}


class SettingStaleMixin:
    """Settings the figures of every garden depend on: their change marks
    every month stale"""
    __slots__ = ()
    _stale_fields = set()
    # a new product or party is in no document yet
    _stale_modes = {'create', 'write', 'delete'}

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if mode in cls._stale_modes and changes_figures(
                cls, mode, field_names):
            mark_all_stale()


class Template(SettingStaleMixin, metaclass=PoolMeta):
    __name__ = 'product.template'
    _stale_fields = {'food_family'}
    _stale_modes = {'write', 'delete'}


class TemplateQualityLabel(SettingStaleMixin, metaclass=PoolMeta):
    __name__ = 'product.template-food_aid.quality_label'
    _stale_fields = {'template', 'quality_label'}


class QualityLabel(SettingStaleMixin, metaclass=PoolMeta):
    __name__ = 'food_aid.quality_label'
    _stale_fields = {'active', 'organic'}
    _stale_modes = {'write', 'delete'}


class PartyStale(SettingStaleMixin, metaclass=PoolMeta):
    __name__ = 'party.party'
    _stale_fields = {'is_food_aid_organisation', 'is_producer', 'distance_km'}
    _stale_modes = {'write'}


class Channel(SettingStaleMixin, metaclass=PoolMeta):
    __name__ = 'food_aid.channel'
    _stale_fields = {'kind'}
    _stale_modes = {'write', 'delete'}


class Uom(SettingStaleMixin, metaclass=PoolMeta):
    __name__ = 'product.uom'
    _stale_fields = {'category', 'factor', 'rate'}
    _stale_modes = {'write', 'delete'}


class Currency(SettingStaleMixin, metaclass=PoolMeta):
    __name__ = 'currency.currency'
    _stale_fields = {'digits'}
    _stale_modes = {'write'}


class ReportingConfiguration(SettingStaleMixin, metaclass=PoolMeta):
    __name__ = 'food_aid.reporting.configuration'
    _stale_fields = {'local_radius'}


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    @classmethod
    def on_write(cls, companies, values):
        callbacks = super().on_write(companies, values)
        if values.keys() & {'network', 'party', 'currency'}:
            # while the garden still is in the network: its sums go
            mark_stale({(c.id, None) for c in companies})
        return callbacks

    @classmethod
    def on_modification(cls, mode, companies, field_names=None):
        super().on_modification(mode, companies, field_names=field_names)
        if mode != 'write' or {'network', 'party', 'currency'} & set(
                field_names):
            _network_companies.clear()
            mark_stale({(c.id, None) for c in companies})
            if mode == 'write' and 'party' in field_names:
                # another garden's sales to it no longer count, or count
                mark_all_stale()
