# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import csv
import datetime as dt
import io
import json
import os
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

from trytond import backend
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.food_aid.tests.tools import document_format, untranslated
from trytond.modules.food_aid_reporting.exceptions import MaCantineExportError
from trytond.modules.food_aid_reporting.export import (
    MA_CANTINE_COLUMNS, ma_cantine_csv, ma_cantine_rows)
from trytond.pool import Pool
from trytond.tests import test_tryton
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

D = Decimal
YEAR = dt.date.today().year - 1
MARCH = dt.date(YEAR, 3, 1)
APRIL = dt.date(YEAR, 4, 1)
SCHEMA = os.path.join(
    os.path.dirname(__file__), '..', '..', '..', '..', 'shared', 'data',
    'ma-cantine', 'achats_siret.json')
SCHEMA = os.environ.get('MA_CANTINE_SCHEMA', os.path.normpath(SCHEMA))

OPTIONAL_MODULES = ['food_aid_subsidy', 'food_aid_logistics']
REPORTS = [
    'food_aid.reporting.sale',
    'food_aid.reporting.channel',
    'food_aid.reporting.period',
    'food_aid.reporting.family',
    'food_aid.reporting.product',
    'food_aid.reporting.producer',
    'food_aid.reporting.mmpt',
    'food_aid.reporting.egalim',
    ]


@contextmanager
def count_queries():
    "Count the SQL queries executed in the block"
    if backend.name == 'sqlite':
        from trytond.backend.sqlite.database import SQLiteCursor as Cursor
    else:
        from trytond.backend.postgresql.database import (
            LoggingCursor as Cursor)
    counter = {'queries': 0}
    execute = Cursor.execute

    def counting_execute(self, *args, **kwargs):
        counter['queries'] += 1
        return execute(self, *args, **kwargs)
    with patch.object(Cursor, 'execute', counting_execute):
        yield counter


def get_country(code, name):
    pool = Pool()
    Country = pool.get('country.country')
    countries = Country.search([('code', '=', code)])
    if countries:
        return countries[0]
    country, = Country.create([{'name': name, 'code': code}])
    return country


def get_id(module, xml_id):
    return Pool().get('ir.model.data').get_id(module, xml_id)


