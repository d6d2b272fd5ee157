# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import os
import unittest
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.food_aid.tests.tools import untranslated
from trytond.modules.food_aid_logistics.donation import french_amount
from trytond.modules.food_aid_logistics.exceptions import (
    CategoryValidationError, DonationError, LotRecalledError,
    LotValidationError, ReceptionError, RecallError, VehicleValidationError)
from trytond.modules.food_aid_reporting.tests.test_module import (
    count_queries)
from trytond.modules.stock_lot_sled.exceptions import (
    LotExpiredError as SledLotExpiredError, LotExpiredWarning)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

TODAY = dt.date(2026, 3, 2)


class FrenchAmountTestCase(unittest.TestCase):
    "The amounts spelt out on the tax receipts"

    def test_amounts(self):
        "Amounts in words follow the French rules"
        for amount, words in [
                ('1', "un euro"),
                ('12', "douze euros"),
                ('21', "vingt et un euros"),
                ('71', "soixante et onze euros"),
                ('80', "quatre-vingts euros"),
                ('91.5', "quatre-vingt-onze euros et cinquante centimes"),
                ('200', "deux cents euros"),
                ('1000', "mille euros"),
                ('2345.01', "deux mille trois cent quarante-cinq euros "
                    "et un centime"),
                ]:
            with self.subTest(amount=amount):
                self.assertEqual(french_amount(Decimal(amount)), words)


class FoodAidLogisticsTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid Logistics module"
    module = 'food_aid_logistics'

    @with_transaction()
    def test_french_translation_complete(self):
        "Every string of the module has its French translation"
        path = os.path.join(
            os.path.dirname(__file__), '..', 'locale', 'fr.po')
        missing = untranslated('food_aid_logistics', path)
        self.assertEqual(
            [f'{e.msgctxt} {e.msgid}' for e in missing], [])

    def _product(self, name="Carottes", uom='product.uom_kilogram'):
        pool = Pool()
        Template = pool.get('product.template')
        ModelData = pool.get('ir.model.data')
        Uom = pool.get('product.uom')
        unit = Uom(ModelData.get_id(*uom.split('.')))
        template = Template(
            name=name, type='goods', default_uom=unit,
            list_price=Decimal('2.4000'), products=[{}])
        template.save()
        product, = template.products
        return product

    @with_transaction()
    def test_lot_harvest_after_reception(self):
        "A lot harvested after its reception is refused"
        pool = Pool()
        Lot = pool.get('stock.lot')
        company = create_company()
        with set_company(company):
            product = self._product()
            lot = Lot(
                number='L1', product=product, harvest_date=TODAY,
                reception_date=TODAY - dt.timedelta(days=1))
            with self.assertRaisesRegex(LotValidationError, 'harvest date'):
                lot.save()
            lot.harvest_date = TODAY - dt.timedelta(days=1)
            lot.save()
            self.assertTrue(lot.id)

    @with_transaction()
    def test_vehicle_capacity_positive(self):
        "A vehicle carries a positive weight"
        pool = Pool()
        Vehicle = pool.get('food_aid.vehicle')
        company = create_company()
        with set_company(company):
            for capacity in [0, -10]:
                vehicle = Vehicle(name="Fourgon", capacity_kg=capacity)
                with self.assertRaisesRegex(
                        VehicleValidationError, 'greater than zero'):
                    vehicle.save()
            vehicle = Vehicle(name="Fourgon", capacity_kg=800)
            vehicle.save()
            self.assertFalse(vehicle.refrigerated)

    @with_transaction()
    def test_fefo_order(self):
        "The lots that expire first come first, expired lots never"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Date = pool.get('ir.date')
        today = Date.today()
        company = create_company()
        with set_company(company):
            product = self._product()
        late, early, expired, undated = Lot.create([{
                    'number': 'LATE', 'product': product.id,
                    'shelf_life_expiration_date': today + dt.timedelta(9),
                    }, {
                    'number': 'EARLY', 'product': product.id,
                    'expiration_date': today + dt.timedelta(2),
                    'shelf_life_expiration_date': today + dt.timedelta(20),
                    }, {
                    'number': 'EXPIRED', 'product': product.id,
                    'shelf_life_expiration_date': today - dt.timedelta(1),
                    }, {
                    'number': 'UNDATED', 'product': product.id,
                    }])
        move = Move(product=product, planned_date=today)
        quantities = [((1, product.id, lot.id), 10.) for lot in [
                undated, late, expired, early]]
        ordered = move.sort_quantities(
            quantities, [type('L', (), {'id': 1})()], ('product', 'lot'))
        self.assertEqual(
            [k[2] for k, _ in ordered], [early.id, late.id, undated.id])
        self.assertEqual(early.expiry_date, today + dt.timedelta(2))
        self.assertEqual(expired.days_left, -1)

    def _stock_lots(self, company, product, expiry_dates):
        "Put 10 units of a new lot per expiry date in storage"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        lost_found, = Location.search([('type', '=', 'lost_found')])
        storage, = Location.search([('code', '=', 'STO')])
        lots = Lot.create([{
                    'number': f'L{i}', 'product': product.id,
                    'shelf_life_expiration_date': date,
                    } for i, date in enumerate(expiry_dates)])
        moves = Move.create([{
                    'product': product.id, 'unit': product.default_uom.id,
                    'quantity': 10, 'lot': lot.id,
                    'from_location': lost_found.id,
                    'to_location': storage.id,
                    'effective_date': TODAY, 'company': company.id,
                    } for lot in lots])
        Move.do(moves)
        return lots

    def _outgoing_move(self, company, product, quantity, lot=None):
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        storage, = Location.search([('code', '=', 'STO')])
        customer, = Location.search([('code', '=', 'CUS')])
        move, = Move.create([{
                    'product': product.id, 'unit': product.default_uom.id,
                    'quantity': quantity, 'lot': lot.id if lot else None,
                    'from_location': storage.id, 'to_location': customer.id,
                    'unit_price': Decimal('2.4000'),
                    'currency': company.currency.id,
                    'company': company.id,
                    }])
        return move

    @with_transaction()
    def test_fefo_constant_queries(self):
        "FEFO picks in as many queries for 3 lots in stock as for 30"
        pool = Pool()
        Move = pool.get('stock.move')
        Date = pool.get('ir.date')
        today = Date.today()
        company = create_company()

        def assign(count):
            product = self._product(name=f"Carottes {count}")
            # lots received and gone count for nothing
            gone = self._stock_lots(
                company, product, [today + dt.timedelta(1)] * count)
            for lot in gone:
                Move.do([self._outgoing_move(company, product, 10, lot)])
            lots = self._stock_lots(company, product, [
                    today + dt.timedelta(days=count - i)
                    for i in range(count)])
            Move.assign_try([self._outgoing_move(company, product, 1)])
            move = self._outgoing_move(company, product, 12)
            with count_queries() as counter:
                self.assertTrue(Move.assign_try([move]))
            picked = Move.search([
                    ('product', '=', product.id),
                    ('state', '=', 'assigned'),
                    ], order=[('quantity', 'ASC')])
            # the last lot expires first: 1 and 9 of it, then 3 of the next
            self.assertEqual(
                [(m.lot, m.quantity) for m in picked],
                [(lots[-1], 1), (lots[-2], 3), (lots[-1], 9)])
            return counter['queries']

        # the moves of this test come from no sale
        with set_company(company), \
                Transaction().set_context(_skip_warnings=True):
            self.assertEqual(assign(3), assign(30))

    @with_transaction()
    def test_expired_lot_not_shipped(self):
        "stock_lot_sled refuses an expired lot, warns its force group"
        pool = Pool()
        Warning = pool.get('res.user.warning')
        Move = pool.get('stock.move')
        Date = pool.get('ir.date')
        Lot = pool.get('stock.lot')
        today = Date.today()
        company = create_company()
        with set_company(company):
            product = self._product()
            shelf_expired, = self._stock_lots(
                company, product, [today - dt.timedelta(1)])
            expired, = self._stock_lots(company, product, [None])
            # the expiration date counts as well as the shelf life
            Lot.write([expired], {
                    'expiration_date': today - dt.timedelta(1)})
            user = self._user(
                company, 'food_aid.group_food_aid_warehouse',
                'stock.group_stock')
            forcing = self._user(
                company, 'stock.group_stock',
                'stock_lot_sled.group_stock_force_expiration')
            fresh, = self._stock_lots(
                company, product, [today + dt.timedelta(1)])
            move = self._outgoing_move(company, product, 1, fresh)
            with Transaction().set_user(user.id), \
                    Transaction().set_context(_skip_warnings=True):
                Move.do([move])
            self.assertEqual(move.state, 'done')
            for lot in [shelf_expired, expired]:
                move = self._outgoing_move(company, product, 1, lot)
                # even skipping the warnings the staff is refused
                with Transaction().set_user(user.id), \
                        Transaction().set_context(_skip_warnings=True):
                    with self.assertRaisesRegex(
                            SledLotExpiredError, 'has expired'):
                        Move.do([move])
                # the failed call is rolled back in the client, not here
                move = self._outgoing_move(company, product, 1, lot)
                # the move of this test comes from no sale
                Warning.create([{
                            'user': forcing.id,
                            'name': Warning.format('done', [move]),
                            }])
                with Transaction().set_user(forcing.id):
                    with self.assertRaises(LotExpiredWarning):
                        Move.do([move])
                    move = self._outgoing_move(company, product, 1, lot)
                    with Transaction().set_context(_skip_warnings=True):
                        Move.do([move])
                self.assertEqual(move.state, 'done')

    @with_transaction()
    def test_unit_weight_migrated(self):
        "The weight per unit of earlier databases becomes the measurements'"
        pool = Pool()
        Template = pool.get('product.template')
        ModelData = pool.get('ir.model.data')
        Uom = pool.get('product.uom')
        company = create_company()
        with set_company(company):
            salad = self._product("Salade", uom='product.uom_unit').template
        table_h = Template.__table_handler__('food_aid_logistics')
        table_h.add_column('unit_weight', Template.weight.sql_type().base)
        table = Template.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.unit_weight], [0.4], where=table.id == salad.id))
        Template.__register__('food_aid_logistics')
        self.assertFalse(table_h.column_exist('unit_weight'))
        salad = Template(salad.id)
        self.assertEqual(salad.weight, 0.4)
        self.assertEqual(salad.weight_uom, Uom(
                ModelData.get_id('product', 'uom_kilogram')))
        self.assertEqual(salad.weight_in_kg(10, salad.default_uom), 4)

    @with_transaction()
    def test_reception_lot_sequence(self):
        "Reception lots take the product's lot sequence, required"
        pool = Pool()
        Shipment = pool.get('stock.shipment.in')
        Move = pool.get('stock.move')
        Template = pool.get('product.template')
        Date = pool.get('ir.date')
        today = Date.today()
        company = create_company()
        with set_company(company):
            shipment = self._reception(company)
            move, = shipment.incoming_moves
            sequence = move.product.lot_sequence
            self.assertTrue(sequence)
            Template.write([move.product.template], {
                    'lot_sequence': None,
                    'shelf_life_state': 'optional',
                    'shelf_life_time': 10,
                    })
            with self.assertRaisesRegex(ReceptionError, 'lot sequence'):
                Shipment.create_lots([shipment])
            self.assertFalse(Move(move.id).lot)
            Template.write([move.product.template], {
                    'lot_sequence': sequence.id})
            Move.write([move], {'harvest_date': today - dt.timedelta(3)})
            Shipment.create_lots([shipment])
            lot = Move(move.id).lot
            self.assertRegex(lot.number, rf'^L{today.year}-\d{{5}}$')
            self.assertEqual(lot.producer, shipment.supplier)
            self.assertEqual(lot.reception_date, today)
            # the shelf life runs from the harvest
            self.assertEqual(
                lot.shelf_life_expiration_date, today + dt.timedelta(7))

    def _incoming_move(self, company, product, quantity):
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        supplier, = Location.search([('code', '=', 'SUP')])
        storage, = Location.search([('code', '=', 'STO')])
        move = Move(
            product=product, unit=product.default_uom, quantity=quantity,
            from_location=supplier, to_location=storage,
            unit_price=Decimal('1.3000'), currency=company.currency,
            effective_date=TODAY, company=company)
        move.save()
        return move

    @with_transaction()
    def test_refuse_bad_input(self):
        "A line is refused once, with a reason, before it is received"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company), \
                Transaction().set_context(_skip_warnings=True):
            product = self._product()
            move = self._incoming_move(company, product, 12)
            with self.assertRaisesRegex(ReceptionError, 'reason'):
                Move.refuse([move])
            self.assertFalse(move.refused)
            move.refusal_reason = 'quality'
            move.save()
            Move.refuse([move])
            self.assertTrue(move.refused)
            with self.assertRaisesRegex(ReceptionError, 'no longer'):
                Move.refuse([move])
            received = self._incoming_move(company, product, 5)
            received.refusal_reason = 'quality'
            received.save()
            Move.do([received])
            with self.assertRaisesRegex(ReceptionError, 'no longer'):
                Move.refuse([received])
            self.assertFalse(received.refused)
            self.assertEqual(received.state, 'done')

    @with_transaction()
    def test_reception_tolerance_range(self):
        "A reception tolerance is between 0 and 100 %"
        pool = Pool()
        Category = pool.get('product.category')
        for tolerance in [-0.01, 1.01, 10]:
            category = Category(name="Frais", reception_tolerance=tolerance)
            with self.assertRaisesRegex(
                    CategoryValidationError, 'between 0 % and 100 %'):
                category.save()
        for tolerance in [0, 0.1, 1, None]:
            category = Category(name="Frais", reception_tolerance=tolerance)
            category.save()

    @with_transaction()
    def test_recall_blocks_lot(self):
        "A recalled lot is not shipped, repacked nor recalled twice"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        Recall = pool.get('food_aid.recall')
        company = create_company()
        with set_company(company), \
                Transaction().set_context(_skip_warnings=True):
            product = self._product()
            lot = Lot(number='L1', product=product)
            lot.save()
            move = self._incoming_move(company, product, 10)
            move.lot = lot
            move.save()
            Move.do([move])
            recall = Recall(lot=lot, reason="Listeria")
            recall.save()
            with self.assertRaisesRegex(RecallError, 'already recalled'):
                Recall(lot=lot, reason="Encore").save()
            storage, = Location.search([('code', '=', 'STO')])
            for code in ['CUS', 'PROD']:
                to_location, = Location.search([('code', '=', code)])
                out = Move(
                    product=product, unit=product.default_uom, quantity=2,
                    lot=lot, from_location=storage, to_location=to_location,
                    company=company)
                if out.on_change_with_unit_price_required():
                    out.unit_price = Decimal('2.4000')
                    out.currency = company.currency
                out.save()
                with self.assertRaisesRegex(LotRecalledError, 'recalled'):
                    Move.assign([out])
                with self.assertRaisesRegex(LotRecalledError, 'recalled'):
                    Move.do([out])
                self.assertEqual(out.state, 'draft')
            # FEFO never picks the recalled lot
            picker = Move(product=product, planned_date=TODAY)
            ordered = picker.sort_quantities(
                [((storage.id, product.id, lot.id), 10.)], [storage],
                ('product', 'lot'))
            self.assertEqual(ordered, [])
            Recall.trace([recall])
            Recall.quarantine([recall])
            self.assertEqual(recall.quarantined_quantity, 10)
            with self.assertRaisesRegex(RecallError, 'destroyed or returned'):
                Recall.close([recall])
            recall.outcome = 'destroyed'
            recall.save()
            Recall.close([recall])
            self.assertEqual(recall.state, 'closed')
            self.assertEqual(recall.destroyed_quantity, 10)
            with Transaction().set_context(locations=[storage.id]):
                self.assertEqual(Lot(lot.id).quantity, 0)

    def _donation(self, company, **line_values):
        pool = Pool()
        Donation = pool.get('food_aid.donation')
        Party = pool.get('party.party')
        donor = Party(name="Biocoop")
        donor.save()
        donation = Donation(donor=donor, date=TODAY)
        if line_values:
            donation.lines = [dict(product=self._product(), **line_values)]
        donation.save()
        return donation

    @with_transaction()
    def test_donation_bad_input(self):
        "A donation without lines, quantity or value is not received"
        pool = Pool()
        Donation = pool.get('food_aid.donation')
        company = create_company()
        with set_company(company):
            for values, message in [
                    ({'quantity': 0, 'unit_value': Decimal(1)},
                        'greater than zero'),
                    ({'quantity': 5}, "donor's cost price"),
                    ({'quantity': 5, 'unit_value': Decimal(0)},
                        "donor's cost price"),
                    ]:
                donation = self._donation(company, **values)
                with self.assertRaisesRegex(DonationError, message):
                    Donation.receive([donation])
                self.assertEqual(donation.state, 'draft')
                self.assertFalse(donation.receipt_number)
            donation = self._donation(company)
            with self.assertRaisesRegex(DonationError, 'add what was given'):
                Donation.receive([donation])

    @with_transaction()
    def test_donation_deleted_once_cancelled(self):
        "A donation is deleted once cancelled only; the error names it"
        pool = Pool()
        Donation = pool.get('food_aid.donation')
        company = create_company()
        with set_company(company):
            donation = self._donation(
                company, quantity=10, unit_value=Decimal(1))
            with self.assertRaisesRegex(AccessError, 'you must cancel it'):
                Donation.delete([donation])
            self.assertTrue(Donation.search([('id', '=', donation.id)]))
            Donation.cancel([donation])
            Donation.delete([donation])
            self.assertFalse(Donation.search([('id', '=', donation.id)]))

    @with_transaction()
    def test_donation_received(self):
        "A donation enters the stock with a lot and a receipt number"
        pool = Pool()
        Donation = pool.get('food_aid.donation')
        company = create_company()
        with set_company(company):
            donation = self._donation(
                company, quantity=10, unit_value=Decimal('1.2346'))
            Donation.receive([donation])
            self.assertEqual(donation.state, 'received')
            self.assertEqual(donation.total_value, Decimal('12.35'))
            self.assertTrue(donation.receipt_number)
            line, = donation.lines
            self.assertEqual(line.move.state, 'done')
            self.assertEqual(line.lot.producer, donation.donor)
            self.assertEqual(line.lot.reception_date, TODAY)

    def _user(self, company, *groups):
        "Create a user of the company in the groups"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{
                    'name': ' '.join(groups), 'login': '-'.join(groups),
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [
                                ModelData.get_id(*g.split('.'))
                                for g in groups])],
                    }])
        return user

    def _reception(self, company):
        "Create a draft reception of 12 kg of carrots bought at 1.50"
        pool = Pool()
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        Party = pool.get('party.party')
        Shipment = pool.get('stock.shipment.in')
        producer = Party(name="Jardin de Cocagne")
        producer.save()
        product = self._product()
        warehouse, = Location.search([('code', '=', 'WH')])
        shipment = Shipment(
            company=company, supplier=producer, warehouse=warehouse,
            planned_date=TODAY)
        shipment.on_change_warehouse()
        shipment.save()
        Move.create([{
                    'shipment': str(shipment),
                    'product': product.id, 'unit': product.default_uom.id,
                    'quantity': 12,
                    'from_location': shipment.supplier_location.id,
                    'to_location': shipment.warehouse_input.id,
                    'unit_price': Decimal('1.5000'),
                    'currency': company.currency.id,
                    'company': company.id,
                    }])
        shipment = Shipment(shipment.id)
        return shipment

    def _move_views(self):
        "Return the fields of the stock move views the warehouse opens"
        pool = Pool()
        Move = pool.get('stock.move')
        ModelData = pool.get('ir.model.data')
        views = {}
        for module, name in [
                ('stock', 'move_view_form'),
                ('food_aid_logistics', 'reception_move_view_list'),
                ('food_aid_logistics', 'loss_view_list'),
                ]:
            view = Move.fields_view_get(ModelData.get_id(module, name))
            views[name] = set(view['fields'])
        return views

    @with_transaction()
    def test_access_warehouse_prices(self):
        "The warehouse receives and records losses without seeing prices"
        pool = Pool()
        Move = pool.get('stock.move')
        Shipment = pool.get('stock.shipment.in')
        Loss = pool.get('food_aid.loss.record', type='wizard')
        company = create_company()
        with set_company(company):
            shipment = self._reception(company)
            move, = shipment.incoming_moves
            user = self._user(
                company, 'food_aid.group_food_aid_warehouse',
                'stock.group_stock')
            transaction = Transaction()
            with transaction.set_user(user.id), \
                    transaction.set_context(_check_access=True):
                views = self._move_views()
                for name, fields in views.items():
                    with self.subTest(view=name):
                        self.assertNotIn('unit_price', fields)
                        self.assertIn('quantity', fields)
                        self.assertIn('product', fields)
                self.assertIn('lot', views['reception_move_view_list'])
                self.assertIn('loss_value', views['loss_view_list'])
                Shipment.fields_view_get(Pool().get('ir.model.data').get_id(
                        'food_aid_logistics', 'reception_view_form'))
                for name in ['unit_price', 'unit_price_company']:
                    with self.assertRaises(AccessError):
                        Move.read([move.id], [name])

                Move.write([move], {'quantity': 11.5})
                Shipment.create_lots([shipment])
                # the moves of this test come from no purchase
                with transaction.set_context(_skip_warnings=True):
                    Shipment.receive([shipment])
                Shipment.do([shipment])
                move, = Shipment(shipment.id).inventory_moves
                self.assertEqual(move.state, 'done')
                self.assertEqual(move.lot.producer, shipment.supplier)

                # as its RPC does, the wizard checks its own access only
                with transaction.set_context(_check_access=False):
                    session_id, _, _ = Loss.create()
                    Loss.execute(session_id, {
                            'start': {
                                'company': company.id,
                                'lot': move.lot.id,
                                'location': move.to_location.id,
                                'quantity': 2.,
                                'reason': 'spoiled',
                                },
                            }, 'save_loss')
                loss, = Move.search([('loss_reason', '=', 'spoiled')])
                self.assertEqual(
                    Move.read([loss.id], ['state', 'loss_value'])[0],
                    {'id': loss.id, 'state': 'done',
                        'loss_value': loss.loss_value})

    @with_transaction()
    def test_access_manager_prices(self):
        "Managers read the prices of the stock moves"
        pool = Pool()
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            shipment = self._reception(company)
            move, = shipment.incoming_moves
            user = self._user(
                company, 'food_aid.group_food_aid_manager',
                'stock.group_stock')
            transaction = Transaction()
            with transaction.set_user(user.id), \
                    transaction.set_context(_check_access=True):
                views = self._move_views()
                self.assertIn('unit_price', views['move_view_form'])
                self.assertEqual(
                    Move.read([move.id], ['unit_price'])[0]['unit_price'],
                    Decimal('1.5000'))
