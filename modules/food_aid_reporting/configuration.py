# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

# A common definition of local food in French territorial food projects
DEFAULT_LOCAL_RADIUS = 100


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "The settings of the food-aid reports"
    __name__ = 'food_aid.reporting.configuration'

    local_radius = fields.Integer(
        "Local Radius (km)", required=True,
        domain=[('local_radius', '>', 0)],
        help="A product counts as local when it is bought from producers "
        "whose distance is at most this radius.")

    @classmethod
    def default_local_radius(cls):
        return DEFAULT_LOCAL_RADIUS

    def get_local_radius(self):
        return self.local_radius or DEFAULT_LOCAL_RADIUS
