# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import os

from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.food_aid.tests.tools import untranslated
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class FoodAidPlanningTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid Planning module"
    module = 'food_aid_planning'
    extras = ['food_aid_reporting']

    @with_transaction()
    def test_translations(self):
        "Every string of the module has its French translation"
        path = os.path.join(
            os.path.dirname(__file__), '..', 'locale', 'fr.po')
        missing = untranslated('food_aid_planning', path)
        self.assertFalse(
            missing, [(e.msgctxt, e.msgid) for e in missing[:20]])


del ModuleTestCase
