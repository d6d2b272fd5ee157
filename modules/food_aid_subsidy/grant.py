# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
from collections import defaultdict, namedtuple
from decimal import Decimal

from sql import For, Literal, Null
from sql.operators import Concat
from sql.aggregate import Count, Min, Sum
from sql.functions import DateTrunc

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.food_aid.access import check_deletable, check_rule
from trytond.modules.food_aid.period import PeriodMixin, period_fields
from trytond.modules.food_aid.rec_name import RecNameSearchMixin
from trytond.modules.product import price_digits
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import GrantAccessError, GrantValidationError

PROGRAMS = [
    ('mmpt_national', "Mieux manger pour tous (national)"),
    ('mmpt_local', "Mieux manger pour tous (local)"),
    ('pat', "Territorial Food Project"),
    ('foundation', "Foundation"),
    ('local_authority', "Local Authority"),
    ('caf_msa', "CAF / MSA"),
    ('solidarity_fund', "Solidarity Fund"),
    ('other', "Other"),
    ]
COVERAGES = [
    ('percentage', "Percentage of the Amount"),
    ('per_unit', "Amount per Unit"),
    ('price_cap', "Price Cap"),
    ('tier', "Household Tier"),
    ]
LINE_STATES = [
    ('reserved', "Reserved"),
    ('invoiced', "Invoiced"),
    ('claimed', "Claimed"),
    ('cancelled', "Cancelled"),
    ]
# The share of the envelope above which the grant form warns
WARNING_SHARE = Decimal('0.8')
# The number of weeks whose consumption gives the pace of the projection
PACE_WEEKS = 8

# What the split arithmetic needs to know of a grant applied to a line:
# kind is the coverage, available the most the grant may still pay (None for
# no limit); rate and household_share are fractions, unit_amount and
# price_cap amounts per unit of the quantity given to split_amount
Coverage = namedtuple(
    'Coverage',
    ['kind', 'rate', 'unit_amount', 'price_cap', 'household_share',
        'available'],
    defaults=[None, None, None, None, None])


def split_amount(amount, quantity, coverages, round_):
    """Split the amount of a line between the grants and the customer

    The coverages apply in their order, each on what remains for the
    customer.  Return the customer share and, per coverage, the pair
    (subsidy, computed) where computed is what the coverage would pay
    without its available limit.  The customer share plus the subsidies
    always equal the amount; no subsidy is negative nor above what remained.
    """
    quantity = Decimal(str(quantity or 0))
    remaining = amount
    result = []
    for coverage in coverages:
        if remaining <= 0:
            result.append((Decimal(0), Decimal(0)))
            continue
        if coverage.kind == 'percentage':
            computed = round_(remaining * coverage.rate)
        elif coverage.kind == 'per_unit':
            computed = round_(quantity * coverage.unit_amount)
        elif coverage.kind == 'price_cap':
            computed = remaining - round_(quantity * coverage.price_cap)
        elif coverage.kind == 'tier':
            computed = remaining - round_(
                remaining * coverage.household_share)
        else:
            raise ValueError(coverage.kind)
        computed = min(max(computed, Decimal(0)), remaining)
        subsidy = computed
        if coverage.available is not None:
            subsidy = max(min(subsidy, coverage.available), Decimal(0))
        remaining -= subsidy
        result.append((subsidy, computed))
    return remaining, result


def distribute(total, weights, round_):
    """Split total in proportion of the weights with cumulative rounding, so
    that the parts add up to total exactly"""
    weight_total = sum(weights, Decimal(0))
    parts = []
    cumulated = given = Decimal(0)
    for weight in weights:
        cumulated += weight
        part = (round_(total * cumulated / weight_total) - given
            if weight_total else Decimal(0))
        given += part
        parts.append(part)
    return parts


