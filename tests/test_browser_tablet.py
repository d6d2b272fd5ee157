"""The warehouse screens on a tablet: a 1024×768 Chromium in French records
a producer's delivery typing the weight "19,4" and finds 19.4 kg in stock;
the reception, the lots, the losses and the round loading show their
columns and buttons without scrolling sideways.

With FOOD_AID_SCREENSHOTS=1 the screenshots go to the documentation
(modules/food_aid_logistics/doc/images/), otherwise to the test's tmp_path.
"""
import datetime as dt
import os
import pathlib
import shutil

import pytest

webdriver = pytest.importorskip(
    'selenium.webdriver', reason="selenium is not installed")
from selenium.webdriver.common.action_chains import ActionChains  # noqa
from selenium.common.exceptions import (  # noqa: E402
    StaleElementReferenceException, WebDriverException)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

DATABASE_MODULES = ['food_aid_logistics']
WIDTH, HEIGHT = 1024, 768
IMAGES = (pathlib.Path(__file__).resolve().parent.parent
    / 'modules' / 'food_aid_logistics' / 'doc' / 'images')

CHROMIUM = shutil.which('chromium')
CHROMEDRIVER = shutil.which('chromedriver')


def decimal(value):
    "The JSON-RPC form of a Decimal"
    return {'__class__': 'Decimal', 'decimal': str(value)}


def date(value):
    return {'__class__': 'date', 'year': value.year, 'month': value.month,
        'day': value.day}


@pytest.fixture
def tablet(tmp_path):
    "A headless Chromium in French with the screen of a tablet"
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromedriver are not installed "
            "(apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    for argument in [
            '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
            '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync',
            '--lang=fr-FR', '--hide-scrollbars',
            f'--window-size={WIDTH},{HEIGHT}']:
        options.add_argument(argument)
    options.add_experimental_option(
        'prefs', {'intl.accept_languages': 'fr-FR,fr'})
    options.binary_location = CHROMIUM
    # Chromium on Linux takes its locale, which parses the numbers typed,
    # from the environment, and needs its French resources (chromium-l10n)
    driver = webdriver.Chrome(
        service=webdriver.ChromeService(
            CHROMEDRIVER, env=dict(os.environ, LANGUAGE='fr_FR:fr')),
        options=options)
    if driver.execute_script(
            "return new Intl.NumberFormat().format(0.5)") != '0,5':
        driver.quit()
        pytest.skip("Chromium has no French locale "
            "(apt-get install chromium-l10n)")
    # the page gets the whole screen, as on a tablet without window frame
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
            'width': WIDTH, 'height': HEIGHT, 'deviceScaleFactor': 1,
            'mobile': False})
    yield driver
    # the last screen tells what went wrong
    driver.save_screenshot(str(tmp_path / 'last.png'))
    driver.quit()


@pytest.fixture
def screenshots(tmp_path):
    "Where the screenshots go"
    if os.environ.get('FOOD_AID_SCREENSHOTS'):
        IMAGES.mkdir(exist_ok=True)
        return IMAGES
    return tmp_path


