# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class LotTrace(metaclass=PoolMeta):
    __name__ = 'stock.lot.trace'

    def _get_upward_traces(self):
        "Follow the lot from the seller garden's shipment to the buyer's"
        return super()._get_upward_traces() | self._network_traces(
            'sale.line', 'network_sale_line', 'purchase_line', 'supplier')

    def _get_downward_traces(self):
        "Follow the lot from the buyer garden's reception to the seller's"
        return super()._get_downward_traces() | self._network_traces(
            'purchase.line', 'purchase_line', 'network_sale_line',
            'customer')

    def _network_traces(
            self, origin_model, origin_name, other_name, location_type):
        """Return the done moves of the lot in the other garden that the
        allocation line drawn from the network pairs with the trace's move

        The move of the lot out of the seller garden to the buyer garden
        and the move into the buyer garden are the two sides of one line:
        the lot is not bound to a company, its trace goes on."""
        pool = Pool()
        Move = pool.get('stock.move')
        Line = pool.get('food_aid.allocation.line')
        transaction = Transaction()
        with transaction.set_user(0), transaction.set_context(
                _check_access=False):
            origin = Move(self.id).origin
        if not self.lot or not origin or origin.__name__ != origin_model:
            return set()
        with transaction.set_user(0), transaction.set_context(
                _check_access=False):
            lines = Line.search([
                    (origin_name, '=', origin.id),
                    ('network_sale_line', '!=', None),
                    ])
            others = [str(getattr(l, other_name)) for l in lines
                if getattr(l, other_name)]
            if not others:
                return set()
            moves = Move.search([
                    ('lot', '=', self.lot.id),
                    ('origin', 'in', others),
                    ('state', '=', 'done'),
                    ('from_location.type' if location_type == 'supplier'
                        else 'to_location.type', '=', location_type),
                    ])
        return set(moves)
