# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import os
import unittest
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.food_aid.tests.tools import untranslated
from trytond.modules.food_aid_subsidy.grant import (
    Coverage, credited_subsidy, distribute, split_amount)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

D = Decimal


def euro_round(amount):
    "Round as the euro of the company's currency does"
    return amount.quantize(D('0.01'))


class SplitTestCase(unittest.TestCase):
    "Test the split of a line between grants and customer"

    def assertSplit(self, amount, quantity, coverages, customer, subsidies):
        result, parts = split_amount(
            D(amount), quantity, coverages, euro_round)
        self.assertEqual(result, D(customer))
        self.assertEqual([s for s, _ in parts], [D(s) for s in subsidies])
        self.assertEqual(result + sum(s for s, _ in parts), D(amount))

    def test_percentage(self):
        "A percentage grant pays its rate of the amount, to the cent"
        self.assertSplit('10.01', 1, [Coverage('percentage', rate=D('0.6'))],
            '4.00', ['6.01'])
        self.assertSplit('0.05', 1, [Coverage('percentage', rate=D('0.5'))],
            '0.03', ['0.02'])

    def test_per_unit(self):
        "A per-unit grant pays an amount per unit, never above the amount"
        self.assertSplit('12.00', D('7.5'),
            [Coverage('per_unit', unit_amount=D('0.80'))], '6.00', ['6.00'])
        self.assertSplit('1.00', 10,
            [Coverage('per_unit', unit_amount=D('0.80'))], '0.00', ['1.00'])

    def test_price_cap(self):
        "A price cap leaves the customer at most the capped unit price"
        self.assertSplit('24.00', 10,
            [Coverage('price_cap', price_cap=D('0.80'))], '8.00', ['16.00'])
        self.assertSplit('5.00', 10,
            [Coverage('price_cap', price_cap=D('0.80'))], '5.00', ['0.00'])

    def test_tier(self):
        "A tier grant leaves the household its tier's share"
        self.assertSplit('15.00', 1,
            [Coverage('tier', household_share=D('0.3'))], '4.50', ['10.50'])

    def test_stacking(self):
        "Stacked grants each apply on what remains for the customer"
        self.assertSplit('100.00', 10, [
                Coverage('percentage', rate=D('0.5')),
                Coverage('per_unit', unit_amount=D('1')),
                Coverage('price_cap', price_cap=D('2')),
                ], '20.00', ['50.00', '10.00', '20.00'])

    def test_available(self):
        "A grant pays no more than its envelope has left"
        result, parts = split_amount(D('100.00'), 1, [
                Coverage('percentage', rate=D('0.6'), available=D('25.00')),
                Coverage('percentage', rate=D('0.5')),
                ], euro_round)
        self.assertEqual(parts, [(D('25.00'), D('60.00')),
                (D('37.50'), D('37.50'))])
        self.assertEqual(result, D('37.50'))

    def test_available_zero(self):
        "An empty envelope pays nothing"
        result, parts = split_amount(D('9.99'), 1, [
                Coverage('percentage', rate=D('1'), available=D('0'))],
            euro_round)
        self.assertEqual(result, D('9.99'))
        self.assertEqual(parts, [(D('0'), D('9.99'))])

    @settings(max_examples=300, deadline=None)
    @given(
        cents=st.integers(min_value=0, max_value=10 ** 8),
        quantity=st.decimals(min_value=0, max_value=10000, places=3),
        grants=st.lists(st.one_of(
                st.builds(lambda r, a: Coverage('percentage', rate=r,
                        available=a),
                    st.decimals(min_value=0, max_value=1, places=4),
                    st.one_of(st.none(), st.decimals(
                            min_value=0, max_value=10 ** 6, places=2))),
                st.builds(lambda u: Coverage('per_unit', unit_amount=u),
                    st.decimals(min_value=0, max_value=100, places=4)),
                st.builds(lambda c: Coverage('price_cap', price_cap=c),
                    st.decimals(min_value=0, max_value=100, places=4)),
                st.builds(lambda s: Coverage('tier', household_share=s),
                    st.decimals(min_value=0, max_value=1, places=4)),
                ), max_size=4))
    def test_split_adds_up(self, cents, quantity, grants):
        "Customer share plus subsidies equal the amount, to the cent"
        amount = D(cents) / 100
        customer, parts = split_amount(amount, quantity, grants, euro_round)
        self.assertEqual(customer + sum(s for s, _ in parts), amount)
        self.assertGreaterEqual(customer, 0)
        for (subsidy, computed), grant in zip(parts, grants):
            self.assertEqual(subsidy, subsidy.quantize(D('0.01')))
            self.assertGreaterEqual(subsidy, 0)
            self.assertLessEqual(subsidy, computed)
            if grant.available is not None:
                self.assertLessEqual(subsidy, grant.available)


