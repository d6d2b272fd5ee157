# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.pool import Pool, PoolMeta


def is_return(move):
    "Tell if the move gives goods back to the supplier"
    return (move.to_location.type == 'supplier'
        and move.from_location.type != 'supplier')


class Line(metaclass=PoolMeta):
    __name__ = 'purchase.line'

    def _reception_quantities(self):
        "Return the quantities weighed, refused and pending in the line unit"
        pool = Pool()
        Uom = pool.get('product.uom')
        weighed = refused = pending = 0
        for move in self.moves:
            if move.state == 'cancelled' or is_return(move):
                continue
            quantity = Uom.compute_qty(
                move.unit, move.quantity, self.unit, round=False)
            if move.state != 'done':
                pending += quantity
            elif move.refused:
                refused += quantity
            else:
                weighed += quantity
        return weighed, refused, pending

    @property
    def reception_settled(self):
        """Tell if the weighed and refused lines settle the line

        Within the tolerance of the product, what is weighed completes the
        line: no backorder, the producer is paid what was weighed.
        """
        if (self.type != 'line' or not self.product
                or not self.quantity or self.quantity < 0
                or not self.movable):
            return False
        weighed, refused, pending = self._reception_quantities()
        if pending or not (weighed or refused):
            return False
        tolerance = self.product.template.reception_tolerance
        difference = abs(self.quantity - weighed - refused)
        return self.unit.round(difference) <= self.unit.round(
            tolerance * self.quantity)

    def _get_shipped_quantity(self, move_type):
        pool = Pool()
        Uom = pool.get('product.uom')
        quantity = super()._get_shipped_quantity(move_type)
        if move_type == 'in':
            skip = set(self.moves_recreated)
            for move in self.moves:
                if move not in skip and is_return(move):
                    quantity -= Uom.compute_qty(
                        move.unit, move.quantity, self.unit)
        return quantity

    def _get_move_quantity(self, move_type):
        quantity = super()._get_move_quantity(move_type)
        if move_type == 'in' and self.reception_settled:
            quantity = min(quantity, self._get_shipped_quantity(move_type))
        return quantity

    @property
    def _move_remaining_quantity(self):
        quantity = super()._move_remaining_quantity
        if quantity is not None:
            if self.reception_settled:
                return 0
            # the goods that went back are not received twice
            quantity += sum(
                self.unit.round(m.quantity) for m in self.moves
                if m.state == 'done' and is_return(m)
                and m not in self.moves_ignored)
        return quantity

    @property
    def _invoice_remaining_quantity(self):
        quantity = super()._invoice_remaining_quantity
        if (quantity is not None
                and self.purchase.invoice_method == 'fulfillment'
                and self.reception_settled):
            weighed, _, _ = self._reception_quantities()
            # what is not weighed is not owed
            quantity -= self.quantity - weighed
        return quantity

    def set_quantities(self):
        pool = Pool()
        Uom = pool.get('product.uom')
        super().set_quantities()
        if self.type != 'line' or not self.unit or self.quantity < 0:
            return
        if not any(is_return(m) for m in self.moves):
            return
        # the core counts the goods given back as received
        moved = invoiced = 0
        for move in self.moves:
            if move.state == 'cancelled':
                continue
            quantity = Uom.compute_qty(
                move.unit, move.quantity, self.unit, round=False)
            moved += -quantity if is_return(move) else quantity
        for invoice_line in self.invoice_lines:
            if (not invoice_line.invoice
                    or invoice_line.invoice.state != 'cancelled'):
                invoiced += Uom.compute_qty(
                    invoice_line.unit or self.unit, invoice_line.quantity,
                    self.unit, round=False)
        actual_quantity = self.unit.round(max(moved, invoiced, key=abs))
        if self.actual_quantity != actual_quantity:
            self.actual_quantity = actual_quantity
