# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import os
import unittest
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.food_aid.tests.tools import document_format, untranslated
from trytond.modules.food_aid_producer.allocation import Supply, allocate
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

D = Decimal
MONDAY = dt.date(2026, 3, 2)
SUNDAY = dt.date(2026, 3, 8)


class AllocateTestCase(unittest.TestCase):
    "The allocation arithmetic on cases computed by hand"

    def test_proportional_with_remainders(self):
        "10 units offered 5/3/2 for a demand of 7: shares 3.5/2.1/1.4"
        result = allocate(7, [
                Supply('a', 5), Supply('b', 3), Supply('c', 2)])
        # floors 3/2/1 leave 1 unit, to the largest remainder (a: .5)
        self.assertEqual(result, {'a': D(4), 'b': D(2), 'c': D(1)})

    def test_equal_remainders_tie_break(self):
        "Equal offers and remainders: the units left go by key"
        result = allocate(2, [
                Supply('c', 3), Supply('a', 3), Supply('b', 3)])
        self.assertEqual(result, {'a': D(1), 'b': D(1), 'c': D(0)})

    def test_tie_break_prefers_larger_offer(self):
        "At equal remainder the larger offer gets the unit left"
        # shares 4*3/6=2 r0 for x? no: 1*3/6 r3, 2*3/6 r0, 3*3/6 r3
        result = allocate(3, [
                Supply('x', 1), Supply('y', 2), Supply('z', 3)])
        self.assertEqual(result, {'x': D(0), 'y': D(1), 'z': D(2)})

    def test_tiers(self):
        "The first tier is served in full before the second shares the rest"
        result = allocate(100, [
                Supply('garden', 40, priority=1),
                Supply('farm', 60, priority=2),
                Supply('coop', 20, priority=2),
                ])
        # 60 left for the second tier: 45 and 15
        self.assertEqual(
            result, {'garden': D(40), 'farm': D(45), 'coop': D(15)})

    def test_first_tier_larger_than_demand(self):
        "The second tier gets nothing when the first covers the demand"
        result = allocate(30, [
                Supply('garden', 40, priority=1),
                Supply('farm', 60, priority=2),
                ])
        self.assertEqual(result, {'garden': D(30), 'farm': D(0)})

    def test_offers_smaller_than_share(self):
        "Offers below the demand are all served in full"
        result = allocate(50, [Supply('a', 10), Supply('b', 15)])
        self.assertEqual(result, {'a': D(10), 'b': D(15)})

    def test_zero_supply(self):
        "Without offers nothing is allocated"
        self.assertEqual(allocate(50, []), {})
        self.assertEqual(allocate(50, [Supply('a', 0)]), {'a': D(0)})

    def test_zero_demand(self):
        "A demand fully in stock allocates nothing"
        result = allocate(0, [Supply('a', 10), Supply('b', 5)])
        self.assertEqual(result, {'a': D(0), 'b': D(0)})

    def test_kilogram_rounding(self):
        "In kg rounded to 0.1, 10 kg between 3 equal offers"
        result = allocate(
            D('10'), [Supply(1, 7.5), Supply(2, 7.5), Supply(3, 7.5)],
            rounding=0.1)
        self.assertEqual(result, {1: D('3.4'), 2: D('3.3'), 3: D('3.3')})
        self.assertEqual(sum(result.values()), D('10'))

    def test_kilogram_rounding_floor_offer(self):
        "An offer is never rounded above what was offered"
        result = allocate(
            D('100'), [Supply(1, 12.34), Supply(2, 0.05)], rounding=0.1)
        self.assertEqual(result, {1: D('12.3'), 2: D('0.0')})

    def test_pieces(self):
        "In pieces, 7 lettuces between offers of 4 and 4"
        result = allocate(7, [Supply(1, 4), Supply(2, 4)], rounding=1)
        self.assertEqual(result, {1: D(4), 2: D(3)})

    def test_priority(self):
        "Priority strategy: tiers then first offered first served"
        result = allocate(50, [
                Supply('late', 40, priority=2, date=dt.date(2026, 3, 3)),
                Supply('early', 40, priority=2, date=dt.date(2026, 3, 2)),
                Supply('garden', 20, priority=1, date=dt.date(2026, 3, 4)),
                ], strategy='priority')
        self.assertEqual(
            result, {'garden': D(20), 'early': D(30), 'late': D(0)})

    def test_lowest_price(self):
        "Lowest price strategy: the cheapest offers first"
        result = allocate(50, [
                Supply('garden', 40, priority=1, unit_price=D('2.0')),
                Supply('farm', 40, priority=2, unit_price=D('1.5')),
                ], strategy='lowest_price')
        self.assertEqual(result, {'farm': D(40), 'garden': D(10)})


