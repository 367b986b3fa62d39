#!/usr/bin/env python3
"""Writes the seed corpus of cephfs_wire_fuzz from the conformance cases.

Every value of the databags in shared/conformance/cases (share_info, auth, cache, name, ...) becomes
one file named <case>.<bag>.<key>; identical values are written once. Run from the repository
root:  fuzz/seed_corpus.py [cases-dir] [corpus-dir]
"""
import hashlib
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
cases = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared/conformance/cases"
corpus = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else root / "fuzz/corpus/cephfs_wire"
corpus.mkdir(parents=True, exist_ok=True)

# Shapes the cases do not show, written the way a Python peer would.
EXTRA = {
    "extra.share_info.addrvec": json.dumps({
        "fsid": "354ca7c4-f10d-11ee-93f8-1f85f87b7845", "name": "ceph-fs", "path": "/donn\u00e9es",
        "monitor_hosts": ["[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]", "[2001:db8::1]:6789"]}),
    "extra.auth.model_qualified_secret": "secret://6e7c3f0e-1c2b-4f0e-8c3d-2f1b0a9e8d7c/cr8vcqgpc9t8oet2fdlg",
    "extra.cache.escapes": json.dumps({"share_info": "\U0001f600\n\"", "x": ""}),
}

seen = set()
for name, value in EXTRA.items():
    seen.add(hashlib.sha1(value.encode()).hexdigest())
    (corpus / name).write_text(value)
for case_file in sorted(cases.glob("*.json")):
    case = json.loads(case_file.read_text())
    relation = case["relation"]
    bags = {"local_unit": relation["local_unit_data"], "remote_app": relation["remote_app_data"]}
    if case["expect"]["local_unit_data"]:
        bags["expected_unit"] = case["expect"]["local_unit_data"]
    for bag_name, bag in bags.items():
        for key, value in bag.items():
            digest = hashlib.sha1(value.encode()).hexdigest()
            if not value or digest in seen:
                continue
            seen.add(digest)
            name = f"{case['name']}.{bag_name}.{key}"
            (corpus / name).write_text(value)
print(f"{len(seen)} seeds in {corpus}")
