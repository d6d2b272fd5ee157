# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .exceptions import CategoryValidationError


class Category(metaclass=PoolMeta):
    __name__ = 'product.category'

    reception_tolerance = fields.Float(
        "Reception Tolerance", digits=(16, 4),
        help="How far a weighed delivery may differ from the quantity "
        "ordered and still complete the purchase line without backorder.")

    @classmethod
    def validate_fields(cls, categories, field_names):
        super().validate_fields(categories, field_names)
        if 'reception_tolerance' in field_names:
            for category in categories:
                tolerance = category.reception_tolerance
                if tolerance is not None and not 0 <= tolerance <= 1:
                    raise CategoryValidationError(gettext(
                            'food_aid_logistics'
                            '.msg_category_reception_tolerance',
                            category=category.rec_name))


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

    @property
    def reception_tolerance(self):
        "The largest tolerance of the categories of the product"
        tolerances = [c.reception_tolerance for c in self.categories_all
            if c.reception_tolerance is not None]
        return max(tolerances, default=0)

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

