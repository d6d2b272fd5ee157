# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from collections import defaultdict

from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.food_aid.report import DocumentMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction

from .participants import ParticipantsMixin


class Committee(DeactivableMixin, ModelSQL, ModelView):
    "A committee of the people served that takes part in the choices"
    __name__ = 'food_aid.committee'

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    organisations = fields.Many2Many(
        'food_aid.committee-party.party', 'committee', 'party',
        "Organisations",
        domain=[('is_food_aid_organisation', '=', True)],
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The organisations whose people served sit on the committee.")
    meetings = fields.One2Many(
        'food_aid.committee.meeting', 'committee', "Meetings")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')


class CommitteeOrganisation(ModelSQL):
    "The organisations of a committee"
    __name__ = 'food_aid.committee-party.party'

    committee = fields.Many2One(
        'food_aid.committee', "Committee", required=True, ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Organisation", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('committee')


class Meeting(ParticipantsMixin, ModelSQL, ModelView):
    "A meeting of a beneficiary committee, its participants counted, unnamed"
    __name__ = 'food_aid.committee.meeting'

    committee = fields.Many2One(
        'food_aid.committee', "Committee", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    topics = fields.Text("Topics")
    decisions = fields.One2Many(
        'food_aid.committee.decision', 'meeting', "Decisions")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('committee')
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.committee.rec_name} ({self.date})'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('committee.rec_name', *clause[1:])]

    @classmethod
    def validate_fields(cls, meetings, field_names):
        super().validate_fields(meetings, field_names)
        for meeting in meetings:
            meeting.check_participants()


class Decision(Workflow, ModelSQL, ModelView):
    "A decision of a committee meeting and what it changed"
    __name__ = 'food_aid.committee.decision'

    meeting = fields.Many2One(
        'food_aid.committee.meeting', "Meeting", required=True,
        ondelete='CASCADE')
    description = fields.Text("Description", required=True)
    kind = fields.Selection([
            ('need', "Need Created or Amended"),
            ('product_asked', "Product Asked For"),
            ('product_refused', "Product Refused"),
            ('basket', "Basket Composition"),
            ('other', "Other"),
            ], "Kind", required=True, sort=False)
    origin = fields.Reference(
        "Changed", selection='get_origins',
        help="The need, product or basket bill of materials "
        "the decision changed.")
    state = fields.Selection([
            ('proposed', "Proposed"),
            ('carried_out', "Carried Out"),
            ('dropped', "Dropped"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('meeting')
        cls._order = [('meeting', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('proposed', 'carried_out'),
            ('proposed', 'dropped'),
            ('carried_out', 'proposed'),
            ('dropped', 'proposed'),
            }
        cls._buttons.update({
                'propose': {
                    'invisible': Eval('state') == 'proposed',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'carry_out': {
                    'invisible': Eval('state') != 'proposed',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'drop': {
                    'invisible': Eval('state') != 'proposed',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'proposed'

    @staticmethod
    def default_kind():
        return 'need'

    @classmethod
    def _get_origin(cls):
        "Return the models a decision may change"
        return ['food_aid.need', 'product.product', 'production.bom']

    @classmethod
    def get_origins(cls):
        pool = Pool()
        IrModel = pool.get('ir.model')
        return [(None, '')] + [
            (m, IrModel.get_name(m)) for m in cls._get_origin()]

    def get_rec_name(self, name):
        return f'{self.meeting.rec_name}: {self.description.splitlines()[0]}'

    @classmethod
    @ModelView.button
    @Workflow.transition('proposed')
    def propose(cls, decisions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('carried_out')
    def carry_out(cls, decisions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('dropped')
    def drop(cls, decisions):
        pass


class ParticipationReport(DocumentMixin, Report):
    """The participation of the people served, for the funders: meetings
    held, participants, decisions taken and whether they were carried out"""
    __name__ = 'food_aid.committee.participation'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Meeting = pool.get('food_aid.committee.meeting')
        context = super().get_context(records, header, data)
        meetings = defaultdict(list)
        for meeting in Meeting.search([
                    ('committee', 'in', [c.id for c in records]),
                    ], order=[('date', 'ASC'), ('id', 'ASC')]):
            meetings[meeting.committee.id].append(meeting)
        figures = {}
        for committee in records:
            held = meetings[committee.id]
            decisions = [d for m in held for d in m.decisions]
            figures[committee.id] = {
                'meetings': len(held),
                'participants': sum(m.participants for m in held),
                'decisions': len(decisions),
                'carried_out': len(
                    [d for d in decisions if d.state == 'carried_out']),
                'dropped': len(
                    [d for d in decisions if d.state == 'dropped']),
                }
        context['meetings'] = meetings
        context['figures'] = figures
        return context
