# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import LossError
from .stock import LOSS_REASONS


class RecordLossStart(ModelView):
    "Record a Loss"
    __name__ = 'food_aid.loss.record.start'

    company = fields.Many2One('company.company', "Company", required=True)
    lot = fields.Many2One(
        'stock.lot', "Lot", required=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    product = fields.Function(
        fields.Many2One(
            'product.product', "Product",
            context={
                'company': Eval('company', -1),
                },
            depends={'company'}),
        'on_change_with_product')
    location = fields.Many2One(
        'stock.location', "Location", required=True,
        domain=[('type', '=', 'storage')])
    quantity = fields.Float("Quantity", digits='unit', required=True)
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    reason = fields.Selection(
        [r for r in LOSS_REASONS if r[0]], "Reason", required=True,
        sort=False)

    @fields.depends('lot')
    def on_change_with_product(self, name=None):
        return self.lot.product if self.lot else None

    @fields.depends('lot')
    def on_change_with_unit(self, name=None):
        return self.lot.product.default_uom if self.lot else None


class RecordLoss(Wizard):
    "Move spoiled, damaged, expired or unsold produce out of the stock"
    __name__ = 'food_aid.loss.record'

    start = StateView(
        'food_aid.loss.record.start',
        'food_aid_logistics.loss_record_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Record", 'save_loss', 'tryton-ok', default=True),
            ])
    save_loss = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Location = pool.get('stock.location')
        context = Transaction().context
        defaults = {
            'company': context.get('company'),
            }
        if self.model and self.model.__name__ == 'stock.lot' and self.record:
            defaults['lot'] = self.record.id
        warehouse = Location.get_default_warehouse()
        if warehouse:
            defaults['location'] = Location(warehouse).storage_location.id
        return defaults

    def transition_save_loss(self):
        pool = Pool()
        Move = pool.get('stock.move')
        move = self.get_move()
        move.save()
        Move.do([move])
        return 'end'

    def get_move(self):
        "Return the move of the loss, checked against the lot's stock"
        pool = Pool()
        Date = pool.get('ir.date')
        Move = pool.get('stock.move')
        Lang = pool.get('ir.lang')
        lot, location, start = self.start.lot, self.start.location, self.start
        unit = lot.product.default_uom
        quantity = unit.round(start.quantity)
        if quantity <= 0:
            raise LossError(gettext(
                    'food_aid_logistics.msg_loss_quantity_positive'))
        with Transaction().set_context(
                company=start.company.id, locations=[location.id],
                stock_date_end=Date.today()):
            available = type(lot)(lot.id).quantity
        if quantity > unit.round(available):
            lang = Lang.get()
            raise LossError(gettext(
                    'food_aid_logistics.msg_loss_quantity_above_stock',
                    quantity=lang.format_number_symbol(quantity, unit),
                    available=lang.format_number_symbol(available, unit),
                    lot=lot.rec_name, location=location.rec_name))
        warehouse = location.warehouse
        lost_found = warehouse.lost_found_location if warehouse else None
        if not lost_found:
            ModelData = pool.get('ir.model.data')
            Location = pool.get('stock.location')
            lost_found = Location(ModelData.get_id(
                    'stock', 'location_lost_found'))
        return Move(
            company=start.company,
            product=lot.product, lot=lot,
            unit=unit, quantity=quantity,
            from_location=location, to_location=lost_found,
            effective_date=Date.today(), loss_reason=start.reason)
