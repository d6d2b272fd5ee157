"""pytest integration of Tryton's tests.

Collects each module's scenario_*.rst as Tryton itself runs them (doctest
flags, output checker, set-up and teardown), skips the unittest base classes
that test modules import, and gives every xdist worker its own test database
and database cache so that two workers never race on the same file.
"""
import configparser
import doctest
import hashlib
import json
import os
import pathlib
import time
import unittest
from collections import defaultdict

import pytest

ROOT = pathlib.Path(__file__).resolve().parent
MODULES = ROOT / 'modules'
KEYED_SUFFIXES = {'.py', '.xml', '.cfg', '.po', '.fodt', '.csv', '.rst'}

def pytest_configure(config):
    # Runs in each xdist worker before any test module imports trytond's
    # test tools, which read DB_NAME and DB_CACHE once.
    if (getattr(config.option, 'numprocesses', None)
            and not hasattr(config, 'workerinput')):
        return  # the xdist controller runs no test
    worker = getattr(config, 'workerinput', {}).get('workerid', 'main')
    cache = os.environ.get('DB_CACHE')
    if cache and not cache.startswith('postgresql://'):
        os.environ['DB_CACHE'] = os.path.join(cache, worker)
    if (os.environ.get('TRYTOND_DATABASE__URI', '').startswith('postgresql')
            and not os.environ.get('DB_NAME')):
        os.environ['DB_NAME'] = f'test_food_aid_{worker}_{os.getpid()}'
    if os.environ.get('DB_CACHE'):
        key_db_cache_by_content(worker)


def project_modules(modules):
    "Return the project's modules among modules and their dependencies"
    found, stack = set(), list(modules)
    while stack:
        module = stack.pop()
        config = MODULES / module / 'tryton.cfg'
        if module in found or not config.exists():
            continue
        found.add(module)
        parser = configparser.ConfigParser()
        parser.read(config, encoding='utf-8')
        for option in ['depends', 'extras_depend']:
            stack.extend(
                parser.get('tryton', option, fallback='').split())
    return found


def modules_key(modules):
    "Return a digest of the content of the project's modules activated"
    digest = hashlib.sha1()
    for module in sorted(project_modules(modules)):
        for path in sorted((MODULES / module).rglob('*')):
            if path.suffix in KEYED_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(MODULES)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key_db_cache_by_content(worker):
    """Name each cached database after the content of the project's modules
    it activates, so that a changed module rebuilds only the databases
    that contain it and a stale one is never restored

    On PostgreSQL with DB_CACHE=postgresql://…, the cache is a template
    database per worker (copied by CREATE DATABASE, much faster than
    pg_restore): two workers never create the same template at once."""
    from trytond.tests import test_tryton
    db_cache_file = test_tryton._db_cache_file
    if getattr(db_cache_file, 'keyed', False):
        return
    keys = {}

    def keyed_db_cache_file(path, name):
        # name is the activated modules joined by "-", then "--" and the
        # language when not English
        modules = name.split('--')[0].split('-')
        if name not in keys:
            keys[name] = modules_key(modules)
        key = keys[name]
        if path.startswith('postgresql://'):
            key += f'@{worker}'
        return db_cache_file(path, f'{name}@{key}')
    keyed_db_cache_file.keyed = True
    test_tryton._db_cache_file = keyed_db_cache_file


# The time of each part of the run: a module's tests, a cross-module test
PART_TIMES = defaultdict(float)


def pytest_runtest_logreport(report):
    parts = report.nodeid.split('::')[0].split('/')
    part = '/'.join(parts[:2]) if parts[0] == 'modules' else parts[-1]
    PART_TIMES[part] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not PART_TIMES:
        return
    terminalreporter.section('time of each part (summed over workers)')
    for part, seconds in sorted(
            PART_TIMES.items(), key=lambda i: i[1], reverse=True):
        terminalreporter.write_line(
            f'{time.strftime("%M:%S", time.gmtime(seconds))}  {part}')
    terminalreporter.write_line(
        f'{time.strftime("%H:%M:%S", time.gmtime(sum(PART_TIMES.values())))}'
        '  in all')


def pytest_pycollect_makeitem(collector, name, obj):
    # A TestCase imported from another module (ModuleTestCase itself, mixins)
    # is tested where it is defined, not in every module that imports it.
    if (isinstance(obj, type) and issubclass(obj, unittest.TestCase)
            and obj.__module__ != collector.obj.__name__):
        return []


def pytest_collect_file(file_path, parent):
    if (file_path.suffix == '.rst'
            and file_path.name.startswith('scenario')
            and file_path.parent.name == 'tests'):
        return ScenarioFile.from_parent(parent, path=file_path)


class ScenarioFile(pytest.File):

    def collect(self):
        config = self.path.with_suffix('.json')
        if config.exists():
            configs = json.loads(config.read_text(encoding='utf-8'))
        else:
            configs = [{}]
        for index, globs in enumerate(configs):
            name = self.path.name
            if len(configs) > 1:
                name += f'[{index}]'
            yield ScenarioItem.from_parent(self, name=name, globs=globs)


class ScenarioFailure(Exception):
    pass


class ScenarioItem(pytest.Item):

    def __init__(self, *, globs, **kwargs):
        super().__init__(**kwargs)
        self.globs = globs

    def runtest(self):
        from trytond import backend
        from trytond.tests.test_tryton import (
            STRIP_DECIMAL, doctest_checker, doctest_setup, doctest_teardown)
        optionflags = (
            doctest.REPORT_ONLY_FIRST_FAILURE
            | doctest.ELLIPSIS
            | doctest.IGNORE_EXCEPTION_DETAIL)
        if backend.name == 'sqlite':
            optionflags |= STRIP_DECIMAL
        suite = doctest.DocFileSuite(
            str(self.path), module_relative=False, globs=dict(self.globs),
            setUp=doctest_setup, tearDown=doctest_teardown,
            encoding='utf-8', checker=doctest_checker,
            optionflags=optionflags)
        result = unittest.TestResult()
        cwd = os.getcwd()
        os.chdir(self.path.parent)
        try:
            suite.run(result)
        finally:
            os.chdir(cwd)
            # a scenario may print its documents in their template's format
            import trytond.config
            if trytond.config.has_section('food_aid'):
                trytond.config.remove_section('food_aid')
        problems = result.failures + result.errors
        if problems:
            raise ScenarioFailure('\n'.join(text for _, text in problems))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f'scenario {self.name}'
