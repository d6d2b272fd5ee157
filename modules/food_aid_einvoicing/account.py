# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import base64
import posixpath

import requests

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import ChorusRefusalError

DEPOSIT_PATH = 'cpro/factures/v1/deposer/flux'


def chorus_url(name):
    "The Chorus Pro address set in the configuration file, if any"
    return config.get('food_aid_einvoicing', name, default=None)


class CredentialChorus(metaclass=PoolMeta):
    __name__ = 'account.credential.chorus'

    @classmethod
    def _get_token(cls, session):
        pool = Pool()
        Configuration = pool.get('account.configuration')
        token_url = chorus_url('chorus_oauth_url')
        if not token_url:
            return super()._get_token(session)
        configuration = Configuration(1)
        return session.fetch_token(
            token_url,
            client_id=configuration.chorus_piste_client_id,
            client_secret=configuration.chorus_piste_client_secret)

    @classmethod
    def post(cls, path, payload, session=None):
        try:
            if chorus_url('chorus_api_url'):
                response = cls._post_configured(path, payload, session)
            else:
                response = super().post(path, payload, session=session)
        except requests.HTTPError as exception:
            raise ChorusRefusalError(gettext(
                    'food_aid_einvoicing.msg_chorus_http_error',
                    status=exception.response.status_code,
                    message=exception.response.text[:500])) from exception
        except requests.RequestException as exception:
            raise ChorusRefusalError(gettext(
                    'food_aid_einvoicing.msg_chorus_unreachable',
                    error=str(exception))) from exception
        # a deposit Chorus Pro refuses is answered with a return code
        if path == DEPOSIT_PATH and response.get('codeRetour'):
            raise ChorusRefusalError(gettext(
                    'food_aid_einvoicing.msg_chorus_refused',
                    code=response.get('codeRetour'),
                    message=response.get('libelle') or ''))
        return response

    @classmethod
    def _post_configured(cls, path, payload, session=None):
        "Post to the Chorus Pro address of the configuration file"
        pool = Pool()
        Configuration = pool.get('account.configuration')
        configuration = Configuration(1)
        if not session:
            session = cls.get_session()
        url = posixpath.join(chorus_url('chorus_api_url'), path)
        account = (
            f'{configuration.chorus_login}:{configuration.chorus_password}')
        headers = {
            'cpro-account': base64.b64encode(account.encode('utf-8')),
            }
        timeout = config.getfloat(
            'account_fr_chorus', 'requests_timeout', default=300)
        response = session.post(
            url, headers=headers, json=payload, verify=True, timeout=timeout)
        response.raise_for_status()
        return response.json()


class InvoiceChorus(metaclass=PoolMeta):
    __name__ = 'account.invoice.chorus'

    message = fields.Text("Message", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # confined to the companies and rights of its invoice
        cls.__access__.add('invoice')

    @classmethod
    def default_syntax(cls):
        # the Cross Industry Invoice is the syntax Chorus Pro reads from us
        return super().default_syntax() or 'edocument.uncefact.invoice'

    @classmethod
    def send(cls, records=None):
        """Send each invoice on its own: a refusal is kept on the record and
        the others are still sent; the user who clicked is told of it"""
        transaction = Transaction()
        interactive = records is not None
        if records is None:
            records = cls.search([
                    ('invoice.company', '=', transaction.context.get('company')),
                    ('state', '=', 'draft'),
                    ])
        refusals = []
        for record in records:
            try:
                super().send([record])
            except ChorusRefusalError as exception:
                transaction.rollback()
                cls.write([cls(record.id)], {'message': exception.message})
                transaction.commit()
                refusals.append(exception)
        if refusals and interactive:
            raise refusals[0]

    def get_payload(self):
        payload = super().get_payload()
        self.message = None
        return payload

    @classmethod
    def fail(cls, records):
        super().fail(records)
        cls.write(records, {
                'message': gettext('food_aid_einvoicing.msg_chorus_rejected'),
                })

    @classmethod
    def succeed(cls, records):
        super().succeed(records)
        cls.write(records, {'message': None})
