# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
from collections import defaultdict

from sql import Literal, Null
from sql.aggregate import Sum
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.food_aid.period import PeriodMixin, period_fields
from trytond.modules.product import price_digits
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import CommitmentValidationError

# offers opened from commitments are served before any spot offer
COMMITTED_PRIORITY = 0


def week_start(date):
    "Return the Monday of the week of the date"
    return date - dt.timedelta(days=date.weekday())


def weeks(date_start, date_end):
    "Yield the Monday and Sunday of each week that overlaps the period"
    monday = week_start(date_start)
    while monday <= date_end:
        yield monday, monday + dt.timedelta(days=6)
        monday += dt.timedelta(days=7)


class Commitment(PeriodMixin, Workflow, ModelSQL, ModelView):
    """A producer's commitment for a season (Uniterres model): a weekly
    quantity of a product at a fair price, as a purchase blanket agreement"""
    __name__ = 'food_aid.producer.commitment'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE',
        states=_states)
    producer = fields.Many2One(
        'party.party', "Producer", required=True, ondelete='RESTRICT',
        domain=[('is_producer', '=', True)], states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    product = fields.Many2One(
        'product.product', "Product", required=True, ondelete='RESTRICT',
        domain=[('type', '=', 'goods'), ('purchasable', '=', True)],
        states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    date_start, date_end = period_fields(states=_states)
    _period_error = CommitmentValidationError
    _period_message = 'food_aid_planning.msg_commitment_inverted_dates'
    weekly_quantity = fields.Float(
        "Weekly Quantity", digits='unit', required=True, states=_states,
        help="The quantity promised each week, in the unit of the product.")
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    unit_price = Monetary(
        "Fair Price", currency='currency', digits=price_digits,
        required=True, states=_states,
        help="The price per unit guaranteed for the season.")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    blanket_agreement = fields.Many2One(
        'purchase.blanket_agreement', "Blanket Agreement", readonly=True,
        ondelete='RESTRICT',
        help="The agreement that the allocation's purchases consume.")
    agreement_line = fields.Many2One(
        'purchase.blanket_agreement.line', "Agreement Line", readonly=True,
        ondelete='RESTRICT')
    offers = fields.One2Many(
        'food_aid.producer.offer', 'commitment', "Offers", readonly=True)
    weeks = fields.One2Many(
        'food_aid.producer.commitment.week', 'commitment', "Weeks",
        readonly=True)
    promised_quantity = fields.Function(fields.Float(
            "Promised", digits='unit',
            help="The quantity of the weekly offers opened so far."),
        'get_quantities')
    delivered_quantity = fields.Function(fields.Float(
            "Delivered", digits='unit',
            help="The quantity received from the producer "
            "against the commitment."),
        'get_quantities')
    state = fields.Selection([
            ('draft', "Draft"),
            ('running', "Running"),
            ('closed', "Closed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date_start', 'DESC'),
            ('producer', 'ASC'),
            ('product', 'ASC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'running'),
            ('draft', 'cancelled'),
            ('running', 'closed'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                'run': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'running',
                    'icon': 'tryton-close',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @fields.depends(
        'company', 'producer', 'product', 'date_start', 'unit_price')
    def on_change_with_unit_price(self):
        "Propose the fair price in force at the start of the season"
        pool = Pool()
        Price = pool.get('food_aid.producer.price')
        if not (self.company and self.producer and self.product
                and self.date_start):
            return self.unit_price
        price = Price.fair_prices(
            self.company.id, [(self.producer, self.product)],
            self.date_start).get((self.producer.id, self.product.id))
        return price if price is not None else self.unit_price

    def get_rec_name(self, name):
        return (f'{self.producer.rec_name} - {self.product.rec_name} '
            f'({self.date_start} - {self.date_end})')

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('producer.rec_name', *clause[1:]),
            ('product.rec_name', *clause[1:]),
            ]

    @property
    def season_weeks(self):
        "The Monday and Sunday of the weeks of the commitment"
        return list(weeks(self.date_start, self.date_end))

    @classmethod
    def get_quantities(cls, commitments, names):
        pool = Pool()
        Week = pool.get('food_aid.producer.commitment.week')
        promised = defaultdict(float)
        delivered = defaultdict(float)
        for week in Week.search([
                    ('commitment', 'in', [c.id for c in commitments]),
                    ]):
            promised[week.commitment.id] += week.promised_quantity
            delivered[week.commitment.id] += week.delivered_quantity
        result = {name: {} for name in names}
        for commitment in commitments:
            unit = commitment.unit
            if 'promised_quantity' in names:
                result['promised_quantity'][commitment.id] = unit.round(
                    promised[commitment.id])
            if 'delivered_quantity' in names:
                result['delivered_quantity'][commitment.id] = unit.round(
                    delivered[commitment.id])
        return result

    @classmethod
    def validate_fields(cls, commitments, field_names):
        super().validate_fields(commitments, field_names)
        cls.check_commitments(commitments)

    @classmethod
    def check_commitments(cls, commitments):
        pool = Pool()
        Membership = pool.get('food_aid.producer.membership')
        for commitment in commitments:
            if (commitment.weekly_quantity is not None
                    and commitment.weekly_quantity <= 0):
                raise CommitmentValidationError(gettext(
                        'food_aid_planning'
                        '.msg_commitment_quantity_not_positive',
                        commitment=commitment.rec_name))
            if (commitment.unit_price is not None
                    and commitment.unit_price <= 0):
                raise CommitmentValidationError(gettext(
                        'food_aid_planning.msg_commitment_price_not_positive',
                        commitment=commitment.rec_name))
        members = Membership.members(
            (c.company.id, c.producer.id, c.date_start, c.date_end)
            for c in commitments)
        for commitment in commitments:
            if not members[(
                        commitment.company.id, commitment.producer.id,
                        commitment.date_start, commitment.date_end)]:
                raise CommitmentValidationError(gettext(
                        'food_aid_planning.msg_commitment_not_member',
                        commitment=commitment.rec_name,
                        producer=commitment.producer.rec_name))
        # one search for the commitments that may overlap
        others = cls.search([
                ('id', 'not in', [c.id for c in commitments]),
                ('state', '!=', 'cancelled'),
                ('producer', 'in', [c.producer.id for c in commitments]),
                ('product', 'in', [c.product.id for c in commitments]),
                ])
        for commitment in commitments:
            if commitment.state == 'cancelled':
                continue
            for other in others + commitments:
                if (other == commitment
                        or other.state == 'cancelled'
                        or other.company != commitment.company
                        or other.producer != commitment.producer
                        or other.product != commitment.product):
                    continue
                if (other.date_start <= commitment.date_end
                        and other.date_end >= commitment.date_start):
                    raise CommitmentValidationError(gettext(
                            'food_aid_planning.msg_commitment_overlap',
                            commitment=commitment.rec_name,
                            other=other.rec_name))

    @classmethod
    def copy(cls, commitments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('blanket_agreement')
        default.setdefault('agreement_line')
        default.setdefault('offers')
        return super().copy(commitments, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, commitments):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('running')
    def run(cls, commitments):
        pool = Pool()
        Agreement = pool.get('purchase.blanket_agreement')
        agreements = []
        for commitment in commitments:
            if not commitment.blanket_agreement:
                commitment.blanket_agreement = (
                    commitment.get_blanket_agreement())
                agreements.append(commitment.blanket_agreement)
        Agreement.save(agreements)
        # the agreement runs with the commitment, even before its season
        with without_check_access():
            Agreement.run(agreements)
        for commitment in commitments:
            if not commitment.agreement_line:
                commitment.agreement_line, = (
                    commitment.blanket_agreement.lines)
        cls.save(commitments)

    def get_blanket_agreement(self):
        "Return the blanket agreement that holds the commitment"
        pool = Pool()
        Agreement = pool.get('purchase.blanket_agreement')
        AgreementLine = pool.get('purchase.blanket_agreement.line')
        agreement = Agreement(
            company=self.company, supplier=self.producer,
            currency=self.company.currency,
            from_date=self.date_start, to_date=self.date_end,
            description=self.product.rec_name)
        line = AgreementLine(
            product=self.product, unit=self.product.default_uom,
            quantity=self.product.default_uom.round(
                self.weekly_quantity * len(self.season_weeks)),
            unit_price=self.unit_price)
        agreement.lines = [line]
        return agreement

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, commitments):
        pool = Pool()
        Agreement = pool.get('purchase.blanket_agreement')
        agreements = [
            c.blanket_agreement for c in commitments
            if c.blanket_agreement and c.blanket_agreement.state == 'running']
        with without_check_access():
            Agreement.close(agreements)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, commitments):
        pass

    @classmethod
    def open_weekly_offers(cls, date=None):
        """Open the offers that the running commitments promise for the week
        of the date (today by default), once per commitment and week"""
        pool = Pool()
        Date = pool.get('ir.date')
        Offer = pool.get('food_aid.producer.offer')
        if date is None:
            date = Date.today()
        monday = week_start(date)
        sunday = monday + dt.timedelta(days=6)
        commitments = cls.search([
                ('state', '=', 'running'),
                ('date_start', '<=', sunday),
                ('date_end', '>=', monday),
                ])
        opened = {o.commitment.id for o in Offer.search([
                    ('commitment', 'in', [c.id for c in commitments]),
                    ('date_start', '<=', sunday),
                    ('date_end', '>=', monday),
                    ])}
        offers = [
            c.get_weekly_offer(monday, sunday) for c in commitments
            if c.id not in opened]
        Offer.save(offers)
        Offer.open(offers)
        return offers

    def get_weekly_offer(self, monday, sunday):
        "Return the offer of the commitment for the week"
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        return Offer(
            company=self.company, producer=self.producer,
            product=self.product,
            date_start=max(monday, self.date_start),
            date_end=min(sunday, self.date_end),
            quantity=self.weekly_quantity, unit_price=self.unit_price,
            commitment=self)


class CommitmentWeek(ModelSQL, ModelView):
    "What a commitment promised and what the producer delivered in a week"
    __name__ = 'food_aid.producer.commitment.week'

    commitment = fields.Many2One(
        'food_aid.producer.commitment', "Commitment", required=True,
        readonly=True)
    offer = fields.Many2One(
        'food_aid.producer.offer', "Offer", readonly=True)
    date_start = fields.Date("Start Date", readonly=True)
    date_end = fields.Date("End Date", readonly=True)
    promised_quantity = fields.Float(
        "Promised", digits='unit', readonly=True)
    allocated_quantity = fields.Float(
        "Allocated", digits='unit', readonly=True,
        help="The quantity ordered from the producer by confirmed "
        "allocations.")
    delivered_quantity = fields.Float(
        "Delivered", digits='unit', readonly=True,
        help="The quantity received from the producer.")
    missing_quantity = fields.Function(fields.Float(
            "Missing", digits='unit',
            help="What the producer delivered below the commitment."),
        'get_missing')
    delivery_percent = fields.Function(fields.Float(
            "Delivered (%)", digits=(16, 1)), 'get_missing')
    below_commitment = fields.Function(fields.Boolean(
            "Below Commitment"), 'get_missing')
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'get_unit')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('commitment')
        cls._order = [('date_start', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        Allocation = pool.get('food_aid.allocation')
        Line = pool.get('food_aid.allocation.line')
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        offer = Offer.__table__()
        allocation = Allocation.__table__()
        line = Line.__table__()
        move = Move.__table__()
        location = Location.__table__()

        allocated = (line
            .join(allocation, condition=line.allocation == allocation.id)
            .select(
                line.offer.as_('offer'),
                Sum(line.quantity).as_('quantity'),
                where=(allocation.state == 'confirmed')
                & (line.offer != Null),
                group_by=[line.offer]))
        received = (move
            .join(location, condition=move.from_location == location.id)
            .select(
                Move.origin.sql_id(move.origin, Move).as_('purchase_line'),
                Sum(move.internal_quantity).as_('quantity'),
                where=move.origin.like('purchase.line,%')
                & (move.state == 'done')
                & (location.type == 'supplier'),
                group_by=[move.origin]))
        delivered = (line
            .join(allocation, condition=line.allocation == allocation.id)
            .join(received,
                condition=received.purchase_line == line.purchase_line)
            .select(
                line.offer.as_('offer'),
                Sum(received.quantity).as_('quantity'),
                where=(allocation.state == 'confirmed')
                & (line.offer != Null),
                group_by=[line.offer]))
        return (offer
            .join(allocated, 'LEFT', condition=allocated.offer == offer.id)
            .join(delivered, 'LEFT', condition=delivered.offer == offer.id)
            .select(
                offer.id.as_('id'),
                offer.create_uid.as_('create_uid'),
                offer.create_date.as_('create_date'),
                Literal(None).as_('write_uid'),
                Literal(None).as_('write_date'),
                offer.commitment.as_('commitment'),
                offer.id.as_('offer'),
                offer.date_start.as_('date_start'),
                offer.date_end.as_('date_end'),
                offer.quantity.as_('promised_quantity'),
                cls.allocated_quantity.sql_cast(
                    Coalesce(allocated.quantity, 0)).as_(
                    'allocated_quantity'),
                cls.delivered_quantity.sql_cast(
                    Coalesce(delivered.quantity, 0)).as_(
                    'delivered_quantity'),
                where=offer.commitment != Null))

    def get_unit(self, name):
        return self.commitment.product.default_uom

    @classmethod
    def get_missing(cls, weeks, names):
        result = {name: {} for name in names}
        for week in weeks:
            unit = week.commitment.product.default_uom
            missing = unit.round(
                max(week.promised_quantity - week.delivered_quantity, 0))
            if 'missing_quantity' in names:
                result['missing_quantity'][week.id] = missing
            if 'below_commitment' in names:
                result['below_commitment'][week.id] = missing > 0
            if 'delivery_percent' in names:
                result['delivery_percent'][week.id] = (
                    round(week.delivered_quantity * 100
                        / week.promised_quantity, 1)
                    if week.promised_quantity else None)
        return result


class Offer(metaclass=PoolMeta):
    __name__ = 'food_aid.producer.offer'

    commitment = fields.Many2One(
        'food_aid.producer.commitment', "Commitment", readonly=True,
        ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('producer', '=', Eval('producer', -1)),
            ('product', '=', Eval('product', -1)),
            ],
        help="The season commitment that opened the offer; "
        "committed offers are allocated before spot offers.")


class Membership(metaclass=PoolMeta):
    __name__ = 'food_aid.producer.membership'

    @classmethod
    def priorities(cls, company, producers, date_start, date_end):
        """Serve first the producers that have offers opened from their
        season commitments over the period"""
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        priorities = super().priorities(
            company, producers, date_start, date_end)
        committed = Offer.search([
                ('company', '=', company),
                ('producer', 'in', [int(p) for p in producers]),
                ('commitment', '!=', None),
                ('state', '=', 'open'),
                ('date_start', '<=', date_end),
                ('date_end', '>=', date_start),
                ])
        for offer in committed:
            if offer.producer.id in priorities:
                priorities[offer.producer.id] = COMMITTED_PRIORITY
        return priorities


class AllocationLine(metaclass=PoolMeta):
    __name__ = 'food_aid.allocation.line'

    def get_purchase_line(self, purchase):
        "Consume the blanket agreement of the commitment behind the offer"
        line = super().get_purchase_line(purchase)
        commitment = self.offer.commitment if self.offer else None
        if (commitment and commitment.agreement_line
                and commitment.blanket_agreement.state == 'running'):
            agreement = commitment.blanket_agreement
            date = purchase.purchase_date
            if (not date
                    or ((agreement.from_date or date) <= date
                        <= (agreement.to_date or date))):
                line.blanket_agreement_line = commitment.agreement_line
        return line


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('food_aid.producer.commitment|open_weekly_offers',
                "Open the Weekly Offers of the Commitments"))

