# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The network coordinator's consolidated figures, computed by hand from
food_aid_reporting's scenario of a month of activity, in two gardens"""
import csv
import datetime as dt
import io
import json
import os
import time
import unittest
import zipfile
from contextlib import contextmanager
from decimal import Decimal

from lxml import etree

from trytond import backend
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.food_aid.tests.tools import document_text
from trytond.modules.food_aid_network.reporting import (
    table_csv, table_ods)
from trytond.modules.food_aid_network.reporting_cache import mark_all_stale
from trytond.modules.food_aid_reporting.tests.test_module import (
    APRIL, MARCH, YEAR, OptionalScenario, count_queries, get_id)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

D = Decimal
GARDEN_FIGURES = [
    'date', 'company', 'quantity_kg', 'food_aid_kg', 'catering_kg',
    'basket_kg', 'other_kg', 'fruit_vegetable_kg', 'organic_kg', 'local_kg',
    'organisations', 'persons', 'amount', 'subsidy_amount',
    'producer_paid_amount', 'producer_price_amount', 'priced_amount',
    'loss_kg', 'loss_value',
    ]


class NetworkScenario:
    """Two gardens of the network and a third outside the coordinator's:

    Each garden runs food_aid_reporting's month of activity with its
    grants and losses (OptionalScenario): in March 10 kg of carrots (organic,
    fruit and vegetables) for the Restos and 21 kg of carrots and 5 kg of
    lentils for the canteen, 86.00 of sales, 17.00 of grants (7.00
    mmpt_local, 10.00 pat), 41.00 of purchases from the producers, 5 kg of
    losses worth 4.60; in April 4 kg of lentils for the Restos, 6.00, a
    grant of 3.00 (mmpt_local) and 1 kg of losses worth 1.00.  The Restos
    count 120 persons over the year.  The near farm sold 30 of the 40 kg
    of carrots: 3/4 of the carrots are local.
    In Charente the producers get 0.60 of the Restos' carrots at 1.00 and
    1.20 of the canteen's at 2.00, nothing of the other lines (no fair
    price, no cost price).
    In Vienne a household buys 8 kg of carrots at 2.50 in a basket in
    April.  Charente sells 50 kg of carrots to Vienne: a sale inside the
    network, counted nowhere.
    """

    def __init__(self, third=True):
        pool = Pool()
        Channel = pool.get('food_aid.channel')
        Party = pool.get('party.party')
        Line = pool.get('sale.line')
        self.charente = create_company("Jardin de Charente")
        self.vienne = create_company("Jardin de Vienne")
        self.gironde = create_company("Jardin de Gironde") if third else None
        with set_company(self.charente):
            self.a = OptionalScenario(self.charente, suffix=' C')
            # without fair price the producers' price is the cost price, 0
            restos, = Line.search([
                    ('sale.party', '=', self.a.restos.id),
                    ('product', '=', self.a.carrots.id),
                    ('sale.state', '=', 'confirmed'),
                    ])
            canteen, = Line.search([
                    ('sale.party', '=', self.a.canteen.id),
                    ('product', '=', self.a.carrots.id),
                    ])
            Line.write([restos], {'producer_price': D('0.60')},
                [canteen], {'producer_price': D('1.20')})
            self.internal = self.a.sale(
                self.vienne.party, self.a.food_aid, MARCH.replace(day=20),
                [(self.a.carrots, 50, 'kg', '0.90', None)])
        with set_company(self.vienne):
            self.b = OptionalScenario(self.vienne, suffix=' V')
            basket, = Channel.create([{
                        'name': "Paniers", 'code': 'NET-PAN',
                        'kind': 'basket'}])
            self.household, = Party.create([{
                        'name': "Famille Martin",
                        'addresses': [('create', [{'city': "Poitiers"}])],
                        }])
            self.b.sale(self.household, basket, APRIL.replace(day=8), [
                    (self.b.carrots, 8, 'kg', '2.50', None)])
        if self.gironde:
            with set_company(self.gironde):
                self.c = OptionalScenario(self.gironde, suffix=' G')

    @staticmethod
    def coordinator(login, companies):
        "A user of the coordinator group only, in the companies"
        pool = Pool()
        User = pool.get('res.user')
        user, = User.create([{
                    'name': login, 'login': login,
                    'companies': [('add', [c.id for c in companies])],
                    'company': companies[0].id,
                    'groups': [('add', [get_id(
                                    'food_aid_network',
                                    'group_network_coordinator')])],
                    }])
        return user


