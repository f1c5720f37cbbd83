#!/usr/bin/env python3
"""Generate the exact-value test fixtures in test/fixtures/exact/.

Writes core.json, tf.json, keras.json, torch.json and optax.json in the
format of docs/fixture-format.md: inputs exactly representable in their
dtype, expected values computed with mpmath at 50 significant digits from
each framework's documented/implemented formula (with the framework's
constants in the computation dtype) and rounded once to float64.

The formulas were derived from the frameworks' own sources, independently
of this project's implementation; each module under scripts/fixtures/ says
which files it follows and which semantic details matter.

Run from anywhere:

    python3 scripts/gen_fixtures.py            # (re)write the JSON files
    python3 scripts/gen_fixtures.py --check    # fail if they are out of date

Needs Python 3 with mpmath and numpy (Debian: python3-mpmath python3-numpy).
Output is deterministic; commit the regenerated JSON.
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the work tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from fixtures import core, keras, optax, random_sets, tf, torch  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(HERE), "test", "fixtures", "exact")
FAMILIES = (("core", core), ("tf", tf), ("keras", keras), ("torch", torch),
            ("optax", optax))


def build(module, family):
    module.self_check()
    cases = module.cases()
    ids = [c["id"] for c in cases]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise SystemExit(f"{family}: duplicate case ids {sorted(dup)}")
    # One case per line: compact for the large arrays, readable in diffs.
    lines = [json.dumps(c, allow_nan=False) for c in cases]
    return ('{"family": %s, "generator": "scripts/gen_fixtures.py", "cases": [\n%s\n]}\n'
            % (json.dumps(family), ",\n".join(lines)))


def build_random(family, make):
    cases = make()
    ids = [c["id"] for c in cases]
    if len(set(ids)) != len(ids):
        raise SystemExit(f"random/{family}: duplicate case ids")
    lines = [json.dumps(c, allow_nan=False) for c in cases]
    return ('{"family": %s, "generator": "scripts/gen_fixtures.py", "prng_check": %s, '
            '"cases": [\n%s\n]}\n' % (json.dumps("random/" + family),
                                        json.dumps(random_sets.PRNG_CHECK), ",\n".join(lines)))


def outputs(only):
    """(name, path, builder) for every fixture file, or those whose name contains `only`."""
    res = [(family, os.path.join(OUT_DIR, f"{family}.json"),
            lambda m=module, f=family: build(m, f)) for family, module in FAMILIES]
    random_sets.self_check()
    res += [("random/" + family, os.path.join(OUT_DIR, "random", f"{family}.json"),
             lambda f=family, mk=make: build_random(f, mk))
            for family, make in random_sets.FAMILIES]
    return [r for r in res if only is None or only in r[0]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with the committed files instead of writing")
    ap.add_argument("--only", help="only the files whose name contains this (e.g. random/keras)")
    opts = ap.parse_args()
    os.makedirs(os.path.join(OUT_DIR, "random"), exist_ok=True)
    stale = []
    for family, path, make in outputs(opts.only):
        text = make()
        n = text.count('"id": ')
        if opts.check:
            try:
                with open(path, encoding="utf-8") as f:
                    same = f.read() == text
            except FileNotFoundError:
                same = False
            if not same:
                stale.append(path)
            print(f"{family}: {n} cases {'ok' if same else 'STALE'}")
            continue
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"{family}: {n} cases -> {os.path.relpath(path)} ({len(text) // 1024} KiB)")
    if stale:
        raise SystemExit("out of date: " + ", ".join(stale))


if __name__ == "__main__":
    main()
