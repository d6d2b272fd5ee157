# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.food_aid.report import DocumentMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction

from .exceptions import RecallError


class Recall(Workflow, ModelSQL, ModelView):
    """The withdrawal of a lot: where it came from, who received it

    One step back and one step forward as Regulation (EC) 178/2002 requires,
    following the lot through repacking and baskets.
    """
    __name__ = 'food_aid.recall'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE',
        states=_states)
    lot = fields.Many2One(
        'stock.lot', "Lot", required=True, ondelete='RESTRICT',
        states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    product = fields.Function(
        fields.Many2One('product.product', "Product",
            context={
                'company': Eval('company', -1),
                },
            depends={'company'}),
        'on_change_with_product')
    producer = fields.Function(
        fields.Many2One('party.party', "Producer",
            context={
                'company': Eval('company', -1),
                },
            depends={'company'}),
        'on_change_with_producer')
    date = fields.Date("Date", required=True, states=_states)
    reason = fields.Text("Reason", required=True, states=_states)
    lines = fields.One2Many(
        'food_aid.recall.line', 'recall', "Lines",
        states={
            'readonly': Eval('state') == 'closed',
            })
    quarantine_location = fields.Many2One(
        'stock.location', "Quarantine", required=True, ondelete='RESTRICT',
        domain=[('type', '=', 'storage')],
        states={
            'readonly': Eval('state') == 'closed',
            },
        help="Where the stock of the lot and the quantities recovered "
        "wait until the recall is closed.")
    outcome = fields.Selection([
            (None, ""),
            ('destroyed', "Destroyed"),
            ('returned', "Returned to the Producer"),
            ], "Outcome", sort=False,
        states={
            'readonly': Eval('state') == 'closed',
            },
        help="What becomes of the quarantined goods when the recall closes.")
    moves = fields.One2Many(
        'stock.move', 'origin', "Moves", readonly=True,
        help="The moves to the quarantine and out of it.")
    quarantined_quantity = fields.Function(
        fields.Float("Quarantined Quantity", digits='unit'),
        'get_quantities')
    destroyed_quantity = fields.Function(
        fields.Float("Destroyed Quantity", digits='unit'),
        'get_quantities')
    returned_quantity = fields.Function(
        fields.Float("Returned Quantity", digits='unit'),
        'get_quantities')
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    state = fields.Selection([
            ('draft', "Draft"),
            ('traced', "Traced"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'traced'),
            ('traced', 'traced'),
            ('traced', 'draft'),
            ('traced', 'closed'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'traced',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'trace': {
                    'invisible': Eval('state') == 'closed',
                    'icon': 'tryton-search',
                    'depends': ['state'],
                    },
                'quarantine': {
                    'invisible': Eval('state') != 'traced',
                    'icon': 'tryton-import',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'traced',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_quarantine_location(cls):
        return Pool().get('ir.model.data').get_id(
            'food_aid_logistics', 'location_quarantine')

    @fields.depends('lot')
    def on_change_with_unit(self, name=None):
        return self.lot.product.default_uom if self.lot else None

    @classmethod
    def get_quantities(cls, recalls, names):
        result = {n: dict.fromkeys(r.id for r in recalls) for n in names}
        for recall in recalls:
            quantities = dict.fromkeys(names, 0)
            for move in recall.moves:
                if move.state != 'done' or move.product != recall.product:
                    continue
                if move.to_location == recall.quarantine_location:
                    key = 'quarantined_quantity'
                elif move.to_location.type == 'supplier':
                    key = 'returned_quantity'
                else:
                    key = 'destroyed_quantity'
                if key in quantities:
                    quantities[key] += move.internal_quantity
            for name, quantity in quantities.items():
                result[name][recall.id] = recall.unit.round(quantity)
        return result

    @classmethod
    def validate_fields(cls, recalls, field_names):
        super().validate_fields(recalls, field_names)
        if 'lot' in field_names:
            cls.check_lot_once(recalls)

    @classmethod
    def check_lot_once(cls, recalls):
        "Refuse to recall a lot twice"
        others = cls.search([
                ('lot', 'in', [r.lot.id for r in recalls]),
                ('id', 'not in', [r.id for r in recalls]),
                ], order=[])
        others = {r.lot: r for r in others}
        seen = {}
        for recall in recalls:
            other = others.get(recall.lot) or seen.get(recall.lot)
            if other:
                raise RecallError(gettext(
                        'food_aid_logistics.msg_recall_lot_twice',
                        lot=recall.lot.rec_name, recall=other.rec_name))
            seen[recall.lot] = recall

    @classmethod
    def blocking(cls, lots):
        "Return the open recall of each lot recalled"
        recalls = cls.search([
                ('lot', 'in', [l.id for l in lots]),
                ('state', '!=', 'closed'),
                ], order=[])
        return {r.lot: r for r in recalls}

    @classmethod
    def quarantine_locations(cls):
        "Return the ids of the quarantines of the open recalls"
        recalls = cls.search([('state', '!=', 'closed')], order=[])
        return {r.quarantine_location.id for r in recalls}

    def get_rec_name(self, name):
        return f'{self.lot.rec_name} ({self.date})'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('lot.rec_name', *clause[1:])]

    @fields.depends('lot')
    def on_change_with_product(self, name=None):
        return self.lot.product if self.lot else None

    @fields.depends('lot')
    def on_change_with_producer(self, name=None):
        return self.lot.producer if self.lot else None

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, recalls):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('traced')
    def trace(cls, recalls):
        "Find the receptions and the deliveries the lot reached"
        pool = Pool()
        Line = pool.get('food_aid.recall.line')
        recovered = {}
        for recall in recalls:
            for line in recall.lines:
                recovered[(recall.id, line.move.id)] = line.recovered_quantity
                if line.recovery_move:
                    raise RecallError(gettext(
                            'food_aid_logistics.msg_recall_trace_recovered',
                            recall=recall.rec_name))
        Line.delete([l for r in recalls for l in r.lines])
        lines = []
        for recall in recalls:
            for line in recall.get_lines():
                line.recovered_quantity = recovered.get(
                    (recall.id, line.move.id))
                lines.append(line)
        Line.save(lines)

    @classmethod
    @ModelView.button
    def quarantine(cls, recalls):
        """Put the stock of the lots and what is recovered in quarantine

        What is in the storage of the warehouses and what the customers
        give back wait in the quarantine location until the recall closes.
        """
        pool = Pool()
        Move = pool.get('stock.move')
        Line = pool.get('food_aid.recall.line')
        moves, lines = [], []
        for recall in recalls:
            for line in recall.lines:
                if (line.kind == 'downstream' and line.recovered_quantity
                        and not line.recovery_move):
                    line.recovery_move = recall._get_move(
                        line.lot, line.move.to_location,
                        recall.quarantine_location, line.recovered_quantity)
                    moves.append(line.recovery_move)
                    lines.append(line)
            moves.extend(recall._get_stock_moves())
        Move.save(moves)
        Line.save(lines)
        Move.do(moves)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, recalls):
        "Destroy or return what is in quarantine"
        pool = Pool()
        Move = pool.get('stock.move')
        cls.quarantine(recalls)
        moves = []
        for recall in recalls:
            outcome_moves = recall._get_outcome_moves()
            if outcome_moves and not recall.outcome:
                raise RecallError(gettext(
                        'food_aid_logistics.msg_recall_outcome_required',
                        recall=recall.rec_name))
            moves.extend(outcome_moves)
        Move.save(moves)
        Move.do(moves)

    def _recalled_lots(self):
        "The lot and the lots made of it that reached someone"
        lots = {self.lot}
        lots.update(l.lot for l in self.lines
            if l.kind == 'downstream' and l.lot)
        return lots

    def _lot_quantities(self, locations):
        "Return the quantity of each recalled lot in stock in the locations"
        pool = Pool()
        Date = pool.get('ir.date')
        Lot = pool.get('stock.lot')
        lots = [l.id for l in self._recalled_lots()]
        quantities = {}
        # one query per location: the warehouses and the quarantine
        for location in locations:
            with Transaction().set_context(
                    company=self.company.id, locations=[location.id],
                    stock_date_end=Date.today()):
                for lot in Lot.browse(lots):
                    if lot.quantity > 0:
                        quantities[(location.id, lot.id)] = lot.quantity
        return quantities

    def _get_stock_moves(self):
        "Return the moves of the recalled lots in storage to the quarantine"
        pool = Pool()
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        warehouses = Location.search([('type', '=', 'warehouse')])
        storages = [w.storage_location for w in warehouses
            if w.storage_location
            and w.storage_location != self.quarantine_location]
        moves = []
        for (location_id, lot_id), quantity in self._lot_quantities(
                storages).items():
            moves.append(self._get_move(
                    Lot(lot_id), Location(location_id),
                    self.quarantine_location, quantity))
        return moves

    def _get_outcome_moves(self):
        "Return the moves that destroy or return what is in quarantine"
        pool = Pool()
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        ModelData = pool.get('ir.model.data')
        moves = []
        quantities = self._lot_quantities([self.quarantine_location])
        if not quantities:
            return moves
        if self.outcome == 'returned':
            to_location = self.lot.producer.supplier_location
        else:
            warehouse = self.quarantine_location.warehouse
            to_location = (warehouse.lost_found_location if warehouse
                else None) or Location(ModelData.get_id(
                    'stock', 'location_lost_found'))
        for (location_id, lot_id), quantity in quantities.items():
            moves.append(self._get_move(
                    Lot(lot_id), Location(location_id), to_location,
                    quantity))
        return moves

    def _get_move(self, lot, from_location, to_location, quantity):
        pool = Pool()
        Date = pool.get('ir.date')
        Move = pool.get('stock.move')
        product = lot.product
        move = Move(
            company=self.company, product=product, lot=lot,
            unit=product.default_uom,
            quantity=product.default_uom.round(quantity),
            from_location=from_location, to_location=to_location,
            effective_date=Date.today(), origin=self)
        if move.on_change_with_unit_price_required():
            move.unit_price = product.cost_price
            move.currency = self.company.currency
        return move

    def get_lines(self):
        "Return the upstream and downstream lines of the recalled lot"
        pool = Pool()
        Line = pool.get('food_aid.recall.line')
        Move = pool.get('stock.move')
        lines = []
        for kind, traces in [
                ('upstream', self._upstream_traces()),
                ('downstream', self._downstream_traces())]:
            # a trace is a done move of a lot, with the same id
            for trace, move in zip(traces, Move.browse(traces)):
                lines.append(Line(
                        recall=self, kind=kind, move=move, lot=trace.lot,
                        party=self._move_party(move), date=trace.date,
                        quantity=trace.quantity, unit=trace.unit))
        return lines

    def _traces(self, name):
        """Return the traces of the lot and all those reached from them by
        the stock.lot.trace field name, through productions too"""
        pool = Pool()
        Trace = pool.get('stock.lot.trace')
        traces = Trace.search([
                ('lot', '=', self.lot.id),
                ('company', '=', self.company.id),
                ])
        reached = set(traces)
        # one step of the trace per turn, as far as it goes
        while traces:
            traces = list({t for trace in traces
                    for t in getattr(trace, name)} - reached)
            reached.update(traces)
        return sorted(reached, key=lambda t: (t.date, t.id))

    def _upstream_traces(self):
        """Return the receptions of the lot and of the lots it was made of

        A bag of carrots is traced back through its repacking to the crate
        and to the producer who delivered it.
        """
        return [t for t in self._traces('downward_traces')
            if t.from_location.type == 'supplier']

    def _downstream_traces(self):
        "Return the deliveries of the lot and of the lots made from it"
        return [t for t in self._traces('upward_traces')
            if t.to_location.type == 'customer']

    @staticmethod
    def _move_party(move):
        shipment = move.shipment
        for name in ['customer', 'supplier']:
            if shipment and getattr(shipment, name, None):
                return getattr(shipment, name)
        origin = move.origin
        if origin and getattr(origin, 'party', None):
            return origin.party
        if move.lot and move.lot.producer and move.from_location.type in {
                'supplier'}:
            return move.lot.producer


class RecallLine(ModelSQL, ModelView):
    "A reception or a delivery of a recalled lot"
    __name__ = 'food_aid.recall.line'

    recall = fields.Many2One(
        'food_aid.recall', "Recall", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('upstream', "Received from"),
            ('downstream', "Delivered to"),
            ], "Kind", required=True, readonly=True)
    move = fields.Many2One(
        'stock.move', "Move", required=True, readonly=True,
        ondelete='CASCADE')
    lot = fields.Many2One('stock.lot', "Lot", readonly=True)
    party = fields.Many2One('party.party', "Party", readonly=True)
    date = fields.Date("Date", readonly=True)
    quantity = fields.Float("Quantity", digits='unit', readonly=True)
    unit = fields.Many2One('product.uom', "Unit", readonly=True)
    recovered_quantity = fields.Float(
        "Recovered Quantity", digits='unit',
        domain=['OR',
            ('recovered_quantity', '=', None),
            [
                ('recovered_quantity', '>=', 0),
                ('recovered_quantity', '<=', Eval('quantity', 0)),
                ],
            ],
        states={
            'invisible': Eval('kind') != 'downstream',
            'readonly': Eval('recovery_move', None) != None,  # noqa: E711
            })
    recovery_move = fields.Many2One(
        'stock.move', "Recovery Move", readonly=True, ondelete='RESTRICT',
        states={
            'invisible': ~Eval('recovery_move'),
            },
        help="The move of what the customer gave back to the quarantine.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('recall')
        cls._order = [
            ('recall', 'ASC'),
            ('kind', 'DESC'),
            ('date', 'ASC'),
            ('id', 'ASC'),
            ]


class TraceabilityReport(DocumentMixin, Report):
    "The traceability report of a recall"
    __name__ = 'food_aid.recall.traceability'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)

        def lines(recall, kind):
            return [l for l in recall.lines if l.kind == kind]
        context['lines'] = lines
        return context
