# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Scale-out, proven: two trytond servers, one trytond-cron and one
trytond-worker on one PostgreSQL database, as README's deployment says.

A fee changed through the first server prices the lines of the second;
sixteen sales confirmed at the same moment through both servers all go
through, the grant's envelope used to the cent, and the worker processes
them from the queue.  Only loopback addresses; every wait is bounded."""
import base64
import datetime as dt
import json
import os
import pathlib
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal

import pytest

BIN = pathlib.Path(sys.executable).parent
# the admin password of tests/conftest.py's database fixture
PASSWORD = 'smoke-test-Pa55'
URI = os.environ.get('TRYTOND_DATABASE__URI', '')
DATABASE_MODULES = ['food_aid_pricing', 'food_aid_subsidy']
SALES = 16
TIMEOUT = 180

pytestmark = pytest.mark.skipif(
    not URI.startswith('postgresql'),
    reason="needs PostgreSQL: several processes share one database "
    "(TRYTOND_DATABASE__URI is not a postgresql:// URI)")


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def decode(value):
    if isinstance(value, dict) and value.get('__class__') == 'Decimal':
        return Decimal(value['decimal'])
    if isinstance(value, dict) and value.get('__class__') == 'date':
        return dt.date(value['year'], value['month'], value['day'])
    return value


def encode(value):
    if isinstance(value, Decimal):
        return {'__class__': 'Decimal', 'decimal': str(value)}
    raise TypeError(value)


class Server:
    "A trytond process and its JSON-RPC calls"

    def __init__(self, name, env):
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}/{name}/rpc/'
        self.process = subprocess.Popen(
            [BIN / 'trytond', '-d', name],
            env=dict(env, TRYTOND_WEB__LISTEN=f'127.0.0.1:{self.port}'),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.session = None

    def wait(self):
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                self.call('common.server.version', [])
                return
            except urllib.error.HTTPError:
                # it answers: without a session, as it should
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll():
                    self.process.kill()
                    pytest.fail("server did not answer:\n"
                        + self.process.stderr.read().decode()[-3000:])
                time.sleep(0.5)

    def call(self, method, params):
        "Return the result or the error of the JSON-RPC call"
        headers = {'Content-Type': 'application/json'}
        if self.session:
            token = base64.b64encode(self.session.encode()).decode()
            headers['Authorization'] = f'Session {token}'
        request = urllib.request.Request(self.url, headers=headers,
            data=json.dumps({'id': 1, 'method': method, 'params': params},
                default=encode).encode())
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response, object_hook=lambda d: decode(d))
        return answer.get('result'), answer.get('error')

    def rpc(self, method, *params):
        result, error = self.call(method, list(params))
        assert error is None, error
        return result

    def login(self):
        user, key = self.rpc(
            'common.db.login', 'admin', {'password': PASSWORD})[:2]
        self.session = f'admin:{user}:{key}'
        self.user = user
        self.context = self.rpc('model.res.user.get_preferences', True, {})

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def create_data(name):
    """A company with its chart, a per-unit fee, a grant of 300 € for the
    food-aid channel and sixteen quoted sales subsidised 25.20 € each"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError

    Pool.start()
    Pool(name).init()
    extras = {}
    while True:
        with Transaction().start(
                name, 0, close=True, **extras) as transaction:
            try:
                data = _create_data()
            except TransactionError as error:
                # restarted with the locks it asks for, as the dispatcher
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
            return data


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
    Party = pool.get('party.party')
    Sale = pool.get('sale.sale')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    User = pool.get('res.user')

    company = create_company()
    User.write([User(1)], {
            'companies': [('add', [company.id])],
            'company': company.id,
            })
    with set_company(company):
        create_chart(company)
        revenue, = Account.search([
                ('type.revenue', '=', True), ('closed', '!=', True),
                ('company', '=', company.id)], limit=1)
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
                    'default_uom': kilogram.id,
                    'sale_uom': kilogram.id, 'salable': True,
                    'list_price': Decimal('2'),
                    'account_category': category.id,
                    'products': [('create', [{
                                    'cost_price': Decimal('2')}])],
                    }])
        product, = template.products
        fee, = Fee.create([{
                    'company': company.id, 'name': "Logistique",
                    'kind': 'logistics', 'computation': 'per_unit',
                    'amount': Decimal('0.1000')}])
        funder, = Party.create([{'name': "Préfecture"}])
        grant, = Grant.create([{
                    'reference': 'MMPT-SCALE-OUT', 'funder': funder.id,
                    'program': 'mmpt_local', 'company': company.id,
                    'currency': company.currency.id,
                    'amount': Decimal('300.00'),
                    'date_start': dt.date.today() - dt.timedelta(10),
                    'coverage': 'percentage', 'rate': Decimal('0.6'),
                    'clearing_account': clearing.id,
                    'channels': [('add', [channel.id])]}])
        Grant.run([grant])
        sales = []
        for index in range(SALES):
            party, = Party.create([{
                        'name': f"Épicerie {index}",
                        'addresses': [('create', [{}])]}])
            # 20 kg at 2.10 € = 42 €, 60 % = 25.20 € each: 403.20 € >
            # 300 €
            sales.append(Sale(
                    company=company, party=party, channel=channel,
                    currency=company.currency,
                    invoice_address=party.addresses[0],
                    shipment_address=party.addresses[0],
                    lines=[{
                            'product': product.id, 'quantity': 20,
                            'unit': kilogram.id,
                            'unit_price': Decimal('2.1000')}]))
        Sale.save(sales)
        Sale.quote(sales)
    return {
        'company': company.id, 'channel': channel.id,
        'product': product.id, 'unit': kilogram.id, 'fee': fee.id,
        'grant': grant.id, 'party': sales[0].party.id,
        'address': sales[0].party.addresses[0].id,
        'sales': [s.id for s in sales],
        }


