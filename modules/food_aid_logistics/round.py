# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.modules.food_aid.access import check_deletable, check_rule
from trytond.modules.food_aid.report import DocumentMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.report import Report
from trytond.transaction import Transaction

from .exceptions import DeliveryRoundError, VehicleValidationError


class Vehicle(DeactivableMixin, ModelSQL, ModelView):
    "A van or truck of the platform that delivers the customers"
    __name__ = 'food_aid.vehicle'

    name = fields.Char("Name", required=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    registration = fields.Char("Registration Number", strip=True)
    capacity_kg = fields.Float(
        "Capacity (kg)", digits=(16, 1), required=True,
        help="The weight of goods the vehicle can carry.")
    refrigerated = fields.Boolean(
        "Refrigerated", help="Check if the vehicle keeps the cold chain.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_refrigerated(cls):
        return False

    @classmethod
    def validate_fields(cls, vehicles, field_names):
        super().validate_fields(vehicles, field_names)
        for vehicle in vehicles:
            if vehicle.capacity_kg is not None and vehicle.capacity_kg <= 0:
                raise VehicleValidationError(gettext(
                        'food_aid_logistics.msg_vehicle_capacity_positive',
                        vehicle=vehicle.rec_name))


class DeliveryRound(Workflow, ModelSQL, ModelView):
    "A day's trip of a vehicle that delivers several customers in order"
    __name__ = 'food_aid.delivery.round'

    _states = {
        'readonly': Eval('state') != 'planned',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE',
        states=_states)
    date = fields.Date("Date", required=True, states=_states)
    vehicle = fields.Many2One(
        'food_aid.vehicle', "Vehicle", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))], states=_states)
    driver = fields.Many2One(
        'company.employee', "Driver", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))], states=_states)
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True, ondelete='RESTRICT',
        domain=[('type', '=', 'warehouse')], states=_states)
    stops = fields.One2Many(
        'food_aid.delivery.round.stop', 'round', "Stops", states=_states)
    weight = fields.Function(
        fields.Float("Weight (kg)", digits=(16, 1)), 'get_weight')
    capacity_kg = fields.Function(
        fields.Float("Capacity (kg)", digits=(16, 1)),
        'on_change_with_capacity_kg')
    state = fields.Selection([
            ('planned', "Planned"),
            ('loaded', "Loaded"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
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
            ('planned', 'loaded'),
            ('loaded', 'planned'),
            ('loaded', 'done'),
            ('planned', 'cancelled'),
            ('loaded', 'cancelled'),
            ('cancelled', 'planned'),
            }
        cls._buttons.update({
                'plan': {
                    'invisible': ~Eval('state').in_(['loaded', 'cancelled']),
                    'icon': If(Eval('state') == 'cancelled',
                        'tryton-undo', 'tryton-back'),
                    'depends': ['state'],
                    },
                'load': {
                    'invisible': Eval('state') != 'planned',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'deliver': {
                    'invisible': Eval('state') != 'loaded',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['planned', 'loaded']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_warehouse(cls):
        return Pool().get('stock.location').get_default_warehouse()

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @staticmethod
    def default_state():
        return 'planned'

    def get_rec_name(self, name):
        vehicle = self.vehicle.rec_name if self.vehicle else ''
        return f'{vehicle} {self.date or ""}'.strip()

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('vehicle.rec_name', *clause[1:])]

    @fields.depends('vehicle')
    def on_change_with_capacity_kg(self, name=None):
        return self.vehicle.capacity_kg if self.vehicle else None

    @classmethod
    def get_weight(cls, rounds, name):
        weights = dict.fromkeys([r.id for r in rounds], 0.)
        stops = [s for r in rounds for s in r.stops]
        for stop, weight in cls._stop_weights(stops).items():
            weights[stop.round.id] += weight
        return {i: round(w, 1) for i, w in weights.items()}

    @classmethod
    def _stop_moves(cls, stops):
        "Return the moves delivered at each stop, read at once"
        pool = Pool()
        Move = pool.get('stock.move')
        shipments = {str(s.shipment): s for s in stops if s.shipment}
        moves = defaultdict(list)
        if not shipments:
            return moves
        for move in Move.search([
                    ('shipment', 'in', list(shipments)),
                    ('to_location.type', '=', 'customer'),
                    ('state', '!=', 'cancelled'),
                    ], order=[('id', 'ASC')]):
            moves[shipments[str(move.shipment)]].append(move)
        return moves

    @classmethod
    def _stop_weights(cls, stops):
        weights = dict.fromkeys(stops, 0.)
        for stop, moves in cls._stop_moves(stops).items():
            weights[stop] = sum(
                m.product.template.weight_in_kg(m.quantity, m.unit)
                for m in moves)
        return weights

    @classmethod
    def validate(cls, rounds):
        super().validate(rounds)
        cls.check_rounds([r for r in rounds if r.state != 'cancelled'])

    @classmethod
    def check_rounds(cls, rounds):
        "Check the shipments, the capacity and the cold chain of the rounds"
        pool = Pool()
        Stop = pool.get('food_aid.delivery.round.stop')
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        stops = [s for r in rounds for s in r.stops]
        others = Stop.search([
                ('shipment', 'in', [s.shipment.id for s in stops]),
                ('round.state', '!=', 'cancelled'),
                ('id', 'not in', [s.id for s in stops]),
                ])
        other_rounds = {s.shipment: s.round for s in others}
        moves = cls._stop_moves(stops)
        weights = cls._stop_weights(stops)
        for delivery_round in rounds:
            vehicle = delivery_round.vehicle
            for stop in delivery_round.stops:
                if stop.shipment.state == 'cancelled':
                    raise DeliveryRoundError(gettext(
                            'food_aid_logistics.msg_round_shipment_cancelled',
                            round=delivery_round.rec_name,
                            shipment=stop.shipment.rec_name))
                if stop.shipment in other_rounds:
                    raise DeliveryRoundError(gettext(
                            'food_aid_logistics'
                            '.msg_round_shipment_other_round',
                            shipment=stop.shipment.rec_name,
                            other=other_rounds[stop.shipment].rec_name))
                if not vehicle.refrigerated:
                    for move in moves.get(stop, []):
                        if move.product.template.refrigerated:
                            raise DeliveryRoundError(gettext(
                                    'food_aid_logistics.msg_round_cold_chain',
                                    round=delivery_round.rec_name,
                                    product=move.product.rec_name,
                                    vehicle=vehicle.rec_name))
            weight = sum(weights.get(s, 0) for s in delivery_round.stops)
            if weight > vehicle.capacity_kg:
                raise DeliveryRoundError(gettext(
                        'food_aid_logistics.msg_round_over_capacity',
                        round=delivery_round.rec_name,
                        weight=lang.format('%.1f', weight),
                        capacity=lang.format('%.1f', vehicle.capacity_kg),
                        vehicle=vehicle.rec_name))

    @classmethod
    def check_modification(cls, mode, rounds, values=None, external=False):
        super().check_modification(
            mode, rounds, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            check_rule(cls, rounds, mode)
        if mode == 'delete':
            check_deletable(rounds, {'cancelled'},
                'food_aid_logistics.msg_round_delete', 'round')

    @classmethod
    def copy(cls, rounds, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('stops')
        return super().copy(rounds, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('planned')
    def plan(cls, rounds):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('loaded')
    def load(cls, rounds):
        "Assign (first expired, first out) and pack the shipments"
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Stop = pool.get('food_aid.delivery.round.stop')
        cls.check_rounds(rounds)
        stops = [s for r in rounds for s in r.stops]
        waiting = [s.shipment for s in stops if s.shipment.state == 'draft']
        if waiting:
            Shipment.wait(waiting)
        Shipment.assign_try(Shipment.browse(
                [s.shipment.id for s in stops
                    if s.shipment.state == 'waiting']))
        for stop in Stop.browse([s.id for s in stops]):
            if stop.shipment.state not in {'assigned', 'picked', 'packed'}:
                raise DeliveryRoundError(gettext(
                        'food_aid_logistics.msg_round_shipment_not_assigned',
                        shipment=stop.shipment.rec_name,
                        round=stop.round.rec_name))
        shipments = Shipment.browse([s.shipment.id for s in stops])
        Shipment.pick([s for s in shipments if s.state == 'assigned'])
        Shipment.pack([s for s in shipments if s.state == 'picked'])

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def deliver(cls, rounds):
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Shipment.do([s.shipment for r in rounds for s in r.stops
                if s.shipment.state in {'packed', 'shipped'}])

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, rounds):
        pass


class DeliveryRoundStop(sequence_ordered(), ModelSQL, ModelView):
    "A customer delivered by a round, in the order of the trip"
    __name__ = 'food_aid.delivery.round.stop'

    round = fields.Many2One(
        'food_aid.delivery.round', "Round", required=True,
        ondelete='CASCADE')
    shipment = fields.Many2One(
        'stock.shipment.out', "Shipment", required=True,
        ondelete='RESTRICT',
        domain=[
            ('state', 'in',
                ['draft', 'waiting', 'assigned', 'picked', 'packed',
                    'shipped', 'done']),
            If(Eval('warehouse'),
                ('warehouse', '=', Eval('warehouse', -1)),
                ()),
            ])
    warehouse = fields.Function(
        fields.Many2One('stock.location', "Warehouse"),
        'on_change_with_warehouse')
    party = fields.Function(
        fields.Many2One('party.party', "Customer"), 'on_change_with_party')
    address = fields.Function(
        fields.Many2One('party.address', "Address"),
        'on_change_with_address')
    weight = fields.Function(
        fields.Float("Weight (kg)", digits=(16, 1)), 'get_weight')
    shipment_state = fields.Function(
        fields.Selection('get_shipment_states', "Shipment State"),
        'on_change_with_shipment_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('round')

    @fields.depends('round', '_parent_round.warehouse')
    def on_change_with_warehouse(self, name=None):
        return self.round.warehouse if self.round else None

    @fields.depends('shipment')
    def on_change_with_party(self, name=None):
        return self.shipment.customer if self.shipment else None

    @fields.depends('shipment')
    def on_change_with_address(self, name=None):
        return self.shipment.delivery_address if self.shipment else None

    @classmethod
    def get_shipment_states(cls):
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        return Shipment.fields_get(['state'])['state']['selection']

    @fields.depends('shipment')
    def on_change_with_shipment_state(self, name=None):
        return self.shipment.state if self.shipment else None

    @classmethod
    def get_weight(cls, stops, name):
        pool = Pool()
        Round = pool.get('food_aid.delivery.round')
        return {s.id: round(w, 1)
            for s, w in Round._stop_weights(stops).items()}

    def get_rec_name(self, name):
        return f'{self.round.rec_name} #{self.sequence or ""}'


class RoundSheet(DocumentMixin, Report):
    "The sheet the driver takes: stops, contents and signatures"
    __name__ = 'food_aid.delivery.round.sheet'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Round = pool.get('food_aid.delivery.round')
        context = super().get_context(records, header, data)
        stops = [s for r in records for s in r.stops]
        context['stop_moves'] = Round._stop_moves(stops)
        context['stop_weights'] = Round._stop_weights(stops)
        return context
