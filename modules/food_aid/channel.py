# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)

from .rec_name import RecNameSearchMixin

KINDS = [
    ('food_aid', "Food Aid"),
    ('catering', "Collective Catering"),
    ('basket', "Household Baskets"),
    ('other', "Other"),
    ]


class Channel(
        RecNameSearchMixin, DeactivableMixin, ModelSQL, ModelView):
    "A way the platform distributes produce, with its own customers and prices"
    __name__ = 'food_aid.channel'
    _rec_name_fields = ('code', 'name')

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True, strip=True)
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    company = fields.Many2One(
        'company.company', "Company",
        help="Leave empty to share the channel between all companies.")
    description = fields.Text("Description", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'food_aid.msg_channel_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_kind():
        return 'other'

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'
