# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.tests.test_tryton import ModuleTestCase


class FoodAidTestCase(ModuleTestCase):
    "Test Food Aid module"
    module = 'food_aid'
