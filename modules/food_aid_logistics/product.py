# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    refrigerated = fields.Boolean(
        "Refrigerated",
        states={
            'invisible': Eval('type') != 'goods',
            },
        help="Check if the product must travel in a refrigerated vehicle.")
    unit_weight = fields.Float(
        "Weight per Unit", digits=(16, 3),
        domain=[
            ['OR',
                ('unit_weight', '=', None),
                ('unit_weight', '>=', 0),
                ],
            ],
        states={
            'invisible': Eval('type') != 'goods',
            },
        help="In kilograms, for the products not sold by weight.")

    @classmethod
    def default_refrigerated(cls):
        return False

    def weight_in_kg(self, quantity, unit):
        "Return the weight in kilograms of the quantity in the unit"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Uom = pool.get('product.uom')
        kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))
        if unit.category == kilogram.category:
            return Uom.compute_qty(unit, quantity, kilogram, round=False)
        quantity = Uom.compute_qty(
            unit, quantity, self.default_uom, round=False)
        return quantity * (self.unit_weight or 0)
