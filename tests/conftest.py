"""Fixtures of the cross-module tests: a database with the project's base
module and a trytond server serving the web client on a free port."""
import base64
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time
import types
import urllib.request
import uuid

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAO = ROOT / 'var' / 'sao'
BIN = pathlib.Path(sys.executable).parent
PASSWORD = 'smoke-test-Pa55'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def rpc(url, method, params, session=None):
    "Call the JSON-RPC method at url, with the session 'login:id:key'"
    headers = {'Content-Type': 'application/json'}
    if session:
        token = base64.b64encode(session.encode()).decode()
        headers['Authorization'] = f'Session {token}'
    request = urllib.request.Request(
        url, data=json.dumps({'id': 1, 'method': method, 'params': params})
        .encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.load(response)
    assert 'error' not in answer, answer.get('error')
    return answer['result']


@pytest.fixture(scope='module')
def database(request, tmp_path_factory):
    """A database with food_aid (or the test module's DATABASE_MODULES)
    activated, on the backend of the test run"""
    modules = getattr(request.module, 'DATABASE_MODULES', ['food_aid'])
    tmp_path = tmp_path_factory.mktemp('database')
    uri = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
    name = f'smoke_{uuid.uuid4().hex[:8]}'
    env = dict(os.environ,
        TRYTOND_DATABASE__URI=uri, TRYTOND_DATABASE__PATH=str(tmp_path))
    env.pop('TRYTOND_CONFIG', None)
    env.pop('DB_NAME', None)
    postgresql = uri.startswith('postgresql')
    if postgresql:
        import psycopg
        with psycopg.connect(uri.rstrip('/') + '/postgres',
                autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    else:
        (tmp_path / f'{name}.sqlite').touch()
    passfile = tmp_path / 'password'
    passfile.write_text(PASSWORD)
    admin = subprocess.run([
            BIN / 'trytond-admin', '-d', name, '--all',
            '--email', 'admin@example.org',
            '-u', *modules, '--activate-dependencies', '-l', 'fr'],
        env=dict(env, TRYTONPASSFILE=str(passfile)),
        capture_output=True, text=True)
    assert admin.returncode == 0, admin.stderr[-3000:]
    yield name, env
    if postgresql:
        import psycopg
        with psycopg.connect(uri.rstrip('/') + '/postgres',
                autocommit=True) as connection:
            connection.execute(
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope='module')
def server(database):
    """A trytond serving the database and the web client: its url, database,
    admin password and rpc(method, params, session)"""
    if not (SAO / 'index.html').exists():
        pytest.skip(
            "web client not installed in var/sao: run scripts/install")
    name, env = database
    port = free_port()
    env = dict(env,
        TRYTOND_WEB__LISTEN=f'127.0.0.1:{port}',
        TRYTOND_WEB__ROOT=str(SAO),
        # listing opens every database of a shared PostgreSQL server
        TRYTOND_DATABASE__LIST='False')
    process = subprocess.Popen(
        [BIN / 'trytond', '-d', name], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f'http://127.0.0.1:{port}'
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(base + '/', timeout=5).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("server did not answer:\n"
                    + process.stderr.read().decode()[-3000:])
            time.sleep(0.5)
    yield types.SimpleNamespace(
        url=base, database=name, password=PASSWORD,
        rpc=lambda method, params, session=None: rpc(
            f'{base}/{name}/rpc/', method, params, session))
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def chromium():
    """Start headless Chromiums: chromium(width, height, downloads=None)
    returns a selenium driver with that window, saving downloads in the
    folder downloads; they quit at the end of the test"""
    webdriver = pytest.importorskip(
        'selenium.webdriver', reason="selenium is not installed")
    binary, driver = shutil.which('chromium'), shutil.which('chromedriver')
    if not (binary and driver):
        pytest.skip("chromium and chromedriver are not installed "
            "(apt-get install chromium chromium-driver)")
    drivers = []

    def start(width, height, downloads=None):
        options = webdriver.ChromeOptions()
        for argument in [
                '--headless', '--no-sandbox', '--disable-gpu',
                '--disable-quic', '--no-first-run',
                '--disable-background-networking',
                '--disable-component-update', '--disable-sync',
                '--lang=fr-FR', f'--window-size={width},{height}']:
            options.add_argument(argument)
        options.add_experimental_option(
            'prefs', {'intl.accept_languages': 'fr-FR,fr'})
        options.binary_location = binary
        browser = webdriver.Chrome(
            service=webdriver.ChromeService(driver), options=options)
        drivers.append(browser)
        if downloads:
            browser.execute_cdp_cmd('Page.setDownloadBehavior', {
                    'behavior': 'allow', 'downloadPath': str(downloads)})
        return browser
    yield start
    for browser in drivers:
        browser.quit()
