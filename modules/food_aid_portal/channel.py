# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt

from trytond.model import fields
from trytond.pool import PoolMeta

WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]


class Channel(metaclass=PoolMeta):
    __name__ = 'food_aid.channel'

    order_delivery_weekday = fields.Selection(
        WEEKDAYS, "Delivery Day", required=True, sort=False,
        help="The day of the week the partners of the channel are "
        "delivered.")
    order_cutoff_weekday = fields.Selection(
        WEEKDAYS, "Order Cut-off Day", required=True, sort=False,
        help="The last day of the week on which the partners may place or "
        "change the order of the next delivery.")
    order_cutoff_hour = fields.Integer(
        "Order Cut-off Hour", required=True,
        domain=[
            ('order_cutoff_hour', '>=', 0),
            ('order_cutoff_hour', '<=', 23),
            ],
        help="The hour of the cut-off day from which the orders are "
        "closed.")

    @classmethod
    def default_order_delivery_weekday(cls):
        return '3'

    @classmethod
    def default_order_cutoff_weekday(cls):
        return '0'

    @classmethod
    def default_order_cutoff_hour(cls):
        return 12

    def cutoff_of(self, delivery_date):
        "Return the moment from which the order of the delivery is closed"
        days = (delivery_date.weekday() - int(self.order_cutoff_weekday)) % 7
        # a cut-off on the delivery day itself closes the previous week
        days = days or 7
        return dt.datetime.combine(
            delivery_date - dt.timedelta(days=days),
            dt.time(self.order_cutoff_hour))

    def next_delivery_date(self, now):
        "Return the first delivery date whose orders are still open at now"
        date = now.date()
        date += dt.timedelta(
            days=(int(self.order_delivery_weekday) - date.weekday()) % 7)
        while self.cutoff_of(date) <= now:
            date += dt.timedelta(days=7)
        return date
