"""The web client in a real browser: a food-aid organisation created over
JSON-RPC appears, in French, in the list a coordinator opens from the menu."""
import pytest

webdriver = pytest.importorskip(
    'selenium.webdriver', reason="selenium is not installed")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture
def browser(chromium):
    return chromium(1400, 900)


def visible(driver, xpath):
    def find(driver):
        for element in driver.find_elements(By.XPATH, xpath):
            if element.is_displayed():
                return element
        return False
    return WebDriverWait(driver, 60).until(find)


def test_organisation_list_in_french(server, browser):
    user_id, key, *_ = server.rpc(
        'common.db.login', ['admin', {'password': server.password}, 'fr'])
    session = f'admin:{user_id}:{key}'
    server.rpc('model.res.user.set_preferences', [{'language': 'fr'}, {}],
        session)
    # skip the configuration wizard of a fresh database
    items = server.rpc('model.ir.module.config_wizard.item.search',
        [[], 0, None, None, {}], session)
    server.rpc('model.ir.module.config_wizard.item.write',
        [items, {'state': 'done'}, {}], session)
    server.rpc('model.party.party.create', [[{
                    'name': "Épicerie solidaire du Plateau",
                    'is_food_aid_organisation': True,
                    'habilitation_level': 'regional',
                    'habilitation_reference': 'HAB-NA-2026-042',
                    }], {}], session)

    browser.get(f'{server.url}/#{server.database}')
    visible(browser, "//input[@id='database']").clear()
    visible(browser, "//input[@id='database']").send_keys(server.database)
    visible(browser, "//input[@id='login']").send_keys('admin\n')
    visible(browser, "//input[@type='password']").send_keys(
        server.password + '\n')

    visible(browser, "//*[normalize-space(text())='Aide alimentaire']").click()
    visible(browser,
        "//*[normalize-space(text())=\"Structures d'aide alimentaire\"]"
        ).click()
    row = visible(browser,
        "//td[contains(normalize-space(.), 'Épicerie solidaire du Plateau')]")
    assert row
    header = visible(browser,
        "//th[contains(normalize-space(.), \"Référence d'habilitation\")]")
    assert header
