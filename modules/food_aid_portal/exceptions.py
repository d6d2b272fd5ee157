# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class PortalError(UserError):
    "An input of a partner refused by the portal"


class OrderQuantityError(PortalError):
    pass


class OrderCatalogueError(PortalError):
    pass


class OrderAvailabilityError(PortalError):
    pass


class OrderCutoffError(PortalError):
    pass


class PortalAccountError(PortalError):
    pass


class NeedError(PortalError):
    pass


class ChannelCutoffValidationError(ValidationError):
    pass
