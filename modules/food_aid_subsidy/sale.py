# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.food_aid.sale import sale_date
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    GrantEnvelopeWarning, GrantHabilitationWarning, GrantMonthlyCapWarning)
from .grant import split_amount, stacking_key


def subsidisable(line):
    "Whether a grant may pay part of the sale line"
    return (line.type == 'line' and line.product
        and line.product.type != 'service'
        and (line.quantity or 0) > 0 and (line.amount or 0) > 0)


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    subsidy_amount = fields.Function(Monetary(
            "Subsidies", digits='currency', currency='currency',
            help="The part of the amount paid by the grants."),
        'get_subsidy_amounts')
    customer_amount = fields.Function(Monetary(
            "Customer Amount", digits='currency', currency='currency',
            help="The total the customer pays once the grants paid "
            "their part."),
        'get_subsidy_amounts')

    @classmethod
    def get_subsidy_amounts(cls, sales, names):
        pool = Pool()
        Line = pool.get('sale.line')
        Tax = pool.get('account.tax')
        lines = [l for s in sales for l in s.lines]
        subsidies = Line.subsidies_of(lines)
        result = {name: {} for name in names}
        for sale in sales:
            subsidy = sum(
                (a for l in sale.lines for _, a in subsidies.get(l.id, [])),
                Decimal(0))
            subsidy = sale.currency.round(subsidy)
            # the subsidy bears its tax: the customer pays the tax of its
            # share only
            subsidy_tax = Decimal(0)
            for line in sale.lines:
                line_subsidy = sum(
                    (a for _, a in subsidies.get(line.id, [])), Decimal(0))
                if line_subsidy and line.taxes:
                    subsidy_tax += sum(
                        (sale.currency.round(t['amount'])
                            for t in Tax.compute(
                                line.taxes, line_subsidy, 1,
                                sale_date(sale))),
                        Decimal(0))
            values = {
                'subsidy_amount': subsidy,
                'customer_amount': (sale.total_amount or Decimal(0))
                - subsidy - subsidy_tax,
                }
            for name in names:
                result[name][sale.id] = values[name]
        return result

    @classmethod
    def subsidy_split(cls, sales, remaining=None):
        """Split the lines of the sales between grants and customers

        Return the list of (grant, subsidy, computed) per sale line id and,
        per sale, the grants whose envelope could not pay all they computed,
        the grants whose monthly cap per customer did and the grants refused
        for an invalid habilitation.  remaining overrides, per grant id,
        what the envelopes have left."""
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        Fee = pool.get('food_aid.fee')
        Party = pool.get('party.party')
        split = {}
        short = defaultdict(list)
        capped = defaultdict(list)
        refused = defaultdict(list)
        grants_of = {}
        envelope_left = {}
        sales = [s for s in sales if s.company and s.currency and s.party]
        dates = {s.id: sale_date(s) for s in sales}
        for sale in sales:
            key = (sale.company.id, sale.currency.id, dates[sale.id])
            if key not in grants_of:
                grants_of[key] = Grant.running_grants(*key)
        all_grants = {g for gs in grants_of.values() for g in gs}
        caps_used = Grant.month_consumption(
            all_grants, {s.party for s in sales}, set(dates.values()))
        with without_check_access():
            for sale in sales:
                date = dates[sale.id]
                grants = grants_of[(sale.company.id, sale.currency.id, date)]
                if not grants:
                    continue
                with Transaction().set_context(date=date):
                    party = Party(sale.party.id)
                    habilitation_valid = party.habilitation_valid
                month = date.replace(day=1)
                # the grants that apply to each product of the sale
                applicable = {}
                for line in sale.lines:
                    if not subsidisable(line):
                        continue
                    if line.product not in applicable:
                        categories = Fee.product_categories(line.product)
                        applicable[line.product] = [
                            g for g in grants if g.applies_to(
                                sale.channel, party, line.product,
                                categories)]
                    applied = []
                    for grant in applicable[line.product]:
                        if (grant.requires_habilitation
                                and not habilitation_valid):
                            if grant not in refused[sale.id]:
                                refused[sale.id].append(grant)
                            continue
                        if grant.id not in envelope_left:
                            left = (remaining or {}).get(
                                grant.id, grant.remaining)
                            envelope_left[grant.id] = max(left, Decimal(0))
                        available = envelope_left[grant.id]
                        cap_key = (grant.id, party.id, month)
                        if grant.customer_monthly_cap is not None:
                            available = min(available, max(
                                    grant.customer_monthly_cap
                                    - caps_used[cap_key], Decimal(0)))
                        applied.append((grant, grant.get_coverage(
                                    party, line.product, line.unit,
                                    available)))
                    _, parts = split_amount(
                        line.amount, line.quantity,
                        [c for _, c in applied], sale.currency.round)
                    result = []
                    for (grant, _), (subsidy, computed) in zip(
                            applied, parts):
                        if subsidy < computed:
                            # the envelope could pay more: the cap stopped it
                            limits = (capped if subsidy < envelope_left[
                                    grant.id] else short)
                            if grant not in limits[sale.id]:
                                limits[sale.id].append(grant)
                        envelope_left[grant.id] -= subsidy
                        caps_used[(grant.id, party.id, month)] += subsidy
                        if subsidy or computed:
                            result.append((grant, subsidy, computed))
                    split[line.id] = result
        return split, short, capped, refused

    @classmethod
    def check_subsidy_warnings(cls, sales, short, capped, refused):
        pool = Pool()
        Warning = pool.get('res.user.warning')
        for sale in sales:
            for grant in refused.get(sale.id, []):
                key = Warning.format(
                    f'food_aid_subsidy_habilitation_{grant.id}', [sale])
                if Warning.check(key):
                    raise GrantHabilitationWarning(key, gettext(
                            'food_aid_subsidy.msg_sale_habilitation_invalid',
                            sale=sale.rec_name, party=sale.party.rec_name,
                            grant=grant.rec_name))
            for grant in short.get(sale.id, []):
                key = Warning.format(
                    f'food_aid_subsidy_envelope_{grant.id}', [sale])
                if Warning.check(key):
                    raise GrantEnvelopeWarning(key, gettext(
                            'food_aid_subsidy.msg_sale_grant_envelope_short',
                            sale=sale.rec_name, grant=grant.rec_name,
                            remaining=grant.remaining))
            for grant in capped.get(sale.id, []):
                key = Warning.format(
                    f'food_aid_subsidy_monthly_cap_{grant.id}', [sale])
                if Warning.check(key):
                    raise GrantMonthlyCapWarning(key, gettext(
                            'food_aid_subsidy.msg_sale_grant_monthly_cap',
                            sale=sale.rec_name, party=sale.party.rec_name,
                            grant=grant.rec_name,
                            cap=grant.customer_monthly_cap))

    @classmethod
    def reserve_subsidies(cls, sales):
        """Reserve on the grants' envelopes the subsidies of the sales,
        with the grants locked so that no envelope goes below zero"""
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        GrantLine = pool.get('food_aid.grant.line')
        keys = {
            (s.company.id, s.currency.id, sale_date(s))
            for s in sales if s.company and s.currency}
        grants = {g for key in keys for g in Grant.running_grants(*key)}
        if not grants:
            return
        # at the end of the confirmation, so that the lock is held only
        # for the reservation: the confirmations wait for one another
        remaining = Grant.lock_envelopes(grants)
        split, short, capped, refused = cls.subsidy_split(
            sales, remaining=remaining)
        cls.check_subsidy_warnings(sales, short, capped, refused)
        to_create = []
        for sale in sales:
            date = sale_date(sale)
            for line in sale.lines:
                for grant, subsidy, _ in split.get(line.id, []):
                    if not subsidy:
                        continue
                    to_create.append(GrantLine(
                            grant=grant, sale_line=line, customer=sale.party,
                            product=line.product, date=date,
                            quantity=line.quantity, unit=line.unit,
                            full_amount=line.amount, amount=subsidy,
                            state='reserved'))
        with without_check_access():
            GrantLine.save(to_create)

    @classmethod
    def release_subsidies(cls, sales):
        "Give back to the envelopes what the sales reserved and did not invoice"
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        with without_check_access():
            lines = GrantLine.search([
                    ('sale_line.sale', 'in', [s.id for s in sales]),
                    ('invoice_line', '=', None),
                    ('state', '=', 'reserved'),
                    ])
            GrantLine.write(lines, {'state': 'cancelled'})

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, sales):
        super().confirm(sales)
        cls.reserve_subsidies(sales)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, sales):
        cls.release_subsidies(sales)
        super().draft(sales)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, sales):
        cls.release_subsidies(sales)
        super().cancel(sales)

    @classmethod
    @Workflow.transition('done')
    def do(cls, sales):
        cls.release_subsidies(sales)
        super().do(sales)

    @classmethod
    def _process_invoice(cls, sales):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Grant = pool.get('food_aid.grant')
        GrantLine = pool.get('food_aid.grant.line')
        with without_check_access():
            reservations = GrantLine.search([
                    ('sale_line.sale', 'in', [s.id for s in sales]),
                    ('invoice_line', '=', None),
                    ('state', '=', 'reserved'),
                    ])
        remaining = {}
        if reservations:
            # locked once, before the invoices are built
            remaining = Grant.lock_envelopes({r.grant for r in reservations})
        before = {i.id for s in sales for i in s.invoices}
        with Transaction().set_context(_food_aid_subsidy_taxes_later=True):
            super()._process_invoice(sales)
        drafts = Invoice.browse(list({
                    i for s in cls.browse([s.id for s in sales])
                    for i in s.invoices if i.state == 'draft'}))
        created = [i for i in drafts if i.id not in before]
        if created:
            Invoice.apply_subsidies(created, remaining=remaining)
        # once, with the subsidy lines
        Invoice.update_taxes(drafts)
        Invoice.set_subsidy_taxes(created)


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    grant_lines = fields.One2Many(
        'food_aid.grant.line', 'sale_line', "Grant Lines", readonly=True,
        states={
            'invisible': Eval('type') != 'line',
            })
    subsidy_amount = fields.Function(Monetary(
            "Subsidies", digits='currency', currency='currency',
            states={
                'invisible': Eval('type') != 'line',
                },
            help="The part of the amount paid by the grants."),
        'get_subsidy')
    customer_amount = fields.Function(Monetary(
            "Customer Share", digits='currency', currency='currency',
            states={
                'invisible': Eval('type') != 'line',
                },
            help="The part of the amount the customer pays."),
        'get_subsidy')
    subsidy_description = fields.Function(fields.Char(
            "Subsidy per Grant",
            states={
                'invisible': Eval('type') != 'line',
                }),
        'get_subsidy')

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('grant_lines')
        return super().copy(lines, default=default)

    @classmethod
    def subsidies_of(cls, lines):
        """Return the (grant, subsidy) of each line: the preview for draft
        and quoted sales, the ledger otherwise"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        GrantLine = pool.get('food_aid.grant.line')
        result = {}
        preview = {l.sale for l in lines if l.sale.state in {
                'draft', 'quotation'}}
        if preview:
            split, _, _, _ = Sale.subsidy_split(list(preview))
            for line_id, parts in split.items():
                result[line_id] = [(g, s) for g, s, _ in parts]
        booked = [l.id for l in lines if l.sale not in preview]
        if booked:
            with without_check_access():
                grant_lines = GrantLine.search([
                        ('sale_line', 'in', booked),
                        ('state', '!=', 'cancelled'),
                        ], order=[('id', 'ASC')])
            totals = defaultdict(lambda: defaultdict(Decimal))
            for grant_line in grant_lines:
                totals[grant_line.sale_line.id][grant_line.grant] += (
                    grant_line.amount)
            for line_id, amounts in totals.items():
                result[line_id] = sorted(
                    amounts.items(), key=lambda i: stacking_key(i[0]))
        return result

    @classmethod
    def get_subsidy(cls, lines, names):
        subsidies = cls.subsidies_of(lines)
        result = {name: {} for name in names}
        for line in lines:
            parts = subsidies.get(line.id, [])
            subsidy = sum((a for _, a in parts), Decimal(0))
            values = {
                'subsidy_amount': subsidy,
                'customer_amount': (
                    (line.amount or Decimal(0)) - subsidy
                    if line.type == 'line' else None),
                'subsidy_description': '; '.join(
                    f'{g.reference}: {a}' for g, a in parts if a),
                }
            for name in names:
                result[name][line.id] = values[name]
        return result
