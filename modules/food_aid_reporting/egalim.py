# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
from collections import defaultdict

from trytond.modules.food_aid.report import DocumentMixin
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

from .reporting import share


class EgalimStatement(DocumentMixin, Report):
    """The EGalim statement of a canteen for a year: value of the purchases,
    organic and EGalim shares, breakdown by food family"""
    __name__ = 'food_aid.reporting.egalim.statement'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Sale = pool.get('food_aid.reporting.sale')
        context = super().get_context(records, header, data)
        family_names = dict(Sale.fields_get(
                ['food_family'])['food_family']['selection'])
        amounts = {r.id: defaultdict(int) for r in records}
        if records:
            # one search for all the statements: the sales of their
            # customers by year, dispatched to each statement
            statements = defaultdict(list)
            for record in records:
                statements[
                    record.company.id, record.customer.id, record.year
                    ].append(record)
            years = [r.year for r in records]
            with Transaction().set_context(
                    company=None,
                    from_date=dt.date(min(years).year, 1, 1),
                    to_date=dt.date(max(years).year, 12, 31),
                    channel=None, period='year'):
                rows = Sale.search([
                        ('company', 'in', list({k[0] for k in statements})),
                        ('customer', 'in', list({k[1] for k in statements})),
                        ])
                for row in rows:
                    for record in statements.get(
                            (row.company.id, row.customer.id, row.date), []):
                        amounts[record.id][row.food_family] += (
                            row.amount or 0)
        families = {}
        for record in records:
            families[record.id] = [{
                    'name': family_names.get(family) or family_names[None],
                    'amount': amount,
                    'share': share(amount, record.amount),
                    } for family, amount in sorted(
                    amounts[record.id].items(), key=lambda a: -a[1])]
        context['families'] = families
        return context
