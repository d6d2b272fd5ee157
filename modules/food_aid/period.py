# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Helpers for the records that hold a period (date_start, date_end)"
from trytond.i18n import gettext


def check_period(record, error, message):
    "Raise error with message when the record ends before it starts"
    if (record.date_start and record.date_end
            and record.date_end < record.date_start):
        raise error(gettext(message, record=record.rec_name))