class Platform:
    "The platform's data, made over JSON-RPC as the admin"

    def __init__(self, server):
        self.server = server
        user_id, key, *_ = server.rpc(
            'common.db.login', ['admin', {'password': server.password}, 'fr'])
        self.session = f'admin:{user_id}:{key}'
        self.user = user_id
        self.context = {}

    def call(self, model, method, *args):
        return self.server.rpc(
            f'model.{model}.{method}', [*args, self.context], self.session)

    def create(self, model, values):
        return self.call(model, 'create', [values])[0]

    def find(self, model, domain):
        return self.call(model, 'search', domain, 0, None, None)

    def setup(self):
        today = dt.date.today()
        self.call('res.user', 'set_preferences', {'language': 'fr'})
        items = self.find('ir.module.config_wizard.item', [])
        self.call('ir.module.config_wizard.item', 'write', items,
            {'state': 'done'})
        self.currency = euro = self.create('currency.currency', {
                'name': "Euro", 'code': 'EUR', 'symbol': '€',
                'rounding': decimal('0.01'), 'digits': 2})
        company_party = self.create('party.party', {
                'name': "Jardin de Cocagne de Charente"})
        self.company = self.create('company.company', {
                'party': company_party, 'currency': euro})
        self.call('res.user', 'write', [self.user], {
                'companies': [['add', [self.company]]],
                'company': self.company})
        self.context = {'company': self.company, 'language': 'fr'}
        self.warehouse, = self.find(
            'stock.location', [['type', '=', 'warehouse']])
        (warehouse,) = self.call('stock.location', 'read', [self.warehouse],
            ['input_location', 'storage_location', 'output_location'])
        self.storage = warehouse['storage_location']
        self.input = warehouse['input_location']
        self.output = warehouse['output_location']
        kilogram, = self.find('product.uom', [['symbol', '=', 'kg']])
        self.kilogram = kilogram
        template = self.create('product.template', {
                'name': "Tomates", 'type': 'goods',
                'default_uom': kilogram, 'purchasable': True,
                'purchase_uom': kilogram, 'salable': True,
                'sale_uom': kilogram, 'list_price': decimal('3.9000'),
                'food_family': 'FRUITS_ET_LEGUMES',
                'shelf_life_state': 'optional', 'shelf_life_time': 5,
                'products': [['create', [{
                                'cost_price': decimal('2.3000')}]]]})
        (template,) = self.call(
            'product.template', 'read', [template], ['products'])
        self.tomatoes, = template['products']
        self.producer = self.create('party.party', {
                'name': "Ferme des Coteaux", 'is_producer': True,
                'addresses': [['create', [{
                                'street': "Le Bourg", 'postal_code': '16100',
                                'city': "Cognac"}]]]})
        (producer,) = self.call(
            'party.party', 'read', [self.producer], ['addresses'])
        purchase = self.create('purchase.purchase', {
                'company': self.company, 'party': self.producer,
                'invoice_address': producer['addresses'][0],
                'currency': euro, 'warehouse': self.warehouse,
                'invoice_method': 'manual',
                'lines': [['create', [{
                                'product': self.tomatoes, 'quantity': 20,
                                'unit': kilogram, 'description': "Tomates",
                                'unit_price': decimal('2.3000')}]]]})
        self.call('purchase.purchase', 'quote', [purchase])
        self.call('purchase.purchase', 'confirm', [purchase])
        self.moves = self.read('purchase.purchase', purchase, 'moves')
        self.call('stock.move', 'write', self.moves, {
                'harvest_date': date(today - dt.timedelta(days=1))})
        self.reception = self.create('stock.shipment.in', {
                'company': self.company, 'supplier': self.producer,
                'planned_date': date(today),
                'warehouse': self.warehouse, 'warehouse_input': self.input,
                'warehouse_storage': self.storage,
                'incoming_moves': [['add', self.moves]]})

    def record_loss(self, lot, quantity, reason):
        "Record the loss with the wizard of the warehouse"
        wizard = 'wizard.food_aid.loss.record'
        session_id, *_ = self.server.rpc(
            f'{wizard}.create', [self.context], self.session)
        self.server.rpc(f'{wizard}.execute', [session_id, {'start': {
                        'company': self.company, 'lot': lot,
                        'location': self.storage, 'quantity': quantity,
                        'reason': reason}}, 'save_loss', self.context],
            self.session)
        self.server.rpc(
            f'{wizard}.delete', [session_id, self.context], self.session)

    def plan_round(self, quantity):
        "Plan a round delivering the quantity of tomatoes to a food bank"
        today = dt.date.today()
        customer = self.create('party.party', {
                'name': "Épicerie solidaire du Plateau",
                'addresses': [['create', [{
                                'street': "2 place du Marché",
                                'postal_code': '16000',
                                'city': "Angoulême"}]]]})
        (customer,) = self.call('party.party', 'read', [customer],
            ['addresses', 'customer_location'])
        shipment = self.create('stock.shipment.out', {
                'company': self.company, 'customer': customer['id'],
                'delivery_address': customer['addresses'][0],
                'planned_date': date(today), 'warehouse': self.warehouse,
                'warehouse_output': self.output,
                'warehouse_storage': self.storage,
                'outgoing_moves': [['create', [{
                                'company': self.company,
                                'product': self.tomatoes,
                                'quantity': quantity, 'unit': self.kilogram,
                                'from_location': self.output,
                                'to_location': customer['customer_location'],
                                'planned_date': date(today),
                                'unit_price': decimal('3.9000'),
                                'currency': self.currency}]]]})
        vehicle = self.create('food_aid.vehicle', {
                'company': self.company, 'name': "Camion frigorifique",
                'registration': 'GH-123-JK', 'capacity_kg': 800,
                'refrigerated': True})
        self.round = self.create('food_aid.delivery.round', {
                'company': self.company, 'date': date(today),
                'vehicle': vehicle, 'warehouse': self.warehouse,
                'stops': [['create', [{'sequence': 1,
                                'shipment': shipment}]]]})
        self.shipment = shipment

    def read(self, model, record, name):
        (values,) = self.call(model, 'read', [record], [name])
        return values[name]

    def quantity(self, lot=None):
        "The quantity of tomatoes in the storage zone"
        context = dict(self.context, locations=[self.storage])
        if lot:
            model, record = 'stock.lot', lot
        else:
            model, record = 'product.product', self.tomatoes
        (values,) = self.server.rpc(f'model.{model}.read',
            [[record], ['quantity'], context], self.session)
        return values['quantity']


