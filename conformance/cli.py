"""``rnn-conformance``: list, validate and regenerate the spec's fixtures (grade comes later)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from conformance import fixtures, paths
from conformance.regen import RegenRefused, regenerate
from conformance.spec import SUITES, SpecError, load_all, load_suite
from conformance.validate import validate


def cmd_list(args: argparse.Namespace) -> int:
    suites = [load_suite(args.suite)] if args.suite else load_all().values()
    rows = [("suite", "function", "points", "cases", "case ids")]
    for suite in suites:
        for spec in suite:
            if args.function and spec.function != args.function:
                continue
            ids = ", ".join(c["id"] + ("*" if "published" in c else "") for c in spec.cases)
            rows.append((suite.name, spec.function, f"{spec.points:g}", str(len(spec.cases)), ids))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths)) + "  " + row[4])
    total = sum(int(r[3]) for r in rows[1:])
    print(f"\n{len(rows) - 1} functions, {total} cases (* = reproduces values a course published)")
    print(f"spec: {paths.spec_dir()}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    problems = validate()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"validate: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    manifest = fixtures.load_manifest()
    print(f"validate: ok — {len(manifest)} cases: spec files match the schema, every fixture is present "
          f"with its recorded checksum and the spec's shapes, every published value matches")
    return 0


def cmd_regen(args: argparse.Namespace) -> int:
    suites = [load_suite(args.suite)] if args.suite else load_all().values()
    started = time.perf_counter()
    try:
        written = regenerate(suites, args.function)
    except RegenRefused as exc:
        print(f"regen: {exc}", file=sys.stderr)
        return 2
    if not written:
        print(f"regen: no function named {args.function!r}", file=sys.stderr)
        return 2
    print(f"regen: wrote {len(written)} fixtures under {paths.fixtures_dir()} "
          f"in {time.perf_counter() - started:.2f} s; checksums in spec/{fixtures.MANIFEST}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rnn-conformance", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, help_ in (("list", cmd_list, "suites, functions and cases as a table"),
                              ("validate", cmd_validate, "check spec files, fixtures, checksums and published values"),
                              ("regen", cmd_regen, "regenerate fixtures with the oracle (source checkout only)")):
        p = sub.add_parser(name, help=help_)
        p.set_defaults(func=func)
        if name != "validate":
            p.add_argument("--suite", choices=SUITES)
            p.add_argument("--function", help="only this function")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SpecError as exc:
        print(f"{args.command}: the spec is invalid:\n{exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