@contextmanager
def acting_as(user, **context):
    "Run as the user, with the user's preferences and access checked"
    User = Pool().get('res.user')
    transaction = Transaction()
    with transaction.set_user(user.id), \
            transaction.set_context(
                User.get_preferences(context_only=True),
                _check_access=True, **context):
        yield


def year(**context):
    values = {
        'from_date': dt.date(YEAR, 1, 1),
        'to_date': dt.date(YEAR, 12, 31),
        'period': 'month',
        }
    values.update(context)
    return values


def figures(records, names):
    "The records' figures as sorted tuples: ids of records, kg to the gram"
    def plain(value):
        value = getattr(value, 'id', value)
        return round(value, 3) if isinstance(value, float) else value
    return sorted(tuple(plain(getattr(r, n)) for n in names) for r in records)


class NetworkReportingTestCase(unittest.TestCase):
    "The network coordinator's consolidated figures"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('food_aid_network')

    @with_transaction()
    def test_figures(self):
        "The figures of the coordinator's gardens, computed by hand"
        s = NetworkScenario()
        coordinator = s.coordinator('coordination', [s.charente, s.vienne])
        self.check_garden_figures(s, coordinator)
        self.check_program_figures(s, coordinator)
        self.check_constant_queries(s, coordinator)
        self.check_only_the_coordinators_companies(s, coordinator)

    @with_transaction()
    def test_documents(self):
        "The coordinator's export and printed report, and no record"
        s = NetworkScenario(third=False)
        coordinator = s.coordinator('coordination', [s.charente, s.vienne])
        self.check_coordinator_reads_no_record(s, coordinator)
        self.check_export(s, coordinator)
        self.check_printed_report(s, coordinator)

    @with_transaction()
    def test_monthly_sums(self):
        """The gardens of a network read from their monthly sums what the
        documents give, before and after the sums are computed again"""
        pool = Pool()
        Network = pool.get('food_aid.network')
        Company = pool.get('company.company')
        Dirty = pool.get('food_aid.network.reporting.dirty')
        GardenMonth = pool.get('food_aid.network.reporting.garden.month')
        ProgramMonth = pool.get('food_aid.network.reporting.program.month')
        Template = pool.get('product.template')
        Line = pool.get('food_aid.grant.line')
        s = NetworkScenario()
        network, = Network.create([{'name': "Cocagne"}])
        Company.write([s.charente, s.vienne], {'network': network.id})
        coordinator = s.coordinator(
            'coordination', [s.charente, s.vienne, s.gironde])
        # the gardens that joined are stale until summed: the documents
        self.assertTrue(Dirty.stale())
        self.check_same_as_documents(coordinator)
        # the scheduler's task sums them
        Cron = pool.get('ir.cron')
        Cron.run_once([Cron(get_id(
                        'food_aid_network', 'cron_reporting_refresh'))])
        self.assertEqual(Dirty.stale(), set())
        self.assertEqual(
            {m.company for m in GardenMonth.search([])},
            {s.charente, s.vienne})
        self.assertEqual(
            {(m.company, m.date) for m in ProgramMonth.search([])},
            {(c, d) for c in [s.charente, s.vienne] for d in [MARCH, APRIL]})
        # from the sums, the figures computed by hand; Gironde, outside
        # the network, from its documents
        coordinator.companies = [s.charente, s.vienne]
        coordinator.save()
        self.check_garden_figures(s, coordinator)
        self.check_program_figures(s, coordinator)
        self.check_constant_queries(s, coordinator)
        coordinator.companies = [s.charente, s.vienne, s.gironde]
        coordinator.save()
        self.check_same_as_documents(coordinator)
        # a month wholly or partly in the dates
        self.check_same_as_documents(coordinator,
            from_date=MARCH.replace(day=15), to_date=APRIL.replace(day=10))
        self.check_same_as_documents(
            coordinator, from_date=APRIL, to_date=APRIL.replace(day=30))

        # a new sale in April in Charente: its month only is stale
        with set_company(s.charente):
            s.a.sale(s.a.restos, s.a.food_aid, APRIL.replace(day=20), [
                    (s.a.carrots, 7, 'kg', '1.50', None)])
        self.assertEqual(Dirty.stale(), {(s.charente.id, APRIL)})
        with acting_as(coordinator, **year(period='year')):
            charente, = [g for g in pool.get(
                        'food_aid.network.reporting.garden').search([])
                if g.company == s.charente]
            self.assertEqual(charente.quantity_kg, 47)
            self.assertEqual(charente.amount, D('102.50'))
        self.check_same_as_documents(coordinator)
        Dirty.refresh()
        self.check_same_as_documents(coordinator)

        # a grant line moved to another month, then cancelled
        line = Line.search([('grant.company', '=', s.vienne.id)], limit=1)[0]
        Line.write([line], {'date': dt.date(YEAR, 5, 2)})
        self.check_same_as_documents(coordinator)
        Dirty.refresh()
        self.check_same_as_documents(coordinator)

        # a setting of every garden: the food family of the lentils
        template = s.a.lentils.template
        Template.write([template], {'food_family': 'FRUITS_ET_LEGUMES'})
        self.assertIn((None, None), Dirty.stale())
        self.check_same_as_documents(coordinator)
        Dirty.refresh()
        self.check_same_as_documents(coordinator)

        # a garden leaving the network: its sums go
        Company.write([s.vienne], {'network': None})
        self.check_same_as_documents(coordinator)
        Dirty.refresh()
        self.assertEqual(
            {m.company for m in GardenMonth.search([])}, {s.charente})
        self.check_same_as_documents(coordinator)

    def check_same_as_documents(self, coordinator, **context):
        """The figures read by the coordinator are those computed from the
        documents, by month and by year"""
        pool = Pool()
        Garden = pool.get('food_aid.network.reporting.garden')
        Program = pool.get('food_aid.network.reporting.program')
        names = [n for n in GARDEN_FIGURES] + [
            'fruit_vegetable_share', 'organic_share', 'local_share',
            'producer_share']
        for period in ['month', 'year']:
            results = []
            for live in [False, True]:
                with acting_as(coordinator, **year(period=period, **{
                                '_food_aid_network_live': live},
                            **context)):
                    results.append((
                            figures(Garden.search([]), names),
                            figures(Program.search([]), [
                                    'date', 'company', 'program', 'amount',
                                    'customers'])))
            self.assertEqual(results[0], results[1], msg=(period, context))
            self.assertTrue(results[1][0] or context)

    def check_garden_figures(self, s, coordinator):
        "Garden by garden and by month, computed by hand"
        pool = Pool()
        Garden = pool.get('food_aid.network.reporting.garden')
        charente, vienne = s.charente.id, s.vienne.id
        with acting_as(coordinator, **year()):
            gardens = Garden.search([])
            self.assertEqual(figures(gardens, GARDEN_FIGURES), sorted([
                        # kg: all, food aid, catering, basket, other,
                        # F&V, organic, local; organisations, persons;
                        # sales, grants, paid to producers, producers'
                        # part, broken-down sales; losses kg and value
                        (MARCH, charente, 36, 10, 26, 0, 0, 31, 31, 23.25,
                            1, 120, D('86.00'), D('17.00'), D('41.00'),
                            D('31.20'), D('86.00'), 5, D('4.60')),
                        (APRIL, charente, 4, 4, 0, 0, 0, 0, 0, 0,
                            1, 120, D('6.00'), D('3.00'), D('0.00'),
                            D('0.00'), D('6.00'), 1, D('1.00')),
                        (MARCH, vienne, 36, 10, 26, 0, 0, 31, 31, 23.25,
                            1, 120, D('86.00'), D('17.00'), D('41.00'),
                            D('0.00'), D('86.00'), 5, D('4.60')),
                        # the basket's 8 kg of carrots: 6 kg local
                        (APRIL, vienne, 12, 4, 0, 8, 0, 8, 8, 6,
                            1, 120, D('26.00'), D('3.00'), D('0.00'),
                            D('0.00'), D('26.00'), 1, D('1.00')),
                        ]))
            march, = [g for g in gardens
                if g.company.id == charente and g.date == MARCH]
            # 31/36, 23.25/36, (6.00 + 25.20)/86.00
            self.assertEqual(march.fruit_vegetable_share, D('86.11'))
            self.assertEqual(march.organic_share, D('86.11'))
            self.assertEqual(march.local_share, D('64.58'))
            self.assertEqual(march.producer_share, D('36.28'))
            april, = [g for g in gardens
                if g.company.id == vienne and g.date == APRIL]
            # 8/12, 6/12, 0/26.00
            self.assertEqual(april.fruit_vegetable_share, D('66.67'))
            self.assertEqual(april.local_share, D('50.00'))
            self.assertEqual(april.producer_share, D('0.00'))

        with acting_as(coordinator, **year(period='year')):
            self.assertEqual(
                figures(Garden.search([]), [
                        'company', 'quantity_kg', 'local_kg', 'persons',
                        'amount', 'subsidy_amount', 'loss_kg']),
                sorted([
                        (charente, 40, 23.25, 120, D('92.00'), D('20.00'), 6),
                        (vienne, 48, 29.25, 120, D('112.00'), D('20.00'),
                            6),
                        ]))

    def check_program_figures(self, s, coordinator):
        "The grants mobilised by programme, garden by garden"
        pool = Pool()
        Program = pool.get('food_aid.network.reporting.program')
        with acting_as(coordinator, **year(period='year')):
            programs = Program.search([])
            self.assertEqual(
                figures(programs, ['company', 'program', 'amount']),
                sorted([
                        (s.charente.id, 'mmpt_local', D('10.00')),
                        (s.charente.id, 'pat', D('10.00')),
                        (s.vienne.id, 'mmpt_local', D('10.00')),
                        (s.vienne.id, 'pat', D('10.00')),
                        ]))
            self.assertEqual(
                {p.program_string for p in programs},
                {dict(Program.get_programs())[p]
                    for p in ['mmpt_local', 'pat']})

    def check_only_the_coordinators_companies(self, s, coordinator):
        """The coordinator reads the figures of the companies the user
        belongs to, whatever the current company, and no other's"""
        pool = Pool()
        Garden = pool.get('food_aid.network.reporting.garden')
        Program = pool.get('food_aid.network.reporting.program')
        User = pool.get('res.user')
        User.write([coordinator], {'company_filter': 'one'})
        with acting_as(coordinator, **year(period='year')):
            self.assertEqual(
                {g.company.id for g in Garden.search([])},
                {s.charente.id, s.vienne.id})
            self.assertEqual(
                {p.company.id for p in Program.search([])},
                {s.charente.id, s.vienne.id})
        # a garden's staff member belongs to the garden only
        local = s.coordinator('vienne', [s.vienne])
        with acting_as(local, **year(period='year')):
            self.assertEqual(
                {g.company.id for g in Garden.search([])}, {s.vienne.id})

    def check_coordinator_reads_no_record(self, s, coordinator):
        """The coordinator opens no sale, purchase, grant nor beneficiary
        count of a garden"""
        pool = Pool()
        records = {
            'sale.sale': s.internal.id,
            'purchase.purchase': pool.get('purchase.purchase').search(
                [('company', '=', s.vienne.id)], limit=1)[0].id,
            'food_aid.grant': s.b.grant_a.id,
            'food_aid.grant.line': pool.get('food_aid.grant.line').search(
                [], limit=1)[0].id,
            'food_aid.beneficiary.count': pool.get(
                'food_aid.beneficiary.count').search([], limit=1)[0].id,
            'food_aid.reporting.sale': None,
            'food_aid.reporting.mmpt': None,
            }
        with acting_as(coordinator, **year()):
            # nor the people served: no party but the gardens'
            Party = pool.get('party.party')
            self.assertEqual(
                set(Party.search([])),
                {s.charente.party, s.vienne.party}
                | ({s.gironde.party} if s.gironde else set()))
            with self.assertRaises(AccessError):
                Party.read([s.household.id], ['name'])
            for model, id_ in records.items():
                Model = pool.get(model)
                with self.assertRaises(AccessError, msg=model):
                    if id_ is None:
                        Model.search([])
                    else:
                        Model.read([id_], ['id'])

    def check_constant_queries(self, s, coordinator):
        "The figures of 3 gardens take as many queries as those of 1"
        pool = Pool()
        Garden = pool.get('food_aid.network.reporting.garden')
        Program = pool.get('food_aid.network.reporting.program')
        one = s.coordinator('one', [s.charente])
        three = s.coordinator('three', [s.charente, s.vienne, s.gironde])
        names = [n for n in Garden._fields if n not in {'rec_name'}]

        def queries(user):
            with acting_as(user, **year()):
                for _ in range(2):
                    # the second time, the caches are warm
                    with count_queries() as counter:
                        gardens = Garden.read(
                            [g.id for g in Garden.search([])], names)
                        Program.read(
                            [p.id for p in Program.search([])],
                            ['amount', 'program_string'])
            return counter['queries'], len({g['company'] for g in gardens})
        one_queries, one_gardens = queries(one)
        three_queries, three_gardens = queries(three)
        self.assertEqual((one_gardens, three_gardens), (1, 3))
        self.assertEqual(one_queries, three_queries)

    def check_export(self, s, coordinator):
        "The CSV and the spreadsheet: the gardens, then the network"
        pool = Pool()
        Export = pool.get('food_aid.network.reporting.export', type='wizard')
        files = {}
        with acting_as(coordinator):
            for format_ in ['csv', 'ods']:
                session_id, _, _ = Export.create()
                export = Export(session_id)
                export.start.from_date = MARCH
                export.start.to_date = dt.date(YEAR, 4, 30)
                export.start.period = 'year'
                export.start.format = format_
                self.assertEqual(export.transition_export(), 'result')
                files[format_] = (export.result.filename, export.result.file)
                Export.delete(session_id)

        name, content = files['csv']
        self.assertTrue(name.endswith('.csv'))
        rows = list(csv.reader(io.StringIO(content.decode('utf-8'))))
        header = rows[0]
        by_garden = {r[0]: dict(zip(header, r)) for r in rows[1:]}
        self.assertEqual(list(by_garden), [
                "Jardin de Charente", "Jardin de Vienne", "Network"])
        network = by_garden["Network"]
        strings = {
            name: field['string'] for name, field in pool.get(
                'food_aid.network.reporting.garden').fields_get().items()}
        # 40 + 48 kg, 23.25 + 29.25 local of 88, 31.20 of 92.00 + 112.00
        self.assertEqual(network[strings['quantity_kg']], '88.0')
        self.assertEqual(network[strings['local_share']], '59.66')
        self.assertEqual(network[strings['producer_share']], '15.29')
        self.assertEqual(network[strings['persons']], '240')
        self.assertEqual(network[strings['loss_value']], '11.20')
        self.assertEqual(
            by_garden["Jardin de Vienne"][strings['subsidy_amount']],
            '20.00')
        programs = dict(pool.get(
                'food_aid.network.reporting.program').get_programs())
        self.assertEqual(network[programs['mmpt_local']], '20.00')
        self.assertEqual(network[programs['pat']], '20.00')

        name, content = files['ods']
        self.assertTrue(name.endswith('.ods'))
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            self.assertEqual(archive.namelist()[0], 'mimetype')
            self.assertEqual(
                archive.read('mimetype'),
                b'application/vnd.oasis.opendocument.spreadsheet')
            root = etree.fromstring(archive.read('content.xml'))
        ns = {
            'table': 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
            'office': 'urn:oasis:names:tc:opendocument:xmlns:office:1.0',
            }
        sheet_rows = root.findall('.//table:table-row', ns)
        self.assertEqual(len(sheet_rows), 4)
        cells = sheet_rows[-1].findall('table:table-cell', ns)
        self.assertEqual(cells[2].get(
                '{%s}value' % ns['office']), '88.0')
        self.assertEqual(cells[2].get(
                '{%s}value-type' % ns['office']), 'float')

    def test_table_files(self):
        "CSV and spreadsheet cells: text escaped, numbers as numbers"
        header, rows = ["Jardin", "kg"], [["A & <B>", 1.5], ["C", None]]
        self.assertEqual(
            table_csv(header, rows), 'Jardin,kg\nA & <B>,1.5\nC,\n')
        with zipfile.ZipFile(io.BytesIO(
                    table_ods("Feuille", header, rows))) as archive:
            root = etree.fromstring(archive.read('content.xml'))
        texts = [''.join(c.itertext()) for c in root.iter(
                '{urn:oasis:names:tc:opendocument:xmlns:table:1.0}'
                'table-cell')]
        self.assertEqual(texts, ["Jardin", "kg", "A & <B>", "1.5", "C", ""])

    @with_transaction()
    def test_bad_dates(self):
        "Dates the wrong way round: a clear error, no file"
        pool = Pool()
        Export = pool.get('food_aid.network.reporting.export', type='wizard')
        Report = pool.get('food_aid.network.report', type='report')
        session_id, _, _ = Export.create()
        export = Export(session_id)
        export.start.from_date = APRIL
        export.start.to_date = MARCH
        export.start.period = 'month'
        export.start.format = 'csv'
        with self.assertRaises(UserError) as error:
            export.transition_export()
        self.assertIn(str(MARCH), str(error.exception))
        self.assertIsNone(getattr(export.result, 'file', None))
        with self.assertRaises(UserError):
            Report.execute([], {
                    'from_date': APRIL, 'to_date': MARCH, 'period': 'month'})

    def check_printed_report(self, s, coordinator):
        "The printed network report shows each garden and the network"
        pool = Pool()
        Report = pool.get('food_aid.network.report', type='report')
        with acting_as(coordinator):
            data = {
                'from_date': dt.date(YEAR, 1, 1),
                'to_date': dt.date(YEAR, 12, 31), 'period': 'year'}
            context = Report.get_context([], {}, data)
            self.assertEqual(context['total']['quantity_kg'], 88)
            self.assertEqual(context['total']['persons'], 240)
            self.assertEqual(context['total']['local_share'], D('59.66'))
            labels = dict(pool.get(
                    'food_aid.network.reporting.program').get_programs())
            self.assertEqual(context['program_totals'], [
                    (labels['mmpt_local'], D('20.00')),
                    (labels['pat'], D('20.00')),
                    ])
            extension, content, _, _ = Report.execute([], data)
        text = document_text(extension, content)
        for expected in [
                "Network Figures", "Jardin de Charente", "Jardin de Vienne",
                "Network", str(YEAR)]:
            self.assertIn(expected, text)


