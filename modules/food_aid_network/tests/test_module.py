# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class FoodAidNetworkTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid Network module"
    module = 'food_aid_network'
