# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The people who took part, counted by the FEAD categories, never named"
from trytond.i18n import gettext
from trytond.model import fields

from .exceptions import ParticipantsValidationError

# the FEAD/MMPT categories of food_aid.beneficiary.count
CATEGORIES = [
    'women', 'children', 'seniors', 'disabled', 'migrants', 'homeless']


class ParticipantsMixin:
    "Counts of participants by the FEAD categories"
    __slots__ = ()

    participants = fields.Integer(
        "Participants", required=True,
        help="The number of persons who took part.")
    women = fields.Integer("Women", required=True)
    children = fields.Integer(
        "Children", required=True, help="Persons aged 15 or under.")
    seniors = fields.Integer(
        "Seniors", required=True, help="Persons aged 65 or over.")
    disabled = fields.Integer("Disabled Persons", required=True)
    migrants = fields.Integer(
        "Migrants", required=True,
        help="Migrants, persons of foreign origin and minorities.")
    homeless = fields.Integer(
        "Homeless", required=True,
        help="Homeless persons or persons excluded from housing.")

    @classmethod
    def default_participants(cls):
        return 0

    default_women = default_children = default_seniors = (
        default_participants)
    default_disabled = default_migrants = default_homeless = (
        default_participants)

    def check_participants(self):
        "Raise when a count is negative or a category exceeds the total"
        for name in ['participants'] + CATEGORIES:
            if (getattr(self, name) or 0) < 0:
                raise ParticipantsValidationError(gettext(
                        'food_aid_planning.msg_participants_negative',
                        record=self.rec_name,
                        field=self.__names__(name)['field']))
        for name in CATEGORIES:
            if (getattr(self, name) or 0) > (self.participants or 0):
                raise ParticipantsValidationError(gettext(
                        'food_aid_planning.msg_participants_above_total',
                        record=self.rec_name,
                        field=self.__names__(name)['field'],
                        count=getattr(self, name),
                        participants=self.participants or 0))
