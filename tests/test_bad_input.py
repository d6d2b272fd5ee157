# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Bad input gets a clear, translated error and changes nothing: the offer
import's files as a French PC saves them or worse, records missing a required
field, quantities that are not positive."""
import datetime as dt
import importlib.util
import pathlib
import unittest
from decimal import Decimal

from trytond.model.exceptions import (
    DomainValidationError, RequiredValidationError)
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

_spec = importlib.util.spec_from_file_location(
    'test_access', pathlib.Path(__file__).with_name('test_access.py'))
test_access = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(test_access)

HEADER = 'producer;product;date_start;date_end;quantity;unit_price\n'


class BadInputTestCase(unittest.TestCase):
    "Bad input is refused cleanly"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(test_access.project_modules())

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def setup_producer(self, company):
        pool = Pool()
        Party = pool.get('party.party')
        Uom = pool.get('product.uom')
        Template = pool.get('product.template')
        Group = pool.get('food_aid.producer.group')
        kg, = Uom.search([('symbol', '=', 'kg')])
        producer, = Party.create([{
                    'name': "Ferme de l'Étang", 'is_producer': True}])
        Template.create([{
                    'name': "Épinards", 'type': 'goods', 'code': 'EPI',
                    'default_uom': kg.id, 'purchasable': True,
                    'purchase_uom': kg.id,
                    'products': [('create', [{}])],
                    }])
        Group.create([{
                    'name': "Producteurs", 'company': company.id,
                    'members': [('create', [{
                                    'producer': producer.id,
                                    'priority': 1}])],
                    }])
        return producer

    def import_offers(self, company, content):
        pool = Pool()
        OfferImport = pool.get(
            'food_aid.producer.offer.import', type='wizard')
        return OfferImport.read_offers(company.id, content)

    @with_transaction()
    def test_offer_import_french_encodings(self):
        "A file saved in Windows-1252 or Latin-1 is read correctly"
        company = create_company()
        with set_company(company):
            self.setup_producer(company)
            text = HEADER + (
                "Ferme de l'Étang;EPI;2026-12-07;2026-12-11;12,5;2,40\n")
            for encoding in ['cp1252', 'latin-1', 'utf-8']:
                offers, = self.import_offers(company, text.encode(encoding))
                self.assertEqual(offers['quantity'], 12.5)
                self.assertEqual(offers['unit_price'], Decimal('2.4000'))

    @with_transaction()
    def test_offer_import_refusals(self):
        "Binary, huge numbers, huge cells and files are refused clearly"
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        company = create_company()
        row = "Ferme de l'Étang;EPI;2026-12-07;2026-12-11;%s;2,40\n"
        cases = [
            (b'PK\x03\x04\x00\x00binary', 'not a text CSV file'),
            (HEADER.encode() + b'\x81\x8d\x8f;\x90\x9d\n',
                'neither in UTF-8 nor in Windows-1252'),
            ((HEADER + row % '1e400').encode(), 'out of range'),
            ((HEADER + row % ('9' * 400)).encode(), 'out of range'),
            ((HEADER + row % ('x' * 200 * 1024)).encode(), 'Line 2'),
            ((HEADER + row % '3' * 100000).encode(), 'more than 10000'),
            ]
        with set_company(company):
            self.setup_producer(company)
            for content, message in cases:
                with self.subTest(message=message):
                    with self.assertRaisesRegex(Exception, message) as cm:
                        self.import_offers(company, content)
                    self.assertEqual(
                        type(cm.exception).__name__, 'OfferImportError')
                    self.assertLess(
                        len(str(cm.exception)) + len(
                            str(getattr(cm.exception, 'description', ''))),
                        2000)
            self.assertEqual(Offer.search([], count=True), 0)

    @with_transaction()
    def test_required_fields(self):
        "A record without a required field gets Tryton's own error"
        pool = Pool()
        company = create_company()
        today = dt.date.today()
        Location = pool.get('stock.location')
        warehouse, = Location.search([('type', '=', 'warehouse')], limit=1)
        with set_company(company):
            producer = self.setup_producer(company)
            for model, values in [
                    ('food_aid.delivery.round', {
                            'company': company.id, 'date': today,
                            'warehouse': warehouse.id}),
                    ('food_aid.grant.claim', {
                            'company': company.id, 'date_start': today,
                            'date_end': today}),
                    ('food_aid.producer.offer', {
                            'company': company.id, 'producer': producer.id,
                            'quantity': 5, 'date_start': today,
                            'date_end': today}),
                    ]:
                Model = pool.get(model)
                cursor = Transaction().connection.cursor()
                # PostgreSQL refuses the NULL itself: go on after it
                cursor.execute('SAVEPOINT required_field')
                with self.subTest(model=model):
                    with self.assertRaises(RequiredValidationError):
                        Model.create([values])
                cursor.execute('ROLLBACK TO SAVEPOINT required_field')

    @with_transaction()
    def test_quantities_not_positive(self):
        "Allocation and donation lines of zero or negative quantity"
        pool = Pool()
        Allocation = pool.get('food_aid.allocation')
        Donation = pool.get('food_aid.donation')
        Product = pool.get('product.product')
        Location = pool.get('stock.location')
        company = create_company()
        today = dt.date.today()
        warehouse, = Location.search([('type', '=', 'warehouse')], limit=1)
        with set_company(company):
            producer = self.setup_producer(company)
            product, = Product.search([('code', '=', 'EPI')])
            for quantity in [0, -2.5]:
                with self.subTest(quantity=quantity):
                    with self.assertRaises(DomainValidationError):
                        Allocation.create([{
                                    'company': company.id,
                                    'warehouse': warehouse.id,
                                    'date_start': today, 'date_end': today,
                                    'lines': [('create', [{
                                                    'product': product.id,
                                                    'producer': producer.id,
                                                    'quantity': quantity,
                                                    'unit_price': Decimal(1),
                                                    }])],
                                    }])
                    if quantity == 0:
                        # a draft donation may still wait for its weight
                        continue
                    with self.assertRaises(DomainValidationError):
                        Donation.create([{
                                    'company': company.id, 'date': today,
                                    'donor': producer.id,
                                    'donor_kind': 'company',
                                    'warehouse': warehouse.id,
                                    'lines': [('create', [{
                                                    'product': product.id,
                                                    'quantity': quantity,
                                                    }])],
                                    }])
