# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import csv
import io
from collections import defaultdict

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.food_aid.period import PeriodMixin, period_fields
from trytond.modules.food_aid.product import FOOD_FAMILIES
from trytond.modules.food_aid.report import DocumentMixin
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .commitment import week_start, weeks
from .exceptions import SupplyPlanValidationError


class SupplyPlan(PeriodMixin, ModelSQL, ModelView):
    """The plan of a season: week by week, what is needed against what the
    producers committed and offered, and the gaps"""
    __name__ = 'food_aid.supply_plan'

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    date_start, date_end = period_fields("Season Start", "Season End")
    _period_error = SupplyPlanValidationError
    _period_message = 'food_aid_planning.msg_supply_plan_inverted_dates'
    lines = fields.One2Many(
        'food_aid.supply_plan.line', 'plan', "Lines", readonly=True)
    need_quantity = fields.Function(fields.Float(
            "Needs (kg)", digits=(16, 3)), 'get_totals')
    gap_quantity = fields.Function(fields.Float(
            "Gaps (kg)", digits=(16, 3)), 'get_totals')
    gap_percent = fields.Function(fields.Float(
            "Gap (%)", digits=(16, 1)), 'get_totals')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date_start', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'compute': {
                    'icon': 'tryton-refresh',
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def get_totals(cls, plans, names):
        "Sum the product lines in kilograms; family lines are subtotals"
        result = {name: {} for name in names}
        for plan in plans:
            lines = [
                l for l in plan.lines
                if l.product and l.unit_in_kg is not None]
            need = sum(l.need_quantity * l.unit_in_kg for l in lines)
            gap = sum(l.gap_quantity * l.unit_in_kg for l in lines)
            if 'need_quantity' in names:
                result['need_quantity'][plan.id] = round(need, 3)
            if 'gap_quantity' in names:
                result['gap_quantity'][plan.id] = round(gap, 3)
            if 'gap_percent' in names:
                result['gap_percent'][plan.id] = (
                    round(gap * 100 / need, 1) if need else None)
        return result

    @classmethod
    def copy(cls, plans, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('lines')
        return super().copy(plans, default=default)

    @classmethod
    @ModelView.button
    def compute(cls, plans):
        pool = Pool()
        Line = pool.get('food_aid.supply_plan.line')
        Line.delete([l for p in plans for l in p.lines])
        Line.save([l for p in plans for l in p._compute()])

    def _compute(self):
        "Return the lines of the plan, per week and product or family"
        pool = Pool()
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        Line = pool.get('food_aid.supply_plan.line')
        kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))

        season = list(weeks(self.date_start, self.date_end))
        needs, committed, offered = (
            defaultdict(float), defaultdict(float), defaultdict(float))
        products = {}

        def add(quantities, week, product, quantity, unit):
            products[product.id] = product
            quantities[(week, product.id)] += Uom.compute_qty(
                unit, quantity, product.default_uom, round=False)

        product_lines, family_lines = self._need_lines()
        for line in product_lines:
            need = line.need
            for monday, sunday in season:
                if need.date_start <= sunday and need.date_end >= monday:
                    add(needs, monday, line.product,
                        line.weekly_quantity, line.unit)
        family_needs = defaultdict(float)
        for line in family_lines:
            need = line.need
            for monday, sunday in season:
                if need.date_start <= sunday and need.date_end >= monday:
                    family_needs[(monday, line.food_family)] += (
                        Uom.compute_qty(
                            line.unit, line.weekly_quantity, kilogram,
                            round=False))
        for commitment in self._commitments():
            for monday, sunday in season:
                if (commitment.date_start <= sunday
                        and commitment.date_end >= monday):
                    add(committed, monday, commitment.product,
                        commitment.weekly_quantity,
                        commitment.product.default_uom)
        for offer in self._spot_offers():
            add(offered, week_start(offer.date_start), offer.product,
                offer.quantity, offer.product.default_uom)

        lines = []
        keys = set(needs) | set(committed) | set(offered)
        by_family = defaultdict(lambda: [0., 0., 0.])
        for monday, product_id in sorted(keys):
            product = products[product_id]
            line = Line(
                plan=self, week=monday, product=product,
                food_family=product.template.food_family,
                unit=product.default_uom)
            line.set_quantities(
                needs[(monday, product_id)],
                committed[(monday, product_id)],
                offered[(monday, product_id)])
            lines.append(line)
            family = product.template.food_family
            if family and product.default_uom.category == kilogram.category:
                totals = by_family[(monday, family)]
                for index, quantities in enumerate(
                        [needs, committed, offered]):
                    totals[index] += Uom.compute_qty(
                        product.default_uom,
                        quantities[(monday, product_id)], kilogram,
                        round=False)
        # a family line only where needs were expressed by family
        for monday, family in sorted(family_needs):
            need, commit, offer = by_family[(monday, family)]
            line = Line(
                plan=self, week=monday, product=None, food_family=family,
                unit=kilogram)
            line.set_quantities(
                need + family_needs[(monday, family)], commit, offer)
            lines.append(line)
        return lines

    def _need_lines(self):
        "Return the validated need lines by product and by family"
        pool = Pool()
        NeedLine = pool.get('food_aid.need.line')
        lines = NeedLine.search([
                ('need.company', '=', self.company.id),
                ('need.state', '=', 'validated'),
                ('need.date_start', '<=', self.date_end),
                ('need.date_end', '>=', self.date_start),
                ])
        return (
            [l for l in lines if l.product],
            [l for l in lines if not l.product])

    def _commitments(self):
        pool = Pool()
        Commitment = pool.get('food_aid.producer.commitment')
        return Commitment.search([
                ('company', '=', self.company.id),
                ('state', 'in', ['running', 'closed']),
                ('date_start', '<=', self.date_end),
                ('date_end', '>=', self.date_start),
                ])

    def _spot_offers(self):
        "The offers that no commitment opened (they count as commitments)"
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        return Offer.search([
                ('company', '=', self.company.id),
                ('commitment', '=', None),
                ('state', 'in', ['open', 'closed']),
                ('date_start', '>=', week_start(self.date_start)),
                ('date_start', '<=', self.date_end),
                ])