def credited_subsidy(
        subsidy, amount, credited, credited_before, given_back_before,
        round_):
    """Return what a credit note gives back of a subsidy

    The subsidy was paid on amount; the credit note credits the amount
    credited, after earlier credit notes credited credited_before and gave
    back given_back_before (all positive).  It gives back in proportion of
    the amount, never more than what remains, and the remainder once the
    whole amount is credited."""
    left = subsidy - given_back_before
    if amount <= 0 or left <= 0 or credited <= 0:
        return Decimal(0)
    if credited_before + credited >= amount:
        return left
    return max(min(round_(subsidy * credited / amount), left), Decimal(0))


def company_language(company):
    "Return the code of the language the texts stored for company are in"
    pool = Pool()
    Configuration = pool.get('ir.configuration')
    if company and company.party.lang:
        return company.party.lang.code
    return Configuration.get_language()


def stacking_key(grant):
    "The order in which the grants of a line apply"
    return (
        grant.priority if grant.priority is not None else 0,
        grant.date_end or dt.date.max,
        grant.id)


class Grant(
        RecNameSearchMixin, PeriodMixin, Workflow, ModelSQL, ModelView):
    """A funder's envelope that pays part of the price of eligible sales,
    with its eligibility and coverage rules"""
    __name__ = 'food_aid.grant'
    _rec_name_fields = ('reference', 'funder.rec_name')
    _rec_name = 'reference'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    reference = fields.Char(
        "Reference", required=True, strip=True, states=_states,
        help="The reference of the agreement with the funder.")
    funder = fields.Many2One(
        'party.party', "Funder", required=True, ondelete='RESTRICT',
        states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    program = fields.Selection(
        PROGRAMS, "Program", required=True, sort=False, states=_states)
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE',
        states=_states)
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, ondelete='RESTRICT',
        states=_states)
    amount = Monetary(
        "Envelope", currency='currency', digits='currency',
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('program') != 'solidarity_fund',
            'invisible': Eval('program') == 'solidarity_fund',
            },
        help="The total the funder grants.")
    date_start, date_end = period_fields(end_required=False, states=_states)
    _period_error = GrantValidationError
    _period_message = 'food_aid_subsidy.msg_grant_inverted_dates'
    state = fields.Selection([
            ('draft', "Draft"),
            ('running', "Running"),
            ('closed', "Closed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    priority = fields.Integer(
        "Priority", required=True, states=_states,
        help="The grants of a line apply by ascending priority, "
        "then by earliest end date.")

    channels = fields.Many2Many(
        'food_aid.grant-food_aid.channel', 'grant', 'channel', "Channels",
        states=_states,
        help="The channels whose sales the grant subsidises; "
        "empty for all channels.")
    beneficiaries = fields.Many2Many(
        'food_aid.grant-party.party', 'grant', 'party', "Beneficiaries",
        states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The customers the grant subsidises; empty for all customers.")
    tiers = fields.Many2Many(
        'food_aid.grant-food_aid.household_tier', 'grant', 'tier',
        "Household Tiers", states=_states,
        help="The household tiers the grant subsidises; empty for all.")
    categories = fields.Many2Many(
        'food_aid.grant-product.category', 'grant', 'category',
        "Product Categories", states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The product categories the grant subsidises; "
        "empty for all products.")
    required_labels = fields.Many2Many(
        'food_aid.grant-food_aid.quality_label', 'grant', 'label',
        "Required Quality Labels", states=_states,
        help="The quality labels a product must all have to be subsidised.")
    requires_habilitation = fields.Boolean(
        "Requires Habilitation", states=_states,
        help="Subsidise only food-aid organisations whose habilitation "
        "is valid at the sale date.")

    coverage = fields.Selection(
        COVERAGES, "Coverage", required=True, sort=False, states=_states,
        help="Percentage: the grant pays a rate of the amount.\n"
        "Per unit: the grant pays an amount per unit.\n"
        "Price cap: the customer pays at most a unit price.\n"
        "Household tier: the customer pays the share of its tier.")
    rate = fields.Numeric(
        "Rate", digits=(None, 4),
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('coverage') != 'percentage',
            'required': Eval('coverage') == 'percentage',
            },
        help="The share of the amount the grant pays.")
    unit_amount = Monetary(
        "Amount per Unit", currency='currency', digits=price_digits,
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('coverage') != 'per_unit',
            'required': Eval('coverage') == 'per_unit',
            },
        help="The amount the grant pays per unit of the product's "
        "default unit.")
    price_cap = Monetary(
        "Price Cap", currency='currency', digits=price_digits,
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('coverage') != 'price_cap',
            'required': Eval('coverage') == 'price_cap',
            },
        help="The most the customer pays per unit of the product's "
        "default unit.")
    customer_monthly_cap = Monetary(
        "Monthly Cap per Customer", currency='currency', digits='currency',
        states=_states,
        help="The most the grant pays per customer and calendar month.")
    clearing_account = fields.Many2One(
        'account.account', "Clearing Account", ondelete='RESTRICT',
        domain=[
            ('type', '!=', None),
            ('closed', '!=', True),
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('state') == 'running',
            },
        help="The account the subsidies are debited to on the customer "
        "invoices and credited from on the funder's claims.")

    envelope = fields.Function(Monetary(
            "Envelope", currency='currency', digits='currency',
            help="The envelope, or for the solidarity fund the fees "
            "collected on posted invoices."),
        'get_envelope')
    consumed = fields.Function(Monetary(
            "Consumed", currency='currency', digits='currency',
            help="The subsidies reserved, invoiced and claimed."),
        'get_consumption')
    remaining = fields.Function(Monetary(
            "Remaining", currency='currency', digits='currency'),
        'get_consumption')
    share_used = fields.Function(fields.Numeric(
            "Share Used", digits=(None, 4)),
        'get_consumption')
    envelope_warning = fields.Function(fields.Boolean(
            "Envelope Nearly Used",
            help="At least 80 % of the envelope is used."),
        'get_consumption')
    run_out_date = fields.Function(fields.Date(
            "Projected Run-Out Date",
            help="The date the envelope runs out at the pace of the "
            "last 8 weeks."),
        'get_run_out_date')
    run_out_note = fields.Function(fields.Char("Run-Out Note"),
        'get_run_out_note')
    analytic_account = fields.Many2One(
        'analytic_account.account', "Analytic Account", ondelete='RESTRICT',
        domain=[
            ('type', '=', 'normal'),
            ('company', '=', Eval('company', -1)),
            ],
        states=_states,
        help="The analytic account the subsidised invoice lines and the "
        "subsidies are charged to.")
    lines = fields.One2Many(
        'food_aid.grant.line', 'grant', "Ledger", readonly=True,
        filter=['OR',
            ('state', '!=', 'cancelled'),
            ('amount', '!=', 0),
            ])

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date_start', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'running'),
            ('running', 'closed'),
            ('closed', 'running'),
            ('draft', 'cancelled'),
            ('running', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                'run': {
                    'invisible': ~Eval('state').in_(['draft', 'closed']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'running',
                    'icon': 'tryton-close',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'running']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_priority(cls):
        return 10

    @classmethod
    def default_coverage(cls):
        return 'percentage'

    @classmethod
    def default_program(cls):
        return 'mmpt_local'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @fields.depends('company')
    def on_change_company(self):
        if self.company:
            self.currency = self.company.currency

    @classmethod
    def default_currency(cls):
        pool = Pool()
        Company = pool.get('company.company')
        company = Transaction().context.get('company')
        if company is not None and company >= 0:
            return Company(company).currency.id

    @classmethod
    def default_date_start(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return f'{self.reference} ({self.funder.rec_name})'

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('envelope_warning', False), 'warning', '')),
            ]

    @classmethod
    def get_envelope(cls, grants, name):
        result = {}
        funds = [g for g in grants if g.program == 'solidarity_fund']
        collected = cls.solidarity_fund_collected(funds)
        for grant in grants:
            if grant.program == 'solidarity_fund':
                result[grant.id] = collected.get(grant.id, Decimal(0))
            else:
                result[grant.id] = grant.amount or Decimal(0)
        return result

    @classmethod
    def solidarity_fund_collected(cls, grants):
        """Return the solidarity-fund fees collected on the posted customer
        invoices of the company of each grant over its period, net of the
        credit notes"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        SaleLineFee = pool.get('food_aid.sale.line.fee')
        result = {g.id: Decimal(0) for g in grants}
        if not grants:
            return result
        grant = cls.__table__()
        invoice = Invoice.__table__()
        line = InvoiceLine.__table__()
        credited = InvoiceLine.__table__()
        fee = SaleLineFee.__table__()
        as_text = fields.Char("Reference").sql_cast
        cursor = Transaction().connection.cursor()
        currencies = {g.id: g.company.currency for g in grants}
        in_period = ((invoice.company == grant.company)
            & (invoice.invoice_date >= grant.date_start)
            & ((grant.date_end == Null)
                | (invoice.invoice_date <= grant.date_end)))
        where = ((invoice.type == 'out')
            & invoice.state.in_(['posted', 'paid'])
            & (line.type == 'line')
            & (fee.kind == 'solidarity_fund'))
        # the lines of sales, then the credit notes of those lines
        sold = line.join(invoice, condition=line.invoice == invoice.id
            ).join(fee, condition=line.origin == Concat(
                'sale.line,', as_text(fee.line)))
        credit = line.join(invoice, condition=line.invoice == invoice.id
            ).join(credited, condition=line.origin == Concat(
                'account.invoice.line,', as_text(credited.id))
            ).join(fee, condition=credited.origin == Concat(
                'sale.line,', as_text(fee.line)))
        for sub_ids in grouped_slice(list(result), backend.MAX_QUERY_PARAMS):
            sub_ids = list(sub_ids)
            for query in [sold, credit]:
                # each line collects its fee rounded, as the sale shows: the
                # lines are counted per quantity and fee, not read one by one
                cursor.execute(*query.join(grant, condition=in_period
                        ).select(
                        grant.id, line.quantity, fee.unit_amount,
                        Count(grant.id),
                        where=where
                        & fields.SQL_OPERATORS['in'](grant.id, sub_ids),
                        group_by=[grant.id, line.quantity, fee.unit_amount]))
                for grant_id, quantity, unit_amount, number in cursor:
                    result[grant_id] += number * currencies[grant_id].round(
                        Decimal(str(quantity or 0))
                        * Decimal(str(unit_amount or 0)))
        return {g.id: g.currency.round(result[g.id]) for g in grants}

    @classmethod
    def consumption(cls, grants):
        "Return the non-cancelled amount of the ledger of each grant"
        pool = Pool()
        Line = pool.get('food_aid.grant.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        result = {g.id: Decimal(0) for g in grants}
        for sub_ids in grouped_slice(
                [g.id for g in grants], backend.MAX_QUERY_PARAMS):
            cursor.execute(*line.select(
                    line.grant, Sum(line.amount),
                    where=fields.SQL_OPERATORS['in'](line.grant, sub_ids)
                    & (line.state != 'cancelled'),
                    group_by=[line.grant]))
            for grant_id, amount in cursor:
                if not isinstance(amount, Decimal):
                    amount = Decimal(str(amount or 0))
                result[grant_id] = amount
        return result

    @classmethod
    def get_consumption(cls, grants, names):
        consumed = cls.consumption(grants)
        envelopes = cls.get_envelope(grants, 'envelope')
        result = {name: {} for name in names}
        for grant in grants:
            used = grant.currency.round(consumed[grant.id])
            envelope = envelopes[grant.id]
            share = (used / envelope).quantize(Decimal('0.0001')) if (
                envelope) else Decimal(0)
            values = {
                'consumed': used,
                'remaining': envelope - used,
                'share_used': share,
                'envelope_warning': bool(envelope) and share >= WARNING_SHARE,
                }
            for name in names:
                result[name][grant.id] = values[name]
        return result

    @classmethod
    def get_run_out_date(cls, grants, name):
        pool = Pool()
        Date = pool.get('ir.date')
        Line = pool.get('food_aid.grant.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        today = Date.today()
        since = today - dt.timedelta(weeks=PACE_WEEKS)
        paces = {g.id: Decimal(0) for g in grants}
        for sub_ids in grouped_slice(
                [g.id for g in grants], backend.MAX_QUERY_PARAMS):
            cursor.execute(*line.select(
                    line.grant, Sum(line.amount),
                    where=fields.SQL_OPERATORS['in'](line.grant, sub_ids)
                    & (line.state != 'cancelled')
                    & (line.date > since) & (line.date <= today),
                    group_by=[line.grant]))
            for grant_id, amount in cursor:
                paces[grant_id] = Decimal(str(amount or 0))
        result = {}
        for grant in grants:
            remaining = grant.remaining
            pace = paces[grant.id] / (PACE_WEEKS * 7)
            if remaining is None or remaining <= 0:
                result[grant.id] = today
            elif pace <= 0:
                result[grant.id] = None
            else:
                days = int(remaining / pace)
                try:
                    result[grant.id] = today + dt.timedelta(days=days)
                except OverflowError:
                    result[grant.id] = None
        return result

    @classmethod
    def get_run_out_note(cls, grants, name):
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        result = {}
        for grant in grants:
            note = None
            if grant.state in {'running', 'closed'} and grant.remaining > 0 and (
                    grant.date_end and (not grant.run_out_date
                        or grant.run_out_date > grant.date_end)):
                note = gettext(
                    'food_aid_subsidy.msg_grant_envelope_not_used_up',
                    date=lang.strftime(grant.date_end),
                    remaining=lang.currency(grant.remaining, grant.currency))
            result[grant.id] = note
        return result

    @classmethod
    def validate_fields(cls, grants, field_names):
        super().validate_fields(grants, field_names)
        for grant in grants:
            grant.check_rules()

    def check_rules(self):
        if self.program != 'solidarity_fund' and (
                self.amount is None or self.amount <= 0):
            raise GrantValidationError(gettext(
                    'food_aid_subsidy.msg_grant_envelope_not_positive',
                    grant=self.rec_name))
        if self.rate is not None and not (0 <= self.rate <= 1):
            raise GrantValidationError(gettext(
                    'food_aid_subsidy.msg_grant_rate_invalid',
                    grant=self.rec_name))
        for value in [
                self.unit_amount, self.price_cap, self.customer_monthly_cap]:
            if value is not None and value < 0:
                raise GrantValidationError(gettext(
                        'food_aid_subsidy.msg_grant_amount_negative',
                        grant=self.rec_name))
        if self.state == 'running' and not self.clearing_account:
            raise GrantValidationError(gettext(
                    'food_aid_subsidy.msg_grant_running_without_account',
                    grant=self.rec_name))

    @classmethod
    def check_open_lines(
            cls, grants, message, states=('reserved', 'invoiced')):
        pool = Pool()
        Line = pool.get('food_aid.grant.line')
        with without_check_access():
            lines = Line.search([
                    ('grant', 'in', [g.id for g in grants]),
                    ('state', 'in', list(states)),
                    ], limit=1)
        if lines:
            line, = lines
            raise GrantAccessError(gettext(
                    message, grant=line.grant.rec_name))

    @classmethod
    def check_modify(cls, grants):
        for grant in grants:
            if grant.state == 'closed':
                raise GrantAccessError(gettext(
                        'food_aid_subsidy.msg_grant_closed_modify',
                        grant=grant.rec_name))

    @classmethod
    def check_modification(cls, mode, grants, values=None, external=False):
        super().check_modification(
            mode, grants, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            check_rule(cls, grants, mode)
        # the workflow itself may reopen a closed grant
        if mode == 'write' and set(values) - {'state'}:
            cls.check_modify(grants)
        elif mode == 'delete':
            cls.check_open_lines(
                grants, 'food_aid_subsidy.msg_grant_delete_open_lines')
            check_deletable(grants, {'draft', 'cancelled'},
                'food_aid_subsidy.msg_grant_delete_not_draft', 'grant',
                error=GrantAccessError)

    @classmethod
    def copy(cls, grants, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('lines')
        default.setdefault('state')
        return super().copy(grants, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, grants):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('running')
    def run(cls, grants):
        for grant in grants:
            if not grant.clearing_account:
                raise GrantValidationError(gettext(
                        'food_aid_subsidy.msg_grant_running_without_account',
                        grant=grant.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, grants):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, grants):
        cls.check_open_lines(
            grants, 'food_aid_subsidy.msg_grant_cancel_open_lines',
            states=['reserved', 'invoiced', 'claimed'])

    @classmethod
    def lock_envelopes(cls, grants):
        """Wait until no other transaction reserves on the grants, keep them
        locked until the end of the transaction and return what each has
        left, including what the transactions that held them committed"""
        transaction = Transaction()
        ids = sorted({g.id for g in grants})
        if backend.name != 'postgresql':
            # the other databases write one transaction at a time
            return {g.id: g.remaining for g in cls.browse(ids)}
        grant = cls.__table__()
        cursor = transaction.connection.cursor()
        # a waiting lock, taken in the order of the ids so that two
        # transactions never wait for each other
        cursor.execute(*grant.select(
                Literal(1),
                where=fields.SQL_OPERATORS['in'](grant.id, ids),
                order_by=[grant.id.asc],
                for_=For('UPDATE')))
        # the snapshot of this transaction predates the lock: read what is
        # left as it is now committed
        with transaction.new_transaction(readonly=True):
            return {g.id: g.remaining for g in cls.browse(ids)}

    # Eligibility and computation

    @classmethod
    def running_grants(cls, company, currency, date):
        "Return the running grants of the company in force at date, stacked"
        with without_check_access():
            grants = cls.search([
                    ('company', '=', int(company)),
                    ('currency', '=', int(currency)),
                    ('state', '=', 'running'),
                    ('date_start', '<=', date),
                    ['OR',
                        ('date_end', '=', None),
                        ('date_end', '>=', date),
                        ],
                    ])
        return sorted(grants, key=stacking_key)

    def applies_to(self, channel, party, product, categories):
        """Whether the grant subsidises the product sold to the party in the
        channel, habilitation aside; categories are the ids of the
        product's categories and their parents"""
        if self.channels and (
                not channel or channel.id not in {
                    c.id for c in self.channels}):
            return False
        if self.beneficiaries and party.id not in {
                p.id for p in self.beneficiaries}:
            return False
        tier = getattr(party, 'household_tier', None)
        if self.tiers and (
                not tier or tier.id not in {t.id for t in self.tiers}):
            return False
        if self.coverage == 'tier' and not tier:
            return False
        if self.categories and not (
                {c.id for c in self.categories} & set(categories)):
            return False
        if self.required_labels:
            labels = {l.id for l in product.template.quality_labels}
            if not {l.id for l in self.required_labels} <= labels:
                return False
        return True

    def get_coverage(self, party, product, unit, available):
        "Return the coverage of the grant for a line in unit"
        pool = Pool()
        Uom = pool.get('product.uom')
        unit_amount = price_cap = household_share = None
        if self.coverage == 'per_unit':
            unit_amount = Uom.compute_price(
                product.default_uom, self.unit_amount, unit)
        elif self.coverage == 'price_cap':
            price_cap = Uom.compute_price(
                product.default_uom, self.price_cap, unit)
        elif self.coverage == 'tier':
            household_share = party.household_tier.household_share
        return Coverage(
            kind=self.coverage, rate=self.rate, unit_amount=unit_amount,
            price_cap=price_cap, household_share=household_share,
            available=available)

    @classmethod
    def month_consumption(cls, grants, customers, dates):
        """Return the non-cancelled amount per (grant, customer, month)
        of the grants with a monthly cap"""
        pool = Pool()
        Line = pool.get('food_aid.grant.line')
        grants = [g for g in grants if g.customer_monthly_cap is not None]
        result = defaultdict(Decimal)
        if not grants or not customers or not dates:
            return result
        months = {d.replace(day=1) for d in dates}
        start = min(months)
        end = max(months)
        end = (end + dt.timedelta(days=32)).replace(day=1)
        with without_check_access():
            lines = Line.search([
                    ('grant', 'in', [g.id for g in grants]),
                    ('customer', 'in', [int(c) for c in customers]),
                    ('state', '!=', 'cancelled'),
                    ('date', '>=', start),
                    ('date', '<', end),
                    ])
        for line in lines:
            result[(line.grant.id, line.customer.id,
                    line.date.replace(day=1))] += line.amount
        return result


