# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import urllib.parse
from collections import defaultdict, namedtuple
from decimal import Decimal

from sql import Null
from sql.aggregate import Sum
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelView
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    OrderAvailabilityError, OrderCatalogueError, OrderCutoffError,
    OrderQuantityError, PortalAccountError)

CatalogueItem = namedtuple('CatalogueItem', [
        'product', 'unit', 'available', 'unit_price', 'subsidy',
        'customer_share', 'ordered'])
# the sale states whose lines take their quantity out of the offers
ORDERED_STATES = ['quotation', 'confirmed', 'processing', 'done']


def week_of(date):
    "Return the Monday and the Sunday of the week of date"
    monday = date - dt.timedelta(days=date.weekday())
    return monday, monday + dt.timedelta(days=6)


class User(metaclass=PoolMeta):
    __name__ = 'web.user'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'invite': {
                    'invisible': ~Eval('party') | ~Eval('email'),
                    'icon': 'tryton-email',
                    'depends': ['party', 'email'],
                    },
                })

    @classmethod
    @ModelView.button
    def invite(cls, users):
        "Send the partners the link to set their password on the portal"
        for user in users:
            if not user.party or not user.party.food_aid_channel:
                raise PortalAccountError(gettext(
                        'food_aid_portal.msg_user_invite_party',
                        user=user.rec_name))
        cls.reset_password(users)

    def get_portal_password_url(self, base):
        "Return the address where the partner sets its password"
        return base + '?' + urllib.parse.urlencode({
                'email': self.email,
                'token': self.reset_password_token,
                })

    def portal_pages(self):
        "Return the pages of the partner's menu as (path, message id)"
        return [
            ('/', 'food_aid_portal.msg_page_catalogue'),
            ('/orders', 'food_aid_portal.msg_page_orders'),
            ]

    @property
    def portal_needs_allowed(self):
        "Whether the partner enters its needs for the next season"
        return False

    @property
    def portal_channel(self):
        if not self.party or not self.party.food_aid_channel:
            raise PortalAccountError(gettext(
                    'food_aid_portal.msg_user_no_channel'))
        return self.party.food_aid_channel

    @property
    def portal_company(self):
        pool = Pool()
        Company = pool.get('company.company')
        channel = self.portal_channel
        if channel.company:
            return channel.company
        companies = Company.search([], order=[('id', 'ASC')], limit=1)
        if not companies:
            raise PortalAccountError(gettext(
                    'food_aid_portal.msg_user_no_channel'))
        return companies[0]

    def portal_orders(self):
        "Return the sales of the party, newest delivery first"
        pool = Pool()
        Sale = pool.get('sale.sale')
        return Sale.search([
                ('party', '=', self.party.id),
                ], order=[('shipping_date', 'DESC NULLS FIRST'),
                ('id', 'DESC')])

    def portal_order(self, sale_id):
        "Return the sale of the party with the id, or None"
        pool = Pool()
        Sale = pool.get('sale.sale')
        sales = Sale.search([
                ('id', '=', sale_id),
                ('party', '=', self.party.id),
                ])
        return sales[0] if sales else None

    def portal_invoice(self, invoice_id):
        "Return the posted invoice of the party with the id, or None"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoices = Invoice.search([
                ('id', '=', invoice_id),
                ('party', '=', self.party.id),
                ('type', '=', 'out'),
                ('state', 'in', ['posted', 'paid']),
                ])
        return invoices[0] if invoices else None

    def portal_current_order(self, delivery_date):
        "Return the open order of the party for the delivery, or None"
        pool = Pool()
        Sale = pool.get('sale.sale')
        sales = Sale.search([
                ('party', '=', self.party.id),
                ('company', '=', self.portal_company.id),
                ('shipping_date', '=', delivery_date),
                ('state', 'in', ['draft', 'quotation']),
                ], order=[('id', 'ASC')], limit=1)
        return sales[0] if sales else None

    def portal_order_closed_reason(self, sale, now):
        "Return why the order may not be changed anymore, or None"
        if sale.state not in {'draft', 'quotation'}:
            return gettext('food_aid_portal.msg_order_processed',
                state=sale.state_string)
        channel = sale.channel or self.portal_channel
        if sale.shipping_date:
            cutoff = channel.cutoff_of(sale.shipping_date)
            if cutoff <= now:
                return gettext('food_aid_portal.msg_order_cutoff_passed',
                    cutoff=cutoff.strftime('%d/%m/%Y %H:%M'))

    @classmethod
    def portal_available(cls, company, date, exclude_sale=None):
        """Return the quantity per product offered for the week of date, in
        the product's unit, less what other sales already ordered"""
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        Product = pool.get('product.product')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        offer = Offer.__table__()
        sale = Sale.__table__()
        sale_line = SaleLine.__table__()
        product = Product.__table__()
        template = Template.__table__()
        line_unit = Uom.__table__()
        product_unit = Uom.__table__()
        cursor = Transaction().connection.cursor()

        cursor.execute(*offer.select(offer.product, Sum(offer.quantity),
                where=(offer.company == company.id)
                & (offer.state == 'open')
                & (offer.date_start <= date) & (offer.date_end >= date),
                group_by=[offer.product]))
        available = defaultdict(float)
        available.update((p, q or 0) for p, q in cursor)
        if not available:
            return {}
        monday, sunday = week_of(date)
        shipping_date = Coalesce(sale.shipping_date, sale.sale_date)
        where = ((sale_line.type == 'line')
            & (sale_line.quantity > 0)
            & (sale.company == company.id)
            & sale.state.in_(ORDERED_STATES)
            & (shipping_date >= monday) & (shipping_date <= sunday))
        if exclude_sale:
            where &= sale.id != exclude_sale.id
        cursor.execute(*sale_line
            .join(sale, condition=sale_line.sale == sale.id)
            .join(product, condition=sale_line.product == product.id)
            .join(template, condition=product.template == template.id)
            .join(line_unit, condition=sale_line.unit == line_unit.id)
            .join(product_unit,
                condition=template.default_uom == product_unit.id)
            .select(sale_line.product,
                Sum(sale_line.quantity * line_unit.factor
                    / product_unit.factor),
                where=where & (sale_line.product != Null),
                group_by=[sale_line.product]))
        for product_id, quantity in cursor:
            if product_id in available:
                available[product_id] -= quantity or 0
        return {p: max(q, 0) for p, q in available.items()}

    def portal_sale(self, delivery_date, quantities):
        "Return an unsaved sale of the party with a line per product"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        company = self.portal_company
        sale = Sale(company=company, currency=company.currency,
            party=self.party, channel=self.portal_channel,
            shipping_date=delivery_date, state='draft')
        sale.on_change_party()
        sale.channel = self.portal_channel
        sale.sale_date = None
        lines = []
        for index, (product, quantity) in enumerate(quantities):
            # unsaved records with distinct ids for the subsidy split
            line = Line(id=-(index + 1), sale=sale, type='line',
                product=product, unit=product.sale_uom, quantity=quantity,
                order_fee=None, taxes=[], description=product.rec_name)
            lines.append(line)
        sale.lines = lines
        return sale

    def portal_catalogue(self, delivery_date, exclude_sale=None):
        """Return the catalogue items of the party for the delivery: the
        products offered with their availability, unit price for the channel
        and, for a unit, the subsidy and the party's share"""
        pool = Pool()
        Product = pool.get('product.product')
        Line = pool.get('sale.line')
        Sale = pool.get('sale.sale')
        Fee = pool.get('food_aid.fee')
        Uom = pool.get('product.uom')
        company = self.portal_company
        available = self.portal_available(
            company, delivery_date, exclude_sale=exclude_sale)
        products = Product.browse(sorted(available))
        products = [p for p in products if p.salable]
        products.sort(key=lambda p: p.rec_name)
        if not products:
            return []
        sale = self.portal_sale(delivery_date, [(p, 1) for p in products])
        date = Transaction().context.get('date') or delivery_date
        with without_check_access():
            fees = Fee.fees_in_force(
                company, date, ['per_unit', 'percentage'])
            fair_prices = Line.group_fair_prices(company, products, date)
            with Transaction().set_context(
                    sale.lines[0]._get_context_sale_price()):
                list_prices = Product.get_sale_price(products, 1)
        for line in sale.lines:
            composition = line.compute_price_composition(
                fees=fees, fair_prices=fair_prices)
            if composition is None:
                line.unit_price = list_prices[line.product.id]
            else:
                producer_price, amounts = composition
                line.unit_price = producer_price + sum(
                    (a for _, a in amounts), Decimal(0))
            line.amount = line.on_change_with_amount()
        ordered = defaultdict(float)
        if exclude_sale:
            for line in exclude_sale.lines:
                if line.type == 'line' and line.product:
                    ordered[line.product.id] += line.quantity
        with without_check_access():
            split, _, _, _ = Sale.subsidy_split([sale])
        items = []
        for line in sale.lines:
            subsidy = sum(
                (s for _, s, _ in split.get(line.id, [])), Decimal(0))
            unit = line.product.sale_uom
            items.append(CatalogueItem(
                    product=line.product, unit=unit,
                    available=Uom.compute_qty(
                        line.product.default_uom,
                        available[line.product.id], unit),
                    unit_price=line.unit_price, subsidy=subsidy,
                    customer_share=line.amount - subsidy,
                    ordered=ordered.get(line.product.id)))
        return items

    def portal_place_order(self, delivery_date, quantities, now):
        """Create or replace the party's order for the delivery with the
        quantities per product id, as a quotation; return the sale"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        sale = self.portal_current_order(delivery_date)
        if sale:
            reason = self.portal_order_closed_reason(sale, now)
            if reason:
                raise OrderCutoffError(reason)
        if self.portal_channel.cutoff_of(delivery_date) <= now:
            raise OrderCutoffError(gettext(
                    'food_aid_portal.msg_order_cutoff_passed',
                    cutoff=self.portal_channel.cutoff_of(
                        delivery_date).strftime('%d/%m/%Y %H:%M')))
        catalogue = {
            i.product.id: i for i in self.portal_catalogue(
                delivery_date, exclude_sale=sale)}
        wanted = []
        for product_id, quantity in quantities.items():
            item = catalogue.get(product_id)
            if item is None:
                raise OrderCatalogueError(gettext(
                        'food_aid_portal.msg_order_not_in_catalogue'))
            if quantity is None:
                continue
            quantity = item.unit.round(quantity)
            if quantity <= 0:
                raise OrderQuantityError(gettext(
                        'food_aid_portal.msg_order_quantity_positive',
                        product=item.product.rec_name))
            if quantity > item.available:
                raise OrderAvailabilityError(gettext(
                        'food_aid_portal.msg_order_quantity_available',
                        product=item.product.rec_name,
                        available=item.available,
                        unit=item.unit.symbol))
            wanted.append((item.product, quantity))
        if not wanted:
            raise OrderQuantityError(gettext(
                    'food_aid_portal.msg_order_empty'))
        with Transaction().set_context(company=self.portal_company.id):
            if sale:
                if sale.state == 'quotation':
                    Sale.draft([sale])
                Line.delete([l for l in sale.lines])
            else:
                sale = self.portal_sale(delivery_date, [])
                sale.portal_user = self
                sale.lines = []
                sale.save()
            lines = []
            for product, quantity in wanted:
                line = Line(sale=sale, type='line', product=product,
                    quantity=quantity)
                line.on_change_product()
                line.quantity = quantity
                line.on_change_quantity()
                lines.append(line)
            Line.save(lines)
            Line.update_price_composition(lines, reprice=True)
            sale = Sale(sale.id)
            Sale.quote([sale])
        return sale
