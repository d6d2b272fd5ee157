# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from collections import defaultdict
from decimal import InvalidOperation

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.food_aid.period import PeriodMixin, period_fields
from trytond.modules.food_aid.product import FOOD_FAMILIES
from trytond.modules.food_aid_producer.offer import parse_number
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import NeedImportError, NeedValidationError

SOURCES = [
    ('organisation', "Organisation"),
    ('beneficiary_committee', "Beneficiary Committee"),
    ('survey', "Survey"),
    ]


class Need(PeriodMixin, Workflow, ModelSQL, ModelView):
    "What an organisation or the people it serves need each week of a season"
    __name__ = 'food_aid.need'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE',
        states=_states)
    source = fields.Selection(
        SOURCES, "Source", required=True, sort=False, states=_states,
        help="Who expressed the need.")
    party = fields.Many2One(
        'party.party', "Organisation", ondelete='RESTRICT',
        domain=[('is_food_aid_organisation', '=', True)],
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('source').in_(['organisation', 'survey']),
            },
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    committee = fields.Many2One(
        'food_aid.committee', "Committee", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('source') == 'beneficiary_committee',
            'invisible': Eval('source') != 'beneficiary_committee',
            })
    date_start, date_end = period_fields(
        "Season Start", "Season End", states=_states)
    _period_error = NeedValidationError
    _period_message = 'food_aid_planning.msg_need_inverted_dates'
    description = fields.Char("Description", states=_states)
    lines = fields.One2Many(
        'food_aid.need.line', 'need', "Lines", states=_states)
    decisions = fields.One2Many(
        'food_aid.committee.decision', 'origin', "Decisions", readonly=True,
        help="The committee decisions that created or amended the need.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('validated', "Validated"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date_start', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'validated'),
            ('validated', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'validated',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'validate_need': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_source():
        return 'organisation'

    @staticmethod
    def default_state():
        return 'draft'

    def get_rec_name(self, name):
        who = self.party or self.committee
        name = who.rec_name if who else self.description or str(self.id)
        return f'{name} ({self.date_start} - {self.date_end})'

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('party.rec_name', *clause[1:]),
            ('committee.rec_name', *clause[1:]),
            ('description', *clause[1:]),
            ]

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, needs):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('validated')
    def validate_need(cls, needs):
        for need in needs:
            if not need.lines:
                raise NeedValidationError(gettext(
                        'food_aid_planning.msg_need_no_line',
                        need=need.rec_name))


