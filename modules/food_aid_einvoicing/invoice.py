# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import pathlib
import subprocess
import tempfile
from decimal import Decimal

import facturx

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.product import price_digits
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

from .exceptions import EInvoiceDifferenceError, FacturXError, PublicBuyerError

# LibreOffice's export to PDF/A-3b, the archive format Factur-X requires
PDFA_FILTER = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"3"}}')


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    chorus_commitment = fields.Char(
        "Commitment Number",
        states={
            'invisible': Eval('type') != 'out',
            'readonly': Eval('state') != 'draft',
            },
        help="The public buyer's commitment (purchase order) number, "
        "sent to Chorus Pro.")
    chorus_state = fields.Function(fields.Selection([
                (None, ""),
                ('draft', "To Send"),
                ('sent', "Sent"),
                ('done', "Done"),
                ('exception', "Exception"),
                ], "Chorus Pro State",
            states={
                'invisible': ~Eval('chorus_state'),
                }),
        'get_chorus')
    chorus_message = fields.Function(fields.Text(
            "Chorus Pro Message",
            states={
                'invisible': ~Eval('chorus_message'),
                }),
        'get_chorus')
    einvoice_state = fields.Selection([
            (None, ""),
            ('to_accept', "Differences to Accept"),
            ('accepted', "Differences Accepted"),
            ('matched', "Matched"),
            ], "E-Invoice", readonly=True,
        states={
            'invisible': ~Eval('einvoice_state'),
            },
        help="How the producer's e-invoice compares with the weighed "
        "quantities and fair prices of its purchases.")
    einvoice_difference = fields.Function(Monetary(
            "E-Invoice Difference", currency='currency', digits='currency',
            states={
                'invisible': ~Eval('einvoice_state'),
                },
            help="What the producer invoices above (or below) the weighed "
            "quantities at the fair prices."),
        'get_einvoice_difference')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude.update(['einvoice_state'])
        cls._buttons.update(
            accept_einvoice_differences={
                'invisible': Eval('einvoice_state') != 'to_accept',
                'depends': ['einvoice_state'],
                },
            )

    @classmethod
    def get_chorus(cls, invoices, names):
        pool = Pool()
        InvoiceChorus = pool.get('account.invoice.chorus')
        result = {name: {i.id: None for i in invoices} for name in names}
        with without_check_access():
            records = InvoiceChorus.search([
                    ('invoice', 'in', [i.id for i in invoices]),
                    ])
        for record in records:
            if 'chorus_state' in result:
                result['chorus_state'][record.invoice.id] = record.state
            if 'chorus_message' in result:
                result['chorus_message'][record.invoice.id] = record.message
        return result

    @classmethod
    def get_einvoice_difference(cls, invoices, name):
        result = {}
        for invoice in invoices:
            if invoice.einvoice_state:
                result[invoice.id] = sum(
                    (l.amount_difference or 0 for l in invoice.lines
                        if l.type == 'line'), Decimal(0))
            else:
                result[invoice.id] = None
        return result

    def _credit(self, **values):
        credit = super()._credit(**values)
        credit.chorus_commitment = self.chorus_commitment
        return credit

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('einvoice_state')
        return super().copy(invoices, default=default)

    @classmethod
    def check_public_buyers(cls, invoices):
        "Check that the public buyers have what Chorus Pro requires"
        for invoice in invoices:
            party = invoice.party
            if invoice.type != 'out' or not party.chorus:
                continue
            address = invoice.invoice_address
            if not address or not address.siret:
                raise PublicBuyerError(gettext(
                        'food_aid_einvoicing.msg_public_buyer_no_siret',
                        invoice=invoice.rec_name, party=party.rec_name))
            if not party.chorus_service_code:
                raise PublicBuyerError(gettext(
                        'food_aid_einvoicing.msg_public_buyer_no_service_code',
                        invoice=invoice.rec_name, party=party.rec_name))
            if (party.chorus_commitment_required
                    and not invoice.chorus_commitment):
                raise PublicBuyerError(gettext(
                        'food_aid_einvoicing.msg_public_buyer_no_commitment',
                        invoice=invoice.rec_name, party=party.rec_name))

    @classmethod
    def check_einvoice_differences(cls, invoices):
        for invoice in invoices:
            if invoice.einvoice_state == 'to_accept':
                raise EInvoiceDifferenceError(gettext(
                        'food_aid_einvoicing.msg_einvoice_differences',
                        invoice=invoice.rec_name,
                        difference=invoice.einvoice_difference))

    @classmethod
    def validate_invoice(cls, invoices):
        cls.check_einvoice_differences(invoices)
        super().validate_invoice(invoices)

    @classmethod
    def _post(cls, invoices):
        to_post = [i for i in invoices if i.state in {'draft', 'validated'}]
        cls.check_public_buyers(to_post)
        cls.check_einvoice_differences(to_post)
        super()._post(invoices)

    @classmethod
    @ModelView.button
    def accept_einvoice_differences(cls, invoices):
        "The accounting staff accept what the producer invoices"
        cls.write(
            [i for i in invoices if i.einvoice_state == 'to_accept'],
            {'einvoice_state': 'accepted'})


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    weighed_quantity = fields.Float(
        "Weighed Quantity", digits='unit', readonly=True,
        states={
            'invisible': Eval('weighed_quantity', None) == None,  # noqa: E711
            },
        help="The quantity received and weighed for the purchase, "
        "not yet invoiced.")
    agreed_unit_price = Monetary(
        "Agreed Unit Price", currency='currency', digits=price_digits,
        readonly=True,
        states={
            'invisible': Eval('weighed_quantity', None) == None,  # noqa: E711
            },
        help="The unit price of the purchase: the producer's fair price.")
    quantity_difference = fields.Function(fields.Float(
            "Quantity Difference", digits='unit',
            states={
                'invisible': Eval('weighed_quantity', None) == None,  # noqa
                }),
        'get_differences')
    unit_price_difference = fields.Function(Monetary(
            "Unit Price Difference", currency='currency', digits=price_digits,
            states={
                'invisible': Eval('weighed_quantity', None) == None,  # noqa
                }),
        'get_differences')
    amount_difference = fields.Function(Monetary(
            "Amount Difference", currency='currency', digits='currency',
            states={
                'invisible': Eval('weighed_quantity', None) == None,  # noqa
                }),
        'get_differences')

    @classmethod
    def get_differences(cls, lines, names):
        result = {name: {l.id: None for l in lines} for name in names}
        for line in lines:
            if line.weighed_quantity is None:
                continue
            quantity = line.quantity or 0
            unit_price = line.unit_price or Decimal(0)
            agreed = line.agreed_unit_price or Decimal(0)
            expected = line.currency.round(
                Decimal(str(line.weighed_quantity)) * agreed)
            values = {
                'quantity_difference': line.unit.round(
                    quantity - line.weighed_quantity)
                if line.unit else quantity - line.weighed_quantity,
                'unit_price_difference': unit_price - agreed,
                'amount_difference': (line.amount or Decimal(0)) - expected,
                }
            for name in names:
                result[name][line.id] = values[name]
        return result

    @property
    def has_einvoice_difference(self):
        return bool(self.amount_difference or self.quantity_difference
            or self.unit_price_difference)

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('weighed_quantity')
        default.setdefault('agreed_unit_price')
        return super().copy(lines, default=default)


