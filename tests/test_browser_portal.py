"""The partners' portal in a phone's Chromium: the invited organisation sets
its password from the invitation link, logs in, orders three products,
changes a quantity, reads the subsidy of its order, is refused once the
cut-off has passed, downloads the invoice of its delivered order and logs
out.  The trytond server of tests/conftest.py serves the pages; the data are
those of the module's tests, made for the week of the next delivery by a
process of their own before the server starts."""
import datetime as dt
import json
import subprocess
import sys
import time

import pytest

DATABASE_MODULES = ['food_aid_portal']
# an iPhone 12-14's viewport
WIDTH, HEIGHT = 390, 844
PASSWORD = 'Portail-2026-invite'


def setup(database_name):
    """Make the platform of the module's tests in the database: its two
    partners, three products offered in the week of the next delivery, a
    delivered and invoiced order of the organisation the week before, and
    the organisation's account invited; return what the test needs"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database_name, 0, readonly=True):
        Pool(database_name).init()
    from trytond.modules.food_aid_portal.tests.test_module import commit_data
    # the records first, then the documents in a transaction of their own:
    # confirming and invoicing lock the grant, which restarts the
    # transaction with the lock taken, and the grant must outlive the restart
    data = commit_data(database_name, make_data, _skip_warnings=True)
    return commit_data(
        database_name, lambda: invoice_data(data), _skip_warnings=True)


def make_data():
    "The records of setup, in its transaction"
    from trytond.modules.account.tests import get_fiscalyear
    from trytond.modules.account_invoice.tests import set_invoice_sequences
    from trytond.modules.company.tests import set_company
    from trytond.modules.food_aid_portal.tests.test_module import (
        setup_portal)
    from trytond.pool import Pool

    today = dt.date.today()
    # a cut-off a day before the delivery, always ahead of the test
    delivery = today + dt.timedelta(days=2)
    monday = delivery - dt.timedelta(days=delivery.weekday())
    pool = Pool()
    Sale = pool.get('sale.sale')
    Line = pool.get('sale.line')
    FiscalYear = pool.get('account.fiscalyear')
    company, channel, products, (organisation, _) = setup_portal(
        monday=monday)
    channel.order_delivery_weekday = str(delivery.weekday())
    channel.order_cutoff_weekday = str((delivery.weekday() - 1) % 7)
    channel.save()
    with set_company(company):
        fiscalyear = set_invoice_sequences(
            get_fiscalyear(company, today=today))
        fiscalyear.save()
        FiscalYear.create_period([fiscalyear])

        sale = Sale(company=company, party=organisation.party,
            sale_date=delivery - dt.timedelta(days=10),
            shipping_date=delivery - dt.timedelta(days=7))
        sale.on_change_party()
        sale.channel = channel
        line = Line(sale=sale, type='line', product=products[0])
        line.on_change_product()
        line.quantity = 10
        line.on_change_quantity()
        sale.lines = [line]
        sale.save()
        Line.update_price_composition(sale.lines, reprice=True)
    return {
        'company': company.id,
        'channel': channel.id,
        'products': [p.id for p in products],
        'organisation': organisation.id,
        'sale': sale.id,
        }


def invoice_data(data):
    """The organisation's order of setup confirmed, delivered and invoiced,
    and its account invited, in their transaction"""
    from trytond.modules.company.tests import set_company
    from trytond.pool import Pool

    today = dt.date.today()
    pool = Pool()
    Company = pool.get('company.company')
    Channel = pool.get('food_aid.channel')
    Product = pool.get('product.product')
    User = pool.get('web.user')
    Sale = pool.get('sale.sale')
    Move = pool.get('stock.move')
    Location = pool.get('stock.location')
    Shipment = pool.get('stock.shipment.out')
    Invoice = pool.get('account.invoice')
    company = Company(data['company'])
    channel = Channel(data['channel'])
    organisation = User(data['organisation'])
    with set_company(company):
        # read in the company, as their cost prices are
        products = Product.browse(data['products'])
        sale = Sale(data['sale'])
        Sale.quote([sale])
        Sale.confirm([sale])
        Sale.process([sale])

        supplier, = Location.search([('type', '=', 'supplier')], limit=1)
        receipt = Move(product=products[0], unit=products[0].default_uom,
            quantity=10, from_location=supplier,
            to_location=sale.warehouse.storage_location,
            unit_price=products[0].cost_price,
            currency=company.currency, company=company)
        receipt.save()
        Move.do([receipt])
        shipment, = Sale(sale.id).shipments
        Shipment.assign_try([shipment])
        Shipment.pick([shipment])
        Shipment.pack([shipment])
        Shipment.do([shipment])
        Sale.process([sale])
        invoice, = Sale(sale.id).invoices
        invoice.invoice_date = today
        invoice.save()
        Invoice.post([invoice])

    organisation.password_hash = None
    organisation.set_reset_password_token()
    organisation.save()
    return {
        'email': organisation.email,
        'token': organisation.reset_password_token,
        'products': [p.rec_name for p in products],
        'channel': channel.id,
        'currency': company.currency.symbol,
        'sale': sale.number,
        'invoice': invoice.id,
        'invoice_number': invoice.number,
        }


@pytest.fixture(scope='module')
def portal(database):
    "The data of the test, made before the server starts"
    name, env = database
    process = subprocess.run([sys.executable, __file__, name], env=env,
        capture_output=True, text=True)
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout.splitlines()[-1])


def fits_the_screen(browser):
    "Whether the page needs no scrolling sideways"
    return browser.execute_script(
        'return document.documentElement.scrollWidth '
        '<= window.innerWidth')


def test_partner_orders_on_a_phone(portal, server, chromium, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import WebDriverWait

    downloads = tmp_path / 'downloads'
    downloads.mkdir()
    browser = chromium(WIDTH, HEIGHT, downloads=downloads)
    base = f'{server.url}/{server.database}/portal'

    def go(element):
        "Click the element and wait for the page it opens"
        page = browser.find_element(By.TAG_NAME, 'html')
        element.click()
        WebDriverWait(browser, 120).until(staleness_of(page))

    def field(label):
        return browser.find_element(
            By.CSS_SELECTOR, f'input[aria-label="{label}"]')

    def button(text):
        return browser.find_element(
            By.XPATH, f'//button[normalize-space(.)="{text}"]')

    def main_text():
        return browser.find_element(By.TAG_NAME, 'main').text

    # the invitation's link
    browser.get(f'{base}/password?email={portal["email"]}'
        f'&token={portal["token"]}')
    browser.find_element(By.NAME, 'password').send_keys(PASSWORD)
    browser.find_element(By.NAME, 'confirm').send_keys(PASSWORD)
    go(button("Enregistrer"))
    assert "Votre mot de passe est enregistré" in main_text()
    go(browser.find_element(By.LINK_TEXT, "Se connecter"))

    browser.find_element(By.NAME, 'email').send_keys(portal['email'])
    browser.find_element(By.NAME, 'password').send_keys(PASSWORD)
    go(button("Se connecter"))
    assert browser.title == "Catalogue de la semaine"
    assert fits_the_screen(browser)
    # 2,00 the kilogram, half of it paid by the grant
    first, second, third = portal['products']
    money = portal['currency']
    assert f"1,00 {money}" in main_text()

    for label, quantity in [(first, '20'), (second, '5'), (third, '3,5')]:
        field(label).send_keys(quantity)
    go(button("Commander"))
    text = main_text()
    assert "Votre commande" in text
    # 28,5 kg at 2,00: 57,00, of which the grant pays half
    assert (f"Total 57,00 {money} — Subvention 28,50 {money} — "
        f"À votre charge 28,50 {money}") in text

    field(first).clear()
    field(first).send_keys('10')
    go(button("Commander"))
    # 18,5 kg
    text = main_text()
    assert (f"Total 37,00 {money} — Subvention 18,50 {money} — "
        f"À votre charge 18,50 {money}") in text
    assert field(first).get_attribute('value') == '10'
    assert fits_the_screen(browser)

    # the platform closes the orders of the delivery: since midnight
    user_id, key, *_ = server.rpc(
        'common.db.login', ['admin', {'password': server.password}, 'fr'])
    server.rpc('model.food_aid.channel.write', [[portal['channel']], {
                'order_cutoff_weekday': str(dt.date.today().weekday()),
                'order_cutoff_hour': 0,
                }, {}], f'admin:{user_id}:{key}')
    field(second).clear()
    field(second).send_keys('8')
    go(button("Commander"))
    text = main_text()
    assert "sont closes depuis le" in text
    assert f"Total 37,00 {money}" in text

    go(browser.find_element(By.LINK_TEXT, "Mes commandes"))
    go(browser.find_element(By.LINK_TEXT, portal['sale']))
    assert "Livré\nLégume 000 : 10,00 kg" in main_text()
    browser.find_element(By.LINK_TEXT, portal['invoice_number']).click()
    deadline = time.monotonic() + 120
    while True:
        files = [p for p in downloads.iterdir()
            if not p.name.endswith('.crdownload')]
        if files or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    document, = files
    content = document.read_bytes()
    # PDF when LibreOffice is installed, the template's ODT otherwise
    assert content[:4] in {b'%PDF', b'PK\x03\x04'}, content[:20]
    assert document.suffix in {'.pdf', '.odt'}

    go(button("Se déconnecter"))
    assert browser.current_url.endswith('/portal/login')
    browser.get(f'{base}/orders')
    assert browser.current_url.endswith('/portal/login')


if __name__ == '__main__':
    print(json.dumps(setup(sys.argv[1])))
