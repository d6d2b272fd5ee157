# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import (
    HabilitationValidationError, OrganicCertificateValidationError)

HABILITATION_LEVELS = [
    (None, ""),
    ('national', "National"),
    ('regional', "Regional"),
    ]


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    food_aid_channel = fields.Many2One(
        'food_aid.channel', "Distribution Channel", ondelete='RESTRICT',
        help="The channel proposed on the customer's new sales.")

    is_food_aid_organisation = fields.Boolean(
        "Food-Aid Organisation",
        help="Check for an organisation that distributes food aid "
        "(social grocery, Restos du cœur, Secours populaire, CCAS...).")
    habilitation_level = fields.Selection(
        HABILITATION_LEVELS, "Habilitation Level",
        states={
            'invisible': ~Eval('is_food_aid_organisation'),
            },
        help="The level of the food-aid habilitation "
        "granted by the State (Code de l'action sociale, art. L266-2).")
    habilitation_reference = fields.Char(
        "Habilitation Reference", strip=True,
        states={
            'invisible': ~Eval('is_food_aid_organisation'),
            })
    habilitation_expiry = fields.Date(
        "Habilitation Expiry",
        states={
            'invisible': ~Eval('is_food_aid_organisation'),
            })
    habilitation_valid = fields.Function(fields.Boolean(
            "Habilitation Valid",
            states={
                'invisible': ~Eval('is_food_aid_organisation'),
                },
            help="The habilitation is in force at the context date "
            "(today by default)."),
        'get_habilitation_valid', searcher='search_habilitation_valid')
    food_aid_network = fields.Many2One(
        'party.party', "Food-Aid Network", ondelete='RESTRICT',
        states={
            'invisible': ~Eval('is_food_aid_organisation'),
            },
        help="The national network the organisation belongs to "
        "(Restos du cœur, Secours populaire, ANDES...).")
    beneficiary_counts = fields.One2Many(
        'food_aid.beneficiary.count', 'party', "Beneficiary Counts",
        states={
            'invisible': ~Eval('is_food_aid_organisation'),
            })

    is_producer = fields.Boolean(
        "Producer", help="Check for a farm that supplies the platform.")
    organic_certificate = fields.Char(
        "Organic Certificate", strip=True,
        states={
            'invisible': ~Eval('is_producer'),
            },
        help="The reference of the organic farming certificate.")
    organic_certificate_expiry = fields.Date(
        "Organic Certificate Expiry",
        states={
            'invisible': ~Eval('is_producer'),
            })
    distance_km = fields.Integer(
        "Distance (km)",
        domain=[
            ['OR',
                ('distance_km', '=', None),
                ('distance_km', '>=', 0),
                ],
            ],
        states={
            'invisible': ~Eval('is_producer'),
            },
        help="The distance from the producer to the platform's warehouse.")

    is_catering = fields.Boolean(
        "Catering Establishment",
        help="Check for a school canteen, care home or hospital "
        "that reports its EGalim purchases.")

    @classmethod
    def _habilitation_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        date = Transaction().context.get('date')
        if isinstance(date, dt.date):
            return date
        return Date.today()

    @classmethod
    def get_habilitation_valid(cls, parties, name):
        date = cls._habilitation_date()
        return {
            p.id: bool(
                p.is_food_aid_organisation
                and p.habilitation_reference
                and (not p.habilitation_expiry
                    or p.habilitation_expiry >= date))
            for p in parties}

    @classmethod
    def search_habilitation_valid(cls, name, clause):
        _, operator, value = clause
        date = cls._habilitation_date()
        if (operator == '=') == bool(value):
            return [
                ('is_food_aid_organisation', '=', True),
                ('habilitation_reference', 'not in', [None, '']),
                ['OR',
                    ('habilitation_expiry', '=', None),
                    ('habilitation_expiry', '>=', date),
                    ],
                ]
        return ['OR',
            ('is_food_aid_organisation', '=', False),
            ('habilitation_reference', 'in', [None, '']),
            ('habilitation_expiry', '<', date),
            ]

    @classmethod
    def validate_fields(cls, parties, field_names):
        super().validate_fields(parties, field_names)
        cls.check_habilitation(parties, field_names)
        cls.check_organic_certificate(parties, field_names)

    @classmethod
    def check_habilitation(cls, parties, field_names=None):
        if field_names and not (field_names & {
                    'habilitation_reference', 'habilitation_expiry'}):
            return
        for party in parties:
            if party.habilitation_expiry and not party.habilitation_reference:
                raise HabilitationValidationError(gettext(
                        'food_aid.msg_habilitation_expiry_without_reference',
                        party=party.rec_name))

    @classmethod
    def check_organic_certificate(cls, parties, field_names=None):
        if field_names and not (field_names & {
                    'organic_certificate', 'organic_certificate_expiry'}):
            return
        for party in parties:
            if (party.organic_certificate_expiry
                    and not party.organic_certificate):
                raise OrganicCertificateValidationError(gettext(
                        'food_aid.msg_organic_certificate_expiry_'
                        'without_reference',
                        party=party.rec_name))

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('//group[@id="food_aid_organisation"]', 'states', {
                    'invisible': ~Eval('is_food_aid_organisation'),
                    }),
            ('//group[@id="food_aid_producer"]', 'states', {
                    'invisible': ~Eval('is_producer'),
                    }),
            ]

    @fields.depends('is_food_aid_organisation')
    def on_change_is_food_aid_organisation(self):
        if not self.is_food_aid_organisation:
            self.habilitation_level = None
