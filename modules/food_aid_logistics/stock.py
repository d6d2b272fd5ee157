# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import LotRecalledError, ReceptionError

REFUSAL_REASONS = [
    (None, ""),
    ('quality', "Quality"),
    ('temperature', "Temperature"),
    ('quantity', "Quantity"),
    ]
LOSS_REASONS = [
    (None, ""),
    ('spoiled', "Spoiled"),
    ('damaged', "Damaged"),
    ('expired', "Expired"),
    ('unsold', "Unsold"),
    ('other', "Other"),
    ]


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    harvest_date = fields.Date(
        "Harvest Date",
        states={
            'invisible': Eval('from_location_type') != 'supplier',
            'readonly': Eval('state') != 'draft',
            },
        help="The day the producer harvested what is received; "
        "copied to the lot.")
    refusal_reason = fields.Selection(
        REFUSAL_REASONS, "Refusal Reason", sort=False,
        states={
            'invisible': (
                (Eval('from_location_type') != 'supplier')
                & (Eval('to_location_type') != 'supplier')),
            'readonly': (Eval('state') != 'draft') | Eval('refused', False),
            },
        help="Why the line is refused and goes back to the producer.")
    refused = fields.Boolean(
        "Refused", readonly=True,
        states={
            'invisible': Eval('from_location_type') != 'supplier',
            },
        help="The line never enters the stock: on reception it goes back "
        "to the producer with a supplier return.")
    ordered_quantity = fields.Function(
        fields.Float(
            "Ordered", digits='unit',
            states={
                'invisible': Eval('from_location_type') != 'supplier',
                }),
        'get_ordered_quantity')
    loss_reason = fields.Selection(
        LOSS_REASONS, "Loss Reason", sort=False,
        states={
            'invisible': Eval('to_location_type') != 'lost_found',
            'readonly': Eval('state').in_(['done', 'cancelled']),
            })
    loss_value = fields.Function(
        Monetary("Loss Value", currency='loss_currency',
            digits='loss_currency',
            states={
                'invisible': ~Eval('loss_reason'),
                }),
        'get_loss_value')
    loss_currency = fields.Function(
        fields.Many2One('currency.currency', "Loss Currency"),
        'on_change_with_loss_currency')
    from_location_type = fields.Function(
        fields.Selection('get_location_types', "From Location Type"),
        'on_change_with_from_location_type')
    to_location_type = fields.Function(
        fields.Selection('get_location_types', "To Location Type"),
        'on_change_with_to_location_type')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'refuse': {
                    'invisible': (
                        (Eval('from_location_type') != 'supplier')
                        | (Eval('state') != 'draft')
                        | Eval('refused', False)),
                    'icon': 'tryton-cancel',
                    'depends': ['from_location_type', 'state', 'refused'],
                    },
                })

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + [
            'food_aid.donation.line', 'food_aid.recall']

    @classmethod
    def default_refused(cls):
        return False

    @classmethod
    def get_location_types(cls):
        pool = Pool()
        Location = pool.get('stock.location')
        return Location.fields_get(['type'])['type']['selection']

    @fields.depends('from_location')
    def on_change_with_from_location_type(self, name=None):
        return self.from_location.type if self.from_location else None

    @fields.depends('to_location')
    def on_change_with_to_location_type(self, name=None):
        return self.to_location.type if self.to_location else None

    def get_ordered_quantity(self, name):
        pool = Pool()
        Line = pool.get('purchase.line')
        Uom = pool.get('product.uom')
        if isinstance(self.origin, Line) and self.origin.unit:
            return Uom.compute_qty(
                self.origin.unit, self.origin.quantity, self.unit)

    @fields.depends('company')
    def on_change_with_loss_currency(self, name=None):
        return self.company.currency if self.company else None

    def get_loss_value(self, name):
        if self.loss_reason and self.cost_price is not None:
            return self.company.currency.round(
                Decimal(str(self.quantity)) * self.cost_price)

    @classmethod
    def copy(cls, moves, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('refusal_reason')
        default.setdefault('refused', False)
        return super().copy(moves, default=default)

    @classmethod
    @ModelView.button
    def refuse(cls, moves):
        "Refuse the lines of a reception: they go back to the producer"
        for move in moves:
            shipment = move.shipment.rec_name if move.shipment else ''
            if (move.state != 'draft' or move.refused
                    or move.from_location.type != 'supplier'):
                raise ReceptionError(gettext(
                        'food_aid_logistics.msg_refusal_not_draft',
                        product=move.product.rec_name, shipment=shipment))
            if not move.refusal_reason:
                raise ReceptionError(gettext(
                        'food_aid_logistics.msg_refusal_reason_required',
                        product=move.product.rec_name, shipment=shipment))
        cls.write(moves, {'refused': True})

    @classmethod
    def expiry_dates(cls, product_ids, location_ids):
        """Return the expiry date, or None, of the lots of the products in
        stock

        Only the lots with a quantity in the locations or their children
        are read: one query for the quantities grouped by lot, one for the
        dates, however many lots were ever received.
        """
        pool = Pool()
        Date = pool.get('ir.date')
        Lot = pool.get('stock.lot')
        Product = pool.get('product.product')
        with Transaction().set_context(
                stock_date_end=Date.today(), stock_assign=True):
            quantities = Product.products_by_location(
                list(location_ids), with_childs=True,
                grouping=('product', 'lot'),
                grouping_filter=(list(product_ids),))
        lot_ids = {lot for (_, _, lot), quantity in quantities.items()
            if lot is not None and quantity > 0}
        return {l['id']: l['expiry_date']
            for l in Lot.read(list(lot_ids), ['expiry_date'])}

    @classmethod
    def assign_try(
            cls, moves, with_childs=True, grouping=('product',), pblc=None):
        # FEFO: pick the lots of the moves without lot too, by expiry
        if 'lot' not in grouping:
            grouping = grouping + ('lot',)
        pool = Pool()
        Lot = pool.get('stock.lot')
        Recall = pool.get('food_aid.recall')
        product_ids = {m.product.id for m in moves}
        location_ids = {m.from_location.id for m in moves}
        expiry_dates = cls.expiry_dates(product_ids, location_ids)
        recalled = Recall.blocking(Lot.browse(list(expiry_dates)))
        with Transaction().set_context(
                _fefo_expiry_dates=expiry_dates,
                _recalled_lots=[l.id for l in recalled]):
            return super().assign_try(
                moves, with_childs=with_childs, grouping=grouping,
                pblc=pblc)

    def sort_quantities(self, quantities, locations, grouping):
        pool = Pool()
        Date = pool.get('ir.date')
        quantities = super().sort_quantities(quantities, locations, grouping)
        if 'lot' not in grouping:
            return quantities
        context = Transaction().context
        index = grouping.index('lot') + 1
        Lot = pool.get('stock.lot')
        Recall = pool.get('food_aid.recall')
        # assign_try reads them at once for all its moves
        expiry_dates = context.get('_fefo_expiry_dates')
        recalled = context.get('_recalled_lots')
        if expiry_dates is None or recalled is None:
            lots = Lot.browse(list(
                    {q[0][index] for q in quantities if q[0][index]}))
            expiry_dates = {l.id: l.expiry_date for l in lots}
            recalled = [l.id for l in Recall.blocking(lots)]
        recalled = set(recalled)
        # a recalled lot is never picked
        quantities = [q for q in quantities if q[0][index] not in recalled]
        today = Date.today()
        date = max(today, self.planned_date or today)

        def expiry(item):
            key, _ = item
            return expiry_dates.get(key[index]) or dt.date.max
        # an expired lot is never picked; stable sort keeps locations order
        quantities = [q for q in quantities if expiry(q) >= date]
        return sorted(quantities, key=expiry)

    @property
    def to_check_expiration(self):
        # stock_lot_sled checks the shelf life, the expiration date counts too
        if (self.lot and self.lot.expiry_date and self.effective_date
                and self.effective_date > self.lot.expiry_date):
            return True
        return super().to_check_expiration

    @classmethod
    def check_lot_recall(cls, moves):
        """Refuse the moves of the recalled lots

        Until the recall is closed they only go to its quarantine, to the
        lost and found or back to the producer.
        """
        pool = Pool()
        Recall = pool.get('food_aid.recall')
        lots = {m.lot for m in moves if m.lot}
        if not lots:
            return
        recalls = Recall.blocking(lots)
        if not recalls:
            return
        quarantines = Recall.quarantine_locations()
        for move in moves:
            recall = recalls.get(move.lot)
            if not recall:
                continue
            if (move.to_location.type in {'lost_found', 'supplier'}
                    or move.to_location.id in quarantines):
                continue
            raise LotRecalledError(gettext(
                    'food_aid_logistics.msg_lot_recalled',
                    lot=move.lot.rec_name, product=move.product.rec_name,
                    recall=recall.rec_name))

    @classmethod
    @Workflow.transition('assigned')
    def assign(cls, moves):
        cls.check_lot_recall(moves)
        super().assign(moves)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, moves):
        cls.check_lot_recall(moves)
        super().do(moves)

    def add_reception_lot(self, date, shelf_life_start=None):
        """Add to the move received on the date a lot numbered by the
        product's lot sequence, its shelf life counted from the start"""
        with Transaction().set_context(date=date):
            self.add_lot()
        if not self.lot:
            raise ReceptionError(gettext(
                    'food_aid_logistics.msg_lot_sequence_required',
                    product=self.product.rec_name))
        self.lot.reception_date = date
        self.lot.start_shelf_life(shelf_life_start or date)
        return self.lot

