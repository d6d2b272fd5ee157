# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model.exceptions import ValidationError


class HabilitationValidationError(ValidationError):
    pass


class OrganicCertificateValidationError(ValidationError):
    pass


class BeneficiaryCountValidationError(ValidationError):
    pass


class SaleChannelRequiredError(ValidationError):
    pass
