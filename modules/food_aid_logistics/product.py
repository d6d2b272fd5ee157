# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from sql import Null

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

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

    @classmethod
    def __register__(cls, module):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        table_h = cls.__table_handler__(module)
        # migrate the weight per unit of earlier versions to the measurements
        migrate = table_h.column_exist('unit_weight')
        super().__register__(module)
        if migrate:
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.weight, table.weight_uom],
                    [table.unit_weight,
                        ModelData.get_id('product', 'uom_kilogram')],
                    where=(table.unit_weight != Null)
                    & (table.weight == Null)))
            table_h.drop_column('unit_weight')

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
        if not self.weight or not self.weight_uom:
            return 0
        # product_measurements' weight is that of one default unit
        quantity = Uom.compute_qty(
            unit, quantity, self.default_uom, round=False)
        return quantity * Uom.compute_qty(
            self.weight_uom, self.weight, kilogram, round=False)

