# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import os
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import RequiredValidationError, ValidationError
from trytond.modules.account.tests import create_chart
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.food_aid.tests.tools import untranslated
from trytond.modules.food_aid_planning.commitment import weeks
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

MONDAY = dt.date(2026, 3, 2)
SEASON_END = dt.date(2026, 4, 26)


class FoodAidPlanningTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid Planning module"
    module = 'food_aid_planning'
    extras = ['food_aid_reporting']

    @with_transaction()
    def test_translations(self):
        "Every string of the module has its French translation"
        path = os.path.join(
            os.path.dirname(__file__), '..', 'locale', 'fr.po')
        missing = untranslated('food_aid_planning', path)
        self.assertFalse(
            missing, [(e.msgctxt, e.msgid) for e in missing[:20]])


    def _setup(self):
        "Create an organisation, a producer member of a group and carrots"
        pool = Pool()
        Party = pool.get('party.party')
        Uom = pool.get('product.uom')
        Template = pool.get('product.template')
        Group = pool.get('food_aid.producer.group')
        kilogram, = Uom.search([('symbol', '=', 'kg')])
        organisation = Party(
            name="Épicerie solidaire", code='EPI',
            is_food_aid_organisation=True)
        producer = Party(name="Ferme des Coteaux", is_producer=True)
        Party.save([organisation, producer])
        template, = Template.create([{
                    'name': "Carottes", 'type': 'goods',
                    'default_uom': kilogram.id, 'purchasable': True,
                    'purchase_uom': kilogram.id,
                    'food_family': 'FRUITS_ET_LEGUMES',
                    'products': [('create', [{'suffix_code': 'CAR'}])],
                    }])
        product, = template.products
        Group(name="Producteurs", members=[{
                    'producer': producer.id, 'priority': 1,
                    }]).save()
        return organisation, producer, product, kilogram

    def _need(self, organisation, lines, **values):
        pool = Pool()
        Need = pool.get('food_aid.need')
        need, = Need.create([{
                    'party': organisation.id, 'date_start': MONDAY,
                    'date_end': SEASON_END,
                    'lines': [('create', lines)],
                    **values}])
        return need

    def test_weeks(self):
        "The weeks of a period run from Monday to Sunday"
        self.assertEqual(
            list(weeks(dt.date(2026, 3, 4), dt.date(2026, 3, 10))), [
                (dt.date(2026, 3, 2), dt.date(2026, 3, 8)),
                (dt.date(2026, 3, 9), dt.date(2026, 3, 15)),
                ])

    @with_transaction()
    def test_need_quantity_not_positive(self):
        "A need line of zero or a negative quantity is refused"
        company = create_company()
        with set_company(company):
            organisation, _, product, kilogram = self._setup()
            for quantity in [0, -5]:
                with self.assertRaises(ValidationError) as cm:
                    self._need(organisation, [{
                                'product': product.id,
                                'weekly_quantity': quantity,
                                'unit': kilogram.id,
                                }])
                self.assertIn('greater than zero', cm.exception.message)

    @with_transaction()
    def test_need_inverted_season(self):
        "A need whose season ends before it starts is refused"
        company = create_company()
        with set_company(company):
            organisation, _, product, kilogram = self._setup()
            with self.assertRaises(ValidationError):
                self._need(organisation, [], date_end=MONDAY,
                    date_start=SEASON_END)

    @with_transaction()
    def test_need_family_in_weight(self):
        "A need of a food family is in a unit of weight"
        pool = Pool()
        Uom = pool.get('product.uom')
        unit, = Uom.search([('symbol', '=', 'u')])
        company = create_company()
        with set_company(company):
            organisation, _, _, _ = self._setup()
            with self.assertRaises(ValidationError) as cm:
                self._need(organisation, [{
                            'food_family': 'FRUITS_ET_LEGUMES',
                            'weekly_quantity': 10, 'unit': unit.id,
                            }])
            self.assertIn('unit of weight', cm.exception.message)

    @with_transaction()
    def test_need_validate_without_line(self):
        "A need without line cannot be validated"
        pool = Pool()
        Need = pool.get('food_aid.need')
        company = create_company()
        with set_company(company):
            organisation, _, _, _ = self._setup()
            need = self._need(organisation, [])
            with self.assertRaises(ValidationError):
                Need.validate_need([need])
            self.assertEqual(need.state, 'draft')

    def _survey(self, company, content):
        pool = Pool()
        NeedImport = pool.get('food_aid.need.import', type='wizard')
        return NeedImport.read_needs(
            company.id, content.encode('utf-8'), MONDAY, SEASON_END)

    @with_transaction()
    def test_survey_import(self):
        "The survey answers make one need per organisation"
        pool = Pool()
        Need = pool.get('food_aid.need')
        company = create_company()
        with set_company(company):
            organisation, _, product, kilogram = self._setup()
            needs = Need.create(self._survey(company,
                    'organisation;product;food_family;weekly_quantity;unit\n'
                    'EPI;CAR;;12,5;kg\n'
                    'Épicerie solidaire;;FRUITS_ET_LEGUMES;40;\n'))
            need, = needs
            self.assertEqual(need.source, 'survey')
            self.assertEqual(need.party, organisation)
            self.assertEqual(
                [(l.product, l.food_family, l.weekly_quantity, l.unit)
                    for l in need.lines],
                [(product, None, 12.5, kilogram),
                    (None, 'FRUITS_ET_LEGUMES', 40, kilogram)])

    @with_transaction()
    def test_survey_import_errors(self):
        "A survey file with bad lines imports nothing and lists every line"
        pool = Pool()
        Need = pool.get('food_aid.need')
        company = create_company()
        with set_company(company):
            self._setup()
            with self.assertRaises(UserError) as cm:
                self._survey(company,
                    'EPI;CAR;;10;kg\n'
                    'EPI;NOPE;;10;kg\n'
                    'EPI;;LEGUMES_SECS;10;kg\n'
                    'Inconnue;CAR;;-2;kg\n')
            self.assertIn('3 lines', cm.exception.message)
            self.assertEqual(cm.exception.description.splitlines(), [
                    'Line 2: no product with code "NOPE"',
                    'Line 3: no food family "LEGUMES_SECS"',
                    'Line 4: no food-aid organisation "Inconnue"; '
                    'the weekly quantity -2 is not greater than zero',
                    ])
            self.assertEqual(Need.search([]), [])

    @with_transaction()
    def test_meeting_participants(self):
        "A meeting counts no more in a category than participants in all"
        pool = Pool()
        Committee = pool.get('food_aid.committee')
        Meeting = pool.get('food_aid.committee.meeting')
        company = create_company()
        with set_company(company):
            committee, = Committee.create([{'name': "Comité"}])
            with self.assertRaises(ValidationError) as cm:
                Meeting.create([{
                            'committee': committee.id, 'date': MONDAY,
                            'participants': 5, 'women': 6,
                            }])
            self.assertIn('only 5 participants', cm.exception.message)
            with self.assertRaises(ValidationError):
                Meeting.create([{
                            'committee': committee.id, 'date': MONDAY,
                            'participants': -1,
                            }])

    def _commitment(self, producer, product, **values):
        pool = Pool()
        Commitment = pool.get('food_aid.producer.commitment')
        commitment, = Commitment.create([{
                    'producer': producer.id, 'product': product.id,
                    'date_start': MONDAY, 'date_end': SEASON_END,
                    'weekly_quantity': 20, 'unit_price': Decimal('1.3000'),
                    **values}])
        return commitment

    @with_transaction()
    def test_commitment_errors(self):
        "Zero quantities, inverted or overlapping seasons are refused"
        pool = Pool()
        Commitment = pool.get('food_aid.producer.commitment')
        company = create_company()
        with set_company(company):
            _, producer, product, _ = self._setup()
            for values in [
                    {'weekly_quantity': 0},
                    {'weekly_quantity': -3},
                    {'unit_price': Decimal(0)},
                    {'date_start': SEASON_END, 'date_end': MONDAY},
                    ]:
                with self.assertRaises(ValidationError):
                    self._commitment(producer, product, **values)
            # what the server would roll back with the failed request
            Commitment.delete(Commitment.search([]))
            commitment = self._commitment(producer, product)
            with self.assertRaises(ValidationError) as cm:
                self._commitment(producer, product,
                    date_start=SEASON_END, date_end=SEASON_END)
            self.assertIn('overlaps', cm.exception.message)
            # the next season does not overlap
            self._commitment(producer, product,
                date_start=SEASON_END + dt.timedelta(days=1),
                date_end=SEASON_END + dt.timedelta(days=30))
            # a cancelled commitment leaves its season free
            Commitment.cancel([commitment])
            self._commitment(producer, product,
                date_start=MONDAY, date_end=MONDAY)

    @with_transaction()
    def test_commitment_weekly_offers(self):
        "The running commitments open one offer per week, once"
        pool = Pool()
        Commitment = pool.get('food_aid.producer.commitment')
        company = create_company()
        with set_company(company):
            _, producer, product, _ = self._setup()
            commitment = self._commitment(
                producer, product, date_start=MONDAY + dt.timedelta(days=2))
            self.assertEqual(
                Commitment.open_weekly_offers(MONDAY + dt.timedelta(days=3)),
                [])
            Commitment.run([commitment])
            self.assertEqual(commitment.state, 'running')
            self.assertEqual(
                commitment.agreement_line.quantity, 20 * 8)
            offer, = Commitment.open_weekly_offers(
                MONDAY + dt.timedelta(days=3))
            self.assertEqual(
                (offer.date_start, offer.date_end, offer.quantity,
                    offer.unit_price, offer.state),
                (MONDAY + dt.timedelta(days=2), MONDAY + dt.timedelta(days=6),
                    20, Decimal('1.3000'), 'open'))
            self.assertEqual(Commitment.open_weekly_offers(MONDAY), [])

    @with_transaction()
    def test_committed_producers_first(self):
        "Producers with a committed offer in the period are served first"
        pool = Pool()
        Commitment = pool.get('food_aid.producer.commitment')
        Membership = pool.get('food_aid.producer.membership')
        Party = pool.get('party.party')
        Group = pool.get('food_aid.producer.group')
        company = create_company()
        with set_company(company):
            _, producer, product, _ = self._setup()
            spot = Party(name="Ferme du Moulin", is_producer=True)
            spot.save()
            group, = Group.search([])
            Membership.create([{
                        'group': group.id, 'producer': spot.id,
                        'priority': 1,
                        }])
            Membership.write(list(group.members[:1]), {'priority': 2})
            commitment = self._commitment(producer, product)
            Commitment.run([commitment])
            sunday = MONDAY + dt.timedelta(days=6)
            self.assertEqual(
                Membership.priorities(
                    company.id, [producer, spot], MONDAY, sunday),
                {producer.id: 2, spot.id: 1})
            Commitment.open_weekly_offers(MONDAY)
            self.assertEqual(
                Membership.priorities(
                    company.id, [producer, spot], MONDAY, sunday),
                {producer.id: 0, spot.id: 1})
            # the next week has no committed offer yet
            self.assertEqual(
                Membership.priorities(
                    company.id, [producer, spot],
                    MONDAY + dt.timedelta(days=7),
                    MONDAY + dt.timedelta(days=7)),
                {producer.id: 2, spot.id: 1})

    @with_transaction()
    def test_purchase_consumes_agreement(self):
        "The purchase line of a committed offer consumes its agreement"
        pool = Pool()
        Account = pool.get('account.account')
        Category = pool.get('product.category')
        Commitment = pool.get('food_aid.producer.commitment')
        Line = pool.get('food_aid.allocation.line')
        Purchase = pool.get('purchase.purchase')
        company = create_company()
        with set_company(company):
            create_chart(company)
            expense, = Account.search([
                    ('type.expense', '=', True),
                    ('closed', '=', False),
                    ], limit=1)
            _, producer, product, _ = self._setup()
            category, = Category.create([{
                        'name': "Légumes", 'accounting': True,
                        'account_expense': expense.id,
                        }])
            product.template.account_category = category
            product.template.save()
            commitment = self._commitment(producer, product)
            Commitment.run([commitment])
            offer, = Commitment.open_weekly_offers(MONDAY)
            purchase = Purchase(
                company=company, party=producer, purchase_date=MONDAY)
            line = Line(
                product=product, producer=producer, offer=offer,
                quantity=20, unit_price=offer.unit_price)
            purchase_line = line.get_purchase_line(purchase)
            self.assertEqual(
                purchase_line.blanket_agreement_line,
                commitment.agreement_line)
            # outside the agreement's dates the purchase is a spot one
            purchase.purchase_date = SEASON_END + dt.timedelta(days=1)
            purchase_line = line.get_purchase_line(purchase)
            self.assertIsNone(purchase_line.blanket_agreement_line)

    @with_transaction()
    def test_activity_errors(self):
        "An activity without date or with negative hours is refused"
        pool = Pool()
        Activity = pool.get('food_aid.activity')
        company = create_company()
        with set_company(company):
            with self.assertRaises(ValidationError) as cm:
                Activity.create([{
                            'name': "Atelier", 'date': MONDAY, 'hours': -1,
                            }])
            self.assertIn('cannot be negative', cm.exception.message)
            with self.assertRaises(ValidationError):
                Activity.create([{
                            'name': "Atelier", 'date': MONDAY, 'hours': 2,
                            'participants': 3, 'children': 4,
                            }])
            # last: PostgreSQL aborts the transaction on the missing value
            with self.assertRaises(RequiredValidationError):
                Activity.create([{'name': "Atelier", 'hours': 2}])

    @with_transaction()
    def test_activity_report(self):
        "The monthly activity report counts the activities held"
        pool = Pool()
        Activity = pool.get('food_aid.activity')
        Report = pool.get('food_aid.reporting.activity', type='report')
        company = create_company()
        with set_company(company):
            activities = Activity.create([{
                        'name': "Atelier", 'date': MONDAY, 'hours': 2.5,
                        'participants': 8,
                        }, {
                        'name': "Visite", 'kind': 'farm_visit',
                        'date': MONDAY, 'hours': 3, 'participants': 12,
                        }, {
                        'name': "Atelier prévu", 'date': MONDAY, 'hours': 2,
                        'participants': 10,
                        }, {
                        'name': "Atelier d'avril",
                        'date': dt.date(2026, 4, 2), 'hours': 2,
                        'participants': 10,
                        }])
            Activity.hold([activities[0], activities[1], activities[3]])
            context = Report.get_context([], {}, {
                    'company': company.id, 'month': dt.date(2026, 3, 1)})
            services = context['services']
            self.assertEqual(
                (services['activities'], services['workshops'],
                    services['participants'], services['hours']),
                (2, 1, 20, 5.5))


del ModuleTestCase
