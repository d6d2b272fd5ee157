# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Demo data of food_aid_einvoicing: the public canteens are marked as
Chorus Pro buyers with their service codes, and one of their invoices is
posted and printed as Factur-X, the PDF attached to the invoice.

Called by the demo loader with configure(demo) before the sales and
load(demo) after them, on a configured proteus connection.
"""
import shutil
from decimal import Decimal

from stdnum import luhn

from proteus import Model, Report

# name of the catering establishment: its Chorus Pro service code
PUBLIC_BUYERS = {
    "Cuisine centrale de Soyaux": 'RESTAURATION-SCOLAIRE',
    "Collège Jules Verne": 'INTENDANCE',
    }


def step(message):
    print(f'    {message}', flush=True)


def company_siret(demo):
    "Give the platform's invoice address the SIRET Chorus Pro requires"
    party = demo.company.party
    if any(i.type == 'fr_siret' for i in party.identifiers):
        return
    siren, = [i.code_compact for i in party.identifiers
        if i.type == 'fr_siren']
    number = siren + '0001'
    identifier = party.identifiers.new(type='fr_siret')
    identifier.code = number + luhn.calc_check_digit(number)
    identifier.address = party.addresses[0]
    party.save()


def configure(demo):
    Party = Model.get('party.party')
    Configuration = Model.get('account.configuration')
    company_siret(demo)
    step(f"{len(PUBLIC_BUYERS)} public canteens invoiced through Chorus Pro")
    buyers = Party.find([('name', 'in', list(PUBLIC_BUYERS))])
    for party in buyers:
        party.chorus = True
        party.chorus_service_code = PUBLIC_BUYERS[party.name]
    Party.save(buyers)
    configuration = Configuration(1)
    # the credentials are the platform's own: see the README
    configuration.chorus_service = 'service-qualif'
    configuration.chorus_syntax = 'edocument.uncefact.invoice'
    configuration.save()


def load(demo):
    Party = Model.get('party.party')
    Invoice = Model.get('account.invoice')
    Attachment = Model.get('ir.attachment')
    canteen, = Party.find([('name', '=', "Cuisine centrale de Soyaux")])
    # the town's canteen asks for its commitment number from now on
    canteen.chorus_commitment_required = True
    canteen.save()
    product = next(iter(demo.products.values()))
    invoice = Invoice(type='out', party=canteen)
    invoice.chorus_commitment = f'EJ-{demo.today.year}-000417'
    line = invoice.lines.new()
    line.product = product
    line.quantity = 40
    line.unit_price = Decimal('2.2000')
    invoice.click('post')
    step(f"invoice {invoice.number} to the canteen, on Chorus Pro's list")
    if not shutil.which('soffice'):
        step("no LibreOffice (soffice): the Factur-X invoice is not printed")
        return
    extension, content, _, name = Report('account.invoice.facturx').execute(
        [invoice], {})
    Attachment(
        name=f'{name}.{extension}', resource=invoice, type='data',
        data=content).save()
    step(f"Factur-X invoice {name}.{extension} attached to {invoice.number}")