class Scenario:
    """A month of activity computed by hand:

    March: the Restos buy 10 kg of carrots at 1.00 and 5 salads at 0.80;
    the canteen 20 kg of carrots at 2.00 (21 kg delivered), 5000 g of
    lentils at 0.004/g and 10 salads at 1.00.  April: the Restos buy 4 kg of
    lentils at 1.50.  A draft sale of 100 kg does not count.
    The platform bought in March from the near farm (20 km) 30 kg of carrots
    at 0.60 and 20 salads at 0.40, from the far farm (300 km) 10 kg of
    carrots at 0.50 and 10 kg of lentils at 1.00.
    """

    def __init__(self, company, suffix=''):
        pool = Pool()
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        Identifier = pool.get('party.identifier')
        Channel = pool.get('food_aid.channel')
        Template = pool.get('product.template')
        Label = pool.get('food_aid.quality_label')
        Count = pool.get('food_aid.beneficiary.count')
        Uom = pool.get('product.uom')

        self.company = company
        kilogram = Uom(get_id('product', 'uom_kilogram'))
        gram = Uom(get_id('product', 'uom_gram'))
        unit = Uom(get_id('product', 'uom_unit'))
        france = get_country('FR', "France")
        italy = get_country('IT', "Italie")
        bio, = Label.search([('code', '=', 'BIO')])
        label_rouge, = Label.search([('code', '=', 'LABEL_ROUGE')])

        self.food_aid, self.catering = Channel.search(
            [('code', 'in', ['RPT-AA', 'RPT-RC'])], order=[('code', 'ASC')]) or (
            Channel.create([
                    {'name': "Aide alimentaire", 'code': 'RPT-AA',
                        'kind': 'food_aid'},
                    {'name': "Restauration collective", 'code': 'RPT-RC',
                        'kind': 'catering'},
                    ]))
        self.restos, self.canteen, self.near, self.far = Party.create([{
                    'name': "Restos du cœur" + suffix,
                    'is_food_aid_organisation': True,
                    'addresses': [('create', [{'city': "Angoulême"}])],
                    }, {
                    'name': "Cantine Jean Moulin" + suffix,
                    'is_catering': True,
                    'addresses': [('create', [{'city': "Angoulême"}])],
                    }, {
                    'name': "Ferme proche" + suffix,
                    'is_producer': True, 'distance_km': 20,
                    'addresses': [('create', [{'city': "Cognac"}])],
                    }, {
                    'name': "Ferme lointaine" + suffix,
                    'is_producer': True, 'distance_km': 300,
                    'addresses': [('create', [{'city': "Agen"}])],
                    }])
        address, = Address.search([('party', '=', self.canteen.id)])
        Identifier.create([{
                    'party': self.canteen.id, 'address': address.id,
                    'type': 'fr_siret', 'code': '73282932000074',
                    }])
        Count.create([{
                    'company': company.id,
                    'party': self.restos.id,
                    'date_start': dt.date(YEAR, 1, 1),
                    'date_end': dt.date(YEAR, 12, 31),
                    'persons': 120, 'households': 50,
                    }])

        def template(name, uom, family, labels, country):
            return {
                'name': name + suffix, 'type': 'goods',
                'default_uom': uom.id, 'purchase_uom': uom.id,
                'salable': True, 'sale_uom': uom.id, 'purchasable': True,
                'food_family': family,
                'quality_labels': [('add', [l.id for l in labels])],
                'origin_country': country.id if country else None,
                'products': [('create', [{}])],
                }
        carrots, lentils, salad = Template.create([
                template("Carottes", kilogram, 'FRUITS_ET_LEGUMES', [bio],
                    france),
                template("Lentilles", kilogram, 'AUTRES', [label_rouge],
                    italy),
                template("Salade", unit, 'FRUITS_ET_LEGUMES', [], None),
                ])
        self.carrots, = carrots.products
        self.lentils, = lentils.products
        self.salad, = salad.products
        self.units = {'kg': kilogram, 'g': gram, 'u': unit}

        self.sale(self.restos, self.food_aid, MARCH.replace(day=10), [
                (self.carrots, 10, 'kg', '1.00', None),
                (self.salad, 5, 'u', '0.80', None)])
        self.sale(self.canteen, self.catering, MARCH.replace(day=12), [
                (self.carrots, 20, 'kg', '2.00', 21),
                (self.lentils, 5000, 'g', '0.004', None),
                (self.salad, 10, 'u', '1.00', None)])
        self.sale(self.restos, self.food_aid, APRIL.replace(day=5), [
                (self.lentils, 4, 'kg', '1.50', None)])
        self.sale(self.restos, self.food_aid, APRIL.replace(day=6), [
                (self.carrots, 100, 'kg', '1.00', None)], state='draft')
        self.purchase(self.near, [
                (self.carrots, 30, '0.60'), (self.salad, 20, '0.40')])
        self.purchase(self.far, [
                (self.carrots, 10, '0.50'), (self.lentils, 10, '1.00')])

    def sale(self, party, channel, date, lines, state='confirmed'):
        pool = Pool()
        Sale = pool.get('sale.sale')
        sale, = Sale.create([{
                    'company': self.company.id,
                    'party': party.id,
                    'channel': channel.id,
                    'sale_date': date,
                    'currency': self.company.currency.id,
                    'invoice_address': party.addresses[0].id,
                    'shipment_address': party.addresses[0].id,
                    'lines': [('create', [{
                                    'product': product.id,
                                    'quantity': quantity,
                                    'unit': self.units[unit].id,
                                    'unit_price': D(price),
                                    'actual_quantity': actual,
                                    } for product, quantity, unit, price,
                                actual in lines])],
                    }])
        # the reports read the state; the workflow is core Tryton's own
        Sale.write([sale], {'state': state})
        return sale

    def purchase(self, party, lines):
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        purchase, = Purchase.create([{
                    'company': self.company.id,
                    'party': party.id,
                    'purchase_date': MARCH,
                    'currency': self.company.currency.id,
                    'invoice_address': party.addresses[0].id,
                    'lines': [('create', [{
                                    'product': product.id,
                                    'quantity': quantity,
                                    'unit': product.default_uom.id,
                                    'unit_price': D(price),
                                    } for product, quantity, price in lines])],
                    }])
        Purchase.write([purchase], {'state': 'confirmed'})
        return purchase


def year_context(company, **context):
    values = {
        'company': company.id,
        'from_date': dt.date(YEAR, 1, 1),
        'to_date': dt.date(YEAR, 12, 31),
        'period': 'month',
        }
    values.update(context)
    return Transaction().set_context(**values)


class FoodAidReportingTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid Reporting module"
    module = 'food_aid_reporting'

    def test_view(self):
        "Test the views, those of an optional module when it is activated"
        # the views of the optional parts live in view/<optional module>/
        directory = os.path.join(os.path.dirname(__file__), '..', 'view')
        inactive = [
            os.path.normpath(os.path.join(directory, m))
            for m in OPTIONAL_MODULES if m not in (self.extras or [])]
        glob = test_tryton.glob.glob

        def active_views(pattern, **kwargs):
            return [f for f in glob(pattern, **kwargs)
                if not any(os.path.normpath(f).startswith(d)
                    for d in inactive)]
        with patch.object(test_tryton.glob, 'glob', active_views):
            super().test_view()

    @with_transaction()
    def test_french_translation_complete(self):
        "Every string of the module has its French translation"
        path = os.path.join(
            os.path.dirname(__file__), '..', 'locale', 'fr.po')
        missing = untranslated('food_aid_reporting', path)
        self.assertEqual(
            [f'{e.msgctxt} {e.msgid}' for e in missing], [])

    def assertRows(self, records, fields, expected):
        "Compare the records' fields with the expected tuples"
        def value(record, name):
            value = getattr(record, name)
            if hasattr(value, 'id'):
                return value.id
            if isinstance(value, float):
                return round(value, 3)
            return value
        self.assertEqual(
            sorted(tuple(value(r, f) for f in fields) for r in records),
            sorted(expected))

    @with_transaction()
    def test_channel_report(self):
        "Kilograms, pieces and amounts by channel"
        pool = Pool()
        Channel = pool.get('food_aid.reporting.channel')
        company = create_company()
        with set_company(company):
            s = Scenario(company)
            with year_context(company):
                self.assertRows(Channel.search([]),
                    ['channel', 'quantity_kg', 'quantity_pieces', 'amount',
                        'number', 'customers'], [
                        (s.food_aid.id, 14, 5, D('20.00'), 2, 1),
                        (s.catering.id, 26, 10, D('72.00'), 1, 1),
                        ])
            with year_context(company, channel=s.food_aid.id,
                    to_date=dt.date(YEAR, 3, 31)):
                self.assertRows(Channel.search([]),
                    ['channel', 'quantity_kg', 'amount'], [
                        (s.food_aid.id, 10, D('14.00')),
                        ])

    @with_transaction()
    def test_period_family_product_reports(self):
        "Kilograms and amounts by month, by food family and by product"
        pool = Pool()
        Period = pool.get('food_aid.reporting.period')
        Family = pool.get('food_aid.reporting.family')
        Product = pool.get('food_aid.reporting.product')
        company = create_company()
        with set_company(company):
            s = Scenario(company)
            with year_context(company):
                self.assertRows(Period.search([]),
                    ['date', 'quantity_kg', 'quantity_pieces', 'amount',
                        'number', 'customers'], [
                        (MARCH, 36, 15, D('86.00'), 2, 2),
                        (APRIL, 4, 0, D('6.00'), 1, 1),
                        ])
                self.assertRows(Family.search([]),
                    ['food_family', 'quantity_kg', 'quantity_pieces',
                        'amount'], [
                        ('FRUITS_ET_LEGUMES', 31, 15, D('66.00')),
                        ('AUTRES', 9, 0, D('26.00')),
                        ])
                products = Product.search([])
                self.assertEqual(
                    [p.product for p in products],
                    [s.carrots, s.lentils, s.salad])
                self.assertRows(products,
                    ['product', 'quantity_kg', 'quantity_pieces', 'amount'], [
                        (s.carrots.id, 31, 0, D('52.00')),
                        (s.lentils.id, 9, 0, D('26.00')),
                        (s.salad.id, 0, 15, D('14.00')),
                        ])
            with year_context(company, period='year'):
                self.assertRows(Period.search([]),
                    ['date', 'quantity_kg', 'amount'], [
                        (dt.date(YEAR, 1, 1), 40, D('92.00'))])

    @with_transaction()
    def test_sale_report(self):
        "Sales by channel, customer, food family and month"
        pool = Pool()
        Sale = pool.get('food_aid.reporting.sale')
        company = create_company()
        with set_company(company):
            s = Scenario(company)
            with year_context(company):
                self.assertRows(Sale.search([]),
                    ['date', 'channel', 'customer', 'food_family',
                        'quantity_kg', 'quantity_pieces', 'amount'], [
                        (MARCH, s.food_aid.id, s.restos.id,
                            'FRUITS_ET_LEGUMES', 10, 5, D('14.00')),
                        (MARCH, s.catering.id, s.canteen.id,
                            'FRUITS_ET_LEGUMES', 21, 10, D('52.00')),
                        (MARCH, s.catering.id, s.canteen.id,
                            'AUTRES', 5, 0, D('20.00')),
                        (APRIL, s.food_aid.id, s.restos.id,
                            'AUTRES', 4, 0, D('6.00')),
                        ])

    @with_transaction()
    def test_producer_report(self):
        "Purchases from each producer by month"
        pool = Pool()
        Producer = pool.get('food_aid.reporting.producer')
        company = create_company()
        with set_company(company):
            s = Scenario(company)
            with year_context(company):
                self.assertRows(Producer.search([]),
                    ['date', 'producer', 'quantity_kg', 'quantity_pieces',
                        'amount', 'number'], [
                        (MARCH, s.near.id, 30, 20, D('26.00'), 1),
                        (MARCH, s.far.id, 20, 0, D('15.00'), 1),
                        ])

    @with_transaction()
    def test_mmpt_report(self):
        "MMPT indicators of the food-aid organisation by month"
        pool = Pool()
        MMPT = pool.get('food_aid.reporting.mmpt')
        company = create_company()
        with set_company(company):
            s = Scenario(company)
            with year_context(company):
                # 30 of the 40 kg of carrots come from the near farm
                self.assertRows(MMPT.search([]),
                    ['date', 'organisation', 'quantity_kg', 'quantity_pieces',
                        'fruit_vegetable_kg', 'labelled_kg', 'local_kg',
                        'fruit_vegetable_share', 'labelled_share',
                        'local_share', 'persons'], [
                        (MARCH, s.restos.id, 10, 5, 10, 10, 7.5,
                            D('100.00'), D('100.00'), D('75.00'), 120),
                        (APRIL, s.restos.id, 4, 0, 0, 4, 0,
                            D('0.00'), D('100.00'), D('0.00'), 120),
                        ])

    @with_transaction()
    def test_mmpt_local_radius(self):
        "The configured radius decides which producers are local"
        pool = Pool()
        MMPT = pool.get('food_aid.reporting.mmpt')
        Configuration = pool.get('food_aid.reporting.configuration')
        company = create_company()
        with set_company(company):
            Scenario(company)
            configuration = Configuration(1)
            configuration.local_radius = 10
            configuration.save()
            with year_context(company, period='year'):
                row, = MMPT.search([])
                self.assertEqual(row.local_kg, 0)
            configuration.local_radius = 300
            configuration.save()
            with year_context(company, period='year'):
                row, = MMPT.search([])
                self.assertEqual(row.local_kg, 14)

    @with_transaction()
    def test_mmpt_local_bought_earlier(self):
        "Produce bought locally in March stays local when sold in April"
        pool = Pool()
        MMPT = pool.get('food_aid.reporting.mmpt')
        company = create_company()
        with set_company(company):
            s = Scenario(company)
            # 30 of the 40 kg of carrots bought in March are local
            s.sale(s.restos, s.food_aid, APRIL.replace(day=20), [
                    (s.carrots, 20, 'kg', '1.00', None)])
            fields = ['date', 'organisation', 'quantity_kg', 'local_kg']
            with year_context(company):
                year = [r for r in MMPT.search([]) if r.date == APRIL]
                self.assertRows(year, fields, [
                        (APRIL, s.restos.id, 24, 15),
                        ])
            with year_context(company, from_date=APRIL,
                    to_date=dt.date(YEAR, 4, 30)):
                self.assertRows(MMPT.search([]), fields, [
                        (APRIL, s.restos.id, 24, 15),
                        ])

    @with_transaction()
    def test_egalim_report(self):
        "EGalim shares of the canteen's purchases in the year"
        pool = Pool()
        Egalim = pool.get('food_aid.reporting.egalim')
        company = create_company()
        with set_company(company):
            s = Scenario(company)
            # a statement covers whole years whatever the dates
            with year_context(company, from_date=dt.date(YEAR, 3, 12),
                    to_date=dt.date(YEAR, 3, 12)):
                self.assertRows(Egalim.search([]),
                    ['year', 'customer', 'amount', 'organic_amount',
                        'egalim_amount', 'fruit_vegetable_amount',
                        'organic_share', 'egalim_share'], [
                        (dt.date(YEAR, 1, 1), s.canteen.id, D('72.00'),
                            D('42.00'), D('62.00'), D('52.00'),
                            D('58.33'), D('86.11')),
                        ])

    @with_transaction()
    def test_reports_constant_queries(self):
        "Each report answers in as many queries for ten times the data"
        pool = Pool()
        company = create_company()

        def queries(name):
            Model = pool.get(name)
            with year_context(company):
                Model.read(
                    [r.id for r in Model.search([])],
                    list(Model._fields.keys()))  # warm the caches
                with count_queries() as counter:
                    records = Model.search([])
                    Model.read([r.id for r in records],
                        list(Model._fields.keys()))
                # the figures grow with the data, not the queries
                total = sum(
                    float(getattr(r, 'quantity_kg', 0) or 0)
                    + float(getattr(r, 'amount', 0) or 0)
                    for r in Model.browse(records))
                return counter['queries'], total

        with set_company(company):
            Scenario(company)
            small = {name: queries(name) for name in REPORTS}
            for index in range(9):
                Scenario(company, suffix=f' {index}')
            large = {name: queries(name) for name in REPORTS}
        for name in REPORTS:
            with self.subTest(report=name):
                self.assertEqual(small[name][0], large[name][0])
                self.assertAlmostEqual(large[name][1], 10 * small[name][1])

    def _export(self, scenario):
        rows = ma_cantine_rows(scenario.company, scenario.canteen, YEAR)
        return rows, ma_cantine_csv(rows)

    @with_transaction()
    def test_ma_cantine_export(self):
        "The canteen's purchases of the year, one row per sale line"
        company = create_company()
        with set_company(company):
            s = Scenario(company)
            rows, content = self._export(s)
        self.assertEqual(
            content.splitlines()[0], ','.join(MA_CANTINE_COLUMNS))
        reader = list(csv.DictReader(io.StringIO(content)))
        self.assertEqual([(
                    r['description'], r['date'], r['prix_ht'],
                    r['famille_produits'], r['categories_egalim'],
                    r['origine'], r['est_circuit_court'], r['est_local'],
                    r['definition_local'], r['definition_local_km'])
                for r in reader], [
                ("Carottes", f'{YEAR}-03-12', '42.00', 'FRUITS_ET_LEGUMES',
                    'BIO', 'FRANCE', 'OUI', '', '', ''),
                ("Lentilles", f'{YEAR}-03-12', '20.00', 'AUTRES',
                    'LABEL_ROUGE', 'EUROPE', 'OUI', '', '', ''),
                ("Salade", f'{YEAR}-03-12', '10.00', 'FRUITS_ET_LEGUMES',
                    '', '', 'OUI', 'OUI', 'KM', '100'),
                ])
        self.assertEqual({r['siret'] for r in reader}, {'73282932000074'})
        self.assertEqual({r['fournisseur'] for r in reader}, {'Dunder Mifflin'})

    @with_transaction()
    def test_ma_cantine_export_validates(self):
        "The export passes the ma-cantine schema and the platform's rules"
        from frictionless import Resource, Schema
        company = create_company()
        with set_company(company):
            s = Scenario(company)
            _, content = self._export(s)
        with open(SCHEMA, encoding='utf-8') as file:
            schema = Schema.from_descriptor(json.load(file))
        resource = Resource(
            data=content.encode('utf-8'), format='csv', schema=schema)
        report = resource.validate()
        self.assertTrue(report.valid, report.flatten(
                ['rowNumber', 'fieldName', 'type', 'note']))
        today = dt.date.today()
        for row in csv.DictReader(io.StringIO(content)):
            self.assertLessEqual(dt.date.fromisoformat(row['date']), today)
            if row['definition_local_km']:
                self.assertEqual(row['definition_local'], 'KM')
            if row['definition_local']:
                self.assertEqual(row['est_local'], 'OUI')

    @with_transaction()
    def test_ma_cantine_export_errors(self):
        "Nothing to declare or no SIRET gives a clear error"
        pool = Pool()
        Identifier = pool.get('party.identifier')
        company = create_company()
        with set_company(company):
            s = Scenario(company)
            with self.assertRaisesRegex(
                    MaCantineExportError, 'no purchase to declare'):
                ma_cantine_rows(company, s.canteen, YEAR - 1)
            Identifier.delete(Identifier.search(
                    [('party', '=', s.canteen.id)]))
            with self.assertRaisesRegex(MaCantineExportError, 'SIRET'):
                ma_cantine_rows(company, s.canteen, YEAR)

    @with_transaction()
    def test_ma_cantine_year(self):
        "The year reads 2025, not 2 025; a year out of range is refused"
        from lxml import etree
        pool = Pool()
        Start = pool.get('food_aid.reporting.ma_cantine.start')
        arch = etree.fromstring(
            Start.fields_view_get(view_type='form')['arch'])
        field, = arch.xpath('//field[@name="year"]')
        # sao groups the thousands of an Integer unless told not to
        self.assertEqual(field.get('grouping'), '0')
        self.assertEqual(Start.year.domain, [
                ('year', '>=', 2000), ('year', '<=', 2100)])
        company = create_company()
        with set_company(company):
            s = Scenario(company)
            for year in [0, 1999, 2101, 20250]:
                with self.assertRaisesRegex(
                        MaCantineExportError,
                        f'Year {year} cannot be declared to ma-cantine: '
                        'give a year from 2000 to 2100'):
                    ma_cantine_rows(company, s.canteen, year)

    @with_transaction()
    def test_activity_and_egalim_reports(self):
        "The printed reports come out with the month's figures"
        pool = Pool()
        Activity = pool.get('food_aid.reporting.activity', type='report')
        Statement = pool.get(
            'food_aid.reporting.egalim.statement', type='report')
        Egalim = pool.get('food_aid.reporting.egalim')
        company = create_company()
        with set_company(company):
            s = Scenario(company)
            with year_context(company):
                context = Activity.get_context([], {}, {
                        'company': company.id, 'month': MARCH})
                self.assertEqual(context['total_kg'], 36)
                self.assertEqual(context['total_amount'], D('86.00'))
                self.assertEqual(context['persons'], 120)
                self.assertEqual(
                    [p.product for p in context['products']],
                    [s.carrots, s.lentils, s.salad])
                oext, content, _, _ = Activity.execute([], {
                        'company': company.id, 'month': MARCH})
                self.assertEqual(oext, document_format())
                self.assertTrue(content)

                statement, = Egalim.search([])
                context = Statement.get_context([statement], {}, {})
                self.assertEqual(
                    [(f['amount'], f['share'])
                        for f in context['families'][statement.id]],
                    [(D('52.00'), D('72.22')), (D('20.00'), D('27.78'))])
                oext, content, _, _ = Statement.execute(
                    [statement.id], {
                        'model': 'food_aid.reporting.egalim',
                        'id': statement.id, 'ids': [statement.id]})
                self.assertEqual(oext, document_format())
                self.assertTrue(content)



