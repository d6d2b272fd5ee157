# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.food_aid.access import check_deletable, check_rule
from trytond.modules.food_aid.period import PeriodMixin, period_fields
from trytond.modules.food_aid.report import DocumentMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

from .exceptions import ClaimError
from .grant import company_language


class Claim(PeriodMixin, Workflow, ModelSQL, ModelView):
    """What a funder owes for a period: the invoiced subsidies of a grant,
    invoiced to the funder on the grant's clearing account"""
    __name__ = 'food_aid.grant.claim'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE',
        states=_states)
    grant = fields.Many2One(
        'food_aid.grant', "Grant", required=True, ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('state', 'in', ['running', 'closed']),
            ],
        states=_states)
    date_start, date_end = period_fields(states=_states)
    _period_error = ClaimError
    _period_message = 'food_aid_subsidy.msg_claim_inverted_dates'
    lines = fields.One2Many(
        'food_aid.grant.line', 'claim', "Lines", readonly=True)
    amount = fields.Function(Monetary(
            "Amount", currency='currency', digits='currency'),
        'get_amount')
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')
    invoice = fields.Many2One(
        'account.invoice', "Invoice", readonly=True, ondelete='RESTRICT')
    state = fields.Selection([
            ('draft', "Draft"),
            ('invoiced', "Invoiced"),
            ('paid', "Paid"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date_end', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'invoiced'),
            ('invoiced', 'paid'),
            ('invoiced', 'cancelled'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                'gather': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'create_invoice': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        return f'{self.grant.rec_name} {self.date_start} - {self.date_end}'

    def get_currency(self, name):
        return self.grant.currency.id if self.grant else None

    @classmethod
    def get_amount(cls, claims, name):
        amounts = {}
        for claim in claims:
            amount = sum((l.amount for l in claim.lines), Decimal(0))
            if claim.grant:
                amount = claim.grant.currency.round(amount)
            amounts[claim.id] = amount
        return amounts

    @classmethod
    def check_modification(cls, mode, claims, values=None, external=False):
        super().check_modification(
            mode, claims, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            check_rule(cls, claims, mode)
        if mode == 'delete':
            check_deletable(claims, {'draft', 'cancelled'},
                'food_aid_subsidy.msg_claim_delete_invoiced', 'claim',
                error=ClaimError)

    @classmethod
    def on_modification(cls, mode, claims, field_names=None):
        super().on_modification(mode, claims, field_names=field_names)
        if mode == 'delete':
            cls.release(claims)

    @classmethod
    def release(cls, claims):
        "Return the lines of the claims to invoiced, to be claimed again"
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        lines = [l for c in claims for l in c.lines]
        with without_check_access():
            GrantLine.write(lines, {'claim': None, 'state': 'invoiced'})

    @classmethod
    @ModelView.button
    def gather(cls, claims):
        "Gather the invoiced subsidies of the grant in the period"
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        for claim in claims:
            if claim.state != 'draft':
                continue
            with without_check_access():
                lines = GrantLine.search([
                        ('grant', '=', claim.grant.id),
                        ('state', '=', 'invoiced'),
                        ('date', '>=', claim.date_start),
                        ('date', '<=', claim.date_end),
                        ['OR',
                            ('claim', '=', None),
                            ('claim', '=', claim.id),
                            ],
                        ])
                GrantLine.write(
                    [l for l in claim.lines if l not in lines],
                    {'claim': None})
                GrantLine.write(lines, {'claim': claim.id})

    @classmethod
    @ModelView.button
    @Workflow.transition('invoiced')
    def create_invoice(cls, claims):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        GrantLine = pool.get('food_aid.grant.line')
        cls.gather(claims)
        claims = cls.browse(claims)
        invoices = []
        for claim in claims:
            if not claim.lines or claim.amount <= 0:
                raise ClaimError(gettext(
                        'food_aid_subsidy.msg_claim_nothing_to_invoice',
                        claim=claim.rec_name))
            invoice = claim.get_invoice()
            invoices.append(invoice)
            claim.invoice = invoice
        Invoice.save(invoices)
        cls.save(claims)
        cls.set_invoice_taxes(claims)
        with without_check_access():
            GrantLine.write(
                [l for c in claims for l in c.lines], {'state': 'claimed'})
        Invoice.post(invoices)
        cls.reconcile_clearing(claims)

    def get_invoice(self):
        "Return the invoice to the funder for the claim"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Line = pool.get('account.invoice.line')
        Date = pool.get('ir.date')
        funder = self.grant.funder
        description = self.get_invoice_description()
        invoice = Invoice(
            company=self.company, type='out', party=funder,
            currency=self.grant.currency,
            account=funder.account_receivable_used,
            invoice_date=Date.today(),
            description=description)
        invoice.on_change_party()
        invoice.set_journal()
        amounts = defaultdict(Decimal)
        for grant_line in self.lines:
            amounts[grant_line.subsidy_taxes] += grant_line.amount
        lines = []
        for taxes in sorted(amounts):
            if not amounts[taxes]:
                continue
            line = Line(
                type='line', currency=self.grant.currency,
                company=self.company,
                account=self.grant.clearing_account,
                description=description,
                quantity=1, unit_price=amounts[taxes], taxes=list(taxes),
                origin=self)
            line.analytic_accounts = line.grant_analytic_entries(self.grant)
            lines.append(line)
        invoice.lines = lines
        return invoice

    def get_invoice_description(self):
        "Return the description of the claim in the company's language"
        pool = Pool()
        Lang = pool.get('ir.lang')
        language = company_language(self.company)
        lang = Lang.get(language)
        with Transaction().set_context(language=language):
            return gettext(
                'food_aid_subsidy.msg_claim_invoice_line',
                grant=self.grant.rec_name,
                start=lang.strftime(self.date_start),
                end=lang.strftime(self.date_end))

    @classmethod
    def set_invoice_taxes(cls, claims):
        """Set the taxes of the funder's invoices to the sum of the taxes
        that the claimed subsidies bore on the customer invoices, so that
        both add up to the tax of the full price"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceTax = pool.get('account.invoice.tax')
        to_write = []
        for claim in cls.browse(claims):
            tax_amounts = defaultdict(Decimal)
            for grant_line in claim.lines:
                taxes = grant_line.subsidy_taxes
                if len(taxes) == 1:
                    tax_amounts[taxes[0]] += grant_line.tax_amount or 0
            invoice = Invoice(claim.invoice.id)
            for tax_line in invoice.taxes:
                if tax_line.tax and tax_line.tax.id in tax_amounts:
                    amount = tax_amounts[tax_line.tax.id]
                    if tax_line.amount != amount:
                        to_write.extend(([tax_line], {'amount': amount}))
        if to_write:
            InvoiceTax.write(*to_write)

    @classmethod
    def reconcile_clearing(cls, claims):
        """Reconcile, per claim, the clearing account lines of the subsidies
        with the funder's invoice when they balance"""
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        MoveLine = pool.get('account.move.line')
        to_reconcile = []
        for claim in cls.browse(claims):
            account = claim.grant.clearing_account
            if not account.reconcile or not claim.invoice:
                continue
            invoices = {
                l.invoice_line.invoice.id for l in claim.lines
                if l.invoice_line}
            with without_check_access():
                subsidy_lines = InvoiceLine.search([
                        ('invoice', 'in', list(invoices)),
                        ('subsidy_grant', '=', claim.grant.id),
                        ])
                origins = [str(l) for l in subsidy_lines] + [
                    str(l) for l in claim.invoice.lines]
                move_lines = MoveLine.search([
                        ('origin', 'in', origins),
                        ('account', '=', account.id),
                        ('reconciliation', '=', None),
                        ])
            if move_lines and not sum(
                    (l.debit - l.credit for l in move_lines), Decimal(0)):
                to_reconcile.append(move_lines)
        if to_reconcile:
            with without_check_access():
                MoveLine.reconcile(*to_reconcile)

    @classmethod
    @Workflow.transition('paid')
    def pay(cls, claims):
        pass

    @classmethod
    def cancel_invoice(cls, claims):
        "The funder's invoice is cancelled: the lines may be claimed again"
        cls.release(claims)
        cls.write(claims, {'state': 'cancelled'})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, claims):
        pool = Pool()
        GrantLine = pool.get('food_aid.grant.line')
        with without_check_access():
            GrantLine.write(
                [l for c in claims for l in c.lines], {'claim': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, claims):
        pass


class ClaimStatement(DocumentMixin, Report):
    "The statement of every delivery a claim covers"
    __name__ = 'food_aid.grant.claim.statement'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['statement_lines'] = lambda claim: sorted(
            claim.lines, key=lambda l: (l.date, l.customer.rec_name, l.id))
        return context
