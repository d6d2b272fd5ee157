# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import SaleChannelRequiredError


def sale_date(sale):
    """Return the date at which the prices and grants of the sale are in
    force: its sale date, or today in its company"""
    pool = Pool()
    Date = pool.get('ir.date')
    if sale.sale_date:
        return sale.sale_date
    with Transaction().set_context(
            company=sale.company.id if sale.company else None):
        return Date.today()


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    channel = fields.Many2One(
        'food_aid.channel', "Channel", ondelete='RESTRICT',
        domain=[
            ['OR',
                ('company', '=', None),
                ('company', '=', Eval('company', -1)),
                ],
            ],
        states={
            'readonly': Eval('state') != 'draft',
            'required': ~Eval('state').in_(['draft', 'cancelled']),
            },
        help="The distribution channel that sets prices and subsidies.")

    @fields.depends('party', 'channel')
    def on_change_party(self):
        super().on_change_party()
        if self.party and self.party.food_aid_channel:
            self.channel = self.party.food_aid_channel

    def check_for_quotation(self):
        super().check_for_quotation()
        if not self.channel:
            raise SaleChannelRequiredError(gettext(
                    'food_aid.msg_sale_channel_required',
                    sale=self.rec_name))
