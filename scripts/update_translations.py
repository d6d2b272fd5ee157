#!/usr/bin/env python3
"""Bring a module's locale/fr.po up to date with its source strings.

Usage: scripts/update_translations.py MODULE [MODULE ...]

Keeps every existing translation, adds the new strings with an empty
translation (to fill in by hand) and drops the strings that are gone.
"""
import configparser
import os
import pathlib
import sys

os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
os.environ.setdefault('DB_NAME', ':memory:')

import polib  # noqa: E402

from trytond.tests.test_tryton import (  # noqa: E402
    DB_NAME, activate_module)
from trytond.transaction import Transaction  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent


def extras(module):
    "The optional dependencies of the module that the project ships"
    config = configparser.ConfigParser()
    config.read(ROOT / 'modules' / module / 'tryton.cfg')
    names = config.get('tryton', 'extras_depend', fallback='').split()
    return [n for n in names if (ROOT / 'modules' / n / 'tryton.cfg').exists()]


def update(module):
    from trytond.modules.food_aid.tests.tools import translatable_entries
    # with its optional dependencies, so that their strings are collected
    activate_module([module] + extras(module))
    with Transaction().start(DB_NAME, 0, readonly=True):
        entries = translatable_entries(module)
    path = ROOT / 'modules' / module / 'locale' / 'fr.po'
    old = {}
    if path.exists():
        old = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path))}
    po = polib.POFile(wrapwidth=78)
    po.metadata = {'Content-Type': 'text/plain; charset=utf-8'}
    missing = 0
    for entry in sorted(entries, key=lambda e: (e.msgctxt, e.msgid)):
        previous = old.get((entry.msgctxt, entry.msgid))
        entry.msgstr = previous.msgstr if previous else ''
        entry.flags = [f for f in entry.flags if f != 'fuzzy']
        missing += not entry.msgstr
        po.append(entry)
    path.parent.mkdir(exist_ok=True)
    po.save(str(path))
    print(f'{path.relative_to(ROOT)}: {len(po)} strings, {missing} to translate')


if __name__ == '__main__':
    for name in sys.argv[1:]:
        update(name)
