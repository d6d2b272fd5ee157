# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The rights of each role on every model of the project, as stated by
access_matrix.py, and the isolation of the companies of one database.

A model added to a module without its row in the matrix, or a right that
differs from it, fails here: a hole in the rights cannot be added silently.
"""
import importlib
import importlib.util
import pathlib
import unittest

from trytond.model import ModelStorage
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    'access_matrix', pathlib.Path(__file__).with_name('access_matrix.py'))
access_matrix = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(access_matrix)


def project_modules():
    return sorted(
        cfg.parent.name for cfg in ROOT.glob('modules/*/tryton.cfg'))


def project_models():
    "Return the names of the storage models registered by the project"
    pool = Pool()
    names = set()
    for module in project_modules():
        for cls in Pool.classes['model'].get(module, {}):
            if isinstance(cls, str):
                path, _, name = cls.rpartition('.')
                cls = getattr(importlib.import_module(
                        f'trytond.modules.{module}.{path}'), name)
            Model = pool.get(cls.__name__)
            if issubclass(Model, ModelStorage):
                names.add(Model.__name__)
    return sorted(names)


def role_users():
    "Create a user per role with the groups of the role"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    users = {}
    for role, xml_ids in access_matrix.ROLES.items():
        groups = [ModelData.get_id(*x.split('.')) for x in xml_ids]
        user, = User.search([('login', '=', f'access_{role}')]) or [None]
        if not user:
            user, = User.create([{
                        'name': role, 'login': f'access_{role}',
                        'groups': [('add', groups)],
                        }])
        users[role] = user.id
    return users


def rights(access):
    return ''.join(
        letter for letter, perm in [
            ('r', 'read'), ('c', 'create'), ('w', 'write'),
            ('d', 'delete')]
        if access[perm])


def field_rights(access):
    if access is None:
        return 'rw'
    return ''.join(
        letter for letter, perm in [('r', 'read'), ('w', 'write')]
        if access[perm])


class AccessMatrixTestCase(unittest.TestCase):
    "The role matrix holds on every model of the project"
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(project_modules())

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def actual_rights(self, models):
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        FieldAccess = pool.get('ir.model.field.access')
        users = role_users()
        model_rights, price_rights = {}, {}
        for role in access_matrix.ROLE_NAMES:
            with Transaction().set_user(users[role]), \
                    Transaction().set_context(_check_access=True):
                ModelAccess._get_access_cache.clear()
                FieldAccess._get_access_cache.clear()
                accesses = ModelAccess.get_access(models)
                fields = FieldAccess.get_access(
                    sorted({m for m, _ in access_matrix.FIELDS}))
            for model in models:
                model_rights.setdefault(model, []).append(
                    rights(accesses[model]))
            for (model, field) in access_matrix.FIELDS:
                price_rights.setdefault((model, field), []).append(
                    field_rights(fields[model].get(field)))
        return model_rights, price_rights

    @with_transaction()
    def test_every_model_has_its_rights(self):
        "Every model of the project has the rights the matrix states"
        models = project_models()
        model_rights, _ = self.actual_rights(models)
        missing = [m for m in models if m not in access_matrix.MODELS]
        differ = [
            f'{m}: expected {access_matrix.MODELS[m]}, '
            f'got {tuple(model_rights[m])}'
            for m in models
            if m in access_matrix.MODELS
            and tuple(access_matrix.MODELS[m]) != tuple(model_rights[m])]
        unknown = sorted(set(access_matrix.MODELS) - set(models))
        self.assertEqual(
            (missing, differ, unknown), ([], [], []),
            msg="(models without a row in access_matrix.py, "
            "rights that differ, rows of no registered model)\n"
            + '\n'.join(
                f"    {m!r}: {tuple(model_rights[m])}," for m in missing))

    @with_transaction()
    def test_price_fields(self):
        "The price fields are read and written only by the roles stated"
        _, price_rights = self.actual_rights([])
        differ = [
            f'{m}.{f}: expected {expected}, got {tuple(price_rights[m, f])}'
            for (m, f), expected in access_matrix.FIELDS.items()
            if tuple(expected) != tuple(price_rights[m, f])]
        self.assertEqual(differ, [])
