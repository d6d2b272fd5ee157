# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ActivityValidationError
from .participants import ParticipantsMixin

KINDS = [
    ('cooking_workshop', "Cooking Workshop"),
    ('awareness', "Healthy and Sustainable Food Awareness"),
    ('farm_visit', "Farm Visit"),
    ('producer_support', "Producer Support"),
    ('other', "Other"),
    ]


class Activity(ParticipantsMixin, Workflow, ModelSQL, ModelView):
    "A service around the food: a workshop, an awareness session, a visit"
    __name__ = 'food_aid.activity'

    _states = {
        'readonly': Eval('state') == 'cancelled',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE',
        states=_states)
    name = fields.Char("Name", required=True, states=_states)
    kind = fields.Selection(
        KINDS, "Kind", required=True, sort=False, states=_states)
    kind_string = kind.translated('kind')
    date = fields.Date("Date", required=True, states=_states)
    hours = fields.Float(
        "Hours", digits=(16, 2), required=True, states=_states,
        help="The duration of the activity.")
    parties = fields.Many2Many(
        'food_aid.activity-party.party', 'activity', 'party',
        "Organisations and Producers", states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The organisations whose people took part, "
        "or the producers concerned.")
    staff = fields.Many2Many(
        'food_aid.activity-company.employee', 'activity', 'employee',
        "Staff", states=_states,
        domain=[('company', '=', Eval('company', -1))])
    grant = fields.Many2One(
        'food_aid.grant', "Grant", ondelete='RESTRICT', states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="The grant that finances the activity.")
    description = fields.Text("Description", states=_states)
    state = fields.Selection([
            ('planned', "Planned"),
            ('held', "Held"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('planned', 'held'),
            ('planned', 'cancelled'),
            ('held', 'planned'),
            ('cancelled', 'planned'),
            }
        cls._buttons.update({
                'plan': {
                    'invisible': Eval('state') == 'planned',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'hold': {
                    'invisible': Eval('state') != 'planned',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'planned',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'planned'

    @staticmethod
    def default_kind():
        return 'cooking_workshop'

    @staticmethod
    def default_hours():
        return 0

    def get_rec_name(self, name):
        return f'{self.name} ({self.date})'

    @classmethod
    def validate_fields(cls, activities, field_names):
        super().validate_fields(activities, field_names)
        for activity in activities:
            if activity.hours is not None and activity.hours < 0:
                raise ActivityValidationError(gettext(
                        'food_aid_planning.msg_activity_hours_negative',
                        activity=activity.rec_name))
            activity.check_participants()

    @classmethod
    @ModelView.button
    @Workflow.transition('planned')
    def plan(cls, activities):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('held')
    def hold(cls, activities):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, activities):
        pass


class ActivityParty(ModelSQL):
    "The organisations and producers of an activity"
    __name__ = 'food_aid.activity-party.party'

    activity = fields.Many2One(
        'food_aid.activity', "Activity", required=True, ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('activity')


class ActivityEmployee(ModelSQL):
    "The staff who ran an activity"
    __name__ = 'food_aid.activity-company.employee'

    activity = fields.Many2One(
        'food_aid.activity', "Activity", required=True, ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('activity')


def service_figures(activities):
    "Return what the funders ask of the activities held"
    figures = {
        'activities': 0,
        'workshops': 0,
        'participants': 0,
        'hours': 0.,
        'kinds': {},
        }
    for activity in activities:
        if activity.state != 'held':
            continue
        figures['activities'] += 1
        if activity.kind == 'cooking_workshop':
            figures['workshops'] += 1
        figures['participants'] += activity.participants
        figures['hours'] += activity.hours
        kind = figures['kinds'].setdefault(activity.kind_string, {
                'activities': 0, 'participants': 0, 'hours': 0.})
        kind['activities'] += 1
        kind['participants'] += activity.participants
        kind['hours'] += activity.hours
    figures['kinds'] = sorted(figures['kinds'].items())
    return figures
