# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from dateutil.relativedelta import relativedelta

from trytond.model import ModelView, fields
from trytond.modules.food_aid.access import check_company
from trytond.modules.food_aid.report import DocumentMixin
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction
from trytond.wizard import Button, StateReport, StateView, Wizard

# How many products the activity report lists
TOP_PRODUCTS = 10


def optional_model(pool, name):
    "Return the model or None when its optional module is not activated"
    try:
        return pool.get(name)
    except KeyError:
        return None


class ActivityReportStart(ModelView):
    "Monthly Activity Report"
    __name__ = 'food_aid.reporting.activity.start'

    company = fields.Many2One('company.company', "Company", required=True)
    month = fields.Date(
        "Month", required=True, help="Any day of the month to report.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_month(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today().replace(day=1)


class ActivityReportWizard(Wizard):
    "Print the activity of a month"
    __name__ = 'food_aid.reporting.activity.print'

    start = StateView(
        'food_aid.reporting.activity.start',
        'food_aid_reporting.activity_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('food_aid.reporting.activity')

    def do_print_(self, action):
        return action, {
            'company': self.start.company.id,
            'month': self.start.month.replace(day=1),
            }


class ActivityReport(DocumentMixin, Report):
    """The activity of a month: volumes by channel, top products,
    organisations served, persons helped, grants used and losses"""
    __name__ = 'food_aid.reporting.activity'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Company = pool.get('company.company')
        context = super().get_context(records, header, data)
        company = Company(data['company'])
        check_company(company)
        month = data['month']
        end = month + relativedelta(months=1, days=-1)
        context['company'] = company
        context['month'] = month
        context['month_end'] = end
        with Transaction().set_context(
                company=company.id, from_date=month, to_date=end,
                period='month', channel=None):
            context.update(cls.activity(pool))
        return context

    @classmethod
    def activity(cls, pool):
        "Return the figures of the month in the transaction's context"
        Channel = pool.get('food_aid.reporting.channel')
        Product = pool.get('food_aid.reporting.product')
        MMPT = pool.get('food_aid.reporting.mmpt')
        channels = Channel.search([])
        organisations = MMPT.search([], order=[('quantity_kg', 'DESC')])
        figures = {
            'channels': channels,
            'total_kg': sum(c.quantity_kg or 0 for c in channels),
            'total_pieces': sum(c.quantity_pieces or 0 for c in channels),
            'total_amount': sum(c.amount or 0 for c in channels),
            'products': Product.search([], limit=TOP_PRODUCTS),
            'organisations': organisations,
            'persons': sum(o.persons or 0 for o in organisations),
            'grants': [],
            'grants_amount': 0,
            'losses': [],
            'losses_kg': 0,
            }
        # the grant and loss reports exist with the optional modules only
        Grant = optional_model(pool, 'food_aid.reporting.grant')
        if Grant:
            grants = Grant.search([])
            figures['grants'] = grants
            figures['grants_amount'] = sum(g.amount or 0 for g in grants)
        Loss = optional_model(pool, 'food_aid.reporting.loss')
        if Loss:
            losses = Loss.search([])
            figures['losses'] = losses
            figures['losses_kg'] = sum(l.quantity_kg or 0 for l in losses)
        return figures
