# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction


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
    @Workflow.transition('closed')
    def close(cls, recalls):
        pass

    def get_lines(self):
        "Return the upstream and downstream lines of the recalled lot"
        pool = Pool()
        Line = pool.get('food_aid.recall.line')
        lines = []
        for kind, moves in [
                ('upstream', self._upstream_moves()),
                ('downstream', self._downstream_moves())]:
            for move in moves:
                lines.append(Line(
                        recall=self, kind=kind, move=move, lot=move.lot,
                        party=self._move_party(move),
                        date=move.effective_date,
                        quantity=move.quantity, unit=move.unit))
        return lines

    def _upstream_moves(self):
        """Return the receptions of the lot and of the lots it was made of

        A bag of carrots is traced back through its repacking to the crate
        and to the producer who delivered it.
        """
        pool = Pool()
        Move = pool.get('stock.move')
        lots = {self.lot}
        frontier = {self.lot}
        receptions = []
        # two queries per step of repacking, not per lot
        while frontier:
            moves = Move.search([
                    ('lot', 'in', [l.id for l in frontier]),
                    ('state', '=', 'done'),
                    ('company', '=', self.company.id),
                    ['OR',
                        ('from_location.type', '=', 'supplier'),
                        ('production_output', '!=', None),
                        ],
                    ], order=[('effective_date', 'ASC'), ('id', 'ASC')])
            receptions.extend(
                m for m in moves if m.from_location.type == 'supplier')
            productions = {
                m.production_output.id for m in moves if m.production_output}
            frontier = set()
            if productions:
                inputs = Move.search([
                        ('production_input', 'in', list(productions)),
                        ('state', '=', 'done'),
                        ('lot', '!=', None),
                        ])
                frontier = {m.lot for m in inputs} - lots
                lots |= frontier
        return sorted(receptions, key=lambda m: (m.effective_date, m.id))

    def _downstream_moves(self):
        "Return the deliveries of the lot and of the lots made from it"
        pool = Pool()
        Move = pool.get('stock.move')
        lots = {self.lot}
        frontier = {self.lot}
        deliveries = []
        # one query per step of repacking, not per lot
        while frontier:
            moves = Move.search([
                    ('lot', 'in', [l.id for l in frontier]),
                    ('state', '=', 'done'),
                    ('company', '=', self.company.id),
                    ], order=[('effective_date', 'ASC'), ('id', 'ASC')])
            frontier = set()
            for move in moves:
                if move.to_location.type == 'customer':
                    deliveries.append(move)
                elif move.production_input:
                    for output in move.production_input.outputs:
                        if (output.lot and output.state == 'done'
                                and output.lot not in lots):
                            lots.add(output.lot)
                            frontier.add(output.lot)
        return deliveries

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
    __access__ = {'recall'}

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
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('recall', 'ASC'),
            ('kind', 'DESC'),
            ('date', 'ASC'),
            ('id', 'ASC'),
            ]


class TraceabilityReport(Report):
    "The traceability report of a recall"
    __name__ = 'food_aid.recall.traceability'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)

        def lines(recall, kind):
            return [l for l in recall.lines if l.kind == kind]
        context['lines'] = lines
        return context
