# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import os

from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.food_aid.tests.tools import untranslated
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class FoodAidEInvoicingTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid E-Invoicing module"
    module = 'food_aid_einvoicing'

    @with_transaction()
    def test_french_translation_complete(self):
        "Every string of the module has its French translation"
        path = os.path.join(
            os.path.dirname(__file__), '..', 'locale', 'fr.po')
        missing = untranslated('food_aid_einvoicing', path)
        self.assertEqual(
            [f'{e.msgctxt} {e.msgid}' for e in missing], [])


del ModuleTestCase
