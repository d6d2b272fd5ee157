"""pytest integration of Tryton's tests.

Collects each module's scenario_*.rst as Tryton itself runs them (doctest
flags, output checker, set-up and teardown), skips the unittest base classes
that test modules import, and gives every xdist worker its own test database
and database cache so that two workers never race on the same file.
"""
import doctest
import json
import os
import unittest

import pytest

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
        problems = result.failures + result.errors
        if problems:
            raise ScenarioFailure('\n'.join(text for _, text in problems))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f'scenario {self.name}'
