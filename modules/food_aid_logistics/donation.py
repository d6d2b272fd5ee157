# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.food_aid.access import check_deletable, check_rule
from trytond.modules.food_aid.rec_name import RecNameSearchMixin
from trytond.modules.food_aid.report import DocumentMixin
from trytond.modules.product import price_digits
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction

from .exceptions import DonationError

UNITS = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit",
    "neuf", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
    "dix-sept", "dix-huit", "dix-neuf"]
TENS = [
    "", "", "vingt", "trente", "quarante", "cinquante", "soixante",
    "soixante", "quatre-vingt", "quatre-vingt"]


def french_number(number):
    "Spell out an integer in French, as a cheque or a tax receipt does"
    if number < 20:
        return UNITS[number]
    if number < 100:
        tens, unit = divmod(number, 10)
        if tens in {7, 9}:
            unit += 10
        word = TENS[tens]
        if unit == 0:
            return word + ("s" if tens == 8 else "")
        if unit in {1, 11} and tens not in {8, 9}:
            return f"{word} et {UNITS[unit]}"
        return f"{word}-{UNITS[unit]}"
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        word = "cent" if hundreds == 1 else f"{UNITS[hundreds]} cent"
        if rest:
            return f"{word} {french_number(rest)}"
        return word + ("s" if hundreds > 1 else "")
    for size, name in [(10 ** 9, "milliard"), (10 ** 6, "million")]:
        if number >= size:
            count, rest = divmod(number, size)
            word = f"{french_number(count)} {name}" + (
                "s" if count > 1 else "")
            return f"{word} {french_number(rest)}" if rest else word
    thousands, rest = divmod(number, 1000)
    word = "mille" if thousands == 1 else f"{french_number(thousands)} mille"
    word = word.replace("cents mille", "cent mille")
    return f"{word} {french_number(rest)}" if rest else word


def french_amount(amount):
    "Spell out an amount in euros in French"
    amount = Decimal(amount).quantize(Decimal('0.01'))
    euros = int(amount)
    cents = int((amount - euros) * 100)
    word = f"{french_number(euros)} euro" + ("s" if euros > 1 else "")
    if cents:
        word += f" et {french_number(cents)} centime" + (
            "s" if cents > 1 else "")
    return word


