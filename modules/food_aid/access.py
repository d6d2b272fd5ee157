# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Record rules checked before a guard speaks.

Tryton calls `check_modification` before it checks the record rules, so a
guard that names its record (a grant's reference, a donation's number) would
tell a user of another company what it may not read. Guards call
`check_rule` first: a record outside the user's rules gets Tryton's own
access error, which names nothing but its id."""
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction, inactive_records


def check_rule(Model, records, mode='write'):
    "Raise Tryton's rule error if a record is outside the user's rules"
    pool = Pool()
    Rule = pool.get('ir.rule')
    IrModel = pool.get('ir.model')
    transaction = Transaction()
    ids = {r.id for r in records if r.id is not None and r.id >= 0}
    if not transaction.user or not ids:
        return
    with transaction.set_context(_check_access=True):
        domain = Rule.domain_get(Model.__name__, mode=mode)
    if not domain:
        return
    with transaction.set_user(0), inactive_records():
        allowed = {r.id for r in Model.search(
                    [('id', 'in', list(ids)), domain], order=[])}
    wrong = sorted(ids - allowed)
    if wrong:
        raise AccessError(gettext(
                f'ir.msg_{mode}_rule_error',
                ids=', '.join(map(str, wrong[:5])),
                model=IrModel.get_name(Model.__name__),
                rules=''))


def check_company(company):
    """Raise Tryton's rule error unless the company is one of the user's:
    the reports that read the database in SQL for a company given in their
    data apply the company rule themselves"""
    pool = Pool()
    User = pool.get('res.user')
    IrModel = pool.get('ir.model')
    transaction = Transaction()
    if not transaction.user:
        return
    user = User(transaction.user)
    if company is None or company.id not in {c.id for c in user.companies}:
        raise AccessError(gettext(
                'ir.msg_read_rule_error',
                ids=str(company.id if company else ''),
                model=IrModel.get_name('company.company'),
                rules=''))


def check_deletable(records, states, message, name, error=AccessError):
    """Raise the error of the message, the record named by the parameter
    name, unless every record is in one of the states that may be deleted"""
    for record in records:
        if record.state not in states:
            raise error(gettext(message, **{name: record.rec_name}))
