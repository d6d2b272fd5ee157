# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.


class RecNameSearchMixin:
    """Records found by their name in any of the fields of
    _rec_name_fields, as Tryton's core models search a code or a name"""
    __slots__ = ()
    _rec_name_fields = ()

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op] + [
            (field, operator, operand, *extra)
            for field in cls._rec_name_fields]
