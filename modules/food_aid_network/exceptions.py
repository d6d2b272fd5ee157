# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class NetworkOfferError(ValidationError):
    pass


class NetworkAllocationError(ValidationError):
    pass


class NetworkReportingError(UserError):
    "The network's figures asked with bad dates"
