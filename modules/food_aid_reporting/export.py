# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import csv
import datetime as dt
import io
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.food_aid.access import check_company
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import MaCantineExportError
from .reporting import SALE_STATES, local_radius, product_origin_query

# The years that can be declared to ma-cantine
YEAR_MIN, YEAR_MAX = 2000, 2100

# The columns of the ma-cantine purchase import (achats_siret.json)
MA_CANTINE_COLUMNS = [
    'siret', 'description', 'fournisseur', 'date', 'prix_ht',
    'famille_produits', 'categories_egalim', 'origine', 'est_circuit_court',
    'est_local', 'definition_local', 'definition_local_km',
    ]
# ma-cantine's EUROPE means the European Union outside France
EUROPEAN_UNION = {
    'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'GR', 'HR',
    'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE',
    'SI', 'SK',
    }
EGALIM_CODES = {
    'BIO', 'LABEL_ROUGE', 'AOCAOP', 'IGP', 'STG', 'HVE', 'PECHE_DURABLE',
    'RUP', 'COMMERCE_EQUITABLE', 'FERMIER', 'EXTERNALITES', 'PERFORMANCE',
    }


def origin(country):
    "The ma-cantine origin of a country"
    if not country or not country.code:
        return ''
    if country.code == 'FR':
        return 'FRANCE'
    if country.code in EUROPEAN_UNION:
        return 'EUROPE'
    return ''


class MaCantineExportStart(ModelView):
    "Export of a canteen's purchases to ma-cantine"
    __name__ = 'food_aid.reporting.ma_cantine.start'

    company = fields.Many2One('company.company', "Company", required=True)
    customer = fields.Many2One(
        'party.party', "Canteen", required=True,
        domain=[('is_catering', '=', True)],
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    # shown without thousands separator: the view's grouping="0"
    year = fields.Integer(
        "Year", required=True,
        domain=[('year', '>=', YEAR_MIN), ('year', '<=', YEAR_MAX)])

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_year(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today().year - 1


class MaCantineExportResult(ModelView):
    "The file to import on ma-cantine"
    __name__ = 'food_aid.reporting.ma_cantine.result'

    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)
    rows = fields.Integer("Rows", readonly=True)


class MaCantineExport(Wizard):
    """Produce the CSV of a canteen's purchases in a year that the
    ma-cantine platform imports (schema achats_siret)"""
    __name__ = 'food_aid.reporting.ma_cantine'

    start = StateView(
        'food_aid.reporting.ma_cantine.start',
        'food_aid_reporting.ma_cantine_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView(
        'food_aid.reporting.ma_cantine.result',
        'food_aid_reporting.ma_cantine_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        context = Transaction().context
        defaults = {}
        if (context.get('active_model') == 'party.party'
                and context.get('active_id')):
            defaults['customer'] = context['active_id']
        return defaults

    def transition_export(self):
        check_company(self.start.company)
        rows = ma_cantine_rows(
            self.start.company, self.start.customer, self.start.year)
        self.result.file = ma_cantine_csv(rows).encode('utf-8')
        self.result.filename = 'ma-cantine-%s-%s.csv' % (
            self.start.customer.rec_name.replace(' ', '-'), self.start.year)
        self.result.rows = len(rows)
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            'rows': self.result.rows,
            }


def canteen_siret(sale):
    "The 14 digits of the SIRET of the canteen that placed the sale"
    codes = [
        address.siret.code
        for address in [sale.shipment_address, sale.invoice_address]
        if address and address.siret]
    codes += [
        identifier.code for identifier in sale.party.identifiers
        if identifier.type == 'fr_siret' and identifier.active]
    if codes:
        # identifiers are stored formatted with spaces
        return ''.join(c for c in codes[0] if c.isdigit())


def ma_cantine_rows(company, customer, year):
    """Return the rows of the ma-cantine import: one per sale line of the
    canteen in the year, up to today"""
    pool = Pool()
    Line = pool.get('sale.line')
    Date = pool.get('ir.date')
    cursor = Transaction().connection.cursor()

    if not YEAR_MIN <= year <= YEAR_MAX:
        raise MaCantineExportError(gettext(
                'food_aid_reporting.msg_ma_cantine_year', year=year,
                minimum=YEAR_MIN, maximum=YEAR_MAX))
    today = Date.today()
    date_start = dt.date(year, 1, 1)
    # the platform refuses purchases dated in the future
    date_end = min(dt.date(year, 12, 31), today)
    lines = Line.search([
            ('sale.company', '=', company.id),
            ('sale.party', '=', customer.id),
            ('sale.state', 'in', SALE_STATES),
            ('sale.sale_date', '>=', date_start),
            ('sale.sale_date', '<=', date_end),
            ('type', '=', 'line'),
            ('product', '!=', None),
            ], order=[('sale.sale_date', 'ASC'), ('id', 'ASC')])
    if not lines:
        raise MaCantineExportError(gettext(
                'food_aid_reporting.msg_ma_cantine_no_purchase',
                customer=customer.rec_name, year=year))

    radius = local_radius()
    query = product_origin_query(
        company.id, date_start, date_end, radius=radius)
    cursor.execute(*query)
    # sold products never bought in the year count neither local nor short
    ratios = {
        product: (local or 0, producer or 0)
        for product, local, producer in cursor}

    rows = []
    missing = set()
    for line in lines:
        sale = line.sale
        siret = canteen_siret(sale)
        if not siret:
            missing.add(sale.party.rec_name)
            continue
        product = line.product
        template = product.template
        quantity = (line.actual_quantity
            if line.actual_quantity is not None else line.quantity)
        amount = sale.currency.round(
            line.unit_price * Decimal(str(quantity)))
        labels = sorted({
                l.code for l in template.quality_labels
                if l.active and l.code in EGALIM_CODES})
        local_ratio, producer_ratio = ratios.get(product.id, (0, 0))
        is_local = local_ratio >= 1
        rows.append({
                'siret': siret,
                'description': product.rec_name,
                'fournisseur': company.party.rec_name,
                'date': sale.sale_date.isoformat(),
                'prix_ht': str(amount),
                'famille_produits': template.food_family or 'AUTRES',
                'categories_egalim': ','.join(labels),
                'origine': origin(template.origin_country),
                'est_circuit_court': 'OUI' if producer_ratio >= 1 else '',
                'est_local': 'OUI' if is_local else '',
                'definition_local': 'KM' if is_local else '',
                'definition_local_km': str(radius) if is_local else '',
                })
    if missing:
        raise MaCantineExportError(gettext(
                'food_aid_reporting.msg_ma_cantine_no_siret',
                customer=', '.join(sorted(missing))))
    return rows


def ma_cantine_csv(rows):
    "Return the CSV text of the rows, with the header line"
    output = io.StringIO()
    writer = csv.DictWriter(
        output, fieldnames=MA_CANTINE_COLUMNS, lineterminator='\n')
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue()
