#!/usr/bin/env python3
"""Load realistic French demo data into a database where the project's
modules are activated: a Jardin de Cocagne platform in Charente with its
producers, food-aid organisations, canteens, basket households, produce and
sales in every channel.

Each module that needs demo data of its own ships a loader
scripts/demo_<module suffix>.py: its optional configure(demo) runs before the
sales are created (prices, fees, tiers...), its load(demo) after them; the
loaders run in the order of the modules' dependencies.

Before the current week, the platform lives its past weeks (a year by
default, --weeks): each week the customers' orders of the season's produce
in every channel, then the optional week(demo, week) of each loader (offers
and allocation, receptions and rounds, invoices and claims), run with
Tryton's date (ir.date today) set to the days of that week so that every
workflow dates its records as the platform would have.
"""
import argparse
import contextlib
import datetime as dt
import importlib.util
import pathlib
import sys
import time
import types
from decimal import Decimal
from unittest import mock

from proteus import Model, Wizard
from proteus import config as proteus_config

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Loaders of the modules' own demo data, in dependency order.
MODULE_LOADERS = [
    ('food_aid_producer', 'demo_producer'),
    ('food_aid_pricing', 'demo_pricing'),
    ('food_aid_logistics', 'demo_logistics'),
    ('food_aid_subsidy', 'demo_subsidy'),
    ('food_aid_planning', 'demo_planning'),
    ('food_aid_reporting', 'demo_reporting'),
    ('food_aid_einvoicing', 'demo_einvoicing'),
    ('food_aid_portal', 'demo_portal'),
    ('food_aid_network', 'demo_network'),
    ]
# Weeks of history before the current week: a year
WEEKS = 52


def step(message):
    print(f'    {message}', flush=True)


@contextlib.contextmanager
def clock(day):
    "Run Tryton's workflows as if today were day (ir.date's today)"
    from trytond.ir.date import Date
    with mock.patch.object(
            Date, 'today', staticmethod(lambda timezone=None: day)):
        yield


@contextlib.contextmanager
def history():
    """Answer yes to the workflows' warnings, as the user who confirms them
    (the context's _skip_warnings does not pass the RPC layer), and leave
    the posted invoices' printed copy to their first print"""
    from trytond.modules.account_invoice.invoice import Invoice
    from trytond.res.user import Warning_
    with mock.patch.object(
            Warning_, 'check', classmethod(lambda cls, name: False)), \
            mock.patch.object(
                Invoice, 'print_invoice',
                classmethod(lambda cls, invoices: None)):
        yield


def siret(siren, nic):
    "Return a SIRET with a valid Luhn key from a SIREN and a 4-digit NIC"
    base = ''.join(c for c in siren if c.isdigit()) + f'{nic:04d}'
    for key in range(10):
        number = base + str(key)
        total = 0
        for index, digit in enumerate(reversed(number)):
            value = int(digit) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return number


def siren(prefix):
    "Return a SIREN with a valid Luhn key from 8 digits"
    for key in range(10):
        number = f'{prefix:08d}{key}'
        total = 0
        for index, digit in enumerate(reversed(number)):
            value = int(digit) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return number


def get_id(xml_id):
    ModelData = Model.get('ir.model.data')
    module, fs_id = xml_id.split('.')
    return ModelData.get_id(module, fs_id, proteus_config.get_config().context)


