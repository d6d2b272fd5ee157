# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    household_tier = fields.Many2One(
        'food_aid.household_tier', "Household Tier", ondelete='RESTRICT',
        help="The income tier of a basket household: "
        "the share of the price it pays.")
