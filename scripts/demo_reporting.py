# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Demo data of food_aid_reporting: the local radius and confirmed
purchases from the producers, so that the dashboard shows real figures.

Called by the demo loader with load(demo) on a configured proteus
connection; see the docstring of load for what demo holds.
"""
from proteus import Model

# The radius of the Charente producers of the demo
LOCAL_RADIUS = 60


def load(demo):
    """Load the reporting demo data

    demo has company, producers, customers and channels; the confirmed
    sales of every channel already feed the sales reports.
    """
    Configuration = Model.get('food_aid.reporting.configuration')
    Purchase = Model.get('purchase.purchase')

    configuration = Configuration(1)
    configuration.local_radius = LOCAL_RADIUS
    configuration.save()

    # the producer allocation leaves draft purchases: the producer and
    # local-share reports count the confirmed ones
    purchases = Purchase.find([
            ('company', '=', demo.company.id),
            ('state', '=', 'draft'),
            ('party', 'in', [p.id for p in demo.producers]),
            ])
    if purchases:
        Purchase.click(purchases, 'quote')
        Purchase.click(purchases, 'confirm')
    return purchases