class Donation(RecNameSearchMixin, Workflow, ModelSQL, ModelView):
    "Food given to the platform, for which the donor gets a tax receipt"
    __name__ = 'food_aid.donation'
    _rec_name_fields = ('receipt_number', 'donor.rec_name')

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE',
        states=_states)
    donor = fields.Many2One(
        'party.party', "Donor", required=True, ondelete='RESTRICT',
        states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    donor_kind = fields.Selection([
            ('company', "Company"),
            ('individual', "Individual"),
            ], "Donor Kind", required=True, states=_states,
        help="A company gets the receipt of cerfa 16216, "
        "an individual that of cerfa 11580.")
    date = fields.Date("Date", required=True, states=_states)
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True, ondelete='RESTRICT',
        domain=[('type', '=', 'warehouse')], states=_states)
    lines = fields.One2Many(
        'food_aid.donation.line', 'donation', "Lines", states=_states)
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    total_value = fields.Function(
        Monetary("Total Value", currency='currency', digits='currency'),
        'get_total_value')
    receipt_number = fields.Char("Receipt Number", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('received', "Received"),
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
            ('draft', 'received'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                'receive': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
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

    @classmethod
    def default_warehouse(cls):
        return Pool().get('stock.location').get_default_warehouse()

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @staticmethod
    def default_donor_kind():
        return 'company'

    @staticmethod
    def default_state():
        return 'draft'

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    def get_total_value(self, name):
        return self.currency.round(sum(
                (l.amount or Decimal(0) for l in self.lines), Decimal(0)))

    def get_rec_name(self, name):
        return self.receipt_number or f'{self.donor.rec_name} {self.date}'

    @classmethod
    def check_modification(
            cls, mode, donations, values=None, external=False):
        super().check_modification(
            mode, donations, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            check_rule(cls, donations, mode)
        if mode == 'delete':
            check_deletable(donations, {'cancelled'},
                'food_aid_logistics.msg_donation_delete', 'donation')

    @classmethod
    def copy(cls, donations, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('receipt_number')
        return super().copy(donations, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, donations):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, donations):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('received')
    def receive(cls, donations):
        "Put the food given in stock with its lots and number the receipt"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Line = pool.get('food_aid.donation.line')
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        for donation in donations:
            donation.check_lines()
        lines = [l for d in donations for l in d.lines]
        for line in lines:
            line.move = line.get_move()
            line.lot = line.get_lot(line.move)
        Lot.save([l.lot for l in lines])
        Move.save([l.move for l in lines])
        Line.save(lines)
        Move.do([l.move for l in lines])
        sequence = Sequence(ModelData.get_id(
                'food_aid_logistics', 'sequence_donation_receipt'))
        for donation in donations:
            donation.receipt_number = sequence.get()
        cls.save(donations)

    def check_lines(self):
        if not self.lines:
            raise DonationError(gettext(
                    'food_aid_logistics.msg_donation_no_line',
                    donation=self.rec_name))
        for line in self.lines:
            if not line.quantity or line.quantity <= 0:
                raise DonationError(gettext(
                        'food_aid_logistics.msg_donation_quantity_positive',
                        donation=self.rec_name,
                        product=line.product.rec_name))
            if not line.unit_value or line.unit_value <= 0:
                raise DonationError(gettext(
                        'food_aid_logistics.msg_donation_value_required',
                        donation=self.rec_name,
                        product=line.product.rec_name))


class DonationLine(ModelSQL, ModelView):
    "A product given, valued at what it cost the donor"
    __name__ = 'food_aid.donation.line'

    donation = fields.Many2One(
        'food_aid.donation', "Donation", required=True, ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", required=True, ondelete='RESTRICT',
        domain=[('type', '=', 'goods')])
    quantity = fields.Float(
        "Quantity", digits='unit', required=True,
        domain=[('quantity', '>=', 0)])
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    unit_value = fields.Numeric(
        "Unit Value", digits=price_digits,
        help="The donor's cost price, as the tax law values gifts in kind.")
    amount = fields.Function(
        Monetary("Amount", currency='currency', digits='currency'),
        'on_change_with_amount')
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    expiration_date = fields.Date("Expiration Date")
    lot = fields.Many2One('stock.lot', "Lot", readonly=True)
    move = fields.Many2One('stock.move', "Move", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('donation')

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    @fields.depends('donation', '_parent_donation.company')
    def on_change_with_currency(self, name=None):
        if self.donation and self.donation.company:
            return self.donation.company.currency

    @fields.depends(
        'quantity', 'unit_value', 'donation', '_parent_donation.company')
    def on_change_with_amount(self, name=None):
        currency = self.on_change_with_currency()
        if self.quantity and self.unit_value is not None and currency:
            return currency.round(
                Decimal(str(self.quantity)) * self.unit_value)

    def get_lot(self, move):
        "Return the lot of the donor that the move of the line receives"
        lot = move.add_reception_lot(self.donation.date)
        lot.producer = self.donation.donor
        if self.expiration_date:
            lot.expiration_date = self.expiration_date
        return lot

    def get_move(self):
        pool = Pool()
        Move = pool.get('stock.move')
        ModelData = pool.get('ir.model.data')
        Location = pool.get('stock.location')
        donation = self.donation
        return Move(
            company=donation.company, product=self.product, lot=self.lot,
            unit=self.product.default_uom,
            quantity=self.product.default_uom.round(self.quantity),
            from_location=Location(ModelData.get_id(
                    'stock', 'location_supplier')),
            to_location=donation.warehouse.storage_location,
            effective_date=donation.date, planned_date=donation.date,
            unit_price=self.unit_value, currency=donation.company.currency,
            origin=self)


class DonationReceipt(DocumentMixin, Report):
    "The tax receipt of a gift in kind (cerfa 16216 or 11580)"
    __name__ = 'food_aid.donation.receipt'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['amount_in_words'] = french_amount
        return context
