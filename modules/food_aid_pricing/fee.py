# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.modules.food_aid.period import PeriodMixin, period_fields
from trytond.modules.product import price_digits
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import FeeValidationError

KINDS = [
    ('logistics', "Logistics"),
    ('packing', "Packing"),
    ('transport', "Transport"),
    ('admin', "Administration"),
    ('solidarity_fund', "Solidarity Fund"),
    ]
COMPUTATIONS = [
    ('per_unit', "Per Unit"),
    ('percentage', "Percentage of the Producer Price"),
    ('per_order', "Per Order"),
    ]


class Fee(PeriodMixin, DeactivableMixin, ModelSQL, ModelView):
    "A platform fee added to the producer price (an enterprise fee)"
    __name__ = 'food_aid.fee'

    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    kind = fields.Selection(
        KINDS, "Kind", required=True, sort=False,
        help="What the fee pays for; the sale shows one total per kind.")
    computation = fields.Selection(
        COMPUTATIONS, "Computation", required=True, sort=False,
        help="Per unit: an amount per unit of the product.\n"
        "Percentage: a rate of the producer price, per unit.\n"
        "Per order: one service line per sale.")
    amount = fields.Numeric(
        "Amount", digits=price_digits,
        states={
            'invisible': Eval('computation') == 'percentage',
            'required': Eval('computation') != 'percentage',
            },
        help="Per unit: the amount per unit of the product's default unit.\n"
        "Per order: the amount of the service line.")
    rate = fields.Numeric(
        "Rate", digits=(None, 4),
        states={
            'invisible': Eval('computation') != 'percentage',
            'required': Eval('computation') == 'percentage',
            },
        help="The share of the producer price added per unit.")
    channels = fields.Many2Many(
        'food_aid.fee-food_aid.channel', 'fee', 'channel', "Channels",
        help="The channels whose sales pay the fee; empty for all channels.")
    categories = fields.Many2Many(
        'food_aid.fee-product.category', 'fee', 'category', "Categories",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The product categories the fee applies to; "
        "empty for all products.")
    date_start, date_end = period_fields(required=False)
    product = fields.Many2One(
        'product.product', "Product", ondelete='RESTRICT',
        domain=[
            ('type', '=', 'service'),
            ('salable', '=', True),
            ],
        states={
            'invisible': Eval('computation') != 'per_order',
            'required': Eval('computation') == 'per_order',
            },
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The service product of the sale line that charges the fee.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('kind', 'ASC'),
            ('name', 'ASC'),
            ('id', 'ASC'),
            ]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_computation(cls):
        return 'per_unit'

    @fields.depends('computation')
    def on_change_computation(self):
        if self.computation == 'percentage':
            self.amount = None
        else:
            self.rate = None
        if self.computation != 'per_order':
            self.product = None

    @classmethod
    def validate_fields(cls, fees, field_names):
        super().validate_fields(fees, field_names)
        for fee in fees:
            fee.check_values()

    def check_values(self):
        # missing amounts, rates or products and inverted dates are refused
        # by the fields' required states and domains
        if self.computation == 'percentage':
            if self.rate is not None and not (0 <= self.rate <= 1):
                raise FeeValidationError(gettext(
                        'food_aid_pricing.msg_fee_rate_invalid',
                        fee=self.rec_name))
        elif self.amount is not None and self.amount < 0:
            raise FeeValidationError(gettext(
                    'food_aid_pricing.msg_fee_amount_negative',
                    fee=self.rec_name))

    @classmethod
    def fees_in_force(cls, company, date, computations):
        "Return the active fees of the company in force at date"
        return cls.search([
                ('company', '=', int(company)),
                ('computation', 'in', list(computations)),
                ['OR',
                    ('date_start', '=', None),
                    ('date_start', '<=', date),
                    ],
                ['OR',
                    ('date_end', '=', None),
                    ('date_end', '>=', date),
                    ],
                ])

    def applies_to(self, channel, categories):
        """Whether the fee applies to a sale of the channel and a product of
        the categories (ids, parents included)"""
        if self.channels and (
                not channel or int(channel) not in {
                    c.id for c in self.channels}):
            return False
        if self.categories and not (
                {c.id for c in self.categories} & set(categories)):
            return False
        return True

    @classmethod
    def product_categories(cls, product):
        "Return the ids of the categories of the product and their parents"
        categories = set()
        template = product.template
        candidates = list(template.categories_all or [])
        if template.account_category:
            candidates.append(template.account_category)
        for category in candidates:
            while category and category.id not in categories:
                categories.add(category.id)
                category = category.parent
        return categories


class FeeChannel(ModelSQL):
    "The channels a fee applies to"
    __name__ = 'food_aid.fee-food_aid.channel'

    fee = fields.Many2One(
        'food_aid.fee', "Fee", required=True, ondelete='CASCADE')
    channel = fields.Many2One(
        'food_aid.channel', "Channel", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('fee')


class FeeCategory(ModelSQL):
    "The product categories a fee applies to"
    __name__ = 'food_aid.fee-product.category'

    fee = fields.Many2One(
        'food_aid.fee', "Fee", required=True, ondelete='CASCADE')
    category = fields.Many2One(
        'product.category', "Category", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('fee')


def kind_field_names():
    "Return the name of the sale's function field of each fee kind"
    return {kind: f'{kind}_fee_amount' for kind, _ in KINDS}


def fee_kind_label(kind):
    "Return the translated label of the fee kind"
    pool = Pool()
    Fee = pool.get('food_aid.fee')
    return dict(Fee.fields_get(['kind'])['kind']['selection'])[kind]
