# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from collections import defaultdict, namedtuple
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from trytond.i18n import gettext
from trytond.modules.food_aid.report import DocumentMixin
from trytond.modules.food_aid.sale import sale_date
from trytond.pool import Pool, PoolMeta


PayerSplit = namedtuple('PayerSplit', ['title', 'headers', 'rows', 'currency'])
Payer = namedtuple('Payer', ['label', 'untaxed', 'tax', 'total'])


def payer_split(currency, untaxed, tax, grants):
    """Return the split of an amount between the grants and the customer

    untaxed and tax are what the customer pays, grants the list of (grant,
    untaxed, tax) they pay; None when no grant pays."""
    grants = [(g, u, t) for g, u, t in grants if u or t]
    if not grants:
        return None
    full_untaxed = untaxed + sum(u for _, u, _ in grants)
    full_tax = tax + sum(t for _, _, t in grants)
    rows = [Payer(
            gettext('food_aid.msg_payer_full_price'),
            full_untaxed, full_tax, full_untaxed + full_tax)]
    for grant, grant_untaxed, grant_tax in grants:
        rows.append(Payer(
                gettext('food_aid.msg_payer_grant', grant=grant.rec_name),
                grant_untaxed, grant_tax, grant_untaxed + grant_tax))
    rows.append(Payer(
            gettext('food_aid.msg_payer_customer'),
            untaxed, tax, untaxed + tax))
    return PayerSplit(
        gettext('food_aid.msg_payer_title'),
        [gettext('food_aid.msg_payer_payer'),
            gettext('food_aid.msg_payer_untaxed'),
            gettext('food_aid.msg_payer_tax'),
            gettext('food_aid.msg_payer_total')],
        rows, currency)


def _taxes(taxes, amount, date):
    "The unrounded taxes of amount"
    pool = Pool()
    Tax = pool.get('account.tax')
    if not taxes or not amount:
        return Decimal(0)
    return sum(
        (t['amount'] for t in Tax.compute(taxes, amount, 1, date)),
        Decimal(0))


def _round_shares(currency, grants):
    """Round the (grant, untaxed, tax) of the grants so that their taxes add
    up to the rounded total of their taxes, as the invoice computes it: the
    cents left go to the largest remainders"""
    total = currency.round(sum((t for _, _, t in grants), Decimal(0)))
    rounded = [
        [g, currency.round(u), currency.round(t, rounding=ROUND_DOWN)
            if t >= 0 else currency.round(t, rounding=ROUND_UP), t]
        for g, u, t in grants]
    left = total - sum(r[2] for r in rounded)
    step = currency.rounding if left >= 0 else -currency.rounding
    order = sorted(
        rounded, key=lambda r: abs(r[3] - r[2]), reverse=True)
    index = 0
    while left and order:
        order[index % len(order)][2] += step
        left -= step
        index += 1
    return [(g, u, t) for g, u, t, _ in rounded]


class SaleReport(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Line = pool.get('sale.line')
        context = super().get_context(records, header, data)
        lines = [l for s in records for l in s.lines if l.type == 'line']
        subsidies = Line.subsidies_of(lines)
        splits = {}
        for sale in records:
            currency = sale.currency
            grants = defaultdict(lambda: [Decimal(0), Decimal(0)])
            for line in sale.lines:
                for grant, amount in subsidies.get(line.id, []):
                    if not amount:
                        continue
                    grants[grant][0] += amount
                    grants[grant][1] += _taxes(
                        line.taxes, amount, sale_date(sale))
            grants = _round_shares(
                currency, [(g, u, t) for g, (u, t) in grants.items()])
            untaxed = (sale.untaxed_amount or Decimal(0)) - sum(
                u for _, u, _ in grants)
            tax = (sale.tax_amount or Decimal(0)) - sum(
                t for _, _, t in grants)
            splits[sale.id] = payer_split(currency, untaxed, tax, grants)
        context['payer_split'] = lambda sale: splits.get(sale.id)
        return context


class InvoiceReport(DocumentMixin, metaclass=PoolMeta):
    __name__ = 'account.invoice'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        splits = {}
        for invoice in records:
            currency = invoice.currency
            grants = defaultdict(lambda: [Decimal(0), Decimal(0)])
            # the subsidy lines deduct what the grants pay, with its taxes
            for line in invoice.lines:
                if line.type != 'line' or not line.subsidy_grant:
                    continue
                amount = -(line.amount or Decimal(0))
                grants[line.subsidy_grant][0] += amount
                grants[line.subsidy_grant][1] += _taxes(
                    line.taxes, amount, line.tax_date)
            splits[invoice.id] = payer_split(
                currency, invoice.untaxed_amount or Decimal(0),
                invoice.tax_amount or Decimal(0),
                _round_shares(
                    currency, [(g, u, t) for g, (u, t) in grants.items()]))
        context['payer_split'] = lambda invoice: splits.get(invoice.id)
        return context
