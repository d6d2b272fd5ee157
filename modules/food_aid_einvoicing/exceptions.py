# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.document_incoming.exceptions import (
    DocumentIncomingProcessError)


class PublicBuyerError(ValidationError):
    pass


class ChorusRefusalError(UserError):
    pass


class FacturXError(UserError):
    pass


class EInvoiceImportError(DocumentIncomingProcessError):
    pass


class EInvoiceDifferenceError(UserError):
    pass
