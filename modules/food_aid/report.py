# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import atexit
import logging
import os
import pathlib
import shlex
import shutil
import subprocess
import tempfile
import threading

import trytond.config as config
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

DEFAULT_CONVERTER = 'soffice'
logger = logging.getLogger(__name__)


def converter_available():
    """Tell if the documents are converted to PDF: when the converting
    program is installed, unless [food_aid] document_format = odt (the
    scenarios read the templates' own format)"""
    if config.get('food_aid', 'document_format', default='pdf') != 'pdf':
        return False
    command = config.get('report', 'convert_command', default=None)
    program = shlex.split(command)[0] if command else DEFAULT_CONVERTER
    return shutil.which(program) is not None


class DocumentMixin:
    """The common part of the platform's documents

    The context has the company of the document for the header and footer
    shared by every template, and the documents print as PDF when
    LibreOffice is installed and stay in their template's format otherwise.
    """
    __slots__ = ()

    @classmethod
    def _document_company(cls, records):
        pool = Pool()
        Company = pool.get('company.company')
        for record in records or []:
            company = getattr(record, 'company', None)
            if company:
                return company
        company_id = Transaction().context.get('company')
        if company_id is not None and company_id >= 0:
            return Company(company_id)

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        company = context.get('company') or cls._document_company(records)
        context['company'] = company
        context['document_company'] = document_company(company)
        address = postal_address(company.party) if company else None
        context['document_city'] = address.city if address else ''
        with Transaction().set_context(
                company=company.id if company else None):
            context['document_date'] = Date.today()
        context['format_year'] = format_year
        return context

    @classmethod
    def convert(cls, report, data, timeout=5 * 60, retry=5):
        input_format = report.template_extension
        output_format = report.extension or input_format
        if (output_format != 'pdf' or input_format == output_format
                or config.get('report', 'convert_command', default=None)):
            return super().convert(
                report, data, timeout=timeout, retry=retry)
        if not converter_available():
            return input_format, data
        return to_pdf(report.report_name, input_format, data, timeout, retry)


def to_pdf(name, input_format, data, timeout, retry):
    """Convert data to PDF with LibreOffice, in a profile of the process and
    thread: instances sharing a profile refuse to run side by side.  Return
    the data unchanged when LibreOffice fails."""
    profile = pathlib.Path(
        tempfile.gettempdir(),
        f'trytond-soffice-{os.getpid()}-{threading.get_ident()}')
    if not profile.exists():
        atexit.register(shutil.rmtree, profile, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix='trytond_') as directory:
        path = pathlib.Path(
            directory, name.replace('.', '_')).with_suffix('.' + input_format)
        mode = 'w' if isinstance(data, str) else 'wb'
        with open(path, mode) as fp:
            fp.write(data)
        output = path.with_suffix('.pdf')
        for attempt in range(retry + 1):
            try:
                subprocess.run([
                        DEFAULT_CONVERTER, '--headless', '--nolockcheck',
                        '--nodefault', '--norestore',
                        f'-env:UserInstallation={profile.as_uri()}',
                        '--convert-to', 'pdf', '--outdir', directory,
                        str(path)],
                    timeout=timeout, check=True, stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except (subprocess.SubprocessError, OSError):
                logger.warning(
                    "attempt %d to convert %s to PDF failed", attempt, name,
                    exc_info=True)
                continue
            if output.exists():
                return 'pdf', output.read_bytes()
        logger.error("fail to convert %s to PDF", name)
        return input_format, data


def format_year(value):
    "A year is not a grouped number: 2025, never 2 025"
    return str(getattr(value, 'year', value))


def postal_address(party):
    "The first address of the party that has something to print"
    for address in party.addresses:
        if address.street or address.postal_code or address.city:
            return address
    return party.address_get()


def document_company(company):
    "The lines of the company block printed at the top of every document"
    if not company:
        return {'name': '', 'lines': [], 'footer': []}
    party = company.party
    address = postal_address(party)
    lines = []
    if address:
        # the address without the party's name, printed above it
        lines.append(' – '.join(
                l for l in address.full_address.splitlines()
                if l.strip() and l.strip() != party.full_name))
    identifiers = []
    if address and address.siret:
        identifiers.append(gettext(
                'food_aid.msg_document_siret', siret=address.siret.code))
    elif party.siren:
        identifiers.append(gettext(
                'food_aid.msg_document_siren', siren=party.siren.code))
    if getattr(party, 'habilitation_reference', None):
        identifiers.append(gettext(
                'food_aid.msg_document_habilitation',
                reference=party.habilitation_reference))
    if identifiers:
        lines.append(' – '.join(identifiers))
    footer = []
    if party.phone:
        footer.append(gettext(
                'food_aid.msg_document_contact', phone=party.phone))
    if party.email:
        footer.append(party.email)
    return {
        'name': party.name,
        'lines': lines,
        'footer': ' – '.join(footer),
        'page': gettext('food_aid.msg_document_page'),
        }
