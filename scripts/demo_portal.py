# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Demo data of food_aid_portal: a food-aid organisation and a canteen with
their portal accounts, the producers' offers of the week of the next
delivery, and the orders each partner placed through the portal's own pages
(login, catalogue, order form); with food_aid_planning, the organisation's
needs for the next season entered on its page too.  A third account is
invited: no mail server runs in the demo, so its link is printed.

Called by the demo loader with load(demo) on a configured proteus
connection (see demo_producer.py for what demo holds).
"""
import datetime as dt
import html
import logging
import os
import re

from proteus import Model
from proteus import config as proteus_config

# the partners' accounts: (customer kind, index, e-mail); the demo prints them
ACCOUNTS = [
    ('food_aid', 0, 'restos.angouleme@portail.example'),
    ('catering', 1, 'cantine.julesverne@portail.example'),
    ]
INVITED = ('food_aid', 2, 'secours.soyaux@portail.example')
# what each partner orders on the portal: (product, quantity), then the
# quantity it changes in a second visit
ORDERS = {
    'restos.angouleme@portail.example': (
        [("Carottes", '40'), ("Pommes de terre", '80'), ("Poireaux", '15'),
            ("Pommes Golden", '25')],
        ("Pommes de terre", '60')),
    'cantine.julesverne@portail.example': (
        [("Carottes", '12,5'), ("Courge butternut", '10'),
            ("Poires Conférence", '8')],
        ("Carottes", '15')),
    }
# the products the producers offer for the week of the next delivery
OFFERED = [
    "Carottes", "Pommes de terre", "Poireaux", "Courge butternut",
    "Oignons jaunes", "Pommes Golden", "Poires Conférence", "Betteraves rouges",
    ]


def step(message):
    print(f'    {message}', flush=True)


def load_offers(demo, delivery_date):
    "The producers' open offers of the week of the delivery"
    Offer = Model.get('food_aid.producer.offer')
    monday = delivery_date - dt.timedelta(days=delivery_date.weekday())
    offers = []
    for rank, producer in enumerate(demo.producers[:3]):
        for name in OFFERED:
            offer = Offer(company=demo.company, producer=producer)
            offer.product = demo.products[name]
            offer.date_start = monday
            offer.date_end = monday + dt.timedelta(days=6)
            offer.quantity = 400 - 50 * rank
            offers.append(offer)
    Offer.save(offers)
    Offer.click(offers, 'open')


def load_accounts(demo, password):
    "The partners' accounts, and the invited one whose link is printed"
    User = Model.get('web.user')
    users = []
    for kind, index, email in ACCOUNTS:
        user = User(email=email, party=demo.customers[kind][index])
        user.password = password
        users.append(user)
    kind, index, email = INVITED
    invited = User(email=email, party=demo.customers[kind][index])
    User.save(users + [invited])
    # no mail server in the demo: the e-mail fails quietly, the link is shown
    logger = logging.getLogger('trytond.sendmail')
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        invited.click('invite')
    finally:
        logger.setLevel(level)
    invited.reload()
    return users, invited


class Browser:
    "A partner on the portal's pages, served in process by trytond's WSGI app"

    def __init__(self, database):
        from werkzeug.test import Client
        from trytond.wsgi import app
        self.client = Client(app)
        self.base = f'/{database}/portal'

    def token(self, path):
        response = self.client.get(self.base + path)
        return re.search(
            r'name="csrf_token" value="([0-9a-f]+)"', response.text).group(1)

    def post(self, path, data, token_path='/'):
        data = dict(data, csrf_token=self.token(token_path))
        response = self.client.post(self.base + path, data=data)
        if response.status_code != 302:
            raise RuntimeError(
                f"{path}: {response.status_code} {response.text[-500:]}")
        return response

    def login(self, email, password):
        self.post('/login', {'email': email, 'password': password},
            token_path='/login')

    def fields(self, path, prefix):
        "Return the input names of the page's lines by their label"
        text = self.client.get(self.base + path).text
        return {html.unescape(label): name for name, label in re.findall(
                rf'name="({prefix}_[^"]+)" value="[^"]*" '
                r'aria-label="([^"]+)"', text)}

    def order(self, quantities):
        "Order on the catalogue page the quantity of each product by name"
        fields = self.fields('/', 'quantity')
        data = {name: '' for name in fields.values()}
        text = self.client.get(self.base + '/').text
        data['delivery_date'] = re.search(
            r'name="delivery_date" value="([0-9-]+)"', text).group(1)
        for product, quantity in quantities.items():
            data[fields[product]] = quantity
        self.post('/order', data)

    def needs(self, quantities):
        "Enter on the needs page the weekly quantity of each line by name"
        fields = self.fields('/needs', '(?:product|family)')
        self.post('/needs', {fields[n]: q for n, q in quantities.items()},
            token_path='/needs')


def load_orders(demo, password):
    "Each partner logs in, orders, then changes a quantity"
    Sale = Model.get('sale.sale')
    database = proteus_config.get_config().database_name
    for email, (lines, change) in ORDERS.items():
        browser = Browser(database)
        browser.login(email, password)
        quantities = dict(lines)
        browser.order(quantities)
        product, quantity = change
        quantities[product] = quantity
        browser.order(quantities)
    sales = Sale.find([('portal_order', '=', True)])
    for sale in sales:
        step(f"portal order of {sale.party.rec_name}: {len(sale.lines)} "
            f"lines, {sale.total_amount} €, delivery {sale.shipping_date}")
    return sales


def load_needs(demo, password):
    "The organisation's needs for the next season, entered on its page"
    SupplyPlan = Model.get('food_aid.supply_plan')
    Module = Model.get('ir.module')
    if not Module.find([
                ('name', '=', 'food_aid_planning'),
                ('state', '=', 'activated')]):
        return
    plans = SupplyPlan.find([], order=[('date_end', 'DESC')], limit=1)
    start = (plans[0].date_end + dt.timedelta(days=1)) if plans else (
        demo.today + dt.timedelta(days=7 - demo.today.weekday()))
    plan = SupplyPlan(company=demo.company, name="Saison suivante")
    plan.date_start = start
    plan.date_end = start + dt.timedelta(weeks=12, days=-1)
    plan.save()
    _, index, email = ACCOUNTS[0]
    browser = Browser(proteus_config.get_config().database_name)
    browser.login(email, password)
    browser.needs({
            "Carottes": '35', "Pommes de terre": '70', "Poireaux": '12',
            "Fruits et légumes": '150'})
    step(f"needs of {demo.customers['food_aid'][index].rec_name} for "
        f"{plan.date_start} – {plan.date_end}, entered on the portal")


def next_deliveries(demo):
    "The partners' next delivery dates, as the portal computes them"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    database = proteus_config.get_config().database_name
    with Transaction().start(database, 0, readonly=True):
        Channel = Pool().get('food_aid.channel')
        now = dt.datetime.now()
        return {
            Channel(demo.channels[kind].id).next_delivery_date(now)
            for kind, _, _ in ACCOUNTS}


def load(demo):
    password = getattr(demo, 'password', None) or 'cocagne16'
    for delivery in sorted(next_deliveries(demo)):
        step(f"offers of the week of the next delivery ({delivery})")
        load_offers(demo, delivery)
    users, invited = load_accounts(demo, password)
    step(f"{len(users)} partners' portal accounts: "
        + ", ".join(u.email for u in users) + f" / {password}")
    listen = os.environ.get('TRYTOND_WEB__LISTEN', '127.0.0.1:8000')
    database = proteus_config.get_config().database_name
    step(f"invitation of {invited.email} (no mail server, the link): "
        f"http://{listen}/{database}/portal/password?"
        f"email={invited.email}&token={invited.reset_password_token}")
    load_orders(demo, password)
    load_needs(demo, password)
