# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The rights of each role on every model of the project, as stated by
access_matrix.py, and the isolation of the companies of one database.

A model added to a module without its row in the matrix, or a right that
differs from it, fails here: a hole in the rights cannot be added silently.
"""
import datetime as dt
from contextlib import contextmanager
import importlib
import importlib.util
import pathlib
import unittest
from decimal import Decimal

from trytond.model import ModelStorage
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    'access_matrix', pathlib.Path(__file__).with_name('access_matrix.py'))
access_matrix = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(access_matrix)


def project_modules():
    return sorted(
        cfg.parent.name for cfg in ROOT.glob('modules/*/tryton.cfg'))


def project_models():
    "Return the names of the storage models registered by the project"
    pool = Pool()
    names = set()
    for module in project_modules():
        for cls in Pool.classes['model'].get(module, {}):
            if isinstance(cls, str):
                path, _, name = cls.rpartition('.')
                cls = getattr(importlib.import_module(
                        f'trytond.modules.{module}.{path}'), name)
            Model = pool.get(cls.__name__)
            if issubclass(Model, ModelStorage):
                names.add(Model.__name__)
    return sorted(names)


def role_users():
    "Create a user per role with the groups of the role"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    users = {}
    for role, xml_ids in access_matrix.ROLES.items():
        groups = [ModelData.get_id(*x.split('.')) for x in xml_ids]
        user, = User.search([('login', '=', f'access_{role}')]) or [None]
        if not user:
            user, = User.create([{
                        'name': role, 'login': f'access_{role}',
                        'groups': [('add', groups)],
                        }])
        users[role] = user.id
    return users


def rights(access):
    return ''.join(
        letter for letter, perm in [
            ('r', 'read'), ('c', 'create'), ('w', 'write'),
            ('d', 'delete')]
        if access[perm])


def field_rights(access):
    if access is None:
        return 'rw'
    return ''.join(
        letter for letter, perm in [('r', 'read'), ('w', 'write')]
        if access[perm])


class AccessMatrixTestCase(unittest.TestCase):
    "The role matrix holds on every model of the project"
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(project_modules())

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def actual_rights(self, models):
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        FieldAccess = pool.get('ir.model.field.access')
        users = role_users()
        model_rights, price_rights = {}, {}
        for role in access_matrix.ROLE_NAMES:
            with Transaction().set_user(users[role]), \
                    Transaction().set_context(_check_access=True):
                ModelAccess._get_access_cache.clear()
                FieldAccess._get_access_cache.clear()
                accesses = ModelAccess.get_access(models)
                fields = FieldAccess.get_access(
                    sorted({m for m, _ in access_matrix.FIELDS}))
            for model in models:
                model_rights.setdefault(model, []).append(
                    rights(accesses[model]))
            for (model, field) in access_matrix.FIELDS:
                price_rights.setdefault((model, field), []).append(
                    field_rights(fields[model].get(field)))
        return model_rights, price_rights

    @with_transaction()
    def test_every_model_has_its_rights(self):
        "Every model of the project has the rights the matrix states"
        models = project_models()
        model_rights, _ = self.actual_rights(models)
        missing = [m for m in models if m not in access_matrix.MODELS]
        differ = [
            f'{m}: expected {access_matrix.MODELS[m]}, '
            f'got {tuple(model_rights[m])}'
            for m in models
            if m in access_matrix.MODELS
            and tuple(access_matrix.MODELS[m]) != tuple(model_rights[m])]
        unknown = sorted(set(access_matrix.MODELS) - set(models))
        self.assertEqual(
            (missing, differ, unknown), ([], [], []),
            msg="(models without a row in access_matrix.py, "
            "rights that differ, rows of no registered model)\n"
            + '\n'.join(
                f"    {m!r}: {tuple(model_rights[m])}," for m in missing))

    @with_transaction()
    def test_price_fields(self):
        "The price fields are read and written only by the roles stated"
        _, price_rights = self.actual_rights([])
        differ = [
            f'{m}.{f}: expected {expected}, got {tuple(price_rights[m, f])}'
            for (m, f), expected in access_matrix.FIELDS.items()
            if tuple(expected) != tuple(price_rights[m, f])]
        self.assertEqual(differ, [])


def company_bound_models(models):
    """Return the project's models bound to a company: those with a company
    field and, recursively, the children and relation rows of those"""
    pool = Pool()
    Company = pool.get('company.company')
    bound = set()
    changed = True
    while changed:
        changed = False
        for name in models:
            if name in bound:
                continue
            Model = pool.get(name)
            for field in Model._fields.values():
                if field._type != 'many2one':
                    continue
                Target = field.get_target()
                if field.required and (
                        issubclass(Target, Company)
                        or Target.__name__ in bound):
                    bound.add(name)
                    changed = True
                    break
    return bound


def company_user(login, company, roles):
    "Create a user of the company with the groups of the roles"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    groups = {
        ModelData.get_id(*xml_id.split('.'))
        for role in roles for xml_id in access_matrix.ROLES[role]}
    user, = User.create([{
                'name': login, 'login': login,
                'companies': [('add', [company.id])],
                'company': company.id,
                'groups': [('add', list(groups))],
                }])
    return user


@contextmanager
def acting_as(user):
    "Run as the user, with the user's companies and access checked"
    User = Pool().get('res.user')
    transaction = Transaction()
    with transaction.set_user(user.id), \
            transaction.set_context(
                User.get_preferences(context_only=True),
                _check_access=True):
        yield


class CompanyIsolationTestCase(unittest.TestCase):
    "A user of one company sees and changes nothing of another's"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(project_modules())

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def create_records(self, company):
        "Create in company a record of each company-bound model"
        pool = Pool()
        Party = pool.get('party.party')
        Uom = pool.get('product.uom')
        Template = pool.get('product.template')
        Location = pool.get('stock.location')
        Channel = pool.get('food_aid.channel')
        ModelData = pool.get('ir.model.data')
        today = dt.date.today()
        kg, = Uom.search([('symbol', '=', 'kg')])
        warehouse, = Location.search([('type', '=', 'warehouse')], limit=1)
        storage = warehouse.storage_location
        supplier, = Location.search([('type', '=', 'supplier')], limit=1)
        channel = Channel(ModelData.get_id('food_aid', 'channel_food_aid'))
        producer, customer, funder = Party.create([
                {'name': "Ferme du Breuil", 'is_producer': True,
                    'addresses': [('create', [{}])]},
                {'name': "Épicerie solidaire", 'is_food_aid_organisation': True,
                    'addresses': [('create', [{}])]},
                {'name': "Fondation", 'addresses': [('create', [{}])]},
                ])
        template, = Template.create([{
                    'name': "Carottes", 'type': 'goods',
                    'default_uom': kg.id, 'salable': True, 'purchasable': True,
                    'sale_uom': kg.id, 'purchase_uom': kg.id,
                    'products': [('create', [{}])],
                    }])
        product, = template.products
        records = {}

        def create(model, values):
            record, = pool.get(model).create([values])
            records[model] = record
            return record

        fee = create('food_aid.fee', {
                'name': "Logistique", 'kind': 'logistics',
                'computation': 'per_unit', 'amount': Decimal('0.10'),
                'company': company.id,
                'channels': [('add', [channel.id])]})
        records['food_aid.fee-food_aid.channel'], = pool.get(
            'food_aid.fee-food_aid.channel').search([('fee', '=', fee.id)])
        group = create('food_aid.producer.group', {
                'name': "Groupe", 'company': company.id})
        create('food_aid.producer.membership', {
                'group': group.id, 'producer': producer.id, 'priority': 1})
        create('food_aid.producer.price', {
                'group': group.id, 'product': product.id,
                'unit_price': Decimal('1.20'), 'date_start': today})
        create('food_aid.producer.offer', {
                'company': company.id, 'producer': producer.id,
                'product': product.id, 'quantity': 50,
                'date_start': today, 'date_end': today})
        allocation = create('food_aid.allocation', {
                'company': company.id, 'warehouse': warehouse.id,
                'date_start': today, 'date_end': today})
        create('food_aid.allocation.line', {
                'allocation': allocation.id, 'product': product.id,
                'producer': producer.id, 'quantity': 10,
                'unit_price': Decimal('1.20')})
        create('food_aid.allocation.shortfall', {
                'allocation': allocation.id, 'product': product.id,
                'demand': 20, 'allocated': 10, 'missing': 10})
        vehicle = create('food_aid.vehicle', {
                'name': "Camion", 'capacity_kg': 800,
                'company': company.id})
        Shipment = pool.get('stock.shipment.out')
        shipment = Shipment(
            company=company, customer=customer,
            delivery_address=customer.addresses[0], warehouse=warehouse)
        shipment.on_change_warehouse()
        shipment.save()
        delivery_round = create('food_aid.delivery.round', {
                'company': company.id, 'date': today, 'vehicle': vehicle.id,
                'warehouse': warehouse.id})
        create('food_aid.delivery.round.stop', {
                'round': delivery_round.id, 'shipment': shipment.id})
        donation = create('food_aid.donation', {
                'company': company.id, 'date': today, 'donor': producer.id,
                'donor_kind': 'company', 'warehouse': warehouse.id})
        create('food_aid.donation.line', {
                'donation': donation.id, 'product': product.id,
                'quantity': 5})
        lot, = pool.get('stock.lot').create([{
                    'number': 'L-1', 'product': product.id}])
        move, = pool.get('stock.move').create([{
                    'product': product.id, 'unit': kg.id, 'quantity': 5,
                    'from_location': supplier.id, 'to_location': storage.id,
                    'company': company.id, 'lot': lot.id,
                    'unit_price': Decimal('1'),
                    'currency': company.currency.id}])
        recall = create('food_aid.recall', {
                'company': company.id, 'date': today, 'lot': lot.id,
                'reason': "Contrôle", 'quarantine_location': storage.id})
        create('food_aid.recall.line', {
                'recall': recall.id, 'move': move.id, 'kind': 'upstream'})
        create('food_aid.beneficiary.count', {
                'company': company.id, 'party': customer.id,
                'date_start': today, 'date_end': today, 'persons': 10,
                'households': 4, 'women': 5, 'children': 3, 'seniors': 1,
                'disabled': 0, 'migrants': 0, 'homeless': 0})
        grant = create('food_aid.grant', {
                'company': company.id, 'reference': 'MMPT-2026-016',
                'funder': funder.id, 'program': 'mmpt_national',
                'currency': company.currency.id, 'amount': Decimal('1000'),
                'date_start': today, 'coverage': 'percentage',
                'rate': Decimal('0.5'),
                'channels': [('add', [channel.id])]})
        records['food_aid.grant-food_aid.channel'], = pool.get(
            'food_aid.grant-food_aid.channel').search(
            [('grant', '=', grant.id)])
        # running without the accounts a real grant needs to run
        table = pool.get('food_aid.grant').__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.state], ['running'], where=table.id == grant.id))
        create('food_aid.grant.line', {
                'grant': grant.id, 'customer': customer.id, 'date': today,
                'amount': Decimal('5.00'), 'state': 'reserved'})
        create('food_aid.grant.claim', {
                'company': company.id, 'grant': grant.id,
                'date_start': today, 'date_end': today})
        sale = create('sale.sale', {
                'company': company.id, 'party': customer.id,
                'channel': channel.id,
                'invoice_address': customer.addresses[0].id,
                'shipment_address': customer.addresses[0].id,
                'currency': company.currency.id})
        line = create('sale.line', {
                'sale': sale.id, 'product': product.id, 'quantity': 10,
                'unit': kg.id, 'unit_price': Decimal('2')})
        create('food_aid.sale.line.fee', {
                'line': line.id, 'fee': fee.id, 'kind': 'logistics',
                'unit_amount': Decimal('0.10')})
        return records

    @with_transaction()
    def test_other_company_sees_and_changes_nothing(self):
        "A user of company B neither reads, changes nor deletes A's records"
        pool = Pool()
        Rule = pool.get('ir.rule')
        transaction = Transaction()

        company_a = create_company("Jardin de Charente")
        company_b = create_company("Jardin de Vienne")
        with set_company(company_a), transaction.set_user(0):
            records = self.create_records(company_a)
        user_a = company_user('charente', company_a, access_matrix.ROLES)
        user_b = company_user('vienne', company_b, access_matrix.ROLES)
        # the user of company A, with the same groups, reads them all
        with acting_as(user_a):
            for model, record in records.items():
                self.assertEqual(
                    pool.get(model).search([('id', '=', record.id)]),
                    [record], msg=model)

        bound = company_bound_models(project_models())
        leaks = []
        with acting_as(user_b):
            for model in sorted(bound):
                Model = pool.get(model)
                if model not in records:
                    # no record of it here: its rules must still confine it
                    if not Rule.domain_get(model, 'read'):
                        leaks.append(f'{model}: no company rule')
                    continue
                record = records[model]
                if Model.search([('id', '=', record.id)]):
                    leaks.append(f'{model}: found by search')
                for action, call in [
                        ('read', lambda: Model.read([record.id], ['id'])),
                        ('write', lambda: Model.write(
                                [Model(record.id)], {})),
                        ('delete', lambda: Model.delete([Model(record.id)])),
                        ]:
                    try:
                        with transaction.set_context(_check_access=True):
                            call()
                    except AccessError as error:
                        if 'MMPT-2026-016' in str(error):
                            leaks.append(f'{model}: {action} error names it')
                    else:
                        leaks.append(f'{model}: {action} allowed')
            # the reports that read in SQL apply the company rule too
            producer = records['food_aid.producer.membership'].producer
            today = dt.date.today()
            for report, data in [
                    ('food_aid.producer.statement', {
                            'producer': producer.id,
                            'date_start': today, 'date_end': today}),
                    ('food_aid.reporting.activity', {
                            'month': today.replace(day=1)}),
                    ]:
                Report = pool.get(report, type='report')
                with self.assertRaises(AccessError, msg=report):
                    Report.execute([], dict(data, company=company_a.id))
        self.assertEqual(leaks, [])
        self.assertFalse(set(records) - bound, msg="fixture models not bound")

    @with_transaction()
    def test_closed_grant_relations(self):
        "A manager changes no eligibility of a closed grant, even row by row"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Grant = pool.get('food_aid.grant')
        GrantChannel = pool.get('food_aid.grant-food_aid.channel')
        Channel = pool.get('food_aid.channel')
        transaction = Transaction()
        company = create_company("Jardin de Charente")
        with set_company(company), transaction.set_user(0):
            records = self.create_records(company)
        grant = records['food_aid.grant']
        table = Grant.__table__()
        transaction.connection.cursor().execute(*table.update(
                [table.state], ['closed'], where=table.id == grant.id))
        manager = company_user('coordination', company, ['manager'])
        catering = Channel(ModelData.get_id('food_aid', 'channel_catering'))
        with acting_as(manager):
            relation, = GrantChannel.search([('grant', '=', grant.id)])
            for call in [
                    lambda: GrantChannel.delete([relation]),
                    lambda: GrantChannel.create([{
                                'grant': grant.id,
                                'channel': catering.id}]),
                    lambda: Grant.write([Grant(grant.id)], {
                            'channels': [('add', [catering.id])]}),
                    ]:
                with self.assertRaises(UserError):
                    call()

    @with_transaction()
    def test_other_company_export(self):
        "A user of company B exports nothing of company A's canteens"
        pool = Pool()
        Export = pool.get('food_aid.reporting.ma_cantine', type='wizard')
        transaction = Transaction()
        company_a = create_company("Jardin de Charente")
        company_b = create_company("Jardin de Vienne")
        with set_company(company_a), transaction.set_user(0):
            records = self.create_records(company_a)
        customer = records['sale.sale'].party
        user_b = company_user('vienne', company_b, ['manager'])
        with acting_as(user_b):
            session_id, _, _ = Export.create()
            export = Export(session_id)
            export.start.company = company_a
            export.start.customer = customer
            export.start.year = dt.date.today().year
            with self.assertRaises(AccessError):
                export.transition_export()