def copy_rows(table, template_id, count, overrides, join='', where=''):
    """Insert count copies of the template row r of the table (times the
    rows of the join), the columns of overrides set to their SQL
    expressions of r, of the join and of the series number g"""
    cursor = Transaction().connection.cursor()
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND column_name != 'id'", (table,))
    columns = [c for c, in cursor]
    names = ', '.join('"%s"' % c for c in columns)
    values = ', '.join(overrides.get(c, 'r."%s"' % c) for c in columns)
    cursor.execute(
        f'INSERT INTO "{table}" ({names}) SELECT {values} '
        f'FROM "{table}" AS r{join}, generate_series(1, %s) AS g '
        f'WHERE r.id = %s{where}', (count, template_id))


@unittest.skipUnless(
    os.environ.get('FOOD_AID_NETWORK_BENCH'),
    "the bench runs with FOOD_AID_NETWORK_BENCH=<sale lines per garden>")
class NetworkReportingBench(unittest.TestCase):
    """The figures of 20 gardens of a large platform each, on PostgreSQL:

    FOOD_AID_NETWORK_BENCH=200000 (a year of a large platform per garden,
    scripts/bench's scale 1) copies, per garden, that many sale lines of
    the hand-computed scenario's lines over the year, a purchase line for 8
    sale lines, a grant line for 4 and a loss for 100, then times the
    coordinator's list of the year by month and by year, with its query
    count.  scripts/bench runs it (FOOD_AID_NETWORK_GARDENS, 20 by
    default, and FOOD_AID_NETWORK_BENCH_OUTPUT, a JSON file of the
    figures)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('food_aid_network')

    @with_transaction()
    def test_twenty_gardens(self):
        pool = Pool()
        Garden = pool.get('food_aid.network.reporting.garden')
        Program = pool.get('food_aid.network.reporting.program')
        if backend.name != 'postgresql':
            self.skipTest("bulk copies use PostgreSQL's generate_series")
        lines = int(os.environ['FOOD_AID_NETWORK_BENCH'])
        gardens = int(os.environ.get('FOOD_AID_NETWORK_GARDENS', 20))
        day = f"DATE '{YEAR}-01-01' + MOD(g, 365)"
        companies = []
        for index in range(gardens):
            company = create_company(f"Jardin {index + 1:02d}")
            companies.append(company)
            with set_company(company):
                s = OptionalScenario(company, suffix=f' {index}')
            sale_line, = pool.get('sale.line').search([
                    ('sale.party', '=', s.restos.id),
                    ('product', '=', s.carrots.id),
                    ('sale.state', '=', 'confirmed')])
            sale = sale_line.sale.id
            cursor = Transaction().connection.cursor()
            cursor.execute('SELECT MAX(id) FROM sale_sale')
            last, = cursor.fetchone()
            copy_rows('sale_sale', sale, lines // 10, {'sale_date': day})
            copy_rows('sale_line', sale_line.id, 10, {'sale': 's.id'},
                join=', sale_sale AS s',
                where=f' AND s.id > {last} AND s.company = {company.id}')
            purchase_line, = pool.get('purchase.line').search([
                    ('purchase.party', '=', s.near.id),
                    ('product', '=', s.carrots.id)])
            copy_rows('purchase_line', purchase_line.id, lines // 8, {})
            grant_line = pool.get('food_aid.grant.line').search([
                    ('grant', '=', s.grant_a.id)], limit=1)[0]
            copy_rows('food_aid_grant_line', grant_line.id, lines // 4,
                {'date': day})
            loss = pool.get('stock.move').search([
                    ('company', '=', company.id),
                    ('loss_reason', '!=', None),
                    ('state', '=', 'done')], limit=1)[0]
            copy_rows('stock_move', loss.id, max(lines // 100, 1),
                {'effective_date': day})
        network, = pool.get('food_aid.network').create([{'name': "Bench"}])
        pool.get('company.company').write(companies, {'network': network.id})
        cursor = Transaction().connection.cursor()
        cursor.execute('ANALYZE')
        coordinator = NetworkScenario.coordinator('bench', companies)
        figures = {'gardens': gardens, 'sale_lines': lines}
        # the copies were made in SQL: every month is summed again
        Dirty = pool.get('food_aid.network.reporting.dirty')
        mark_all_stale()
        start = time.perf_counter()
        Dirty.refresh()
        figures['refresh_seconds'] = time.perf_counter() - start
        cursor.execute('ANALYZE')

        def read(name, period):
            with acting_as(coordinator, **year(period=period)), \
                    count_queries() as counter:
                start = time.perf_counter()
                rows = Garden.read(
                    [g.id for g in Garden.search([])],
                    [n for n in Garden._fields if n != 'rec_name'])
                Program.read([p.id for p in Program.search([])], ['amount'])
                figures[name] = {
                    'seconds': time.perf_counter() - start,
                    'queries': counter['queries'],
                    }
            self.assertEqual(
                len({r['company'] for r in rows}), len(companies))
        for period in ['month', 'year']:
            read(period, period)
        # a sale changed in a garden: its month from the documents
        sale = pool.get('sale.sale')(sale)
        pool.get('sale.sale').write([sale], {'party': sale.party.id})
        read('stale_month', 'year')
        print(f"\n{gardens} gardens of {lines} sale lines: " + ", ".join(
                f"{p} {figures[p]['seconds']:.2f} s, "
                f"{figures[p]['queries']} queries"
                for p in ['month', 'year', 'stale_month'])
            + f", summed in {figures['refresh_seconds']:.1f} s")
        if os.environ.get('FOOD_AID_NETWORK_BENCH_OUTPUT'):
            with open(os.environ['FOOD_AID_NETWORK_BENCH_OUTPUT'], 'w',
                    encoding='utf-8') as fp:
                json.dump(figures, fp)
        self.assertLess(
            max(figures[p]['seconds'] for p in ['month', 'year']), 2)
