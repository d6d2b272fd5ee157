# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Pages of the partners' ordering portal, served by trytond itself"
import datetime as dt
import hashlib
import hmac
import secrets
from decimal import Decimal, InvalidOperation
from html import escape

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.protocols.wrappers import (
    HTTPStatus, Response, abort, redirect, with_pool, with_transaction)
from trytond.report.report import MIMETYPES
from trytond.transaction import Transaction
from trytond.wsgi import app

from .exceptions import OrderQuantityError, PortalError

SESSION_COOKIE = 'food_aid_portal_session'
CSRF_COOKIE = 'food_aid_portal_csrf'
CONTEXT = {'language': 'fr'}
CONTENT_TYPES = dict(MIMETYPES, pdf='application/pdf')
HEADERS = {
    'Content-Security-Policy': (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    # with no-referrer, browsers post forms with "Origin: null", which
    # trytond refuses: the origin stays on the portal, never sent elsewhere
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
    }
STYLE = """
body{font-family:sans-serif;margin:0;padding:0 1em 2em;max-width:48em;
margin:auto;line-height:1.4}
header{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:center;
border-bottom:1px solid #ccc;padding:.5em 0}
header form{margin:0}
table{border-collapse:collapse;width:100%}
td,th{padding:.3em;border-bottom:1px solid #eee;text-align:left}
td.number,th.number{text-align:right}
input,button{font-size:1em;padding:.4em}
input[inputmode=decimal]{width:4.5em}
.error{background:#fdd;padding:.5em;border-left:4px solid #c00}
.info{background:#eef;padding:.5em;border-left:4px solid #36c}
@media (max-width:40em){.optional{display:none}
body{padding:0 .4em 2em}td,th{padding:.3em .15em}}
"""


def base_url(request, database_name):
    return f'{request.script_root}/{database_name}/portal'


def csrf_key(request):
    "Return the browser's secret: its session or, before login, its cookie"
    key = (request.cookies.get(SESSION_COOKIE)
        or request.cookies.get(CSRF_COOKIE))
    if not key:
        # the cookie that the response gives the browser
        key = request.environ.setdefault(
            'food_aid_portal.csrf', secrets.token_hex(32))
    return key


def csrf_token(request):
    "Return the token that the forms of the request's browser must carry"
    key = csrf_key(request)
    return hmac.new(
        key.encode(), b'food_aid_portal', hashlib.sha256).hexdigest()


def check_csrf(request):
    key = (request.cookies.get(SESSION_COOKIE)
        or request.cookies.get(CSRF_COOKIE))
    token = request.form.get('csrf_token', '')
    if not key or not hmac.compare_digest(token, csrf_token(request)):
        abort(HTTPStatus.FORBIDDEN)


def hidden_csrf(request):
    return ('<input type="hidden" name="csrf_token" value="%s">'
        % escape(csrf_token(request)))


def page(request, database_name, title, body, user=None, status=200,
        cookies=None):
    "Return the HTML response of a page, with the portal's headers"
    base = base_url(request, database_name)
    navigation = ''
    if user:
        navigation = ''.join(
            f'<a href="{escape(base + path)}">{escape(gettext(name))}</a>'
            for path, name in user.portal_pages())
        navigation += (
            f'<span>{escape(user.party.rec_name)}</span>'
            f'<form method="post" action="{escape(base)}/logout">'
            f'{hidden_csrf(request)}<button type="submit">'
            f'{escape(gettext("food_aid_portal.msg_logout"))}</button></form>')
    html = (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><style>{STYLE}</style></head><body>'
        f'<header><strong>{escape(title)}</strong>{navigation}</header>'
        f'<main>{body}</main></body></html>')
    response = Response(html, status=status, content_type='text/html; charset=utf-8')
    response.headers.update(HEADERS)
    if not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(CSRF_COOKIE,
            request.environ.get('food_aid_portal.csrf')
            or secrets.token_hex(32),
            httponly=True, samesite='Strict', path=base)
    for name, value in (cookies or {}).items():
        if value is None:
            response.delete_cookie(name, path=base)
        else:
            response.set_cookie(name, value, httponly=True,
                samesite='Strict', path=base,
                secure=request.scheme == 'https')
    return response


def message(text, kind='error'):
    return f'<p class="{kind}">{escape(text)}</p>'


def session_user(request, pool):
    "Return the web user of the request's session, or None"
    User = pool.get('web.user')
    key = request.cookies.get(SESSION_COOKIE)
    if not key:
        return None
    user = User.get_user(key)
    if user and user.active and user.party:
        return user


def login_required(request, pool):
    database_name = pool.database_name
    user = session_user(request, pool)
    if not user:
        response = redirect(base_url(request, database_name) + '/login')
        response.headers.update(HEADERS)
        abort(response)
    return user


def now():
    return dt.datetime.now()


def parse_quantity(text):
    text = text.strip().replace(',', '.')
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise OrderQuantityError(gettext(
                'food_aid_portal.msg_order_quantity_invalid', value=text))
    if not value.is_finite():
        raise OrderQuantityError(gettext(
                'food_aid_portal.msg_order_quantity_invalid', value=text))
    return float(value)


def number(value, digits=2):
    return escape(f'{value:.{digits}f}'.replace('.', ','))


def money(value, currency):
    return escape(f'{value:.2f}'.replace('.', ',') + ' ' + currency.symbol)


@app.route('/<database_name>/portal/login', methods=['GET', 'POST'])
@with_pool
@with_transaction(context=CONTEXT)
def login(request, pool):
    database_name = pool.database_name
    User = pool.get('web.user')
    title = gettext('food_aid_portal.msg_page_login')
    error = ''
    if request.method == 'POST':
        check_csrf(request)
        email = request.form.get('email', '')
        password = request.form.get('password', '')
        try:
            user = User.authenticate(email, password)
        except Exception as exception:
            if type(exception).__name__ != 'RateLimitException':
                raise
            user = None
            error = message(gettext('food_aid_portal.msg_login_throttled'))
        else:
            if not user or not user.party:
                error = message(gettext('food_aid_portal.msg_login_invalid'))
        if user and user.party and not error:
            key = user.new_session()
            response = redirect(base_url(request, database_name) + '/')
            response.headers.update(HEADERS)
            response.set_cookie(SESSION_COOKIE, key, httponly=True,
                samesite='Strict', path=base_url(request, database_name),
                secure=request.scheme == 'https')
            return response
    base = escape(base_url(request, database_name))
    body = (f'{error}<form method="post" action="{base}/login">'
        f'{hidden_csrf(request)}'
        f'<p><label>{escape(gettext("food_aid_portal.msg_email"))}<br>'
        '<input type="email" name="email" required autocomplete="username">'
        '</label></p>'
        f'<p><label>{escape(gettext("food_aid_portal.msg_password"))}<br>'
        '<input type="password" name="password" required '
        'autocomplete="current-password"></label></p>'
        f'<p><button type="submit">{escape(gettext("food_aid_portal.msg_login"))}'
        '</button></p></form>'
        f'<p><a href="{base}/reset">'
        f'{escape(gettext("food_aid_portal.msg_forgotten_password"))}</a></p>')
    return page(request, database_name, title, body,
        status=400 if error else 200)


@app.route('/<database_name>/portal/logout', methods=['POST'])
@with_pool
@with_transaction(context=CONTEXT)
def logout(request, pool):
    database_name = pool.database_name
    Session = pool.get('web.user.session')
    check_csrf(request)
    key = request.cookies.get(SESSION_COOKIE)
    if key:
        Session.remove(key)
    response = redirect(base_url(request, database_name) + '/login')
    response.headers.update(HEADERS)
    response.delete_cookie(SESSION_COOKIE,
        path=base_url(request, database_name))
    return response


@app.route('/<database_name>/portal/reset', methods=['GET', 'POST'])
@with_pool
@with_transaction(context=CONTEXT)
def reset(request, pool):
    database_name = pool.database_name
    User = pool.get('web.user')
    title = gettext('food_aid_portal.msg_forgotten_password')
    base = escape(base_url(request, database_name))
    if request.method == 'POST':
        check_csrf(request)
        email = request.form.get('email', '').strip().lower()
        users = User.search([('email', '=', email), ('party', '!=', None)])
        User.reset_password(users)
        # the same answer for any address: no listing of the accounts
        return page(request, database_name, title,
            message(gettext('food_aid_portal.msg_reset_sent'), 'info'))
    body = (f'<form method="post" action="{base}/reset">'
        f'{hidden_csrf(request)}'
        f'<p><label>{escape(gettext("food_aid_portal.msg_email"))}<br>'
        '<input type="email" name="email" required></label></p>'
        f'<p><button type="submit">{escape(gettext("food_aid_portal.msg_send"))}'
        '</button></p></form>')
    return page(request, database_name, title, body)


@app.route('/<database_name>/portal/password', methods=['GET', 'POST'])
@with_pool
@with_transaction(context=CONTEXT)
def password(request, pool):
    database_name = pool.database_name
    User = pool.get('web.user')
    ResUser = pool.get('res.user')
    title = gettext('food_aid_portal.msg_page_password')
    base = escape(base_url(request, database_name))
    values = request.form if request.method == 'POST' else request.args
    email = values.get('email', '')
    token = values.get('token', '')
    error = ''
    if request.method == 'POST':
        check_csrf(request)
        new_password = request.form.get('password', '')
        if new_password != request.form.get('confirm', ''):
            error = message(gettext('food_aid_portal.msg_password_mismatch'))
        else:
            users = User.search([('email', '=', email.lower())])
            try:
                ResUser.validate_password(new_password, users)
            except PortalError:
                raise
            except Exception as exception:
                if not hasattr(exception, 'message'):
                    raise
                error = message(exception.message)
        if not error:
            if User.set_password_token(email, token, new_password):
                return page(request, database_name, title,
                    message(gettext('food_aid_portal.msg_password_set'),
                        'info')
                    + f'<p><a href="{base}/login">'
                    f'{escape(gettext("food_aid_portal.msg_login"))}</a></p>')
            error = message(gettext('food_aid_portal.msg_password_token'))
    body = (f'{error}<form method="post" action="{base}/password">'
        f'{hidden_csrf(request)}'
        f'<input type="hidden" name="email" value="{escape(email)}">'
        f'<input type="hidden" name="token" value="{escape(token)}">'
        f'<p><label>{escape(gettext("food_aid_portal.msg_password"))}<br>'
        '<input type="password" name="password" required '
        'autocomplete="new-password"></label></p>'
        f'<p><label>{escape(gettext("food_aid_portal.msg_password_confirm"))}'
        '<br><input type="password" name="confirm" required '
        'autocomplete="new-password"></label></p>'
        f'<p><button type="submit">{escape(gettext("food_aid_portal.msg_save"))}'
        '</button></p></form>')
    return page(request, database_name, title, body,
        status=400 if error else 200)


def catalogue_body(request, database_name, user, delivery_date, error=''):
    base = escape(base_url(request, database_name))
    sale = user.portal_current_order(delivery_date)
    currency = user.portal_company.currency
    items = user.portal_catalogue(delivery_date, exclude_sale=sale)
    channel = user.portal_channel
    cutoff = channel.cutoff_of(delivery_date)
    subsidised = any(i.subsidy for i in items)
    head = [
        gettext('food_aid_portal.msg_product'),
        gettext('food_aid_portal.msg_available'),
        gettext('food_aid_portal.msg_unit_price'),
        ]
    if subsidised:
        head += [
            gettext('food_aid_portal.msg_subsidy'),
            gettext('food_aid_portal.msg_customer_share'),
            ]
    head.append(gettext('food_aid_portal.msg_quantity'))
    rows = []
    for item in items:
        unit = escape(item.unit.symbol)
        digits = item.unit.digits
        cells = [
            f'<td>{escape(item.product.rec_name)}</td>',
            f'<td class="number">{number(item.available, digits)} {unit}</td>',
            f'<td class="number">{money(item.unit_price, currency)} / {unit}'
            '</td>',
            ]
        if subsidised:
            cells += [
                f'<td class="number">{money(item.subsidy, currency)}</td>',
                f'<td class="number">{money(item.customer_share, currency)}'
                '</td>',
                ]
        ordered = '' if item.ordered is None else f'{item.ordered:g}'
        cells.append(
            f'<td><input type="text" inputmode="decimal" '
            f'name="quantity_{item.product.id}" value="{escape(ordered)}" '
            f'aria-label="{escape(item.product.rec_name)}"></td>')
        rows.append('<tr>' + ''.join(cells) + '</tr>')
    intro = message(gettext('food_aid_portal.msg_catalogue_intro',
            date=delivery_date.strftime('%d/%m/%Y'),
            cutoff=cutoff.strftime('%d/%m/%Y %H:%M')), 'info')
    if not items:
        return error + intro + message(
            gettext('food_aid_portal.msg_catalogue_empty'), 'info')
    body = (error + intro
        + f'<form method="post" action="{base}/order">{hidden_csrf(request)}'
        f'<input type="hidden" name="delivery_date" '
        f'value="{escape(delivery_date.isoformat())}">'
        '<table><thead><tr>'
        + ''.join(f'<th>{escape(h)}</th>' for h in head)
        + '</tr></thead><tbody>' + ''.join(rows) + '</tbody></table>'
        f'<p><button type="submit">{escape(gettext("food_aid_portal.msg_order"))}'
        '</button></p></form>')
    if sale:
        body += order_summary(request, database_name, sale)
    return body


def order_summary(request, database_name, sale):
    base = escape(base_url(request, database_name))
    currency = sale.currency
    lines = ''.join(
        f'<tr><td>{escape(l.product.rec_name)}</td>'
        f'<td class="number">{number(l.quantity, l.unit.digits)} '
        f'{escape(l.unit.symbol)}</td>'
        f'<td class="number">{money(l.amount, currency)}</td>'
        f'<td class="number">{money(l.subsidy_amount or 0, currency)}</td>'
        f'<td class="number">{money(l.customer_amount or 0, currency)}</td>'
        '</tr>'
        for l in sale.lines if l.type == 'line' and l.product)
    head = ''.join(f'<th>{escape(gettext(m))}</th>' for m in [
            'food_aid_portal.msg_product', 'food_aid_portal.msg_quantity',
            'food_aid_portal.msg_amount', 'food_aid_portal.msg_subsidy',
            'food_aid_portal.msg_customer_share'])
    return (f'<h2><a href="{base}/orders/{sale.id}">'
        f'{escape(gettext("food_aid_portal.msg_your_order"))} '
        f'{escape(sale.number or "")}</a></h2>'
        f'<table><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table>'
        f'<p>{escape(gettext("food_aid_portal.msg_total"))} '
        f'{money(sale.total_amount, currency)} — '
        f'{escape(gettext("food_aid_portal.msg_subsidy"))} '
        f'{money(sale.subsidy_amount or 0, currency)} — '
        f'{escape(gettext("food_aid_portal.msg_customer_amount"))} '
        f'{money(sale.customer_amount or 0, currency)}</p>')


@app.route('/<database_name>/portal/', methods=['GET'])
@with_pool
@with_transaction(context=CONTEXT)
def catalogue(request, pool):
    database_name = pool.database_name
    user = login_required(request, pool)
    with Transaction().set_context(company=user.portal_company.id):
        delivery_date = user.portal_channel.next_delivery_date(now())
        body = catalogue_body(request, database_name, user, delivery_date)
        return page(request, database_name,
            gettext('food_aid_portal.msg_page_catalogue'), body, user=user)


@app.route('/<database_name>/portal/order', methods=['POST'])
@with_pool
@with_transaction(context=CONTEXT)
def order(request, pool):
    database_name = pool.database_name
    user = login_required(request, pool)
    check_csrf(request)
    with Transaction().set_context(company=user.portal_company.id):
        try:
            delivery_date = dt.date.fromisoformat(
                request.form.get('delivery_date', ''))
        except ValueError:
            abort(HTTPStatus.BAD_REQUEST)
        try:
            quantities = {}
            for name, value in request.form.items():
                if not name.startswith('quantity_'):
                    continue
                try:
                    product_id = int(name[len('quantity_'):])
                except ValueError:
                    product_id = -1
                quantities[product_id] = parse_quantity(value)
            user.portal_place_order(delivery_date, quantities, now())
        except PortalError as exception:
            Transaction().rollback()
            body = catalogue_body(request, database_name, user,
                delivery_date, error=message(exception.message))
            return page(request, database_name,
                gettext('food_aid_portal.msg_page_catalogue'), body,
                user=user, status=400)
    response = redirect(base_url(request, database_name) + '/')
    response.headers.update(HEADERS)
    return response


@app.route('/<database_name>/portal/orders', methods=['GET'])
@with_pool
@with_transaction(context=CONTEXT)
def orders(request, pool):
    database_name = pool.database_name
    user = login_required(request, pool)
    base = escape(base_url(request, database_name))
    rows = []
    for sale in user.portal_orders():
        date = sale.shipping_date or sale.sale_date
        rows.append(
            f'<tr><td><a href="{base}/orders/{sale.id}">'
            f'{escape(sale.number or str(sale.id))}</a></td>'
            f'<td>{escape(date.strftime("%d/%m/%Y") if date else "")}</td>'
            f'<td>{escape(sale.state_string)}</td>'
            f'<td class="number">{money(sale.total_amount, sale.currency)}'
            '</td></tr>')
    head = ''.join(f'<th>{escape(gettext(m))}</th>' for m in [
            'food_aid_portal.msg_order_number',
            'food_aid_portal.msg_delivery_date',
            'food_aid_portal.msg_state', 'food_aid_portal.msg_total'])
    body = (f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
        '</tbody></table>')
    return page(request, database_name,
        gettext('food_aid_portal.msg_page_orders'), body, user=user)


@app.route('/<database_name>/portal/orders/<int:sale_id>', methods=['GET'])
@with_pool
@with_transaction(context=CONTEXT)
def order_detail(request, pool, sale_id):
    database_name = pool.database_name
    user = login_required(request, pool)
    sale = user.portal_order(sale_id)
    if not sale:
        abort(HTTPStatus.NOT_FOUND)
    base = escape(base_url(request, database_name))
    date = sale.shipping_date or sale.sale_date
    body = (f'<p>{escape(gettext("food_aid_portal.msg_state"))} : '
        f'{escape(sale.state_string)}<br>'
        f'{escape(gettext("food_aid_portal.msg_delivery_date"))} : '
        f'{escape(date.strftime("%d/%m/%Y") if date else "")}</p>')
    reason = user.portal_order_closed_reason(sale, now())
    if reason:
        body += message(reason, 'info')
    body += order_summary(request, database_name, sale)
    # the quantities weighed at delivery, in the unit of the move
    delivered = [
        (m.product, m.quantity, m.unit)
        for s in sale.shipments for m in s.outgoing_moves
        if m.state == 'done']
    if delivered:
        body += (f'<h2>{escape(gettext("food_aid_portal.msg_delivered"))}</h2>'
            '<ul>' + ''.join(
                f'<li>{escape(p.rec_name)} : {number(q, u.digits)} '
                f'{escape(u.symbol)}</li>'
                for p, q, u in delivered) + '</ul>')
    invoices = [i for i in sale.invoices if i.state in {'posted', 'paid'}]
    if invoices:
        body += (f'<h2>{escape(gettext("food_aid_portal.msg_invoices"))}</h2>'
            '<ul>' + ''.join(
                f'<li><a href="{base}/invoices/{i.id}.pdf">'
                f'{escape(i.number or "")}</a> '
                f'{money(i.total_amount, i.currency)}</li>'
                for i in invoices) + '</ul>')
    return page(request, database_name,
        gettext('food_aid_portal.msg_your_order') + ' '
        + (sale.number or ''), body, user=user)


@app.route('/<database_name>/portal/invoices/<int:invoice_id>.pdf',
    methods=['GET'])
@with_pool
# the first print of a posted invoice stores it, as core's report does
# (its execute is not a read-only call): a read-only transaction would
# refuse the write on PostgreSQL
@with_transaction(readonly=False, context=CONTEXT)
def invoice_pdf(request, pool, invoice_id):
    database_name = pool.database_name
    InvoiceReport = pool.get('account.invoice', type='report')
    ActionReport = pool.get('ir.action.report')
    user = login_required(request, pool)
    invoice = user.portal_invoice(invoice_id)
    if not invoice:
        abort(HTTPStatus.NOT_FOUND)
    extension, content, _, name = InvoiceReport.execute([invoice.id], {})
    if isinstance(content, str):
        content = content.encode('utf-8')
    if extension != 'pdf':
        action, = ActionReport.search([
                ('report_name', '=', 'account.invoice'),
                ], limit=1)
        pdf_action = ActionReport(report_name=action.report_name,
            template_extension=extension, extension='pdf')
        extension, content = InvoiceReport.convert(pdf_action, content)
    # without LibreOffice the invoice stays in its template's format
    response = Response(content, content_type=CONTENT_TYPES.get(
            extension, 'application/octet-stream'))
    response.headers.update(HEADERS)
    response.headers['Content-Disposition'] = (
        f'attachment; filename="{invoice.number or invoice.id}.{extension}"')
    return response


def needs_body(request, database_name, user, season, error=''):
    base = escape(base_url(request, database_name))
    if not season:
        return error + message(
            gettext('food_aid_portal.msg_needs_no_season'), 'info')
    need = user.portal_need(season)
    quantities = {}
    if need:
        for line in need.lines:
            key = (f'product_{line.product.id}' if line.product
                else f'family_{line.food_family}')
            quantities[key] = line.weekly_quantity
    editable = not need or need.state == 'draft'
    disabled = '' if editable else ' disabled'
    body = error + message(gettext('food_aid_portal.msg_needs_intro',
            start=season.date_start.strftime('%d/%m/%Y'),
            end=season.date_end.strftime('%d/%m/%Y')), 'info')
    if not editable:
        body += message(gettext('food_aid_portal.msg_needs_validated'), 'info')
    elif need:
        body += message(gettext('food_aid_portal.msg_needs_draft'), 'info')

    def rows(items):
        cells = []
        for key, name, unit in items:
            value = quantities.get(key)
            value = '' if value is None else f'{value:g}'
            cells.append(
                f'<tr><td>{escape(name)}</td><td>{escape(unit)}</td>'
                '<td><input type="text" inputmode="decimal" '
                f'name="{escape(key)}" value="{escape(value)}" '
                f'aria-label="{escape(name)}"{disabled}></td></tr>')
        return ''.join(cells)

    head = ''.join(f'<th>{escape(gettext(m))}</th>' for m in [
            'food_aid_portal.msg_product', 'food_aid_portal.msg_unit',
            'food_aid_portal.msg_weekly_quantity'])
    products = [
        (f'product_{p.id}', p.rec_name, p.default_uom.symbol)
        for p in user.portal_need_products()]
    families = [
        (f'family_{code}', name, 'kg')
        for code, name in user.portal_need_families()]
    body += (f'<form method="post" action="{base}/needs">'
        f'{hidden_csrf(request)}'
        f'<table><thead><tr>{head}</tr></thead><tbody>{rows(products)}'
        '</tbody></table>'
        f'<h2>{escape(gettext("food_aid_portal.msg_needs_families"))}</h2>'
        f'<table><thead><tr>{head}</tr></thead><tbody>{rows(families)}'
        '</tbody></table>')
    if editable:
        body += (f'<p><button type="submit">'
            f'{escape(gettext("food_aid_portal.msg_save"))}</button></p>')
    return body + '</form>'


@app.route('/<database_name>/portal/needs', methods=['GET', 'POST'])
@with_pool
@with_transaction(context=CONTEXT)
def needs(request, pool):
    database_name = pool.database_name
    user = login_required(request, pool)
    if not user.portal_needs_allowed:
        abort(HTTPStatus.NOT_FOUND)
    title = gettext('food_aid_portal.msg_page_needs')
    error = ''
    with Transaction().set_context(company=user.portal_company.id):
        season = user.portal_season(now().date())
        if request.method == 'POST':
            check_csrf(request)
            if not season:
                abort(HTTPStatus.NOT_FOUND)
            products, families = {}, {}
            try:
                for name, value in request.form.items():
                    kind, _, key = name.partition('_')
                    if kind == 'product':
                        try:
                            products[int(key)] = parse_quantity(value)
                        except ValueError:
                            products[-1] = parse_quantity(value)
                    elif kind == 'family':
                        families[key] = parse_quantity(value)
                user.portal_save_need(season, products, families)
            except UserError as exception:
                # the planning's own validation errors too
                Transaction().rollback()
                error = message(exception.message)
            else:
                response = redirect(base_url(request, database_name) + '/needs')
                response.headers.update(HEADERS)
                return response
        body = needs_body(request, database_name, user, season, error)
        return page(request, database_name, title, body, user=user,
            status=400 if error else 200)