def setup_company(today, start):
    Party = Model.get('party.party')
    Currency = Model.get('currency.currency')
    Country = Model.get('country.country')
    Lang = Model.get('ir.lang')
    User = Model.get('res.user')

    step("company, currency and country")
    french, = Lang.find([('code', '=', 'fr')])
    euro, = Currency.find([('code', '=', 'EUR')]) or [None]
    if not euro:
        euro = Currency(name="Euro", code='EUR', symbol='€', rounding=Decimal('0.01'), digits=2)
        euro.save()
    if not euro.rates:
        rate = euro.rates.new()
        rate.date = start.replace(month=1, day=1)
        rate.rate = Decimal('1')
        euro.save()
    france, = Country.find([('code', '=', 'FR')]) or [None]
    if not france:
        france = Country(name="France", code='FR', code3='FRA')
        france.save()

    party = Party(name="Jardin de Cocagne de Charente")
    party.lang = french
    address(party, "12 route des Maraîchers", '16000', "Angoulême", france,
        phone='05 45 92 18 40')
    party.contact_mechanisms.new(
        type='email', value='contact@jardin-cocagne-charente.example')
    # the platform's own food-aid habilitation (regional, by the prefect)
    party.habilitation_reference = f'HAB-NA-{today.year - 1}-016'
    identifier = party.identifiers.new()
    identifier.type = 'fr_siren'
    identifier.code = siren(48273519)
    party.is_producer = True
    party.organic_certificate = 'FR-BIO-01/2016/0412'
    party.organic_certificate_expiry = today.replace(month=12, day=31)
    party.distance_km = 0
    party.save()
    # the SIRET of the establishment, printed in the documents' header
    party.identifiers.new(
        type='fr_siret', code=siret(party.identifiers[0].code, 12),
        address=party.addresses[0])
    party.save()

    company_config = Wizard('company.company.config')
    company_config.execute('company')
    company_config.form.party = party
    company_config.form.currency = euro
    company_config.execute('add')
    config = proteus_config.get_config()
    config._context = User.get_preferences(True, {})
    Company = Model.get('company.company')
    company, = Company.find()
    return company, france, french


def setup_accounting(company, today, start):
    Account = Model.get('account.account')
    AccountTemplate = Model.get('account.account.template')

    step("French chart of accounts (plan comptable général)")
    chart = Wizard('account.create_chart')
    chart.execute('account')
    chart.form.account_template = AccountTemplate(get_id('account_fr.root'))
    chart.form.company = company
    chart.execute('create_account')
    receivable, = Account.find([('code', '=', '4111')])
    payable, = Account.find([('code', '=', '4011')])
    revenue, = Account.find([('code', '=', '7071')])
    expense, = Account.find([('code', '=', '6071')])
    chart.form.account_receivable = receivable
    chart.form.account_payable = payable
    if hasattr(chart.form, 'category_account_revenue'):
        chart.form.category_account_revenue = revenue
        chart.form.category_account_expense = expense
    chart.execute('create_properties')

    for year in range(start.year, today.year + 1):
        setup_fiscal_year(company, year)
    return types.SimpleNamespace(
        receivable=receivable, payable=payable,
        revenue=revenue, expense=expense)


def setup_fiscal_year(company, year):
    FiscalYear = Model.get('account.fiscalyear')
    SequenceStrict = Model.get('ir.sequence.strict')
    SequenceType = Model.get('ir.sequence.type')

    step("fiscal year %s with its sequences" % year)
    fiscalyear = FiscalYear(name=str(year))
    fiscalyear.start_date = dt.date(year, 1, 1)
    fiscalyear.end_date = dt.date(year, 12, 31)
    fiscalyear.company = company
    move_type = SequenceType(get_id('account.sequence_type_account_move'))
    fiscalyear.move_sequence = SequenceStrict(
        name=f"Écritures {year}", sequence_type=move_type,
        company=company, prefix=f'{year}-')
    fiscalyear.move_sequence.save()
    invoice_type = SequenceType(
        get_id('account_invoice.sequence_type_account_invoice'))
    invoice_sequence = SequenceStrict(
        name=f"Factures {year}", sequence_type=invoice_type,
        company=company, prefix=f'FA{year}-', padding=5)
    invoice_sequence.save()
    if fiscalyear.invoice_sequences:
        sequences, = fiscalyear.invoice_sequences
    else:
        sequences = fiscalyear.invoice_sequences.new()
    sequences.out_invoice_sequence = invoice_sequence
    sequences.out_credit_note_sequence = invoice_sequence
    sequences.in_invoice_sequence = invoice_sequence
    sequences.in_credit_note_sequence = invoice_sequence
    fiscalyear.save()
    fiscalyear.click('create_period')


