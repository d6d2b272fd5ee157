# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The report on losses, registered when food_aid_logistics is activated"
from sql import Null
from sql.aggregate import Count, Sum
from sql.conditionals import Coalesce
from sql.functions import Round

from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.transaction import Transaction

from .reporting import Abstract, PeriodMixin, kilograms, pieces, unit_ids


class LossReporting(PeriodMixin, Abstract, ModelView):
    "The losses recorded in the warehouse by reason and period"
    __name__ = 'food_aid.reporting.loss'

    reason = fields.Selection('get_reasons', "Reason", readonly=True)
    reason_string = reason.translated('reason')
    quantity_kg = fields.Float("Quantity (kg)", digits=(16, 3), readonly=True)
    quantity_pieces = fields.Float("Pieces", digits=(16, 0), readonly=True)
    currency = fields.Many2One(
        'currency.currency', "Currency", readonly=True)
    value = Monetary(
        "Value", currency='currency', digits='currency', readonly=True,
        help="The value of the losses at cost price.")
    number = fields.Integer(
        "Losses", readonly=True, help="The number of losses recorded.")

    @classmethod
    def get_reasons(cls):
        pool = Pool()
        Move = pool.get('stock.move')
        return Move.fields_get(['loss_reason'])['loss_reason']['selection']

    @classmethod
    def _source(cls):
        pool = Pool()
        Move = pool.get('stock.move')
        Uom = pool.get('product.uom')
        Currency = pool.get('currency.currency')
        Company = pool.get('company.company')
        context = Transaction().context

        move = Move.__table__()
        unit = Uom.__table__()
        currency = Currency.__table__()
        company = Company.__table__()
        units = unit_ids()

        where = (move.state == 'done') & (move.loss_reason != Null)
        if context.get('company'):
            where &= move.company == context['company']
        where &= cls._date_filter(move.effective_date)
        return (move
            .join(unit, condition=move.unit == unit.id)
            .join(company, condition=move.company == company.id)
            # the cost price is in the company's currency
            .join(currency, condition=company.currency == currency.id)
            .select(
                move.id.as_('id'),
                move.company.as_('company'),
                move.effective_date.as_('date'),
                move.loss_reason.as_('reason'),
                kilograms(move.quantity, unit, units).as_('quantity_kg'),
                pieces(move.quantity, unit, units).as_('quantity_pieces'),
                (move.quantity * Coalesce(move.cost_price, 0)).as_('value'),
                company.currency.as_('currency'),
                currency.digits.as_('currency_digits'),
                where=where))

    @classmethod
    def _columns(cls, source):
        return super()._columns(source) + [
            source.reason.as_('reason'),
            cls.quantity_kg.sql_cast(Sum(source.quantity_kg)).as_(
                'quantity_kg'),
            cls.quantity_pieces.sql_cast(Sum(source.quantity_pieces)).as_(
                'quantity_pieces'),
            Round(cls.value.sql_cast(Sum(source.value)),
                source.currency_digits).as_('value'),
            source.currency.as_('currency'),
            Count(source.id).as_('number'),
            ]

    @classmethod
    def _group_by(cls, source):
        return super()._group_by(source) + [
            source.reason, source.currency, source.currency_digits]
