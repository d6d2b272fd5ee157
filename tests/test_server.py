"""Smoke test of the server as the demo runs it: trytond with the web client,
a database with food_aid, the root page and a login over JSON-RPC."""
import urllib.request


def test_server_serves_web_client_and_login(server):
    with urllib.request.urlopen(server.url + '/', timeout=30) as page:
        html = page.read().decode()
    assert 'tryton-sao' in html

    user_id, key, *_ = server.rpc(
        'common.db.login', ['admin', {'password': server.password}, 'fr'])
    session = f'admin:{user_id}:{key}'
    menus = server.rpc(
        'model.ir.ui.menu.search_read',
        [[('name', '=', "Aide alimentaire")], 0, None, None, ['name'],
            {'language': 'fr'}], session)
    assert len(menus) == 1
