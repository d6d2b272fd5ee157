# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
from collections import defaultdict

from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

from .reporting import share


class EgalimStatement(Report):
    """The EGalim statement of a canteen for a year: value of the purchases,
    organic and EGalim shares, breakdown by food family"""
    __name__ = 'food_aid.reporting.egalim.statement'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Sale = pool.get('food_aid.reporting.sale')
        context = super().get_context(records, header, data)
        families = {}
        # one query per statement: the sales of the customer in the year
        for record in records:
            year = record.year.year
            with Transaction().set_context(
                    company=record.company.id,
                    from_date=dt.date(year, 1, 1),
                    to_date=dt.date(year, 12, 31), channel=None,
                    period='year'):
                amounts = defaultdict(int)
                for row in Sale.search([
                            ('customer', '=', record.customer.id),
                            ]):
                    amounts[row.food_family] += row.amount or 0
            family_names = dict(Sale.fields_get(
                    ['food_family'])['food_family']['selection'])
            families[record.id] = [{
                    'name': family_names.get(family) or family_names[None],
                    'amount': amount,
                    'share': share(amount, record.amount),
                    } for family, amount in sorted(
                    amounts.items(), key=lambda a: -a[1])]
        context['families'] = families
        return context
