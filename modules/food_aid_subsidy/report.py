# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from collections import defaultdict, namedtuple
from decimal import Decimal

from trytond.i18n import gettext
from trytond.modules.food_aid.report import DocumentMixin
from trytond.pool import Pool, PoolMeta

from .sale import sale_date

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


def _taxes(currency, taxes, amount, date):
    pool = Pool()
    Tax = pool.get('account.tax')
    if not taxes or not amount:
        return Decimal(0)
    return sum(
        (currency.round(t['amount'])
            for t in Tax.compute(taxes, amount, 1, date)),
        Decimal(0))


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
                        currency, line.taxes, amount, sale_date(sale))
            grants = [
                (g, currency.round(u), t) for g, (u, t) in grants.items()]
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
                    currency, line.taxes, amount, line.tax_date)
            splits[invoice.id] = payer_split(
                currency, invoice.untaxed_amount or Decimal(0),
                invoice.tax_amount or Decimal(0),
                [(g, u, t) for g, (u, t) in grants.items()])
        context['payer_split'] = lambda invoice: splits.get(invoice.id)
        return context
