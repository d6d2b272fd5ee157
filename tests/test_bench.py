# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""A tiny run of scripts/bench on the backend of the test run, so that the
benchmark never rots: it must print the table with every row."""
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'scripts'))

import bench_platform  # noqa: E402


def test_bench_prints_every_row(tmp_path):
    uri = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
    # the databases with their modules activated are kept with the tests'
    cache = os.environ.get('DB_CACHE') or str(tmp_path)
    if cache.startswith('postgresql://'):
        cache = str(tmp_path)
    env = dict(os.environ)
    for name in ['DB_NAME', 'DB_CACHE', 'TRYTOND_CONFIG']:
        env.pop(name, None)
    result = subprocess.run([
            str(ROOT / 'scripts' / 'bench'), '--uri', uri,
            '--scale', '0.001', '--lines', '4', '--month', '2',
            '--repeat', '1', '--cache', os.path.join(cache, 'bench'),
            '--network', '2',
            '--json', str(tmp_path / 'bench.json')],
        env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout
    expected = [
        'quote + confirm a 4-line sale',
        'process it (shipment + invoice)',
        'a month of sales (2), quote to processed',
        'queries per extra line when processing',
        'manager dashboard, 6 panels, this year',
        'compute (',
        ] + [name for name, _ in bench_platform.REPORTS]
    for label in expected:
        assert re.search(r'^\| ' + re.escape(label), output, re.M), (
            label, output)
    # every measure is a figure, the flows compared with vanilla Tryton
    for line in output.splitlines():
        if line.startswith('| ') and not line.startswith('| flow') \
                and not line.startswith('| report') \
                and not line.startswith('| allocation'):
            assert re.search(r'\d', line), line
    assert (tmp_path / 'bench.json').exists()
    # the network's figures are timed on PostgreSQL only (bulk copies)
    if uri.startswith('postgresql'):
        assert re.search(
            r'^\| the coordinator\'s gardens and programmes, this year \| '
            r'[\d.]+ s, \d+ queries \| [\d.]+ s, \d+ queries', output, re.M), (
            output)