def visible(driver, xpath, timeout=30):
    def find(driver):
        for element in driver.find_elements(By.XPATH, xpath):
            if element.is_displayed():
                return element
        return False
    # sao redraws the elements while it loads
    return WebDriverWait(driver, timeout,
        ignored_exceptions=[StaleElementReferenceException]).until(find)


def text(value):
    "The XPath to an element showing exactly the text"
    return f"//*[normalize-space(text())=\"{value}\"]"


def idle(driver):
    "Wait until sao answered every call"
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(
            "return !document.querySelector('.tab-content .loading')"
            " && (typeof jQuery == 'undefined' || jQuery.active == 0)"))


def assert_on_screen(driver, xpaths):
    """Each element is shown inside the tablet's width, and neither the page
    nor a list scrolls sideways"""
    width = driver.execute_script("return window.innerWidth")
    assert width == WIDTH
    for xpath in xpaths:
        rect = WebDriverWait(driver, 30,
            ignored_exceptions=[StaleElementReferenceException]).until(
                lambda driver: visible(driver, xpath).rect)
        assert 0 <= rect['x'] and rect['x'] + rect['width'] <= width, (
            xpath, rect)
        assert rect['y'] + rect['height'] <= HEIGHT, (xpath, rect)
    assert driver.execute_script(
        "return document.scrollingElement.scrollWidth <= window.innerWidth")
    overflowing = driver.execute_script(
        "return Array.from(document.querySelectorAll('.treeview'))"
        ".filter(e => e.offsetParent && e.scrollWidth > e.clientWidth)"
        ".map(e => [e.scrollWidth, e.clientWidth])")
    assert not overflowing


def column(title):
    "The XPath to the header of a list's column"
    return f"//th[.//*[normalize-space(text())=\"{title}\"]]"


def button(title):
    return f"//button[normalize-space(.)=\"{title}\"]"


def toggle_menu(driver):
    "Close or open the menu, as on a tablet to give the screen its width"
    visible(driver, "//a[@data-toggle='menu']").click()
    idle(driver)


def check_screen(driver, xpaths, screenshot):
    """The screen fits beside the menu and, once the menu is closed, is
    saved as the screenshot"""
    assert_on_screen(driver, xpaths)
    toggle_menu(driver)
    assert_on_screen(driver, xpaths)
    driver.execute_script("document.activeElement.blur()")
    driver.save_screenshot(str(screenshot))
    toggle_menu(driver)


def cell(title, value):
    "The XPath to the cell of the column showing the value"
    return (f"//td[starts-with(@data-title, \"{title}\")]"
        f"[.//*[normalize-space(text())=\"{value}\"]]")


def open_menu(driver, *path):
    for entry in path:
        visible(driver, text(entry)).click()
    idle(driver)


def press(driver, title, done):
    """Press the button, confirm it and accept its warnings as the user
    would, until done() tells the server did it"""
    visible(driver, button(title)).click()

    def finished(driver):
        answers = [b for b in driver.find_elements(By.XPATH,
                "//div[contains(@class, 'modal-dialog')]//button["
                "normalize-space(.)='Valider' or normalize-space(.)='Oui']")
            if b.is_displayed()]
        if answers:
            try:
                answers[0].click()
            except WebDriverException:
                pass  # still fading in: next time
            return False
        return done()
    WebDriverWait(driver, 60, poll_frequency=0.3,
        ignored_exceptions=[StaleElementReferenceException]).until(finished)
    idle(driver)


