# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The reports on grants, registered when food_aid_subsidy is activated"
from collections import defaultdict

from sql.aggregate import Count, Sum
from sql.conditionals import Coalesce
from sql.functions import Round

from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.food_aid.report import DocumentMixin
from trytond.pool import Pool, PoolMeta
from trytond.report import Report
from trytond.transaction import Transaction

from .reporting import Abstract, PeriodMixin, kilograms, pieces, unit_ids


def subsidy_query():
    "Return a query of the subsidy of each sale line, from the grant ledger"
    pool = Pool()
    GrantLine = pool.get('food_aid.grant.line')
    grant_line = GrantLine.__table__()
    return grant_line.select(
        grant_line.sale_line.as_('sale_line'),
        Sum(grant_line.amount).as_('subsidy_amount'),
        where=grant_line.state != 'cancelled',
        group_by=[grant_line.sale_line])


class SubsidyMixin:
    "Adds the subsidy and the customer's share to the sale reports"
    __slots__ = ()

    subsidy_amount = Monetary(
        "Subsidy", currency='currency', digits='currency', readonly=True,
        help="The part of the amount paid by grants.")
    customer_amount = Monetary(
        "Customer Share", currency='currency', digits='currency',
        readonly=True, help="The part of the amount the customers pay.")

    @classmethod
    def _sale_source_extra(cls, from_item, tables):
        from_item, columns = super()._sale_source_extra(from_item, tables)
        subsidy = subsidy_query()
        line = tables['line']
        from_item = from_item.join(
            subsidy, 'LEFT', condition=subsidy.sale_line == line.id)
        return from_item, columns + [
            Coalesce(subsidy.subsidy_amount, 0).as_('subsidy_amount')]

    @classmethod
    def _columns(cls, source):
        subsidy = Round(cls.subsidy_amount.sql_cast(
                Sum(source.subsidy_amount)), source.currency_digits)
        amount = Round(cls.amount.sql_cast(
                Sum(source.amount)), source.currency_digits)
        return super()._columns(source) + [
            subsidy.as_('subsidy_amount'),
            (amount - subsidy).as_('customer_amount'),
            ]


class SaleReporting(SubsidyMixin, metaclass=PoolMeta):
    __name__ = 'food_aid.reporting.sale'


class ChannelReporting(SubsidyMixin, metaclass=PoolMeta):
    __name__ = 'food_aid.reporting.channel'


class PeriodReporting(SubsidyMixin, metaclass=PoolMeta):
    __name__ = 'food_aid.reporting.period'


class GrantReporting(PeriodMixin, Abstract, ModelView):
    "The consumption of the grants by grant and period"
    __name__ = 'food_aid.reporting.grant'

    grant = fields.Many2One('food_aid.grant', "Grant", readonly=True)
    quantity_kg = fields.Float("Quantity (kg)", digits=(16, 3), readonly=True)
    quantity_pieces = fields.Float("Pieces", digits=(16, 0), readonly=True)
    currency = fields.Many2One(
        'currency.currency', "Currency", readonly=True)
    amount = Monetary(
        "Subsidy", currency='currency', digits='currency', readonly=True)
    deliveries = fields.Integer(
        "Deliveries", readonly=True, help="The number of sale lines covered.")
    customers = fields.Integer("Customers", readonly=True)

    @classmethod
    def _source(cls):
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        GrantLine = pool.get('food_aid.grant.line')
        Uom = pool.get('product.uom')
        Currency = pool.get('currency.currency')
        context = Transaction().context

        grant = Grant.__table__()
        line = GrantLine.__table__()
        unit = Uom.__table__()
        currency = Currency.__table__()
        units = unit_ids()

        where = line.state != 'cancelled'
        if context.get('company'):
            where &= grant.company == context['company']
        where &= cls._date_filter(line.date)
        return (line
            .join(grant, condition=line.grant == grant.id)
            .join(currency, condition=grant.currency == currency.id)
            .join(unit, 'LEFT', condition=line.unit == unit.id)
            .select(
                line.id.as_('id'),
                grant.company.as_('company'),
                line.grant.as_('grant'),
                line.date.as_('date'),
                line.customer.as_('customer'),
                line.sale_line.as_('sale_line'),
                Coalesce(kilograms(line.quantity, unit, units), 0).as_(
                    'quantity_kg'),
                Coalesce(pieces(line.quantity, unit, units), 0).as_(
                    'quantity_pieces'),
                line.amount.as_('amount'),
                grant.currency.as_('currency'),
                currency.digits.as_('currency_digits'),
                where=where))

    @classmethod
    def _columns(cls, source):
        return super()._columns(source) + [
            source.grant.as_('grant'),
            cls.quantity_kg.sql_cast(Sum(source.quantity_kg)).as_(
                'quantity_kg'),
            cls.quantity_pieces.sql_cast(Sum(source.quantity_pieces)).as_(
                'quantity_pieces'),
            Round(cls.amount.sql_cast(Sum(source.amount)),
                source.currency_digits).as_('amount'),
            source.currency.as_('currency'),
            Count(source.sale_line, distinct=True).as_('deliveries'),
            Count(source.customer, distinct=True).as_('customers'),
            ]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [
            source.grant, source.currency, source.currency_digits]

    def get_rec_name(self, name):
        return self.grant.rec_name if self.grant else ''


class GrantReport(DocumentMixin, Report):
    """The use of a grant, in the spirit of the cerfa 15059 report:
    envelope, use by month, deliveries covered and indicators"""
    __name__ = 'food_aid.reporting.grant.report'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        Reporting = pool.get('food_aid.reporting.grant')
        context = super().get_context(records, header, data)
        grant_ids = [g.id for g in records]
        lines = defaultdict(list)
        for line in GrantLine.search([
                    ('grant', 'in', grant_ids),
                    ('state', '!=', 'cancelled'),
                    ], order=[('date', 'ASC'), ('id', 'ASC')]):
            lines[line.grant.id].append(line)
        months = defaultdict(list)
        with Transaction().set_context(
                from_date=None, to_date=None, period='month', company=None):
            for row in Reporting.search([('grant', 'in', grant_ids)],
                    order=[('date', 'ASC')]):
                months[row.grant.id].append(row)
        indicators = {}
        for grant in records:
            rows = months[grant.id]
            indicators[grant.id] = {
                'quantity_kg': sum(r.quantity_kg or 0 for r in rows),
                'quantity_pieces': sum(r.quantity_pieces or 0 for r in rows),
                'deliveries': len(lines[grant.id]),
                'customers': len({
                        l.customer.id for l in lines[grant.id]
                        if l.customer}),
                'consumed': sum(l.amount or 0 for l in lines[grant.id]),
                }
        context['grant_lines'] = lines
        context['months'] = months
        context['indicators'] = indicators
        return context
