"""Packaging of the food-aid platform.

Metadata and dependencies live in setup.cfg; this file only maps every folder
of modules/ that holds a tryton.cfg to the package trytond.modules.<name> and
declares it to trytond, so that a new module needs no change here.
"""
import pathlib

from setuptools import setup

ROOT = pathlib.Path(__file__).resolve().parent


def tryton_modules():
    for cfg in sorted(ROOT.glob('modules/*/tryton.cfg')):
        yield cfg.parent.name


def module_packages(name):
    base = ROOT / 'modules' / name
    yield f'trytond.modules.{name}', f'modules/{name}'
    for init in sorted(base.glob('*/**/__init__.py')):
        package = init.parent.relative_to(base)
        yield (
            '.'.join(('trytond.modules', name) + package.parts),
            f'modules/{name}/{package.as_posix()}')


package_dir = dict(
    item for name in tryton_modules() for item in module_packages(name))
package_data = {
    package: [
        '*.xml', '*.fodt', '*.cfg', '*.csv', 'view/*.xml', 'locale/*.po',
        'icons/*.svg', 'tests/*.rst', 'tests/*.json', 'tests/*.csv']
    for package in package_dir if package.count('.') == 2}

setup(
    packages=list(package_dir),
    package_dir=package_dir,
    package_data=package_data,
    entry_points={
        'trytond.modules': [
            f'{name} = trytond.modules.{name}' for name in tryton_modules()],
        },
    )