class GrantRelationMixin:
    "A relation row of a grant: the grant's rights and guards apply to it"
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('grant')

    @classmethod
    def check_modification(cls, mode, relations, values=None, external=False):
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        super().check_modification(
            mode, relations, values=values, external=external)
        grants = Grant.browse({r.grant.id for r in relations if r.grant})
        if external:
            check_rule(Grant, grants, 'write')
        Grant.check_modify(grants)


class GrantChannel(GrantRelationMixin, ModelSQL):
    "The channels a grant subsidises"
    __name__ = 'food_aid.grant-food_aid.channel'
    grant = fields.Many2One(
        'food_aid.grant', "Grant", required=True, ondelete='CASCADE')
    channel = fields.Many2One(
        'food_aid.channel', "Channel", required=True, ondelete='CASCADE')


class GrantBeneficiary(GrantRelationMixin, ModelSQL):
    "The customers a grant subsidises"
    __name__ = 'food_aid.grant-party.party'
    grant = fields.Many2One(
        'food_aid.grant', "Grant", required=True, ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')


class GrantTier(GrantRelationMixin, ModelSQL):
    "The household tiers a grant subsidises"
    __name__ = 'food_aid.grant-food_aid.household_tier'
    grant = fields.Many2One(
        'food_aid.grant', "Grant", required=True, ondelete='CASCADE')
    tier = fields.Many2One(
        'food_aid.household_tier', "Tier", required=True, ondelete='CASCADE')


class GrantCategory(GrantRelationMixin, ModelSQL):
    "The product categories a grant subsidises"
    __name__ = 'food_aid.grant-product.category'
    grant = fields.Many2One(
        'food_aid.grant', "Grant", required=True, ondelete='CASCADE')
    category = fields.Many2One(
        'product.category', "Category", required=True, ondelete='CASCADE')


class GrantQualityLabel(GrantRelationMixin, ModelSQL):
    "The quality labels a product needs for a grant"
    __name__ = 'food_aid.grant-food_aid.quality_label'
    grant = fields.Many2One(
        'food_aid.grant', "Grant", required=True, ondelete='CASCADE')
    label = fields.Many2One(
        'food_aid.quality_label', "Label", required=True, ondelete='CASCADE')


class GrantLine(ModelSQL, ModelView):
    """An entry of a grant's ledger: the subsidy of a sale or invoice line,
    reserved at confirmation, invoiced when the invoice is posted, claimed
    from the funder"""
    __name__ = 'food_aid.grant.line'

    grant = fields.Many2One(
        'food_aid.grant', "Grant", required=True, ondelete='RESTRICT',
        readonly=True)
    sale_line = fields.Many2One(
        'sale.line', "Sale Line", ondelete='RESTRICT', readonly=True)
    invoice_line = fields.Many2One(
        'account.invoice.line', "Invoice Line", ondelete='RESTRICT',
        readonly=True)
    credited_line = fields.Many2One(
        'food_aid.grant.line', "Credited Line", ondelete='RESTRICT',
        readonly=True,
        help="The ledger line that the credit note gives back.")
    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='RESTRICT',
        readonly=True)
    product = fields.Many2One(
        'product.product', "Product", ondelete='RESTRICT', readonly=True)
    date = fields.Date("Date", required=True, readonly=True)
    quantity = fields.Float("Quantity", digits='unit', readonly=True)
    unit = fields.Many2One(
        'product.uom', "Unit", ondelete='RESTRICT', readonly=True)
    full_amount = Monetary(
        "Full Amount", currency='currency', digits='currency', readonly=True,
        help="The amount of the line before subsidies.")
    amount = Monetary(
        "Subsidy", currency='currency', digits='currency', required=True,
        readonly=True,
        help="The part of the untaxed amount the grant pays.")
    tax_amount = Monetary(
        "Subsidy Tax", currency='currency', digits='currency', readonly=True,
        help="The tax the subsidy bears, invoiced to the funder with it.")
    state = fields.Selection(
        LINE_STATES, "State", required=True, readonly=True, sort=False)
    claim = fields.Many2One(
        'food_aid.grant.claim', "Claim", ondelete='RESTRICT', readonly=True,
        domain=[
            If(Eval('claim'), ('grant', '=', Eval('grant', -1)), ()),
            ])
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')
    month = fields.Function(
        fields.Date("Month"), 'get_month')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date', 'DESC'),
            ('id', 'DESC'),
            ]

    @classmethod
    def default_state(cls):
        return 'reserved'

    @classmethod
    def default_tax_amount(cls):
        return Decimal(0)

    def get_currency(self, name):
        return self.grant.currency.id

    @property
    def subsidy_taxes(self):
        "The ids of the taxes the subsidy bears"
        line = self.invoice_line
        if not line and self.credited_line:
            line = self.credited_line.invoice_line
        return tuple(sorted(t.id for t in line.taxes)) if line else ()

    def get_month(self, name):
        return self.date.replace(day=1) if self.date else None

    def get_rec_name(self, name):
        return f'{self.grant.rec_name} @ {self.customer.rec_name}'


