# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import os
from decimal import Decimal as D

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.food_aid.tests.tools import untranslated
from trytond.modules.food_aid_pricing.exceptions import PriceOverrideError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.tools import file_open
from trytond.transaction import Transaction

TODAY = dt.date.today()


class FoodAidPricingTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid Pricing module"
    module = 'food_aid_pricing'
    _skip_company_rule = {('food_aid.channel', 'company')}

    @with_transaction()
    def test_french_translation_complete(self):
        "Every string of the module has its French translation"
        path = os.path.join(
            os.path.dirname(__file__), '..', 'locale', 'fr.po')
        missing = untranslated('food_aid_pricing', path)
        self.assertEqual(
            [f'{e.msgctxt} {e.msgid}' for e in missing], [])

    def _setup(self):
        "Return the company, the channels by kind and carrots at 1.30 €/kg"
        pool = Pool()
        Channel = pool.get('food_aid.channel')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        company = create_company()
        kilogram, = Uom.search([('name', '=', 'Kilogram')])
        channels = {c.kind: c for c in Channel.search([])}
        with set_company(company):
            template, = Template.create([{
                        'name': "Carottes",
                        'type': 'goods',
                        'default_uom': kilogram.id,
                        'sale_uom': kilogram.id,
                        'salable': True,
                        'list_price': D('2.40'),
                        'products': [('create', [{}])],
                        }])
            carrots, = template.products
            carrots.cost_price = D('1.30')
            carrots.save()
        return company, channels, carrots

    def _fee(self, company, **values):
        pool = Pool()
        Fee = pool.get('food_aid.fee')
        fee = Fee(company=company, **values)
        fee.save()
        return fee

    def _line(self, company, channel, product, date=TODAY, unit=None,
            quantity=10):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        sale = Sale(
            company=company, currency=company.currency, channel=channel,
            sale_date=date, state='draft')
        return Line(
            sale=sale, type='line', product=product,
            unit=unit or product.default_uom, quantity=quantity,
            order_fee=None)

    def _compose(self, line):
        "Return the producer price, the fee amounts by name and the price"
        with set_company(line.sale.company):
            producer_price, amounts = line.compute_price_composition()
        return (producer_price, {f.name: a for f, a in amounts},
            producer_price + sum(a for _, a in amounts))

    @with_transaction()
    def test_per_unit_fee(self):
        "A per-unit fee adds its amount per kilogram, or per gram"
        pool = Pool()
        Uom = pool.get('product.uom')
        company, channels, carrots = self._setup()
        with set_company(company):
            self._fee(company, name="Logistique", kind='logistics',
                computation='per_unit', amount=D('0.25'))
            self.assertEqual(
                self._compose(
                    self._line(company, channels['food_aid'], carrots)),
                (D('1.3000'), {"Logistique": D('0.2500')}, D('1.5500')))
            # 0.25 €/kg is 0.00025 €/g: half to even like Tryton's prices
            gram, = Uom.search([('name', '=', 'Gram')])
            self.assertEqual(
                self._compose(self._line(
                        company, channels['food_aid'], carrots, unit=gram)),
                (D('0.0013'), {"Logistique": D('0.0002')}, D('0.0015')))

    @with_transaction()
    def test_percentage_fee(self):
        "A percentage fee is a share of the producer price per unit"
        company, channels, carrots = self._setup()
        with set_company(company):
            self._fee(company, name="Conditionnement", kind='packing',
                computation='percentage', rate=D('0.08'))
            self.assertEqual(
                self._compose(
                    self._line(company, channels['basket'], carrots)),
                (D('1.3000'), {"Conditionnement": D('0.1040')}, D('1.4040')))

    @with_transaction()
    def test_per_order_fee_not_in_unit_price(self):
        "A per-order fee does not change the unit price"
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        company, channels, carrots = self._setup()
        unit, = Uom.search([('name', '=', 'Unit')])
        with set_company(company):
            service, = Template.create([{
                        'name': "Transport", 'type': 'service',
                        'default_uom': unit.id, 'sale_uom': unit.id,
                        'salable': True,
                        'list_price': D('15'),
                        'products': [('create', [{}])],
                        }])
            self._fee(company, name="Transport", kind='transport',
                computation='per_order', amount=D('15'),
                product=service.products[0])
            self.assertEqual(
                self._compose(self._line(
                        company, channels['catering'], carrots)),
                (D('1.3000'), {}, D('1.3000')))

    @with_transaction()
    def test_several_fees_by_channel(self):
        "Each channel pays its own fees; a channel without fees pays none"
        company, channels, carrots = self._setup()
        with set_company(company):
            self._fee(company, name="Logistique", kind='logistics',
                computation='per_unit', amount=D('0.25'),
                channels=[channels['food_aid'], channels['catering'],
                    channels['basket']])
            self._fee(company, name="Conditionnement", kind='packing',
                computation='percentage', rate=D('0.08'),
                channels=[channels['basket']])
            self._fee(company, name="Fonds de solidarité",
                kind='solidarity_fund', computation='percentage',
                rate=D('0.02'), channels=[channels['catering']])
            prices = {
                kind: self._compose(self._line(company, channel, carrots))
                for kind, channel in channels.items()}
        self.assertEqual(prices['food_aid'],
            (D('1.3000'), {"Logistique": D('0.2500')}, D('1.5500')))
        self.assertEqual(prices['catering'],
            (D('1.3000'), {
                    "Logistique": D('0.2500'),
                    "Fonds de solidarité": D('0.0260')}, D('1.5760')))
        self.assertEqual(prices['basket'],
            (D('1.3000'), {
                    "Logistique": D('0.2500'),
                    "Conditionnement": D('0.1040')}, D('1.6540')))
        self.assertEqual(prices['other'], (D('1.3000'), {}, D('1.3000')))

    @with_transaction()
    def test_categories(self):
        "A fee limited to categories applies to their products only"
        pool = Pool()
        Category = pool.get('product.category')
        company, channels, carrots = self._setup()
        vegetables, fruit = Category.create([
                {'name': "Légumes"}, {'name': "Fruits"}])
        root = Category(name="Frais")
        root.save()
        Category.write([vegetables], {'parent': root.id})
        with set_company(company):
            carrots.template.categories = [vegetables]
            carrots.template.save()
            self._fee(company, name="Frais", kind='logistics',
                computation='per_unit', amount=D('0.10'), categories=[root])
            self._fee(company, name="Fruits", kind='packing',
                computation='per_unit', amount=D('0.30'), categories=[fruit])
            self.assertEqual(
                self._compose(self._line(company, channels['other'], carrots)),
                (D('1.3000'), {"Frais": D('0.1000')}, D('1.4000')))

    @with_transaction()
    def test_dated_fees(self):
        "Only the fees in force at the sale date apply"
        company, channels, carrots = self._setup()
        with set_company(company):
            self._fee(company, name="Ancienne", kind='logistics',
                computation='per_unit', amount=D('0.20'),
                date_end=TODAY - dt.timedelta(days=1))
            self._fee(company, name="Actuelle", kind='logistics',
                computation='per_unit', amount=D('0.25'),
                date_start=TODAY)
            self._fee(company, name="Future", kind='admin',
                computation='per_unit', amount=D('0.05'),
                date_start=TODAY + dt.timedelta(days=30))
            channel = channels['other']
            self.assertEqual(
                self._compose(self._line(company, channel, carrots)),
                (D('1.3000'), {"Actuelle": D('0.2500')}, D('1.5500')))
            self.assertEqual(
                self._compose(self._line(company, channel, carrots,
                        date=TODAY - dt.timedelta(days=10))),
                (D('1.3000'), {"Ancienne": D('0.2000')}, D('1.5000')))
            self.assertEqual(
                self._compose(self._line(company, channel, carrots,
                        date=TODAY + dt.timedelta(days=30))),
                (D('1.3000'), {"Actuelle": D('0.2500'), "Future": D('0.0500')},
                    D('1.6000')))

    @with_transaction()
    def test_fair_price(self):
        "The group-wide fair price in force wins over the cost price"
        pool = Pool()
        Group = pool.get('food_aid.producer.group')
        Party = pool.get('party.party')
        company, channels, carrots = self._setup()
        farm = Party(name="Ferme du Grand Chêne", is_producer=True)
        farm.save()
        with set_company(company):
            Group.create([{
                        'name': "Groupement",
                        'company': company.id,
                        'prices': [('create', [{
                                        'product': carrots.id,
                                        'unit_price': D('1.45'),
                                        'date_start': TODAY - dt.timedelta(
                                            days=30),
                                        }, {
                                        'product': carrots.id,
                                        'unit_price': D('1.20'),
                                        'date_end': TODAY - dt.timedelta(
                                            days=31),
                                        }, {
                                        'product': carrots.id,
                                        'producer': farm.id,
                                        'unit_price': D('1.60'),
                                        }])],
                        }])
            channel = channels['other']
            self.assertEqual(
                self._compose(self._line(company, channel, carrots))[0],
                D('1.4500'))
            self.assertEqual(
                self._compose(self._line(company, channel, carrots,
                        date=TODAY - dt.timedelta(days=40)))[0],
                D('1.2000'))

    @with_transaction()
    def test_rounding(self):
        "Unit amounts round to 4 digits; the parts add up to the amount"
        pool = Pool()
        LineFee = pool.get('food_aid.sale.line.fee')
        company, channels, carrots = self._setup()
        with set_company(company):
            carrots.cost_price = D('1.2345')
            carrots.save()
            packing = self._fee(company, name="Conditionnement",
                kind='packing', computation='percentage', rate=D('0.075'))
            logistics = self._fee(company, name="Logistique",
                kind='logistics', computation='per_unit', amount=D('0.1235'))
            line = self._line(
                company, channels['other'], carrots, quantity=3.333)
            producer_price, amounts, unit_price = self._compose(line)
            # 1.2345 × 7.5 % = 0.0925875
            self.assertEqual(amounts, {
                    "Conditionnement": D('0.0926'),
                    "Logistique": D('0.1235')})
            self.assertEqual(unit_price, D('1.4506'))

            line.producer_price = producer_price
            line.fees = [
                LineFee(fee=packing, kind='packing',
                    unit_amount=D('0.0926')),
                LineFee(fee=logistics, kind='logistics',
                    unit_amount=D('0.1235'))]
            line.unit_price = unit_price
            line.amount = line.on_change_with_amount()
            # 3.333 × 1.4506 = 4.8348...
            self.assertEqual(line.amount, D('4.83'))
            parts = line.price_parts()
            # 3.333 × 0.0926 = 0.3086..., 3.333 × 0.1235 = 0.4116...
            self.assertEqual(parts['packing'], D('0.31'))
            self.assertEqual(parts['logistics'], D('0.41'))
            self.assertEqual(parts['producer'], D('4.11'))
            self.assertEqual(parts['adjustment'], D('0'))
            self.assertEqual(sum(parts.values()), line.amount)

            # a manager's price lands in the adjustment
            line.unit_price = D('1.5000')
            line.amount = line.on_change_with_amount()
            parts = line.price_parts()
            self.assertEqual(parts['adjustment'], D('0.17'))
            self.assertEqual(sum(parts.values()), line.amount)

    @with_transaction()
    def test_price_override_refused(self):
        "Only a manager prices a line other than its composition"
        pool = Pool()
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        User = pool.get('res.user')
        company, channels, carrots = self._setup()
        with set_company(company):
            self._fee(company, name="Logistique", kind='logistics',
                computation='per_unit', amount=D('0.25'))
            customer = Party(name="Épicerie solidaire", addresses=[{}])
            customer.save()
            sale = Sale(party=customer, channel=channels['food_aid'],
                sale_date=TODAY)
            sale.on_change_party()
            sale.save()
            salesperson = User(login='vente', name="Vendeur",
                companies=[company], company=company,
                groups=[Group(ModelData.get_id('sale', 'group_sale'))])
            salesperson.save()
        values = {
            'sale': sale.id, 'type': 'line', 'product': carrots.id,
            'unit': carrots.default_uom.id, 'quantity': 10,
            }
        transaction = Transaction()
        with transaction.set_user(salesperson.id), \
                transaction.set_context(
                    company=company.id, _check_access=True):
            # 1.30 €/kg and 0.25 €/kg of logistics
            with self.assertRaisesRegex(PriceOverrideError, '1.5500'):
                Line.create([{**values, 'unit_price': D('1.0000')}])
            line, = Line.create([{**values, 'unit_price': D('1.5500')}])
            self.assertEqual(line.producer_price, D('1.3000'))
            self.assertEqual(
                [(f.fee.name, f.unit_amount) for f in line.fees],
                [("Logistique", D('0.2500'))])
            with self.assertRaisesRegex(PriceOverrideError, '1.5500'):
                Line.write([line], {'unit_price': D('1.2000')})
            Line.write([line], {'quantity': 12})
            self.assertEqual(Line(line.id).unit_price, D('1.5500'))
        # the platform's own code (and a manager) may set another price
        Line.write([line], {'unit_price': D('1.2000')})
        line = Line(line.id)
        self.assertEqual(line.unit_price, D('1.2000'))
        self.assertTrue(line.price_overridden)
        self.assertEqual(line.producer_price, D('1.3000'))

    @with_transaction()
    def test_fee_validation(self):
        "Negative amounts, rates out of 0-100 %, inverted dates are refused"
        pool = Pool()
        Fee = pool.get('food_aid.fee')
        company = create_company()
        with set_company(company):
            for values, message in [
                    ({'computation': 'per_unit', 'amount': D('-0.01')},
                        'cannot be negative'),
                    ({'computation': 'per_unit'},
                        'value is required for field "Amount"'),
                    ({'computation': 'percentage', 'rate': D('1.01')},
                        'between 0 % and 100 %'),
                    ({'computation': 'percentage', 'rate': D('-0.01')},
                        'between 0 % and 100 %'),
                    ({'computation': 'per_unit', 'amount': D('0.25'),
                            'date_start': TODAY,
                            'date_end': TODAY - dt.timedelta(days=1)},
                        'not valid according to its domain'),
                    ({'computation': 'per_order', 'amount': D('15')},
                        'value is required for field "Product"'),
                    ]:
                with self.subTest(values=values):
                    fee = Fee(company=company, name="Frais", kind='admin',
                        **values)
                    with self.assertRaisesRegex(ValidationError, message):
                        fee.save()

    @with_transaction()
    def test_household_tier_validation(self):
        "A household share outside 0-100 % is refused"
        pool = Pool()
        Tier = pool.get('food_aid.household_tier')
        for share in [D('-0.1'), D('1.1')]:
            with self.assertRaisesRegex(
                    ValidationError, 'between 0 % and 100 %'):
                Tier.create([{'name': "Tranche", 'household_share': share}])
        tier, = Tier.create([
                {'name': "Tranche 1", 'household_share': D('0.3')}])
        self.assertEqual(tier.household_share, D('0.3'))

    def test_sale_template(self):
        "The printed sale is Tryton's with the breakdown after its totals"
        with file_open('food_aid_pricing/sale.fodt', mode='rb') as fp:
            result = fp.read().decode('utf-8')
        totals = result.index('sale.total_amount')
        breakdown = result.index('price_breakdown(sale)')
        payers = result.index('payer_split(sale)')
        comments = result.index('comment in')
        self.assertLess(totals, breakdown)
        self.assertLess(breakdown, payers)
        self.assertLess(payers, comments)
        self.assertIn('style:name="FoodAidBreakdown"', result)
        self.assertIn('document_company', result)

    @with_transaction()
    def test_sale_report_action(self):
        "The sale prints our template, as PDF"
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        action, = ActionReport.search([('report_name', '=', 'sale.sale')])
        self.assertEqual(action.report, 'food_aid_pricing/sale.fodt')
        self.assertEqual(action.extension, 'pdf')
