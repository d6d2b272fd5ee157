# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from collections import defaultdict
from decimal import Decimal

from sql import Null

from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .grant import split_amount, stacking_key


class Account(metaclass=PoolMeta):
    __name__ = 'account.account'

    grant_clearing = fields.Function(fields.Boolean(
            "Grant Clearing Account",
            help="The account clears the subsidies of a grant."),
        'get_grant_clearing', searcher='search_grant_clearing')

    @classmethod
    def get_grant_clearing(cls, accounts, name):
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        with without_check_access():
            grants = Grant.search([
                    ('clearing_account', 'in', [a.id for a in accounts]),
                    ])
        clearing = {g.clearing_account.id for g in grants}
        return {a.id: a.id in clearing for a in accounts}

    @classmethod
    def search_grant_clearing(cls, name, clause):
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        grant = Grant.__table__()
        _, operator, value = clause
        query = grant.select(
            grant.clearing_account,
            where=grant.clearing_account != Null)
        if (operator == '=') == bool(value):
            return [('id', 'in', query)]
        return [('id', 'not in', query)]


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    subsidy_amount = fields.Function(fields.Numeric(
            "Subsidies", digits=(None, 2),
            states={
                'invisible': ~Eval('subsidy_amount'),
                },
            help="The part of the invoice paid by the grants."),
        'get_subsidy_amount')

    @classmethod
    def get_subsidy_amount(cls, invoices, name):
        result = {}
        for invoice in invoices:
            result[invoice.id] = -sum(
                (l.amount or Decimal(0) for l in invoice.lines
                    if l.type == 'line' and l.subsidy_grant),
                Decimal(0))
        return result

    @classmethod
    def apply_subsidies(cls, invoices):
        """Compute on the invoiced quantities the subsidies of the lines that
        come from subsidised sale lines, take them from the reservations and
        add one line per grant on its clearing account"""
        pool = Pool()
        Grant = pool.get('food_aid.grant')
        GrantLine = pool.get('food_aid.grant.line')
        InvoiceLine = pool.get('account.invoice.line')
        SaleLine = pool.get('sale.line')
        Date = pool.get('ir.date')
        lines = [
            l for i in invoices for l in i.lines
            if l.type == 'line' and isinstance(l.origin, SaleLine)
            and (l.quantity or 0) > 0]
        if not lines:
            return
        with without_check_access():
            reservations = GrantLine.search([
                    ('sale_line', 'in', [l.origin.id for l in lines]),
                    ('invoice_line', '=', None),
                    ('state', '=', 'reserved'),
                    ])
        if not reservations:
            return
        grants = {r.grant for r in reservations}
        Grant.lock(sorted(grants, key=lambda g: g.id))
        by_sale_line = defaultdict(list)
        for reservation in reservations:
            by_sale_line[reservation.sale_line.id].append(reservation)
        envelope_left = {
            g.id: max(g.remaining, Decimal(0)) for g in grants}
        reserved_left = {r.id: r.amount for r in reservations}
        quantity_left = {r.id: r.quantity for r in reservations}
        today = Date.today()
        to_create = []
        totals = defaultdict(lambda: defaultdict(Decimal))
        for line in lines:
            sale_line = line.origin
            sale = sale_line.sale
            line_reservations = sorted(
                by_sale_line.get(sale_line.id, []),
                key=lambda r: stacking_key(r.grant))
            if not line_reservations:
                continue
            coverages = [
                r.grant.get_coverage(
                    sale.party, line.product, line.unit,
                    envelope_left[r.grant.id] + reserved_left[r.id])
                for r in line_reservations]
            _, parts = split_amount(
                line.amount, line.quantity, coverages, line.currency.round)
            for reservation, (subsidy, _) in zip(line_reservations, parts):
                released = min(subsidy, reserved_left[reservation.id])
                reserved_left[reservation.id] -= released
                envelope_left[reservation.grant.id] -= subsidy - released
                quantity_left[reservation.id] = max(
                    quantity_left[reservation.id] - line.quantity, 0)
                if not subsidy:
                    continue
                totals[line.invoice][reservation.grant] += subsidy
                to_create.append(GrantLine(
                        grant=reservation.grant, sale_line=sale_line,
                        invoice_line=line, customer=sale.party,
                        product=line.product,
                        date=line.invoice.invoice_date or today,
                        quantity=line.quantity, unit=line.unit,
                        full_amount=line.amount, amount=subsidy,
                        state='reserved'))
        to_write = []
        for reservation in reservations:
            sale_line = reservation.sale_line
            values = {
                'amount': reserved_left[reservation.id],
                'quantity': quantity_left[reservation.id],
                }
            remaining = (
                sale_line.quantity - sale_line._get_invoiced_quantity())
            if remaining <= 0 or not values['amount']:
                # the line is invoiced: what it did not use goes back
                values['state'] = 'cancelled'
            to_write.extend(([reservation], values))
        subsidy_lines = []
        for invoice, amounts in totals.items():
            sequence = max(
                (l.sequence or 0 for l in invoice.lines), default=0)
            for grant in sorted(amounts, key=stacking_key):
                sequence += 1
                subsidy_lines.append(InvoiceLine(
                        invoice=invoice, sequence=sequence, type='line',
                        currency=invoice.currency, company=invoice.company,
                        account=grant.clearing_account,
                        description=gettext(
                            'food_aid_subsidy.msg_invoice_subsidy_line',
                            grant=grant.rec_name),
                        quantity=1, unit_price=-amounts[grant], taxes=[],
                        subsidy_grant=grant, origin=grant))
        with without_check_access():
            if to_write:
                GrantLine.write(*to_write)
            GrantLine.save(to_create)
            InvoiceLine.save(subsidy_lines)
        cls.update_taxes([i for i in invoices if i.state == 'draft'])

    @classmethod
    def _post(cls, invoices):
        cls.adjust_credited_subsidies(invoices)
        super()._post(invoices)
        cls.post_subsidies(invoices)

    @classmethod
    def credited_subsidies(cls, lines):
        """Return (line, grant line, amount) for the subsidies that the
        credit note lines give back, in proportion of the quantity they
        credit"""
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        InvoiceLine = pool.get('account.invoice.line')
        with without_check_access():
            booked = {
                g.invoice_line.id for g in GrantLine.search([
                        ('invoice_line', 'in', [l.id for l in lines]),
                        ])}
            credits = [
                l for l in lines
                if l.type == 'line' and not l.subsidy_grant
                and isinstance(l.origin, InvoiceLine)
                and l.id not in booked]
            credited = GrantLine.search([
                    ('invoice_line', 'in', [l.origin.id for l in credits]),
                    ('state', 'in', ['invoiced', 'claimed']),
                    ('credited_line', '=', None),
                    ])
        by_line = defaultdict(list)
        for grant_line in credited:
            by_line[grant_line.invoice_line.id].append(grant_line)
        result = []
        for line in credits:
            origin = line.origin
            if not origin.quantity:
                continue
            ratio = Decimal(str(line.quantity or 0)) / Decimal(
                str(origin.quantity))
            for grant_line in by_line.get(origin.id, []):
                result.append((line, grant_line,
                        grant_line.grant.currency.round(
                            grant_line.amount * ratio)))
        return result

    @classmethod
    def adjust_credited_subsidies(cls, invoices):
        """Set the subsidy lines of the credit notes to what their product
        lines give back, so that the clearing account moves as the envelope
        does when only part of an invoice is credited"""
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        invoices = [i for i in invoices if not i.move]
        lines = [l for i in invoices for l in i.lines]
        given_back = defaultdict(lambda: defaultdict(Decimal))
        for line, grant_line, amount in cls.credited_subsidies(lines):
            given_back[line.invoice][grant_line.grant] += amount
        to_save = []
        for invoice in invoices:
            amounts = given_back.get(invoice, {})
            credit_lines = [
                l for l in invoice.lines
                if l.type == 'line' and l.subsidy_grant
                and isinstance(l.origin, InvoiceLine)]
            seen = set()
            for line in credit_lines:
                grant = line.subsidy_grant
                # the subsidy line cancels what the grant lines give back
                amount = -amounts.get(grant, Decimal(0))
                if grant in seen:
                    amount = Decimal(0)
                seen.add(grant)
                quantity = -1 if (line.quantity or 0) < 0 else 1
                unit_price = amount / quantity
                if (line.quantity, line.unit_price) != (quantity, unit_price):
                    line.quantity = quantity
                    line.unit_price = unit_price
                    to_save.append(line)
        if to_save:
            with without_check_access():
                InvoiceLine.save(to_save)

    @classmethod
    def post_subsidies(cls, invoices):
        """Move the subsidies of the posted invoices to invoiced and give back
        to the envelopes what the credit notes credit"""
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        lines = [l for i in invoices for l in i.lines if l.type == 'line']
        if not lines:
            return
        with without_check_access():
            pending = GrantLine.search([
                    ('invoice_line', 'in', [l.id for l in lines]),
                    ('state', '=', 'reserved'),
                    ])
            for grant_line in pending:
                grant_line.state = 'invoiced'
                grant_line.date = (
                    grant_line.invoice_line.invoice.invoice_date)
        mirrors = []
        for line, grant_line, amount in cls.credited_subsidies(lines):
            mirrors.append(GrantLine(
                    grant=grant_line.grant,
                    sale_line=grant_line.sale_line,
                    invoice_line=line,
                    credited_line=grant_line,
                    customer=grant_line.customer,
                    product=grant_line.product,
                    date=line.invoice.invoice_date,
                    quantity=line.quantity, unit=line.unit,
                    full_amount=line.amount,
                    amount=amount,
                    state='invoiced'))
        with without_check_access():
            GrantLine.save(pending + mirrors)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, invoices):
        super().cancel(invoices)
        cls.cancel_subsidies(invoices)

    @classmethod
    def cancel_subsidies(cls, invoices):
        "Give back to the envelopes the subsidies of the cancelled invoices"
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        Claim = pool.get('food_aid.grant.claim')
        lines = [l.id for i in invoices for l in i.lines]
        with without_check_access():
            grant_lines = GrantLine.search([
                    ('invoice_line', 'in', lines),
                    ('state', 'in', ['reserved', 'invoiced']),
                    ])
            # a credited invoice is cancelled too: its credit note already
            # gave the envelope back
            mirrored = {
                g.credited_line.id for g in GrantLine.search([
                        ('credited_line', 'in', [g.id for g in grant_lines]),
                        ('state', '!=', 'cancelled'),
                        ])}
            GrantLine.write(
                [g for g in grant_lines if g.id not in mirrored],
                {'state': 'cancelled'})
            claims = Claim.search([
                    ('invoice', 'in', [i.id for i in invoices]),
                    ('state', '=', 'invoiced'),
                    ])
            if claims:
                Claim.cancel_invoice(claims)

    @classmethod
    @Workflow.transition('paid')
    def paid(cls, invoices):
        pool = Pool()
        Claim = pool.get('food_aid.grant.claim')
        super().paid(invoices)
        with without_check_access():
            claims = Claim.search([
                    ('invoice', 'in', [i.id for i in invoices]),
                    ('state', '=', 'invoiced'),
                    ])
            if claims:
                Claim.pay(claims)

    @classmethod
    def delete(cls, invoices):
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        lines = [l.id for i in invoices for l in i.lines]
        with without_check_access():
            # a draft invoice takes its subsidies back to the sale
            GrantLine.delete(GrantLine.search([
                        ('invoice_line', 'in', lines),
                        ('state', 'in', ['reserved', 'cancelled']),
                        ]))
        super().delete(invoices)


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    subsidy_grant = fields.Many2One(
        'food_aid.grant', "Subsidy Grant", ondelete='RESTRICT', readonly=True,
        states={
            'invisible': ~Eval('subsidy_grant'),
            },
        help="The grant whose subsidies the line deducts.")
    grant_lines = fields.One2Many(
        'food_aid.grant.line', 'invoice_line', "Grant Lines", readonly=True)

    @classmethod
    def _account_domain(cls, type_):
        domain = super()._account_domain(type_)
        if type_ == 'out':
            domain = domain + [('grant_clearing', '=', True)]
        return domain

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + [
            'food_aid.grant', 'food_aid.grant.claim']

    def _credit(self):
        line = super()._credit()
        line.subsidy_grant = self.subsidy_grant
        return line

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('grant_lines')
        return super().copy(lines, default=default)

    @classmethod
    def delete(cls, lines):
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        with without_check_access():
            GrantLine.delete(GrantLine.search([
                        ('invoice_line', 'in', [l.id for l in lines]),
                        ('state', 'in', ['reserved', 'cancelled']),
                        ]))
        super().delete(lines)
