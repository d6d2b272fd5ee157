# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The reports on grants, registered when food_aid_subsidy is activated"
from collections import defaultdict

from sql.aggregate import Count, Sum
from sql.conditionals import Coalesce
from sql.functions import Round

from trytond.i18n import gettext
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
        Grant = pool.get('food_aid.grant')
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
        context['envelope_figures'] = {
            g.id: [
                (gettext('food_aid_reporting.msg_grant_envelope'),
                    g.envelope or 0),
                (gettext('food_aid_reporting.msg_grant_used'),
                    indicators[g.id]['consumed']),
                (gettext('food_aid_reporting.msg_grant_remaining'),
                    (g.envelope or 0) - indicators[g.id]['consumed']),
                ]
            for g in records}
        programs = dict(Grant.fields_get(['program'])['program']['selection'])
        context['grant_objectives'] = {
            g.id: gettext('food_aid_reporting.msg_grant_objectives',
                program=programs.get(g.program, ''),
                funder=g.funder.rec_name)
            for g in records}
        context['grant_figures'] = cls.grant_figures(records, lines)
        return context

    @classmethod
    def grant_figures(cls, grants, lines):
        """Return per grant the quantitative indicators of the cerfa 15059:
        kilograms, persons helped, shares of fruit and vegetables, of
        labelled, organic and local products, as (label, text) pairs"""
        pool = Pool()
        MMPT = pool.get('food_aid.reporting.mmpt')
        Uom = pool.get('product.uom')
        Lang = pool.get('ir.lang')
        ModelData = pool.get('ir.model.data')
        lang = Lang.get()
        kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))

        def share(part, total):
            value = (part / total * 100) if total else 0
            return lang.format('%.1f', value) + '\u00a0%'

        figures = {}
        for grant in grants:
            grant_lines = lines[grant.id]
            customers = {l.customer.id for l in grant_lines if l.customer}
            with Transaction().set_context(
                    company=grant.company.id, from_date=grant.date_start,
                    to_date=grant.date_end, period='year', channel=None):
                rows = [
                    r for r in MMPT.search([])
                    if r.organisation and r.organisation.id in customers]
            kg = sum(r.quantity_kg or 0 for r in rows)
            persons = {}
            for row in rows:
                persons[row.organisation.id] = max(
                    persons.get(row.organisation.id, 0), row.persons or 0)
            # the households helped directly count for one each
            households = customers - set(persons)
            # the shares of the products the grant paid for, in kilograms
            total = fruit_vegetable = labelled = organic = 0
            for line in grant_lines:
                if (not line.unit or not line.product
                        or line.unit.category != kilogram.category):
                    continue
                quantity = Uom.compute_qty(
                    line.unit, line.quantity or 0, kilogram, round=False)
                template = line.product.template
                total += quantity
                if template.food_family == 'FRUITS_ET_LEGUMES':
                    fruit_vegetable += quantity
                if template.quality_labels:
                    labelled += quantity
                if any(l.organic for l in template.quality_labels):
                    organic += quantity
            figures[grant.id] = [
                (gettext('food_aid_reporting.msg_grant_figure_kg'),
                    lang.format('%.1f', total, grouping=True)),
                (gettext('food_aid_reporting.msg_grant_figure_persons'),
                    lang.format(
                        '%d', sum(persons.values()) + len(households),
                        grouping=True)),
                (gettext('food_aid_reporting.msg_grant_figure_fv'),
                    share(fruit_vegetable, total)),
                (gettext('food_aid_reporting.msg_grant_figure_labelled'),
                    share(labelled, total)),
                (gettext('food_aid_reporting.msg_grant_figure_organic'),
                    share(organic, total)),
                (gettext('food_aid_reporting.msg_grant_figure_local'),
                    share(sum(r.local_kg or 0 for r in rows), kg)),
                ]
        return figures
