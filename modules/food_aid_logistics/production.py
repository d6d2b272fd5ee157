# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import ModelView, Workflow
from trytond.pool import Pool, PoolMeta


class Production(metaclass=PoolMeta):
    __name__ = 'production'

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, productions):
        super().do(productions)
        cls.follow_lots(productions)

    @classmethod
    def follow_lots(cls, productions):
        """Give the output lots what their input lots tell

        A bag of carrots keeps the producer, the harvest and reception dates
        of the crate it comes from, and cannot outlive it.
        """
        pool = Pool()
        Lot = pool.get('stock.lot')
        to_save = []
        for production in productions:
            input_lots = [m.lot for m in production.inputs
                if m.lot and m.state == 'done']
            if not input_lots:
                continue
            producers = {l.producer for l in input_lots}
            for move in production.outputs:
                lot = move.lot
                if not lot or lot in input_lots:
                    continue
                if len(producers) == 1 and not lot.producer:
                    lot.producer, = producers
                for name, pick in [
                        ('harvest_date', min),
                        ('reception_date', min),
                        ('expiration_date', min),
                        ('shelf_life_expiration_date', min),
                        ]:
                    dates = [getattr(l, name) for l in input_lots
                        if getattr(l, name)]
                    if getattr(lot, name):
                        dates.append(getattr(lot, name))
                    if dates:
                        setattr(lot, name, pick(dates))
                to_save.append(lot)
        Lot.save(to_save)
