# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .exceptions import ProductPackingValidationError


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    producer_minimum_quantity = fields.Float(
        "Minimum per Producer", digits='default_uom',
        states={
            'invisible': Eval('type') != 'goods',
            },
        help="The least quantity a producer is allocated, "
        "in the default unit; a smaller share goes to another producer.")
    producer_packing_multiple = fields.Float(
        "Packing Multiple", digits='default_uom',
        states={
            'invisible': Eval('type') != 'goods',
            },
        help="The quantity of a pack the producers deliver "
        "(a 5 kg crate, a 10-piece box): allocations are whole packs.")

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        if field_names & {
                'producer_minimum_quantity', 'producer_packing_multiple'}:
            cls.check_producer_packing(templates)

    @classmethod
    def check_producer_packing(cls, templates):
        for template in templates:
            for name in [
                    'producer_minimum_quantity', 'producer_packing_multiple']:
                value = getattr(template, name)
                if value is not None and value <= 0:
                    raise ProductPackingValidationError(gettext(
                            'food_aid_producer.msg_product_packing_positive',
                            field=cls.__names__(name)['field'],
                            product=template.rec_name))
