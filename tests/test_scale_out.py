# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Scale-out, proven: two trytond servers, one trytond-cron and one
trytond-worker share one PostgreSQL database, configured as README's
deployment section says.

A fee changed through the first server prices a sale line read through the
second, and a role given to a user through one opens the records on the
other at once (the caches told through LISTEN/NOTIFY, `[cache]
clean_timeout = 0`).  Sixteen
sales confirmed at the same moment through both servers all go through,
the grant's envelope used to the cent and never more, and the worker
processes them from the queue.

Only loopback addresses; every wait has a deadline; the processes log to
files (never to pipes nobody reads) and are killed, with their children,
whatever the outcome."""
import base64
import datetime as dt
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import threading
import time
import types
import urllib.error
import urllib.request
from decimal import Decimal

import pytest

BIN = pathlib.Path(sys.executable).parent
URI = os.environ.get('TRYTOND_DATABASE__URI', '')
# food_aid_subsidy activates food_aid_pricing: the database is the one the
# other tests of food_aid_subsidy restore from the tests' database cache
MODULES = ['food_aid_subsidy']
PASSWORD = 'Scale-out-Pa55-word'
# a user of the warehouse, made a manager during the test
COORDINATOR = ('coordination', 'Coordination-Pa55-word')
SALES = 16
# seconds: the longest any single wait of the test may last
DEADLINE = 120

# The figures, by hand: 20 kg of carrots at the producer price of 2.00 €/kg
# plus a logistics fee of 0.10 €/kg, 2.10 €/kg, are 42.00 € a sale; the
# grant pays 60 %, 25.20 € a sale, 403.20 € for the sixteen sales: more
# than its envelope of 300.00 €.  Eleven sales get their 25.20 € (277.20 €),
# the twelfth the 22.80 € left and the last four nothing.
QUANTITY = 20
COST_PRICE = Decimal('2.0000')
FEE = Decimal('0.1000')
ENVELOPE = Decimal('300.00')
RATE = Decimal('0.6')
FULL_SUBSIDY = Decimal('25.20')
LAST_SUBSIDY = Decimal('22.80')
FULL_SALES = 11

pytestmark = pytest.mark.skipif(
    not URI.startswith('postgresql'),
    reason="needs PostgreSQL: several trytond processes share one database "
    "and tell each other through LISTEN/NOTIFY "
    "(TRYTOND_DATABASE__URI is not a postgresql:// URI)")


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def remaining_time(deadline):
    "Return the seconds left until the monotonic deadline, at least 0"
    return max(deadline - time.monotonic(), 0)


def decode(value):
    "Return the Decimal or date of Tryton's JSON object hook"
    kind = value.get('__class__')
    if kind == 'Decimal':
        return Decimal(value['decimal'])
    if kind == 'date':
        return dt.date(value['year'], value['month'], value['day'])
    return value


def encode(value):
    if isinstance(value, Decimal):
        return {'__class__': 'Decimal', 'decimal': str(value)}
    if isinstance(value, dt.date):
        return {'__class__': 'date', 'year': value.year,
            'month': value.month, 'day': value.day}
    raise TypeError(value)


class Process:
    """A trytond command run in a session of its own, logging to a file, so
    that it is stopped with the children it forks"""

    def __init__(self, command, args, log_path):
        self.name = log_path.stem
        self.log_path = log_path
        env = {
            k: v for k, v in os.environ.items()
            if not k.startswith('TRYTOND') and k not in {
                'DB_NAME', 'DB_CACHE'}}
        with open(log_path, 'wb') as log:
            self.process = subprocess.Popen(
                [str(BIN / command), *args], env=env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True)

    @property
    def running(self):
        return self.process.poll() is None

    def log(self, size=4000):
        "Return the end of the process' log"
        text = self.log_path.read_text(errors='replace')
        return f"--- {self.name} (exit {self.process.poll()}):\n{text[-size:]}"

    def stop(self):
        "Stop the process and its children, by its process group"
        for sig, wait in [(signal.SIGTERM, 10), (signal.SIGKILL, 10)]:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            # the children of a stopped leader are killed with the group
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break


class Client:
    "A JSON-RPC client of one server, with the session of a user"

    def __init__(self, name, database, port, process):
        self.name = name
        self.process = process
        self.database = database
        self.port = port
        self.url = f'http://127.0.0.1:{port}/{database}/rpc/'
        self.session = None
        self.user = None
        self.context = {}

    def call(self, method, *params, timeout=60):
        "Return the result and the error of the call"
        headers = {'Content-Type': 'application/json'}
        if self.session:
            token = base64.b64encode(self.session.encode()).decode()
            headers['Authorization'] = f'Session {token}'
        request = urllib.request.Request(self.url, headers=headers,
            data=json.dumps({'id': 0, 'method': method, 'params': params},
                default=encode).encode())
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.load(response, object_hook=decode)
        return answer.get('result'), answer.get('error')

    def rpc(self, method, *params):
        "Return the result of the call, with the user's context, or fail"
        result, error = self.call(method, *params, self.context)
        assert error is None, (self.name, method, error)
        return result

    def login(self, deadline, login='admin', password=PASSWORD):
        "Log in as soon as the server answers, before the deadline"
        while True:
            try:
                result, error = self.call(
                    'common.db.login', login, {'password': password}, 'fr',
                    timeout=10)
            except urllib.error.HTTPError:
                # it answers and refuses: a wrong password fails at once
                raise
            except (urllib.error.URLError, ConnectionError) as exception:
                # not listening yet (still loading the modules) or dead
                if not self.process.running:
                    raise RuntimeError(f"{self.name} stopped")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.name}: {exception}")
                time.sleep(0.5)
                continue
            assert error is None, (self.name, error)
            self.user, key = result[:2]
            self.session = f'{login}:{self.user}:{key}'
            self.context = {}
            self.context = self.rpc('model.res.user.get_preferences', True)
            return


def write_config(tmp_path, name, port=None):
    """Write the configuration of the processes, as a deployment has it:
    the database unlisted, the caches told through PostgreSQL and the
    queued tasks left to the worker; the web address of a server apart"""
    common = tmp_path / 'trytond.conf'
    if not common.exists():
        common.write_text('\n'.join([
                    '[database]',
                    f'uri = {URI}',
                    f'path = {tmp_path}',
                    'list = False',
                    '[cache]',
                    'clean_timeout = 0',
                    '[queue]',
                    'worker = True',
                    '']))
    files = [str(common)]
    if port:
        own = tmp_path / f'{name}.conf'
        own.write_text(f'[web]\nlisten = 127.0.0.1:{port}\n')
        files.append(str(own))
    return files


def create_data(database):
    """Create in one transaction a company with its chart, a per-unit fee, a
    running grant for the food-aid channel and the quoted sales"""
    from trytond import backend
    from trytond.transaction import Transaction, TransactionError

    extras = {}
    try:
        while True:
            with Transaction().start(
                    database, 0, close=True, **extras) as transaction:
                try:
                    data = _create_data()
                except TransactionError as error:
                    # restarted with the locks it asks for, as a server does
                    transaction.rollback()
                    error.fix(extras)
                    continue
                transaction.commit()
                return data
    finally:
        # the processes started next are the only ones on the database
        backend.Database(database).close()


def drop_database(database):
    "Drop the database, once the connections of the killed processes end"
    import psycopg
    from trytond.tests.test_tryton import drop_db
    with psycopg.connect(URI.rstrip('/') + '/postgres',
            autocommit=True) as connection:
        connection.execute(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
            'WHERE datname = %s AND pid != pg_backend_pid()', (database,))
    drop_db()


def _create_data():
    from trytond.modules.account.tests.test_module import create_chart
    from trytond.modules.company.tests import create_company, set_company
    from trytond.pool import Pool
    pool = Pool()
    Account = pool.get('account.account')
    Category = pool.get('product.category')
    Channel = pool.get('food_aid.channel')
    Fee = pool.get('food_aid.fee')
    Grant = pool.get('food_aid.grant')
    ModelData = pool.get('ir.model.data')
    Party = pool.get('party.party')
    Sale = pool.get('sale.sale')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    User = pool.get('res.user')

    company = create_company()
    User.write([User(1)], {
            'password': PASSWORD,
            'companies': [('add', [company.id])],
            'company': company.id,
            })
    login, password = COORDINATOR
    coordinator, = User.create([{
                'name': "Coordination", 'login': login, 'password': password,
                'companies': [('add', [company.id])], 'company': company.id,
                'groups': [('add', [ModelData.get_id(
                                'food_aid', 'group_food_aid_warehouse')])],
                }])
    with set_company(company):
        create_chart(company)
        revenue, = Account.search([
                ('type.revenue', '=', True), ('closed', '!=', True),
                ('company', '=', company.id)], limit=1)
        # as account's test tools find it in the minimal chart
        cash, = Account.search([
                ('code', '=', '1.1.1'), ('company', '=', company.id)])
        clearing, = Account.create([{
                    'name': "Subventions à recevoir", 'code': '4687',
                    'type': cash.type.id, 'reconcile': True,
                    'company': company.id}])
        category, = Category.create([{
                    'name': "Légumes", 'accounting': True,
                    'account_revenue': revenue.id}])
        channel, = Channel.search([('kind', '=', 'food_aid')], limit=1)
        kilogram, = Uom.search([('symbol', '=', 'kg')])
        template, = Template.create([{
                    'name': "Carottes", 'type': 'goods',
                    'default_uom': kilogram.id, 'sale_uom': kilogram.id,
                    'salable': True, 'list_price': COST_PRICE,
                    'account_category': category.id,
                    'products': [('create', [{'cost_price': COST_PRICE}])],
                    }])
        product, = template.products
        fee, = Fee.create([{
                    'company': company.id, 'name': "Logistique",
                    'kind': 'logistics', 'computation': 'per_unit',
                    'amount': FEE}])
        funder, = Party.create([{'name': "Préfecture"}])
        grant, = Grant.create([{
                    'reference': 'MMPT-SCALE-OUT', 'funder': funder.id,
                    'program': 'mmpt_local', 'company': company.id,
                    'currency': company.currency.id, 'amount': ENVELOPE,
                    'date_start': dt.date.today() - dt.timedelta(days=10),
                    'coverage': 'percentage', 'rate': RATE,
                    'clearing_account': clearing.id,
                    'channels': [('add', [channel.id])]}])
        Grant.run([grant])
        parties = Party.create([{
                    'name': f"Épicerie {index}",
                    'addresses': [('create', [{}])]}
                for index in range(SALES + 1)])
        sales = [
            Sale(company=company, party=party, channel=channel,
                currency=company.currency,
                invoice_address=party.addresses[0],
                shipment_address=party.addresses[0],
                lines=[{
                        'product': product.id, 'quantity': QUANTITY,
                        'unit': kilogram.id,
                        'unit_price': COST_PRICE + FEE}])
            for party in parties]
        Sale.save(sales)
        # the last one stays a draft, repriced when the fee changes
        draft = sales.pop()
        Sale.quote(sales)
    return types.SimpleNamespace(
        company=company.id, fee=fee.id, grant=grant.id,
        coordinator=coordinator.id,
        manager_group=ModelData.get_id('food_aid', 'group_food_aid_manager'),
        clearing_account=clearing.id, draft=draft.id,
        sales=[s.id for s in sales])


@pytest.fixture(scope='module')
def cluster(tmp_path_factory):
    "Two servers, a cron and a worker on the database, with its data"
    from trytond.tests.test_tryton import DB_NAME as name
    from trytond.tests.test_tryton import activate_module, drop_db
    drop_db()
    activate_module(MODULES)
    tmp_path = tmp_path_factory.mktemp('scale_out')
    ports = [free_port(), free_port()]
    processes = []
    try:
        data = create_data(name)
        clients = []
        for index, port in enumerate(ports, 1):
            server = f'server{index}'
            processes.append(Process('trytond', [
                        '-c', *write_config(tmp_path, server, port),
                        '-d', name, '-vv'],
                    tmp_path / f'{server}.log'))
            clients.append(Client(server, name, port, processes[-1]))
        for command in ['trytond-cron', 'trytond-worker']:
            # one process each: two cores are shared with the servers
            processes.append(Process(command, [
                        '-c', *write_config(tmp_path, command),
                        '-d', name, '-n', '1', '-vv'],
                    tmp_path / f'{command}.log'))
        deadline = time.monotonic() + DEADLINE
        for client in clients:
            client.login(deadline)
        cluster = types.SimpleNamespace(
            clients=clients, processes=processes, data=data)
        yield cluster
        assert all(p.running for p in processes), '\n'.join(
            p.log() for p in processes)
    except BaseException:
        # what the processes said is the first thing to read on a failure
        sys.stderr.write('\n'.join(p.log() for p in processes) + '\n')
        raise
    finally:
        for process in processes:
            process.stop()
        drop_database(name)


def draft_unit_price(client, data):
    """Return the unit price of the draft sale's line, the sale repriced
    through the client's server with the fees now in force"""
    client.rpc('model.sale.sale.write', [data.draft],
        {'sale_date': dt.date.today()})
    sale, = client.rpc('model.sale.sale.read', [data.draft], ['lines'])
    line, = client.rpc(
        'model.sale.line.read', sale['lines'], ['unit_price'])
    return line['unit_price']


