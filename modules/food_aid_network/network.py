# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import PoolMeta


class Network(ModelSQL, ModelView):
    "A network of gardens: companies of the database that pool their supply"
    __name__ = 'food_aid.network'

    name = fields.Char("Name", required=True, translate=True)
    companies = fields.One2Many(
        'company.company', 'network', "Gardens",
        help="The companies of the database that belong to the network.")


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    network = fields.Many2One(
        'food_aid.network', "Network", ondelete='SET NULL',
        help="The network of gardens the company belongs to.")
