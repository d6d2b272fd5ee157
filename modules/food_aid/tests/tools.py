# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Helpers shared by the tests of the project's modules"
import io
import zipfile

import polib
import pypdf
from lxml import etree

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


def document_text(extension, content):
    """Return the text of a printed document: the text of each page of a
    PDF, the text of the content of an OpenDocument otherwise"""
    if extension == 'pdf':
        reader = pypdf.PdfReader(io.BytesIO(content))
        return '\n'.join(page.extract_text() for page in reader.pages)
    with zipfile.ZipFile(io.BytesIO(content)) as document:
        xml = document.read('content.xml')
        styles = document.read('styles.xml')
    text = []
    for part in [styles, xml]:
        root = etree.fromstring(part)
        for paragraph in root.iter(
                '{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p',
                '{urn:oasis:names:tc:opendocument:xmlns:text:1.0}h'):
            text.append(''.join(paragraph.itertext()))
    return '\n'.join(text)


def document_format():
    "The format the documents print in: PDF when LibreOffice is installed"
    from trytond.modules.food_aid.report import converter_available
    return 'pdf' if converter_available() else 'odt'
