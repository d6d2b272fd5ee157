# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import os

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import untranslated


class FoodAidTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Food Aid module"
    module = 'food_aid'
    # A channel without company is shared by all the companies.
    _skip_company_rule = {('food_aid.channel', 'company')}

    @with_transaction()
    def test_french_translation_complete(self):
        "Every string of the module has its French translation"
        path = os.path.join(
            os.path.dirname(__file__), '..', 'locale', 'fr.po')
        missing = untranslated('food_aid', path)
        self.assertEqual(
            [f'{e.msgctxt} {e.msgid}' for e in missing], [])

    @with_transaction()
    def test_habilitation_expiry_requires_reference(self):
        "A habilitation expiry without reference is refused"
        pool = Pool()
        Party = pool.get('party.party')
        party = Party(
            name="Épicerie solidaire", is_food_aid_organisation=True,
            habilitation_expiry=dt.date(2027, 6, 30))
        with self.assertRaisesRegex(
                ValidationError, 'habilitation reference'):
            party.save()

        party.habilitation_reference = 'HAB-16-2024-012'
        party.save()
        self.assertTrue(party.id)

    @with_transaction()
    def test_organic_certificate_expiry_requires_reference(self):
        "An organic certificate expiry without reference is refused"
        pool = Pool()
        Party = pool.get('party.party')
        party = Party(
            name="Ferme des Coteaux", is_producer=True,
            organic_certificate_expiry=dt.date(2027, 3, 31))
        with self.assertRaisesRegex(
                ValidationError, 'certificate reference'):
            party.save()

        party.organic_certificate = 'FR-BIO-01/123456'
        party.save()
        self.assertTrue(party.id)

    @with_transaction()
    def test_habilitation_valid(self):
        "The habilitation is valid at the context date only"
        pool = Pool()
        Party = pool.get('party.party')
        expiring, = Party.create([{
                    'name': "Banque alimentaire",
                    'is_food_aid_organisation': True,
                    'habilitation_level': 'national',
                    'habilitation_reference': 'HAB-NAT-001',
                    'habilitation_expiry': dt.date(2026, 12, 31),
                    }])
        permanent, no_reference, not_organisation = Party.create([{
                    'name': "Secours populaire",
                    'is_food_aid_organisation': True,
                    'habilitation_reference': 'HAB-NAT-002',
                    }, {
                    'name': "Association sans habilitation",
                    'is_food_aid_organisation': True,
                    }, {
                    'name': "Cantine",
                    'is_catering': True,
                    }])
        organisations = [expiring, permanent, no_reference, not_organisation]

        for date, valid in [
                (dt.date(2026, 12, 31), {expiring, permanent}),
                (dt.date(2027, 1, 1), {permanent}),
                ]:
            with Transaction().set_context(date=date):
                records = Party.browse(organisations)
                self.assertEqual(
                    {p for p in records if p.habilitation_valid}, valid)
                self.assertEqual(
                    set(Party.search([
                                ('id', 'in', [p.id for p in organisations]),
                                ('habilitation_valid', '=', True),
                                ])), valid)
                self.assertEqual(
                    set(Party.search([
                                ('id', 'in', [p.id for p in organisations]),
                                ('habilitation_valid', '=', False),
                                ])), set(organisations) - valid)

    def _beneficiary_count(self, **values):
        pool = Pool()
        Party = pool.get('party.party')
        Count = pool.get('food_aid.beneficiary.count')
        party = Party(name="Restos du cœur Angoulême",
            is_food_aid_organisation=True)
        party.save()
        count = Count(
            party=party,
            date_start=dt.date(2026, 1, 1), date_end=dt.date(2026, 12, 31),
            persons=120, households=50, women=60, children=40, seniors=15,
            disabled=5, migrants=10, homeless=8)
        for name, value in values.items():
            setattr(count, name, value)
        return count

    @with_transaction()
    def test_beneficiary_count_valid(self):
        "A consistent beneficiary count is saved"
        company = create_company()
        with set_company(company):
            count = self._beneficiary_count()
            count.save()
            self.assertEqual(count.company, company)

    @with_transaction()
    def test_beneficiary_count_negative(self):
        "A negative beneficiary count is refused"
        company = create_company()
        with set_company(company):
            for name in ['persons', 'households', 'homeless']:
                count = self._beneficiary_count(**{name: -1})
                with self.assertRaisesRegex(
                        ValidationError, 'cannot be negative'):
                    count.save()

    @with_transaction()
    def test_beneficiary_count_above_persons(self):
        "A sub-count above the persons is refused"
        company = create_company()
        with set_company(company):
            for name in ['women', 'children', 'seniors', 'households']:
                count = self._beneficiary_count(**{name: 121})
                with self.assertRaisesRegex(
                        ValidationError, 'greater than the number'):
                    count.save()

    @with_transaction()
    def test_beneficiary_count_inverted_dates(self):
        "A beneficiary count ending before it starts is refused"
        company = create_company()
        with set_company(company):
            count = self._beneficiary_count(date_end=dt.date(2025, 12, 31))
            with self.assertRaisesRegex(
                    ValidationError, 'on or after its start date'):
                count.save()

    @with_transaction()
    def test_quality_labels_data(self):
        "The 12 EGalim quality labels are available, one organic"
        pool = Pool()
        Label = pool.get('food_aid.quality_label')
        labels = Label.search([])
        self.assertEqual(
            {l.code for l in labels},
            {'BIO', 'LABEL_ROUGE', 'AOCAOP', 'IGP', 'STG', 'HVE',
                'PECHE_DURABLE', 'RUP', 'COMMERCE_EQUITABLE', 'FERMIER',
                'EXTERNALITES', 'PERFORMANCE'})
        self.assertEqual([l.code for l in labels if l.organic], ['BIO'])

    @with_transaction()
    def test_channel_data(self):
        "One channel of each kind is available"
        pool = Pool()
        Channel = pool.get('food_aid.channel')
        self.assertEqual(
            sorted(c.kind for c in Channel.search([])),
            ['basket', 'catering', 'food_aid', 'other'])
