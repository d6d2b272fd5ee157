# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from collections import defaultdict

from sql import Null
from sql.aggregate import Sum
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import NetworkAllocationError
from .network import across_gardens


class Allocation(metaclass=PoolMeta):
    __name__ = 'food_aid.allocation'

    def _supply_domain(self, products):
        "The garden's own open offers and those its network opens to it"
        domain = super()._supply_domain(products)
        if not self.company.network:
            return domain
        shared = [d if d[0] != 'company' else
            ('company.network', '=', self.company.network.id)
            for d in domain]
        shared += [
            ('company', '!=', self.company.id),
            ('network_shared', '=', True),
            ['OR',
                ('network_gardens', '=', None),
                ('network_gardens', '=', self.company.id),
                ],
            ]
        return ['OR', domain, shared]

    def _compute(self):
        lines, shortfalls = super()._compute()
        for line in lines:
            # the other garden sells at its network price
            if line.offer and line.offer.company != self.company:
                line.unit_price = line.offer.network_price
        return lines, shortfalls

    def get_covered_quantities(self):
        """Add what the garden sells to the network for the period: the
        purchase from the producer made in step with the sale covers it"""
        pool = Pool()
        Line = pool.get('food_aid.allocation.line')
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        Move = pool.get('stock.move')
        covered = defaultdict(float, super().get_covered_quantities())
        line = Line.__table__()
        sale = Sale.__table__()
        sale_line = SaleLine.__table__()
        move = Move.__table__()
        cursor = Transaction().connection.cursor()
        # what is shipped is no longer ordered, so it is no longer covered
        shipped = move.select(
            Move.origin.sql_id(move.origin, Move).as_('line'),
            Sum(move.internal_quantity).as_('quantity'),
            where=move.origin.like('sale.line,%') & (move.state == 'done'),
            group_by=[move.origin])
        shipping_date = Coalesce(sale.shipping_date, sale.sale_date)
        cursor.execute(*line
            .join(sale_line, condition=line.network_sale_line == sale_line.id)
            .join(sale, condition=sale_line.sale == sale.id)
            .join(shipped, 'LEFT', condition=shipped.line == sale_line.id)
            .select(line.product,
                Sum(line.quantity - Coalesce(shipped.quantity, 0)),
                where=(line.network_sale_line != Null)
                & (sale.company == self.company.id)
                & (sale.warehouse == self.warehouse.id)
                & sale.state.in_(['confirmed', 'processing'])
                & (shipping_date >= self.date_start)
                & (shipping_date <= self.date_end),
                group_by=[line.product]))
        for product, quantity in cursor:
            if quantity and quantity > 0:
                covered[product] += quantity
        return dict(covered)

    @classmethod
    def check_network(cls, allocations):
        "Check that the offers of other gardens may still supply the garden"
        for allocation in allocations:
            for line in allocation.lines:
                offer = line.offer
                if not line.seller_company:
                    continue
                if not offer.may_supply(allocation.company):
                    raise NetworkAllocationError(gettext(
                            'food_aid_network.msg_allocation_offer_outside',
                            allocation=allocation.rec_name,
                            offer=offer.rec_name,
                            seller=offer.company.rec_name,
                            company=allocation.company.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, allocations):
        pool = Pool()
        Line = pool.get('food_aid.allocation.line')
        cls.check_network(allocations)
        super().confirm(allocations)
        Line.draw_from_network(
            [l for a in allocations for l in a.lines if l.seller_company])

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, allocations):
        pool = Pool()
        Line = pool.get('food_aid.allocation.line')
        # the seller gardens' documents first: a confirmed one stops all
        Line.cancel_network_orders(
            [l for a in allocations for l in a.lines if l.seller_company])
        super().cancel(allocations)


