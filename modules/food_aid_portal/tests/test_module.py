# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import os
import re
import unittest
from decimal import Decimal
from unittest.mock import patch

from werkzeug.test import Client

from trytond.modules.account.tests import create_chart
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.food_aid.tests.tools import untranslated
from trytond.modules.food_aid_planning.exceptions import (
    NeedValidationError)
from trytond.modules.food_aid_portal.exceptions import (
    NeedError, OrderAvailabilityError, OrderCatalogueError, OrderCutoffError,
    OrderQuantityError)
from trytond.modules.food_aid_reporting.tests.test_module import (
    count_queries)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, ModuleTestCase, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction, TransactionError
from trytond.wsgi import app

D = Decimal
MONDAY = dt.date(2026, 3, 2)
SUNDAY = dt.date(2026, 3, 8)
THURSDAY = dt.date(2026, 3, 5)
# before the channel's cut-off of Monday noon for Thursday
BEFORE_CUTOFF = dt.datetime(2026, 3, 2, 9, 0)
AFTER_CUTOFF = dt.datetime(2026, 3, 2, 12, 0)
# the next season, whose needs the organisations enter
SEASON_START = dt.date(2026, 4, 6)
SEASON_END = dt.date(2026, 9, 27)


def commit_data(database_name, make, **context):
    """Return make() run in a transaction of the database with the context,
    committed; restarted with the locks it asks for, as a server does"""
    extras = {}
    while True:
        with Transaction().start(database_name, 0, context=context,
                **extras) as transaction:
            try:
                data = make()
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
            return data


def setup_portal(products=3, subsidy=True, monday=MONDAY):
    """Create the company, two partners of a food-aid channel (an
    organisation, subsidised, and a canteen) with their web users, and offers
    of products for the week of monday"""
    pool = Pool()
    Party = pool.get('party.party')
    Channel = pool.get('food_aid.channel')
    Uom = pool.get('product.uom')
    Template = pool.get('product.template')
    Group = pool.get('food_aid.producer.group')
    Offer = pool.get('food_aid.producer.offer')
    Grant = pool.get('food_aid.grant')
    Account = pool.get('account.account')
    User = pool.get('web.user')
    Category = pool.get('product.category')
    Product = pool.get('product.product')
    company = create_company()
    kilogram, = Uom.search([('symbol', '=', 'kg')])
    with set_company(company):
        create_chart(company)
        revenue, = Account.search([
                ('type.revenue', '=', True),
                ('closed', '=', False),
                ('company', '=', company.id),
                ], limit=1)
        category = Category(name="Légumes", accounting=True,
            account_revenue=revenue)
        category.save()
        channel = Channel(name="Aide alimentaire", code='AA-TEST',
            kind='food_aid', order_delivery_weekday='3',
            order_cutoff_weekday='0', order_cutoff_hour=12)
        channel.save()
        partners = [
            Party(name=name, food_aid_channel=channel,
                addresses=[{'city': "Bordeaux"}])
            for name in ["Restos du cœur Bastide", "Cantine Jean Jaurès"]]
        partners[0].is_food_aid_organisation = True
        partners[1].is_catering = True
        producer = Party(name="Ferme des Coteaux", is_producer=True)
        Party.save(partners + [producer])
        group = Group(name="Producteurs de Gironde", members=[{
                    'producer': producer.id, 'priority': 1,
                    'date_start': monday.replace(month=1, day=1),
                    }])
        group.save()
        templates = Template.create([{
                    'name': f"Légume {i:03d}", 'type': 'goods',
                    'default_uom': kilogram.id, 'sale_uom': kilogram.id,
                    'salable': True, 'list_price': D('2.00'),
                    'account_category': category.id,
                    'products': [('create', [{}])],
                    } for i in range(products)])
        products = [t.products[0] for t in templates]
        for product in products:
            product.cost_price = D('2.00')
        Product.save(products)
        offers = Offer.create([{
                    'producer': producer.id, 'product': p.id,
                    'date_start': monday,
                    'date_end': monday + dt.timedelta(days=6),
                    'quantity': 50, 'unit_price': D('1.50'),
                    } for p in products])
        Offer.open(offers)
        if subsidy:
            funder = Party(name="Département de la Gironde")
            funder.save()
            # the subsidies to receive, of the type of the cash account
            cash, = Account.search([
                    ('code', '=', '1.1.1'),
                    ('company', '=', company.id),
                    ])
            account = Account(name="Subventions à recevoir", code='4687',
                type=cash.type, company=company)
            account.save()
            grant = Grant(reference='CD33-2026', funder=funder,
                program='local_authority', company=company,
                currency=company.currency, amount=D('1000.00'),
                date_start=monday.replace(month=1, day=1),
                date_end=monday.replace(month=12, day=31),
                coverage='percentage', rate=D('0.5'), beneficiaries=[partners[0].id],
                clearing_account=account, requires_habilitation=False)
            grant.save()
            Grant.run([grant])
        users = [
            User(email=f'partner{i}@example.org', party=p,
                password='Portail-2026-secret')
            for i, p in enumerate(partners)]
        User.save(users)
    return company, channel, products, users


class FoodAidPortalTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid Portal module"
    module = 'food_aid_portal'
    extras = ['food_aid_planning']
    _skip_company_rule = {('food_aid.channel', 'company')}

    @with_transaction()
    def test_french_translation_complete(self):
        "Every string of the module has its French translation"
        path = os.path.join(
            os.path.dirname(__file__), '..', 'locale', 'fr.po')
        missing = untranslated('food_aid_portal', path)
        self.assertEqual(
            [f'{e.msgctxt} {e.msgid}' for e in missing], [])

    @with_transaction()
    def test_cutoff(self):
        "The next delivery is the first whose cut-off is still ahead"
        pool = Pool()
        Channel = pool.get('food_aid.channel')
        channel = Channel(order_delivery_weekday='3',
            order_cutoff_weekday='0', order_cutoff_hour=12)
        self.assertEqual(
            channel.cutoff_of(THURSDAY), dt.datetime(2026, 3, 2, 12))
        self.assertEqual(channel.next_delivery_date(BEFORE_CUTOFF), THURSDAY)
        self.assertEqual(
            channel.next_delivery_date(AFTER_CUTOFF),
            THURSDAY + dt.timedelta(days=7))
        self.assertEqual(
            channel.next_delivery_date(dt.datetime(2026, 3, 5, 8)),
            THURSDAY + dt.timedelta(days=7))
        # a cut-off on the delivery day closes the week before
        channel.order_cutoff_weekday = '3'
        self.assertEqual(
            channel.cutoff_of(THURSDAY), dt.datetime(2026, 2, 26, 12))

    def _setup(self, products=3, subsidy=True):
        return setup_portal(products=products, subsidy=subsidy)

    @with_transaction(context={'date': MONDAY})
    def test_catalogue(self):
        "The catalogue shows what is offered less what is ordered"
        company, channel, products, (first, second) = self._setup()
        with set_company(company):
            catalogue = first.portal_catalogue(THURSDAY)
            self.assertEqual(
                [i.product for i in catalogue], products)
            item = catalogue[0]
            self.assertEqual(item.available, 50)
            self.assertEqual(item.unit.symbol, 'kg')
            self.assertEqual(item.unit_price, D('2.0000'))
            # the grant pays half the price of the first partner only
            self.assertEqual(item.subsidy, D('1.00'))
            self.assertEqual(item.customer_share, D('1.00'))
            other = second.portal_catalogue(THURSDAY)[0]
            self.assertEqual(other.subsidy, D('0'))
            self.assertEqual(other.customer_share, D('2.00'))

            sale = first.portal_place_order(THURSDAY, {
                    products[0].id: 20, products[1].id: 5.5,
                    products[2].id: None}, BEFORE_CUTOFF)
            self.assertEqual(sale.state, 'quotation')
            self.assertEqual(sale.party, first.party)
            self.assertEqual(sale.channel, channel)
            self.assertEqual(sale.shipping_date, THURSDAY)
            self.assertEqual(sale.portal_user, first)
            self.assertTrue(sale.portal_order)
            self.assertEqual(
                sorted((l.product.id, l.quantity) for l in sale.lines),
                sorted([(products[0].id, 20), (products[1].id, 5.5)]))
            self.assertEqual(sale.untaxed_amount, D('51.00'))
            self.assertEqual(sale.subsidy_amount, D('25.50'))
            self.assertEqual(sale.customer_amount, D('25.50'))

            available = {
                i.product: i.available
                for i in second.portal_catalogue(THURSDAY)}
            self.assertEqual(available[products[0]], 30)
            self.assertEqual(available[products[1]], 44.5)
            self.assertEqual(available[products[2]], 50)

    @with_transaction(context={'date': MONDAY})
    def test_change_order(self):
        "The partner changes its quotation until the cut-off"
        pool = Pool()
        Sale = pool.get('sale.sale')
        company, channel, products, (first, _) = self._setup(subsidy=False)
        with set_company(company):
            sale = first.portal_place_order(THURSDAY, {
                    products[0].id: 20, products[1].id: 5,
                    products[2].id: 3}, BEFORE_CUTOFF)
            # its own order does not take from what it may order again
            catalogue = first.portal_catalogue(THURSDAY, exclude_sale=sale)
            self.assertEqual(catalogue[0].available, 50)
            self.assertEqual(catalogue[0].ordered, 20)
            again = first.portal_place_order(THURSDAY, {
                    products[0].id: 50, products[1].id: 5,
                    products[2].id: None}, BEFORE_CUTOFF)
            self.assertEqual(again, sale)
            sale = Sale(sale.id)
            self.assertEqual(sale.state, 'quotation')
            self.assertEqual(
                sorted((l.product.id, l.quantity) for l in sale.lines),
                sorted([(products[0].id, 50), (products[1].id, 5)]))
            self.assertEqual(Sale.search([('portal_order', '=', True)]),
                [sale])
            self.assertIsNone(
                first.portal_order_closed_reason(sale, BEFORE_CUTOFF))
            self.assertIn("12:00",
                first.portal_order_closed_reason(sale, AFTER_CUTOFF))

    @with_transaction(context={'date': MONDAY})
    def test_bad_input(self):
        "Each bad quantity is refused in French and changes nothing"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Product = pool.get('product.product')
        company, channel, products, (first, _) = self._setup(subsidy=False)
        with set_company(company):
            outsider = Product(products[0].id)
            outsider, = Product.copy([outsider])
            cases = [
                ({products[0].id: 0}, OrderQuantityError, "positive"),
                ({products[0].id: -2}, OrderQuantityError, "positive"),
                ({products[0].id: 51}, OrderAvailabilityError,
                    "available"),
                ({outsider.id: 1}, OrderCatalogueError, "catalogue"),
                ({-1: 1}, OrderCatalogueError, "catalogue"),
                ({products[0].id: None}, OrderQuantityError, "Enter"),
                ]
            for quantities, error, text in cases:
                with self.subTest(quantities=quantities):
                    with self.assertRaises(error) as cm:
                        first.portal_place_order(
                            THURSDAY, quantities, BEFORE_CUTOFF)
                    self.assertIn(text, cm.exception.message)
            self.assertEqual(Sale.search([]), [])

            sale = first.portal_place_order(
                THURSDAY, {products[0].id: 2}, BEFORE_CUTOFF)
            with self.assertRaises(OrderCutoffError) as cm:
                first.portal_place_order(
                    THURSDAY, {products[0].id: 4}, AFTER_CUTOFF)
            self.assertIn("closed", cm.exception.message)
            self.assertEqual([l.quantity for l in sale.lines], [2])
            # no new order for a delivery whose orders are closed
            with self.assertRaises(OrderCutoffError):
                first.portal_place_order(THURSDAY + dt.timedelta(days=-7),
                    {products[0].id: 4}, BEFORE_CUTOFF)

    @with_transaction(context={'date': MONDAY})
    def test_isolation(self):
        "A partner finds none of the records of another party"
        pool = Pool()
        Sale = pool.get('sale.sale')
        company, channel, products, (first, second) = self._setup(
            subsidy=False)
        with set_company(company):
            sale = first.portal_place_order(
                THURSDAY, {products[0].id: 2}, BEFORE_CUTOFF)
            staff_sale = Sale(company=company, party=second.party,
                channel=channel)
            staff_sale.on_change_party()
            staff_sale.save()
            self.assertEqual(first.portal_order(sale.id), sale)
            self.assertIsNone(second.portal_order(sale.id))
            self.assertEqual(second.portal_orders(), [staff_sale])
            self.assertEqual(first.portal_orders(), [sale])
            self.assertIsNone(first.portal_order(staff_sale.id))
            self.assertIsNone(first.portal_current_order(
                THURSDAY + dt.timedelta(days=7)))
            self.assertIsNone(second.portal_current_order(THURSDAY))
            self.assertIsNone(first.portal_invoice(-1))

    @with_transaction(context={'date': MONDAY})
    def test_catalogue_constant_queries(self):
        "The catalogue takes as many queries for ten times the products"
        pool = Pool()
        Product = pool.get('product.product')
        company, channel, products, (first, _) = self._setup(products=3)

        def queries():
            with count_queries() as counter:
                user = first.__class__(first.id)
                items = user.portal_catalogue(THURSDAY)
            return counter['queries'], len(items)

        with set_company(company):
            queries()  # fill the caches of the models
            small = queries()
            offers = pool.get('food_aid.producer.offer')
            self.assertEqual(small[1], 3)
            template = products[0].template
            new = pool.get('product.template').copy([template] * 27)
            new_products = [t.products[0] for t in new]
            for product in new_products:
                product.cost_price = D('3.00')
            Product.save(new_products)
            producer = offers.search([])[0].producer
            created = offers.create([{
                        'producer': producer.id, 'product': p.id,
                        'date_start': MONDAY, 'date_end': SUNDAY,
                        'quantity': 10, 'unit_price': D('1.50'),
                        } for p in new_products for _ in range(2)])
            offers.open(created)
            queries()
            large = queries()
        self.assertEqual(large[1], 30)
        self.assertEqual(large[0], small[0])

    @with_transaction(context={'date': MONDAY})
    def test_needs(self):
        "The organisation enters its needs of the next season"
        pool = Pool()
        SupplyPlan = pool.get('food_aid.supply_plan')
        Need = pool.get('food_aid.need')
        Template = pool.get('product.template')
        company, channel, products, (first, second) = self._setup(
            subsidy=False)
        with set_company(company):
            self.assertTrue(first.portal_needs_allowed)
            self.assertFalse(second.portal_needs_allowed)
            self.assertEqual([p for p, _ in first.portal_pages()],
                ['/', '/orders', '/needs'])
            self.assertEqual([p for p, _ in second.portal_pages()],
                ['/', '/orders'])
            self.assertIsNone(first.portal_season(MONDAY))
            SupplyPlan.create([{
                        'name': "Hiver", 'date_start': MONDAY,
                        'date_end': SEASON_START - dt.timedelta(days=1),
                        }, {
                        'name': "Printemps-été", 'date_start': SEASON_START,
                        'date_end': SEASON_END,
                        }])
            season = first.portal_season(MONDAY)
            self.assertEqual(season.name, "Printemps-été")
            self.assertEqual(first.portal_need_products(), products)

            need = first.portal_save_need(season,
                {products[0].id: 12.5, products[1].id: None},
                {'FRUITS_ET_LEGUMES': 40, 'BOULANGERIE': None})
            self.assertEqual(need.party, first.party)
            self.assertEqual(need.company, company)
            self.assertEqual(need.source, 'organisation')
            self.assertEqual(need.state, 'draft')
            self.assertEqual(
                (need.date_start, need.date_end), (SEASON_START, SEASON_END))
            self.assertEqual(
                [(l.product, l.food_family, l.weekly_quantity, l.unit.symbol)
                    for l in Need(need.id).lines],
                [(products[0], None, 12.5, 'kg'),
                    (None, 'FRUITS_ET_LEGUMES', 40, 'kg')])

            again = first.portal_save_need(season, {products[1].id: 3}, {})
            self.assertEqual(again, need)
            self.assertEqual(
                [(l.product, l.weekly_quantity) for l in again.lines],
                [(products[1], 3)])
            # the other partner finds none of it
            self.assertIsNone(second.portal_need(season))

            template, = Template.copy(
                [products[0].template], default={'salable': False})
            outsider, = template.products
            cases = [
                ({products[0].id: 0}, {}, NeedValidationError,
                    "greater than zero"),
                ({products[0].id: -2}, {}, NeedValidationError,
                    "greater than zero"),
                ({outsider.id: 1}, {}, NeedError, "not in the list"),
                ({-1: 1}, {}, NeedError, "not in the list"),
                ({}, {'POTAGER': 1}, NeedError, "not in the list"),
                ({products[0].id: None}, {'BOULANGERIE': None}, NeedError,
                    "at least one"),
                ]
            for products_, families, error, text in cases:
                with self.subTest(products=products_, families=families):
                    with self.assertRaises(error) as cm:
                        first.portal_save_need(season, products_, families)
                    self.assertIn(text, cm.exception.message)

            # staff validated it: read-only for the partner
            Need.validate_need([need])
            with self.assertRaises(NeedError) as cm:
                first.portal_save_need(season, {products[1].id: 4}, {})
            self.assertIn("validated", cm.exception.message)