def setup_users(company, password):
    Company = Model.get('company.company')
    Group = Model.get('res.group')
    User = Model.get('res.user')
    Lang = Model.get('ir.lang')
    french, = Lang.find([('code', '=', 'fr')])
    admin, = User.find([('login', '=', 'admin')])
    admin.language = french
    admin.save()
    step("users of each group")
    for login, name, groups in [
            ('coordination', "Claire Rousseau (coordination)", [
                    'food_aid.group_food_aid_manager', 'sale.group_sale',
                    'purchase.group_purchase']),
            ('comptabilite', "Marc Lefèvre (comptabilité)", [
                    'food_aid.group_food_aid_accounting',
                    'account.group_account']),
            ('magasin', "Samir Benali (magasin)", [
                    'food_aid.group_food_aid_warehouse',
                    'stock.group_stock']),
            ]:
        user = User(login=login, name=name, password=password)
        user.language = french
        user.companies.append(Company(company.id))
        user.company = Company(company.id)
        for xml_id in groups:
            user.groups.append(Group(get_id(xml_id)))
        user.save()


def address(party, street, postal_code, city, country, phone=None):
    "Fill the party's address (the empty one a new party has) and phone"
    if party.addresses and not party.addresses[0].city:
        record = party.addresses[0]
    else:
        record = party.addresses.new()
    if phone is None:
        # a French landline of the department (05 for Nouvelle-Aquitaine)
        number = sum(ord(c) for c in party.name) * 7919 % 100000000
        phone = '05 ' + ' '.join(
            f'{number // 10 ** (2 * i) % 100:02d}' for i in (3, 2, 1, 0))
    if phone and not any(
            m.type == 'phone' for m in party.contact_mechanisms):
        party.contact_mechanisms.new(type='phone', value=phone)
    record.street = street
    record.postal_code = postal_code
    record.city = city
    record.country = country
    return record


PRODUCERS = [
    # name, city, postal code, distance, organic certificate
    ("Ferme du Grand Chêne", "Saint-Yrieix-sur-Charente", '16710', 8,
        'FR-BIO-01/2019/1187'),
    ("GAEC des Deux Vallées", "Mansle", '16230', 27, 'FR-BIO-10/2021/0093'),
    ("Les Vergers de la Tardoire", "Montbron", '16220', 29, None),
    ("Maraîchage Bio du Né", "Châteauneuf-sur-Charente", '16120', 24,
        'FR-BIO-01/2018/0560'),
    ("EARL Fontaine", "Ruffec", '16700', 45, None),
    ("Coopérative Terres de Charente", "Cognac", '16100', 42, None),
    ("Ferme des Coteaux", "Barbezieux-Saint-Hilaire", '16300', 35,
        'FR-BIO-01/2022/0311'),
    ]

NETWORKS = [
    "Les Restaurants du Cœur", "Secours populaire français",
    "Croix-Rouge française", "Fédération française des banques alimentaires",
    "ANDES - Réseau des épiceries solidaires", "Secours catholique",
    ]

# the national offices of the networks
NETWORK_OFFICES = [
    ("4 cité d'Antin", '75009', "Paris"),
    ("9-11 rue Froissart", '75003', "Paris"),
    ("98 rue Didot", '75014', "Paris"),
    ("15 avenue Carnot", '91300', "Massy"),
    ("4 boulevard de la Villette", '75019', "Paris"),
    ("106 rue du Bac", '75007', "Paris"),
    ]

ORGANISATIONS = [
    # name, network index, city, postal code, level, expiry in days, persons
    ("Restos du cœur - Centre d'Angoulême", 0, "Angoulême", '16000',
        'national', 700, 820),
    ("Restos du cœur - Cognac", 0, "Cognac", '16100', 'national', 700, 410),
    ("Secours populaire - Soyaux", 1, "Soyaux", '16800', 'national', 500,
        290),
    ("Secours populaire - La Couronne", 1, "La Couronne", '16400',
        'national', 500, 160),
    ("Croix-Rouge - Unité locale de Ruffec", 2, "Ruffec", '16700',
        'national', 400, 120),
    ("Banque alimentaire de la Charente", 3, "L'Isle-d'Espagnac", '16340',
        'national', 900, 5200),
    ("Épicerie solidaire Le Panier d'Ambroise", 4, "Angoulême", '16000',
        'regional', 300, 230),
    ("Épicerie sociale La Passerelle", 4, "Confolens", '16500',
        'regional', 150, 95),
    ("Secours catholique - Jarnac", 5, "Jarnac", '16200', 'national', 600,
        140),
    ("CCAS de Barbezieux-Saint-Hilaire", None, "Barbezieux-Saint-Hilaire",
        '16300', 'regional', -20, 180),
    ]

