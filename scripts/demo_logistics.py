# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Demo data of food_aid_logistics: each week of the history the weighed
receptions of the allocation's purchases on Tuesday and the rounds that
deliver the orders on Thursday; in the current week the receptions, some
still waiting to be weighed or stored, a production of weekly baskets, two
delivery rounds, a loss and a donation received.

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
# Kilograms above which a delivery goes by truck
HEAVY = 100
BASKETS = 5


def get_id(module, xml_id):
    ModelData = Model.get('ir.model.data')
    return ModelData.get_id(
        module, xml_id, proteus_config.get_config().context)


def click_accepting(records, button):
    "Click the button of the records, accepting the warnings as the user would"
    from trytond.exceptions import UserWarning
    Warning = Model.get('res.user.warning')
    config = proteus_config.get_config()
    while True:
        try:
            return type(records[0]).click(records, button)
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
    demo.receptions = load_receptions(demo)
    demo.basket_production = load_baskets(demo)
    demo.rounds = load_rounds(demo)
    demo.loss = load_loss(demo)
    demo.donation = load_donation(demo)


def configure(demo):
    "The shelf life, cold chain and weight of the produce, the vehicles"
    setup_products(demo)
    demo.vehicles = setup_vehicles(demo)


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


def week(demo, week):
    """A week of the history: the allocation's purchases received on
    Tuesday, the orders delivered by two rounds on Thursday"""
    ShipmentIn = Model.get('stock.shipment.in')
    ShipmentOut = Model.get('stock.shipment.out')
    Round = Model.get('food_aid.delivery.round')
    tuesday = week.monday + dt.timedelta(days=1)
    thursday = week.monday + dt.timedelta(days=3)
    with demo.clock(tuesday):
        receptions = reception_shipments(demo, week.purchases, tuesday)
        if receptions:
            # what is received is sold by Thursday: no stock left to expire
            weigh(receptions, tuesday, exact=True)
            ShipmentIn.click(receptions, 'receive')
            ShipmentIn.click(receptions, 'do')
    with demo.clock(thursday):
        shipments = ShipmentOut.find([
                ('company', '=', demo.company.id),
                ('warehouse', '=', demo.warehouse.id),
                ('state', '=', 'waiting'),
                ('planned_date', '<=', thursday),
                ])
        # what was received covers the orders: assigned all at once
        if shipments:
            ShipmentOut.click(shipments, 'assign_try')
        rounds = load_vehicles(demo, shipments, thursday, same_day=True)
        Round.click(rounds, 'deliver')


def reception_shipments(demo, purchases, day):
    "The supplier shipments of the purchases, received on the day"
    ShipmentIn = Model.get('stock.shipment.in')
    Move = Model.get('stock.move')
    shipments = []
    for purchase in purchases:
        # received once allocated: never before the allocation's week
        shipment = ShipmentIn(supplier=purchase.party)
        shipment.company = demo.company
        shipment.warehouse = demo.warehouse
        shipment.effective_date = day
        for move in purchase.moves:
            shipment.incoming_moves.append(Move(move.id))
        shipments.append(shipment)
    ShipmentIn.save(shipments)
    return shipments


def weigh(shipments, day, exact=False):
    "Weigh the produce received, harvested the day before or two"
    ShipmentIn = Model.get('stock.shipment.in')
    for shipment in shipments:
        for rank, move in enumerate(shipment.incoming_moves):
            # the scale rarely says what was ordered: a bit more, never less
            if move.unit.symbol == 'kg' and not exact:
                move.quantity = round(move.quantity * (1.04 + rank % 3 / 100), 1)
            move.harvest_date = day - dt.timedelta(days=1 + rank % 2)
            move.effective_date = day
    ShipmentIn.save(shipments)
    ShipmentIn.click(shipments, 'create_lots')


def load_receptions(demo):
    """Receive the purchases of the week's allocation, weighed, but for a
    few left for the user to try: one waiting to be weighed, one weighed
    and received but not yet stored"""
    Purchase = Model.get('purchase.purchase')
    ShipmentIn = Model.get('stock.shipment.in')
    purchases = Purchase.find([
            ('company', '=', demo.company.id),
            ('origin', 'like', 'food_aid.allocation,%'),
            ('state', '=', 'draft'),
            ], order=[('id', 'ASC')])
    Purchase.click(purchases, 'quote')
    Purchase.click(purchases, 'confirm')
    # the last producers deliver later in the week
    waiting = [p.id for p in purchases[1:]][-2:]
    shipments = reception_shipments(demo, purchases, demo.today)
    to_weigh = [s for s, p in zip(shipments, purchases)
        if p.id not in waiting[:1]]
    if to_weigh:
        weigh(to_weigh, demo.today)
        click_accepting(to_weigh, 'receive')
    done = [s for s, p in zip(shipments, purchases) if p.id not in waiting]
    if done:
        ShipmentIn.click(done, 'do')
    return shipments


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
    shipments = ShipmentOut.find([
            ('company', '=', demo.company.id),
            ('warehouse', '=', demo.warehouse.id),
            ('state', '=', 'waiting'),
            ])
    rounds = load_vehicles(demo, shipments, demo.today)
    if len(rounds) < 2:
        raise ValueError("The demo needs shipments in stock for two rounds")
    # the first round is back, the truck leaves tomorrow
    rounds[0].click('deliver')
    return rounds


def load_vehicles(demo, shipments, day, same_day=False):
    """The loaded rounds of the van and the truck that deliver the shipments
    in stock, the truck the next day unless same_day"""
    Round = Model.get('food_aid.delivery.round')

    totals = {s.id: sum(weight(m) for m in s.outgoing_moves)
        for s in shipments}

    def total(shipment):
        return totals[shipment.id]
    loads = {'van': [], 'truck': []}
    weights = {'van': 0, 'truck': 0}
    # the light ones first, so that a missing crate holds back few stops
    for shipment in sorted(shipments, key=lambda s: (total(s), s.id)):
        if shipment.state == 'waiting':
            shipment.click('assign_try')
        else:
            shipment.reload()
        if shipment.state != 'assigned':
            continue
        cold = any(m.product.template.refrigerated
            for m in shipment.outgoing_moves)
        heavy = total(shipment) > HEAVY
        for kind, capacity in [('van', VAN_CAPACITY), ('truck', TRUCK_CAPACITY)]:
            if (cold or heavy) and kind == 'van':
                continue
            if weights[kind] + total(shipment) <= capacity:
                loads[kind].append(shipment)
                weights[kind] += total(shipment)
                break
    # both vehicles go out: the van's heaviest stop by truck when none is
    if not loads['truck'] and len(loads['van']) > 1:
        loads['truck'].append(loads['van'].pop())
    rounds = []
    for days, kind in enumerate(['van', 'truck']):
        if not loads[kind]:
            continue
        delivery_round = Round(company=demo.company, warehouse=demo.warehouse)
        delivery_round.date = day + dt.timedelta(days=0 if same_day else days)
        delivery_round.vehicle = demo.vehicles[kind]
        for sequence, shipment in enumerate(loads[kind], 1):
            delivery_round.stops.new(shipment=shipment, sequence=sequence)
        rounds.append(delivery_round)
    if rounds:
        Round.save(rounds)
        Round.click(rounds, 'load')
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
