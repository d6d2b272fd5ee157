# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.modules.food_aid.access import check_rule
from trytond.modules.product import price_digits
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval

from .exceptions import NetworkOfferError


class Offer(metaclass=PoolMeta):
    __name__ = 'food_aid.producer.offer'

    network_shared = fields.Boolean(
        "Shared with the Network",
        states={
            'readonly': Eval('state') == 'closed',
            },
        help="Open the offer to the other gardens of the network, "
        "whose allocations may draw on it.")
    network_price = fields.Numeric(
        "Network Price", digits=price_digits,
        states={
            'invisible': ~Eval('network_shared'),
            'required': Bool(Eval('network_shared')),
            'readonly': Eval('state') == 'closed',
            },
        help="The price at which the garden sells the produce "
        "to the other gardens; never below the producer's fair price.")
    network_warehouse = fields.Many2One(
        'stock.location', "Network Warehouse", ondelete='RESTRICT',
        domain=[('type', '=', 'warehouse')],
        states={
            'invisible': ~Eval('network_shared'),
            'required': Bool(Eval('network_shared')),
            'readonly': Eval('state') == 'closed',
            },
        help="The warehouse of the garden that receives the produce "
        "and ships it to the other gardens.")
    network_gardens = fields.Many2Many(
        'food_aid.producer.offer-company.company', 'offer', 'company',
        "Gardens",
        states={
            'invisible': ~Eval('network_shared'),
            'readonly': Eval('state') == 'closed',
            },
        help="The gardens of the network that may draw on the offer; "
        "empty for every other garden of the network.")

    @classmethod
    def default_network_shared(cls):
        return False

    @classmethod
    def default_network_warehouse(cls):
        return Pool().get('stock.location').get_default_warehouse()

    @classmethod
    def copy(cls, offers, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('network_shared')
        default.setdefault('network_price')
        default.setdefault('network_gardens')
        return super().copy(offers, default=default)

    def may_supply(self, company):
        "Tell whether the garden company may draw on the offer"
        return bool(
            self.network_shared and self.company.in_network_with(company)
            and (not self.network_gardens or company in self.network_gardens))

    @classmethod
    def check_offers(cls, offers):
        super().check_offers(offers)
        cls.check_network(offers)

    @classmethod
    def check_network(cls, offers):
        "Check that the shared offers stay in the network above fair prices"
        pool = Pool()
        Price = pool.get('food_aid.producer.price')
        shared = [o for o in offers if o.network_shared]
        for offer in shared:
            if not offer.company.network:
                raise NetworkOfferError(gettext(
                        'food_aid_network.msg_offer_company_no_network',
                        offer=offer.rec_name,
                        company=offer.company.rec_name))
            for garden in offer.network_gardens:
                if garden == offer.company:
                    raise NetworkOfferError(gettext(
                            'food_aid_network.msg_offer_own_garden',
                            offer=offer.rec_name,
                            company=garden.rec_name))
                if not offer.company.in_network_with(garden):
                    raise NetworkOfferError(gettext(
                            'food_aid_network.msg_offer_garden_outside',
                            offer=offer.rec_name,
                            company=garden.rec_name,
                            network=offer.company.network.rec_name))
        # one fair-price lookup per company and week
        keys = {}
        for offer in shared:
            keys.setdefault((offer.company.id, offer.date_start), []).append(
                offer)
        for (company, date), company_offers in keys.items():
            prices = Price.fair_prices(company, [
                    (o.producer, o.product) for o in company_offers], date)
            for offer in company_offers:
                fair_price = prices.get((offer.producer.id, offer.product.id))
                if fair_price is None:
                    fair_price = offer.unit_price
                if (offer.network_price is not None
                        and fair_price is not None
                        and offer.network_price < fair_price):
                    raise NetworkOfferError(gettext(
                            'food_aid_network.msg_offer_network_price_low',
                            offer=offer.rec_name,
                            price=offer.network_price,
                            fair_price=fair_price))


class OfferGarden(ModelSQL):
    "A garden of the network to which an offer is opened"
    __name__ = 'food_aid.producer.offer-company.company'

    offer = fields.Many2One(
        'food_aid.producer.offer', "Offer", required=True,
        ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Garden", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('offer')

    @classmethod
    def check_modification(cls, mode, relations, values=None, external=False):
        pool = Pool()
        Offer = pool.get('food_aid.producer.offer')
        super().check_modification(
            mode, relations, values=values, external=external)
        if external:
            check_rule(
                Offer, Offer.browse({r.offer.id for r in relations}),
                'write')
