#!/usr/bin/env python3
"""Plan each file with two builds and compare every member of plan.xlsx and
upload-template.xlsx but docProps/core.xml (its times), byte for byte.

    python3 scripts/bench/same_workbooks.py OLD_BINARY NEW_BINARY [PLAN ARGS...] -- FILES...

Used to show a change to the writers keeps every workbook the same (docs/performance.md).
Runs both refuse alike are counted, not compared."""
import os, subprocess, sys, tempfile, zipfile, shutil
old, new = sys.argv[1], sys.argv[2]
rest = sys.argv[3:]
if '--' in rest:
    sep = rest.index('--')
    extra, files = rest[:sep], rest[sep + 1:]
else:
    extra, files = [], rest
tmp = tempfile.mkdtemp()
same = diff = skipped = 0
for f in files:
    outs = []
    for b, d in ((old, 'o'), (new, 'n')):
        out = os.path.join(tmp, d)
        shutil.rmtree(out, ignore_errors=True)
        p = subprocess.run([b, 'plan', f, '--as-of', '2026-11-22', '--out', out, '--force', '--quiet', *extra], capture_output=True)
        outs.append((p.returncode, out))
    if outs[0][0] != 0 or outs[1][0] != 0:
        skipped += 1
        if outs[0][0] != outs[1][0]: print('RC DIFF', f); diff += 1
        continue
    for wbname in ('plan.xlsx', 'upload-template.xlsx'):
        a = zipfile.ZipFile(os.path.join(outs[0][1], wbname)); b = zipfile.ZipFile(os.path.join(outs[1][1], wbname))
        na = [i.filename for i in a.infolist()]; nb = [i.filename for i in b.infolist()]
        bad = [] if na == nb else ['member list']
        for n in na:
            if n == 'docProps/core.xml' or n not in nb: continue
            if a.read(n) != b.read(n): bad.append(n)
        if bad: diff += 1; print('DIFF', f, wbname, bad)
        else: same += 1
shutil.rmtree(tmp)
print(f'{same} workbooks same, {diff} different, {skipped} runs refused/failed')
