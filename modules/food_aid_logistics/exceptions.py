# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class LotValidationError(ValidationError):
    pass


class ReceptionError(UserError):
    pass


class LossError(UserError):
    pass


class VehicleValidationError(ValidationError):
    pass


class DeliveryRoundError(ValidationError):
    pass


class DonationError(ValidationError):
    pass


class CategoryValidationError(ValidationError):
    pass


class RecallError(UserError):
    pass


class LotRecalledError(UserError):
    pass
