#!/usr/bin/env python3
"""Plan every table file under some folders with two builds, as a catalog and as `--sales`
against fixtures/sales_dates/catalog.csv, and compare exit code, stdout, stderr, plan.json (but
`generated_at`) and plan.csv.

    python3 scripts/bench/same_plans.py OLD_BINARY NEW_BINARY FOLDER...

Used to try a reader change on every file of fixtures/, ../shared/formats/ and
tests/fixtures/hostile/ before it lands."""
import json, os, subprocess, sys, tempfile, shutil
old, new, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
EXT = ('.csv', '.xlsx', '.xls', '.ods', '.tsv', '.txt', '.xlsb', '.xlsm')
CAT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures', 'sales_dates', 'catalog.csv')
files = []
for d in dirs:
    for root, _, fs in os.walk(d):
        for f in fs:
            if f.lower().endswith(EXT):
                files.append(os.path.join(root, f))
files.sort()
def run(binary, args, out):
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([binary, 'plan', *args, '--as-of', '2026-11-22', '--out', out, '--force', '--quiet'],
                       capture_output=True, timeout=300, env={**os.environ, 'NO_COLOR': '1'})
    res = [p.returncode, p.stdout.decode('utf-8', 'replace').replace(out, 'OUT'),
           p.stderr.decode('utf-8', 'replace').replace(out, 'OUT')]
    try:
        j = json.load(open(os.path.join(out, 'plan.json')))
        j.pop('generated_at', None)
        res.append(json.dumps(j, sort_keys=True))
    except Exception:
        res.append(None)
    if res[3] is not None: res[3] = res[3].replace(out, 'OUT')
    try:
        res.append(open(os.path.join(out, 'plan.csv'), 'rb').read())
    except Exception:
        res.append(None)
    return res
diff = same = 0
tmp = tempfile.mkdtemp()
for f in files:
    for mode, args in (('catalog', [f]), ('sales', [CAT, '--sales', f])):
        a = run(old, args, tmp + '/oldout'); b = run(new, args, tmp + '/newout')
        if a == b:
            same += 1
        else:
            diff += 1
            which = [n for n, x, y in zip(('rc', 'stdout', 'stderr', 'json', 'csv'), a, b) if x != y]
            print(f'DIFF {mode} {f}: {which}')
            if 'stderr' in which:
                print('  old:', a[2][:300]); print('  new:', b[2][:300])
shutil.rmtree(tmp)
print(f'{same} same, {diff} different, {len(files)} files')