CATERING = [
    # name, city, postal code, SIREN prefix
    ("Cuisine centrale de Soyaux", "Soyaux", '16800', 21160374),
    ("Collège Jules Verne", "Angoulême", '16000', 19160012),
    ("EHPAD Les Tilleuls", "Cognac", '16100', 26160089),
    ]

HOUSEHOLDS = [
    ("Sophie Martin", "Angoulême", '16000'),
    ("Karim et Leïla Haddad", "Soyaux", '16800'),
    ("Famille Dubois", "Gond-Pontouvre", '16160'),
    ("Nathalie Moreau", "Ruelle-sur-Touvre", '16600'),
    ("Jean-Pierre Lambert", "Angoulême", '16000'),
    ("Aurélie et Thomas Girard", "Saint-Michel", '16470'),
    ("Fatou Diallo", "La Couronne", '16400'),
    ("Famille Bernard", "Champniers", '16430'),
    ("Monique Faure", "Angoulême", '16000'),
    ("Lucas Petit", "L'Isle-d'Espagnac", '16340'),
    ("Famille Nguyen", "Soyaux", '16800'),
    ("Chantal Roux", "Magnac-sur-Touvre", '16600'),
    ("Yannick et Marie Fontaine", "Fléac", '16730'),
    ("Famille Garcia", "Angoulême", '16000'),
    ("Hélène Chevalier", "Puymoyen", '16400'),
    ]

