# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Demo data of food_aid_pricing: the platform's fees per channel, the
household tiers of the basket households, and sales priced with their
breakdown.

Called by the demo loader with load(demo) on a configured proteus
connection; see the docstring of load for what demo holds.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model
from proteus import config as proteus_config

TIERS = [
    # name, household share
    ("Tranche 1 - quotient familial bas", Decimal('0.10')),
    ("Tranche 2 - quotient familial intermédiaire", Decimal('0.30')),
    ("Tranche 3 - quotient familial haut", Decimal('0.50')),
    ]

# What each channel buys in the demo week, to show its breakdown
WEEK_SALES = [
    # channel, customer index, [(product, quantity)]
    ('catering', 0, [("Carottes", 60), ("Pommes de terre", 120),
            ("Salade batavia", 40)]),
    ('food_aid', 1, [("Carottes", 60), ("Pommes de terre", 120),
            ("Salade batavia", 40)]),
    ('basket', 4, [("Carottes", 2), ("Pommes de terre", 3),
            ("Salade batavia", 1)]),
    ('other', 0, [("Carottes", 15), ("Tomates", 10)]),
    ]


def configure(demo):
    """The household tiers and the fees, before the sales are made

    demo has today, company, category, products (name → product.product),
    customers (kind → parties) and channels (kind → food_aid.channel).
    """
    load_tiers(demo)
    load_fees(demo)


def load(demo):
    "A confirmed sale per channel for the coming week"
    reprice_open_sales(demo)
    return load_week_sales(demo)


def load_tiers(demo):
    "Three household tiers, given in turn to the basket households"
    Party = Model.get('party.party')
    Tier = Model.get('food_aid.household_tier')
    tiers = [Tier(name=name, household_share=share) for name, share in TIERS]
    Tier.save(tiers)
    households = demo.customers['basket']
    for index, household in enumerate(households):
        household.household_tier = tiers[index % len(tiers)]
    Party.save(households)
    demo.household_tiers = tiers
    return tiers


def load_fees(demo):
    "The fees of the platform: what each channel pays above the fair price"
    Fee = Model.get('food_aid.fee')
    Template = Model.get('product.template')
    Channel = Model.get('food_aid.channel')

    def channel(kind):
        return Channel(demo.channels[kind].id)
    unit = demo.products["Salade batavia"].default_uom

    template = Template(name="Livraison en restauration collective")
    template.type = 'service'
    template.default_uom = unit
    template.salable = True
    template.list_price = Decimal('15.00')
    template.account_category = demo.category
    template.save()
    delivery, = template.products

    logistics = Fee(company=demo.company, name="Logistique et stockage")
    logistics.kind = 'logistics'
    logistics.computation = 'per_unit'
    logistics.amount = Decimal('0.25')

    packing = Fee(company=demo.company, name="Conditionnement des paniers")
    packing.kind = 'packing'
    packing.computation = 'percentage'
    packing.rate = Decimal('0.08')
    packing.channels.append(channel('basket'))

    transport = Fee(company=demo.company, name="Livraison en cuisine")
    transport.kind = 'transport'
    transport.computation = 'per_order'
    transport.amount = Decimal('15.00')
    transport.product = delivery
    transport.channels.append(channel('catering'))

    solidarity = Fee(company=demo.company, name="Fonds de solidarité")
    solidarity.kind = 'solidarity_fund'
    solidarity.computation = 'percentage'
    solidarity.rate = Decimal('0.02')
    solidarity.channels.extend([channel('catering'), channel('other')])

    fees = [logistics, packing, transport, solidarity]
    Fee.save(fees)
    demo.fees = fees
    return fees


def reprice_open_sales(demo):
    """Reprice the draft and quoted sales with the fees: back to draft,
    channel written again, quoted again when they were"""
    Sale = Model.get('sale.sale')
    context = proteus_config.get_config().context
    quoted = Sale.find([('state', '=', 'quotation')])
    if quoted:
        Sale.click(quoted, 'draft')
    drafts = Sale.find([('state', '=', 'draft')])
    for sale in drafts:
        # writing the channel reprices the lines of a draft sale
        Sale.write([sale.id], {'channel': sale.channel.id}, context)
    if quoted:
        Sale.click([Sale(s.id) for s in quoted], 'quote')


def load_week_sales(demo):
    "Confirmed sales of the coming week in each channel, with their breakdown"
    Sale = Model.get('sale.sale')
    sales = []
    for kind, index, lines in WEEK_SALES:
        customers = demo.customers[kind]
        sale = Sale(company=demo.company)
        sale.party = customers[index % len(customers)]
        sale.channel = demo.channels[kind]
        sale.sale_date = demo.today
        sale.description = "Commande de la semaine prochaine"
        for name, quantity in lines:
            line = sale.lines.new()
            line.product = demo.products[demo.in_season(name, demo.today)]
            line.quantity = quantity
            line.shipping_date = demo.today + dt.timedelta(days=7)
        sales.append(sale)
    Sale.save(sales)
    Sale.click(sales, 'quote')
    Sale.click(sales, 'confirm')
    return sales
