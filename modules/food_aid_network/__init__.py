# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
# Tryton 8.0 registers the models from the [register] section of tryton.cfg
# (a register() here as well would register them twice).