def test_fee_changed_on_one_server_prices_on_the_other(cluster):
    "A fee changed through the first server prices the second's lines"
    first, second = cluster.clients
    data = cluster.data
    assert draft_unit_price(second, data) == Decimal('2.1000')
    first.rpc('model.food_aid.fee.write', [data.fee],
        {'amount': Decimal('0.3500')})
    assert draft_unit_price(second, data) == Decimal('2.3500')
    first.rpc('model.food_aid.fee.write', [data.fee], {'amount': FEE})
    assert draft_unit_price(second, data) == Decimal('2.1000')


def test_role_granted_on_one_server_applies_on_the_other(cluster):
    "A role given through the first server opens the second's records"
    first, second = cluster.clients
    data = cluster.data
    coordinator = Client(
        'server2', second.database, second.port, second.process)
    coordinator.login(time.monotonic() + DEADLINE, *COORDINATOR)

    def count_grants():
        result, error = coordinator.call(
            'model.food_aid.grant.search_count', [], coordinator.context)
        return result if error is None else error[0]

    # the warehouse reads no grant, and the second server caches its groups
    assert count_grants() == 'UserError'
    assert count_grants() == 'UserError'
    first.rpc('model.res.user.write', [data.coordinator],
        {'groups': [('add', [data.manager_group])]})
    # the first server's notification reaches the second in a moment
    deadline = time.monotonic() + 20
    while (count := count_grants()) != 1:
        assert time.monotonic() < deadline, count
        time.sleep(0.1)


