# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Demo data of food_aid_subsidy: the funders, three running grants (a local
Mieux manger pour tous grant, a foundation's price cap, the CAF's household
tiers) since the start of the history, each week of the history its
invoices posted on Friday and each month the local grant's claim; in the
current week subsidised sales with their posted invoices and a claim.

Called by the demo loader with load(demo) on a configured proteus
connection, after the sales of every channel are created.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model
from proteus import config as proteus_config

# The French chart's accounts that may clear the subsidies, in preference
CLEARING_CODES = ['4687', '4419']


def clearing_account(demo):
    Account = Model.get('account.account')
    for code in CLEARING_CODES:
        accounts = Account.find([
                ('code', '=', code),
                ('company', '=', demo.company.id),
                ], limit=1)
        if accounts:
            return accounts[0]
    raise LookupError(
        f"No clearing account {' or '.join(CLEARING_CODES)} in the chart")


FUNDER_ADDRESSES = {
    "Préfecture de la Charente (DDETS)": (
        "7-9 rue de la Préfecture", '16000', "Angoulême", '05 45 97 61 00'),
    "Fondation du Crédit Mutuel": (
        "88-90 rue Cardinet", '75017', "Paris", '01 44 01 10 10'),
    "CAF de la Charente": (
        "30 boulevard de Bury", '16911', "Angoulême", '05 45 94 46 00'),
    }


def funder(name, demo):
    Party = Model.get('party.party')
    Country = Model.get('country.country')
    party = Party(name=name, lang=demo.french)
    street, postal_code, city, phone = FUNDER_ADDRESSES[name]
    address = party.addresses[0] if party.addresses else party.addresses.new()
    address.street = street
    address.postal_code = postal_code
    address.city = city
    address.country = Country(demo.france.id)
    party.contact_mechanisms.new(type='phone', value=phone)
    party.save()
    return party


def load_grants(demo, account):
    "The three grants of the platform, running since the history's start"
    Grant = Model.get('food_aid.grant')
    Channel = Model.get('food_aid.channel')
    start = demo.start
    end = demo.today.replace(month=12, day=31)
    food_aid = Channel(demo.channels['food_aid'].id)
    basket = Channel(demo.channels['basket'].id)

    mmpt = Grant(
        reference=f'MMPT-16-{demo.today.year}',
        funder=funder("Préfecture de la Charente (DDETS)", demo),
        program='mmpt_local', amount=Decimal('40000.00'),
        date_start=start, date_end=end, priority=10,
        coverage='percentage', rate=Decimal('0.6'),
        requires_habilitation=True, clearing_account=account)
    mmpt.channels.append(food_aid)

    foundation = Grant(
        reference=f'FCM-{demo.today.year}-017',
        funder=funder("Fondation du Crédit Mutuel", demo),
        program='foundation', amount=Decimal('8000.00'),
        date_start=start, date_end=end, priority=20,
        coverage='price_cap', price_cap=Decimal('0.80'),
        clearing_account=account)
    foundation.channels.append(Channel(food_aid.id))

    caf = Grant(
        reference=f'CAF-16-PS-{demo.today.year}',
        funder=funder("CAF de la Charente", demo),
        program='caf_msa', amount=Decimal('6000.00'),
        date_start=start, date_end=end, priority=10,
        coverage='tier', customer_monthly_cap=Decimal('60.00'),
        clearing_account=account)
    caf.channels.append(basket)

    grants = [mmpt, foundation, caf]
    Grant.save(grants)
    Grant.click(grants, 'run')
    return grants


def load_sales(demo):
    """Sales to habilitated organisations and to tiered basket households,
    confirmed: each reserves its subsidies and is invoiced on order"""
    Sale = Model.get('sale.sale')
    Party = Model.get('party.party')
    organisations = [
        Party(c.id) for c in demo.customers.get('food_aid', [])]
    organisations = [p for p in organisations if p.habilitation_valid][:3]
    households = [
        Party(c.id) for c in demo.customers.get('basket', [])]
    households = [p for p in households if p.household_tier][:3]
    season = demo.season(demo.today)
    products = [
        p for n, p in sorted(demo.products.items())
        if p.salable and p.type == 'goods' and n in season]
    kilograms = [p for p in products if p.default_uom.symbol == 'kg']
    sales = []
    for index, party in enumerate(organisations + households):
        sale = Sale(party=party)
        sale.sale_date = demo.today - dt.timedelta(days=7 * (index % 3))
        sale.invoice_method = 'order'
        chosen = (kilograms or products)[index % 3::3][:3]
        for rank, product in enumerate(chosen):
            line = sale.lines.new()
            line.product = product
            line.quantity = 20.0 + 5 * rank if party in organisations \
                else 2.0 + rank
        sales.append(sale)
    Sale.save(sales)
    Sale.click(sales, 'quote')
    Sale.click(sales, 'confirm')
    return sales


def post_invoices(demo, sales):
    Invoice = Model.get('account.invoice')
    invoices = []
    for sale in sales:
        sale.reload()
        invoices.extend(i for i in sale.invoices if i.state == 'draft')
    for invoice in invoices:
        invoice.invoice_date = demo.today
    Invoice.save(invoices)
    Invoice.click(invoices, 'post')
    return invoices


def load_claim(demo, grant, date_start=None, date_end=None):
    "The local MMPT grant's claim for the month, or for the dates"
    Claim = Model.get('food_aid.grant.claim')
    claim = Claim(
        grant=grant,
        # the months of the history are claimed already
        date_start=date_start or (demo.today.replace(day=1) if demo.weeks
            else demo.today.replace(day=1) - dt.timedelta(days=31)),
        date_end=date_end or demo.today)
    claim.save()
    claim.click('gather')
    if claim.lines:
        claim.click('create_invoice')
    return claim


def configure(demo):
    "The grants, running before the history's first orders"
    config = proteus_config.get_config()
    with config.set_context(_skip_warnings=True):
        demo.grants = load_grants(demo, clearing_account(demo))


def week(demo, week):
    """A week of the history: on Friday the week's invoices posted (the
    customers', the producers' and the claims'); in the first week of a
    month the local grant's claim of the month before"""
    Invoice = Model.get('account.invoice')
    friday = week.monday + dt.timedelta(days=4)
    with demo.clock(friday):
        invoices = Invoice.find([
                ('company', '=', demo.company.id),
                ('state', '=', 'draft'),
                ])
        for invoice in invoices:
            invoice.invoice_date = friday
            if invoice.type == 'in' and not invoice.reference:
                invoice.reference = f'BL-{friday:%y%m%d}-{invoice.id}'
        if invoices:
            Invoice.save(invoices)
            Invoice.click(invoices, 'post')
        if week.monday.day <= 7 and week.index:
            end = week.monday.replace(day=1) - dt.timedelta(days=1)
            load_claim(demo, demo.grants[0],
                max(end.replace(day=1), demo.start), end)


def load(demo):
    """Load the demo data of food_aid_subsidy

    demo holds today, company, accounts, products, customers (per channel
    kind) and channels (per kind); see scripts/demo_data.py."""
    config = proteus_config.get_config()
    with config.set_context(_skip_warnings=True):
        grants = demo.grants
        sales = load_sales(demo)
        post_invoices(demo, sales)
        load_claim(demo, grants[0])
