# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class NeedValidationError(ValidationError):
    pass


class NeedImportError(UserError):
    pass


class ParticipantsValidationError(ValidationError):
    pass


class CommitmentValidationError(ValidationError):
    pass


class ActivityValidationError(ValidationError):
    pass


class SupplyPlanValidationError(ValidationError):
    pass
