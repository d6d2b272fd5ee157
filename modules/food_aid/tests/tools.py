# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Helpers shared by the tests of the project's modules"
import polib

from trytond.pool import Pool


def translatable_entries(module):
    """Return the PO entries a module must translate.

    Must run in a transaction on a database where the module is activated;
    it fills ir.translation the way the "Set Translations" wizard does.
    """
    pool = Pool()
    Translation = pool.get('ir.translation')
    TranslationSet = pool.get('ir.translation.set', type='wizard')
    session_id, _, _ = TranslationSet.create()
    TranslationSet(session_id).transition_set_()
    TranslationSet.delete(session_id)
    content = Translation.translation_export('en', module)
    return [e for e in polib.pofile(content.decode('utf-8')) if e.msgid]


def untranslated(module, po_path):
    "Return the entries of the module that the PO file does not translate"
    translated = {
        (e.msgctxt, e.msgid) for e in polib.pofile(po_path)
        if e.msgstr and 'fuzzy' not in e.flags}
    return [
        e for e in translatable_entries(module)
        if (e.msgctxt, e.msgid) not in translated]
