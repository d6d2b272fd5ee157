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