class PortalPagesTestCase(unittest.TestCase):
    "The portal's pages through trytond's WSGI application"

    @classmethod
    def setUpClass(cls):
        # the data are committed: a database of its own, dropped after
        drop_db()
        activate_module(['food_aid_portal', 'food_aid_planning'])
        commit_data(DB_NAME, cls._setup_data, date=MONDAY)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @classmethod
    def _setup_data(cls):
        company, channel, products, users = setup_portal()
        first, second = users
        first.party.name = "Restos <script>alert(1)</script>"
        first.party.save()
        cls.products = [p.id for p in products]
        cls.emails = [u.email for u in users]
        with set_company(company):
            sale = second.portal_place_order(
                THURSDAY, {products[0].id: 1}, BEFORE_CUTOFF)
        cls.other_sale = sale.id
        SupplyPlan = Pool().get('food_aid.supply_plan')
        SupplyPlan.create([{
                    'name': "Printemps-été", 'company': company.id,
                    'date_start': SEASON_START, 'date_end': SEASON_END,
                    }])

    def setUp(self):
        self.client = Client(app)
        patcher = patch(
            'trytond.modules.food_aid_portal.routes.now',
            return_value=BEFORE_CUTOFF)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.base = f'/{DB_NAME}/portal'

    def token(self, path='/login'):
        response = self.client.get(self.base + path)
        match = re.search(
            r'name="csrf_token" value="([0-9a-f]+)"', response.text)
        return match.group(1)

    def login(self, email=None):
        response = self.client.post(self.base + '/login', data={
                'email': email or self.emails[0],
                'password': 'Portail-2026-secret',
                'csrf_token': self.token(),
                })
        self.assertEqual(response.status_code, 302)

    def sales(self):
        with Transaction().start(DB_NAME, 0, readonly=True):
            Sale = Pool().get('sale.sale')
            return sorted((s.id, s.party.name, tuple(sorted(
                            (l.product.id, l.quantity) for l in s.lines)))
                for s in Sale.search([]))

    def test_headers_and_escaping(self):
        "Pages carry the security headers and escape every value"
        response = self.client.get(self.base + '/login')
        self.assertEqual(response.status_code, 200)
        self.assertIn("frame-ancestors 'none'",
            response.headers['Content-Security-Policy'])
        self.assertEqual(response.headers['X-Frame-Options'], 'DENY')
        self.assertEqual(
            response.headers['X-Content-Type-Options'], 'nosniff')
        self.assertEqual(response.headers['Referrer-Policy'], 'same-origin')
        self.login()
        response = self.client.get(self.base + '/')
        self.assertEqual(response.status_code, 200)
        self.assertNotIn('<script>', response.text)
        self.assertIn('&lt;script&gt;', response.text)

    def test_login_refused(self):
        "A wrong password or a form without token does not log in"
        response = self.client.post(self.base + '/login', data={
                'email': self.emails[0], 'password': 'wrong',
                'csrf_token': self.token()})
        self.assertEqual(response.status_code, 400)
        response = self.client.post(self.base + '/login', data={
                'email': self.emails[0],
                'password': 'Portail-2026-secret'})
        self.assertEqual(response.status_code, 403)
        response = self.client.get(self.base + '/')
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.location.endswith('/portal/login'))

    def test_order_bad_input(self):
        "Forged, malformed or excessive orders change nothing"
        before = self.sales()
        self.login()
        token = self.token('/')
        quantity = f'quantity_{self.products[0]}'
        cases = [
            ({quantity: '3'}, 403),
            ({quantity: 'abc', 'csrf_token': token}, 400),
            ({quantity: '0', 'csrf_token': token}, 400),
            ({quantity: '-1', 'csrf_token': token}, 400),
            ({quantity: '1e9', 'csrf_token': token}, 400),
            ({quantity: 'nan', 'csrf_token': token}, 400),
            ({'quantity_999999': '1', 'csrf_token': token}, 400),
            ({'quantity_x': '1', 'csrf_token': token}, 400),
            ]
        for data, status in cases:
            with self.subTest(data=data):
                response = self.client.post(self.base + '/order', data=dict(
                        data, delivery_date=THURSDAY.isoformat()))
                self.assertEqual(response.status_code, status)
                self.assertEqual(self.sales(), before)
        # after the cut-off
        with patch('trytond.modules.food_aid_portal.routes.now',
                return_value=AFTER_CUTOFF):
            response = self.client.post(self.base + '/order', data={
                    quantity: '2', 'csrf_token': token,
                    'delivery_date': THURSDAY.isoformat()})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.sales(), before)

    def test_other_party_not_found(self):
        "Another party's order and invoice answer 404"
        self.login()
        response = self.client.get(
            self.base + f'/orders/{self.other_sale}')
        self.assertEqual(response.status_code, 404)
        response = self.client.get(
            self.base + f'/invoices/{self.other_sale}.pdf')
        self.assertEqual(response.status_code, 404)

    def test_order_and_logout(self):
        "The partner orders, sees its order and logs out"
        self.login()
        token = self.token('/')
        response = self.client.post(self.base + '/order', data={
                f'quantity_{self.products[1]}': '4,5',
                f'quantity_{self.products[2]}': '',
                'csrf_token': token,
                'delivery_date': THURSDAY.isoformat()})
        self.assertEqual(response.status_code, 302)
        mine = [s for s in self.sales() if s[1].startswith('Restos')]
        self.assertEqual(mine[-1][2], ((self.products[1], 4.5),))
        response = self.client.get(self.base + '/orders')
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'/orders/{mine[-1][0]}', response.text)
        self.assertNotIn(f'/orders/{self.other_sale}"', response.text)
        response = self.client.post(self.base + '/logout', data={
                'csrf_token': self.token('/')})
        self.assertEqual(response.status_code, 302)
        response = self.client.get(self.base + '/orders')
        self.assertEqual(response.status_code, 302)

    def test_session_expired(self):
        "An expired session sends the partner back to the login"
        self.login()
        self.assertEqual(self.client.get(self.base + '/').status_code, 200)
        with Transaction().start(DB_NAME, 0):
            Session = Pool().get('web.user.session')
            table = Session.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.create_date, table.write_date],
                    [dt.datetime(2000, 1, 1), dt.datetime(2000, 1, 1)]))
            Transaction().commit()
        response = self.client.get(self.base + '/')
        self.assertEqual(response.status_code, 302)

    def test_invited_partner_sets_password(self):
        "The invitation's link sets the password once"
        with Transaction().start(DB_NAME, 0):
            User = Pool().get('web.user')
            user, = User.search([('email', '=', self.emails[1])])
            user.set_reset_password_token()
            user.save()
            token = user.reset_password_token
            Transaction().commit()
        path = f'/password?email={self.emails[1]}&token={token}'
        data = {'email': self.emails[1], 'token': token,
            'password': 'Nouveau-2026-secret',
            'confirm': 'Nouveau-2026-secret'}
        response = self.client.post(self.base + '/password', data=data)
        self.assertEqual(response.status_code, 403)
        data['csrf_token'] = self.token(path)
        response = self.client.post(self.base + '/password', data=data)
        self.assertEqual(response.status_code, 200)
        response = self.client.post(self.base + '/password', data=data)
        self.assertEqual(response.status_code, 400)
        response = self.client.post(self.base + '/login', data={
                'email': self.emails[1], 'password': 'Nouveau-2026-secret',
                'csrf_token': self.token()})
        self.assertEqual(response.status_code, 302)

    def needs(self):
        with Transaction().start(DB_NAME, 0, readonly=True):
            Need = Pool().get('food_aid.need')
            return sorted((n.id, n.party.name, n.state, tuple(sorted(
                            (str(l.product.id) if l.product else l.food_family,
                                l.weekly_quantity) for l in n.lines)))
                for n in Need.search([]))

    def test_needs(self):
        "The organisation enters its needs; bad ones change nothing"
        self.login()
        response = self.client.get(self.base + '/')
        self.assertIn(f'href="{self.base}/needs"', response.text)
        response = self.client.get(self.base + '/needs')
        self.assertEqual(response.status_code, 200)
        self.assertIn("Season from 06/04/2026 to 27/09/2026", response.text)
        self.assertIn("Fruit and Vegetables", response.text)
        token = self.token('/needs')
        product = f'product_{self.products[0]}'
        cases = [
            ({product: '12'}, 403, None),
            ({product: 'abc'}, 400, "is not a quantity"),
            ({product: '0'}, 400, "greater than zero"),
            ({product: '-3'}, 400, "greater than zero"),
            ({'product_999999': '1'}, 400, "not in the list"),
            ({'product_x': '1'}, 400, "not in the list"),
            ({'family_POTAGER': '1'}, 400, "not in the list"),
            ({product: ''}, 400, "at least one product"),
            ]
        before = self.needs()
        for data, status, text in cases:
            with self.subTest(data=data):
                if status != 403:
                    data = dict(data, csrf_token=token)
                response = self.client.post(self.base + '/needs', data=data)
                self.assertEqual(response.status_code, status)
                if text:
                    self.assertIn(text, response.text)
                self.assertEqual(self.needs(), before)
        response = self.client.post(self.base + '/needs', data={
                product: '12,5', 'family_FRUITS_ET_LEGUMES': '40',
                f'product_{self.products[1]}': '', 'csrf_token': token})
        self.assertEqual(response.status_code, 302)
        (_, party, state, lines), = self.needs()
        self.assertTrue(party.startswith("Restos"))
        self.assertEqual(state, 'draft')
        self.assertEqual(lines,
            ((str(self.products[0]), 12.5), ('FRUITS_ET_LEGUMES', 40)))
        response = self.client.get(self.base + '/needs')
        self.assertIn('value="12.5"', response.text)
        self.assertIn("the platform will review", response.text)

        # the canteen has no needs page and sees none of the organisation's
        with Transaction().start(DB_NAME, 0) as transaction:
            User = Pool().get('web.user')
            canteen, = User.search([('email', '=', self.emails[1])])
            # whatever the invitation's test chose
            canteen.password = 'Portail-2026-secret'
            canteen.save()
            transaction.commit()
        self.client = Client(app)
        self.login(self.emails[1])
        response = self.client.get(self.base + '/')
        self.assertNotIn('/needs"', response.text)
        response = self.client.get(self.base + '/needs')
        self.assertEqual(response.status_code, 404)
        response = self.client.post(self.base + '/needs', data={
                product: '1', 'csrf_token': self.token('/')})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(len(self.needs()), 1)

    def test_catalogue_page_constant_queries(self):
        "The catalogue page takes as many queries for ten times the offers"
        self.login()

        def offer(count):
            "Offer twice count new products, in a committed transaction"
            with Transaction().start(DB_NAME, 0, context={'date': MONDAY}):
                pool = Pool()
                Template = pool.get('product.template')
                Product = pool.get('product.product')
                Offer = pool.get('food_aid.producer.offer')
                offer, = Offer.search([('product', '=', self.products[0])])
                with set_company(offer.company):
                    templates = Template.copy(
                        [offer.product.template] * count)
                    products = [t.products[0] for t in templates]
                    for product in products:
                        product.cost_price = D('3.00')
                    Product.save(products)
                    Offer.open(Offer.create([{
                                    'producer': offer.producer.id,
                                    'product': p.id,
                                    'date_start': MONDAY, 'date_end': SUNDAY,
                                    'quantity': 10, 'unit_price': D('1.50'),
                                    } for p in products for _ in range(2)]))
                Transaction().commit()

        def queries():
            self.client.get(self.base + '/')  # fill the caches of the models
            with count_queries() as counter:
                response = self.client.get(self.base + '/')
            self.assertEqual(response.status_code, 200)
            return counter['queries'], response.text.count('name="quantity_')

        # both measures read products written since the caches were filled
        # (Tryton reads their translated names again, once for all)
        offer(2)
        small = queries()
        offer(45)
        large = queries()
        self.assertEqual(small[1], 5)
        self.assertEqual(large[1], 50)
        self.assertEqual(large[0], small[0])

del ModuleTestCase
