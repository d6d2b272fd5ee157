# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.pool import PoolMeta

from .rec_name import RecNameSearchMixin

# The product families of the "ma cantine" purchase declaration.
FOOD_FAMILIES = [
    (None, ""),
    ('VIANDES_VOLAILLES', "Meat and Poultry"),
    ('CHARCUTERIE', "Delicatessen"),
    ('PRODUITS_DE_LA_MER', "Seafood"),
    ('FRUITS_ET_LEGUMES', "Fruit and Vegetables"),
    ('PRODUITS_LAITIERS', "Dairy Products"),
    ('BOULANGERIE', "Bakery"),
    ('BOISSONS', "Beverages"),
    ('AUTRES', "Other Products"),
    ]


class QualityLabel(
        RecNameSearchMixin, DeactivableMixin, ModelSQL, ModelView):
    "A quality or sustainability sign that EGalim counts"
    __name__ = 'food_aid.quality_label'
    _rec_name_fields = ('code', 'name')

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True, strip=True,
        help="The category code of the ma-cantine declaration.")
    organic = fields.Boolean(
        "Organic", help="Counted in the organic share of EGalim.")
    description = fields.Text("Description", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'food_aid.msg_quality_label_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    def get_rec_name(self, name):
        return self.name


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    food_family = fields.Selection(
        FOOD_FAMILIES, "Food Family", sort=False,
        help="The family of the ma-cantine declaration.")
    quality_labels = fields.Many2Many(
        'product.template-food_aid.quality_label', 'template',
        'quality_label', "Quality Labels",
        help="The quality and sustainability signs the product carries.")
    origin_country = fields.Many2One(
        'country.country', "Origin Country", ondelete='RESTRICT')


class TemplateQualityLabel(ModelSQL):
    "Product Template - Quality Label"
    __name__ = 'product.template-food_aid.quality_label'

    template = fields.Many2One(
        'product.template', "Template", required=True, ondelete='CASCADE')
    quality_label = fields.Many2One(
        'food_aid.quality_label', "Quality Label", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('template')
