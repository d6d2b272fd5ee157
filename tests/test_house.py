"""The house in order: every module ships its documentation in Tryton's
layout and a CHANGELOG, the licence is at the top level, and the README
names every module."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULES = sorted(
    p.parent for p in (ROOT / 'modules').glob('*/tryton.cfg'))
DOC_PAGES = ['index', 'usage', 'configuration', 'design']


def test_licence_and_copyright():
    licence = (ROOT / 'LICENSE').read_text(encoding='utf-8')
    assert 'GNU GENERAL PUBLIC LICENSE' in licence
    assert 'Version 3' in licence
    assert (ROOT / 'COPYRIGHT').read_text(encoding='utf-8').strip()
    setup = (ROOT / 'setup.cfg').read_text(encoding='utf-8')
    assert 'GPL-3.0-or-later' in setup


@pytest.mark.parametrize('module', MODULES, ids=lambda p: p.name)
def test_module_documented(module):
    doc = module / 'doc'
    for page in DOC_PAGES:
        path = doc / f'{page}.rst'
        assert path.is_file(), f"{module.name} has no doc/{page}.rst"
        text = path.read_text(encoding='utf-8')
        # a title and at least a paragraph of prose, not an empty page
        assert re.search(r'^[#*=]{3,}$', text, re.M), path
        words = re.findall(r'\w+', text)
        assert len(words) >= 30, f"{path} says too little"
    index = (doc / 'index.rst').read_text(encoding='utf-8')
    for page in DOC_PAGES[1:]:
        assert re.search(rf'^\s+{page}\s*$', index, re.M), (
            f"{module.name}'s doc/index.rst does not list {page}")
    changelog = (module / 'CHANGELOG').read_text(encoding='utf-8')
    assert changelog.startswith('Version '), module.name


@pytest.mark.parametrize('module', MODULES, ids=lambda p: p.name)
def test_module_in_readme(module):
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    assert f'`{module.name}`' in readme, (
        f"README.md does not name {module.name}")