class GrantConsumption(ModelSQL, ModelView):
    "The subsidies of a grant per month"
    __name__ = 'food_aid.grant.consumption'

    grant = fields.Many2One(
        'food_aid.grant', "Grant", required=True, readonly=True)
    month = fields.Date("Month", readonly=True)
    amount = Monetary(
        "Subsidies", currency='currency', digits='currency', readonly=True)
    currency = fields.Many2One(
        'currency.currency', "Currency", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'ASC'), ('grant', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Line = pool.get('food_aid.grant.line')
        Grant = pool.get('food_aid.grant')
        line = Line.__table__()
        grant = Grant.__table__()
        # the month is computed once in a sub-query so that PostgreSQL
        # groups by the very expression it selects
        monthly = line.select(
            line.id.as_('id'), line.grant.as_('grant'),
            line.amount.as_('amount'),
            cls.month.sql_cast(DateTrunc('month', line.date)).as_('month'),
            where=line.state != 'cancelled')
        query = monthly.join(grant, condition=monthly.grant == grant.id)
        return query.select(
            cls.id.sql_cast(Min(monthly.id)).as_('id'),
            monthly.grant.as_('grant'),
            monthly.month.as_('month'),
            Sum(monthly.amount).as_('amount'),
            grant.currency.as_('currency'),
            group_by=[monthly.grant, monthly.month, grant.currency])