class GiveBackTestCase(unittest.TestCase):
    "Test how credit notes give back and how taxes are shared"

    def test_thirds(self):
        "Three thirds of a 10.00 subsidy give back 3.33, 3.33 and 3.34"
        given, credited = [], D(0)
        for _ in range(3):
            given.append(credited_subsidy(
                    D('10.00'), D('30.00'), D('10.00'), credited, sum(given),
                    euro_round))
            credited += D('10.00')
        self.assertEqual(given, [D('3.33'), D('3.33'), D('3.34')])

    def test_price_only(self):
        "A price-only credit note gives back the grant's share of it"
        # 100 kg at 2.40, 60 % subsidised; 0.10 less a kilo credited
        self.assertEqual(credited_subsidy(
                D('144.00'), D('240.00'), D('10.00'), D(0), D(0),
                euro_round),
            D('6.00'))

    def test_repeated(self):
        "Crediting twice never gives back more than the grant paid"
        first = credited_subsidy(
            D('72.00'), D('120.00'), D('120.00'), D(0), D(0), euro_round)
        second = credited_subsidy(
            D('72.00'), D('120.00'), D('120.00'), D('120.00'), first,
            euro_round)
        self.assertEqual((first, second), (D('72.00'), D('0')))

    @settings(max_examples=200, deadline=None)
    @given(
        subsidy_cents=st.integers(min_value=0, max_value=10 ** 6),
        extra_cents=st.integers(min_value=0, max_value=10 ** 6),
        parts=st.lists(
            st.integers(min_value=1, max_value=10 ** 4), min_size=1,
            max_size=6))
    def test_credit_notes_add_up(self, subsidy_cents, extra_cents, parts):
        "Credit notes of the whole amount give back exactly the subsidy"
        subsidy = D(subsidy_cents) / 100
        amount = subsidy + D(extra_cents) / 100
        if not amount:
            return
        total = sum(parts)
        credits = distribute(amount, [D(p) for p in parts], euro_round)
        given, credited = [], D(0)
        for credit in credits:
            given.append(credited_subsidy(
                    subsidy, amount, credit, credited, sum(given, D(0)),
                    euro_round))
            credited += credit
        self.assertEqual(sum(given, D(0)), subsidy)
        for part, credit in zip(given, credits):
            self.assertGreaterEqual(part, 0)
        self.assertEqual(len(given), len(parts))
        self.assertEqual(total, sum(parts))

    @settings(max_examples=200, deadline=None)
    @given(
        total_cents=st.integers(min_value=-10 ** 6, max_value=10 ** 6),
        weights=st.lists(
            st.integers(min_value=0, max_value=10 ** 6), max_size=6))
    def test_distribute_adds_up(self, total_cents, weights):
        "The shares of a tax add up to it, to the cent"
        total = D(total_cents) / 100
        parts = distribute(total, [D(w) for w in weights], euro_round)
        self.assertEqual(len(parts), len(weights))
        if sum(weights):
            self.assertEqual(sum(parts, D(0)), total)
            for part in parts:
                self.assertEqual(part, part.quantize(D('0.01')))

    def test_distribute_tax(self):
        "The tax of the subsidies is shared in proportion of their amount"
        self.assertEqual(
            distribute(D('0.39'), [D('7.00'), D('0.07')], euro_round),
            [D('0.39'), D('0.00')])
        self.assertEqual(
            distribute(D('1.00'), [D('1'), D('1'), D('1')], euro_round),
            [D('0.33'), D('0.34'), D('0.33')])


class FoodAidSubsidyTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid Subsidy module"
    module = 'food_aid_subsidy'

    @with_transaction()
    def test_french_translation_complete(self):
        "Every string of the module has its French translation"
        path = os.path.join(
            os.path.dirname(__file__), '..', 'locale', 'fr.po')
        missing = untranslated('food_aid_subsidy', path)
        self.assertEqual(
            [f'{e.msgctxt} {e.msgid}' for e in missing], [])

    def _grant(self, company, **values):
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        Party = pool.get('party.party')
        funder = Party(name="Fondation du Crédit Mutuel")
        funder.save()
        grant = Grant(
            reference='FCM-2026', funder=funder, program='foundation',
            company=company, currency=company.currency,
            amount=D('1000.00'), date_start=dt.date(2026, 1, 1),
            date_end=dt.date(2026, 12, 31), coverage='percentage',
            rate=D('0.6'))
        for name, value in values.items():
            setattr(grant, name, value)
        return grant

    @with_transaction()
    def test_grant_bad_input(self):
        "Grants with a bad envelope, rate or dates are refused"
        company = create_company()
        with set_company(company):
            for values, message in [
                    ({'amount': D(0)}, 'greater than zero'),
                    ({'amount': D(-5)}, 'greater than zero'),
                    ({'rate': D('1.2')}, 'between 0 and 100'),
                    ({'rate': D('-0.1')}, 'between 0 and 100'),
                    ({'date_end': dt.date(2025, 12, 31)}, 'End Date'),
                    ({'coverage': 'price_cap', 'rate': None,
                        'price_cap': D(-1)}, 'cannot be negative'),
                    ]:
                grant = self._grant(company, **values)
                with self.assertRaisesRegex(ValidationError, message):
                    grant.save()
            grant = self._grant(company)
            grant.save()
            self.assertEqual(grant.state, 'draft')

    @with_transaction()
    def test_grant_run_requires_clearing_account(self):
        "A grant cannot run without a clearing account"
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        company = create_company()
        with set_company(company):
            grant = self._grant(company)
            grant.save()
            with self.assertRaisesRegex(ValidationError, 'clearing account'):
                Grant.run([grant])
            self.assertEqual(grant.state, 'draft')

    @with_transaction()
    def test_grant_closed_not_modifiable(self):
        "A closed grant cannot be edited and its ledger blocks deletion"
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        GrantLine = pool.get('food_aid.grant.line')
        company = create_company()
        with set_company(company):
            grant = self._grant(company)
            grant.save()
            GrantLine.create([{
                        'grant': grant.id, 'customer': grant.funder.id,
                        'date': dt.date(2026, 3, 1), 'amount': D('10.00'),
                        'state': 'reserved'}])
            self.assertEqual(grant.consumed, D('10.00'))
            self.assertEqual(grant.remaining, D('990.00'))
            with self.assertRaisesRegex(AccessError, 'reserved, invoiced or claimed'):
                Grant.cancel([grant])
            with self.assertRaisesRegex(AccessError, 'reserved or invoiced'):
                Grant.delete([grant])
            Grant.write([grant], {'state': 'closed'})
            with self.assertRaisesRegex(AccessError, 'closed'):
                Grant.write([grant], {'amount': D('2000.00')})
            self.assertEqual(Grant(grant.id).amount, D('1000.00'))

    @with_transaction()
    def test_grant_access(self):
        "Warehouse staff see no grant; accounting reads them, manages claims"
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        GrantLine = pool.get('food_aid.grant.line')
        Claim = pool.get('food_aid.grant.claim')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company = create_company()
        with set_company(company):
            grant = self._grant(company)
            grant.save()
            line, = GrantLine.create([{
                        'grant': grant.id, 'customer': grant.funder.id,
                        'date': dt.date(2026, 3, 1), 'amount': D('10.00'),
                        'state': 'reserved'}])
            # a claim needs a grant that ran; no chart to run this one
            Grant.write([grant], {'state': 'closed'})
            claim, = Claim.create([{
                        'grant': grant.id,
                        'date_start': dt.date(2026, 3, 1),
                        'date_end': dt.date(2026, 3, 31)}])
        warehouse, accountant = User.create([{
                    'login': login, 'name': login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [ModelData.get_id('food_aid', group)])],
                    } for login, group in [
                    ('warehouse', 'group_food_aid_warehouse'),
                    ('accountant', 'group_food_aid_accounting')]])
        funder = grant.funder

        transaction = Transaction()
        with transaction.set_user(warehouse.id), \
                transaction.set_context(_check_access=True,
                    company=company.id):
            for Model, record in [
                    (Grant, grant), (GrantLine, line), (Claim, claim)]:
                with self.subTest(model=Model.__name__):
                    with self.assertRaises(AccessError):
                        Model.read([record.id], ['id'])
                    with self.assertRaises(AccessError):
                        Model.search([])

        with transaction.set_user(accountant.id), \
                transaction.set_context(_check_access=True,
                    company=company.id):
            # accounting reads grants and the ledger, manages claims only
            self.assertEqual([g.id for g in Grant.search([])], [grant.id])
            self.assertEqual(
                [l.id for l in GrantLine.search([])], [line.id])
            with self.assertRaises(AccessError):
                Grant.create([{
                            'reference': 'CAF-16-2026', 'funder': funder.id,
                            'program': 'caf_msa', 'company': company.id,
                            'currency': company.currency.id,
                            'amount': D('500.00'),
                            'date_start': dt.date(2026, 1, 1),
                            'coverage': 'percentage', 'rate': D('0.5')}])
            with self.assertRaises(AccessError):
                Grant.write([grant], {'amount': D('800.00')})
            with self.assertRaises(AccessError):
                GrantLine.write([line], {'amount': D('1.00')})
            self.assertEqual(
                [c.id for c in Claim.search([])], [claim.id])

    @with_transaction()
    def test_claim_description_company_language(self):
        "The claim's texts are in the company's language, its date format"
        pool = Pool()
        Claim = pool.get('food_aid.grant.claim')
        Lang = pool.get('ir.lang')
        Grant = pool.get('food_aid.grant')
        company = create_company()
        french, = Lang.search([('code', '=', 'fr')])
        company.party.lang = french
        company.party.save()
        with set_company(company):
            grant = self._grant(company)
            grant.save()
            Grant.write([grant], {'state': 'closed'})
            claim = Claim(
                company=company, grant=grant,
                date_start=dt.date(2026, 3, 1),
                date_end=dt.date(2026, 3, 31))
            with Transaction().set_context(language='en'):
                description = claim.get_invoice_description()
        self.assertIn(french.strftime(dt.date(2026, 3, 1)), description)
        self.assertIn(french.strftime(dt.date(2026, 3, 31)), description)
        self.assertNotIn('2026-03-01', description)

    @with_transaction()
    def test_grant_screens(self):
        "The grant form shows the live ledger and an envelope left unused"
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        GrantLine = pool.get('food_aid.grant.line')
        ModelData = pool.get('ir.model.data')
        ActionDomain = pool.get('ir.action.act_window.domain')
        company = create_company()
        with set_company(company):
            grant = self._grant(company)
            grant.save()
            live, _ = GrantLine.create([{
                        'grant': grant.id, 'customer': grant.funder.id,
                        'date': dt.date(2026, 3, 1), 'amount': D(amount),
                        'state': state,
                        } for amount, state in [
                        ('10.00', 'reserved'), ('0', 'cancelled')]])
            Grant.write([grant], {'state': 'closed'})
            grant = Grant(grant.id)
            self.assertEqual(grant.lines, (live,))
            self.assertEqual(grant.share_used, D('0.0100'))
            self.assertIn('will not be used up', grant.run_out_note)
            self.assertIn('990.00', grant.run_out_note)

        arch = Grant.fields_view_get(view_type='form')['arch']
        self.assertRegex(arch, r'<button[^>]*name="cancel"[^>]*confirm=')
        self.assertRegex(arch, r'name="share_used"[^>]*factor="100"')
        action_id = ModelData.get_id('food_aid_subsidy', 'act_grant_line_form')
        first, *_ = ActionDomain.search(
            [('act_window', '=', action_id)],
            order=[('sequence', 'ASC')])
        self.assertEqual(first.name, "Live")
        self.assertEqual(
            GrantLine.search(PYSONDecoder().decode(first.domain)), [live])