def confirm(client, sale_id, barrier, deadline, results):
    "Confirm the sale as a user of the web client does, warned or not"
    try:
        barrier.wait(timeout=remaining_time(deadline))
        warned = False
        while time.monotonic() < deadline:
            _, error = client.call(
                'model.sale.sale.confirm', [sale_id], client.context,
                timeout=remaining_time(deadline) + 1)
            if error is None:
                results[sale_id] = 'warned' if warned else 'confirmed'
                return
            if error[0] != 'UserWarning' or warned:
                results[sale_id] = error
                return
            # the user reads that the envelope is short and confirms anyway
            warned = True
            client.rpc('model.res.user.warning.create', [{
                        'user': client.user, 'name': error[1][0],
                        'always': False}])
        results[sale_id] = 'out of time'
    except Exception as exception:
        results[sale_id] = repr(exception)


def test_sixteen_confirmations_through_both_servers(cluster):
    "Sixteen sales confirmed at once all go through, the envelope exact"
    first, second = cluster.clients
    data = cluster.data
    results = {}
    barrier = threading.Barrier(SALES)
    deadline = time.monotonic() + DEADLINE
    threads = [
        threading.Thread(target=confirm, daemon=True,
            args=(cluster.clients[i % 2], sale_id, barrier, deadline,
                results))
        for i, sale_id in enumerate(data.sales)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(remaining_time(deadline) + 5)
    assert set(results) == set(data.sales), results
    errors = {
        s: r for s, r in results.items() if r not in {'confirmed', 'warned'}}
    assert not errors

    # the worker may have processed some already: their reservations are
    # then cancelled for the grant lines of the invoices, of same amount
    subsidies = subsidies_by_sale(first, data)
    assert sum(subsidies.values()) == ENVELOPE
    assert sorted(subsidies.values()) == (
        [Decimal('0.00')] * (SALES - FULL_SALES - 1)
        + [LAST_SUBSIDY] + [FULL_SUBSIDY] * FULL_SALES)
    # warned are the sales that the envelope could not pay in full
    assert {s for s, r in results.items() if r == 'warned'} == {
        s for s, a in subsidies.items() if a != FULL_SUBSIDY}
    grant, = first.rpc(
        'model.food_aid.grant.read', [data.grant], ['remaining'])
    assert grant['remaining'] == Decimal('0.00')

    # the worker processes the queued sales: shipments and invoices
    deadline = time.monotonic() + DEADLINE
    while True:
        sales = first.rpc('model.sale.sale.read', data.sales,
            ['state', 'invoices', 'shipments'])
        if all(s['state'] == 'processing' for s in sales):
            break
        assert time.monotonic() < deadline, sales
        time.sleep(1)
    assert all(len(s['invoices']) == 1 and s['shipments'] for s in sales)
    # each invoice deducts on the clearing account what its sale reserved
    invoice_lines = first.rpc('model.account.invoice.line.search_read',
        [('invoice', 'in', [s['invoices'][0] for s in sales]),
            ('account', '=', data.clearing_account)],
        0, None, None, ['amount', 'invoice'])
    deducted = {s['id']: Decimal('0.00') for s in sales}
    sale_of = {s['invoices'][0]: s['id'] for s in sales}
    for line in invoice_lines:
        deducted[sale_of[line['invoice']]] -= line['amount']
    assert deducted == subsidies
    assert subsidies_by_sale(first, data, invoiced=True) == subsidies


def subsidies_by_sale(client, data, invoiced=False):
    """Return what the grant pays for each sale: its lines not cancelled;
    when invoiced, only those of an invoice line"""
    domain = [('grant', '=', data.grant), ('state', '!=', 'cancelled')]
    if invoiced:
        domain.append(('invoice_line', '!=', None))
    lines = client.rpc('model.food_aid.grant.line.search_read',
        domain, 0, None, None, ['amount', 'sale_line.sale'])
    subsidies = {s: Decimal('0.00') for s in data.sales}
    for line in lines:
        subsidies[line['sale_line.']['sale']] += line['amount']
    return subsidies
