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
        'food_aid.group_food_aid_accounting', 'account.group_account'],
    'manager': [
        'food_aid.group_food_aid_manager', 'sale.group_sale',
        'purchase.group_purchase'],
    'admin': [
        'food_aid.group_food_aid_admin', 'sale.group_sale',
        'purchase.group_purchase', 'stock.group_stock',
        'account.group_account'],
    }

MANAGE = 'rcwd'
NONE = ''
READ = 'r'
# the rows of the role matrix
GRANTS = (NONE, READ, MANAGE, MANAGE)
LEDGER = (NONE, READ, READ, READ)
CLAIMS = (NONE, MANAGE, MANAGE, MANAGE)
PRICES = (NONE, READ, MANAGE, MANAGE)
INVOICES = (NONE, MANAGE, MANAGE, MANAGE)
SUPPLY = (READ, READ, MANAGE, MANAGE)
SALES = (READ, READ, MANAGE, MANAGE)
WAREHOUSE = (MANAGE, READ, READ, MANAGE)
# core shipments are never deleted, only cancelled
SHIPMENTS = ('rcw', READ, READ, 'rcw')
PRODUCTS = (READ, READ, MANAGE, MANAGE)
CONFIGURATION = (READ, READ, READ, MANAGE)
REPORTS = (NONE, READ, READ, READ)
# judgement calls, see food_aid's doc/design.rst
PEOPLE_SERVED = (NONE, READ, MANAGE, MANAGE)
PRODUCER_GROUPS = (NONE, READ, MANAGE, MANAGE)
CORE_EVERYONE = (MANAGE, MANAGE, MANAGE, MANAGE)
CORE_READ = (READ, READ, READ, READ)

# model: (warehouse, accounting, manager, admin)
MODELS = {
    'account.account': CORE_READ,
    'account.invoice': INVOICES,
    'account.invoice.line': INVOICES,
    'company.company': CORE_READ,
    'currency.currency': CORE_READ,
    'food_aid.allocation': SUPPLY,
    'food_aid.allocation.line': SUPPLY,
    'food_aid.allocation.shortfall': SUPPLY,
    'food_aid.beneficiary.count': PEOPLE_SERVED,
    'food_aid.channel': CONFIGURATION,
    'food_aid.delivery.round': WAREHOUSE,
    'food_aid.delivery.round.stop': WAREHOUSE,
    'food_aid.donation': WAREHOUSE,
    'food_aid.donation.line': WAREHOUSE,
    'food_aid.fee': PRICES,
    'food_aid.fee-food_aid.channel': PRICES,
    'food_aid.fee-product.category': PRICES,
    'food_aid.grant': GRANTS,
    'food_aid.grant-food_aid.channel': GRANTS,
    'food_aid.grant-food_aid.household_tier': GRANTS,
    'food_aid.grant-food_aid.quality_label': GRANTS,
    'food_aid.grant-party.party': GRANTS,
    'food_aid.grant-product.category': GRANTS,
    'food_aid.grant.claim': CLAIMS,
    'food_aid.grant.consumption': LEDGER,
    'food_aid.grant.line': LEDGER,
    'food_aid.household_tier': CONFIGURATION,
    'food_aid.network': CONFIGURATION,
    # the network's figures: its coordinator reads them too (a group of its
    # own, outside the four roles), the staff of a garden its garden's
    'food_aid.network.reporting.garden': REPORTS,
    'food_aid.network.reporting.program': REPORTS,
    # its monthly sums and stale months, written by the scheduler only
    'food_aid.network.reporting.dirty': (NONE, NONE, NONE, READ),
    'food_aid.network.reporting.garden.month': (NONE, NONE, NONE, READ),
    'food_aid.network.reporting.program.month': (NONE, NONE, NONE, READ),
    'food_aid.producer.group': PRODUCER_GROUPS,
    'food_aid.producer.membership': PRODUCER_GROUPS,
    'food_aid.producer.offer': SUPPLY,
    'food_aid.producer.offer-company.company': SUPPLY,
    'food_aid.producer.price': PRICES,
    'food_aid.quality_label': CONFIGURATION,
    'food_aid.recall': WAREHOUSE,
    'food_aid.recall.line': WAREHOUSE,
    'food_aid.reporting.channel': REPORTS,
    'food_aid.reporting.configuration': CONFIGURATION,
    'food_aid.reporting.egalim': REPORTS,
    'food_aid.reporting.family': REPORTS,
    'food_aid.reporting.grant': REPORTS,
    'food_aid.reporting.loss': (READ, READ, READ, READ),
    'food_aid.reporting.mmpt': REPORTS,
    'food_aid.reporting.period': REPORTS,
    'food_aid.reporting.producer': REPORTS,
    'food_aid.reporting.product': REPORTS,
    'food_aid.reporting.sale': REPORTS,
    'food_aid.sale.line.fee': PRICES,
    'food_aid.vehicle': CONFIGURATION,
    'party.party': CORE_EVERYONE,
    'product.category': CORE_READ,
    'product.template': PRODUCTS,
    'product.template-food_aid.quality_label': PRODUCTS,
    'product.uom': CORE_READ,
    'production': WAREHOUSE,
    'purchase.line': SALES,
    'purchase.purchase': SALES,
    'sale.line': SALES,
    'sale.sale': SALES,
    'stock.lot': WAREHOUSE,
    # the lot's trace, as core's stock_lot gives it
    'stock.lot.trace': (READ, NONE, NONE, READ),
    'stock.move': WAREHOUSE,
    'stock.shipment.in': SHIPMENTS,
    'stock.shipment.out': SHIPMENTS,
    # partners' portal accounts, managed by the platform's staff
    'web.user': (READ, READ, MANAGE, MANAGE),
    }

PRICE = ('', 'rw', 'rw', 'rw')
# (model, field): (warehouse, accounting, manager, admin)
FIELDS = {
    ('sale.sale', 'untaxed_amount'): PRICE,
    ('sale.sale', 'tax_amount'): PRICE,
    ('sale.sale', 'total_amount'): PRICE,
    ('sale.line', 'unit_price'): PRICE,
    ('sale.line', 'amount'): PRICE,
    ('sale.line', 'producer_price'): PRICE,
    ('purchase.purchase', 'untaxed_amount'): PRICE,
    ('purchase.purchase', 'tax_amount'): PRICE,
    ('purchase.purchase', 'total_amount'): PRICE,
    ('purchase.line', 'unit_price'): PRICE,
    ('purchase.line', 'amount'): PRICE,
    ('stock.move', 'unit_price'): PRICE,
    ('stock.move', 'cost_price'): PRICE,
    ('food_aid.producer.offer', 'unit_price'): PRICE,
    ('food_aid.allocation.line', 'unit_price'): PRICE,
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

# food_aid_einvoicing: who manages invoices sends them to Chorus Pro; the
# accounting staff receive
# the producers' e-invoices; core leaves the Chorus credentials without
# access rule (they are read through the accounting configuration)
MODELS.update({
    'account.credential.chorus': (MANAGE, MANAGE, MANAGE, MANAGE),
    'account.invoice.chorus': ('', MANAGE, MANAGE, MANAGE),
    'document.incoming': ('', MANAGE, '', MANAGE),
    })
