# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Demo data of food_aid_producer: the producer group, its fair prices,
each week of the history its offers of the season's produce and the
allocation whose purchases are confirmed, and the current week's open offers
and confirmed allocation with its purchases.

Called by the demo loader with load(demo) on a configured proteus
connection; see the docstring of load for what demo holds.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model
from proteus import config as proteus_config

# What a kilogram or a piece pays the producer when the product has no cost
DEFAULT_FAIR_PRICE = Decimal('1.5000')
# The producers who offer each week of the history, the garden first
HISTORY_PRODUCERS = 3


def fair_price(product):
    "A fair price for the demo: the cost price, or 60 % of the list price"
    if product.cost_price:
        return product.cost_price
    if product.template.list_price:
        return (product.template.list_price * Decimal('0.6')).quantize(
            Decimal('0.0001'))
    return DEFAULT_FAIR_PRICE


def offered_quantity(product, rank):
    "The quantity a producer of the given rank offers in the week"
    if product.default_uom.symbol == 'kg':
        return 40 - 5 * (rank % 4)
    return 30 - 4 * (rank % 4)


def purchasable_products(demo):
    return [
        p for _, p in sorted(demo.products.items())
        if p.purchasable and p.type == 'goods']


def configure(demo):
    """The producer group and its fair prices, before the sales are made

    demo has company, warehouse, today, producers (the garden first),
    products (name → product.product), customers (kind → parties) and
    channels (kind → food_aid.channel).
    """
    Group = Model.get('food_aid.producer.group')
    # since the first week of the history
    week_start = demo.start
    group = Group(name="Groupement des producteurs du jardin")
    group.company = demo.company
    for rank, producer in enumerate(demo.producers):
        member = group.members.new(producer=producer)
        member.priority = 1 if rank == 0 else 2
        member.date_start = week_start.replace(month=1, day=1)
    for product in purchasable_products(demo):
        price = group.prices.new(product=product)
        price.unit_price = fair_price(product)
        price.date_start = week_start.replace(month=1, day=1)
    group.save()


def open_offers(demo, products, week_start, week_end):
    "The producers' offers of the week, open"
    Offer = Model.get('food_aid.producer.offer')
    offers = []
    for rank, producer in enumerate(demo.producers):
        for index, product in enumerate(products):
            # each producer grows two products out of three
            if (rank + index) % 3 == 2:
                continue
            offer = Offer(company=demo.company, producer=producer)
            offer.product = product
            offer.date_start = week_start
            offer.date_end = week_end
            offer.quantity = offered_quantity(product, rank)
            offers.append(offer)
    Offer.save(offers)
    Offer.click(offers, 'open')
    return offers


def create_offers(demo, products, week_start, week_end):
    """The producers' offers of the week, open, created in one call: the
    server gives them the fair price in force"""
    Offer = Model.get('food_aid.producer.offer')
    context = proteus_config.get_config().context
    values = [{
            'company': demo.company.id, 'producer': producer.id,
            'product': product.id, 'date_start': week_start,
            'date_end': week_end,
            # fewer producers than this week's: larger offers
            'quantity': 3 * offered_quantity(product, rank),
            }
        for rank, producer in enumerate(demo.producers[:HISTORY_PRODUCERS])
        for index, product in enumerate(products)
        # each producer grows two products out of three
        if (rank + index) % 3 != 2]
    ids = Offer.create(values, context)
    Offer.open(ids, context)


def computed_allocation(demo, week_start, week_end):
    Allocation = Model.get('food_aid.allocation')
    allocation = Allocation(company=demo.company, warehouse=demo.warehouse)
    allocation.date_start = week_start
    allocation.date_end = week_end
    allocation.strategy = 'fair_share'
    allocation.save()
    allocation.click('compute')
    return allocation


def week(demo, week):
    """On the Monday of a week of the history: the offers of the season's
    produce, the allocation of the week's orders, its purchases confirmed"""
    Purchase = Model.get('purchase.purchase')
    products = [
        p for p in purchasable_products(demo)
        if p.template.name in week.produce]
    week_end = week.monday + dt.timedelta(days=6)
    with demo.clock(week.monday):
        create_offers(demo, products, week.monday, week_end)
        allocation = computed_allocation(demo, week.monday, week_end)
        allocation.click('confirm')
        purchases = Purchase.find([
                ('origin', '=', f'food_aid.allocation,{allocation.id}')])
        if purchases:
            Purchase.click(purchases, 'quote')
            Purchase.click(purchases, 'confirm')
    week.allocation = allocation
    week.purchases = purchases


def load(demo):
    """The current week's open offers of the season's produce and its
    confirmed allocation with the purchases"""
    season = demo.season(demo.today)
    products = [
        p for p in purchasable_products(demo) if p.template.name in season]
    week_start = demo.today
    week_end = demo.today + dt.timedelta(days=6)
    open_offers(demo, products, week_start, week_end)
    allocation = computed_allocation(demo, week_start, week_end)
    if not allocation.lines:
        _order_for_catering(demo, products[:3], week_start)
        allocation.click('compute')
    allocation.click('confirm')
    return allocation


def _order_for_catering(demo, products, week_start):
    "Confirm a sale to a canteen so that the week has a demand to allocate"
    Sale = Model.get('sale.sale')
    customer = demo.customers['catering'][0]
    sale = Sale(company=demo.company)
    sale.party = customer
    sale.channel = demo.channels['catering']
    sale.warehouse = demo.warehouse
    sale.shipping_date = week_start + dt.timedelta(days=1)
    for product in products:
        line = sale.lines.new()
        line.product = product
        line.quantity = 2 * offered_quantity(product, 0)
    sale.click('quote')
    sale.click('confirm')
    return sale