supplies = st.lists(
    st.builds(
        Supply,
        key=st.integers(0, 10 ** 6),
        quantity=st.decimals(
            min_value=0, max_value=1000, places=2),
        priority=st.integers(1, 3),
        date=st.dates(dt.date(2026, 1, 1), dt.date(2026, 1, 7)),
        unit_price=st.decimals(min_value='0.5', max_value=5, places=2)),
    max_size=8, unique_by=lambda s: s.key)


class AllocatePropertyTestCase(unittest.TestCase):
    "The allocation invariants on random offers and demands"

    @settings(max_examples=300, deadline=None)
    @given(
        demand=st.decimals(min_value=0, max_value=3000, places=2),
        supplies=supplies,
        strategy=st.sampled_from(['fair_share', 'priority', 'lowest_price']),
        rounding=st.sampled_from([D('1'), D('0.1'), D('0.01')]),
        data=st.data())
    def test_invariants(self, demand, supplies, strategy, rounding, data):
        result = allocate(demand, supplies, strategy, rounding)
        offered = {s.key: s.quantity for s in supplies}
        self.assertEqual(set(result), set(offered))
        for key, quantity in result.items():
            self.assertGreaterEqual(quantity, 0)
            self.assertLessEqual(quantity, offered[key])
            self.assertEqual(quantity % rounding, 0)
        total = sum(result.values(), D(0))
        self.assertLessEqual(total, demand)
        # all that can be given in whole units is given
        floor = sum(
            (q // rounding) * rounding for q in offered.values())
        self.assertEqual(
            total, min((demand // rounding) * rounding, floor))
        # deterministic, whatever the order of the offers
        shuffled = data.draw(st.permutations(supplies))
        self.assertEqual(
            allocate(demand, shuffled, strategy, rounding), result)

    @settings(max_examples=200, deadline=None)
    @given(
        demand=st.integers(0, 500),
        quantities=st.lists(st.integers(0, 200), min_size=1, max_size=6))
    def test_fair_share_is_proportional(self, demand, quantities):
        "Inside one tier no producer is more than one unit off its share"
        supplies = [Supply(i, q) for i, q in enumerate(quantities)]
        result = allocate(demand, supplies)
        offered = sum(quantities)
        if offered <= demand:
            return
        for i, quantity in enumerate(quantities):
            share = D(quantity * demand) / offered
            self.assertLess(abs(result[i] - share), 1)


class AllocatePackingTestCase(unittest.TestCase):
    "Allocations a farmer can deliver: minimum and packing multiple"

    def test_crates(self):
        "Courgettes in 5 kg crates: whole crates, the rest is short"
        result = allocate(23, [Supply('a', 40), Supply('b', 40)],
            rounding=D('0.01'), multiple=5)
        self.assertEqual(result, {'a': D('10'), 'b': D('10')})

    def test_boxes(self):
        "Eggs in boxes of 10"
        result = allocate(35, [Supply('a', 14), Supply('b', 30)],
            rounding=1, multiple=10)
        self.assertEqual(result, {'a': D('10'), 'b': D('20')})

    def test_minimum_goes_to_next_producer(self):
        "A share below the minimum goes to the next producer"
        result = allocate(20, [Supply('a', 100), Supply('b', 5)],
            rounding=D('0.01'), minimum=10)
        self.assertEqual(result, {'a': D('20'), 'b': D('0')})

    def test_minimum_shortfall(self):
        "A demand below the minimum is not allocated"
        result = allocate(4, [Supply('a', 100)], rounding=1, minimum=5)
        self.assertEqual(result, {'a': D('0')})

    def test_minimum_priority(self):
        "Priority: a remainder below the minimum stays short"
        result = allocate(22, [
                Supply('a', 20, priority=1), Supply('b', 50, priority=2)],
            strategy='priority', rounding=1, minimum=5)
        self.assertEqual(result, {'a': D('20'), 'b': D('0')})

    def test_minimum_rounded_up_to_multiple(self):
        "A minimum of 7 kg in 5 kg crates is two crates"
        result = allocate(30, [Supply('a', 100), Supply('b', 8)],
            rounding=1, minimum=7, multiple=5)
        self.assertEqual(result, {'a': D('30'), 'b': D('0')})

    @settings(max_examples=300, deadline=None)
    @given(
        demand=st.decimals(min_value=0, max_value=3000, places=2),
        supplies=supplies,
        strategy=st.sampled_from(['fair_share', 'priority', 'lowest_price']),
        rounding=st.sampled_from([D('1'), D('0.1'), D('0.01')]),
        minimum=st.one_of(st.none(), st.sampled_from(
                [D('1'), D('2.5'), D('10'), D('50')])),
        multiple=st.one_of(st.none(), st.sampled_from(
                [D('1'), D('5'), D('10')])),
        data=st.data())
    def test_invariants(
            self, demand, supplies, strategy, rounding, minimum, multiple,
            data):
        result = allocate(
            demand, supplies, strategy, rounding,
            minimum=minimum, multiple=multiple)
        offered = {s.key: s.quantity for s in supplies}
        self.assertEqual(set(result), set(offered))
        for key, quantity in result.items():
            self.assertGreaterEqual(quantity, 0)
            self.assertLessEqual(quantity, offered[key])
            self.assertEqual(quantity % rounding, 0)
            if quantity and multiple:
                self.assertEqual(quantity % multiple, 0)
            if quantity and minimum:
                self.assertGreaterEqual(quantity, minimum)
        self.assertLessEqual(sum(result.values(), D(0)), demand)
        shuffled = data.draw(st.permutations(supplies))
        self.assertEqual(
            allocate(
                demand, shuffled, strategy, rounding,
                minimum=minimum, multiple=multiple),
            result)


class FoodAidProducerTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid Producer module"
    module = 'food_aid_producer'

    @with_transaction()
    def test_french_translation_complete(self):
        "Every string of the module has its French translation"
        path = os.path.join(
            os.path.dirname(__file__), '..', 'locale', 'fr.po')
        missing = untranslated('food_aid_producer', path)
        self.assertEqual(
            [f'{e.msgctxt} {e.msgid}' for e in missing], [])

    def _setup(self):
        "Create a group with a producer and a product in kg"
        pool = Pool()
        Party = pool.get('party.party')
        Uom = pool.get('product.uom')
        Template = pool.get('product.template')
        Group = pool.get('food_aid.producer.group')
        kilogram, = Uom.search([('symbol', '=', 'kg')])
        producer = Party(name="Ferme des Coteaux", is_producer=True)
        outsider = Party(name="Ferme voisine", is_producer=True)
        Party.save([producer, outsider])
        template, = Template.create([{
                    'name': "Carottes", 'type': 'goods',
                    'default_uom': kilogram.id, 'purchasable': True,
                    'purchase_uom': kilogram.id,
                    'products': [('create', [{'suffix_code': 'CAR'}])],
                    }])
        product, = template.products
        group = Group(name="Producteurs de Charente", members=[{
                    'producer': producer.id, 'priority': 1,
                    'date_start': dt.date(2026, 1, 1),
                    }])
        group.save()
        return group, producer, outsider, product

    @with_transaction()
    def test_packing_not_positive(self):
        "A minimum or a packing multiple of zero or less is refused"
        company = create_company()
        with set_company(company):
            _, _, _, product = self._setup()
            template = product.template
            for name in [
                    'producer_minimum_quantity', 'producer_packing_multiple']:
                for value in [0, -5]:
                    with self.assertRaises(ValidationError) as cm:
                        type(template).write([template], {name: value})
                    self.assertIn('greater than zero', cm.exception.message)
            type(template).write([template], {
                    'producer_minimum_quantity': 10,
                    'producer_packing_multiple': 5,
                    })
            self.assertEqual(product.template.producer_packing_multiple, 5)

    @with_transaction()
    def test_offer_fair_price_default(self):
        "An offer without price takes the fair price in force"
        pool = Pool()
        Price = pool.get('food_aid.producer.price')
        Offer = pool.get('food_aid.producer.offer')
        company = create_company()
        with set_company(company):
            group, producer, _, product = self._setup()
            Price.create([{
                        'group': group.id, 'product': product.id,
                        'unit_price': D('1.2000'),
                        'date_end': dt.date(2026, 2, 28),
                        }, {
                        'group': group.id, 'product': product.id,
                        'unit_price': D('1.3000'),
                        'date_start': dt.date(2026, 3, 1),
                        }, {
                        'group': group.id, 'product': product.id,
                        'producer': producer.id,
                        'unit_price': D('1.4500'),
                        'date_start': dt.date(2026, 4, 1),
                        }])
            march, april = Offer.create([{
                        'producer': producer.id, 'product': product.id,
                        'date_start': MONDAY, 'date_end': SUNDAY,
                        'quantity': 50,
                        }, {
                        'producer': producer.id, 'product': product.id,
                        'date_start': dt.date(2026, 4, 6),
                        'date_end': dt.date(2026, 4, 12),
                        'quantity': 50,
                        }])
            self.assertEqual(march.unit_price, D('1.3000'))
            self.assertEqual(april.unit_price, D('1.4500'))
            self.assertEqual(march.allocated_quantity, 0)
            self.assertEqual(march.remaining_quantity, 50)

    @with_transaction()
    def test_offer_validation(self):
        "Bad offers are refused with a clear error"
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        company = create_company()
        with set_company(company):
            group, producer, outsider, product = self._setup()
            good = {
                'producer': producer.id, 'product': product.id,
                'date_start': MONDAY, 'date_end': SUNDAY,
                'quantity': 10, 'unit_price': D('1.5'),
                }
            for change, message in [
                    ({'quantity': 0}, 'quantity of offer'),
                    ({'quantity': -5}, 'quantity of offer'),
                    ({'unit_price': D('-1')}, 'unit price of offer'),
                    ({'date_end': dt.date(2026, 3, 1)}, 'End Date'),
                    ({'date_start': dt.date(2025, 12, 29)},
                        'must be an active member'),
                    ({'producer': outsider.id}, 'must be an active member'),
                    ]:
                with self.subTest(change=change):
                    with self.assertRaisesRegex(ValidationError, message):
                        Offer.create([{**good, **change}])
            offer, = Offer.create([good])
            self.assertEqual(offer.state, 'draft')

    @with_transaction()
    def test_membership_and_price_validation(self):
        "Inverted dates and non-positive fair prices are refused"
        pool = Pool()
        Membership = pool.get('food_aid.producer.membership')
        Price = pool.get('food_aid.producer.price')
        company = create_company()
        with set_company(company):
            group, producer, _, product = self._setup()
            with self.assertRaisesRegex(ValidationError, 'Priority'):
                Membership.create([{
                            'group': group.id, 'producer': producer.id,
                            'priority': 0}])
            with self.assertRaisesRegex(ValidationError, 'End Date'):
                Membership.create([{
                            'group': group.id, 'producer': producer.id,
                            'date_start': SUNDAY, 'date_end': MONDAY}])
            with self.assertRaisesRegex(
                    ValidationError, 'greater than zero'):
                Price.create([{
                            'group': group.id, 'product': product.id,
                            'unit_price': D('0')}])

    def _import(self, content):
        pool = Pool()
        Wizard = pool.get('food_aid.producer.offer.import', type='wizard')
        Offer = pool.get('food_aid.producer.offer')
        session_id, _, _ = Wizard.create()
        wizard = Wizard(session_id)
        wizard.start.file = content.encode('utf-8')
        wizard.start.open_offers = True
        wizard.transition_import_()
        return Offer.search([], order=[('id', 'ASC')])

    @with_transaction()
    def test_import_offers(self):
        "A good file imports every offer, opened, at the fair price"
        pool = Pool()
        Price = pool.get('food_aid.producer.price')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            group, producer, _, product = self._setup()
            producer.code = 'P-COT'
            producer.save()
            Price.create([{
                        'group': group.id, 'product': product.id,
                        'unit_price': D('1.3')}])
            garden = Party(name="Jardin de Cocagne", is_producer=True)
            garden.save()
            group.members = list(group.members) + [
                {'producer': garden.id, 'priority': 1}]
            group.save()
            offers = self._import(
                "producer;product;date_start;date_end;quantity;unit_price\n"
                "P-COT;CAR;2026-03-02;2026-03-08;120,5;\n"
                "\n"
                "Jardin de Cocagne;CAR;02/03/2026;08/03/2026;80;1.45\n")
            self.assertEqual(
                [(o.producer, o.quantity, o.unit_price, o.state)
                    for o in offers],
                [(producer, 120.5, D('1.3'), 'open'),
                    (garden, 80, D('1.45'), 'open')])

    @with_transaction()
    def test_import_offers_errors(self):
        "A file with bad lines imports nothing and lists every bad line"
        pool = Pool()
        Price = pool.get('food_aid.producer.price')
        company = create_company()
        with set_company(company):
            group, producer, outsider, product = self._setup()
            Price.create([{
                        'group': group.id, 'product': product.id,
                        'unit_price': D('1'),
                        'date_start': dt.date(2026, 3, 1),
                        }])
            header = "producer,product,date_start,date_end,quantity\n"
            good = "Ferme des Coteaux,CAR,2026-03-02,2026-03-08,10\n"
            for line, reason in [
                    ("Ferme inconnue,CAR,2026-03-02,2026-03-08,10",
                        'unknown producer "Ferme inconnue"'),
                    ("Ferme des Coteaux,XXX,2026-03-02,2026-03-08,10",
                        'unknown product code "XXX"'),
                    ("Ferme des Coteaux,CAR,2026-03-02,2026-03-08,0",
                        'quantity 0 must be greater than zero'),
                    ("Ferme des Coteaux,CAR,2026-03-02,2026-03-08,-3",
                        'quantity -3 must be greater than zero'),
                    ("Ferme des Coteaux,CAR,2026-03-08,2026-03-02,10",
                        'end date 2026-03-02 is before'),
                    ("Ferme des Coteaux,CAR,2026-03-02,2026-03-08,dix",
                        '"dix" is not a number'),
                    ("Ferme des Coteaux,CAR,2026-03-02,2026-03-08,10,1.2.3",
                        '"1.2.3" is not a number'),
                    ("Ferme des Coteaux,CAR,2 mars,2026-03-08,10",
                        'bad dates'),
                    ("Ferme voisine,CAR,2026-03-02,2026-03-08,10",
                        'not a member of a producer group'),
                    ("Ferme des Coteaux,CAR,2025-12-29,2026-01-04,10",
                        'not a member of a producer group'),
                    ("Ferme des Coteaux,CAR,2026-02-23,2026-03-01,10",
                        'no unit price is given and no fair price of '
                        '"[CAR] Carottes" is in force for producer '
                        '"Ferme des Coteaux" on 2026-02-23'),
                    ]:
                with self.subTest(line=line):
                    with self.assertRaises(UserError) as cm:
                        self._import(header + good + line + '\n' + good)
                    self.assertIn('1 lines', cm.exception.message)
                    self.assertTrue(
                        cm.exception.description.startswith('Line 3: '))
                    self.assertIn(reason, cm.exception.description)
                    self.assertEqual(
                        len(cm.exception.description.splitlines()), 1)
            with self.assertRaises(UserError) as cm:
                self._import(
                    header
                    + "Ferme inconnue,YYY,2026-03-02,2026-03-08,10\n"
                    + good
                    + "Ferme des Coteaux,CAR,2026-03-02,2026-03-08,0\n")
            self.assertEqual(cm.exception.description.splitlines(), [
                    'Line 2: unknown producer "Ferme inconnue"; '
                    'unknown product code "YYY"',
                    'Line 4: the quantity 0 must be greater than zero',
                    ])
            self.assertEqual(Pool().get('food_aid.producer.offer').search(
                    []), [])
            # a price in the file needs no fair price in force
            self.assertEqual(
                [(o.quantity, o.unit_price) for o in self._import(
                        header + good
                        + "Ferme des Coteaux,CAR,2026-02-23,2026-03-01,5,"
                        "1.1\n")],
                [(10, D('1')), (5, D('1.1'))])



    def _user(self, company, *groups):
        "Create a user of the company in the food-aid groups"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{
                    'name': ' '.join(groups), 'login': '-'.join(groups),
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [
                                ModelData.get_id('food_aid', g)
                                for g in groups])],
                    }])
        return user

    def _offer_and_allocation(self):
        "Create an offer and an allocation as root"
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        Allocation = pool.get('food_aid.allocation')
        group, producer, _, product = self._setup()
        offer, = Offer.create([{
                    'producer': producer.id, 'product': product.id,
                    'date_start': MONDAY, 'date_end': SUNDAY,
                    'quantity': 10, 'unit_price': D('1.5'),
                    }])
        allocation, = Allocation.create([{
                    'date_start': MONDAY, 'date_end': SUNDAY}])
        return producer, product, offer, allocation

    def _print_statement(self, company, producer):
        pool = Pool()
        Statement = pool.get('food_aid.producer.statement', type='report')
        ModelData = pool.get('ir.model.data')
        return Statement.execute([], {
                'action_id': ModelData.get_id(
                    'food_aid_producer', 'report_producer_statement'),
                'company': company.id, 'producer': producer.id,
                'date_start': MONDAY, 'date_end': SUNDAY})

    @with_transaction()
    def test_access_warehouse(self):
        "The warehouse reads offers and allocations but changes nothing"
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        Allocation = pool.get('food_aid.allocation')
        company = create_company()
        with set_company(company):
            producer, product, offer, allocation = (
                self._offer_and_allocation())
            user = self._user(company, 'group_food_aid_warehouse')
            transaction = Transaction()
            with transaction.set_user(user.id), \
                    transaction.set_context(_check_access=True):
                self.assertEqual(Offer.search([]), [offer])
                self.assertEqual(
                    Offer.read([offer.id], ['quantity'])[0]['quantity'], 10)
                self.assertEqual(Allocation.search([]), [allocation])
                self.assertEqual(Allocation.read(
                        [allocation.id], ['state'])[0]['state'], 'draft')
                with self.assertRaises(AccessError):
                    Offer.create([{
                                'producer': producer.id,
                                'product': product.id,
                                'date_start': MONDAY, 'date_end': SUNDAY,
                                'quantity': 5}])
                with self.assertRaises(AccessError):
                    Offer.write([offer], {'quantity': 20})
                with self.assertRaises(AccessError):
                    Allocation.create([{
                                'date_start': MONDAY, 'date_end': SUNDAY}])
                with self.assertRaises(AccessError):
                    Allocation.write([allocation], {'strategy': 'priority'})
                with self.assertRaises(AccessError):
                    self._print_statement(company, producer)

    @with_transaction()
    def test_access_accounting(self):
        "Accounting prints the statement and reads offers, not changes them"
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        Allocation = pool.get('food_aid.allocation')
        company = create_company()
        with set_company(company):
            producer, product, offer, allocation = (
                self._offer_and_allocation())
            user = self._user(company, 'group_food_aid_accounting')
            transaction = Transaction()
            with transaction.set_user(user.id), \
                    transaction.set_context(_check_access=True):
                extension, content, _, name = self._print_statement(
                    company, producer)
                self.assertEqual(
                    (extension, name),
                    (document_format(), 'Producer Statement'))
                self.assertEqual(Offer.search([]), [offer])
                self.assertEqual(Allocation.search([]), [allocation])
                with self.assertRaises(AccessError):
                    Offer.create([{
                                'producer': producer.id,
                                'product': product.id,
                                'date_start': MONDAY, 'date_end': SUNDAY,
                                'quantity': 5}])
                with self.assertRaises(AccessError):
                    Offer.write([offer], {'quantity': 20})
                with self.assertRaises(AccessError):
                    Offer.delete([offer])
                with self.assertRaises(AccessError):
                    Allocation.write([allocation], {'strategy': 'priority'})

    @with_transaction()
    def test_access_manager(self):
        "A manager creates, changes, opens and deletes offers and allocations"
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        Allocation = pool.get('food_aid.allocation')
        company = create_company()
        with set_company(company):
            producer, product, offer, allocation = (
                self._offer_and_allocation())
            user = self._user(company, 'group_food_aid_manager')
            transaction = Transaction()
            with transaction.set_user(user.id), \
                    transaction.set_context(_check_access=True):
                new, = Offer.create([{
                            'producer': producer.id, 'product': product.id,
                            'date_start': MONDAY, 'date_end': SUNDAY,
                            'quantity': 5, 'unit_price': D('1.4')}])
                Offer.write([offer], {'quantity': 20})
                Offer.open([offer])
                Offer.delete([new])
                self.assertEqual(
                    Offer.read([offer.id], ['quantity', 'state']),
                    [{'id': offer.id, 'quantity': 20, 'state': 'open'}])
                Allocation.write([allocation], {'strategy': 'priority'})
                Allocation.compute([allocation])
                second, = Allocation.create([{
                            'date_start': MONDAY, 'date_end': SUNDAY}])
                Allocation.delete([second])
                self.assertEqual(
                    Allocation.read([allocation.id], ['strategy', 'state']),
                    [{'id': allocation.id, 'strategy': 'priority',
                            'state': 'computed'}])
                self.assertEqual(
                    self._print_statement(company, producer)[0],
                    document_format())

    @with_transaction()
    def test_demand_of_sale_without_moves(self):
        "A confirmed sale whose moves are not created yet is demand"
        pool = Pool()
        Party = pool.get('party.party')
        Channel = pool.get('food_aid.channel')
        Sale = pool.get('sale.sale')
        Uom = pool.get('product.uom')
        Allocation = pool.get('food_aid.allocation')
        company = create_company()
        with set_company(company):
            group, producer, _, product = self._setup()
            product.template.salable = True
            product.template.sale_uom = product.default_uom
            product.template.save()
            gram, = Uom.search([('symbol', '=', 'g')])
            customer = Party(name="Cantine de Jarnac", addresses=[{}])
            customer.save()
            catering, = Channel.search([('kind', '=', 'catering')])
            sale = Sale(
                party=customer, sale_date=MONDAY, channel=catering,
                invoice_address=customer.addresses[0],
                shipment_address=customer.addresses[0],
                lines=[{
                        'product': product.id, 'quantity': 12,
                        'unit': product.default_uom.id,
                        'unit_price': D('2.4'),
                        }, {
                        'product': product.id, 'quantity': 500,
                        'unit': gram.id, 'unit_price': D('0.0024'),
                        }])
            sale.save()
            Sale.quote([sale])
            # processing is queued: the moves do not exist yet
            Sale.confirm([sale])
            self.assertEqual(sale.state, 'confirmed')
            self.assertEqual(sale.moves, ())
            allocation, = Allocation.create([{
                        'date_start': MONDAY, 'date_end': SUNDAY}])
            self.assertEqual(allocation.get_demands(), {product.id: 12.5})
            next_week, = Allocation.create([{
                        'date_start': SUNDAY + dt.timedelta(days=1),
                        'date_end': SUNDAY + dt.timedelta(days=7)}])
            self.assertEqual(next_week.get_demands(), {})
