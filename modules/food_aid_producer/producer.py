# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.modules.food_aid.period import PeriodMixin, period_fields
from trytond.modules.product import price_digits
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import MembershipValidationError, PriceValidationError


class ProducerGroup(DeactivableMixin, ModelSQL, ModelView):
    "A group of local producers whose supply the platform pools"
    __name__ = 'food_aid.producer.group'

    name = fields.Char("Name", required=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    members = fields.One2Many(
        'food_aid.producer.membership', 'group', "Members")
    prices = fields.One2Many(
        'food_aid.producer.price', 'group', "Fair Prices")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')


class ProducerMembership(
        PeriodMixin, DeactivableMixin, ModelSQL, ModelView):
    "A producer's place in a group: who is served first and since when"
    __name__ = 'food_aid.producer.membership'

    group = fields.Many2One(
        'food_aid.producer.group', "Group", required=True, ondelete='CASCADE')
    producer = fields.Many2One(
        'party.party', "Producer", required=True, ondelete='CASCADE',
        domain=[('is_producer', '=', True)])
    priority = fields.Integer(
        "Priority", required=True,
        domain=[('priority', '>=', 1)],
        help="1 is served first; producers of the same priority "
        "share the demand.")
    date_start, date_end = period_fields(required=False)
    _period_error = MembershipValidationError
    _period_message = 'food_aid_producer.msg_membership_inverted_dates'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('group')
        cls._order = [
            ('group', 'ASC'),
            ('priority', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def default_priority(cls):
        return 2

    def get_rec_name(self, name):
        return f'{self.producer.rec_name} @ {self.group.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('producer.rec_name', *clause[1:]),
            ('group.rec_name', *clause[1:]),
            ]

    @classmethod
    def member_period_domain(cls, company, date_start, date_end):
        "Domain of the active memberships covering the whole period"
        return [
            ('group.company', '=', company),
            ('group.active', '=', True),
            ('active', '=', True),
            ['OR',
                ('date_start', '=', None),
                ('date_start', '<=', date_start),
                ],
            ['OR',
                ('date_end', '=', None),
                ('date_end', '>=', date_end),
                ],
            ]

    @classmethod
    def members(cls, keys):
        """Return for each (company, producer, date_start, date_end) whether
        the producer is an active member of a group of the company over the
        whole period"""
        keys = set(keys)
        result = dict.fromkeys(keys, False)
        if not keys:
            return result
        memberships = cls.search([
                ('producer', 'in', list({k[1] for k in keys})),
                ('group.company', 'in', list({k[0] for k in keys})),
                ('group.active', '=', True),
                ('active', '=', True),
                ])
        for key in keys:
            company, producer, date_start, date_end = key
            result[key] = any(
                m.producer.id == producer
                and m.group.company.id == company
                and (not m.date_start or m.date_start <= date_start)
                and (not m.date_end or m.date_end >= date_end)
                for m in memberships)
        return result

    @classmethod
    def priorities(cls, company, producers, date_start, date_end):
        "Return the best priority of each producer member over the period"
        memberships = cls.search([
                ('producer', 'in', [int(p) for p in producers]),
                cls.member_period_domain(company, date_start, date_end),
                ])
        priorities = {}
        for membership in memberships:
            producer = membership.producer.id
            priorities[producer] = min(
                priorities.get(producer, membership.priority),
                membership.priority)
        return priorities


class ProducerPrice(PeriodMixin, ModelSQL, ModelView):
    "A fair price agreement (prix rémunérateur) for a product"
    __name__ = 'food_aid.producer.price'

    group = fields.Many2One(
        'food_aid.producer.group', "Group", required=True, ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", required=True, ondelete='CASCADE')
    producer = fields.Many2One(
        'party.party', "Producer", ondelete='CASCADE',
        domain=[('is_producer', '=', True)],
        help="Leave empty for a price that applies to the whole group.")
    date_start, date_end = period_fields(required=False)
    _period_error = PriceValidationError
    _period_message = 'food_aid_producer.msg_price_inverted_dates'
    unit_price = fields.Numeric(
        "Unit Price", digits=price_digits, required=True,
        help="The price per unit of the product that pays the producer "
        "fairly.")
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('group')
        cls._order = [
            ('product', 'ASC'),
            ('date_start', 'DESC NULLS LAST'),
            ('id', 'ASC'),
            ]

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    def get_rec_name(self, name):
        return f'{self.product.rec_name} @ {self.group.rec_name}'

    @classmethod
    def validate_fields(cls, prices, field_names):
        super().validate_fields(prices, field_names)
        for price in prices:
            if price.unit_price is not None and price.unit_price <= 0:
                raise PriceValidationError(gettext(
                        'food_aid_producer.msg_price_not_positive',
                        record=price.rec_name))

    @classmethod
    def fair_prices(cls, company, keys, date):
        """Return the fair price in force at date of each (producer, product)

        A price agreed with the producer wins over the price of its groups.
        """
        pool = Pool()
        Membership = pool.get('food_aid.producer.membership')
        keys = {(int(p), int(r)) for p, r in keys}
        if not keys:
            return {}
        producers = {p for p, _ in keys}
        memberships = Membership.search([
                ('producer', 'in', list(producers)),
                Membership.member_period_domain(company, date, date),
                ])
        groups = {}
        for membership in memberships:
            groups.setdefault(membership.producer.id, set()).add(
                membership.group.id)
        prices = cls.search([
                ('group', 'in', list(set().union(*groups.values()) or [-1])),
                ('product', 'in', list({r for _, r in keys})),
                ['OR',
                    ('producer', '=', None),
                    ('producer', 'in', list(producers)),
                    ],
                ['OR',
                    ('date_start', '=', None),
                    ('date_start', '<=', date),
                    ],
                ['OR',
                    ('date_end', '=', None),
                    ('date_end', '>=', date),
                    ],
                ])
        result = {}
        for producer, product in keys:
            candidates = [
                p for p in prices
                if p.product.id == product
                and p.group.id in groups.get(producer, ())
                and (not p.producer or p.producer.id == producer)]
            if candidates:
                # the producer's own agreement, then the latest, then the
                # lowest: a stable choice when several groups agree a price
                best = min(candidates, key=lambda p: (
                        p.producer is None,
                        -(p.date_start.toordinal() if p.date_start else 0),
                        p.unit_price, p.id))
                result[(producer, product)] = best.unit_price
        return result
