# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Helpers of the tests of e-invoicing"
import os

from lxml import etree

import trytond.modules.edocument_uncefact.tests as edocument_tests

CII_XSD = os.path.join(
    os.path.dirname(edocument_tests.__file__), '16B-CII', 'data',
    'standard', 'CrossIndustryInvoice_100pD16B.xsd')


def cii_xsd_errors(xml):
    "Return the errors of the XML against the UN/CEFACT CII D16B schema"
    schema = etree.XMLSchema(etree.parse(CII_XSD))
    schema.validate(etree.fromstring(xml))
    return [str(e) for e in schema.error_log]