def login(driver, server):
    driver.get(f'{server.url}/#{server.database}')
    visible(driver, "//input[@id='database']").clear()
    visible(driver, "//input[@id='database']").send_keys(server.database)
    visible(driver, "//input[@id='login']").send_keys('admin\n')
    visible(driver, "//input[@type='password']").send_keys(
        server.password + '\n')
    # the client speaks the user's language
    assert visible(driver, "//html[@lang='fr']")


def test_reception_on_tablet(server, tablet, screenshots):
    platform = Platform(server)
    platform.setup()
    driver = tablet
    login(driver, server)

    open_menu(driver, "Aide alimentaire", "Logistique", "Réceptions")
    (reception,) = platform.call(
        'stock.shipment.in', 'read', [platform.reception], ['number'])
    ActionChains(driver).double_click(visible(driver,
            f"//td[.//*[normalize-space(text())='{reception['number']}']]")
        ).perform()
    idle(driver)
    # the first touch selects the line, the second edits the weight
    for _ in range(2):
        visible(driver, "//td[starts-with(@data-title, 'Pesé')]").click()
        idle(driver)
    field = visible(driver, "//td//input[@type='number']")
    field.send_keys(Keys.CONTROL, 'a')
    field.send_keys('19,4')
    field.send_keys(Keys.TAB)
    idle(driver)
    reception_screen = [
        column("Produit"), column("Commandé"), column("Pesé"),
        column("Lot"), column("Récolte"), column("Refus"),
        "//td//button[@name='refuse']",
        button("Créer les lots"), button("Recevoir"),
        ]
    press(driver, "Créer les lots", lambda: platform.read(
            'stock.move', platform.moves[0], 'lot'))
    lot = visible(driver,
        "//td[starts-with(@data-title, 'Lot')]//a[normalize-space(text())]"
        ).text
    check_screen(driver, reception_screen, screenshots / 'reception.png')

    press(driver, "Recevoir", lambda: platform.read(
            'stock.shipment.in', platform.reception, 'state') == 'received')
    press(driver, "Terminer", lambda: platform.read(
            'stock.shipment.in', platform.reception, 'state') == 'done')
    assert platform.quantity() == 19.4

    # the lots in stock, with their quantity on hand and days left: the
    # tomatoes harvested yesterday keep 5 days
    open_menu(driver, "Lots")
    check_screen(driver, [
            column("Numéro"), column("Produit"), column("Producteur"),
            column("Jours restants"), column("Quantité"),
            cell("Numéro", lot), cell("Jours restants", "4"),
            cell("Quantité", "19,40"),
            ], screenshots / 'lots.png')

    (lot_id,) = platform.find('stock.lot', [['number', '=', lot]])
    platform.record_loss(lot_id, 1.4, 'spoiled')
    assert platform.quantity(lot_id) == 18.0
    open_menu(driver, "Pertes")
    check_screen(driver, [
            column("Date effective"), column("Produit"), column("Lot"),
            column("Quantité"), column("Motif de perte"),
            cell("Lot", lot), cell("Quantité", "1,40"),
            cell("Motif de perte", "Avarié"),
            cell("Valeur de la perte", "3,22"),
            ], screenshots / 'losses.png')
    open_menu(driver, "Enregistrer une perte")
    # a dialog above the menu
    assert_on_screen(driver, [
            "//label[starts-with(normalize-space(.), 'Lot')]",
            "//label[starts-with(normalize-space(.), 'Quantité')]",
            "//label[starts-with(normalize-space(.), 'Motif')]",
            button("Annuler"), button("Enregistrer"),
            ])
    driver.save_screenshot(str(screenshots / 'loss_record.png'))
    visible(driver, button("Annuler")).click()
    idle(driver)

    # the round is loaded from the lot, first expired first out
    platform.plan_round(10)
    open_menu(driver, "Tournées de livraison")
    ActionChains(driver).double_click(
        visible(driver, cell("Véhicule", "Camion frigorifique"))).perform()
    idle(driver)
    round_screen = [
        column("Expédition"), column("Client"), column("Adresse"),
        column("Poids (kg)"), cell("Client", "Épicerie solidaire du Plateau"),
        cell("Poids (kg)", "10,0"), button("Charger"), button("Annuler"),
        ]
    check_screen(driver, round_screen, screenshots / 'round.png')
    press(driver, "Charger", lambda: platform.read(
            'food_aid.delivery.round', platform.round, 'state') == 'loaded')
    assert platform.read(
        'stock.shipment.out', platform.shipment, 'state') == 'packed'
    assert platform.quantity(lot_id) == 8.0
