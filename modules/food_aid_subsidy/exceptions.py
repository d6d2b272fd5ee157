# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserWarning
from trytond.model.exceptions import AccessError, ValidationError


class GrantValidationError(ValidationError):
    pass


class GrantAccessError(AccessError):
    pass


class GrantEnvelopeWarning(UserWarning):
    pass


class GrantHabilitationWarning(UserWarning):
    pass


class GrantMonthlyCapWarning(UserWarning):
    pass


class ClaimError(ValidationError):
    pass
