# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from collections import defaultdict
from decimal import Decimal

from sql import Null

from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, dualmethod, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import GrantMonthlyCapWarning
from .grant import (
    company_language, credited_subsidy, distribute, split_amount,
    stacking_key)


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

    subsidy_amount = fields.Function(Monetary(
            "Subsidies", digits='currency', currency='currency',
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
    def apply_subsidies(cls, invoices, remaining=None):
        """Compute on the invoiced quantities the subsidies of the lines that
        come from subsidised sale lines, take them from the reservations and
        add one line per grant and set of taxes on its clearing account;
        remaining is what each grant has left, once locked.  The caller
        updates the taxes and then sets those the subsidies bear."""
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
        if remaining is None or not set(g.id for g in grants) <= set(
                remaining):
            remaining = Grant.lock_envelopes(grants)
        by_sale_line = defaultdict(list)
        for reservation in reservations:
            by_sale_line[reservation.sale_line.id].append(reservation)
        today = Date.today()
        dates = {l.invoice.invoice_date or today for l in lines}
        caps_used = Grant.month_consumption(
            grants, {r.customer for r in reservations},
            dates | {r.date for r in reservations})
        envelope_left = {
            g.id: max(remaining[g.id], Decimal(0)) for g in grants}
        reserved_left = {r.id: r.amount for r in reservations}
        quantity_left = {r.id: r.quantity for r in reservations}
        to_create = []
        capped = defaultdict(list)
        for line in lines:
            sale_line = line.origin
            sale = sale_line.sale
            date = line.invoice.invoice_date or today
            month = date.replace(day=1)
            line_reservations = sorted(
                by_sale_line.get(sale_line.id, []),
                key=lambda r: stacking_key(r.grant))
            if not line_reservations:
                continue
            coverages, cap_lefts = [], []
            for reservation in line_reservations:
                grant = reservation.grant
                available = (
                    envelope_left[grant.id] + reserved_left[reservation.id])
                cap_left = None
                if grant.customer_monthly_cap is not None:
                    # what the reservation holds in this month is its own
                    own = (reserved_left[reservation.id]
                        if reservation.date.replace(day=1) == month
                        else Decimal(0))
                    cap_left = max(grant.customer_monthly_cap - caps_used[
                            (grant.id, sale.party.id, month)] + own,
                        Decimal(0))
                    available = min(available, cap_left)
                cap_lefts.append(cap_left)
                coverages.append(grant.get_coverage(
                        sale.party, line.product, line.unit, available))
            _, parts = split_amount(
                line.amount, line.quantity, coverages, line.currency.round)
            for reservation, cap_left, (subsidy, computed) in zip(
                    line_reservations, cap_lefts, parts):
                grant = reservation.grant
                if (subsidy < computed and cap_left is not None
                        and subsidy >= cap_left
                        and grant not in capped[line.invoice]):
                    capped[line.invoice].append(grant)
                released = min(subsidy, reserved_left[reservation.id])
                reserved_left[reservation.id] -= released
                envelope_left[grant.id] -= subsidy - released
                if reservation.date.replace(day=1) == month:
                    caps_used[(grant.id, sale.party.id, month)] += (
                        subsidy - released)
                else:
                    caps_used[(grant.id, sale.party.id, month)] += subsidy
                quantity_left[reservation.id] = max(
                    quantity_left[reservation.id] - line.quantity, 0)
                if not subsidy:
                    continue
                to_create.append(GrantLine(
                        grant=grant, sale_line=sale_line,
                        invoice_line=line, customer=sale.party,
                        product=line.product, date=date,
                        quantity=line.quantity, unit=line.unit,
                        full_amount=line.amount, amount=subsidy,
                        state='reserved'))
        cls.check_invoice_monthly_caps(capped)
        # the reservations left with the same values are written at once:
        # those of the lines invoiced in full all are
        to_write = defaultdict(list)
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
            to_write[tuple(sorted(values.items()))].append(reservation)
        to_write = [
            a for values, records in to_write.items()
            for a in (records, dict(values))]
        with without_check_access():
            if to_write:
                GrantLine.write(*to_write)
            GrantLine.save(to_create)
            InvoiceLine.set_grant_analytic(
                [(g.invoice_line, g.grant) for g in to_create])
            InvoiceLine.save(cls.get_subsidy_lines(to_create, capped=capped))

    @dualmethod
    def update_taxes(cls, invoices, exception=False):
        # the sale's invoices get their taxes once, with the subsidy lines
        if Transaction().context.get('_food_aid_subsidy_taxes_later'):
            return
        super().update_taxes(invoices, exception=exception)

    @classmethod
    def check_invoice_monthly_caps(cls, capped):
        pool = Pool()
        Warning = pool.get('res.user.warning')
        for invoice, grants in capped.items():
            for grant in grants:
                key = Warning.format(
                    f'food_aid_subsidy_invoice_monthly_cap_{grant.id}',
                    [invoice])
                if Warning.check(key):
                    raise GrantMonthlyCapWarning(key, gettext(
                            'food_aid_subsidy.msg_invoice_grant_monthly_cap',
                            invoice=invoice.rec_name,
                            party=invoice.party.rec_name,
                            grant=grant.rec_name,
                            cap=grant.customer_monthly_cap))

    @classmethod
    def get_subsidy_lines(cls, grant_lines, capped=None):
        """Return the lines that deduct the subsidies of the grant lines from
        their invoices: one per grant and set of taxes, on the grant's
        clearing account, with the taxes of the lines they subsidise; the
        description names the monthly cap of the grants capped per invoice"""
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        totals = defaultdict(lambda: defaultdict(Decimal))
        for grant_line in grant_lines:
            line = grant_line.invoice_line
            taxes = tuple(sorted(t.id for t in line.taxes))
            totals[line.invoice][(grant_line.grant, taxes)] += (
                grant_line.amount)
        subsidy_lines = []
        for invoice, amounts in totals.items():
            sequence = max(
                (l.sequence or 0 for l in invoice.lines), default=0)
            with Transaction().set_context(
                    language=company_language(invoice.company)):
                for grant, taxes in sorted(
                        amounts, key=lambda k: (stacking_key(k[0]), k[1])):
                    amount = amounts[(grant, taxes)]
                    if not amount:
                        continue
                    sequence += 1
                    if grant in (capped or {}).get(invoice, []):
                        description = gettext(
                            'food_aid_subsidy'
                            '.msg_invoice_subsidy_line_monthly_cap',
                            grant=grant.rec_name,
                            cap=grant.customer_monthly_cap)
                    else:
                        description = gettext(
                            'food_aid_subsidy.msg_invoice_subsidy_line',
                            grant=grant.rec_name)
                    line = InvoiceLine(
                        invoice=invoice, sequence=sequence, type='line',
                        currency=invoice.currency, company=invoice.company,
                        account=grant.clearing_account,
                        description=description,
                        quantity=1, unit_price=-amount, taxes=list(taxes),
                        subsidy_grant=grant, origin=grant)
                    line.analytic_accounts = line.grant_analytic_entries(
                        grant)
                    subsidy_lines.append(line)
        return subsidy_lines

    @classmethod
    def set_subsidy_taxes(cls, invoices):
        """Set on the grant lines of the invoices the part of the tax that
        their subsidy bears: the tax of the subsidy lines, shared among the
        grant lines in proportion of their amount so that the customer's tax
        and the funders' add up to the tax of the full price"""
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        invoices = cls.browse([i.id for i in invoices])
        with without_check_access():
            grant_lines = GrantLine.search([
                    ('invoice_line', 'in', [
                            l.id for i in invoices for l in i.lines]),
                    ('state', '=', 'reserved'),
                    ])
        by_invoice = defaultdict(list)
        for grant_line in grant_lines:
            by_invoice[grant_line.invoice_line.invoice].append(grant_line)
        to_write = []
        for invoice in invoices:
            lines = by_invoice.get(invoice, [])
            if not lines:
                continue
            subsidy_lines = [
                l for l in invoice.lines
                if l.type == 'line' and l.subsidy_grant]
            negative = any(l.amount < 0 for l in subsidy_lines)
            tax_amounts = defaultdict(Decimal)
            for tax_line in invoice.taxes:
                if tax_line.manual or not tax_line.tax:
                    continue
                if (tax_line.base < 0) != negative:
                    continue
                carrying = [
                    l for l in lines if tax_line.tax in l.invoice_line.taxes]
                # the subsidy lines bear -amount, the grant lines the opposite
                for line, part in zip(carrying, distribute(
                            -tax_line.amount, [l.amount for l in carrying],
                            invoice.currency.round)):
                    tax_amounts[line.id] += part
            for line in lines:
                amount = tax_amounts.get(line.id, Decimal(0))
                if line.tax_amount != amount:
                    to_write.extend(([line], {'tax_amount': amount}))
        if to_write:
            with without_check_access():
                GrantLine.write(*to_write)

    @classmethod
    def on_modification(cls, mode, invoices, field_names=None):
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        if mode == 'delete':
            # a draft invoice gives its subsidies back to the sale
            InvoiceLine.give_back_subsidies(
                [l for i in invoices for l in i.lines], delete=True)
        if mode == 'create' or (
                mode == 'write' and field_names and 'lines' in field_names):
            cls.apply_credited_subsidies(invoices)
        super().on_modification(mode, invoices, field_names=field_names)
        if mode == 'create' or (
                mode == 'write' and field_names and 'lines' in field_names):
            cls.set_subsidy_taxes(
                [i for i in invoices if i.state == 'draft'])

    @classmethod
    def credited_subsidies(cls, lines):
        """Return (line, grant line, amount) for the subsidies that the
        credit note lines give back, in proportion of the amount they credit,
        after what the earlier credit notes gave back"""
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        InvoiceLine = pool.get('account.invoice.line')
        credits = [
            l for l in lines
            if l.type == 'line' and not l.subsidy_grant
            and isinstance(l.origin, InvoiceLine)
            and (l.amount or 0) < 0]
        if not credits:
            return []
        invoices = {l.invoice.id for l in credits}
        origins = {l.origin for l in credits}
        with without_check_access():
            credited = GrantLine.search([
                    ('invoice_line', 'in', [o.id for o in origins]),
                    ('state', 'in', ['invoiced', 'claimed']),
                    ('credited_line', '=', None),
                    ])
            earlier_credits = InvoiceLine.search([
                    ('origin', 'in', [str(o) for o in origins]),
                    ('invoice.state', '!=', 'cancelled'),
                    ('invoice', 'not in', list(invoices)),
                    ('type', '=', 'line'),
                    ])
            given_back = GrantLine.search([
                    ('credited_line', 'in', [g.id for g in credited]),
                    ('state', '!=', 'cancelled'),
                    ('invoice_line.invoice', 'not in', list(invoices)),
                    ])
        by_line = defaultdict(list)
        for grant_line in credited:
            by_line[grant_line.invoice_line.id].append(grant_line)
        credited_before = defaultdict(Decimal)
        for line in earlier_credits:
            credited_before[line.origin.id] -= line.amount
        given_back_before = defaultdict(Decimal)
        for grant_line in given_back:
            given_back_before[grant_line.credited_line.id] -= (
                grant_line.amount)
        result = []
        for line in credits:
            origin = line.origin
            credited_amount = -line.amount
            for grant_line in by_line.get(origin.id, []):
                amount = credited_subsidy(
                    grant_line.amount, origin.amount, credited_amount,
                    credited_before[origin.id],
                    given_back_before[grant_line.id],
                    grant_line.grant.currency.round)
                given_back_before[grant_line.id] += amount
                if amount:
                    result.append((line, grant_line, amount))
            credited_before[origin.id] += credited_amount
        return result

    @classmethod
    def apply_credited_subsidies(cls, invoices):
        """Give back, on the draft credit notes, the subsidies of the lines
        they credit: the grant lines and the subsidy lines are computed
        here, when the credit note is made or its lines change, and kept as
        they are at posting"""
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        InvoiceLine = pool.get('account.invoice.line')
        invoices = [
            i for i in cls.browse([i.id for i in invoices])
            if i.state == 'draft' and i.type == 'out']
        credit_notes = [
            i for i in invoices
            if any(l.type == 'line' and not l.subsidy_grant
                and isinstance(l.origin, InvoiceLine) for l in i.lines)]
        if not credit_notes:
            return
        lines = [l for i in credit_notes for l in i.lines]
        credit_lines = [l for l in lines if not l.subsidy_grant]
        with without_check_access():
            GrantLine.delete(GrantLine.search([
                        ('invoice_line', 'in', [l.id for l in lines]),
                        ('credited_line', '!=', None),
                        ]))
            InvoiceLine.delete([l for l in lines if l.subsidy_grant])
            credited = cls.credited_subsidies(credit_lines)
            grant_lines = []
            for line, grant_line, amount in credited:
                grant_lines.append(GrantLine(
                        grant=grant_line.grant,
                        sale_line=grant_line.sale_line,
                        invoice_line=line,
                        credited_line=grant_line,
                        customer=grant_line.customer,
                        product=grant_line.product,
                        date=line.invoice.invoice_date or grant_line.date,
                        quantity=line.quantity, unit=line.unit,
                        full_amount=line.amount,
                        amount=-amount,
                        state='reserved'))
            GrantLine.save(grant_lines)
            InvoiceLine.save(cls.get_subsidy_lines(grant_lines))

    def _credit(self, **values):
        pool = Pool()
        Claim = pool.get('food_aid.grant.claim')
        credit = super()._credit(**values)
        if any(isinstance(l.origin, Claim) for l in self.lines):
            # a claim's taxes are those its subsidies bore: credit them as is
            credit.taxes = [t._credit() for t in self.taxes]
        return credit

    @classmethod
    def _post(cls, invoices):
        super()._post(invoices)
        cls.post_subsidies(invoices)

    @classmethod
    def post_subsidies(cls, invoices):
        """Move the subsidies of the posted invoices to invoiced and free the
        claims whose funder invoice is credited"""
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        Claim = pool.get('food_aid.grant.claim')
        InvoiceLine = pool.get('account.invoice.line')
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
            GrantLine.save(pending)
            claims = {
                l.origin.origin for l in lines
                if isinstance(l.origin, InvoiceLine)
                and isinstance(l.origin.origin, Claim)
                and l.origin.origin.state in {'invoiced', 'paid'}}
            if claims:
                Claim.cancel_invoice(list(claims))

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, invoices):
        super().cancel(invoices)
        cls.cancel_subsidies(invoices)

    @classmethod
    def cancel_subsidies(cls, invoices):
        "Give back to the sales the subsidies of the cancelled invoices"
        pool = Pool()
        Claim = pool.get('food_aid.grant.claim')
        InvoiceLine = pool.get('account.invoice.line')
        InvoiceLine.give_back_subsidies(
            [l for i in invoices for l in i.lines], delete=False)
        with without_check_access():
            claims = Claim.search([
                    ('invoice', 'in', [i.id for i in invoices]),
                    ('state', 'in', ['invoiced', 'paid']),
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

    def grant_analytic_entries(self, grant):
        "Return the analytic entries of the line for the grant's account"
        pool = Pool()
        Entry = pool.get('analytic.account.entry')
        account = grant.analytic_account
        if not account:
            return list(getattr(self, 'analytic_accounts', None) or [])
        entries = [
            e for e in (getattr(self, 'analytic_accounts', None) or [])
            if e.root != account.root]
        entries.append(Entry(root=account.root, account=account))
        return entries

    @classmethod
    def set_grant_analytic(cls, lines_grants):
        """Charge the subsidised lines to the analytic account of their
        grant, unless they already have an account on its chart"""
        pool = Pool()
        Entry = pool.get('analytic.account.entry')
        to_save = []
        for line, grant in lines_grants:
            account = grant.analytic_account
            if not account:
                continue
            for entry in line.analytic_accounts:
                if entry.root == account.root:
                    if not entry.account:
                        entry.account = account
                        to_save.append(entry)
                    break
            else:
                to_save.append(Entry(
                        origin=line, root=account.root, account=account))
        Entry.save(to_save)

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        super().on_modification(mode, lines, field_names=field_names)
        if mode == 'delete':
            cls.give_back_subsidies(lines, delete=True)

    @classmethod
    def give_back_subsidies(cls, lines, delete):
        """Give back what the invoice lines took from the grants: the
        subsidies return to the reservations of their sale lines, a claimed
        subsidy is deducted by the next claim and a credit note's give-back
        is undone"""
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        with without_check_access():
            grant_lines = GrantLine.search([
                    ('invoice_line', 'in', [l.id for l in lines]),
                    ('state', '!=', 'cancelled'),
                    ])
            # a refunded invoice is cancelled too: its credit note already
            # gave the envelope back
            mirrored = {
                g.credited_line.id for g in GrantLine.search([
                        ('credited_line', 'in', [g.id for g in grant_lines]),
                        ('state', '!=', 'cancelled'),
                        ('invoice_line', 'not in', [l.id for l in lines]),
                        ])}
            grant_lines = [g for g in grant_lines if g.id not in mirrored]
            sale_lines = {
                g.sale_line.id for g in grant_lines
                if g.sale_line and not g.credited_line}
            reservations = {}
            for reservation in GrantLine.search([
                        ('sale_line', 'in', list(sale_lines)),
                        ('invoice_line', '=', None),
                        ('sale_line.sale.state', 'in',
                            ['confirmed', 'processing']),
                        ], order=[('id', 'ASC')]):
                reservations[
                    (reservation.sale_line.id, reservation.grant.id)] = (
                    reservation)
            to_save, to_delete, to_cancel = [], [], []
            for grant_line in grant_lines:
                if grant_line.state == 'claimed':
                    # the funder paid it: the next claim deducts it
                    to_save.append(GrantLine(
                            grant=grant_line.grant,
                            sale_line=grant_line.sale_line,
                            credited_line=grant_line,
                            customer=grant_line.customer,
                            product=grant_line.product,
                            date=grant_line.date,
                            quantity=grant_line.quantity,
                            unit=grant_line.unit,
                            full_amount=grant_line.full_amount,
                            amount=-grant_line.amount,
                            tax_amount=-(grant_line.tax_amount or 0),
                            state='invoiced'))
                elif grant_line.state == 'reserved':
                    # a draft invoice's subsidy goes back where it came from
                    to_delete.append(grant_line)
                else:
                    to_cancel.append(grant_line)
                if grant_line.credited_line or not grant_line.sale_line:
                    continue
                key = (grant_line.sale_line.id, grant_line.grant.id)
                reservation = reservations.get(key)
                if not reservation:
                    continue
                if reservation.state == 'cancelled':
                    reservation.state = 'reserved'
                    reservation.amount = Decimal(0)
                    reservation.quantity = 0
                reservation.amount += grant_line.amount
                reservation.quantity = (
                    (reservation.quantity or 0) + (grant_line.quantity or 0))
                if reservation not in to_save:
                    to_save.append(reservation)
            if to_cancel:
                GrantLine.write(to_cancel, {'state': 'cancelled'})
            if to_delete:
                GrantLine.delete(to_delete)
            GrantLine.save(to_save)
