# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import os
from contextlib import contextmanager
from decimal import Decimal

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.food_aid.tests.tools import untranslated
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

D = Decimal
# the documents made in step are dated from today on, like the allocation's
MONDAY = dt.date.today()
SUNDAY = MONDAY + dt.timedelta(days=6)


class FoodAidNetworkTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid Network module"
    module = 'food_aid_network'
    # the network's figures read every company of the user, not only those
    # of the company filter: their SQL filters on res.user's companies
    _skip_company_rule = {
        ('food_aid.network.reporting.garden', 'company'),
        ('food_aid.network.reporting.program', 'company'),
        # a channel common to the companies has none
        ('food_aid.channel', 'company'),
        }

    @with_transaction()
    def test_french_translation_complete(self):
        "Every string of the module has its French translation"
        path = os.path.join(
            os.path.dirname(__file__), '..', 'locale', 'fr.po')
        missing = untranslated('food_aid_network', path)
        self.assertEqual(
            [f'{e.msgctxt} {e.msgid}' for e in missing], [])

    def _warehouse(self, name):
        "Create a warehouse of its own for a garden"
        pool = Pool()
        Location = pool.get('stock.location')
        storage, input_, output = Location.create([
                {'name': f"{name} stockage", 'type': 'storage'},
                {'name': f"{name} entrée", 'type': 'storage'},
                {'name': f"{name} sortie", 'type': 'storage'},
                ])
        production, = Location.search([('type', '=', 'production')])
        warehouse, = Location.create([{
                    'name': name, 'type': 'warehouse',
                    'storage_location': storage.id,
                    'input_location': input_.id,
                    'output_location': output.id,
                    'production_location': production.id,
                    }])
        Location.write([storage, input_, output], {'parent': warehouse.id})
        return warehouse

    def _gardens(self):
        """Create the network of Charente and Vienne, a garden outside it,
        a producer supplying both gardens and carrots by the kilogram

        The farm's fair price is 1.30 in Charente, 1.10 in Vienne and 1.20
        in Gironde."""
        pool = Pool()
        Network = pool.get('food_aid.network')
        Party = pool.get('party.party')
        Uom = pool.get('product.uom')
        Template = pool.get('product.template')
        Group = pool.get('food_aid.producer.group')
        Channel = pool.get('food_aid.channel')
        Company = pool.get('company.company')
        Category = pool.get('product.category')
        charente = create_company("Jardin de Cocagne Charente")
        vienne = create_company(
            "Jardin de Cocagne Vienne", currency=charente.currency)
        gironde = create_company(
            "Jardin de Cocagne Gironde", currency=charente.currency)
        network, = Network.create([{'name': "Réseau Cocagne"}])
        Company.write([charente, vienne], {'network': network.id})
        other, = Channel.search([('kind', '=', 'other')], limit=1)
        Party.write(
            [charente.party, vienne.party, gironde.party],
            {'food_aid_channel': other.id})
        farm = Party(name="Ferme des Coteaux", is_producer=True)
        farm.save()
        kilogram, = Uom.search([('symbol', '=', 'kg')])
        category, = Category.create([{
                    'name': "Légumes", 'accounting': True}])
        template, = Template.create([{
                    'name': "Carottes", 'type': 'goods',
                    'account_category': category.id,
                    'default_uom': kilogram.id,
                    'purchasable': True, 'purchase_uom': kilogram.id,
                    'salable': True, 'sale_uom': kilogram.id,
                    'products': [('create', [{'suffix_code': 'CAR'}])],
                    }])
        carrots, = template.products
        warehouses = {}
        for company, name, price in [
                (charente, "Charente", D('1.3000')),
                (vienne, "Vienne", D('1.1000')),
                (gironde, "Gironde", D('1.2000'))]:
            with set_company(company):
                warehouses[company] = self._warehouse(f"Entrepôt {name}")
                Group.create([{
                            'name': f"Producteurs {name}",
                            'members': [('create', [{
                                            'producer': farm.id,
                                            'priority': 1,
                                            'date_start': (
                                                MONDAY - dt.timedelta(30)),
                                            }])],
                            'prices': [('create', [{
                                            'product': carrots.id,
                                            'unit_price': price,
                                            }])],
                            }])
        return (
            network, charente, vienne, gironde, farm, carrots, warehouses)

    def _shared_offer(self, company, farm, carrots, warehouse, **values):
        "Create the open offer of 50 kg of the farm shared by the garden"
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        with set_company(company):
            offer, = Offer.create([{
                        'producer': farm.id, 'product': carrots.id,
                        'date_start': MONDAY, 'date_end': SUNDAY,
                        'quantity': 50, 'network_shared': True,
                        'network_price': D('1.6000'),
                        'network_warehouse': warehouse.id,
                        **values}])
            Offer.open([offer])
        return offer

    def _order(self, company, warehouse, carrots, quantity):
        "Create the confirmed sale of a canteen of the garden"
        pool = Pool()
        Party = pool.get('party.party')
        Channel = pool.get('food_aid.channel')
        Sale = pool.get('sale.sale')
        with set_company(company):
            customer = Party(name=f"Cantine {quantity}", addresses=[{}])
            customer.save()
            catering, = Channel.search([('kind', '=', 'catering')], limit=1)
            sale = Sale(
                party=customer, sale_date=MONDAY, shipping_date=MONDAY,
                channel=catering, warehouse=warehouse,
                invoice_address=customer.addresses[0],
                shipment_address=customer.addresses[0],
                lines=[{
                        'product': carrots.id, 'quantity': quantity,
                        'unit': carrots.default_uom.id,
                        'unit_price': D('2.4000'),
                        }])
            sale.save()
            Sale.quote([sale])
            # processing is queued: no accounts are needed here
            Sale.confirm([sale])
        return sale

    def _computed_allocation(self, warehouse):
        "Create and compute the allocation of the week of the warehouse"
        pool = Pool()
        Allocation = pool.get('food_aid.allocation')
        allocation, = Allocation.create([{
                    'warehouse': warehouse.id,
                    'date_start': MONDAY, 'date_end': SUNDAY}])
        Allocation.compute([allocation])
        return allocation

    def _user(self, company, login, *groups):
        "Create a user of the company in the groups"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{
                    'name': login, 'login': login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [
                                ModelData.get_id(*g.split('.'))
                                for g in groups])],
                    }])
        return user

    @contextmanager
    def _acting_as(self, user):
        "Act as the user through the client: rights and rules apply"
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        with transaction.set_user(user.id), transaction.set_context(
                User.get_preferences(context_only=True)):
            with transaction.set_context(_check_access=True):
                yield

    @with_transaction()
    def test_producer_shared_between_gardens(self):
        "A producer supplies two gardens, each with its fair price"
        pool = Pool()
        Price = pool.get('food_aid.producer.price')
        Membership = pool.get('food_aid.producer.membership')
        _, charente, vienne, gironde, farm, carrots, _ = self._gardens()
        key = (farm.id, carrots.id)
        self.assertEqual(
            Price.fair_prices(charente.id, [key], MONDAY),
            {key: D('1.3000')})
        self.assertEqual(
            Price.fair_prices(vienne.id, [key], MONDAY), {key: D('1.1000')})
        self.assertEqual(
            Price.fair_prices(gironde.id, [key], MONDAY), {key: D('1.2000')})
        self.assertEqual(
            sorted(m.group.company.id for m in Membership.search(
                    [('producer', '=', farm.id)])),
            sorted([charente.id, vienne.id, gironde.id]))

    @with_transaction()
    def test_offer_bad_network_input(self):
        "Shares outside the network or below the fair price are refused"
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        (_, charente, vienne, gironde, farm, carrots,
            warehouses) = self._gardens()
        good = {
            'producer': farm.id, 'product': carrots.id,
            'date_start': MONDAY, 'date_end': SUNDAY, 'quantity': 50,
            'network_shared': True, 'network_price': D('1.6000'),
            'network_warehouse': warehouses[charente].id,
            }
        with set_company(charente):
            for change, message in [
                    ({'network_gardens': [('add', [gironde.id])]},
                        'not a garden of the network "Réseau Cocagne"'),
                    ({'network_gardens': [('add', [charente.id])]},
                        'does not buy from itself'),
                    ({'network_price': D('1.2999')},
                        "below the producer's fair price 1.3000"),
                    ]:
                with self.subTest(change=change):
                    with self.assertRaisesRegex(ValidationError, message):
                        Offer.create([{**good, **change}])
            offer, = Offer.create([{
                        **good, 'network_gardens': [('add', [vienne.id])]}])
            with self.assertRaisesRegex(ValidationError, 'fair price'):
                Offer.write([offer], {'network_price': D('1.0000')})
        with set_company(gironde):
            with self.assertRaisesRegex(
                    ValidationError, 'belongs to no network'):
                Offer.create([{**good,
                            'network_warehouse': warehouses[vienne].id}])

    @with_transaction()
    def test_allocation_draws_on_network(self):
        """Vienne's allocation draws on the offer Charente shares: the
        purchase and the sale are made in step at the network price"""
        pool = Pool()
        Allocation = pool.get('food_aid.allocation')
        Sale = pool.get('sale.sale')
        Purchase = pool.get('purchase.purchase')
        Offer = pool.get('food_aid.producer.offer')
        (_, charente, vienne, gironde, farm, carrots,
            warehouses) = self._gardens()
        offer = self._shared_offer(
            charente, farm, carrots, warehouses[charente],
            unit_price=D('1.3000'))
        self._order(vienne, warehouses[vienne], carrots, 30)
        manager = self._user(
            vienne, 'vienne', 'food_aid.group_food_aid_manager',
            'sale.group_sale', 'purchase.group_purchase')
        with set_company(vienne):
            allocation, = Allocation.create([{
                        'warehouse': warehouses[vienne].id,
                        'date_start': MONDAY, 'date_end': SUNDAY}])
        with self._acting_as(manager):
            allocation = Allocation(allocation.id)
            Allocation.compute([allocation])
            line, = allocation.lines
            self.assertEqual(
                (line.producer, line.network_seller, line.quantity,
                    line.unit_price, line.amount),
                (farm, charente.party, 30, D('1.6000'), D('48.00')))
            Allocation.confirm([allocation])
            # Vienne's staff see their own purchase, not Charente's books
            purchase, = Purchase.search([])
            self.assertEqual(Sale.search([('company', '=', charente.id)]), [])
            self.assertEqual(Offer.search([]), [])
        self.assertEqual(
            (purchase.company, purchase.party, purchase.warehouse,
                purchase.untaxed_amount, purchase.state),
            (vienne, charente.party, warehouses[vienne], D('48.00'),
                'draft'))
        line = type(line)(line.id)
        sale = line.network_sale_line.sale
        self.assertEqual(
            (sale.company, sale.party, sale.warehouse, sale.shipping_date,
                sale.untaxed_amount, sale.state),
            # shipped from the week's start, or today past midnight
            (charente, vienne.party, warehouses[charente],
                max(MONDAY, pool.get('ir.date').today()),
                D('48.00'), 'draft'))
        producer_purchase = line.network_purchase_line.purchase
        self.assertEqual(
            (producer_purchase.company, producer_purchase.party,
                producer_purchase.warehouse, producer_purchase.untaxed_amount),
            (charente, farm, warehouses[charente], D('39.00')))
        offer = Offer(offer.id)
        self.assertEqual(
            (offer.allocated_quantity, offer.remaining_quantity), (30, 20))

        # Charente's own allocation: the network sale is covered
        with set_company(charente):
            sale = Sale(sale.id)
            Sale.quote([sale])
            Sale.confirm([sale])
            own, = Allocation.create([{
                        'warehouse': warehouses[charente].id,
                        'date_start': MONDAY, 'date_end': SUNDAY}])
            self.assertEqual(own.get_ordered_quantities(), {carrots.id: 30})
            self.assertEqual(own.get_demands(), {})

        # Once confirmed, the seller's sale holds the allocation's cancel
        with set_company(vienne):
            with self.assertRaisesRegex(
                    ValidationError, 'is already confirmed'):
                Allocation.cancel([allocation])
            self.assertEqual(Allocation(allocation.id).state, 'confirmed')

    @with_transaction()
    def test_network_lots_pass_to_reception(self):
        """The lots Charente ships to Vienne are the lots of Vienne's
        reception, its move split by lot, whichever garden goes first"""
        pool = Pool()
        Allocation = pool.get('food_aid.allocation')
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Purchase = pool.get('purchase.purchase')
        (_, charente, vienne, _, farm, carrots,
            warehouses) = self._gardens()
        self._shared_offer(charente, farm, carrots, warehouses[charente])
        self._order(vienne, warehouses[vienne], carrots, 30)
        with set_company(vienne):
            allocation = self._computed_allocation(warehouses[vienne])
            Allocation.confirm([allocation])
            line, = Allocation(allocation.id).lines
        customer, = Location.search([('type', '=', 'customer')])

        def ship(lots):
            "Charente ships the network sale line in the lots"
            with set_company(charente):
                moves = Move.create([{
                            'product': carrots.id, 'unit': carrots.default_uom,
                            'quantity': quantity, 'lot': lot.id,
                            'from_location': (
                                warehouses[charente].storage_location.id),
                            'to_location': customer.id,
                            'origin': str(line.network_sale_line),
                            'unit_price': D('1.6000'),
                            'currency': charente.currency.id,
                            'company': charente.id,
                            } for lot, quantity in lots])
                Move.do(moves)

        def received():
            return sorted(
                (m.quantity, m.lot.number if m.lot else None, m.state)
                for m in Move.search([
                        ('origin', '=', str(line.purchase_line))]))

        with set_company(charente):
            lots = Lot.create([
                    {'number': n, 'product': carrots.id}
                    for n in ['L1', 'L2']])
        with set_company(vienne):
            purchase = Purchase(line.purchase_line.purchase.id)
            Purchase.quote([purchase])
            Purchase._process_fulfillment([purchase])
        self.assertEqual(received(), [(30, None, 'draft')])

        # Vienne's move waits: Charente's shipment of a part passes its lot
        ship([(lots[0], 18)])
        self.assertEqual(
            received(), [(12, None, 'draft'), (18, 'L1', 'draft')])

        # Charente ships the rest before Vienne's purchase makes its moves:
        # they are made with the lots shipped
        with set_company(vienne):
            Move.delete(Move.search([
                        ('origin', '=', str(line.purchase_line))]))
        ship([(lots[1], 12)])
        self.assertEqual(received(), [])
        with set_company(vienne):
            Purchase._process_fulfillment([Purchase(purchase.id)])
        self.assertEqual(
            received(), [(12, 'L2', 'draft'), (18, 'L1', 'draft')])

    @with_transaction()
    def test_allocation_garden_left_network(self):
        "An offer no longer shared with the garden is not drawn on"
        pool = Pool()
        Allocation = pool.get('food_aid.allocation')
        Company = pool.get('company.company')
        Purchase = pool.get('purchase.purchase')
        (_, charente, vienne, gironde, farm, carrots,
            warehouses) = self._gardens()
        self._shared_offer(charente, farm, carrots, warehouses[charente])
        self._order(vienne, warehouses[vienne], carrots, 30)
        with set_company(vienne):
            allocation = self._computed_allocation(warehouses[vienne])
            self.assertEqual(len(allocation.lines), 1)
            Company.write([vienne], {'network': None})
            with self.assertRaisesRegex(
                    ValidationError, 'no longer shares it'):
                Allocation.confirm([Allocation(allocation.id)])
            self.assertEqual(Purchase.search([]), [])
            Allocation.compute([allocation])
            self.assertEqual(Allocation(allocation.id).lines, ())

    @with_transaction()
    def test_gardens_staff_isolated(self):
        "A garden's staff neither read nor change the other's network"
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        Network = pool.get('food_aid.network')
        OfferGarden = pool.get('food_aid.producer.offer-company.company')
        (network, charente, vienne, gironde, farm, carrots,
            warehouses) = self._gardens()
        offer = self._shared_offer(
            charente, farm, carrots, warehouses[charente],
            network_gardens=[('add', [vienne.id])])
        vienne_manager = self._user(
            vienne, 'vienne', 'food_aid.group_food_aid_manager')
        gironde_manager = self._user(
            gironde, 'gironde', 'food_aid.group_food_aid_manager')
        with self._acting_as(vienne_manager):
            self.assertEqual(Offer.search([]), [])
            self.assertEqual(OfferGarden.search([]), [])
            self.assertEqual(Network.search([]), [network])
            with self.assertRaises(AccessError):
                Offer.write([Offer(offer.id)], {'network_price': D('2')})
            with self.assertRaises(AccessError):
                Network.write([network], {'name': "Autre"})
        with self._acting_as(gironde_manager):
            self.assertEqual(Network.search([]), [])
        self.assertEqual(Offer(offer.id).network_price, D('1.6000'))
