# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The records that hold a period, from date_start to date_end"
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pyson import Eval, If


def period_fields(
        start="Start Date", end="End Date", required=True,
        end_required=None, states=None, domain=True):
    """Return the date_start and date_end fields of a period

    A model declares them in its body, with the strings, requirement and
    states of its own: `date_start, date_end = period_fields(...)`.  With
    domain, the fields' domains refuse an end before the start, in the
    client as it is typed; without, PeriodMixin's check alone refuses it
    with the model's own message."""
    both = Eval('date_start') & Eval('date_end')
    date_start = fields.Date(
        start, required=required, states=states,
        domain=[If(both, ('date_start', '<=', Eval('date_end')), ())]
        if domain else [])
    date_end = fields.Date(
        end, required=required if end_required is None else end_required,
        states=states,
        domain=[If(both, ('date_end', '>=', Eval('date_start')), ())]
        if domain else [])
    return date_start, date_end


def check_period(record, error, message):
    "Raise error with message when the record ends before it starts"
    if (record.date_start and record.date_end
            and record.date_end < record.date_start):
        raise error(gettext(message, record=record.rec_name))


class PeriodMixin(object):
    """A record that holds a period: an end before the start is refused by
    the fields' domains and, when the model names them, with its
    _period_error and _period_message

    The model declares its fields with period_fields: Tryton keeps the
    definition of the first class in the MRO that defines a field, so a
    mixin's fields could not be given the model's strings and states."""
    __slots__ = ()
    _period_error = None
    _period_message = None

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if cls._period_error is None or (field_names
                and not (field_names & {'date_start', 'date_end'})):
            return
        for record in records:
            check_period(record, cls._period_error, cls._period_message)