@pytest.fixture(scope='module')
def cluster(database):
    "Two servers, a cron and a worker on the database, with its data"
    name, env = database
    data = create_data(name)
    env = dict(env,
        TRYTOND_DATABASE__LIST='False',
        TRYTOND_CACHE__CLEAN_TIMEOUT='0',
        TRYTOND_QUEUE__WORKER='True')
    servers = [Server(name, env), Server(name, env)]
    others = [
        subprocess.Popen([BIN / command, '-d', name], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for command in ['trytond-cron', 'trytond-worker']]
    try:
        for server in servers:
            server.wait()
            server.login()
        yield servers, others, data
    finally:
        for server in servers:
            server.stop()
        for process in others:
            process.terminate()
        for process in others:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def line_price(server, data):
    "The unit price of a line of a new draft sale priced through server"
    context = server.context
    sale_id, = server.rpc('model.sale.sale.create', [{
                'company': data['company'], 'party': data['party'],
                'channel': data['channel'],
                'invoice_address': data['address'],
                'shipment_address': data['address'],
                'lines': [['create', [{
                                'product': data['product'],
                                'quantity': 1, 'unit': data['unit'],
                                'unit_price': Decimal('0'),
                                }]]],
                }], context)
    # a new sale date reprices the draft lines with the fees in force
    server.rpc('model.sale.sale.write', [sale_id],
        {'sale_date': {'__class__': 'date', 'year': dt.date.today().year,
                'month': dt.date.today().month, 'day': dt.date.today().day}},
        context)
    sale, = server.rpc(
        'model.sale.sale.read', [sale_id], ['lines'], context)
    line, = server.rpc(
        'model.sale.line.read', sale['lines'], ['unit_price'], context)
    server.rpc('model.sale.sale.delete', [sale_id], context)
    return line['unit_price']


def confirm(server, sale_id, barrier, results):
    "Confirm the sale as a user does: warned, then confirming again"
    barrier.wait(timeout=TIMEOUT)
    context = server.context
    for attempt in range(10):
        try:
            _, error = server.call(
                'model.sale.sale.confirm', [[sale_id], context])
        except urllib.error.HTTPError as http_error:
            # the server is busy: the client tries again
            results.setdefault('busy', []).append(http_error.code)
            continue
        if error is None:
            results[sale_id] = 'confirmed'
            return
        if error[0] == 'UserWarning':
            warning = error[1][0]
            results.setdefault('warned', set()).add(sale_id)
            server.rpc('model.res.user.warning.create', [{
                        'user': server.user, 'name': warning,
                        'always': False}], context)
            continue
        results[sale_id] = error
        return
    results[sale_id] = 'gave up'


def test_fee_changed_on_one_server_prices_on_the_other(cluster):
    (first, second), _, data = cluster
    assert line_price(second, data) == Decimal('2.1000')
    first.rpc('model.food_aid.fee.write', [data['fee']],
        {'amount': Decimal('0.3000')}, first.context)
    assert line_price(second, data) == Decimal('2.3000')
    first.rpc('model.food_aid.fee.write', [data['fee']],
        {'amount': Decimal('0.1000')}, first.context)
    assert line_price(second, data) == Decimal('2.1000')


def test_sixteen_confirmations_through_both_servers(cluster):
    servers, others, data = cluster
    results = {}
    barrier = threading.Barrier(SALES)
    threads = [
        threading.Thread(target=confirm,
            args=(servers[i % 2], sale_id, barrier, results))
        for i, sale_id in enumerate(data['sales'])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    results.pop('busy', None)
    warned = results.pop('warned', set())
    assert results == {s: 'confirmed' for s in data['sales']}

    first = servers[0]
    context = first.context
    grant, = first.rpc('model.food_aid.grant.read', [data['grant']],
        ['remaining'], context)
    line_ids = first.rpc('model.food_aid.grant.line.search',
        [('grant', '=', data['grant'])], 0, None, None, context)
    lines = first.rpc('model.food_aid.grant.line.read', line_ids,
        ['amount'], context)
    # eleven pay their 25.20 €, the twelfth what remains, the rest nothing
    assert sum(l['amount'] for l in lines) == Decimal('300.00')
    assert sorted(l['amount'] for l in lines if l['amount']) == (
        [Decimal('22.80')] + [Decimal('25.20')] * 11)
    assert grant['remaining'] == Decimal('0.00')
    assert len(warned) >= 4

    # the worker processes the queued sales: shipments and invoices
    deadline = time.monotonic() + TIMEOUT
    while True:
        sales = first.rpc('model.sale.sale.read', data['sales'],
            ['state', 'invoices', 'shipments'], context)
        if all(s['state'] == 'processing' for s in sales):
            break
        assert time.monotonic() < deadline, sales
        time.sleep(1)
    assert all(s['invoices'] and s['shipments'] for s in sales)
    assert all(p.poll() is None for p in others), "cron or worker stopped"
