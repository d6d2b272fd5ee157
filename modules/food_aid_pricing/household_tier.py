# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields

from .exceptions import HouseholdTierValidationError


class HouseholdTier(DeactivableMixin, ModelSQL, ModelView):
    """A household income tier of the solidarity baskets: the share of the
    price the household pays, a grant paying the rest"""
    __name__ = 'food_aid.household_tier'

    name = fields.Char("Name", required=True, translate=True)
    household_share = fields.Numeric(
        "Household Share", digits=(None, 4), required=True,
        help="The share of the price the household pays (between 0 and 1).")
    description = fields.Text("Description", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('household_share', 'ASC'),
            ('name', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def validate_fields(cls, tiers, field_names):
        super().validate_fields(tiers, field_names)
        if field_names and 'household_share' not in field_names:
            return
        for tier in tiers:
            if not (0 <= tier.household_share <= 1):
                raise HouseholdTierValidationError(gettext(
                        'food_aid_pricing.msg_household_share_invalid',
                        tier=tier.rec_name))
