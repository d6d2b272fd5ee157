# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The services around the food in the reports, when planning is activated"
from collections import defaultdict

from trytond.modules.food_aid_planning.activity import service_figures
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class ActivityReport(metaclass=PoolMeta):
    __name__ = 'food_aid.reporting.activity'

    @classmethod
    def activity(cls, pool):
        Activity = pool.get('food_aid.activity')
        figures = super().activity(pool)
        context = Transaction().context
        domain = [('state', '=', 'held')]
        if context.get('company'):
            domain.append(('company', '=', context['company']))
        if context.get('from_date'):
            domain.append(('date', '>=', context['from_date']))
        if context.get('to_date'):
            domain.append(('date', '<=', context['to_date']))
        figures['services'] = service_figures(Activity.search(domain))
        return figures


class GrantReport(metaclass=PoolMeta):
    __name__ = 'food_aid.reporting.grant.report'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Activity = pool.get('food_aid.activity')
        context = super().get_context(records, header, data)
        activities = defaultdict(list)
        for activity in Activity.search([
                    ('grant', 'in', [g.id for g in records]),
                    ('state', '=', 'held'),
                    ], order=[('date', 'ASC'), ('id', 'ASC')]):
            activities[activity.grant.id].append(activity)
        context['services'] = {
            g.id: service_figures(activities[g.id]) for g in records}
        context['activities'] = activities
        return context
