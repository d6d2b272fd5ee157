# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Eight users confirm, at the same moment, sales whose subsidies together
exceed what a grant has left: all go through, one after the other, the
envelope is used exactly and the late ones are warned that it ran out.

Needs real concurrent transactions, hence PostgreSQL."""
import datetime as dt
import os
import threading
import unittest
from decimal import Decimal

URI = os.environ.get('TRYTOND_DATABASE__URI', '')


@unittest.skipUnless(
    URI.startswith('postgresql'),
    "needs PostgreSQL for concurrent transactions "
    "(TRYTOND_DATABASE__URI is not a postgresql:// URI)")
class GrantEnvelopeConcurrencyTestCase(unittest.TestCase):
    "Concurrent confirmations against one grant envelope"

    @classmethod
    def setUpClass(cls):
        from trytond.tests.test_tryton import activate_module, drop_db
        super().setUpClass()
        drop_db()
        activate_module(['food_aid_subsidy'])

    @classmethod
    def tearDownClass(cls):
        from trytond.tests.test_tryton import drop_db
        super().tearDownClass()
        drop_db()

    def setUp(self):
        from trytond.tests.test_tryton import DB_NAME
        from trytond.transaction import Transaction, TransactionError

        extras = {}
        while True:
            with Transaction().start(
                    DB_NAME, 1, close=True, **extras) as transaction:
                try:
                    self.create_data()
                except TransactionError as error:
                    transaction.rollback()
                    error.fix(extras)
                    continue
                transaction.commit()
                transaction.tasks.clear()
                break

    def create_data(self):
        "Create a running grant of 100 € and eight quoted sales of 24 € each"
        from trytond.modules.account.tests.test_module import create_chart
        from trytond.modules.company.tests import (
            create_company, set_company)
        from trytond.pool import Pool

        pool = Pool()
        Account = pool.get('account.account')
        Channel = pool.get('food_aid.channel')
        Grant = pool.get('food_aid.grant')
        Party = pool.get('party.party')
        Product = pool.get('product.product')
        Sale = pool.get('sale.sale')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')

        company = create_company()
        with set_company(company):
            create_chart(company)
            clearing, = Account.search([
                    ('type.receivable', '=', True),
                    ('company', '=', company.id),
                    ], limit=1)
            channel, = Channel.search([('kind', '=', 'food_aid')])
            kilogram, = Uom.search([('name', '=', 'Kilogram')])
            template = Template(
                name="Carottes", type='goods', default_uom=kilogram,
                sale_uom=kilogram,
                salable=True, list_price=Decimal('2.0000'))
            template.save()
            product = Product(template=template)
            product.save()
            product.cost_price = Decimal('2.0000')
            product.save()
            funder = Party(name="Préfecture")
            funder.save()
            grant = Grant(
                reference='MMPT-CONCURRENT', funder=funder,
                program='mmpt_local', company=company,
                currency=company.currency, amount=Decimal('100.00'),
                date_start=dt.date.today() - dt.timedelta(days=10),
                coverage='percentage', rate=Decimal('0.6'),
                clearing_account=clearing, channels=[channel])
            grant.save()
            Grant.run([grant])

            sales = []
            for name in range(8):
                party = Party(name=f"Épicerie {name}", addresses=[{}])
                party.save()
                # 20 kg at 2 € = 40 €, 60 % = 24 € each: 192 € > 100 €
                sale = Sale(
                    company=company, party=party, channel=channel,
                    currency=company.currency,
                    invoice_address=party.addresses[0],
                    shipment_address=party.addresses[0],
                    lines=[{
                            'product': product.id,
                            'quantity': 20,
                            'unit': kilogram.id,
                            'unit_price': Decimal('2.0000'),
                            }])
                sales.append(sale)
            Sale.save(sales)
            Sale.quote(sales)
        self.company = company.id
        self.grant = grant.id
        self.sales = [s.id for s in sales]

    def confirm(self, sale_id, results, barrier):
        "Confirm the sale as the RPC dispatcher runs a call"
        from trytond.exceptions import UserWarning
        from trytond.pool import Pool
        from trytond.tests.test_tryton import DB_NAME
        from trytond.transaction import Transaction, TransactionError

        context = {'company': self.company}
        extras = {}
        barrier.wait()
        for attempt in range(50):
            with Transaction().start(
                    DB_NAME, 1, context=context, **extras) as transaction:
                pool = Pool()
                Sale = pool.get('sale.sale')
                try:
                    Sale.confirm([Sale(sale_id)])
                except TransactionError as error:
                    # the dispatcher restarts with the locks taken first
                    transaction.rollback()
                    error.fix(extras)
                    continue
                except UserWarning:
                    # the user is warned and confirms again
                    transaction.rollback()
                    results.setdefault('warned', set()).add(sale_id)
                    context = dict(context, _skip_warnings=True)
                    continue
                transaction.commit()
                # no queued processing in this test
                transaction.tasks.clear()
            results[sale_id] = 'confirmed'
            return
        results[sale_id] = 'gave up'

    def test_envelope_never_exceeded(self):
        "Eight concurrent confirmations all go through, the envelope exact"
        from trytond.pool import Pool
        from trytond.tests.test_tryton import DB_NAME
        from trytond.transaction import Transaction

        results = {}
        barrier = threading.Barrier(len(self.sales))
        threads = [
            threading.Thread(
                target=self.confirm, args=(sale_id, results, barrier))
            for sale_id in self.sales]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

        warned = results.pop('warned', set())
        self.assertEqual(
            results, {s: 'confirmed' for s in self.sales})
        with Transaction().start(
                DB_NAME, 1, context={'company': self.company},
                close=True):
            pool = Pool()
            Grant = pool.get('food_aid.grant')
            GrantLine = pool.get('food_aid.grant.line')
            Sale = pool.get('sale.sale')
            grant = Grant(self.grant)
            lines = GrantLine.search([('grant', '=', self.grant)])
            reserved = sum((l.amount for l in lines), Decimal(0))
            self.assertEqual(
                {s.state for s in Sale.browse(self.sales)}, {'confirmed'})
            self.assertEqual(reserved, Decimal('100.00'))
            # four pay their 24 €, the fifth what remains, the last nothing
            self.assertEqual(
                sorted(l.amount for l in lines),
                [Decimal('4.00')] + [Decimal('24.00')] * 4)
            self.assertEqual(grant.remaining, Decimal('0.00'))
            # the late ones are warned that the envelope ran out
            self.assertEqual(len(warned), 4)
            for sale in Sale.browse(self.sales):
                line, = sale.lines
                self.assertEqual(
                    line.subsidy_amount + line.customer_amount, line.amount)
