#!/usr/bin/env python3
"""Show trytond-admin's progress on one line: the module being loaded.

Reads trytond's log on standard input, prints a line per module and keeps
the whole log in var/admin.log for when something goes wrong.
"""
import pathlib
import re
import sys

LOG = pathlib.Path(__file__).resolve().parent.parent / 'var' / 'admin.log'
MODULE = re.compile(r'INFO trytond\.modules ([a-z_]+) ')


def main():
    seen = set()
    failed = False
    with LOG.open('a', encoding='utf-8') as log:
        for line in sys.stdin:
            log.write(line)
            if 'Traceback' in line or 'ERROR' in line:
                failed = True
            match = MODULE.search(line)
            if match and match.group(1) not in seen:
                seen.add(match.group(1))
                print(f'    {match.group(1)}', flush=True)
    if failed:
        print(f'trytond-admin reported errors; see {LOG}', file=sys.stderr)


if __name__ == '__main__':
    main()
