# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Demo data of food_aid_logistics: a week of weighed receptions with their
lots, a production of weekly baskets, two delivery rounds, a loss and a
donation received.

Called by the demo loader with load(demo) after the producer's loader, on a
configured proteus connection; see the docstring of load for what demo holds.
"""
import datetime as dt
import math
from decimal import Decimal

from proteus import Model, Wizard
from proteus import config as proteus_config

# Shelf life in days of the produce, from the harvest
SHELF_LIFE = {'kg': 10, 'u': 5}
# Weight in kilograms of the products sold by the piece
UNIT_WEIGHTS = {
    "Salade batavia": 0.4, "Chou vert": 1.2, "Radis (botte)": 0.3,
    "Concombres": 0.35, "Melon charentais": 1.2,
    }
REFRIGERATED = {"Salade batavia", "Épinards", "Fraises", "Radis (botte)"}
VAN_CAPACITY = 800
TRUCK_CAPACITY = 1500
BASKETS = 5


def get_id(module, xml_id):
    ModelData = Model.get('ir.model.data')
    return ModelData.get_id(
        module, xml_id, proteus_config.get_config().context)


def click_accepting(record, button):
    "Click the button, accepting the warnings as the user would"
    from trytond.exceptions import UserWarning
    Warning = Model.get('res.user.warning')
    config = proteus_config.get_config()
    while True:
        try:
            return record.click(button)
        except UserWarning as warning:
            Warning(user=config.user, name=warning.name).save()


def weight(move):
    "The weight in kilograms of a move, as the round computes it"
    if move.unit.symbol == 'kg':
        return move.quantity
    # the demo gives product_measurements' weights in kilograms
    return move.quantity * (move.product.template.weight or 0)


def load(demo):
    """Load the logistics demo data

    demo has today, company, warehouse, producers (the garden first),
    products (name → product.product), customers (kind → parties) and
    channels; the producer's loader confirmed an allocation whose draft
    purchases order the week's produce.
    """
    setup_products(demo)
    demo.vehicles = setup_vehicles(demo)
    demo.receptions = load_receptions(demo)
    demo.basket_production = load_baskets(demo)
    demo.rounds = load_rounds(demo)
    demo.loss = load_loss(demo)
    demo.donation = load_donation(demo)


def setup_products(demo):
    Template = Model.get('product.template')
    Uom = Model.get('product.uom')
    kilogram = Uom(get_id('product', 'uom_kilogram'))
    templates = []
    for name, product in demo.products.items():
        template = product.template
        template.shelf_life_state = 'optional'
        template.shelf_life_time = SHELF_LIFE.get(
            template.default_uom.symbol, 7)
        template.refrigerated = name in REFRIGERATED
        if name in UNIT_WEIGHTS:
            template.weight = UNIT_WEIGHTS[name]
            template.weight_uom = kilogram
        templates.append(template)
    Template.save(templates)


def setup_vehicles(demo):
    Vehicle = Model.get('food_aid.vehicle')
    van = Vehicle(name="Fourgon Kangoo", registration="FG-416-CK")
    van.company = demo.company
    van.capacity_kg = VAN_CAPACITY
    truck = Vehicle(name="Camion frigorifique", registration="GH-160-AF")
    truck.company = demo.company
    truck.capacity_kg = TRUCK_CAPACITY
    truck.refrigerated = True
    Vehicle.save([van, truck])
    return {'van': van, 'truck': truck}


def load_receptions(demo):
    "Receive the purchases of the week's allocation, weighed"
    Purchase = Model.get('purchase.purchase')
    ShipmentIn = Model.get('stock.shipment.in')
    Move = Model.get('stock.move')
    purchases = Purchase.find([
            ('company', '=', demo.company.id),
            ('origin', 'like', 'food_aid.allocation,%'),
            ('state', '=', 'draft'),
            ], order=[('id', 'ASC')])
    Purchase.click(purchases, 'quote')
    Purchase.click(purchases, 'confirm')
    receptions = []
    for purchase in purchases:
        purchase.reload()
        # received once allocated: never before the allocation's week
        day = demo.today
        shipment = ShipmentIn(supplier=purchase.party)
        shipment.company = demo.company
        shipment.warehouse = demo.warehouse
        shipment.effective_date = day
        for move in purchase.moves:
            shipment.incoming_moves.append(Move(move.id))
        shipment.save()
        for rank, move in enumerate(shipment.incoming_moves):
            # the scale rarely says what was ordered: a bit more, never less
            if move.unit.symbol == 'kg':
                move.quantity = round(move.quantity * (1.04 + rank % 3 / 100), 1)
            move.harvest_date = day - dt.timedelta(days=1 + rank % 2)
            move.effective_date = day
        shipment.save()
        shipment.click('create_lots')
        click_accepting(shipment, 'receive')
        shipment.click('do')
        receptions.append(shipment)
    return receptions


def available(demo, product):
    Product = Model.get('product.product')
    with proteus_config.get_config().set_context(
            locations=[demo.warehouse.storage_location.id],
            stock_date_end=demo.today):
        return Product(product.id).quantity


def load_baskets(demo):
    "Compose the week's baskets from the produce received"
    Template = Model.get('product.template')
    Uom = Model.get('product.uom')
    BOM = Model.get('production.bom')
    Production = Model.get('production')
    carrots = demo.products["Carottes"]
    potatoes = demo.products["Pommes de terre"]

    template = Template(name="Panier de la semaine", type='goods')
    template.default_uom = Uom(get_id('product', 'uom_unit'))
    template.salable = True
    template.producible = True
    template.list_price = Decimal('12.0000')
    template.account_category = demo.category
    template.food_family = 'FRUITS_ET_LEGUMES'
    template.weight = 2.0
    template.weight_uom = Uom(get_id('product', 'uom_kilogram'))
    template.lot_required = ['storage']
    template.shelf_life_state = 'optional'
    template.shelf_life_time = 7
    basket, = template.products
    basket.cost_price = Decimal('4.0000')
    template.save()
    basket, = template.products

    bom = BOM(name="Panier de la semaine")
    bom.inputs.new(product=carrots, quantity=1)
    bom.inputs.new(product=potatoes, quantity=1)
    bom.outputs.new(product=basket, quantity=1)
    bom.save()
    basket.boms.new(bom=bom)
    basket.save()
    demo.products[template.name] = basket

    quantity = min(
        BASKETS,
        math.floor(available(demo, carrots)),
        math.floor(available(demo, potatoes)))
    if quantity < 1:
        raise ValueError("No carrots or potatoes received for the baskets")
    production = Production(product=basket, bom=bom)
    production.company = demo.company
    production.warehouse = demo.warehouse
    production.quantity = quantity
    production.click('wait')
    production.click('assign_try')
    production.click('run')
    production.click('do')
    if production.state != 'done':
        raise ValueError("The basket production is not done")
    return production


def load_rounds(demo):
    "Deliver the shipments in stock: the van first, cold and heavy by truck"
    ShipmentOut = Model.get('stock.shipment.out')
    Round = Model.get('food_aid.delivery.round')
    shipments = ShipmentOut.find([
            ('company', '=', demo.company.id),
            ('warehouse', '=', demo.warehouse.id),
            ('state', '=', 'waiting'),
            ])

    def total(shipment):
        return sum(weight(m) for m in shipment.outgoing_moves)
    loads = {'van': [], 'truck': []}
    weights = {'van': 0, 'truck': 0}
    for shipment in sorted(shipments, key=lambda s: (total(s), s.id)):
        shipment.click('assign_try')
        if shipment.state != 'assigned':
            continue
        cold = any(m.product.template.refrigerated
            for m in shipment.outgoing_moves)
        for kind, capacity in [('van', VAN_CAPACITY), ('truck', TRUCK_CAPACITY)]:
            if cold and kind == 'van':
                continue
            if weights[kind] + total(shipment) <= capacity:
                loads[kind].append(shipment)
                weights[kind] += total(shipment)
                break
    rounds = []
    for days, kind in enumerate(['van', 'truck']):
        if not loads[kind]:
            continue
        delivery_round = Round(company=demo.company, warehouse=demo.warehouse)
        delivery_round.date = demo.today + dt.timedelta(days=days)
        delivery_round.vehicle = demo.vehicles[kind]
        for sequence, shipment in enumerate(loads[kind], 1):
            delivery_round.stops.new(shipment=shipment, sequence=sequence)
        delivery_round.save()
        delivery_round.click('load')
        rounds.append(delivery_round)
    if len(rounds) < 2:
        raise ValueError("The demo needs shipments in stock for two rounds")
    # the first round is back, the truck leaves tomorrow
    rounds[0].click('deliver')
    return rounds


def load_loss(demo):
    "Throw away a crate of produce found spoiled"
    Lot = Model.get('stock.lot')
    with proteus_config.get_config().set_context(
            locations=[demo.warehouse.storage_location.id],
            stock_date_end=demo.today):
        lots = Lot.find([
                ('quantity', '>=', 2),
                ('product.default_uom.symbol', '=', 'kg'),
                ], order=[('id', 'ASC')], limit=1)
    if not lots:
        raise ValueError("No lot in stock to record a loss")
    lot, = lots
    loss = Wizard('food_aid.loss.record', [lot])
    loss.form.location = demo.warehouse.storage_location
    loss.form.quantity = 2
    loss.form.reason = 'spoiled'
    loss.execute('save_loss')
    Move = Model.get('stock.move')
    move, = Move.find([('lot', '=', lot.id), ('loss_reason', '=', 'spoiled')])
    return move


def load_donation(demo):
    "A shop gives apples it can no longer sell"
    Donation = Model.get('food_aid.donation')
    donation = Donation(company=demo.company, warehouse=demo.warehouse)
    donation.donor = demo.customers['other'][0]
    donation.donor_kind = 'company'
    donation.date = demo.today
    line = donation.lines.new(product=demo.products["Pommes Golden"])
    line.quantity = 25
    line.unit_value = demo.products["Pommes Golden"].cost_price
    line.expiration_date = demo.today + dt.timedelta(days=10)
    donation.click('receive')
    return donation
