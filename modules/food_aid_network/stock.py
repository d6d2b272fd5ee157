# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import ModelView, Workflow
from trytond.pool import Pool, PoolMeta

from .network import across_gardens


def network_lines(name, ids):
    "Return the allocation lines drawn from the network of the documents"
    pool = Pool()
    Line = pool.get('food_aid.allocation.line')
    if not ids:
        return []
    with across_gardens():
        return Line.search([
                (name, 'in', list(ids)),
                ('network_sale_line', '!=', None),
                ('purchase_line', '!=', None),
                ])


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, moves):
        "Pass the lots shipped to a garden of the network to its reception"
        pool = Pool()
        SaleLine = pool.get('sale.line')
        Line = pool.get('food_aid.allocation.line')
        super().do(moves)
        # only a garden of a network sells to another garden
        sale_lines = {m.origin.id for m in moves
            if m.lot and m.company.network and isinstance(m.origin, SaleLine)}
        Line.pass_network_lots(network_lines('network_sale_line', sale_lines))


class Purchase(metaclass=PoolMeta):
    __name__ = 'purchase.purchase'

    @classmethod
    def _process_fulfillment(cls, purchases):
        "Give the moves bought from a garden of the network the lots shipped"
        pool = Pool()
        Line = pool.get('food_aid.allocation.line')
        super()._process_fulfillment(purchases)
        Line.pass_network_lots(network_lines('purchase_line',
                {l.id for p in purchases if p.company.network
                    for l in p.line_lines}))


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
        with across_gardens():
            origin = Move(self.id).origin
        if not self.lot or not origin or origin.__name__ != origin_model:
            return set()
        with across_gardens():
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
