# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class MembershipValidationError(ValidationError):
    pass


class PriceValidationError(ValidationError):
    pass


class OfferValidationError(ValidationError):
    pass


class OfferImportError(UserError):
    pass


class AllocationValidationError(ValidationError):
    pass


class AllocationCancelError(AccessError):
    pass


class ProductPackingValidationError(ValidationError):
    pass