class InvoiceFacturX(Report):
    "The invoice printed as Factur-X: its PDF with the CII XML embedded"
    __name__ = 'account.invoice.facturx'

    @classmethod
    def execute(cls, ids, data):
        with Transaction().set_context(address_with_party=True):
            return super().execute(ids, data)

    @classmethod
    def _execute(cls, records, header, data, action):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceReport = pool.get('account.invoice', type='report')
        EDocument = pool.get('edocument.uncefact.invoice')
        invoice, = Invoice.browse(records)
        if invoice.type != 'out' or invoice.state not in {'posted', 'paid'}:
            raise FacturXError(gettext(
                    'food_aid_einvoicing.msg_facturx_not_posted',
                    invoice=invoice.rec_name))
        format_, content, _, _ = InvoiceReport.execute([invoice.id], {})
        if isinstance(content, str):
            content = content.encode('utf-8')
        if format_ != 'pdf':
            content = cls.convert_pdfa(content, format_)
        xml = EDocument(invoice).render('EN16931')
        return 'pdf', facturx.generate_from_binary(
            content, xml, flavor='factur-x', level='en16931',
            check_xsd=True, lang=invoice.party_lang or None,
            pdf_metadata={
                'author': invoice.company.rec_name,
                'keywords': 'Factur-X',
                'title': invoice.rec_name,
                'subject': invoice.rec_name,
                })

    @classmethod
    def convert_pdfa(cls, content, format_):
        "Convert the document to PDF/A-3 with LibreOffice"
        command = config.get(
            'food_aid_einvoicing', 'soffice', default='soffice')
        timeout = config.getint(
            'food_aid_einvoicing', 'convert_timeout', default=300)
        with tempfile.TemporaryDirectory(prefix='trytond_') as directory:
            path = pathlib.Path(directory, 'invoice.' + format_)
            path.write_bytes(content)
            try:
                subprocess.run([
                        command, '--headless', '--nolockcheck',
                        '--nodefault', '--norestore',
                        f'-env:UserInstallation=file://{directory}/profile',
                        '--convert-to', PDFA_FILTER,
                        '--outdir', directory, str(path)],
                    timeout=timeout, check=True, capture_output=True)
                return path.with_suffix('.pdf').read_bytes()
            except (subprocess.SubprocessError, OSError) as exception:
                raise FacturXError(gettext(
                        'food_aid_einvoicing.msg_facturx_conversion',
                        error=str(exception))) from exception
