# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The partners' needs for the next season, when food_aid_planning is activated"
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta

from .exceptions import NeedError


class User(metaclass=PoolMeta):
    __name__ = 'web.user'

    def portal_pages(self):
        pages = super().portal_pages()
        if self.portal_needs_allowed:
            pages.append(('/needs', 'food_aid_portal.msg_page_needs'))
        return pages

    @property
    def portal_needs_allowed(self):
        # the planning's needs are those of food-aid organisations
        return bool(self.party and self.party.is_food_aid_organisation)

    def portal_season(self, today):
        """Return the supply plan of the next season of the platform, or None:
        staff open the needs of a season by planning it"""
        pool = Pool()
        SupplyPlan = pool.get('food_aid.supply_plan')
        plans = SupplyPlan.search([
                ('company', '=', self.portal_company.id),
                ('date_start', '>', today),
                ], order=[('date_start', 'ASC'), ('id', 'ASC')], limit=1)
        return plans[0] if plans else None

    def portal_need(self, season):
        "Return the need of the party for the season, or None"
        pool = Pool()
        Need = pool.get('food_aid.need')
        needs = Need.search([
                ('company', '=', self.portal_company.id),
                ('party', '=', self.party.id),
                ('source', '=', 'organisation'),
                ('date_start', '=', season.date_start),
                ('date_end', '=', season.date_end),
                ], order=[('id', 'ASC')], limit=1)
        return needs[0] if needs else None

    @classmethod
    def portal_need_products(cls):
        "Return the products whose needs a partner may enter, by name"
        pool = Pool()
        Product = pool.get('product.product')
        products = Product.search([
                ('template.salable', '=', True),
                ('template.type', '=', 'goods'),
                ])
        return sorted(products, key=lambda p: p.rec_name)

    @classmethod
    def portal_need_families(cls):
        "Return the food families as (code, name) in the context's language"
        pool = Pool()
        NeedLine = pool.get('food_aid.need.line')
        selection = NeedLine.fields_get(
            ['food_family'])['food_family']['selection']
        return [(code, name) for code, name in selection if code]

    def portal_save_need(self, season, products, families):
        """Create or replace the party's need for the season with the weekly
        quantities per product id and per food family; return the need"""
        pool = Pool()
        Need = pool.get('food_aid.need')
        NeedLine = pool.get('food_aid.need.line')
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        need = self.portal_need(season)
        if need and need.state != 'draft':
            raise NeedError(gettext('food_aid_portal.msg_needs_validated'))
        allowed = {p.id: p for p in self.portal_need_products()}
        codes = {code for code, _ in self.portal_need_families()}
        kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))
        lines = []
        for product_id, quantity in products.items():
            product = allowed.get(product_id)
            if product is None:
                raise NeedError(gettext(
                        'food_aid_portal.msg_need_not_in_list'))
            if quantity is not None:
                lines.append(NeedLine(product=product,
                        unit=product.default_uom,
                        weekly_quantity=product.default_uom.round(quantity)))
        for code, quantity in families.items():
            if code not in codes:
                raise NeedError(gettext(
                        'food_aid_portal.msg_need_not_in_list'))
            if quantity is not None:
                lines.append(NeedLine(food_family=code, unit=kilogram,
                        weekly_quantity=kilogram.round(quantity)))
        if not lines:
            raise NeedError(gettext('food_aid_portal.msg_need_empty'))
        if need:
            NeedLine.delete(list(need.lines))
        else:
            need = Need(company=self.portal_company, party=self.party,
                source='organisation', date_start=season.date_start,
                date_end=season.date_end)
        # the planning module's own validation refuses what is not positive
        need.lines = lines
        need.save()
        return need
