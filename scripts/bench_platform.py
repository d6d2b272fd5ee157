# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Benchmark of the project against vanilla Tryton, in one run.

Each profile runs in its own process on its own database: ``vanilla`` with
the core modules the project depends on (``sale``, ``purchase``,
``stock_lot_sled``, ``party_siret``…), ``project`` with the project's sale,
pricing, subsidy, logistics and reporting modules.  Both time the same sale
flows; the project also generates a year of a platform with bulk SQL and
times each report against the bare SQL aggregate of the same rows, at half
and at full size, and the allocation at 1× and 4× its demand.

    scripts/bench [--scale 1] [--lines 200] [--repeat 3] [--uri URI]
"""
import argparse
import datetime as dt
import json
import os
import pathlib
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_URI = os.environ.get(
    'BENCH_DATABASE_URI', 'postgresql://postgres@127.0.0.1:5432/')
MODULES = {
    'vanilla': [
        'account_invoice', 'company', 'country', 'party', 'party_siret',
        'product', 'purchase', 'sale', 'stock', 'stock_lot',
        'stock_lot_sled'],
    'project': [
        'food_aid_pricing', 'food_aid_subsidy', 'food_aid_logistics',
        'food_aid_reporting'],
    }
# the reports with the panels of the manager dashboard marked
REPORTS = [
    ('food_aid.reporting.sale', False),
    ('food_aid.reporting.channel', True),
    ('food_aid.reporting.period', True),
    ('food_aid.reporting.family', True),
    ('food_aid.reporting.product', False),
    ('food_aid.reporting.producer', True),
    ('food_aid.reporting.mmpt', True),
    ('food_aid.reporting.egalim', False),
    ('food_aid.reporting.grant', False),
    ('food_aid.reporting.loss', False),
    ]
# the channel panel is shown twice, in kilograms and in euros
DASHBOARD = [
    'food_aid.reporting.channel', 'food_aid.reporting.period',
    'food_aid.reporting.family', 'food_aid.reporting.channel',
    'food_aid.reporting.mmpt', 'food_aid.reporting.producer']
GOALS = {
    'quote_confirm': 1.25,
    'process': 1.3,
    'month': 1.3,
    }
CHANNEL_KINDS = ['food_aid', 'catering', 'basket', 'other']
# the rows of a page of the client's lists and graphs
CLIENT_LIMIT = 1000


def parse_args(args=None):
    parser = argparse.ArgumentParser(
        description="Benchmark the project against vanilla Tryton")
    parser.add_argument('--scale', type=float, default=1.0,
        help="size of the generated platform: 1 is a year of 200,000 "
        "sale lines, 60 producers and 300 customers (default 1)")
    parser.add_argument('--lines', type=int, default=200,
        help="lines of the sale of the flows (default 200)")
    parser.add_argument('--month', type=int, default=None,
        help="sales of the month flow (default 80 × scale, at least 2)")
    parser.add_argument('--repeat', type=int, default=3,
        help="runs of each measure, the median is shown (default 3)")
    parser.add_argument('--uri', default=DEFAULT_URI,
        help="the database server (default %(default)s); sqlite:// "
        "runs in memory")
    parser.add_argument('--cache', default=os.environ.get(
            'BENCH_CACHE', str(ROOT / '.cache' / 'bench')),
        help="where the databases with their modules are kept")
    parser.add_argument('--network', type=int, default=20, metavar='GARDENS',
        help="gardens of the network whose consolidated figures are timed, "
        "each of the platform's size, on PostgreSQL (default 20; 0 skips)")
    parser.add_argument('--network-only', action='store_true',
        help="time only the network's consolidated figures")
    parser.add_argument('--json', help="also write the figures there")
    parser.add_argument('--profile', choices=sorted(MODULES),
        help=argparse.SUPPRESS)
    parser.add_argument('--output', help=argparse.SUPPRESS)
    parser.add_argument('--keep', action='store_true',
        help="keep the project's database of a PostgreSQL run")
    return parser.parse_args(args)


# --- the driver: one process per profile, then the table -----------------

def main(args=None):
    options = parse_args(args)
    if options.profile:
        return run_profile(options)
    results = {}
    started = time.monotonic()
    if not options.network_only:
        for profile in ['vanilla', 'project']:
            results[profile] = spawn(profile, options)
    if options.network and options.uri.startswith('postgresql'):
        results['network'] = spawn_network(options)
    results['machine'] = machine(options)
    results['seconds'] = round(time.monotonic() - started)
    if not options.network_only:
        print(table(results, options))
    if 'network' in results:
        print(network_table(results))
    if options.json:
        with open(options.json, 'w', encoding='utf-8') as fp:
            json.dump(results, fp, indent=1)
    return 0


def spawn(profile, options):
    "Run the profile in its own process and return its figures"
    postgresql = options.uri.startswith('postgresql')
    env = dict(os.environ, TRYTOND_DATABASE__URI=options.uri)
    env.pop('TRYTOND_CONFIG', None)
    if postgresql:
        env['DB_NAME'] = f'bench_{profile}_{os.getpid()}'
        env['DB_CACHE'] = os.path.join(options.cache, 'postgresql')
    else:
        env['DB_NAME'] = ':memory:'
        env['DB_CACHE'] = os.path.join(options.cache, 'sqlite')
    with tempfile.NamedTemporaryFile(suffix='.json') as output:
        command = [sys.executable, __file__, '--profile', profile,
            '--output', output.name, '--scale', str(options.scale),
            '--lines', str(options.lines), '--repeat', str(options.repeat),
            '--uri', options.uri, '--cache', options.cache]
        if options.keep:
            command.append('--keep')
        if options.month:
            command += ['--month', str(options.month)]
        process = subprocess.run(command, env=env)
        if process.returncode:
            raise SystemExit(f"the {profile} benchmark failed")
        with open(output.name, encoding='utf-8') as fp:
            return json.load(fp)


def spawn_network(options):
    """Time the network's consolidated figures over the gardens, each of a
    year of the platform's size, with food_aid_network's bench test (bulk
    copies of its hand-computed scenario in PostgreSQL)"""
    lines = max(round(200000 * options.scale), 10)
    with tempfile.NamedTemporaryFile(suffix='.json') as output:
        env = dict(os.environ,
            TRYTOND_DATABASE__URI=options.uri,
            DB_NAME=f'bench_network_{os.getpid()}',
            FOOD_AID_NETWORK_BENCH=str(lines),
            FOOD_AID_NETWORK_GARDENS=str(options.network),
            FOOD_AID_NETWORK_BENCH_OUTPUT=output.name)
        env.pop('TRYTOND_CONFIG', None)
        # the database with the module activated is kept with the others
        env['DB_CACHE'] = os.path.join(options.cache, 'postgresql')
        process = subprocess.run([
                sys.executable, '-m', 'pytest', '-q', '-s',
                '-p', 'no:cacheprovider', '-p', 'no:xdist',
                str(ROOT / 'modules' / 'food_aid_network' / 'tests'
                    / 'test_reporting.py'),
                '-k', 'NetworkReportingBench'],
            env=env, cwd=ROOT)
        with open(output.name, encoding='utf-8') as fp:
            content = fp.read()
        if not content:
            raise SystemExit("the network benchmark failed")
        figures = json.loads(content)
        figures['passed'] = not process.returncode
        return figures


def network_table(results):
    network = results['network']
    rows = ['', f"| network figures, {network['gardens']} gardens × "
        f"{network['sale_lines']:,} sale lines | by month | by year | goal "
        "| met |", '|---|---|---|---|---|']
    month, year = network['month'], network['year']
    slowest = max(month['seconds'], year['seconds'])
    rows.append(f"| the coordinator's gardens and programmes, this year | "
        f"{month['seconds']:.3f} s, {month['queries']} queries | "
        f"{year['seconds']:.3f} s, {year['queries']} queries | < 2 s | "
        f"{'yes' if slowest < 2 else 'NO'} |")
    if 'stale_month' in network:
        stale = network['stale_month']
        rows.append(f"| the same, a month of a garden changed since the "
            f"sums (read from its documents) | | {stale['seconds']:.3f} s, "
            f"{stale['queries']} queries | | |")
        rows.append(f"| summing again every month of the gardens (the "
            f"scheduler, {network['refresh_seconds']:.1f} s) | | | | |")
    return '\n'.join(rows)


def machine(options):
    import platform
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as fp:
            for line in fp:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    backend = options.uri.split(':', 1)[0]
    return (f"{os.cpu_count()} cores {cpu}, Python "
        f"{platform.python_version()}, {backend}")


def ratio(project, vanilla):
    return project / vanilla if vanilla else float('inf')


def table(results, options):
    vanilla, project = results['vanilla'], results['project']
    rows = []
    rows.append(f"Benchmark, scale {options.scale:g} "
        f"({project['platform']['sale_lines']:,} sale lines), "
        f"{options.lines}-line sale, medians of {options.repeat}; "
        f"{results['machine']}; {results['seconds']} s")
    rows.append('')
    rows.append('| flow | project | vanilla sale | ratio | goal | met |')
    rows.append('|---|---|---|---|---|---|')
    names = {
        'quote_confirm': f"quote + confirm a {options.lines}-line sale",
        'process': "process it (shipment + invoice)",
        'month': f"a month of sales ({project['month_sales']}), "
        "quote to processed",
        }
    for key in ['quote_confirm', 'process', 'month']:
        p, v = project['flows'][key], vanilla['flows'][key]
        r = ratio(p['seconds'], v['seconds'])
        rows.append(f"| {names[key]} | {p['seconds']:.2f} s, "
            f"{p['queries']:,} queries | {v['seconds']:.2f} s, "
            f"{v['queries']:,} | {r:.2f}× | ≤ {GOALS[key]}× | "
            f"{'yes' if r <= GOALS[key] else 'NO'} |")
    p, v = project['flows']['per_line'], vanilla['flows']['per_line']
    # the counts of two sales' processing differ by whole queries: the
    # project's cost per line is vanilla's to the tenth of a query
    rows.append(f"| queries per extra line when processing | {p:.2f} | "
        f"{v:.2f} | | same as vanilla | "
        f"{'yes' if round(p, 1) <= round(v, 1) else 'NO'} |")
    rows.append('')
    half, full = project['reports']
    rows.append(f"| report ({half['sale_lines']:,} → {full['sale_lines']:,}"
        " sale lines) | report | bare SQL | ratio | queries | goal | met |")
    rows.append('|---|---|---|---|---|---|---|')
    for name, _ in REPORTS:
        h, f = half['figures'][name], full['figures'][name]
        r = ratio(f['seconds'], f['bare'])
        rows.append(f"| {name} | {h['seconds']:.3f} → {f['seconds']:.3f} s"
            f" | {h['bare']:.3f} → {f['bare']:.3f} s | {r:.2f}× | "
            f"{h['queries']} → {f['queries']} | ≤ 2× | "
            f"{'yes' if r <= 2 and h['queries'] == f['queries'] else 'NO'} |")
    dashboard = full['dashboard']
    rows.append(f"| manager dashboard, {len(DASHBOARD)} panels, this year | "
        f"{dashboard:.3f} s | | | | < 2 s | "
        f"{'yes' if dashboard < 2 else 'NO'} |")
    rows.append('')
    one, four = project['allocation']
    rows.append('| allocation | 1× | 4× | cost of 4× |')
    rows.append('|---|---|---|---|')
    rows.append(f"| compute ({one['lines']:,} → {four['lines']:,} demand "
        f"lines) | {one['seconds']:.2f} s | {four['seconds']:.2f} s | "
        f"{ratio(four['seconds'], one['seconds']):.2f}× |")
    return '\n'.join(rows)


# --- a profile, in its own process ----------------------------------------

QUERIES = {'count': 0}


def count_queries():
    "Count every query of the backend's cursor"
    from trytond import backend
    if backend.name == 'sqlite':
        from trytond.backend.sqlite.database import SQLiteCursor as Cursor
    else:
        from trytond.backend.postgresql.database import (
            LoggingCursor as Cursor)
    execute = Cursor.execute

    def counting_execute(self, *args, **kwargs):
        QUERIES['count'] += 1
        return execute(self, *args, **kwargs)
    Cursor.execute = counting_execute


@contextmanager
def measured(figures):
    "Add to figures the seconds and queries of the block"
    start, queries = time.perf_counter(), QUERIES['count']
    yield
    figures['seconds'] = figures.get('seconds', 0) + (
        time.perf_counter() - start)
    figures['queries'] = figures.get('queries', 0) + (
        QUERIES['count'] - queries)


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def run_profile(options):
    from trytond import backend
    from trytond.pool import Pool
    from trytond.tests.test_tryton import activate_module, db_exist, drop_db
    if backend.name == 'postgresql' and db_exist():
        drop_db()
    activate_module(MODULES[options.profile])
    # run as a server does: the test mode validates the function fields too
    Pool.test = False
    count_queries()
    bench = Bench(options)
    try:
        results = bench.run()
    finally:
        if backend.name == 'postgresql' and not options.keep:
            drop_db()
    with open(options.output, 'w', encoding='utf-8') as fp:
        json.dump(results, fp)
    return 0


class Bench:

    def __init__(self, options):
        self.options = options
        self.project = options.profile == 'project'
        self.random = random.Random(14)
        self.year = dt.date.today().year
        self.view_fields = {}

    def transact(self, func, *args):
        """Run func in a transaction as the RPC dispatcher does: restarted
        with its locks when it asks for them, warnings confirmed"""
        from trytond.tests.test_tryton import DB_NAME
        from trytond.transaction import Transaction, TransactionError
        extras = {}
        context = {'_skip_warnings': True}
        if getattr(self, 'company', None):
            context['company'] = self.company
        while True:
            with Transaction().start(
                    DB_NAME, 1, context=context, **extras) as transaction:
                try:
                    result = func(*args)
                except TransactionError as error:
                    transaction.rollback()
                    error.fix(extras)
                    continue
                transaction.commit()
                # the processing is measured on its own, not queued
                transaction.tasks.clear()
                return result

    def run(self):
        self.transact(self.setup)
        results = {'flows': self.transact_flows()}
        results['month_sales'] = self.month_sales
        if self.project:
            results['reports'] = self.reports()
            results['allocation'] = self.allocations()
            results['platform'] = {'sale_lines': self.sale_lines}
        return results

    # -- set-up: company, accounts, products, parties, fees and grant --

    def setup(self):
        from trytond.modules.account.tests.test_module import create_chart
        from trytond.modules.company.tests import create_company, set_company
        from trytond.pool import Pool
        pool = Pool()
        Account = pool.get('account.account')
        Category = pool.get('product.category')
        Party = pool.get('party.party')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')

        company = create_company()
        with set_company(company):
            create_chart(company)
            revenue, = Account.search([
                    ('type.revenue', '=', True),
                    ('closed', '!=', True),
                    ('company', '=', company.id),
                    ], limit=1)
            expense, = Account.search([
                    ('type.expense', '=', True),
                    ('closed', '!=', True),
                    ('company', '=', company.id),
                    ], limit=1)
            category, = Category.create([{
                        'name': "Fruits et légumes", 'accounting': True,
                        'account_revenue': revenue.id,
                        'account_expense': expense.id,
                        }])
            kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))
            families = ['FRUITS_ET_LEGUMES', 'AUTRES']
            templates = []
            for index in range(30):
                values = {
                    'name': f"Légume {index}", 'type': 'goods',
                    'default_uom': kilogram.id, 'sale_uom': kilogram.id,
                    'purchase_uom': kilogram.id,
                    'salable': True, 'purchasable': True,
                    'list_price': Decimal('2.0000'),
                    'account_category': category.id,
                    'products': [('create', [{
                                    'cost_price': Decimal('1.2000')}])],
                    }
                if self.project:
                    values['food_family'] = families[index % 4 == 3]
                templates.append(values)
            templates = Template.create(templates)
            self.products = [t.products[0].id for t in templates]
            self.kilogram = kilogram.id
            channels = self.setup_channels() if self.project else {}
            self.food_aid = channels.get('food_aid')
            customers = []
            for index in range(300):
                kind = CHANNEL_KINDS[index % 4]
                values = {
                    'name': f"Client {index}",
                    'addresses': [('create', [{'city': "Angoulême"}])],
                    }
                if self.project:
                    values['is_food_aid_organisation'] = kind == 'food_aid'
                    values['is_catering'] = kind == 'catering'
                customers.append(values)
            customers = Party.create(customers)
            self.customers = [
                (c.id, c.addresses[0].id, channels.get(CHANNEL_KINDS[i % 4]))
                for i, c in enumerate(customers)]
            producers = []
            for index in range(60):
                values = {
                    'name': f"Producteur {index}",
                    'addresses': [('create', [{'city': "Cognac"}])],
                    }
                if self.project:
                    values['is_producer'] = True
                    values['distance_km'] = self.random.choice(
                        [15, 30, 60, 120, 300])
                producers.append(values)
            producers = Party.create(producers)
            self.producers = [(p.id, p.addresses[0].id) for p in producers]
            if self.project:
                self.setup_pricing(company, channels)
        self.company = company.id

    def setup_channels(self):
        from trytond.pool import Pool
        Channel = Pool().get('food_aid.channel')
        channels = {}
        for kind in CHANNEL_KINDS:
            found = Channel.search([('kind', '=', kind)], limit=1)
            if not found:
                found = Channel.create([{
                            'name': kind, 'code': f'BENCH-{kind}',
                            'kind': kind}])
            channels[kind] = found[0].id
        return channels

    def setup_pricing(self, company, channels):
        "The fees of every kind of computation and a running grant"
        from trytond.pool import Pool
        pool = Pool()
        Account = pool.get('account.account')
        Fee = pool.get('food_aid.fee')
        Grant = pool.get('food_aid.grant')
        Party = pool.get('party.party')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        unit = Uom(ModelData.get_id('product', 'uom_unit'))
        service, = Template.create([{
                    'name': "Transport", 'type': 'service',
                    'default_uom': unit.id, 'sale_uom': unit.id,
                    'salable': True, 'list_price': Decimal('5.0000'),
                    'account_category': Pool().get('product.category')
                    .search([('accounting', '=', True)], limit=1)[0].id,
                    'products': [('create', [{}])],
                    }])
        Group = pool.get('food_aid.producer.group')
        # the producers' group, its members and its fair prices
        Group.create([{
                    'name': "Producteurs", 'company': company.id,
                    'members': [('create', [{
                                    'producer': producer, 'priority': 10,
                                    } for producer, _ in self.producers])],
                    'prices': [('create', [{
                                    'product': product,
                                    'unit_price': Decimal('1.2000'),
                                    } for product in self.products])],
                    }])
        Fee.create([{
                    'company': company.id, 'name': "Logistique",
                    'kind': 'logistics', 'computation': 'per_unit',
                    'amount': Decimal('0.1000'),
                    }, {
                    'company': company.id, 'name': "Conditionnement",
                    'kind': 'packing', 'computation': 'percentage',
                    'rate': Decimal('0.05'),
                    }, {
                    'company': company.id, 'name': "Transport",
                    'kind': 'transport', 'computation': 'per_order',
                    'amount': Decimal('5.0000'),
                    'product': service.products[0].id,
                    }])
        cash, = Account.search([
                ('code', '=', '1.1.1'),
                ('company', '=', company.id),
                ], limit=1)
        clearing, = Account.create([{
                    'name': "Subventions à recevoir", 'code': '4687',
                    'type': cash.type.id, 'reconcile': True,
                    'company': company.id,
                    }])
        funder, = Party.create([{'name': "Préfecture"}])
        grant, = Grant.create([{
                    'reference': 'MMPT-BENCH', 'funder': funder.id,
                    'program': 'mmpt_local', 'company': company.id,
                    'currency': company.currency.id,
                    'amount': Decimal('100000000.00'),
                    'date_start': dt.date(self.year - 1, 1, 1),
                    'coverage': 'percentage', 'rate': Decimal('0.6'),
                    'clearing_account': clearing.id,
                    'channels': [('add', [channels['food_aid']])],
                    }])
        Grant.run([grant])
        self.grant = grant.id

    # -- the sale flows --

    def create_sale(self, lines, customer=0):
        from trytond.pool import Pool
        Sale = Pool().get('sale.sale')
        party, address, channel = self.customers[customer]
        values = {
            'company': self.company, 'party': party,
            'invoice_address': address, 'shipment_address': address,
            'sale_date': dt.date.today(),
            'lines': [('create', [{
                            'product': self.products[i % len(self.products)],
                            'quantity': 1 + i % 7,
                            'unit': self.kilogram,
                            'unit_price': Decimal('2.0000'),
                            } for i in range(lines)])],
            }
        if self.project:
            values['channel'] = channel
        sale, = Sale.create([values])
        if self.project:
            # the unit prices are those of the price composition
            for line in sale.lines:
                line.unit_price = line.compute_unit_price()
            Sale.save([sale])
        return sale.id

    def quote_confirm(self, sale_id):
        from trytond.pool import Pool
        Sale = Pool().get('sale.sale')
        sales = Sale.browse([sale_id])
        Sale.quote(sales)
        Sale.confirm(sales)

    def process(self, sale_id):
        from trytond.pool import Pool
        Sale = Pool().get('sale.sale')
        Sale.process(Sale.browse([sale_id]))

    def transact_flows(self):
        lines = self.options.lines
        half = max(lines // 2, 1)
        runs = []
        for _ in range(self.options.repeat):
            # a food-aid organisation: the sale is subsidised in the project
            large = self.transact(self.create_sale, lines, 0)
            small = self.transact(self.create_sale, half, 0)
            quote_confirm, process, small_process = {}, {}, {}
            with measured(quote_confirm):
                self.transact(self.quote_confirm, large)
            with measured(process):
                self.transact(self.process, large)
            self.transact(self.quote_confirm, small)
            with measured(small_process):
                self.transact(self.process, small)
            runs.append({
                    'quote_confirm': quote_confirm,
                    'process': process,
                    'per_line': (process['queries'] - small_process['queries'])
                    / max(lines - half, 1),
                    })
        month = self.options.month or max(2, round(80 * self.options.scale))
        self.month_sales = month
        month_runs = []
        for _ in range(self.options.repeat):
            sales = [
                self.transact(self.create_sale, 20, i % len(self.customers))
                for i in range(month)]
            figures = {}
            with measured(figures):
                for sale in sales:
                    self.transact(self.quote_confirm, sale)
                    self.transact(self.process, sale)
            month_runs.append(figures)
        flows = {}
        for key in ['quote_confirm', 'process']:
            flows[key] = {
                'seconds': median([r[key] for r in runs], 'seconds'),
                'queries': median([r[key] for r in runs], 'queries'),
                }
        flows['per_line'] = statistics.median(r['per_line'] for r in runs)
        flows['month'] = {
            'seconds': median(month_runs, 'seconds'),
            'queries': median(month_runs, 'queries'),
            }
        return flows

    # -- a year of a platform, in bulk SQL --

    def template_rows(self):
        """A done sale and purchase with one line each, a grant line and a
        loss, copied in bulk"""
        from trytond.pool import Pool
        from trytond.transaction import without_check_access
        pool = Pool()
        Sale = pool.get('sale.sale')
        Purchase = pool.get('purchase.purchase')
        party, address, channel = self.customers[0]
        sale, = Sale.create([{
                    'company': self.company, 'party': party,
                    'channel': channel,
                    'invoice_address': address, 'shipment_address': address,
                    'sale_date': dt.date(self.year, 1, 1),
                    'lines': [('create', [{
                                    'product': self.products[0],
                                    'quantity': 1,
                                    'unit': self.kilogram,
                                    'unit_price': Decimal('2.0000'),
                                    }])],
                    }])
        producer, address = self.producers[0]
        purchase, = Purchase.create([{
                    'company': self.company, 'party': producer,
                    'invoice_address': address,
                    'purchase_date': dt.date(self.year, 1, 1),
                    'lines': [('create', [{
                                    'product': self.products[0],
                                    'quantity': 1,
                                    'unit': self.kilogram,
                                    'unit_price': Decimal('1.2000'),
                                    }])],
                    }])
        GrantLine = pool.get('food_aid.grant.line')
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        ModelData = pool.get('ir.model.data')
        line, = sale.lines
        with without_check_access():
            grant_line, = GrantLine.create([{
                        'grant': self.grant, 'sale_line': line.id,
                        'customer': party, 'product': line.product.id,
                        'date': sale.sale_date, 'quantity': 1,
                        'unit': self.kilogram, 'full_amount': line.amount,
                        'amount': Decimal('1.20'), 'state': 'reserved',
                        }])
        storage, = Location.search([('type', '=', 'storage')], limit=1)
        loss, = Move.create([{
                    'company': self.company, 'product': self.products[0],
                    'unit': self.kilogram, 'quantity': 1,
                    'from_location': storage.id,
                    'to_location': ModelData.get_id(
                        'stock', 'location_lost_found'),
                    'effective_date': sale.sale_date,
                    'cost_price': Decimal('1.2000'),
                    'unit_price': None, 'currency': None,
                    'loss_reason': 'spoiled',
                    }])
        # the reports read the state; the workflow is Tryton's own
        Sale.write([sale], {'state': 'done'})
        Purchase.write([purchase], {'state': 'done'})
        return {
            'food_aid_grant_line': self.read_row(
                'food_aid_grant_line', grant_line.id),
            'stock_move': self.read_row('stock_move', loss.id),
            'sale_sale': self.read_row('sale_sale', sale.id),
            'sale_line': self.read_row('sale_line', sale.lines[0].id),
            'purchase_purchase': self.read_row(
                'purchase_purchase', purchase.id),
            'purchase_line': self.read_row(
                'purchase_line', purchase.lines[0].id),
            }

    def read_row(self, table, id_):
        from trytond.transaction import Transaction
        cursor = Transaction().connection.cursor()
        cursor.execute(f'SELECT * FROM "{table}" WHERE id = %s'
            .replace('%s', self.param()), (id_,))
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone()))

    def param(self):
        from trytond import backend
        return '?' if backend.name == 'sqlite' else '%s'

    def insert(self, table, template, rows):
        "Insert the rows, each the template with its values, in batches"
        from trytond import backend
        from trytond.transaction import Transaction
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        columns = list(template)
        sql = (f'INSERT INTO "{table}" ('
            + ', '.join(f'"{c}"' for c in columns) + ') VALUES ('
            + ', '.join([self.param()] * len(columns)) + ')')
        values = [
            tuple(row.get(c, template[c]) for c in columns) for row in rows]
        for start in range(0, len(values), 5000):
            cursor.executemany(sql, values[start:start + 5000])
        if backend.name == 'postgresql' and rows:
            transaction.database.setnextid(
                transaction.connection, table,
                max(r['id'] for r in rows) + 1)

    def next_id(self, table):
        from trytond.transaction import Transaction
        cursor = Transaction().connection.cursor()
        cursor.execute(f'SELECT MAX(id) FROM "{table}"')
        return (cursor.fetchone()[0] or 0) + 1

    def generate(self, sale_lines, state='done', dates=None):
        """Generate sales of ten lines each to sale_lines over the year, and
        a weekly purchase of each producer in proportion"""
        templates = self.templates
        rand = self.random
        if dates is None:
            start = dt.date(self.year, 1, 1)
            dates = [start + dt.timedelta(days=d) for d in range(365)]
        sale_id = self.next_id('sale_sale')
        line_id = self.next_id('sale_line')
        sales, lines = [], []
        for index in range(max(sale_lines // 10, 1)):
            party, address, channel = rand.choice(self.customers)
            sales.append({
                    'id': sale_id, 'party': party, 'channel': channel,
                    'invoice_address': address, 'shipment_address': address,
                    'invoice_party': party, 'shipment_party': party,
                    'sale_date': rand.choice(dates),
                    'number': f'B{sale_id}', 'state': state,
                    })
            for sequence in range(10):
                lines.append({
                        'id': line_id, 'sale': sale_id,
                        'sequence': sequence,
                        'product': rand.choice(self.products),
                        'quantity': float(rand.randint(1, 40)),
                        'unit_price': Decimal(rand.randint(150, 450))
                        / 100,
                        })
                line_id += 1
            sale_id += 1
        self.insert('sale_sale', templates['sale_sale'], [
                {k: v for k, v in s.items()
                    if k in templates['sale_sale']} for s in sales])
        self.insert('sale_line', templates['sale_line'], lines)
        if state == 'done':
            self.generate_grant_lines(sales, lines)
            self.generate_losses(sale_lines // 100, dates)
        purchase_id = self.next_id('purchase_purchase')
        line_id = self.next_id('purchase_line')
        purchases, lines = [], []
        for index in range(max(sale_lines // 80, 1)):
            producer, address = rand.choice(self.producers)
            purchases.append({
                    'id': purchase_id, 'party': producer,
                    'invoice_address': address, 'invoice_party': producer,
                    'purchase_date': rand.choice(dates),
                    'number': f'B{purchase_id}', 'state': 'done',
                    })
            for sequence in range(8):
                lines.append({
                        'id': line_id, 'purchase': purchase_id,
                        'sequence': sequence,
                        'product': rand.choice(self.products),
                        'quantity': float(rand.randint(20, 200)),
                        'unit_price': Decimal(rand.randint(60, 200)) / 100,
                        })
                line_id += 1
            purchase_id += 1
        self.insert('purchase_purchase', templates['purchase_purchase'], [
                {k: v for k, v in p.items()
                    if k in templates['purchase_purchase']}
                for p in purchases])
        self.insert('purchase_line', templates['purchase_line'], lines)
        return len(sales) * 10

    def generate_grant_lines(self, sales, lines):
        "The grant pays 60 % of the lines sold to the food-aid organisations"
        template = self.templates['food_aid_grant_line']
        subsidised = {
            s['id']: s for s in sales if s['channel'] == self.food_aid}
        grant_id = self.next_id('food_aid_grant_line')
        rows = []
        for line in lines:
            sale = subsidised.get(line['sale'])
            if not sale:
                continue
            full = (Decimal(str(line['quantity'])) * line['unit_price']
                ).quantize(Decimal('0.01'))
            rows.append({
                    'id': grant_id, 'grant': self.grant,
                    'sale_line': line['id'], 'customer': sale['party'],
                    'product': line['product'], 'date': sale['sale_date'],
                    'quantity': line['quantity'], 'full_amount': full,
                    'amount': (full * Decimal('0.6')).quantize(
                        Decimal('0.01')),
                    'state': 'invoiced',
                    })
            grant_id += 1
        self.insert('food_aid_grant_line', template, rows)

    def generate_losses(self, number, dates):
        "Losses of the year, done moves to the lost and found"
        rand = self.random
        move_id = self.next_id('stock_move')
        reasons = ['spoiled', 'damaged', 'expired', 'unsold', 'other']
        rows = []
        for index in range(max(number, 1)):
            rows.append({
                    'id': move_id, 'product': rand.choice(self.products),
                    'quantity': float(rand.randint(1, 30)),
                    'effective_date': rand.choice(dates), 'state': 'done',
                    'loss_reason': rand.choice(reasons),
                    })
            move_id += 1
        self.insert('stock_move', self.templates['stock_move'], rows)

    def analyze(self):
        "Statistics of the tables, as the database keeps them up to date"
        from trytond.transaction import Transaction
        Transaction().connection.cursor().execute('ANALYZE')

    def generate_year(self, sale_lines):
        from trytond.modules.company.tests import set_company
        from trytond.pool import Pool
        with set_company(Pool().get('company.company')(self.company)):
            if not hasattr(self, 'templates'):
                self.templates = self.template_rows()
            return self.generate(sale_lines)

    # -- the reports against their bare SQL aggregate --

    def reports(self):
        total = max(int(200_000 * self.options.scale), 100)
        self.sale_lines = 0
        sizes = []
        for part in [total // 2, total - total // 2]:
            self.sale_lines += self.transact(self.generate_year, part)
            self.transact(self.analyze)
            sizes.append(self.transact(self.measure_reports))
        return sizes

    def report_context(self):
        from trytond.transaction import Transaction
        return Transaction().set_context(
            company=self.company, period='month',
            from_date=dt.date(self.year, 1, 1),
            to_date=dt.date(self.year, 12, 31))

    def read_report(self, name):
        """Search then read the report as the client does: a page of the
        list's rows with the fields of its view, the names of their
        relations included"""
        from trytond.pool import Pool
        Model = Pool().get(name)
        if name not in self.view_fields:
            view = Model.fields_view_get(view_type='tree')
            names = []
            for field, definition in view['fields'].items():
                names.append(field)
                if definition['type'] in {'many2one', 'reference'}:
                    names.append(f'{field}.rec_name')
            self.view_fields[name] = names
        records = Model.search([], limit=CLIENT_LIMIT)
        return Model.read([r.id for r in records], self.view_fields[name])

    def measure_reports(self):
        from trytond.transaction import Transaction
        cursor = Transaction().connection.cursor()
        figures = {}
        with self.report_context():
            for name, _ in REPORTS:
                self.read_report(name)  # warm the caches
                runs, bare = [], []
                for _ in range(self.options.repeat):
                    run = {}
                    with measured(run):
                        self.read_report(name)
                    runs.append(run)
                    query = self.bare_query(name)
                    start = time.perf_counter()
                    cursor.execute(*query)
                    cursor.fetchall()
                    bare.append(time.perf_counter() - start)
                figures[name] = {
                    'seconds': median(runs, 'seconds'),
                    'queries': int(median(runs, 'queries')),
                    'bare': statistics.median(bare),
                    }
            dashboard = []
            for _ in range(self.options.repeat):
                start = time.perf_counter()
                for name in DASHBOARD:
                    self.read_report(name)
                dashboard.append(time.perf_counter() - start)
        return {
            'sale_lines': self.sale_lines,
            'figures': figures,
            'dashboard': statistics.median(dashboard),
            }

    def bare_query(self, name):
        """The plainest SQL aggregate of the report's rows: its grouping,
        quantities in kilograms, amount and number of documents"""
        from sql import Literal, Null
        from sql.aggregate import Count, Sum
        from trytond.modules.food_aid_reporting.reporting import (
            truncate as DateTrunc)
        from trytond.pool import Pool
        pool = Pool()
        sale = pool.get('sale.sale').__table__()
        line = pool.get('sale.line').__table__()
        product = pool.get('product.product').__table__()
        template = pool.get('product.template').__table__()
        unit = pool.get('product.uom').__table__()
        party = pool.get('party.party').__table__()
        purchase = pool.get('purchase.purchase').__table__()
        pline = pool.get('purchase.line').__table__()
        start, end = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        if name == 'food_aid.reporting.producer':
            month = DateTrunc('month', purchase.purchase_date)
            return (pline
                .join(purchase, condition=pline.purchase == purchase.id)
                .join(party, condition=purchase.party == party.id)
                .join(unit, condition=pline.unit == unit.id)
                .select(purchase.party, month,
                    Sum(pline.quantity * unit.factor),
                    Sum(pline.quantity * pline.unit_price),
                    Count(purchase.id, distinct=True),
                    where=purchase.state.in_(['confirmed', 'processing',
                            'done'])
                    & (purchase.company == self.company)
                    & (party.is_producer == Literal(True))
                    & (purchase.purchase_date >= start)
                    & (purchase.purchase_date <= end),
                    group_by=[purchase.party, month]))
        if name == 'food_aid.reporting.grant':
            gline = pool.get('food_aid.grant.line').__table__()
            grant = pool.get('food_aid.grant').__table__()
            month = DateTrunc('month', gline.date)
            return (gline
                .join(grant, condition=gline.grant == grant.id)
                .join(unit, 'LEFT', condition=gline.unit == unit.id)
                .select(gline.grant, month,
                    Sum(gline.quantity * unit.factor), Sum(gline.amount),
                    Count(gline.sale_line, distinct=True),
                    Count(gline.customer, distinct=True),
                    where=(gline.state != 'cancelled')
                    & (grant.company == self.company)
                    & (gline.date >= start) & (gline.date <= end),
                    group_by=[gline.grant, month]))
        if name == 'food_aid.reporting.loss':
            move = pool.get('stock.move').__table__()
            month = DateTrunc('month', move.effective_date)
            return (move
                .join(unit, condition=move.unit == unit.id)
                .select(move.loss_reason, month,
                    Sum(move.quantity * unit.factor),
                    Sum(move.quantity * move.cost_price), Count(move.id),
                    where=(move.state == 'done')
                    & (move.loss_reason != Null)
                    & (move.company == self.company)
                    & (move.effective_date >= start)
                    & (move.effective_date <= end),
                    group_by=[move.loss_reason, month]))
        month = DateTrunc('month', sale.sale_date)
        year = DateTrunc('year', sale.sale_date)
        keys = {
            'food_aid.reporting.sale': [
                sale.channel, sale.party, template.food_family, month],
            'food_aid.reporting.channel': [sale.channel],
            'food_aid.reporting.period': [month],
            'food_aid.reporting.family': [template.food_family],
            'food_aid.reporting.product': [line.product],
            'food_aid.reporting.mmpt': [sale.party, month],
            'food_aid.reporting.egalim': [sale.party, year],
            }[name]
        where = (sale.state.in_(['confirmed', 'processing', 'done'])
            & (sale.company == self.company)
            & (sale.sale_date >= start) & (sale.sale_date <= end))
        if name == 'food_aid.reporting.mmpt':
            where &= party.is_food_aid_organisation == Literal(True)
        elif name == 'food_aid.reporting.egalim':
            where &= party.is_catering == Literal(True)
        return (line
            .join(sale, condition=line.sale == sale.id)
            .join(product, condition=line.product == product.id)
            .join(template, condition=product.template == template.id)
            .join(unit, condition=line.unit == unit.id)
            .join(party, condition=sale.party == party.id)
            .select(*keys,
                Sum(line.quantity * unit.factor),
                Sum(line.quantity * line.unit_price),
                Count(sale.id, distinct=True),
                where=where, group_by=keys))

    # -- the allocation at 1× and 4× its demand --

    def allocations(self):
        figures = []
        demand = max(int(5000 * self.options.scale), 20)
        week = dt.date.today() + dt.timedelta(days=14)
        self.transact(self.create_offers, week)
        generated = 0
        for size in [demand, 4 * demand]:
            generated += self.transact(
                self.generate_week, size - generated, week)
            runs = []
            for _ in range(self.options.repeat):
                run = {}
                allocation = self.transact(self.create_allocation, week)
                with measured(run):
                    self.transact(self.compute_allocation, allocation)
                runs.append(run)
            figures.append({
                    'lines': size,
                    'seconds': median(runs, 'seconds'),
                    'queries': int(median(runs, 'queries')),
                    })
        return figures

    def generate_week(self, lines, week):
        dates = [week + dt.timedelta(days=d) for d in range(5)]
        return self.generate(lines, state='confirmed', dates=dates)

    def create_offers(self, week):
        from trytond.pool import Pool
        Offer = Pool().get('food_aid.producer.offer')
        offers = Offer.create([{
                    'company': self.company, 'producer': producer,
                    'product': product,
                    'date_start': week, 'date_end': week + dt.timedelta(6),
                    'quantity': float(self.random.randint(50, 500)),
                    'unit_price': Decimal(self.random.randint(60, 200)) / 100,
                    } for producer, _ in self.producers
                for product in self.random.sample(self.products, 10)])
        Offer.write(offers, {'state': 'open'})

    def create_allocation(self, week):
        from trytond.pool import Pool
        pool = Pool()
        Allocation = pool.get('food_aid.allocation')
        Location = pool.get('stock.location')
        warehouse, = Location.search([('type', '=', 'warehouse')], limit=1)
        allocation, = Allocation.create([{
                    'company': self.company, 'warehouse': warehouse.id,
                    'date_start': week, 'date_end': week + dt.timedelta(6),
                    'strategy': 'fair_share',
                    }])
        return allocation.id

    def compute_allocation(self, allocation):
        from trytond.pool import Pool
        Allocation = Pool().get('food_aid.allocation')
        Allocation.compute(Allocation.browse([allocation]))


if __name__ == '__main__':
    sys.exit(main())
