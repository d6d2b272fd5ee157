# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    chorus_commitment = fields.Char(
        "Commitment Number",
        states={
            'readonly': Eval('state').in_(['cancelled', 'done']),
            },
        help="The public buyer's commitment (purchase order) number, "
        "carried to the invoices sent to Chorus Pro.")

    def _get_invoice(self):
        invoice = super()._get_invoice()
        invoice.chorus_commitment = self.chorus_commitment
        return invoice

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('chorus_commitment')
        return super().copy(sales, default=default)
