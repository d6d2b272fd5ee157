# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Every document of the platform printed from the demo data as its reader
gets it: PDF when LibreOffice is installed (ODT otherwise), in French, with
the company header, the figures and the addresses, and no English left.

One database with every module and a short demo (two weeks of history
before the current week, not the demo's year), all documents in one test
case."""
import datetime as dt
import importlib.util
import pathlib
import re
import sys
import unittest

ROOT = pathlib.Path(__file__).resolve().parent.parent

# English that must not reach paper once the documents are translated
ENGLISH = [
    'Used', 'Remaining', 'Purchases', 'Organic products', 'Subsidy of grant',
    'Receipt number', 'Beneficiary body', 'Signature and stamp',
    'Done at', 'Page of', 'Phone:', 'Total (excl. taxes)', 'Amount in words',
    'Quantitative indicators', 'Who pays', "Customer's share", 'Full price',
    'Round Sheet', 'Deliveries covered', 'Date and signature',
    ]


def load_demo_data():
    "Import scripts/demo_data.py as a module"
    spec = importlib.util.spec_from_file_location(
        'demo_data', ROOT / 'scripts' / 'demo_data.py')
    module = importlib.util.module_from_spec(spec)
    sys.modules['demo_data'] = module
    spec.loader.exec_module(module)
    return module


GARDEN_VIENNE = "Jardin de Cocagne de la Vienne"


def project_modules():
    return sorted(
        p.parent.name for p in (ROOT / 'modules').glob('*/tryton.cfg'))


class DocumentsTestCase(unittest.TestCase):
    "The documents printed from the demo"

    @classmethod
    def setUpClass(cls):
        from proteus import config

        from trytond.tests.test_tryton import (
            DB_NAME, activate_module, drop_db)
        super().setUpClass()
        # the demo is committed: a database of its own, dropped after
        drop_db()
        # in French, as the platform runs: the translations are loaded
        activate_module(project_modules() + ['account_fr'], lang='fr')
        cls.config = config.set_trytond(DB_NAME)
        cls.demo = load_demo_data().load('documents-Pa55', weeks=2)

    @classmethod
    def tearDownClass(cls):
        from trytond.tests.test_tryton import drop_db
        super().tearDownClass()
        drop_db()

    def print_document(self, name, records, data=None):
        from proteus import Report

        from trytond.modules.food_aid.tests.tools import (
            document_format, document_text)
        extension, content, _, _ = Report(name).execute(records, data or {})
        self.assertEqual(extension, document_format(), name)
        text = document_text(extension, content)
        # LibreOffice may break a line anywhere: compare whitespace-free
        return text, re.sub(r'\s+', ' ', text)

    def assertFrench(self, name, text):
        for english in ENGLISH:
            self.assertNotIn(english, text, f"{name}: {english!r}")

    def assertHeader(self, name, text):
        company = self.demo.company.party
        self.assertIn(company.name, text, name)
        self.assertIn('ANGOULÊME', text, name)
        self.assertIn('SIRET', text, name)
        self.assertIn('Habilitation aide alimentaire', text, name)
        self.assertRegex(text, r'Page 1 / \d', name)

    def test_documents(self):
        "Each document is complete, in French, under the company header"
        from proteus import Model

        self.check_donation_receipt(Model)
        self.check_round_sheet(Model)
        self.check_sale_and_invoice(Model)
        self.check_grant_report_and_claim(Model)
        self.check_activity_report(Model)
        self.check_network_books(Model)

    def check_donation_receipt(self, Model):
        Donation = Model.get('food_aid.donation')
        donation, = Donation.find([], limit=1)
        name = 'food_aid.donation.receipt'
        _, text = self.print_document(name, [donation])
        self.assertHeader(name, text)
        self.assertFrench(name, text)
        self.assertIn('Cerfa n° 16216', text.replace('No ', 'n° '))
        for expected in [
                'Organisme bénéficiaire', donation.donor.name,
                'RUE DE PÉRIGUEUX', 'article 238 bis',
                'code général des impôts', 'euros']:
            self.assertIn(expected, text, expected)

    def check_round_sheet(self, Model):
        Round = Model.get('food_aid.delivery.round')
        round_, = Round.find([], limit=1, order=[('id', 'DESC')])
        name = 'food_aid.delivery.round.sheet'
        _, text = self.print_document(name, [round_])
        self.assertHeader(name, text)
        self.assertFrench(name, text)
        stop = round_.stops[0]
        self.assertIn(stop.party.name, text)
        self.assertIn(stop.address.city.upper(), text)
        self.assertIn('Tél. :', text)
        self.assertIn('Signature du client', text)
        self.assertIn('kg', text)

    def check_sale_and_invoice(self, Model):
        InvoiceLine = Model.get('account.invoice.line')
        subsidy_line, = InvoiceLine.find([
                ('subsidy_grant', '!=', None),
                ('invoice.type', '=', 'out'),
                ], limit=1)
        invoice = subsidy_line.invoice
        name = 'account.invoice'
        _, text = self.print_document(name, [invoice])
        self.assertHeader(name, text)
        for expected in [
                'Qui paie', 'Prix complet', 'Part de la subvention',
                'Part du client', 'TVA', 'HT', 'TTC']:
            self.assertIn(expected, text, expected)
        total = f'{invoice.total_amount:.2f}'.replace('.', ',')
        self.assertIn(total, text.replace('\u202f', ' ').replace(' ', ''))

        sale = [
            l.origin for l in invoice.lines
            if l.origin and l.origin.__class__.__name__ == 'sale.line'][0]
        name = 'sale.sale'
        _, text = self.print_document(name, [sale.sale])
        self.assertHeader(name, text)
        for expected in [
                'Qui paie', 'Prix complet', 'Part de la subvention',
                'Part du client', 'Décomposition du prix']:
            self.assertIn(expected, text, expected)

    def check_grant_report_and_claim(self, Model):
        Grant = Model.get('food_aid.grant')
        Claim = Model.get('food_aid.grant.claim')
        grant, = Grant.find([('reference', 'like', 'MMPT%')], limit=1)
        name = 'food_aid.reporting.grant.report'
        _, text = self.print_document(name, [grant])
        self.assertHeader(name, text)
        self.assertFrench(name, text)
        for expected in [
                'Objectifs', 'Actions réalisées', 'Indicateurs quantitatifs',
                'Kilogrammes distribués', 'Personnes aidées',
                'Part de fruits et légumes', 'Part de produits biologiques',
                'Part de produits locaux', 'Budget et utilisation',
                'Utilisé', 'Reste disponible', 'Je soussigné',
                'Fait à Angoulême', 'Signature et cachet']:
            self.assertIn(expected, text, expected)
        # a year is not a grouped number
        self.assertIn(str(dt.date.today().year), text)
        self.assertNotIn(f'{dt.date.today().year:,}'.replace(',', ' '), text)

        claim, = Claim.find([], limit=1)
        name = 'food_aid.grant.claim.statement'
        _, text = self.print_document(name, [claim])
        self.assertHeader(name, text)
        self.assertFrench(name, text)
        self.assertIn(claim.grant.funder.name, text)
        self.assertIn('Je soussigné', text)
        self.assertIn('Signature et cachet', text)

    def check_activity_report(self, Model):
        name = 'food_aid.reporting.activity'
        month = dt.date.today().replace(day=1)
        text, flat = self.print_document(name, [], {
                'company': self.demo.company.id, 'month': month})
        self.assertHeader(name, flat)
        self.assertFrench(name, flat)
        lines = [l.strip() for l in text.splitlines() if l.strip()]
        headers = [l for l in lines if l.startswith('Canal')]
        self.assertLessEqual(len(headers), 1, headers)
        # each column says something of its own
        self.assertNotIn('Subvention Subvention', flat)


    def check_network_books(self, Model):
        """Vienne's allocation drawn on Charente's surplus made Charente's
        sale to Vienne and Vienne's purchase from Charente, each with the
        VAT of its own garden's books"""
        from proteus import config

        Company = Model.get('company.company')
        Sale = Model.get('sale.sale')
        Purchase = Model.get('purchase.purchase')
        charente = self.demo.company
        vienne, = Company.find([('party.name', '=', GARDEN_VIENNE)])
        sale, = Sale.find([('party', '=', vienne.party.id)])
        self.assertEqual(sale.company.id, charente.id)
        self.assertEqual(
            {t.company.id for l in sale.lines for t in l.taxes},
            {charente.id})
        sale_amount = sale.untaxed_amount
        User = Model.get('res.user')
        proteus = config.get_config()
        admin, = User.find([('login', '=', 'admin')])

        def work_in(company):
            User.write([admin], {
                    'company': company.id, 'company_filter': 'one'},
                proteus.context)
            proteus._context = User.get_preferences(True, {})
        work_in(vienne)
        try:
            # Charente's own garden is a producer of its group: its
            # purchases from itself are Charente's
            purchase, = Purchase.find([
                    ('company', '=', vienne.id),
                    ('party', '=', charente.party.id),
                    ])
            self.assertEqual(purchase.untaxed_amount, sale_amount)
            self.assertEqual(
                {t.company.id for l in purchase.lines for t in l.taxes},
                {vienne.id})
        finally:
            work_in(charente)


class RoundSharesTestCase(unittest.TestCase):
    "The grants' VAT adds up to what the invoice computes on their lines"

    def test_round_shares(self):
        from decimal import Decimal as D

        from trytond.modules.currency.currency import Currency
        from trytond.modules.food_aid_subsidy.report import _round_shares

        class Euro:
            rounding = D('0.01')

            def round(self, amount, rounding='ROUND_HALF_EVEN'):
                return Currency._round(amount, self.rounding, rounding)

        # 83.85 € and 3.00 € at 5.5 %: 4.61175 + 0.165 = 4.77675 → 4.78
        shares = _round_shares(Euro(), [
                ('mmpt', D('83.85'), D('4.61175')),
                ('foundation', D('3.00'), D('0.165'))])
        self.assertEqual(shares, [
                ('mmpt', D('83.85'), D('4.61')),
                ('foundation', D('3.00'), D('0.17'))])
        self.assertEqual(sum(t for _, _, t in shares), D('4.78'))
        # credit notes: negative shares round the same way
        shares = _round_shares(Euro(), [
                ('mmpt', D('-83.85'), D('-4.61175')),
                ('foundation', D('-3.00'), D('-0.165'))])
        self.assertEqual(sum(t for _, _, t in shares), D('-4.78'))
