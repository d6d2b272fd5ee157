# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The expected rights of each role on each model of the project.

One row per model registered by the project's modules (their own models and
the core models they extend, relation tables and wizards' models included):
the rights of the four roles, in the order of ROLE_NAMES, as a string of the
letters r (read), c (create), w (write) and d (delete); '' is no access.
test_access.py walks every registered model and fails on a model missing
here or on a right that differs.

FIELDS states the rights on the price fields (field access): 'r' read,
'rw' read and write, '' neither.
"""

ROLE_NAMES = ('warehouse', 'accounting', 'manager', 'admin')

# The groups of a user of each role, as the demo gives them.
ROLES = {
    'warehouse': [
        'food_aid.group_food_aid_warehouse', 'stock.group_stock'],
    'accounting': [
        'food_aid.group_food_aid_accounting', 'account.group_account',
        'sale.group_sale'],
    'manager': [
        'food_aid.group_food_aid_manager', 'sale.group_sale',
        'purchase.group_purchase', 'stock.group_stock'],
    'admin': [
        'food_aid.group_food_aid_admin', 'sale.group_sale',
        'purchase.group_purchase', 'stock.group_stock',
        'account.group_account'],
    }

MANAGE = 'rcwd'

# model: (warehouse, accounting, manager, admin)
MODELS = {
    }

# (model, field): (warehouse, accounting, manager, admin)
FIELDS = {
    }

# food_aid_planning: the people served and their needs are the managers';
# accounting reads commitments and activities, the warehouse the supply plan
PLANNING_PEOPLE = ('', '', MANAGE, MANAGE)
PLANNING_COMMITMENTS = ('', 'r', MANAGE, MANAGE)
PLANNING_SUPPLY_PLAN = ('r', '', MANAGE, MANAGE)
MODELS.update({
    'food_aid.need': PLANNING_PEOPLE,
    'food_aid.need.line': PLANNING_PEOPLE,
    'food_aid.committee': PLANNING_PEOPLE,
    'food_aid.committee-party.party': PLANNING_PEOPLE,
    'food_aid.committee.meeting': PLANNING_PEOPLE,
    'food_aid.committee.decision': PLANNING_PEOPLE,
    'food_aid.producer.commitment': PLANNING_COMMITMENTS,
    'food_aid.producer.commitment.week': PLANNING_COMMITMENTS,
    'food_aid.supply_plan': PLANNING_SUPPLY_PLAN,
    'food_aid.supply_plan.line': PLANNING_SUPPLY_PLAN,
    'food_aid.activity': PLANNING_COMMITMENTS,
    'food_aid.activity-party.party': PLANNING_COMMITMENTS,
    'food_aid.activity-company.employee': PLANNING_COMMITMENTS,
    # the cron of the weekly offers; core gives everyone read
    'ir.cron': ('r', 'r', 'r', 'r'),
    })

# food_aid_einvoicing: the accounting staff send to Chorus Pro and receive
# the producers' e-invoices; core leaves the Chorus credentials without
# access rule (they are read through the accounting configuration)
MODELS.update({
    'account.credential.chorus': (MANAGE, MANAGE, MANAGE, MANAGE),
    'account.invoice.chorus': ('', MANAGE, '', MANAGE),
    'document.incoming': ('', MANAGE, '', MANAGE),
    })