class OptionalScenario(Scenario):
    """The month of activity with its grants and its losses:

    Grant A pays 5.00 of the Restos' 10 kg of carrots and 2.00 of their
    5 salads in March, 3.00 of their 4 kg of lentils in April; grant B pays
    10.00 of the canteen's 21 kg of carrots.  A cancelled entry of 4.00 on
    the canteen's salads does not count.
    The warehouse lost in March 3 kg of spoiled carrots (cost 0.60), 4
    spoiled salads (cost 0.40) and 2 kg of damaged carrots, in April 1 kg
    of expired lentils (cost 1.00).  A draft loss does not count, nor a
    done move to lost and found without reason.
    """

    def __init__(self, company, suffix=''):
        super().__init__(company, suffix=suffix)
        pool = Pool()
        Party = pool.get('party.party')
        Grant = pool.get('food_aid.grant')
        GrantLine = pool.get('food_aid.grant.line')
        Move = pool.get('stock.move')

        funder, = Party.create([{'name': "Département" + suffix}])
        self.grant_a, self.grant_b = Grant.create([{
                    'reference': 'A' + suffix, 'funder': funder.id,
                    'program': 'mmpt_local', 'company': company.id,
                    'currency': company.currency.id, 'amount': D('100.00'),
                    'date_start': dt.date(YEAR, 1, 1),
                    'coverage': 'percentage', 'rate': D('0.5'),
                    }, {
                    'reference': 'B' + suffix, 'funder': funder.id,
                    'program': 'pat', 'company': company.id,
                    'currency': company.currency.id, 'amount': D('50.00'),
                    'date_start': dt.date(YEAR, 1, 1),
                    'coverage': 'percentage', 'rate': D('0.25'),
                    }])

        def entry(grant, customer, product, date, state, amount):
            line = self.sale_line(customer, product, date)
            return {
                'grant': grant.id, 'sale_line': line.id,
                'customer': customer.id, 'product': product.id,
                'date': date,
                'quantity': line.actual_quantity or line.quantity,
                'unit': line.unit.id,
                'full_amount': line.amount, 'amount': D(amount),
                'state': state,
                }
        GrantLine.create([
                entry(self.grant_a, self.restos, self.carrots,
                    MARCH.replace(day=10), 'reserved', '5.00'),
                entry(self.grant_a, self.restos, self.salad,
                    MARCH.replace(day=10), 'invoiced', '2.00'),
                entry(self.grant_a, self.restos, self.lentils,
                    APRIL.replace(day=5), 'claimed', '3.00'),
                entry(self.grant_b, self.canteen, self.carrots,
                    MARCH.replace(day=12), 'invoiced', '10.00'),
                entry(self.grant_a, self.canteen, self.salad,
                    MARCH.replace(day=12), 'cancelled', '4.00'),
                ])

        done = Move.create([
                self.loss(self.carrots, 3, MARCH.replace(day=15), 'spoiled',
                    '0.60'),
                self.loss(self.salad, 4, MARCH.replace(day=20), 'spoiled',
                    '0.40'),
                self.loss(self.carrots, 2, MARCH.replace(day=25), 'damaged',
                    '0.60'),
                self.loss(self.lentils, 1, APRIL.replace(day=2), 'expired',
                    '1.00'),
                self.loss(self.carrots, 9, APRIL.replace(day=4), None,
                    '0.60'),
                ])
        Move.do(done)
        Move.create([self.loss(
                    self.lentils, 7, APRIL.replace(day=3), 'expired', '1.00')])

    def sale_line(self, customer, product, date):
        pool = Pool()
        SaleLine = pool.get('sale.line')
        line, = SaleLine.search([
                ('sale.party', '=', customer.id),
                ('sale.sale_date', '=', date),
                ('product', '=', product.id),
                ])
        return line

    def loss(self, product, quantity, date, reason, cost_price):
        "The values of a move to lost and found as the loss wizard makes"
        return {
            'company': self.company.id,
            'product': product.id,
            'unit': product.default_uom.id,
            'quantity': quantity,
            'from_location': get_id('stock', 'location_storage'),
            'to_location': get_id('stock', 'location_lost_found'),
            'planned_date': date,
            'effective_date': date,
            'loss_reason': reason,
            'cost_price': D(cost_price),
            }


class FoodAidReportingOptionalTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid Reporting module with its optional parts"
    module = 'food_aid_reporting'
    extras = OPTIONAL_MODULES

    assertRows = FoodAidReportingTestCase.assertRows

    @with_transaction()
    def test_grant_report(self):
        "Subsidies, quantities and deliveries by grant and month"
        pool = Pool()
        Grant = pool.get('food_aid.reporting.grant')
        company = create_company()
        with set_company(company):
            s = OptionalScenario(company)
            with year_context(company):
                self.assertRows(Grant.search([]),
                    ['date', 'grant', 'quantity_kg', 'quantity_pieces',
                        'amount', 'deliveries', 'customers'], [
                        (MARCH, s.grant_a.id, 10, 5, D('7.00'), 2, 1),
                        (APRIL, s.grant_a.id, 4, 0, D('3.00'), 1, 1),
                        (MARCH, s.grant_b.id, 21, 0, D('10.00'), 1, 1),
                        ])
            with year_context(company, period='year',
                    to_date=dt.date(YEAR, 3, 31)):
                self.assertRows(Grant.search([]),
                    ['grant', 'amount', 'deliveries'], [
                        (s.grant_a.id, D('7.00'), 2),
                        (s.grant_b.id, D('10.00'), 1),
                        ])

    @with_transaction()
    def test_sale_reports_subsidy(self):
        "The subsidy and the customer's share of the sales"
        pool = Pool()
        Sale = pool.get('food_aid.reporting.sale')
        Channel = pool.get('food_aid.reporting.channel')
        Period = pool.get('food_aid.reporting.period')
        company = create_company()
        with set_company(company):
            s = OptionalScenario(company)
            with year_context(company):
                self.assertRows(Sale.search([]),
                    ['date', 'customer', 'food_family', 'amount',
                        'subsidy_amount', 'customer_amount'], [
                        (MARCH, s.restos.id, 'FRUITS_ET_LEGUMES',
                            D('14.00'), D('7.00'), D('7.00')),
                        (MARCH, s.canteen.id, 'FRUITS_ET_LEGUMES',
                            D('52.00'), D('10.00'), D('42.00')),
                        (MARCH, s.canteen.id, 'AUTRES',
                            D('20.00'), D('0.00'), D('20.00')),
                        (APRIL, s.restos.id, 'AUTRES',
                            D('6.00'), D('3.00'), D('3.00')),
                        ])
                self.assertRows(Channel.search([]),
                    ['channel', 'amount', 'subsidy_amount',
                        'customer_amount'], [
                        (s.food_aid.id, D('20.00'), D('10.00'), D('10.00')),
                        (s.catering.id, D('72.00'), D('10.00'), D('62.00')),
                        ])
                self.assertRows(Period.search([]),
                    ['date', 'amount', 'subsidy_amount',
                        'customer_amount'], [
                        (MARCH, D('86.00'), D('17.00'), D('69.00')),
                        (APRIL, D('6.00'), D('3.00'), D('3.00')),
                        ])

    @with_transaction()
    def test_loss_report(self):
        "Losses by reason and month at cost price"
        pool = Pool()
        Loss = pool.get('food_aid.reporting.loss')
        company = create_company()
        with set_company(company):
            OptionalScenario(company)
            with year_context(company):
                self.assertRows(Loss.search([]),
                    ['date', 'reason', 'quantity_kg', 'quantity_pieces',
                        'value', 'number'], [
                        (MARCH, 'spoiled', 3, 4, D('3.40'), 2),
                        (MARCH, 'damaged', 2, 0, D('1.20'), 1),
                        (APRIL, 'expired', 1, 0, D('1.00'), 1),
                        ])
            with year_context(company, period='year'):
                self.assertRows(Loss.search([]),
                    ['reason', 'quantity_kg', 'value', 'number'], [
                        ('spoiled', 3, D('3.40'), 2),
                        ('damaged', 2, D('1.20'), 1),
                        ('expired', 1, D('1.00'), 1),
                        ])

    @with_transaction()
    def test_grant_printed_report(self):
        "The grant report comes out with the envelope and its use"
        pool = Pool()
        Report = pool.get('food_aid.reporting.grant.report', type='report')
        company = create_company()
        with set_company(company):
            s = OptionalScenario(company)
            grants = [s.grant_a, s.grant_b]
            context = Report.get_context(grants, {}, {})
            self.assertEqual(context['indicators'][s.grant_a.id], {
                    'quantity_kg': 14, 'quantity_pieces': 5,
                    'deliveries': 3, 'customers': 1,
                    'consumed': D('10.00'),
                    })
            self.assertEqual(context['indicators'][s.grant_b.id], {
                    'quantity_kg': 21, 'quantity_pieces': 0,
                    'deliveries': 1, 'customers': 1,
                    'consumed': D('10.00'),
                    })
            self.assertEqual(
                [(r.date, r.amount) for r in context['months'][s.grant_a.id]],
                [(MARCH, D('7.00')), (APRIL, D('3.00'))])
            self.assertEqual(
                [l.amount for l in context['grant_lines'][s.grant_a.id]],
                [D('5.00'), D('2.00'), D('3.00')])
            ids = [g.id for g in grants]
            oext, content, _, _ = Report.execute(ids, {
                    'model': 'food_aid.grant', 'id': ids[0], 'ids': ids})
            self.assertEqual(oext, document_format())
            self.assertTrue(content)

    @with_transaction()
    def test_egalim_statement_constant_queries(self):
        "The EGalim statement reads all the canteens in as many queries"
        pool = Pool()
        Statement = pool.get(
            'food_aid.reporting.egalim.statement', type='report')
        Egalim = pool.get('food_aid.reporting.egalim')
        company = create_company()

        def queries():
            with year_context(company):
                statements = Egalim.search([])
                Statement.get_context(statements, {}, {})  # warm the caches
                statements = Egalim.browse([s.id for s in statements])
                with count_queries() as counter:
                    context = Statement.get_context(statements, {}, {})
            return counter['queries'], context, statements

        with set_company(company):
            Scenario(company)
            small, context, statements = queries()
            statement, = statements
            self.assertEqual(
                [(f['amount'], f['share'])
                    for f in context['families'][statement.id]],
                [(D('52.00'), D('72.22')), (D('20.00'), D('27.78'))])
            for index in range(9):
                Scenario(company, suffix=f' {index}')
            large, context, statements = queries()
            self.assertEqual(len(statements), 10)
            for statement in statements:
                self.assertEqual(
                    [(f['amount'], f['share'])
                        for f in context['families'][statement.id]],
                    [(D('52.00'), D('72.22')), (D('20.00'), D('27.78'))])
        self.assertEqual(small, large)

    @with_transaction()
    def test_reports_constant_queries(self):
        "Each report answers in as many queries for ten times the data"
        pool = Pool()
        company = create_company()
        reports = REPORTS + [
            'food_aid.reporting.grant', 'food_aid.reporting.loss']

        def queries(name):
            Model = pool.get(name)
            with year_context(company):
                Model.read(
                    [r.id for r in Model.search([])],
                    list(Model._fields.keys()))  # warm the caches
                with count_queries() as counter:
                    records = Model.search([])
                    Model.read([r.id for r in records],
                        list(Model._fields.keys()))
                # the figures grow with the data, not the queries
                total = sum(
                    float(getattr(r, name, 0) or 0)
                    for r in Model.browse(records)
                    for name in ['quantity_kg', 'amount', 'value',
                        'subsidy_amount'])
                return counter['queries'], total

        with set_company(company):
            OptionalScenario(company)
            small = {name: queries(name) for name in reports}
            for index in range(9):
                OptionalScenario(company, suffix=f' {index}')
            large = {name: queries(name) for name in reports}
        for name in reports:
            with self.subTest(report=name):
                self.assertEqual(small[name][0], large[name][0])
                self.assertAlmostEqual(large[name][1], 10 * small[name][1])
