# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The network's consolidated figures: SQL aggregates per garden and period

The coordinator of the network reads them for every company the user
belongs to (res.user.companies), whatever the current company, and never
the records they are computed from."""
import csv
import io
import zipfile
from collections import defaultdict
from decimal import Decimal
from xml.etree import ElementTree

from sql import Literal, Null, Union
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Round

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.food_aid.report import DocumentMixin, format_year
from trytond.modules.food_aid_reporting.reporting import (
    Abstract, PeriodContextMixin, PeriodMixin, SaleSourceMixin,
    labelled_templates_query, product_origin_query, share)
from trytond.pool import Pool, PoolMeta
from trytond.report import Report
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateReport, StateTransition, StateView, Wizard)

from .exceptions import NetworkReportingError
from .reporting_cache import ReportingCacheMixin

CHANNEL_KINDS = ['food_aid', 'catering', 'basket', 'other']
# the sources of the garden figures; each row's id is unique across them
SOURCES = ['sale', 'purchase', 'grant', 'loss']


def user_companies_where(column):
    """The condition that the company column is one of the companies the
    user belongs to; root (the server itself) reads them all"""
    pool = Pool()
    UserCompany = pool.get('res.user-company.company')
    user = Transaction().user
    if not user:
        return Literal(True)
    user_company = UserCompany.__table__()
    return column.in_(user_company.select(
            user_company.company, where=user_company.user == user))


def all_companies():
    "The context under which the project's reports read every company"
    return Transaction().set_context(company=None, channel=None)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    # the coordinator's rule reads the parties of the gardens only
    garden_companies = fields.One2Many(
        'company.company', 'party', "Gardens", readonly=True,
        help="The companies of the database whose party this is.")


class NetworkContext(PeriodContextMixin, ModelView):
    """What the network's figures show: period and dates, for every garden
    of the user, whatever the current company"""
    __name__ = 'food_aid.network.reporting.context'


class NetworkAbstract(Abstract):
    "The network reports: every garden of the user, none other"

    @classmethod
    def _where(cls, source):
        return super()._where(source) & user_companies_where(source.company)


class GardenReporting(ReportingCacheMixin,
        SaleSourceMixin, PeriodMixin, NetworkAbstract, ModelView):
    """The figures of a garden of the network in a period: kilograms by
    channel, fruit and vegetables, organic and local, persons helped,
    grants, producers' share of the price and losses"""
    __name__ = 'food_aid.network.reporting.garden'

    currency = fields.Many2One(
        'currency.currency', "Currency", readonly=True)
    quantity_kg = fields.Float("Quantity (kg)", digits=(16, 3), readonly=True)
    food_aid_kg = fields.Float(
        "Food Aid (kg)", digits=(16, 3), readonly=True)
    catering_kg = fields.Float(
        "Catering (kg)", digits=(16, 3), readonly=True)
    basket_kg = fields.Float("Baskets (kg)", digits=(16, 3), readonly=True)
    other_kg = fields.Float(
        "Other Channels (kg)", digits=(16, 3), readonly=True)
    fruit_vegetable_kg = fields.Float(
        "Fruit and Vegetables (kg)", digits=(16, 3), readonly=True)
    organic_kg = fields.Float("Organic (kg)", digits=(16, 3), readonly=True)
    local_kg = fields.Float(
        "Local (kg)", digits=(16, 3), readonly=True,
        help="The kilograms bought by the garden from producers within the "
        "local radius of the reporting configuration.")
    fruit_vegetable_share = fields.Function(fields.Numeric(
            "Fruit and Vegetables (%)", digits=(5, 2)), 'get_share')
    organic_share = fields.Function(fields.Numeric(
            "Organic (%)", digits=(5, 2)), 'get_share')
    local_share = fields.Function(fields.Numeric(
            "Local (%)", digits=(5, 2)), 'get_share')
    organisations = fields.Integer(
        "Organisations", readonly=True,
        help="The number of food-aid organisations served.")
    persons = fields.Function(fields.Integer(
            "Persons Helped",
            help="The persons of the beneficiary counts, overlapping the "
            "period, of the organisations the garden served in it."),
        'get_persons')
    amount = Monetary(
        "Sales", currency='currency', digits='currency', readonly=True,
        help="The amount of the sales excluding taxes.")
    subsidy_amount = Monetary(
        "Grants", currency='currency', digits='currency', readonly=True,
        help="The amount the grants paid on the deliveries.")
    producer_paid_amount = Monetary(
        "Paid to Producers", currency='currency', digits='currency',
        readonly=True,
        help="The amount of the purchases from the producers.")
    producer_price_amount = Monetary(
        "Producers' Part", currency='currency', digits='currency',
        readonly=True,
        help="The producers' price in the sales whose price is broken down.")
    priced_amount = Monetary(
        "Broken Down Sales", currency='currency', digits='currency',
        readonly=True,
        help="The amount of the sales whose price is broken down.")
    producer_share = fields.Function(fields.Numeric(
            "Producers' Share (%)", digits=(5, 2),
            help="The producers' part of the final price excluding taxes."),
        'get_share')
    loss_kg = fields.Float("Losses (kg)", digits=(16, 3), readonly=True)
    loss_value = Monetary(
        "Losses", currency='currency', digits='currency', readonly=True,
        help="The value of the losses at cost price.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(1, ('company', 'ASC'))

    _cache_model = 'food_aid.network.reporting.garden.month'
    _cache_dimensions = ['currency', 'currency_digits', 'organisation']
    _cache_measures = [
        'quantity_kg', 'fruit_vegetable_kg', 'organic_kg', 'local_kg',
        'amount', 'producer_price_amount', 'priced_amount',
        'subsidy_amount', 'producer_paid_amount', 'loss_kg', 'loss_value',
        ] + [k + '_kg' for k in CHANNEL_KINDS]

    @classmethod
    def _live_source(cls):
        "All the rows of the garden figures, from sales to losses"
        pool = Pool()
        Purchase = pool.get('food_aid.reporting.producer')
        Loss = pool.get('food_aid.reporting.loss')
        with all_companies():
            # the sale lines of SaleSourceMixin
            sale = super(ReportingCacheMixin, cls)._source()
            purchase = Purchase._source()
            loss = Loss._source()
        grant = grant_line_source(cls)
        zero = Literal(0.)
        measures = cls._cache_measures

        def rows(source, index, organisation=Literal(None), **values):
            columns = [
                (source.id * len(SOURCES) + index).as_('id'),
                source.company.as_('company'),
                source.date.as_('date'),
                source.currency.as_('currency'),
                source.currency_digits.as_('currency_digits'),
                organisation.as_('organisation'),
                ]
            columns += [
                values.get(name, zero).as_(name) for name in measures]
            return source.select(*columns)

        fruit_vegetable = sale.food_family == 'FRUITS_ET_LEGUMES'
        channel_kinds = {
            kind + '_kg': Case(
                (sale.channel_kind == kind, sale.quantity_kg), else_=zero)
            for kind in CHANNEL_KINDS[:-1]}
        # a sale without channel counts in the other channels
        channel_kinds['other_kg'] = Case(
            (sale.channel_kind.in_(CHANNEL_KINDS[:-1]), zero),
            else_=sale.quantity_kg)
        priced = sale.producer_price != Null
        sales = rows(sale, SOURCES.index('sale'),
            organisation=sale.organisation,
            quantity_kg=sale.quantity_kg,
            fruit_vegetable_kg=Case(
                (fruit_vegetable, sale.quantity_kg), else_=zero),
            organic_kg=Case((sale.organic == 1, sale.quantity_kg), else_=zero),
            local_kg=sale.quantity_kg * sale.local_ratio,
            amount=sale.amount,
            producer_price_amount=Case(
                (priced, sale.quantity * sale.producer_price), else_=zero),
            priced_amount=Case((priced, sale.amount), else_=zero),
            **channel_kinds)
        purchases = rows(purchase, SOURCES.index('purchase'),
            producer_paid_amount=purchase.amount)
        grants = rows(grant, SOURCES.index('grant'),
            subsidy_amount=grant.amount)
        losses = rows(loss, SOURCES.index('loss'),
            loss_kg=loss.quantity_kg, loss_value=loss.value)
        return Union(sales, purchases, grants, losses, all_=True)

    @classmethod
    def _sale_source_extra(cls, from_item, tables):
        from_item, columns = super()._sale_source_extra(from_item, tables)
        template = tables['template']
        line = tables['line']
        sale = tables['sale']
        customer = tables['customer']
        organic = labelled_templates_query(organic=True)
        # local is what the garden itself bought from local producers
        origin = product_origin_query(None, per_company=True)
        from_item = (from_item
            .join(organic, 'LEFT', condition=organic.template == template.id)
            .join(origin, 'LEFT',
                condition=(origin.product == line.product)
                & (origin.company == sale.company)))
        return from_item, columns + [
            Case((organic.template != Null, Literal(1)),
                else_=Literal(0)).as_('organic'),
            Coalesce(origin.local_ratio, 0.).as_('local_ratio'),
            Case((customer.is_food_aid_organisation == Literal(True),
                    sale.party), else_=Null).as_('organisation'),
            Coalesce(line.actual_quantity, line.quantity).as_('quantity'),
            line.producer_price.as_('producer_price'),
            ]

    @classmethod
    def _sale_source_where(cls, tables):
        pool = Pool()
        Company = pool.get('company.company')
        company = Company.__table__()
        customer = tables['customer']
        # a sale to another garden stays inside the network: its kilograms
        # count once, in the sales of the garden that bought them
        return super()._sale_source_where(tables) & ~customer.id.in_(
            company.select(company.party))

    @classmethod
    def _columns(cls, source):
        def kg(name):
            field = getattr(cls, name)
            return field.sql_cast(Sum(getattr(source, name))).as_(name)

        def amount(name):
            field = getattr(cls, name)
            return Round(field.sql_cast(Sum(getattr(source, name))),
                source.currency_digits).as_(name)
        return super()._columns(source) + [
            source.currency.as_('currency'),
            Count(source.organisation, distinct=True).as_('organisations'),
            ] + [kg(n) for n in [
                'quantity_kg', 'fruit_vegetable_kg', 'organic_kg',
                'local_kg', 'loss_kg'] + [k + '_kg' for k in CHANNEL_KINDS]
            ] + [amount(n) for n in [
                'amount', 'subsidy_amount', 'producer_paid_amount',
                'producer_price_amount', 'priced_amount', 'loss_value']]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [
            source.currency, source.currency_digits]

    @classmethod
    def get_share(cls, records, names):
        parts = {
            'fruit_vegetable_share': ('fruit_vegetable_kg', 'quantity_kg'),
            'organic_share': ('organic_kg', 'quantity_kg'),
            'local_share': ('local_kg', 'quantity_kg'),
            'producer_share': ('producer_price_amount', 'priced_amount'),
            }
        return {
            name: {
                r.id: share(
                    getattr(r, parts[name][0]), getattr(r, parts[name][1]))
                for r in records}
            for name in names}

    @classmethod
    def get_persons(cls, records, name):
        pool = Pool()
        BeneficiaryCount = pool.get('food_aid.beneficiary.count')
        cursor = Transaction().connection.cursor()
        delta = cls._period_delta()
        companies = {r.company.id for r in records if r.company}
        dates = sorted({r.date for r in records if r.date})
        persons = {}
        if companies and dates:
            # one aggregate per period, in a single query: the persons of
            # the counts of the organisations served in the period, as the
            # rows of the figures give them
            source = cls._source()
            queries = []
            for index, date in enumerate(dates):
                count = BeneficiaryCount.__table__()
                served = source.select(
                    source.company, source.organisation,
                    where=(source.organisation != Null)
                    & fields.SQL_OPERATORS['in'](
                        source.company, sorted(companies))
                    & (source.date >= date)
                    & (source.date < date + delta),
                    group_by=[source.company, source.organisation])
                queries.append(served.join(count,
                        condition=(count.party == served.organisation)
                        & (count.company == served.company)).select(
                        served.company, Literal(index).as_('period'),
                        Sum(Coalesce(count.persons, 0)).as_('persons'),
                        where=(count.date_start < date + delta)
                        & (count.date_end >= date),
                        group_by=[served.company]))
            query = queries[0]
            for other in queries[1:]:
                query = Union(query, other, all_=True)
            cursor.execute(*query)
            for company, index, total in cursor:
                persons[company, dates[index]] = int(total or 0)
        return {
            r.id: persons.get(
                (r.company.id if r.company else None, r.date), 0)
            for r in records}

    def get_rec_name(self, name):
        return self.company.rec_name if self.company else ''


def grant_line_source(report):
    "The non-cancelled lines of the grants, with their programme"
    pool = Pool()
    Grant = pool.get('food_aid.grant')
    GrantLine = pool.get('food_aid.grant.line')
    Currency = pool.get('currency.currency')
    grant = Grant.__table__()
    line = GrantLine.__table__()
    currency = Currency.__table__()
    return (line
        .join(grant, condition=line.grant == grant.id)
        .join(currency, condition=grant.currency == currency.id)
        .select(
            line.id.as_('id'),
            grant.company.as_('company'),
            grant.program.as_('program'),
            line.date.as_('date'),
            line.customer.as_('customer'),
            line.amount.as_('amount'),
            grant.currency.as_('currency'),
            currency.digits.as_('currency_digits'),
            where=(line.state != 'cancelled')
            & report._date_filter(line.date)))


class ProgramReporting(
        ReportingCacheMixin, PeriodMixin, NetworkAbstract, ModelView):
    "The grants a garden mobilised in a period, by programme"
    __name__ = 'food_aid.network.reporting.program'

    program = fields.Selection('get_programs', "Programme", readonly=True)
    # a field, so that the graph shows the programme's French label
    program_string = fields.Function(
        fields.Char("Programme"), 'get_program_string')
    currency = fields.Many2One(
        'currency.currency', "Currency", readonly=True)
    amount = Monetary(
        "Amount", currency='currency', digits='currency', readonly=True,
        help="The amount the grants of the programme paid.")
    customers = fields.Integer(
        "Customers", readonly=True, help="The number of customers covered.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(1, ('company', 'ASC'))
        cls._order.insert(2, ('program', 'ASC'))

    @classmethod
    def get_programs(cls):
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        return Grant.fields_get(['program'])['program']['selection']

    @classmethod
    def get_program_string(cls, records, name):
        labels = dict(cls.get_programs())
        return {r.id: labels.get(r.program, r.program or '') for r in records}

    _cache_model = 'food_aid.network.reporting.program.month'
    _cache_dimensions = ['program', 'customer', 'currency', 'currency_digits']
    _cache_measures = ['amount']

    @classmethod
    def _live_source(cls):
        return grant_line_source(cls)

    @classmethod
    def _columns(cls, source):
        return super()._columns(source) + [
            source.program.as_('program'),
            source.currency.as_('currency'),
            Round(cls.amount.sql_cast(Sum(source.amount)),
                source.currency_digits).as_('amount'),
            Count(source.customer, distinct=True).as_('customers'),
            ]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [
            source.program, source.currency, source.currency_digits]

    def get_rec_name(self, name):
        return self.company.rec_name if self.company else ''


# the sums of the network's total; the shares are those of the sums
TOTAL_MEASURES = [
    'quantity_kg', 'fruit_vegetable_kg', 'organic_kg', 'local_kg',
    'organisations', 'persons', 'amount', 'subsidy_amount',
    'producer_paid_amount', 'producer_price_amount', 'priced_amount',
    'loss_kg', 'loss_value',
    ] + [k + '_kg' for k in CHANNEL_KINDS]
MONETARY = {
    'amount', 'subsidy_amount', 'producer_paid_amount',
    'producer_price_amount', 'priced_amount', 'loss_value',
    }
SHARES = {
    'fruit_vegetable_share': ('fruit_vegetable_kg', 'quantity_kg'),
    'organic_share': ('organic_kg', 'quantity_kg'),
    'local_share': ('local_kg', 'quantity_kg'),
    'producer_share': ('producer_price_amount', 'priced_amount'),
    }


def network_total(rows):
    """The network's total of garden rows: the sums, and the shares of the
    sums (never an average of the gardens' shares)"""
    total = {}
    currency = rows[0].currency if rows else None
    for name in TOTAL_MEASURES:
        values = [getattr(r, name) or 0 for r in rows]
        if name in MONETARY:
            total[name] = sum(values, Decimal(0))
            if currency:
                total[name] = currency.round(total[name])
        else:
            total[name] = sum(values)
    for name, (part, whole) in SHARES.items():
        total[name] = share(total[part], total[whole])
    return total


def network_figures(pool):
    """Return the garden rows, the totals per period and overall, and the
    grants by programme, in the transaction's context"""
    Garden = pool.get('food_aid.network.reporting.garden')
    Program = pool.get('food_aid.network.reporting.program')
    gardens = Garden.search([], order=[('date', 'ASC'), ('company', 'ASC')])
    by_period = defaultdict(list)
    for row in gardens:
        by_period[row.date].append(row)
    programs = Program.search(
        [], order=[('date', 'ASC'), ('company', 'ASC'), ('program', 'ASC')])
    program_totals = defaultdict(Decimal)
    for row in programs:
        program_totals[row.program] += row.amount or 0
    labels = dict(Program.get_programs())
    return {
        'gardens': gardens,
        'periods': [
            (date, rows, network_total(rows))
            for date, rows in sorted(by_period.items())],
        'total': network_total(gardens),
        'programs': programs,
        'program_totals': [
            (labels.get(p, p), amount)
            for p, amount in sorted(program_totals.items())],
        }


class ExportStart(NetworkContext):
    "The network's figures to export"
    __name__ = 'food_aid.network.reporting.export.start'

    format = fields.Selection([
            ('ods', "Spreadsheet (ODS)"),
            ('csv', "CSV"),
            ], "Format", required=True)

    @classmethod
    def default_format(cls):
        return 'ods'


class ExportResult(ModelView):
    "The file of the network's figures"
    __name__ = 'food_aid.network.reporting.export.result'

    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class Export(Wizard):
    """Export the network's figures, garden by garden and in total, as a
    spreadsheet or a CSV file"""
    __name__ = 'food_aid.network.reporting.export'

    start = StateView(
        'food_aid.network.reporting.export.start',
        'food_aid_network.reporting_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView(
        'food_aid.network.reporting.export.result',
        'food_aid_network.reporting_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        pool = Pool()
        start = self.start
        check_dates(start.from_date, start.to_date)
        with Transaction().set_context(
                from_date=start.from_date, to_date=start.to_date,
                period=start.period):
            header, rows = export_table(pool)
        name = 'reseau-%s-%s' % (
            start.from_date or '', start.to_date or '')
        if start.format == 'csv':
            self.result.file = table_csv(header, rows).encode('utf-8')
        else:
            self.result.file = table_ods(
                gettext('food_aid_network.msg_network_sheet'), header, rows)
        self.result.filename = '%s.%s' % (name, start.format)
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            }


def check_dates(from_date, to_date):
    if from_date and to_date and from_date > to_date:
        raise NetworkReportingError(gettext(
                'food_aid_network.msg_network_dates',
                from_date=from_date, to_date=to_date))


# the columns of the export and of the printed report, in this order
EXPORT_COLUMNS = [
    'quantity_kg', 'food_aid_kg', 'catering_kg', 'basket_kg', 'other_kg',
    'fruit_vegetable_share', 'organic_share', 'local_share',
    'organisations', 'persons', 'amount', 'subsidy_amount',
    'producer_paid_amount', 'producer_share', 'loss_kg', 'loss_value',
    ]


def export_table(pool):
    """Return the header and the rows of the network's figures: per period
    the gardens then the network, the whole dates' network last; the grants
    of each programme in the last columns"""
    Garden = pool.get('food_aid.network.reporting.garden')
    Program = pool.get('food_aid.network.reporting.program')
    figures = network_figures(pool)
    strings = Garden.fields_get(EXPORT_COLUMNS + ['company', 'date'])
    programs = Program.get_programs()
    header = [strings['company']['string'], strings['date']['string']]
    header += [strings[c]['string'] for c in EXPORT_COLUMNS]
    header += [label for _, label in programs]
    granted = defaultdict(Decimal)
    for row in figures['programs']:
        granted[row.company.id, row.date, row.program] += row.amount or 0
        granted[None, row.date, row.program] += row.amount or 0
        granted[None, None, row.program] += row.amount or 0
    network = gettext('food_aid_network.msg_network_total')
    currency = figures['gardens'][0].currency if figures['gardens'] else None

    def grants(company, date):
        amounts = [granted.get((company, date, p), Decimal(0))
            for p, _ in programs]
        return [currency.round(a) for a in amounts] if currency else amounts

    def line(name, date, values, company):
        return [name, date.isoformat() if date else ''] + [
            values[c] for c in EXPORT_COLUMNS] + grants(company, date)
    def garden_values(garden):
        values = {c: getattr(garden, c) for c in EXPORT_COLUMNS}
        for name in MONETARY & set(values):
            if values[name] is not None:
                values[name] = garden.currency.round(values[name])
        return values
    rows = []
    for date, gardens, total in figures['periods']:
        for garden in gardens:
            rows.append(line(garden.company.rec_name, date,
                    garden_values(garden), garden.company.id))
        rows.append(line(network, date, total, None))
    if len(figures['periods']) > 1:
        rows.append(line(network, None, figures['total'], None))
    return header, rows


def cell_text(value):
    if value is None:
        return ''
    if isinstance(value, float):
        return str(round(value, 3))
    return str(value)


def table_csv(header, rows):
    "The CSV text of the table, its header first"
    output = io.StringIO()
    writer = csv.writer(output, lineterminator='\n')
    writer.writerow(header)
    writer.writerows([cell_text(v) for v in row] for row in rows)
    return output.getvalue()


ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" '
    'manifest:media-type="text/xml"/>'
    '</manifest:manifest>')
ODS_NAMESPACES = {
    'office': 'urn:oasis:names:tc:opendocument:xmlns:office:1.0',
    'table': 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
    'text': 'urn:oasis:names:tc:opendocument:xmlns:text:1.0',
    }


def table_ods(name, header, rows):
    """The OpenDocument spreadsheet of the table: one sheet, numbers as
    numbers, the smallest file LibreOffice and Excel open"""
    office = '{%s}' % ODS_NAMESPACES['office']
    table_ = '{%s}' % ODS_NAMESPACES['table']
    text = '{%s}' % ODS_NAMESPACES['text']
    for prefix, uri in ODS_NAMESPACES.items():
        ElementTree.register_namespace(prefix, uri)
    document = ElementTree.Element(
        office + 'document-content', {office + 'version': '1.2'})
    body = ElementTree.SubElement(document, office + 'body')
    spreadsheet = ElementTree.SubElement(body, office + 'spreadsheet')
    sheet = ElementTree.SubElement(
        spreadsheet, table_ + 'table', {table_ + 'name': name})
    for values in [header] + rows:
        row = ElementTree.SubElement(sheet, table_ + 'table-row')
        for value in values:
            if isinstance(value, (int, float, Decimal)) and value is not None:
                cell = ElementTree.SubElement(row, table_ + 'table-cell', {
                        office + 'value-type': 'float',
                        office + 'value': cell_text(value),
                        })
            else:
                cell = ElementTree.SubElement(row, table_ + 'table-cell', {
                        office + 'value-type': 'string'})
            ElementTree.SubElement(cell, text + 'p').text = cell_text(value)
    output = io.BytesIO()
    with zipfile.ZipFile(output, 'w') as archive:
        # the mimetype first and stored, as OpenDocument requires
        archive.writestr(
            'mimetype', 'application/vnd.oasis.opendocument.spreadsheet',
            compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            'META-INF/manifest.xml', ODS_MANIFEST,
            compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(
            'content.xml',
            ElementTree.tostring(document, encoding='utf-8',
                xml_declaration=True),
            compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()


class NetworkReportWizard(Wizard):
    "Print the network's figures"
    __name__ = 'food_aid.network.report.print'

    start = StateView(
        'food_aid.network.reporting.context',
        'food_aid_network.reporting_context_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('food_aid.network.report')

    def do_print_(self, action):
        check_dates(self.start.from_date, self.start.to_date)
        return action, {
            'from_date': self.start.from_date,
            'to_date': self.start.to_date,
            'period': self.start.period,
            }


class NetworkReport(DocumentMixin, Report):
    """The network's figures for advocacy: garden by garden and in total,
    by period, with the grants by programme"""
    __name__ = 'food_aid.network.report'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        context = super().get_context(records, header, data)
        check_dates(data.get('from_date'), data.get('to_date'))
        period = data.get('period') or 'month'
        context['from_date'] = data.get('from_date')
        context['to_date'] = data.get('to_date')
        context['format_period'] = lambda date: (
            format_year(date) if period == 'year'
            else date.strftime('%m/%Y'))
        with Transaction().set_context(
                from_date=data.get('from_date'), to_date=data.get('to_date'),
                period=period):
            context.update(network_figures(pool))
        context['garden_names'] = sorted(
            {r.company.rec_name for r in context['gardens']})
        return context
