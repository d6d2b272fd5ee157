# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    chorus_service_code = fields.Char(
        "Chorus Pro Service Code",
        states={
            'invisible': ~Eval('chorus', False),
            },
        help="The code of the buyer's service that receives the invoices "
        "on Chorus Pro.")
    chorus_commitment_required = fields.Boolean(
        "Commitment Number Required",
        states={
            'invisible': ~Eval('chorus', False),
            },
        help="The buyer requires its commitment number on every invoice.")

    @classmethod
    def default_chorus_commitment_required(cls):
        return False