class SupplyPlanLine(ModelSQL, ModelView):
    "The needs and supplies of a product or a food family in a week"
    __name__ = 'food_aid.supply_plan.line'

    plan = fields.Many2One(
        'food_aid.supply_plan', "Plan", required=True, ondelete='CASCADE')
    week = fields.Date("Week", required=True, help="The Monday of the week.")
    product = fields.Many2One(
        'product.product', "Product", ondelete='CASCADE')
    food_family = fields.Selection(FOOD_FAMILIES, "Food Family", sort=False)
    food_family_string = food_family.translated('food_family')
    unit = fields.Many2One(
        'product.uom', "Unit", required=True, ondelete='RESTRICT')
    need_quantity = fields.Float("Needs", digits='unit', required=True)
    committed_quantity = fields.Float(
        "Committed", digits='unit', required=True,
        help="The weekly quantities of the producers' commitments.")
    offered_quantity = fields.Float(
        "Spot Offers", digits='unit', required=True,
        help="The offers opened outside any commitment.")
    supply_quantity = fields.Float("Supply", digits='unit', required=True)
    gap_quantity = fields.Float(
        "Gap", digits='unit', required=True,
        help="The needs that neither commitments nor offers cover.")
    gap_percent = fields.Float(
        "Gap (%)", digits=(16, 1),
        help="The gap as a share of the needs.")
    surplus_quantity = fields.Float(
        "Surplus", digits='unit', required=True)
    unit_in_kg = fields.Function(
        fields.Float("Kilograms per Unit"), 'get_unit_in_kg')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('plan')
        cls._order = [
            ('plan', 'ASC'),
            ('week', 'ASC'),
            ('product', 'ASC NULLS LAST'),
            ('food_family', 'ASC'),
            ('id', 'ASC'),
            ]

    def set_quantities(self, need, committed, offered):
        unit = self.unit
        self.need_quantity = unit.round(need)
        self.committed_quantity = unit.round(committed)
        self.offered_quantity = unit.round(offered)
        self.supply_quantity = unit.round(committed + offered)
        self.gap_quantity = unit.round(max(need - committed - offered, 0))
        self.surplus_quantity = unit.round(max(committed + offered - need, 0))
        self.gap_percent = (
            round(self.gap_quantity * 100 / self.need_quantity, 1)
            if self.need_quantity else None)

    def get_rec_name(self, name):
        if self.product:
            item = self.product.rec_name
        else:
            item = dict(self.fields_get(
                    ['food_family'])['food_family']['selection']).get(
                self.food_family, '')
        return f'{item} ({self.week})'

    @classmethod
    def get_unit_in_kg(cls, lines, name):
        pool = Pool()
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))
        result = {}
        for line in lines:
            result[line.id] = (
                Uom.compute_qty(line.unit, 1, kilogram, round=False)
                if line.unit.category == kilogram.category else None)
        return result


class SupplyPlanExportStart(ModelView):
    "Export the Supply Plan"
    __name__ = 'food_aid.supply_plan.export.start'


class SupplyPlanExportResult(ModelView):
    "Export the Supply Plan"
    __name__ = 'food_aid.supply_plan.export.result'

    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class SupplyPlanExport(Wizard):
    "Export the supply plan as a CSV file for the board"
    __name__ = 'food_aid.supply_plan.export'

    start_state = 'export'
    export = StateTransition()
    result = StateView(
        'food_aid.supply_plan.export.result',
        'food_aid_planning.supply_plan_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        return 'result'

    def default_result(self, fields):
        plan = self.record
        return {
            'file': self.get_csv(plan),
            'filename': f'plan-{plan.date_start}-{plan.date_end}.csv',
            }

    @classmethod
    def get_csv(cls, plan):
        "Return the lines of the plan as CSV bytes"
        pool = Pool()
        Line = pool.get('food_aid.supply_plan.line')
        families = dict(Line.fields_get(
                ['food_family'])['food_family']['selection'])
        names = Line.fields_get([
                'week', 'product', 'food_family', 'unit', 'need_quantity',
                'committed_quantity', 'offered_quantity', 'gap_quantity',
                'gap_percent'])
        output = io.StringIO()
        writer = csv.writer(output, delimiter=';')
        writer.writerow([
                names['week']['string'], names['product']['string'],
                names['food_family']['string'], names['unit']['string'],
                names['need_quantity']['string'],
                names['committed_quantity']['string'],
                names['offered_quantity']['string'],
                names['gap_quantity']['string'],
                names['gap_percent']['string']])
        for line in plan.lines:
            writer.writerow([
                    line.week.isoformat(),
                    line.product.rec_name if line.product else '',
                    families.get(line.food_family) or '',
                    line.unit.symbol,
                    line.need_quantity, line.committed_quantity,
                    line.offered_quantity, line.gap_quantity,
                    '' if line.gap_percent is None else line.gap_percent])
        return output.getvalue().encode('utf-8')


class SupplyPlanReport(DocumentMixin, Report):
    "The printed supply plan, week by week, for the board"
    __name__ = 'food_aid.supply_plan.report'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        weeks = {}
        for plan in records:
            by_week = defaultdict(list)
            for line in plan.lines:
                by_week[line.week].append(line)
            weeks[plan.id] = sorted(by_week.items())
        context['weeks'] = weeks
        return context
