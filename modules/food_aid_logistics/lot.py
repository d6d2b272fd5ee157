# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import LotValidationError


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    producer = fields.Many2One(
        'party.party', "Producer", ondelete='RESTRICT',
        help="Who grew or gave the produce of the lot.")
    harvest_date = fields.Date("Harvest Date")
    reception_date = fields.Date("Reception Date")
    expiry_date = fields.Function(
        fields.Date(
            "Expiry Date",
            help="The first of the expiration and shelf life dates; "
            "the lots that expire first leave first."),
        'on_change_with_expiry_date')
    days_left = fields.Function(
        fields.Integer(
            "Days Left",
            help="The days before the lot expires; negative once expired."),
        'get_days_left')

    @fields.depends('expiration_date', 'shelf_life_expiration_date')
    def on_change_with_expiry_date(self, name=None):
        dates = [
            d for d in [self.expiration_date, self.shelf_life_expiration_date]
            if d]
        return min(dates) if dates else None

    def get_days_left(self, name):
        pool = Pool()
        Date = pool.get('ir.date')
        expiry_date = self.on_change_with_expiry_date()
        if expiry_date:
            return (expiry_date - Date.today()).days

    @classmethod
    def _quantity_warehouse_context(cls):
        "The lots count their stock in the context's warehouse by default"
        context = Transaction().context
        if not context.get('locations') and context.get('warehouse'):
            return {'locations': [context['warehouse']]}
        return {}

    @classmethod
    def get_quantity(cls, lots, name):
        with Transaction().set_context(cls._quantity_warehouse_context()):
            return super().get_quantity(lots, name)

    @classmethod
    def search_quantity(cls, name, domain=None):
        with Transaction().set_context(cls._quantity_warehouse_context()):
            return super().search_quantity(name, domain=domain)

    def start_shelf_life(self, date):
        """Count from the date the shelf life that stock_lot_sled counts
        from today when it creates the lot"""
        pool = Pool()
        Date = pool.get('ir.date')
        delay = date - Date.today()
        for name in ['shelf_life_expiration_date', 'expiration_date']:
            value = getattr(self, name, None)
            if value:
                setattr(self, name, value + delay)

    @classmethod
    def validate_fields(cls, lots, field_names):
        super().validate_fields(lots, field_names)
        if field_names & {'harvest_date', 'reception_date'}:
            for lot in lots:
                if (lot.harvest_date and lot.reception_date
                        and lot.harvest_date > lot.reception_date):
                    raise LotValidationError(gettext(
                            'food_aid_logistics'
                            '.msg_lot_harvest_after_reception',
                            lot=lot.rec_name))