class ShipmentIn(metaclass=PoolMeta):
    __name__ = 'stock.shipment.in'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'create_lots': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-add',
                    'depends': ['state'],
                    },
                })

    def _reception_moves(self):
        "The lines of the reception that enter the stock with a lot"
        return [m for m in self.incoming_moves
            if m.state not in {'done', 'cancelled'}
            and not m.refused
            and m.from_location.type == 'supplier'
            and m.product.type == 'goods']

    @property
    def _check_quantity_source_moves(self):
        return [m for m in super()._check_quantity_source_moves
            if not m.refused]

    def _get_inventory_move(self, incoming_move):
        # a refused line stays at the door and goes back to the producer
        if incoming_move.refused:
            return None
        return super()._get_inventory_move(incoming_move)

    @classmethod
    def _check_weights(cls, shipments):
        for shipment in shipments:
            for move in shipment._reception_moves():
                if move.quantity <= 0:
                    raise ReceptionError(gettext(
                            'food_aid_logistics.msg_reception_weight_positive',
                            product=move.product.rec_name,
                            shipment=shipment.rec_name))

    @classmethod
    @ModelView.button
    def create_lots(cls, shipments):
        """Create one lot per product and harvest date of a delivery

        The lines of the same product harvested the same day share the lot.
        """
        pool = Pool()
        Date = pool.get('ir.date')
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        cls._check_weights(shipments)
        today = Date.today()
        lots, moves = {}, []
        for shipment in shipments:
            for move in shipment._reception_moves():
                key = (shipment.id, move.product.id, move.harvest_date)
                if move.lot:
                    lots.setdefault(key, move.lot)
            for move in shipment._reception_moves():
                if move.lot:
                    continue
                key = (shipment.id, move.product.id, move.harvest_date)
                if key in lots:
                    move.lot = lots[key]
                else:
                    lots[key] = shipment.set_reception_lot(
                        move, shipment.effective_date or today)
                moves.append(move)
        Lot.save([l for l in lots.values() if l.id is None or l.id < 0])
        Move.save(moves)

    def set_reception_lot(self, move, date):
        "Give the line received on the date a lot of the producer"
        # the shelf life runs from the harvest when known
        lot = move.add_reception_lot(date, move.harvest_date)
        lot.producer = self.supplier
        lot.harvest_date = move.harvest_date
        return lot

    @classmethod
    @ModelView.button
    @Workflow.transition('received')
    def receive(cls, shipments):
        cls._check_weights(shipments)
        for shipment in shipments:
            for move in shipment._reception_moves():
                if (not move.lot or not move.lot.producer
                        or not move.lot.reception_date):
                    raise ReceptionError(gettext(
                            'food_aid_logistics.msg_reception_lot_required',
                            product=move.product.rec_name,
                            shipment=shipment.rec_name))
        super().receive(shipments)
        cls.return_refused(shipments)

    @classmethod
    def return_refused(cls, shipments):
        "Give the refused lines back to the producer with supplier returns"
        pool = Pool()
        Return = pool.get('stock.shipment.in.return')
        returns = []
        for shipment in shipments:
            return_ = shipment.get_refusal_return()
            if return_:
                returns.append(return_)
        Return.save(returns)
        Return.wait(returns)
        Return.assign(returns)
        Return.do(returns)
        return returns

    def get_refusal_return(self):
        "Return the supplier return of the refused lines received"
        pool = Pool()
        Return = pool.get('stock.shipment.in.return')
        Move = pool.get('stock.move')
        refused = [m for m in self.incoming_moves
            if m.refused and m.state == 'done']
        if not refused:
            return
        moves = []
        for incoming in refused:
            moves.append(Move(
                    company=incoming.company,
                    product=incoming.product,
                    unit=incoming.unit,
                    quantity=incoming.quantity,
                    from_location=incoming.to_location,
                    to_location=self.supplier_location,
                    planned_date=incoming.effective_date,
                    effective_date=incoming.effective_date,
                    unit_price=incoming.unit_price,
                    currency=incoming.currency,
                    refusal_reason=incoming.refusal_reason,
                    refused=True,
                    # the purchase line counts what goes back
                    origin=incoming.origin,
                    ))
        return Return(
            company=self.company,
            supplier=self.supplier,
            delivery_address=self.supplier.address_get(type='delivery'),
            from_location=self.warehouse_input,
            to_location=self.supplier_location,
            reference=self.number,
            planned_date=self.effective_date,
            effective_date=self.effective_date,
            moves=moves)


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    delivery_stops = fields.One2Many(
        'food_aid.delivery.round.stop', 'shipment', "Delivery Stops",
        readonly=True)
