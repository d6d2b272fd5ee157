# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from sql import Null
from sql.aggregate import Sum

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.food_aid.access import check_deletable, check_rule
from trytond.modules.food_aid.period import PeriodMixin, period_fields
from trytond.modules.product import price_digits, round_price
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import OfferImportError, OfferValidationError

STATES = [
    ('draft', "Draft"),
    ('open', "Open"),
    ('closed', "Closed"),
    ]


class Offer(PeriodMixin, Workflow, ModelSQL, ModelView):
    "What a producer can deliver of a product over a week, and at what price"
    __name__ = 'food_aid.producer.offer'

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
        domain=[('type', '=', 'goods')], states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    date_start, date_end = period_fields(states=_states)
    _period_error = OfferValidationError
    _period_message = 'food_aid_producer.msg_offer_inverted_dates'
    quantity = fields.Float(
        "Quantity", digits='unit', required=True, states=_states,
        help="The quantity offered, in the unit of the product.")
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    unit_price = fields.Numeric(
        "Unit Price", digits=price_digits,
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('state') != 'draft',
            },
        help="Proposed from the fair price in force.")
    allocated_quantity = fields.Function(fields.Float(
            "Allocated Quantity", digits='unit',
            help="The quantity given to the producer "
            "by confirmed allocations."),
        'get_allocated_quantities')
    remaining_quantity = fields.Function(fields.Float(
            "Remaining Quantity", digits='unit'),
        'get_allocated_quantities')
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date_start', 'DESC'),
            ('product', 'ASC'),
            ('producer', 'ASC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'draft'),
            ('open', 'closed'),
            ('closed', 'open'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'open': {
                    'invisible': ~Eval('state').in_(['draft', 'closed']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-close',
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

    @fields.depends('company', 'producer', 'product', 'date_start')
    def on_change_with_unit_price(self):
        pool = Pool()
        Price = pool.get('food_aid.producer.price')
        Date = pool.get('ir.date')
        if not (self.company and self.producer and self.product):
            return None
        date = self.date_start or Date.today()
        return Price.fair_prices(
            self.company.id, [(self.producer, self.product)], date).get(
            (self.producer.id, self.product.id))

    def get_rec_name(self, name):
        return (f'{self.producer.rec_name} - {self.product.rec_name} '
            f'({self.date_start} - {self.date_end})')

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('producer.rec_name', *clause[1:]),
            ('product.rec_name', *clause[1:]),
            ]

    @classmethod
    def get_allocated_quantities(cls, offers, names):
        pool = Pool()
        Allocation = pool.get('food_aid.allocation')
        Line = pool.get('food_aid.allocation.line')
        allocation = Allocation.__table__()
        line = Line.__table__()
        cursor = Transaction().connection.cursor()

        allocated = defaultdict(float)
        for sub_offers in grouped_slice(
                offers, backend.MAX_QUERY_PARAMS):
            sub_ids = [o.id for o in sub_offers]
            cursor.execute(*line.join(allocation,
                    condition=line.allocation == allocation.id
                    ).select(line.offer, Sum(line.quantity),
                    where=(allocation.state == 'confirmed')
                    & (line.offer != Null)
                    & line.offer.in_(sub_ids),
                    group_by=[line.offer]))
            allocated.update(
                (offer, quantity or 0.) for offer, quantity in cursor)
        result = {name: {} for name in names}
        for offer in offers:
            # an offer refused for its missing product has no unit
            round_ = offer.unit.round if offer.unit else (lambda q: q)
            quantity = round_(allocated[offer.id])
            if 'allocated_quantity' in names:
                result['allocated_quantity'][offer.id] = quantity
            if 'remaining_quantity' in names:
                result['remaining_quantity'][offer.id] = round_(
                    max((offer.quantity or 0) - quantity, 0))
        return result

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Price = pool.get('food_aid.producer.price')
        vlist = [v.copy() for v in vlist]
        company = Transaction().context.get('company')
        missing = defaultdict(list)
        for values in vlist:
            if (values.get('unit_price') is None
                    and values.get('producer') and values.get('product')
                    and values.get('date_start')):
                key = (
                    values.get('company', company), values['date_start'])
                missing[key].append(values)
        # one price lookup per company and week, not per offer
        for (company_id, date), values_list in missing.items():
            prices = Price.fair_prices(company_id, [
                    (v['producer'], v['product']) for v in values_list], date)
            for values in values_list:
                values['unit_price'] = prices.get(
                    (values['producer'], values['product']))
        return super().create(vlist)

    @classmethod
    def validate_fields(cls, offers, field_names):
        super().validate_fields(offers, field_names)
        cls.check_offers(offers)

    @classmethod
    def check_offers(cls, offers):
        pool = Pool()
        Membership = pool.get('food_aid.producer.membership')
        for offer in offers:
            if offer.quantity is not None and offer.quantity <= 0:
                raise OfferValidationError(gettext(
                        'food_aid_producer.msg_offer_quantity_not_positive',
                        record=offer.rec_name))
            if offer.unit_price is not None and offer.unit_price <= 0:
                raise OfferValidationError(gettext(
                        'food_aid_producer.msg_offer_price_not_positive',
                        record=offer.rec_name))
        members = Membership.members(
            (o.company.id, o.producer.id, o.date_start, o.date_end)
            for o in offers)
        for offer in offers:
            key = (
                offer.company.id, offer.producer.id,
                offer.date_start, offer.date_end)
            if not members[key]:
                raise OfferValidationError(gettext(
                        'food_aid_producer.msg_offer_producer_not_member',
                        record=offer.rec_name,
                        producer=offer.producer.rec_name))

    @classmethod
    def check_modification(cls, mode, offers, values=None, external=False):
        super().check_modification(
            mode, offers, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            check_rule(cls, offers, mode)
        if mode == 'delete':
            check_deletable(offers, {'draft'},
                'food_aid_producer.msg_offer_delete_draft', 'record')

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, offers):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, offers):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, offers):
        pass


class OfferImportStart(ModelView):
    "Import Offers"
    __name__ = 'food_aid.producer.offer.import.start'

    file = fields.Binary(
        "File", required=True,
        help="A CSV file with the columns: producer (code or name), "
        "product (code), date_start, date_end, quantity and, optionally, "
        "unit_price.")
    open_offers = fields.Boolean(
        "Open the Offers",
        help="Open the imported offers so that they can be allocated.")

    @classmethod
    def default_open_offers(cls):
        return True


COLUMNS = [
    'producer', 'product', 'date_start', 'date_end', 'quantity', 'unit_price']


# what a weekly file of offers never exceeds: beyond, it is not one
MAX_ROWS = 10000
MAX_CELL = 1000
MAX_NUMBER = Decimal('1e9')
# what a spreadsheet on a French PC saves, after UTF-8
ENCODINGS = ['utf-8-sig', 'cp1252']


class NumberOutOfRange(InvalidOperation):
    "A number beyond any quantity or price of the platform"


def parse_number(text):
    """Parse a number written with a dot or a French decimal comma

    Raise InvalidOperation for what is not a number, NumberOutOfRange for a
    number beyond any quantity or price."""
    text = (text or '').strip().replace('\u00a0', '').replace(' ', '')
    if text.count(',') == 1 and '.' not in text:
        text = text.replace(',', '.')
    if len(text) > 30:
        raise NumberOutOfRange
    number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    if abs(number) >= MAX_NUMBER:
        raise NumberOutOfRange
    return number


def shorten(text, length=40):
    "Return the text cut to length, for a message that quotes a cell"
    text = str(text)
    return text if len(text) <= length else text[:length - 1] + '…'


def parse_date(text):
    "Parse an ISO date or a French DD/MM/YYYY date"
    text = (text or '').strip()
    if '/' in text:
        return dt.datetime.strptime(text, '%d/%m/%Y').date()
    return dt.date.fromisoformat(text)


class OfferImport(Wizard):
    "Import the week's offers of the producers from a CSV file"
    __name__ = 'food_aid.producer.offer.import'

    start = StateView(
        'food_aid.producer.offer.import.start',
        'food_aid_producer.offer_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-import', default=True),
            ])
    import_ = StateTransition()

    def transition_import_(self):
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        company = Transaction().context.get('company')
        offers = self.read_offers(company, self.start.file)
        offers = Offer.create(offers)
        if self.start.open_offers:
            Offer.open(offers)
        return 'end'

    @classmethod
    def decode(cls, content):
        "Return the text of the file, refusing what is not a text file"
        if not isinstance(content, bytes):
            return content
        if b'\x00' in content:
            raise OfferImportError(gettext(
                    'food_aid_producer.msg_offer_import_not_text'))
        for encoding in ENCODINGS:
            try:
                text = content.decode(encoding)
            except UnicodeDecodeError:
                continue
            break
        else:
            raise OfferImportError(gettext(
                    'food_aid_producer.msg_offer_import_encoding'))
        if any(ord(c) < 32 and c not in '\t\r\n' for c in text):
            raise OfferImportError(gettext(
                    'food_aid_producer.msg_offer_import_not_text'))
        return text

    @classmethod
    def read_rows(cls, content):
        "Yield the line number and the cells of each row of the file"
        text = cls.decode(content)
        try:
            dialect = csv.Sniffer().sniff(text.split('\n', 1)[0], ',;\t')
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        count = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error:
                # a cell beyond csv's field limit or a broken quote
                raise OfferImportError(gettext(
                        'food_aid_producer.msg_offer_import_bad_line',
                        line=reader.line_num))
            if not any(cell.strip() for cell in row):
                continue
            count += 1
            if count > MAX_ROWS + 1:
                raise OfferImportError(gettext(
                        'food_aid_producer.msg_offer_import_too_many_rows',
                        maximum=MAX_ROWS))
            if any(len(cell) > MAX_CELL for cell in row):
                raise OfferImportError(gettext(
                        'food_aid_producer.msg_offer_import_cell_too_long',
                        line=reader.line_num, maximum=MAX_CELL))
            yield reader.line_num, [cell.strip() for cell in row]

    @classmethod
    def read_offers(cls, company, content):
        """Return the values of the offers of the file

        Raise OfferImportError listing every bad line when any line is bad,
        so that either all the offers are imported or none.
        """
        pool = Pool()
        Party = pool.get('party.party')
        Product = pool.get('product.product')
        Membership = pool.get('food_aid.producer.membership')
        Price = pool.get('food_aid.producer.price')

        rows = list(cls.read_rows(content))
        header = [c.lower() for c in rows[0][1]] if rows else []
        if rows and header[:len(COLUMNS) - 1] == COLUMNS[:len(COLUMNS) - 1]:
            rows = rows[1:]
        if not rows:
            raise OfferImportError(gettext(
                    'food_aid_producer.msg_offer_import_empty'))

        producer_names = {r[0] for _, r in rows if r}
        product_codes = {r[1] for _, r in rows if len(r) > 1}
        producers = {}
        for party in Party.search([
                    ('is_producer', '=', True),
                    ['OR',
                        ('code', 'in', list(producer_names)),
                        ('name', 'in', list(producer_names)),
                        ],
                    ], order=[('id', 'ASC')]):
            producers.setdefault(party.name, party)
            producers[party.code] = party
        products = {p.code: p for p in Product.search([
                    ('code', 'in', list(product_codes)),
                    ('type', '=', 'goods'),
                    ])}

        errors, parsed = [], []
        for number, row in rows:
            reasons = []

            def error(message, **kwargs):
                reasons.append(gettext(
                        'food_aid_producer.' + message, **kwargs))
            row = row + [''] * (len(COLUMNS) - len(row))
            name, code, start, end, quantity, unit_price = row[:6]
            producer = producers.get(name)
            if not producer:
                error('msg_offer_import_unknown_producer',
                    producer=shorten(name))
            product = products.get(code)
            if not product:
                error('msg_offer_import_unknown_product',
                    product=shorten(code))
            try:
                start, end = parse_date(start), parse_date(end)
            except ValueError:
                error('msg_offer_import_bad_date',
                    start=shorten(start), end=shorten(end))
                start = end = None
            if start and end and end < start:
                error('msg_offer_import_inverted_dates', start=start, end=end)
            try:
                quantity = parse_number(quantity)
            except NumberOutOfRange:
                error('msg_offer_import_number_out_of_range',
                    value=shorten(quantity))
            except InvalidOperation:
                error('msg_offer_import_bad_number', value=shorten(quantity))
            else:
                if quantity <= 0:
                    error('msg_offer_import_quantity_not_positive',
                        quantity=quantity)
            if unit_price:
                try:
                    unit_price = round_price(parse_number(unit_price))
                except NumberOutOfRange:
                    error('msg_offer_import_number_out_of_range',
                        value=shorten(unit_price))
                except InvalidOperation:
                    error('msg_offer_import_bad_number',
                        value=shorten(unit_price))
                else:
                    if unit_price <= 0:
                        error('msg_offer_import_price_not_positive',
                            price=unit_price)
            else:
                unit_price = None
            if reasons:
                errors.append((number, reasons))
            else:
                parsed.append((number, producer, product, start, end,
                        quantity, unit_price))

        members = Membership.members(
            (company, p.id, s, e) for _, p, _, s, e, _, _ in parsed)
        # the fair price of the rows without price, one lookup per week
        unpriced = defaultdict(set)
        for _, producer, product, start, _, _, unit_price in parsed:
            if unit_price is None:
                unpriced[start].add((producer.id, product.id))
        fair_prices = {
            start: Price.fair_prices(company, keys, start)
            for start, keys in unpriced.items()}
        offers = []
        for number, producer, product, start, end, quantity, unit_price in (
                parsed):
            if not members[(company, producer.id, start, end)]:
                errors.append((number, [gettext(
                                'food_aid_producer'
                                '.msg_offer_import_producer_not_member',
                                producer=producer.rec_name,
                                start=start, end=end)]))
                continue
            if unit_price is None:
                unit_price = fair_prices[start].get(
                    (producer.id, product.id))
                if unit_price is None:
                    errors.append((number, [gettext(
                                    'food_aid_producer'
                                    '.msg_offer_import_no_price',
                                    product=product.rec_name,
                                    producer=producer.rec_name,
                                    date=start)]))
                    continue
            offers.append({
                    'company': company,
                    'producer': producer.id,
                    'product': product.id,
                    'date_start': start,
                    'date_end': end,
                    'quantity': product.default_uom.round(float(quantity)),
                    'unit_price': unit_price,
                    })
        if errors:
            lines = [
                gettext('food_aid_producer.msg_offer_import_line',
                    line=number, reasons='; '.join(reasons))
                for number, reasons in sorted(errors)]
            raise OfferImportError(
                gettext('food_aid_producer.msg_offer_import_failed',
                    count=len(errors)),
                '\n'.join(lines))
        return offers