class NeedLine(ModelSQL, ModelView):
    "The weekly quantity needed of a product or of a food family"
    __name__ = 'food_aid.need.line'

    need = fields.Many2One(
        'food_aid.need', "Need", required=True, ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", ondelete='RESTRICT',
        domain=[('type', '=', 'goods')],
        states={
            'required': ~Eval('food_family'),
            'readonly': Bool(Eval('food_family')),
            })
    food_family = fields.Selection(
        FOOD_FAMILIES, "Food Family", sort=False,
        states={
            'required': ~Eval('product'),
            'readonly': Bool(Eval('product')),
            },
        help="A need expressed for a whole family, in kilograms.")
    weekly_quantity = fields.Float(
        "Weekly Quantity", digits='unit', required=True)
    unit = fields.Many2One(
        'product.uom', "Unit", required=True, ondelete='RESTRICT',
        domain=[
            If(Bool(Eval('product_uom_category')),
                ('category', '=', Eval('product_uom_category', -1)),
                ('category', '!=', -1)),
            ])
    product_uom_category = fields.Function(
        fields.Many2One('product.uom.category', "Product UoM Category"),
        'on_change_with_product_uom_category')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('need')
        cls._order = [
            ('need', 'ASC'),
            ('food_family', 'ASC NULLS FIRST'),
            ('product', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def default_unit(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        return ModelData.get_id('product', 'uom_kilogram')

    @fields.depends('product')
    def on_change_with_product_uom_category(self, name=None):
        if self.product:
            return self.product.default_uom_category

    @fields.depends('product', 'unit')
    def on_change_product(self):
        if self.product and (
                not self.unit
                or self.unit.category != self.product.default_uom.category):
            self.unit = self.product.default_uom

    def get_rec_name(self, name):
        if self.product:
            item = self.product.rec_name
        else:
            item = dict(self.fields_get(
                    ['food_family'])['food_family']['selection']).get(
                self.food_family, '')
        return f'{item} @ {self.need.rec_name}'

    @classmethod
    def validate_fields(cls, lines, field_names):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        super().validate_fields(lines, field_names)
        weight = ModelData.get_id('product', 'uom_cat_weight')
        for line in lines:
            if line.weekly_quantity is not None and line.weekly_quantity <= 0:
                raise NeedValidationError(gettext(
                        'food_aid_planning.msg_need_quantity_not_positive',
                        line=line.rec_name))
            if bool(line.product) == bool(line.food_family):
                raise NeedValidationError(gettext(
                        'food_aid_planning.msg_need_line_product_or_family',
                        line=line.rec_name))
            if line.food_family and line.unit.category.id != weight:
                raise NeedValidationError(gettext(
                        'food_aid_planning.msg_need_family_unit',
                        line=line.rec_name))


class NeedImportStart(ModelView):
    "Import Survey Answers"
    __name__ = 'food_aid.need.import.start'

    date_start, date_end = period_fields("Season Start", "Season End")
    file = fields.Binary(
        "File", required=True,
        help="A CSV file with the columns: organisation (code or name), "
        "product (code) or food family (code), weekly_quantity and, "
        "optionally, unit (symbol, kg by default).")


# the columns of a survey file
COLUMNS = ['organisation', 'product', 'food_family', 'weekly_quantity', 'unit']


class NeedImport(Wizard):
    "Create the needs of a season from the answers to a survey"
    __name__ = 'food_aid.need.import'

    start = StateView(
        'food_aid.need.import.start',
        'food_aid_planning.need_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-import', default=True),
            ])
    import_ = StateTransition()

    def transition_import_(self):
        pool = Pool()
        Need = pool.get('food_aid.need')
        company = Transaction().context.get('company')
        Need.create(self.read_needs(
                company, self.start.file,
                self.start.date_start, self.start.date_end))
        return 'end'

    @classmethod
    def read_needs(cls, company, content, date_start, date_end):
        """Return the values of one survey need per organisation of the file

        Raise NeedImportError listing every bad line when any line is bad,
        so that either all the answers are imported or none.
        """
        pool = Pool()
        Party = pool.get('party.party')
        Product = pool.get('product.product')
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        OfferImport = pool.get('food_aid.producer.offer.import', type='wizard')

        if date_start and date_end and date_end < date_start:
            raise NeedImportError(gettext(
                    'food_aid_planning.msg_need_import_inverted_dates',
                    start=date_start, end=date_end))
        rows = list(OfferImport.read_rows(content))
        if rows and [c.lower() for c in rows[0][1]][:2] == COLUMNS[:2]:
            rows = rows[1:]
        if not rows:
            raise NeedImportError(gettext(
                    'food_aid_planning.msg_need_import_empty'))

        names = {r[0] for _, r in rows if r}
        codes = {r[1] for _, r in rows if len(r) > 1 and r[1]}
        organisations = {}
        for party in Party.search([
                    ('is_food_aid_organisation', '=', True),
                    ['OR',
                        ('code', 'in', list(names)),
                        ('name', 'in', list(names)),
                        ],
                    ], order=[('id', 'ASC')]):
            organisations.setdefault(party.name, party)
            organisations[party.code] = party
        products = {p.code: p for p in Product.search([
                    ('code', 'in', list(codes)),
                    ('type', '=', 'goods'),
                    ])}
        families = {code for code, _ in FOOD_FAMILIES if code}
        weight = ModelData.get_id('product', 'uom_cat_weight')
        kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))
        units = {u.symbol: u for u in Uom.search([])}

        errors = []
        needs = defaultdict(list)
        for number, row in rows:
            reasons = []

            def error(message, **kwargs):
                reasons.append(gettext(
                        'food_aid_planning.' + message, **kwargs))
            row = row + [''] * (len(COLUMNS) - len(row))
            name, code, family, quantity, symbol = row[:len(COLUMNS)]
            organisation = organisations.get(name)
            if not organisation:
                error('msg_need_import_unknown_organisation',
                    organisation=name)
            product = None
            if code and family:
                error('msg_need_import_product_and_family')
            elif code:
                product = products.get(code)
                if not product:
                    error('msg_need_import_unknown_product', product=code)
            elif family:
                if family not in families:
                    error('msg_need_import_unknown_family', family=family)
            else:
                error('msg_need_import_no_product')
            try:
                quantity = parse_number(quantity)
            except InvalidOperation:
                error('msg_need_import_bad_number', value=quantity)
            else:
                if quantity <= 0:
                    error('msg_need_import_quantity_not_positive',
                        quantity=quantity)
            unit = units.get(symbol) if symbol else (
                product.default_uom if product else kilogram)
            if not unit:
                error('msg_need_import_unknown_unit', unit=symbol)
            elif product and unit.category != product.default_uom.category:
                error('msg_need_import_bad_unit',
                    unit=unit.symbol, product=product.rec_name)
            elif not product and unit.category.id != weight:
                error('msg_need_import_family_unit', unit=unit.symbol)
            if reasons:
                errors.append((number, reasons))
                continue
            needs[organisation].append({
                    'product': product.id if product else None,
                    'food_family': family if not product else None,
                    'weekly_quantity': unit.round(float(quantity)),
                    'unit': unit.id,
                    })
        if errors:
            lines = [
                gettext('food_aid_planning.msg_need_import_line',
                    line=number, reasons='; '.join(reasons))
                for number, reasons in sorted(errors)]
            raise NeedImportError(
                gettext('food_aid_planning.msg_need_import_failed',
                    count=len(errors)),
                '\n'.join(lines))
        return [{
                'company': company,
                'source': 'survey',
                'party': organisation.id,
                'date_start': date_start,
                'date_end': date_end,
                'lines': [('create', lines)],
                } for organisation, lines in sorted(
                needs.items(), key=lambda i: i[0].id)]
