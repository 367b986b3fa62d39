#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets, fuzz/corpus/<target>/ (target = binary name
without _fuzz), from the conformance data and a few hand-written shapes. Corpora stay small (tens
of files); identical seeds are written once. Run from anywhere:

  fuzz/seed_corpus.py [--build-dir DIR] [target...]    (default: every target)

  cephfs_wire       every databag value of tests/conformance/cases (share_info, auth, cache, ...)
  hook_tool_output  hook-tool stdout recorded in tests/conformance/golden (one per tool and shape)
  state_file        .ops-cpp-state.json documents as the charms write them
  charm_meta        the charms' and the sample charm's charmcraft.yaml, and a split metadata seed
  charm_config      proxy and client configs, auth-secret content and a client mount record
  client_files      share_info + auth + secret content + mountpoint + flags (0x1e-separated),
                    from the conformance cases, with the injection regressions of issue 15
  juju_sim_cli      juju-sim command lines, one argument per line
  juju_sim_state    a real juju-sim state.db (needs --build-dir with juju_sim_state_fuzz built)
"""
import argparse
import hashlib
import json
import os
import pathlib
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
conformance = root / "tests/conformance"
KEY = "AQBzj2ZmAAAAABAAqKSvBUL2O/Hy2RRs4KeyVw=="  # a made-up key in cephx shape

class Corpus:
    def __init__(self, name):
        self.dir = root / "fuzz/corpus" / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.seen = {hashlib.sha1(p.read_bytes()).hexdigest() for p in self.dir.iterdir()}
        self.count = 0

    def add(self, name, data):
        data = data.encode() if isinstance(data, str) else data
        digest = hashlib.sha1(data).hexdigest()
        if digest in self.seen:
            return
        self.seen.add(digest)
        self.count += 1
        (self.dir / name).write_bytes(data)


def cephfs_wire(args):
    corpus = Corpus("cephfs_wire")
    corpus.add("extra.share_info.addrvec", json.dumps({
        "fsid": "354ca7c4-f10d-11ee-93f8-1f85f87b7845", "name": "ceph-fs", "path": "/donn\u00e9es",
        "monitor_hosts": ["[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]", "[2001:db8::1]:6789"]}))
    corpus.add("extra.auth.model_qualified_secret",
               "secret://6e7c3f0e-1c2b-4f0e-8c3d-2f1b0a9e8d7c/cr8vcqgpc9t8oet2fdlg")
    corpus.add("extra.cache.escapes", json.dumps({"share_info": "\U0001f600\n\"", "x": ""}))
    for case_file in sorted((conformance / "cases").glob("*.json")):
        case = json.loads(case_file.read_text())
        relation = case["relation"]
        bags = {"local_unit": relation["local_unit_data"],
                "remote_app": relation["remote_app_data"]}
        if case["expect"]["local_unit_data"]:
            bags["expected_unit"] = case["expect"]["local_unit_data"]
        for bag_name, bag in bags.items():
            for key, value in bag.items():
                if value:
                    corpus.add(f"{case['name']}.{bag_name}.{key}", value)
    return corpus


def hook_tool_output(args):
    corpus = Corpus("hook_tool_output")
    shapes = set()
    for golden in sorted((conformance / "golden").glob("*.json")):
        for hook in json.loads(golden.read_text())["hooks"]:
            for call in hook["tool_calls"]:
                out = call["stdout"]
                if not out:
                    continue
                try:  # one seed per tool and JSON shape (keys, list length), not per value
                    value = json.loads(out)
                    shape = (call["tool"], type(value).__name__,
                             tuple(sorted(value)) if isinstance(value, dict) else
                             len(value) if isinstance(value, list) else None)
                except ValueError:
                    shape = (call["tool"], "text")
                if shape not in shapes:
                    shapes.add(shape)
                    corpus.add(f"golden.{call['tool']}.{len(shapes)}", out)
    # Shapes the traces do not show, as Juju 3.x prints them.
    extra = {
        "status-get.unit": '{"message":"ready","status":"active","status-data":{}}\n',
        "status-get.app": '{"application-status":{"message":"","status":"active",'
                          '"status-data":{},"units":{"app/0":{"message":"","status":"active",'
                          '"status-data":{}}}}}\n',
        "secret-info-get": '{"cr8vcqgpc9t8oet2fdlg":{"revision":2,"label":"auth_info",'
                           '"owner":"application","rotation":"never","expiry":"2025-01-01T00:00:00Z"}}\n',
        "action-get": '{"who":"world","count":3,"nested":{"a":[1,2.5,true,null]}}\n',
        "network-get": '{"bind-addresses":[{"mac-address":"","interface-name":"eth0",'
                       '"addresses":[{"hostname":"","value":"10.0.0.5","cidr":"10.0.0.0/24"}]}],'
                       '"egress-subnets":["10.0.0.5/32"],"ingress-addresses":["10.0.0.5"]}\n',
        "relation-ids": '["cephfs-share:0","cephfs-share:12"]\n',
        "null": "null\n",
        "secret-add": "secret:cr8vcqgpc9t8oet2fdlg\n",
        "config-get": '{"fsid":"354ca7c4-f10d-11ee-93f8-1f85f87b7845","count":3,"ratio":0.5}\n',
        "unicode": '{"k\\u00e9":"\\ud83d\\ude00 v"}\n',
    }
    for name, out in extra.items():
        corpus.add(f"extra.{name}", out)
    return corpus


def state_file(args):
    corpus = Corpus("state_file")
    mount = {"access_options": ["exec", "suid", "dev", "rw"], "conf_file": "", "fs_name": "ceph-fs",
             "fsid": "354ca7c4-f10d-11ee-93f8-1f85f87b7845",
             "key_file": "/etc/ceph/cephfs-client/client.3.secret", "method": "kernel",
             "monitors": ["10.5.0.80:6789", "10.5.2.23:6789"], "mountpoint": "/srv/data",
             "path": "/", "user": "ceph-client"}
    docs = {
        "empty": {"event_count": 1, "format": 1, "notices": [], "snapshots": {}},
        "client-mounted": {"event_count": 16, "format": 1, "notices": [], "snapshots": {
            "charm/StoredStateData[_stored]": {"created_mountpoint": True, "mount": mount}}},
        "deferred": {"event_count": 17, "format": 1,
                     "notices": [["charm/on/config_changed[17]", "charm", "_on_config_changed"]],
                     "snapshots": {"charm/on/config_changed[17]": {},
                                   "charm/StoredStateData[_stored]": {"count": 2, "ratio": 0.25,
                                                                      "names": ["a", "b"]}}},
    }
    for name, doc in docs.items():
        corpus.add(name, json.dumps(doc, separators=(",", ":")))
    return corpus


def charm_meta(args):
    corpus = Corpus("charm_meta")
    for path in [root / "charms/cephfs-server-proxy/charmcraft.yaml",
                 root / "charms/cephfs-client/charmcraft.yaml",
                 root / "examples/sample-charm/charmcraft.yaml"]:
        if path.exists():
            corpus.add(path.parent.name + ".charmcraft.yaml", path.read_text())
    corpus.add("split.metadata-config-actions",
               "name: split\nsubordinate: true\nrequires:\n  juju-info:\n    interface: juju-info\n"
               "    scope: container\npeers:\n  peer: cluster\n"
               "\foptions:\n  n: {type: int, default: 1}\n  s: {type: string, default: '01'}\n"
               "\fgo:\n  params:\n    x: {type: number, default: 1.5}\n")
    return corpus


def charm_config(args):
    corpus = Corpus("charm_config")
    seeds = {
        "proxy.full": {"fsid": "354ca7c4-f10d-11ee-93f8-1f85f87b7845", "sharepoint": "ceph-fs:/data",
                       "monitor-hosts": "10.5.0.80:6789 [v2:10.5.2.23:3300/0,v1:10.5.2.23:6789/0]",
                       "auth-info": "ceph-client:" + KEY},
        "proxy.secret": {"fsid": "354ca7c4-f10d-11ee-93f8-1f85f87b7845", "sharepoint": "fs:/",
                         "monitor-hosts": "[2001:db8::1]:6789", "auth-secret": "secret:cr8vcqgpc9t8oet2fdlg",
                         "auth-info": "x:" + KEY},
        "proxy.missing": {"fsid": ""},
        "secret.content": {"username": "ceph-client", "key": KEY},
        "client.full": {"mountpoint": "/srv/data", "noexec": True, "nosuid": False, "nodev": True,
                        "read-only": False, "mount-method": "fuse"},
        "client.bad": {"mountpoint": "/etc/x", "mount-method": "nfs"},
        "mount-record": {"access_options": ["exec", "suid", "dev", "rw"], "conf_file": "",
                         "fs_name": "ceph-fs", "fsid": "354ca7c4-f10d-11ee-93f8-1f85f87b7845",
                         "key_file": "/etc/ceph/cephfs-client/client.3.secret", "method": "kernel",
                         "monitors": ["10.5.0.80:6789"], "mountpoint": "/srv/data", "path": "/",
                         "user": "ceph-client"},
    }
    for name, value in seeds.items():
        corpus.add(name, json.dumps(value))
    corpus.add("mountpoint.plain", "/srv/data/share-1")
    return corpus


def client_files(args):
    corpus = Corpus("client_files")
    sep = "\x1e"
    content = json.dumps({"username": "ceph-client", "key": KEY})
    shares = [json.dumps({"fsid": "354ca7c4-f10d-11ee-93f8-1f85f87b7845", "name": "ceph-fs",
                          "path": "/volumes/g/x",
                          "monitor_hosts": ["[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]",
                                            "[2001:db8::1]:6789", "mon1.example.com:6789"]})]
    for case_file in sorted((conformance / "cases").glob("*.json")):
        value = json.loads(case_file.read_text())["relation"]["remote_app_data"].get("share_info")
        if value:
            shares.append(value)
    auths = ["secret:cr8vcqgpc9t8oet2fdlg", "plain:" + content]
    for i, share in enumerate(shares):
        for j, auth in enumerate(auths):
            corpus.add(f"share{i}.auth{j}", sep.join([share, auth, content, "", "\x01\x00"]))
    # Issue 15: a NUL in an IPv6 monitor used to pass validation and reach the unit and ceph.conf.
    for name, monitor in {"nul-unit": "[::1\u0000\n[Unit]\nFailureAction=reboot-force]:6789",
                          "nul-conf": "[v1:[::1\u0000]:6789\n\tlog_file = /etc/shadow]",
                          "newline": "10.0.0.1:6789\nlog_file=/x"}.items():
        share = json.dumps({"fsid": "f", "name": "fs", "path": "/", "monitor_hosts": [monitor]})
        corpus.add(f"regression.{name}", sep.join([share, auths[0], content, "", ""]))
    share = json.dumps({"fsid": "f", "name": "fs", "path": "/a/../b", "monitor_hosts": ["h:1"]})
    corpus.add("regression.dotdot", sep.join([share, auths[0], content, "/srv/x", ""]))
    return corpus


def juju_sim_cli(args):
    corpus = Corpus("juju_sim_cli")
    lines = [
        ["status", "--format", "json"], ["status"], ["trace", "--unit", "alpha/0", "--format", "json"],
        ["secrets"], ["show-unit", "alpha/1"], ["show-relation", "0"], ["config", "alpha"],
        ["config", "alpha", "count=7", "greeting=hey"], ["relate", "alpha:cluster", "beta"],
        ["remove-relation", "alpha", "beta"], ["remove-unit", "beta/0"], ["set-leader", "alpha/1"],
        ["resolve", "alpha/0"], ["--lock-timeout", "0.5", "status"], ["--help"],
    ]
    for i, line in enumerate(lines):
        corpus.add(f"{i:02}.{line[0].lstrip('-')}", "\n".join(line))
    return corpus


def juju_sim_state(args):
    corpus = Corpus("juju_sim_state")
    if not args.build_dir:
        print("juju_sim_state: pass --build-dir to write the state.db seed", file=sys.stderr)
        return corpus
    binary = pathlib.Path(args.build_dir) / "fuzz/juju_sim_state_fuzz"
    seed = corpus.dir / "model.state.db"
    env = dict(os.environ, JUJU_SIM_FUZZ_WRITE_SEED=str(seed))
    subprocess.run([str(binary)], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    corpus.count += 1
    corpus.add("truncated.state.db", seed.read_bytes()[:4096])
    return corpus


TARGETS = {f.__name__: f for f in [cephfs_wire, hook_tool_output, state_file, charm_meta,
                                   charm_config, client_files, juju_sim_cli, juju_sim_state]}

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
parser.add_argument("--build-dir", help="build directory with the fuzz targets (for juju_sim_state)")
parser.add_argument("targets", nargs="*", choices=[[]] + list(TARGETS), default=[])
args = parser.parse_args()
for name in args.targets or TARGETS:
    corpus = TARGETS[name](args)
    print(f"{name}: {corpus.count} new seeds, {len(list(corpus.dir.iterdir()))} in {corpus.dir}")