class AllocationLine(metaclass=PoolMeta):
    __name__ = 'food_aid.allocation.line'

    network_seller = fields.Function(fields.Many2One(
            'party.party', "Seller Garden",
            help="The garden of the network whose offer the line draws on."),
        'get_network_seller')
    network_sale_line = fields.Many2One(
        'sale.line', "Network Sale Line", readonly=True, ondelete='SET NULL',
        help="The line of the seller garden's sale to the garden.")
    network_purchase_line = fields.Many2One(
        'purchase.line', "Network Purchase Line", readonly=True,
        ondelete='SET NULL',
        help="The line of the seller garden's purchase from the producer.")

    @property
    def seller_company(self):
        "The other garden whose offer the line draws on"
        if (self.offer and self.allocation
                and self.offer.company != self.allocation.company):
            return self.offer.company

    def get_network_seller(self, name):
        if self.seller_company:
            return self.seller_company.party.id

    def get_purchase_party(self):
        if self.seller_company:
            return self.seller_company.party
        return super().get_purchase_party()

    @classmethod
    def draw_from_network(cls, lines):
        """Make in the seller gardens the sale to the buyer garden and the
        purchase from the producer of each line drawn from the network

        The buyer garden's staff may not open the seller's books: the
        documents are made by the root user in the seller's company, once
        the button's rights on the buyer's allocation are checked."""
        pool = Pool()
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        Purchase = pool.get('purchase.purchase')
        PurchaseLine = pool.get('purchase.line')
        if not lines:
            return
        by_seller = defaultdict(list)
        for line in lines:
            by_seller[line.seller_company].append(line)
        for seller, seller_lines in sorted(
                by_seller.items(), key=lambda i: i[0].id):
            with across_gardens(company=seller.id):
                sales, purchases = {}, {}
                sale_lines, purchase_lines = [], []
                for line in seller_lines:
                    line = cls(line.id)
                    key = (line.allocation, line.offer.network_warehouse)
                    if key not in sales:
                        sales[key] = line._get_network_sale()
                    sale_lines.append((sales[key], line._get_network_sale_line(
                                sales[key])))
                    key = (line.producer, line.offer.network_warehouse,
                        line.allocation)
                    if key not in purchases:
                        purchases[key] = line._get_network_purchase()
                    purchase_lines.append((purchases[key],
                            line._get_network_purchase_line(purchases[key])))
                Sale.save(list(sales.values()))
                Purchase.save(list(purchases.values()))
                for sale, sale_line in sale_lines:
                    sale_line.sale = sale
                for purchase, purchase_line in purchase_lines:
                    purchase_line.purchase = purchase
                SaleLine.save([l for _, l in sale_lines])
                PurchaseLine.save([l for _, l in purchase_lines])
                for line, (_, sale_line), (_, purchase_line) in zip(
                        seller_lines, sale_lines, purchase_lines):
                    line.network_sale_line = sale_line
                    line.network_purchase_line = purchase_line
                cls.save(seller_lines)

    @classmethod
    def pass_network_lots(cls, lines):
        """Give the buyer garden's reception of the lines drawn from the
        network the lots the seller garden shipped for them

        The seller's shipment to the buyer goes out with the producer's
        lots; the buyer's incoming moves of the same lines, still to be
        received, take the same lots (a move split by lot when several were
        shipped), so that the buyer's staff receive what was shipped and
        the trace goes on from one garden to the other.  The buyer's staff
        may not read the seller's moves: the lots are passed by the root
        user once the rights on the documents of the call are checked."""
        pool = Pool()
        Move = pool.get('stock.move')
        Uom = pool.get('product.uom')
        transaction = Transaction()
        with across_gardens():
            lines = [l for l in cls.browse(lines)
                if l.network_sale_line and l.purchase_line]
            to_save = []
            for line in lines:
                unit = line.product.default_uom
                shipped = defaultdict(float)
                for move in line.network_sale_line.moves:
                    if move.state != 'done' or not move.lot:
                        continue
                    if move.to_location.type == 'customer':
                        shipped[move.lot] += move.internal_quantity
                    elif move.from_location.type == 'customer':
                        shipped[move.lot] -= move.internal_quantity
                waiting = []
                for move in line.purchase_line.moves:
                    if (move.state == 'cancelled'
                            or move.from_location.type != 'supplier'):
                        continue
                    if move.lot:
                        shipped[move.lot] -= move.internal_quantity
                    elif move.state in {'draft', 'staging', 'assigned'}:
                        waiting.append(move)
                for lot, quantity in sorted(
                        shipped.items(), key=lambda i: i[0].id):
                    while waiting and quantity >= unit.rounding:
                        move = waiting.pop(0)
                        move.lot = lot
                        if quantity >= move.internal_quantity - unit.rounding:
                            quantity -= move.internal_quantity
                            to_save.append(move)
                            continue
                        # the lot covers a part of the move: the rest waits
                        # for the next lot in a copy of the move
                        part = move.unit.round(Uom.compute_qty(
                                unit, quantity, move.unit, round=False))
                        rest = move.unit.round(move.quantity - part)
                        move.quantity = part
                        move.save()
                        with transaction.set_context(_stock_move_split=True):
                            rest, = Move.copy([move], {
                                    'quantity': rest,
                                    'lot': None,
                                    })
                        waiting.insert(0, rest)
                        quantity = 0
            Move.save(to_save)

    def _delivery_date(self):
        pool = Pool()
        Date = pool.get('ir.date')
        return max(self.allocation.date_start, Date.today())

    def _get_network_sale(self):
        "Return the seller garden's sale to the buyer garden"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Date = pool.get('ir.date')
        seller = self.seller_company
        sale = Sale(
            company=seller, party=self.allocation.company.party,
            warehouse=self.offer.network_warehouse,
            currency=seller.currency, sale_date=Date.today(),
            shipping_date=self._delivery_date())
        sale.on_change_party()
        sale.warehouse = self.offer.network_warehouse
        return sale

    def _get_network_sale_line(self, sale):
        "Return the sale line of the quantity drawn at the network price"
        pool = Pool()
        SaleLine = pool.get('sale.line')
        line = SaleLine(
            sale=sale, type='line', product=self.product,
            quantity=self.quantity)
        line.on_change_product()
        line.unit = self.product.default_uom
        line.quantity = self.quantity
        line.unit_price = self.offer.network_price
        return line

    def _get_network_purchase(self):
        "Return the seller garden's purchase from the producer"
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        Date = pool.get('ir.date')
        seller = self.seller_company
        purchase = Purchase(
            company=seller, party=self.producer,
            warehouse=self.offer.network_warehouse,
            currency=seller.currency, purchase_date=Date.today(),
            delivery_date=self._delivery_date())
        purchase.on_change_party()
        purchase.warehouse = self.offer.network_warehouse
        return purchase

    def _get_network_purchase_line(self, purchase):
        "Return the purchase line of the quantity drawn at the offer's price"
        line = self.get_purchase_line(purchase)
        line.unit_price = self.offer.unit_price
        return line

    @classmethod
    def cancel_network_orders(cls, lines):
        "Cancel the seller gardens' documents of the lines, still drafts"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Purchase = pool.get('purchase.purchase')
        with across_gardens():
            lines = cls.browse(lines)
            sales = Sale.browse({
                    l.network_sale_line.sale for l in lines
                    if l.network_sale_line})
            purchases = Purchase.browse({
                    l.network_purchase_line.purchase for l in lines
                    if l.network_purchase_line})
            for document in [*sales, *purchases]:
                if document.state not in {'draft', 'quotation', 'cancelled'}:
                    raise NetworkAllocationError(gettext(
                            'food_aid_network.msg_allocation_cancel_network',
                            document=document.rec_name,
                            company=document.company.rec_name))
            Sale.cancel([s for s in sales if s.state != 'cancelled'])
            Purchase.cancel([p for p in purchases if p.state != 'cancelled'])