PRODUCTS = [
    # name, unit, list price, cost price, family, labels
    ("Carottes", 'kg', '2.40', '1.30', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Pommes de terre", 'kg', '1.60', '0.80', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Poireaux", 'kg', '3.20', '1.90', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Courgettes", 'kg', '2.80', '1.50', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Tomates", 'kg', '3.90', '2.30', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Salade batavia", 'u', '1.20', '0.60', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Chou vert", 'u', '2.20', '1.10', 'FRUITS_ET_LEGUMES', ['HVE']),
    ("Potimarron", 'kg', '2.90', '1.50', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Courge butternut", 'kg', '2.70', '1.40', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Oignons jaunes", 'kg', '2.10', '1.00', 'FRUITS_ET_LEGUMES', ['HVE']),
    ("Échalotes", 'kg', '5.50', '3.20', 'FRUITS_ET_LEGUMES', ['FERMIER']),
    ("Ail blanc", 'kg', '9.00', '5.50', 'FRUITS_ET_LEGUMES', []),
    ("Betteraves rouges", 'kg', '2.50', '1.30', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Navets", 'kg', '2.60', '1.30', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Radis (botte)", 'u', '1.40', '0.70', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Épinards", 'kg', '6.50', '3.80', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Blettes", 'kg', '3.40', '1.80', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Haricots verts", 'kg', '6.90', '4.20', 'FRUITS_ET_LEGUMES', ['HVE']),
    ("Poivrons", 'kg', '4.80', '2.80', 'FRUITS_ET_LEGUMES', []),
    ("Aubergines", 'kg', '4.20', '2.40', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Concombres", 'u', '1.10', '0.55', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Céleri-rave", 'kg', '3.00', '1.60', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Panais", 'kg', '3.60', '1.90', 'FRUITS_ET_LEGUMES', ['BIO']),
    ("Fenouil", 'kg', '3.80', '2.00', 'FRUITS_ET_LEGUMES', []),
    ("Pommes Golden", 'kg', '2.60', '1.40', 'FRUITS_ET_LEGUMES', ['HVE']),
    ("Poires Conférence", 'kg', '3.20', '1.80', 'FRUITS_ET_LEGUMES', ['HVE']),
    ("Prunes d'Ente", 'kg', '4.50', '2.60', 'FRUITS_ET_LEGUMES',
        ['FERMIER']),
    ("Fraises", 'kg', '9.50', '6.00', 'FRUITS_ET_LEGUMES', ['FERMIER']),
    ("Melon charentais", 'u', '3.50', '2.00', 'FRUITS_ET_LEGUMES', ['IGP']),
    ("Noix", 'kg', '8.00', '5.00', 'FRUITS_ET_LEGUMES', ['AOCAOP']),
    ("Asperges vertes", 'kg', '8.50', '5.20', 'FRUITS_ET_LEGUMES', ['BIO']),
    ]

# The months of each produce in a Charente market garden (stored produce
# included: potatoes, carrots, onions, apples and nuts keep for months)
SEASONS = {
    "Carottes": range(1, 13), "Pommes de terre": range(1, 13),
    "Oignons jaunes": range(1, 13),
    "Poireaux": [1, 2, 3, 4, 9, 10, 11, 12],
    "Chou vert": [1, 2, 3, 10, 11, 12], "Potimarron": [1, 2, 9, 10, 11, 12],
    "Courge butternut": [1, 2, 3, 10, 11, 12],
    "Céleri-rave": [1, 2, 3, 10, 11, 12], "Panais": [1, 2, 3, 10, 11, 12],
    "Navets": [1, 2, 3, 4, 5, 10, 11, 12],
    "Betteraves rouges": [1, 2, 3, 6, 7, 8, 9, 10, 11, 12],
    "Pommes Golden": [1, 2, 3, 4, 9, 10, 11, 12],
    "Poires Conférence": [1, 9, 10, 11, 12], "Noix": [1, 2, 10, 11, 12],
    "Échalotes": [7, 8, 9, 10, 11, 12], "Ail blanc": [7, 8, 9, 10, 11],
    "Radis (botte)": [3, 4, 5, 6], "Épinards": [3, 4, 5, 10, 11],
    "Asperges vertes": [4, 5, 6], "Fraises": [5, 6, 7],
    "Salade batavia": [4, 5, 6, 7, 8, 9, 10], "Blettes": [5, 6, 7, 8, 9, 10],
    "Courgettes": [6, 7, 8, 9], "Tomates": [7, 8, 9, 10],
    "Haricots verts": [6, 7, 8, 9], "Concombres": [6, 7, 8, 9],
    "Poivrons": [7, 8, 9], "Aubergines": [7, 8, 9],
    "Melon charentais": [7, 8, 9], "Fenouil": [6, 7, 8, 9, 10],
    "Prunes d'Ente": [8, 9],
    }


def season(day):
    "The names of the produce of the day's month"
    return sorted(n for n, months in SEASONS.items() if day.month in months)


def in_season(name, day):
    """The name of the produce, or of a produce of the season in the same
    unit that replaces it out of its season"""
    produce = season(day)
    if name in produce or name not in SEASONS:
        return name
    unit = {p[0]: p[1] for p in PRODUCTS}
    same = [n for n in produce if unit[n] == unit[name]] or produce
    return same[sum(map(ord, name)) % len(same)]


def load_parties(demo):
    Party = Model.get('party.party')
    Count = Model.get('food_aid.beneficiary.count')
    Channel = Model.get('food_aid.channel')
    today, france, french = demo.today, demo.france, demo.french

    demo.channels = {c.kind: c for c in Channel.find([])}

    step(f"{len(PRODUCERS) + 1} producers, the garden first")
    producers = [demo.company.party]
    for name, city, postal_code, distance, certificate in PRODUCERS:
        party = Party(name=name, lang=french, is_producer=True)
        party.distance_km = distance
        if certificate:
            party.organic_certificate = certificate
            party.organic_certificate_expiry = today + dt.timedelta(days=300)
        address(party, "Lieu-dit Les Prés", postal_code, city, france)
        producers.append(party)
    Party.save(producers[1:])
    demo.producers = producers

    step(f"{len(ORGANISATIONS)} food-aid organisations and their networks")
    networks = []
    for name, (street, postal_code, city) in zip(NETWORKS, NETWORK_OFFICES):
        party = Party(name=name, lang=french)
        address(party, street, postal_code, city, france)
        networks.append(party)
    Party.save(networks)
    organisations = []
    for index, (name, network, city, postal_code, level, expiry,
            persons) in enumerate(ORGANISATIONS, 1):
        party = Party(name=name, lang=french, is_food_aid_organisation=True)
        party.food_aid_channel = demo.channels['food_aid']
        if network is not None:
            party.food_aid_network = networks[network]
        party.habilitation_level = level
        region = 'NAT' if level == 'national' else 'NA'
        party.habilitation_reference = f'HAB-{region}-{today.year - 2}-{index:03d}'
        party.habilitation_expiry = today + dt.timedelta(days=expiry)
        address(party, f"{index} rue de la Solidarité", postal_code, city,
            france)
        organisations.append(party)
    Party.save(organisations)
    counts = []
    for party, (*_, persons) in zip(organisations, ORGANISATIONS):
        count = Count(party=party)
        count.date_start = demo.start.replace(month=1, day=1)
        count.date_end = today.replace(month=12, day=31)
        count.persons = persons
        count.households = persons * 2 // 5
        count.women = persons * 11 // 20
        count.children = persons * 3 // 10
        count.seniors = persons // 8
        count.disabled = persons // 12
        count.migrants = persons // 10
        count.homeless = persons // 20
        counts.append(count)
    Count.save(counts)

    step(f"{len(CATERING)} catering establishments with their SIRET")
    catering = []
    for name, city, postal_code, prefix in CATERING:
        party = Party(name=name, lang=french, is_catering=True)
        party.food_aid_channel = demo.channels['catering']
        address(party, "Avenue de la République", postal_code, city, france)
        party.identifiers.new(type='fr_siren', code=siren(prefix))
        catering.append(party)
    Party.save(catering)
    for party in catering:
        # the SIRET identifies the establishment: the delivery address
        party.identifiers.new(
            type='fr_siret', code=siret(party.identifiers[0].code, 17),
            address=party.addresses[0])
    Party.save(catering)

    step(f"{len(HOUSEHOLDS)} basket households")
    households = []
    for name, city, postal_code in HOUSEHOLDS:
        party = Party(name=name, lang=french)
        party.food_aid_channel = demo.channels['basket']
        address(party, f"{len(households) + 3} rue des Jardins", postal_code,
            city, france, phone=f'06 12 34 {len(households) + 10:02d} 78')
        households.append(party)
    Party.save(households)

    market = Party(name="Biocoop Angoulême", lang=french)
    market.food_aid_channel = demo.channels['other']
    address(market, "Rue de Périgueux", '16000', "Angoulême", france)
    market.save()

    demo.customers = {
        'food_aid': organisations,
        'catering': catering,
        'basket': households,
        'other': [market],
        }


def load_products(demo):
    Category = Model.get('product.category')
    Label = Model.get('food_aid.quality_label')
    Tax = Model.get('account.tax')
    Template = Model.get('product.template')
    Uom = Model.get('product.uom')

    step(f"{len(PRODUCTS)} vegetables and fruit")
    sale_tax, = Tax.find([
            ('name', '=', "T.V.A. Vente de biens 5,5%"),
            ('parent', '=', None)])
    purchase_tax, = Tax.find([
            ('name', '=', "T.V.A. Achat de biens 5,5%"),
            ('parent', '=', None)])
    category = Category(name="Fruits et légumes frais")
    category.accounting = True
    category.account_revenue = demo.accounts.revenue
    category.account_expense = demo.accounts.expense
    category.customer_taxes.append(sale_tax)
    category.supplier_taxes.append(purchase_tax)
    category.save()
    demo.category = category
    units = {
        'kg': Uom(get_id('product.uom_kilogram')),
        'u': Uom(get_id('product.uom_unit')),
        }
    labels = {l.code: l for l in Label.find([])}
    templates = []
    for name, unit, list_price, cost_price, family, codes in PRODUCTS:
        template = Template(name=name, type='goods')
        template.default_uom = units[unit]
        template.salable = True
        template.purchasable = True
        template.list_price = Decimal(list_price)
        template.account_category = category
        template.food_family = family
        template.origin_country = demo.france
        template.quality_labels.extend(Label(labels[c].id) for c in codes)
        product, = template.products
        product.cost_price = Decimal(cost_price)
        templates.append(template)
    Template.save(templates)
    demo.products = {t.name: t.products[0] for t in templates}


SALES = [
    # channel, customer index, days ahead, state, [(product, quantity)]
    ('food_aid', 0, 3, 'confirm', [
            ("Carottes", 120), ("Pommes de terre", 250), ("Poireaux", 60),
            ("Pommes Golden", 80)]),
    ('food_aid', 2, 3, 'confirm', [
            ("Carottes", 40), ("Courge butternut", 50), ("Oignons jaunes", 30)]),
    ('food_aid', 5, 4, 'confirm', [
            ("Pommes de terre", 400), ("Carottes", 150), ("Chou vert", 60)]),
    ('food_aid', 6, 4, 'quote', [
            ("Salade batavia", 40), ("Tomates", 25), ("Courgettes", 30)]),
    ('catering', 0, 2, 'confirm', [
            ("Carottes", 90), ("Pommes de terre", 180), ("Potimarron", 45),
            ("Pommes Golden", 120)]),
    ('catering', 1, 2, 'confirm', [
            ("Carottes", 25), ("Betteraves rouges", 15), ("Poires Conférence", 30)]),
    ('catering', 2, 5, 'quote', [
            ("Poireaux", 20), ("Céleri-rave", 12), ("Panais", 10)]),
    ('basket', 0, 2, 'confirm', [("Carottes", 1), ("Poireaux", 1), ("Salade batavia", 1)]),
    ('basket', 1, 2, 'confirm', [("Pommes de terre", 2), ("Courgettes", 1), ("Radis (botte)", 1)]),
    ('basket', 2, 2, 'confirm', [("Potimarron", 1.5), ("Oignons jaunes", 1), ("Pommes Golden", 1)]),
    ('basket', 3, 2, 'draft', [("Tomates", 1), ("Concombres", 2)]),
    ('other', 0, 1, 'confirm', [("Fraises", 12), ("Melon charentais", 20), ("Noix", 5)]),
    ]


def setup_sales():
    Configuration = Model.get('sale.configuration')
    # produce is weighed when shipped: invoice what was delivered
    configuration = Configuration(1)
    configuration.sale_invoice_method = 'fulfillment'
    configuration.save()


# What the customers order each week: channel, customers, lines and the
# quantity of a line (kilograms, pieces for the produce sold by the piece)
WEEK_ORDERS = [
    ('food_aid', 2, 3, 30),
    ('catering', 1, 3, 18),
    ('basket', 2, 3, 1.5),
    ('other', 1, 2, 8),
    ]


def week_sales(demo, week):
    """The confirmed orders of the week in every channel, of the season's
    produce, delivered on Thursday

    The orders are keyed in on the server side, calling the on_change
    methods the client calls (the party's addresses and terms, the line's
    unit, taxes and composed price), without the client's round trips;
    quotation and confirmation then go through the sales' workflow."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    config = proteus_config.get_config()
    produce = [demo.products[n].id for n in week.produce]
    with Transaction().start(
            config.database_name, config.user, context=config.context):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        Product = pool.get('product.product')
        sale_defaults = Sale.default_get(
            list(Sale._fields), with_rec_name=False)
        line_defaults = Line.default_get(
            list(Line._fields), with_rec_name=False)
        sales = []
        for kind, count, lines, quantity in WEEK_ORDERS:
            customers = demo.customers[kind]
            for rank in range(count):
                sale = Sale(**sale_defaults)
                sale.company = demo.company.id
                sale.party = customers[
                    (week.index * count + rank) % len(customers)].id
                sale.on_change_party()
                sale.channel = demo.channels[kind].id
                sale.sale_date = week.monday
                sale.shipping_date = week.monday + dt.timedelta(days=3)
                sale_lines = []
                for line_rank in range(lines):
                    product = Product(produce[
                        (week.index * 5 + rank * lines + line_rank)
                        % len(produce)])
                    line = Line(**line_defaults)
                    line.sale = sale
                    line.product = product
                    line.on_change_product()
                    # a little more or less from a week to the next
                    factor = 1 + (week.index + rank + line_rank) % 3 / 4
                    line.quantity = round(quantity * factor, 1)
                    if product.default_uom.symbol != 'kg':
                        line.quantity = float(max(round(line.quantity), 1))
                    line.on_change_quantity()
                    sale_lines.append(line)
                sale.lines = sale_lines
                sales.append(sale)
        Sale.save(sales)
        ids = [s.id for s in sales]
    ProteusSale = Model.get('sale.sale')
    sales = [ProteusSale(i) for i in ids]
    ProteusSale.click(sales, 'quote')
    ProteusSale.click(sales, 'confirm')
    return sales


def load_history(demo, loaders, weeks):
    """Live the weeks before the current one, each with Tryton's date set to
    its days: the orders on Monday, then each loader's week(demo, week)"""
    hooks = [l.week for _, l in loaders if hasattr(l, 'week')]
    step(f"{weeks} weeks of history from {demo.start:%d/%m/%Y}: orders, "
        "offers, allocations, receptions, rounds, invoices and claims")
    started = time.process_time()
    with history():
        for index in range(weeks):
            monday = demo.start + dt.timedelta(weeks=index)
            week = types.SimpleNamespace(
                index=index, monday=monday, produce=season(monday))
            with clock(monday):
                week.sales = week_sales(demo, week)
            for hook in hooks:
                hook(demo, week)
            if monday.month != (monday + dt.timedelta(days=7)).month:
                step(f"    {monday:%m/%Y} done "
                    f"({time.process_time() - started:.0f} s of CPU)")


def load_sales(demo):
    Sale = Model.get('sale.sale')
    step(f"{len(SALES)} sales in the four channels")
    sales = {'quote': [], 'confirm': []}
    for kind, index, days, state, lines in SALES:
        sale = Sale()
        sale.party = demo.customers[kind][index]
        sale.sale_date = demo.today
        sale.channel = demo.channels[kind]
        for name, quantity in lines:
            line = sale.lines.new()
            line.product = demo.products[in_season(name, demo.today)]
            line.quantity = quantity
            line.shipping_date = demo.today + dt.timedelta(days=days)
        sale.save()
        if state != 'draft':
            sales['quote'].append(sale)
        if state == 'confirm':
            sales['confirm'].append(sale)
    Sale.click(sales['quote'], 'quote')
    Sale.click(sales['confirm'], 'confirm')


def module_loaders():
    "Yield the demo loader of each activated module that has one"
    Module = Model.get('ir.module')
    activated = {m.name for m in Module.find([('state', '=', 'activated')])}
    for module, name in MODULE_LOADERS:
        path = ROOT / 'scripts' / f'{name}.py'
        if module not in activated or not path.exists():
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        loader = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loader)
        yield module, loader


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', required=True)
    parser.add_argument('--password', default='cocagne16')
    parser.add_argument('--config', default=None)
    parser.add_argument(
        '--weeks', type=int, default=WEEKS,
        help="weeks of history before the current week (default: a year)")
    parser.add_argument(
        '--i-know-this-is-not-production', dest='consent',
        action='store_true',
        help="load the demo into a PostgreSQL database all the same")
    options = parser.parse_args()

    proteus_config.set_trytond(options.database, config_file=options.config)
    from trytond import backend
    if backend.name == 'postgresql':
        # demo users with a known password must never reach a real platform
        print(
            "WARNING: the demo creates users whose password is "
            f"{options.password!r} and fictitious parties, sales and "
            f"invoices in the PostgreSQL database {options.database!r}.",
            file=sys.stderr)
        if not options.consent:
            print(
                "Refused: pass --i-know-this-is-not-production to load the "
                "demo into a PostgreSQL database.", file=sys.stderr)
            return 2
    if options.weeks < 0:
        parser.error("--weeks must be 0 or more")
    load(options.password, weeks=options.weeks)


def load(password, today=None, weeks=WEEKS):
    """Load the demo data in the database of proteus' configuration: the
    given weeks of history, then the current week"""
    today = today or dt.date.today()
    demo = types.SimpleNamespace(today=today, weeks=weeks)
    demo.start = today - dt.timedelta(days=today.weekday(), weeks=weeks)
    demo.clock = clock
    demo.season = season
    demo.in_season = in_season
    demo.company, demo.france, demo.french = setup_company(today, demo.start)
    demo.accounts = setup_accounting(demo.company, today, demo.start)
    # the network's other gardens keep their books the same way
    demo.setup_accounting = setup_accounting
    setup_users(demo.company, password)
    demo.password = password
    Location = Model.get('stock.location')
    demo.warehouse, = Location.find([('type', '=', 'warehouse')], limit=1)
    load_parties(demo)
    load_products(demo)
    loaders = list(module_loaders())
    for module, loader in loaders:
        if hasattr(loader, 'configure'):
            step(f"configuration of {module}")
            loader.configure(demo)
    setup_sales()
    load_history(demo, loaders, weeks)
    load_sales(demo)
    for module, loader in loaders:
        step(f"demo data of {module}")
        loader.load(demo)
    print("    done", flush=True)
    return demo


if __name__ == '__main__':
    sys.exit(main())
