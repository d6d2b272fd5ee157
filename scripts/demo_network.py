# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Demo data of food_aid_network: the network of three gardens (Charente,
the demo's platform, with Vienne and Gironde), each new garden with its
warehouse, its producer group of the network's shared producers, its
food-aid organisations and their beneficiary counts, and three months of
sales in its channels; Charente opens a surplus offer to Vienne, whose
allocation of the week draws on it (confirmed: it made in step Vienne's
purchase from Charente and Charente's sale to Vienne); and the
network's coordinator, who reads the figures of the three gardens.

Called by the demo loader with load(demo) on a configured proteus
connection; see the docstring of load for what demo holds.
"""
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from proteus import Model
from proteus import config as proteus_config

NETWORK = "Réseau des Jardins de Cocagne de Nouvelle-Aquitaine"
# name, street, postal code, city, its food-aid organisations
GARDENS = [
    ("Jardin de Cocagne de la Vienne", "3 chemin des Essarts", '86000',
        "Poitiers", [
            ("Épicerie solidaire de Poitiers", 240),
            ("Secours populaire de Châtellerault", 410),
            ]),
    ("Jardin de Cocagne de la Gironde", "45 quai des Maraîchers", '33000',
        "Bordeaux", [
            ("Banque alimentaire de la Gironde", 1250),
            ("Restos du cœur de Libourne", 380),
            ]),
    ]
COORDINATOR = ('reseau', "Hélène Garnier (coordination du réseau)")
# what each organisation and the garden's canteen order each month
MONTHLY_ORDERS = [('food_aid', 60), ('catering', 35)]
# the price per kilogram of the new gardens' sales
UNIT_PRICE = Decimal('1.8000')
SURPLUS_QUANTITY = 60


def get_id(xml_id):
    ModelData = Model.get('ir.model.data')
    module, fs_id = xml_id.split('.')
    return ModelData.get_id(module, fs_id, proteus_config.get_config().context)


def garden_party(name, street, postal_code, city, country):
    Party = Model.get('party.party')
    party = Party(name=name)
    address = party.addresses[0] if party.addresses else (
        party.addresses.new())
    address.street = street
    address.postal_code = postal_code
    address.city = city
    address.country = country
    party.is_producer = True
    party.distance_km = 0
    party.save()
    return party


def garden_warehouse(city):
    "The garden's own warehouse with its input, output and storage zones"
    Location = Model.get('stock.location')
    zones = {}
    for kind, label, type_ in [
            ('input', "Réception", 'storage'),
            ('output', "Expédition", 'storage'),
            ('storage', "Stock", 'storage'),
            ('production', "Conditionnement", 'production')]:
        zones[kind] = Location(name=f"{label} {city}", type=type_)
        zones[kind].save()
    warehouse = Location(name=f"Entrepôt de {city}", type='warehouse')
    for kind, zone in zones.items():
        setattr(warehouse, f'{kind}_location', zone)
    warehouse.save()
    # the production zone stays outside the warehouse, as core's own
    storage_zones = [z for k, z in zones.items() if k != 'production']
    for zone in storage_zones:
        zone.parent = warehouse
    Location.save(storage_zones)
    return warehouse


def work_in(user, company, company_filter):
    "Make the user work in the company, seeing one or all of its companies"
    User = Model.get('res.user')
    config = proteus_config.get_config()
    User.write([user], {
            'company': company.id,
            'company_filter': company_filter,
            }, config.context)
    config._context = User.get_preferences(True, {})


def garden_books(demo, admin, company):
    """The garden's chart of accounts (the plan comptable général), its
    fiscal years with their sequences, and the accounts and VAT of the
    produce category in the garden's books"""
    Category = Model.get('product.category')
    Tax = Model.get('account.tax')
    # the chart is made in the garden the administrator works in
    work_in(admin, company, 'one')
    accounts = demo.setup_accounting(company, demo.today, demo.start)
    # the category holds the VAT of every garden, each garden's lines
    # take their own: it is edited seeing them all
    work_in(admin, company, 'all')
    category = Category(demo.category.id)
    category.account_revenue = accounts.revenue
    category.account_expense = accounts.expense
    for field, name in [
            ('customer_taxes', "T.V.A. Vente de biens 5,5%"),
            ('supplier_taxes', "T.V.A. Achat de biens 5,5%")]:
        getattr(category, field).extend(Tax.find([
                    ('company', '=', company.id),
                    ('name', '=', name),
                    ('parent', '=', None)]))
    category.save()


def producer_group(demo, company, city):
    "The garden's group of the network's shared producers"
    Group = Model.get('food_aid.producer.group')
    group = Group(name=f"Producteurs du jardin de {city}", company=company)
    for producer in demo.producers[1:]:
        member = group.members.new(producer=producer)
        member.priority = 1
        member.date_start = demo.start.replace(month=1, day=1)
    group.save()
    return group


def organisations(demo, company, names):
    "The garden's food-aid organisations, with this year's beneficiaries"
    Party = Model.get('party.party')
    Count = Model.get('food_aid.beneficiary.count')
    parties, counts = [], []
    for name, persons in names:
        party = Party(name=name, is_food_aid_organisation=True)
        party.habilitation_level = 'national'
        party.habilitation_reference = f"HAB-{abs(hash(name)) % 10000:04d}"
        party.habilitation_expiry = demo.today + relativedelta(years=2)
        party.food_aid_channel = demo.channels['food_aid']
        parties.append(party)
    Party.save(parties)
    for party, (_, persons) in zip(parties, names):
        counts.append(Count(
                company=company, party=party,
                date_start=demo.today.replace(month=1, day=1),
                date_end=demo.today.replace(month=12, day=31),
                persons=persons, households=persons // 2,
                women=persons // 2, children=persons // 3,
                seniors=persons // 8))
    Count.save(counts)
    return parties


def monthly_sales(demo, company, warehouse, customers):
    """Three months of confirmed sales of the season's produce: each month
    every organisation and the canteen order"""
    Sale = Model.get('sale.sale')
    sales = []
    for months in range(3, 0, -1):
        date = (demo.today - relativedelta(months=months)).replace(day=10)
        produce = [
            demo.products[n] for n in demo.season(date)
            if demo.products[n].default_uom.symbol == 'kg'][:4]
        for rank, (party, channel, quantity) in enumerate(customers):
            sale = Sale(company=company, party=party, channel=channel)
            sale.warehouse = warehouse
            sale.sale_date = date
            for index, product in enumerate(produce):
                line = sale.lines.new(product=product)
                line.quantity = quantity + 5 * ((rank + index) % 3)
                line.unit_price = UNIT_PRICE
            sales.append(sale)
    Sale.save(sales)
    Sale.click(sales, 'quote')
    Sale.click(sales, 'confirm')
    return sales


def share_surplus(demo, seller, buyer, buyer_warehouse):
    """A surplus offer of the seller garden opened to the buyer garden, and
    the buyer's allocation of the week drawing on it"""
    Offer = Model.get('food_aid.producer.offer')
    Allocation = Model.get('food_aid.allocation')
    Sale = Model.get('sale.sale')
    Company = Model.get('company.company')
    week_start = demo.today
    week_end = demo.today + dt.timedelta(days=6)
    product = next(
        demo.products[n] for n in demo.season(demo.today)
        if demo.products[n].default_uom.symbol == 'kg')
    producer = demo.producers[1]
    offer = Offer(company=seller, producer=producer, product=product)
    offer.date_start = week_start
    offer.date_end = week_end
    offer.quantity = SURPLUS_QUANTITY
    offer.network_shared = True
    # the network price: the producer's price and the seller's logistics
    offer.network_price = (offer.unit_price or Decimal(0)) + Decimal('0.2')
    offer.network_warehouse = demo.warehouse
    offer.network_gardens.append(Company(buyer.id))
    offer.save()
    offer.click('open')
    # the buyer's canteen orders more than its own producers offer
    canteen = demo.buyer_canteen
    sale = Sale(company=buyer, party=canteen,
        channel=demo.channels['catering'])
    sale.warehouse = buyer_warehouse
    sale.sale_date = week_start
    sale.shipping_date = week_start + dt.timedelta(days=2)
    line = sale.lines.new(product=product)
    line.quantity = SURPLUS_QUANTITY // 2
    line.unit_price = UNIT_PRICE
    sale.save()
    sale.click('quote')
    sale.click('confirm')
    allocation = Allocation(company=buyer, warehouse=buyer_warehouse)
    allocation.date_start = week_start
    allocation.date_end = week_end
    allocation.strategy = 'fair_share'
    allocation.save()
    # the confirmation makes in step Vienne's purchase from Charente,
    # Charente's sale to Vienne and its purchase from the producer, each
    # with the VAT of its garden's chart of accounts
    allocation.click('compute')
    allocation.click('confirm')
    return offer, allocation


def coordinator(password, companies):
    "The network's coordinator: its figures, none of the gardens' records"
    User = Model.get('res.user')
    Group = Model.get('res.group')
    Lang = Model.get('ir.lang')
    Company = Model.get('company.company')
    login, name = COORDINATOR
    french, = Lang.find([('code', '=', 'fr')])
    user = User(login=login, name=name, password=password)
    user.language = french
    for company in companies:
        user.companies.append(Company(company.id))
    user.company = Company(companies[0].id)
    user.groups.append(
        Group(get_id('food_aid_network.group_network_coordinator')))
    user.save()
    return user


def load(demo):
    """Load the network demo data

    demo has company (Charente), warehouse, today, start, season,
    producers (the garden first), products (name → product.product),
    customers (kind → parties), channels (kind → food_aid.channel) and
    password (the demo users').
    """
    Network = Model.get('food_aid.network')
    Company = Model.get('company.company')
    Currency = Model.get('currency.currency')
    Party = Model.get('party.party')
    User = Model.get('res.user')

    network = Network(name=NETWORK)
    network.save()
    charente = Company(demo.company.id)
    charente.network = network
    charente.save()
    euro = Currency(charente.currency.id)

    # the administrator works in every garden while the demo is loaded
    admin, = User.find([('login', '=', 'admin')])
    company_filter = admin.company_filter
    gardens = []
    for name, street, postal_code, city, names in GARDENS:
        party = garden_party(name, street, postal_code, city, demo.france)
        company = Company(party=party, currency=euro, network=network)
        company.save()
        admin.companies.append(Company(company.id))
        gardens.append((company, city, names))
    admin.save()
    for company, _, _ in gardens:
        garden_books(demo, admin, company)
    work_in(admin, charente, 'all')

    for company, city, names in gardens:
        warehouse = garden_warehouse(city)
        producer_group(demo, company, city)
        canteen = Party(name=f"Cuisine centrale de {city}", is_catering=True)
        canteen.food_aid_channel = demo.channels['catering']
        canteen.save()
        customers = [
            (o, demo.channels['food_aid'], MONTHLY_ORDERS[0][1])
            for o in organisations(demo, company, names)]
        customers.append(
            (canteen, demo.channels['catering'], MONTHLY_ORDERS[1][1]))
        monthly_sales(demo, company, warehouse, customers)
        if city == "Poitiers":
            vienne, vienne_warehouse = company, warehouse
            demo.buyer_canteen = canteen
    offer, allocation = share_surplus(
        demo, charente, vienne, vienne_warehouse)
    drawn = len(allocation.lines)

    work_in(admin, charente, company_filter)
    user = coordinator(
        getattr(demo, 'password', 'cocagne16'),
        [charente] + [c for c, _, _ in gardens])
    print(f"    network {NETWORK}: {1 + len(gardens)} gardens, "
        f"{drawn} allocation lines of Vienne drawn on "
        f"Charente's offer, coordinator {user.login}", flush=True)
    return network
