# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import BeneficiaryCountValidationError
from .period import PeriodMixin, period_fields

# The FEAD / Mieux manger pour tous counting convention: each sub-count is a
# part of the persons helped, never more.
SUB_COUNTS = [
    'households', 'women', 'children', 'seniors', 'disabled', 'migrants',
    'homeless']


class BeneficiaryCount(PeriodMixin, ModelSQL, ModelView):
    "The people an organisation helped over a period, as funders count them"
    __name__ = 'food_aid.beneficiary.count'

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Organisation", required=True, ondelete='CASCADE',
        domain=[('is_food_aid_organisation', '=', True)],
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    date_start, date_end = period_fields(domain=False)
    _period_error = BeneficiaryCountValidationError
    _period_message = 'food_aid.msg_beneficiary_count_inverted_dates'
    persons = fields.Integer("Persons", required=True)
    households = fields.Integer("Households", required=True)
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
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date_start', 'DESC'),
            ('party', 'ASC'),
            ('id', 'DESC'),
            ]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_persons(cls):
        return 0

    default_households = default_women = default_children = default_persons
    default_seniors = default_disabled = default_migrants = default_persons
    default_homeless = default_persons

    def get_rec_name(self, name):
        return f'{self.party.rec_name} ({self.date_start} - {self.date_end})'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('party.rec_name', *clause[1:])]

    @classmethod
    def validate_fields(cls, counts, field_names):
        super().validate_fields(counts, field_names)
        for count in counts:
            count.check_counts()

    def check_counts(self):
        for name in ['persons'] + SUB_COUNTS:
            if (getattr(self, name) or 0) < 0:
                raise BeneficiaryCountValidationError(gettext(
                        'food_aid.msg_beneficiary_count_negative',
                        count=self.rec_name,
                        field=self.__names__(name)['field']))
        for name in SUB_COUNTS:
            if (getattr(self, name) or 0) > (self.persons or 0):
                raise BeneficiaryCountValidationError(gettext(
                        'food_aid.msg_beneficiary_count_above_persons',
                        count=self.rec_name,
                        field=self.__names__(name)['field']))
