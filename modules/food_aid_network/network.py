# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from contextlib import contextmanager

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import PoolMeta
from trytond.transaction import Transaction


@contextmanager
def across_gardens(**context):
    """Work in the books of the gardens of the network as the root user

    A garden's staff may not open another garden's books: what the network
    does in step in the other garden (its sale, its purchase, the lots it
    passes) is done once the rights on the documents of the call are
    checked."""
    transaction = Transaction()
    with transaction.set_user(0), transaction.set_context(
            _check_access=False, **context):
        yield


class Network(ModelSQL, ModelView):
    """A network of gardens: companies of one database that pool their
    supply and their figures"""
    __name__ = 'food_aid.network'

    name = fields.Char("Name", required=True)
    companies = fields.One2Many(
        'company.company', 'network', "Gardens", readonly=True,
        help="The companies of the database that belong to the network.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    network = fields.Many2One(
        'food_aid.network', "Network", ondelete='SET NULL',
        help="The network of gardens the company belongs to.")

    def in_network_with(self, other):
        "Tell whether the company and the other are gardens of one network"
        return bool(
            self.network and other and other != self
            and other.network == self.network)
