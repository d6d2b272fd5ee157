# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    portal_user = fields.Many2One(
        'web.user', "Portal User", readonly=True, ondelete='RESTRICT',
        states={
            'invisible': ~Eval('portal_user'),
            },
        help="The partner's account that placed the order on the portal.")
    portal_order = fields.Function(fields.Boolean(
            "Portal Order",
            help="Whether the partner placed the order itself on the portal."),
        'get_portal_order', searcher='search_portal_order')

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('portal_user')
        return super().copy(sales, default=default)

    def get_portal_order(self, name):
        return bool(self.portal_user)

    @classmethod
    def search_portal_order(cls, name, clause):
        _, operator, value = clause
        if (operator == '=') == bool(value):
            return [('portal_user', '!=', None)]
        return [('portal_user', '=', None)]
