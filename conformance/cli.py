"""``rnn-conformance``: grade submissions; list, validate and regenerate the spec's fixtures."""

from __future__ import annotations

import argparse
import difflib
import glob
import os
import sys

# Before numpy is imported (below): one BLAS thread per process. The arrays are tiny, and
# grading processes forked from this one would otherwise inherit idle BLAS thread pools.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
import time
from collections.abc import Sequence
from pathlib import Path

from conformance.contract import fixtures, paths  # noqa: E402 - after the BLAS settings above
from conformance.contract.regen import CHECKSUM, RegenRefused, regenerate
from conformance.contract.spec import SpecError, load_all, load_suite, resolve_suite_name, suite_names
from conformance.contract.validate import validate

DESCRIPTION = ("Conformance suite for RNN, LSTM and GRU building blocks (the suites are spec/<suite>/): grade "
               "submissions; list, validate and regenerate the spec's fixtures. A student checks one file with: "
               "pytest --target=FILE")


def _unknown_function(args: argparse.Namespace, suites: Sequence) -> str | None:
    """The one-line error for a --function no chosen suite has (list and regen), else None."""
    names = sorted({spec.function for suite in suites for spec in suite})
    if not args.function or args.function in names:
        return None
    close = difflib.get_close_matches(args.function, names, n=1)
    where = f"in suite {args.suite}" if args.suite else "in any suite"
    return (f"{args.command}: no function named {args.function!r} {where}"
            + (f" (did you mean {close[0]}?)" if close else "" if args.command == "list"
               else " (`rnn-conformance list` shows them)"))


def cmd_list(args: argparse.Namespace) -> int:
    suites = [load_suite(args.suite)] if args.suite else list(load_all().values())
    if (error := _unknown_function(args, suites)) is not None:
        print(error, file=sys.stderr)
        return 2
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
    for suite in suites:  # what each suite is, from its suite.json
        if suite.info:
            aliases = f" (or --suite {', '.join(suite.info.aliases)})" if suite.info.aliases else ""
            print(f"suite {suite.name}{aliases}: {suite.info.description}")
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
    suites = [load_suite(args.suite)] if args.suite else list(load_all().values())
    if (error := _unknown_function(args, suites)) is not None:  # before anything is written
        print(error, file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        report = regenerate(suites, args.function)
    except RegenRefused as exc:
        print(f"regen: {exc}", file=sys.stderr)
        return 2
    for case in report.changed:  # one line each, then any further differing arrays indented
        print(f"regen: {case.action} {case.key}: {case.reasons[0]}")
        for reason in case.reasons[1:]:
            print(f"    {reason}")
    rewritten = len(report.rewritten)
    recorded = sum(case.action == CHECKSUM for case in report.cases)
    also = f", {recorded} checksum(s) re-recorded" if recorded else ""
    print(f"regen: {rewritten} rewritten, {len(report.cases) - rewritten} unchanged (equal to the oracle "
          f"within {fixtures.REGEN_RTOL:g} x max|array|{also}) under {paths.fixtures_dir()} "
          f"in {time.perf_counter() - started:.2f} s; spec/{fixtures.MANIFEST} "
          f"{'updated' if report.manifest_written else 'unchanged'}")
    return 0


def _at_least(minimum: float, kind: type = int, what: str = "") -> "callable":
    """An argparse type: a number of ``kind`` no smaller than ``minimum`` (one-line error otherwise)."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {'an integer' if kind is int else 'a number'}, got {text!r}")
        if not value >= minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum:g}{what} (got {text})")
        return value
    return parse


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds (got {text})")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, with errors on one line (exit 2) instead of a usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade, print the table; exit 0 whenever the grader itself worked, whatever the grades."""
    from conformance.grading.grade import GradeError, grade  # lazily: the other subcommands never need it
    from conformance.reports.grade_console import print_summary

    # Before anything is written: a typo is not a submission that scores 0. lexists: a broken
    # link the shell's glob found is a submission, whose own result says what is wrong.
    missing = [p for p in args.submissions if not os.path.lexists(p)]
    if missing:
        listed = ", ".join(f"{p} (a pattern that matched nothing: the shell passes it on unexpanded)"
                           if glob.has_magic(str(p)) else str(p) for p in missing)
        print(f"grade: no such submission{'s' if len(missing) > 1 else ''} ({len(missing)} of "
              f"{len(args.submissions)}): {listed}; nothing was graded", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        results = grade(args.submissions, args.out, suite=args.suite, jobs=args.jobs, timeout=args.timeout,
                        memory_mb=args.memory_mb, random_cases=args.random_cases, random_seed=args.random_seed,
                        isolate=not args.in_process, junit=args.junit, force=args.force, profile=args.profile,
                        points=dict(args.points), scheduler=args.scheduler, resume=args.resume,
                        shrink_budget=args.shrink_budget)
    except GradeError as exc:
        print(f"grade: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"grade: interrupted; every finished report is in {args.out}: the same command with --resume "
              f"grades the rest", file=sys.stderr)
        return 130
    print_summary(results, args.out, time.perf_counter() - started)
    return 0


def _function_points(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    try:
        points = float(value)
    except ValueError:
        points = -1.0
    if not sep or not name or not points >= 0:
        raise argparse.ArgumentTypeError(f"expected FUNCTION=POINTS with POINTS >= 0, got {text!r}")
    return name, points


def add_grading_limits(p: argparse.ArgumentParser, seed_default: int | str, seed_from: str = "") -> None:
    """--timeout, --memory-mb, --random-cases, --random-seed: shared by grade and gradescope."""
    from conformance.grading import grade as g  # the defaults live with the grader

    p.add_argument("--timeout", type=_positive_seconds, default=g.DEFAULT_TIMEOUT, metavar="S",
                   help=f"seconds per call of the submission (default: {g.DEFAULT_TIMEOUT:g}); after a timeout "
                        "the rest of that function's items are not run")
    p.add_argument("--memory-mb", type=_at_least(g.MIN_MEMORY_MB, what=" (the worker's own needs)"),
                   default=g.DEFAULT_MEMORY_MB, metavar="M",
                   help=f"memory the isolated worker may allocate, in MB (default: {g.DEFAULT_MEMORY_MB}, "
                        f"at least {g.MIN_MEMORY_MB})")
    p.add_argument("--random-cases", type=_at_least(0), default=g.DEFAULT_RANDOM_CASES, metavar="K",
                   help=f"hidden random cases per function (items hidden_1..hidden_K); their reports never show "
                        f"values, and Gradescope shows them after the due date (default: {g.DEFAULT_RANDOM_CASES})")
    p.add_argument("--random-seed", type=int, default=seed_default, metavar="S",
                   help=f"seed of the hidden cases (default: {seed_from}{g.DEFAULT_RANDOM_SEED}; choose your own and "
                        "keep it private)")
    p.add_argument("--profile", choices=("strict", "course"), default="strict",
                   help="strict (default): every finding costs its item; course: an input modified in place or an "
                        "overflow only warns (the courses' own loops never reuse the array, and one course's starter "
                        "loss overflows), the warning and its id still shown")
    p.add_argument("--shrink-budget", type=_at_least(0, float), default=g.DEFAULT_SHRINK_BUDGET_S, metavar="S",
                   help=f"seconds per failing function to find its smallest failing case, shown after the why: "
                        f"line (default: {g.DEFAULT_SHRINK_BUDGET_S:g}; 0: do not look)")
    p.add_argument("--points", action="append", type=_function_points, default=[], metavar="FUNCTION=P",
                   help="give FUNCTION P points instead of the spec's (repeatable); 0 leaves a function the course "
                        "provides ungraded, e.g. --points softmax=0 --points sigmoid=0")


def add_grade_parser(sub) -> None:
    from conformance.grading import grade as g  # the defaults live with the grader

    p = sub.add_parser("grade", help="grade submissions into Gradescope results.json, summary.csv/json, JUnit",
                       description="Grade each SUBMISSION (a .py file, a notebook, or a folder: its only .py or "
                                   ".ipynb file, else the notebook or .py file defining suite functions) in "
                                   "parallel, each in an isolated worker, writing OUT/<submission>/results.json as "
                                   "each one finishes, OUT/summary.csv and OUT/summary.json every 2 s and at the "
                                   "end, and the class report OUT/report.html (figures in OUT/report/) at the end. "
                                   "Exits 0 when the grader worked, even if submissions failed.")
    p.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                   help="a .py file, a notebook (.ipynb) or a folder")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="where the reports go (created; a folder this command wrote before is cleared of its "
                        "old submission folders)")
    p.add_argument("--force", action="store_true",
                   help="grade into a non-empty --out that this command did not write (nothing there is deleted)")
    p.add_argument("--suite", type=_suite, metavar="SUITE",
                   help="the suite every submission implements (default: detected per submission; "
                        "give it for a class, so every row has the same max_score)")
    p.add_argument("--jobs", type=_at_least(1), default=None, metavar="N",
                   help="submissions graded at once (default: the number of cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="grade on a Dask cluster: tcp://HOST:8786 (its workers need the same rnn-conformance), or "
                        "local:N for N worker processes on this machine (needs the cluster extra)")
    p.add_argument("--resume", action="store_true",
                   help="keep what an interrupted run into --out finished (same options) and grade only the rest")
    add_grading_limits(p, g.DEFAULT_RANDOM_SEED)
    p.add_argument("--junit", action="store_true", help="also write OUT/<submission>/junit.xml")
    p.add_argument("--in-process", action="store_true",
                   help="run submissions inside the grading processes, without isolation: faster, but ONLY for "
                        "trusted code (a crash, exit or hang in C takes the grading process down)")
    p.set_defaults(func=cmd_grade)


class _GradescopeParser(_Parser):
    """The gradescope subcommand's parser: an option error still writes results.json (Gradescope
    shows the student nothing else), then exits 2 with the usual one-line error."""

    _argv: list[str] = []

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        self._argv = list(sys.argv[1:] if args is None else args)
        namespace, extras = super().parse_known_args(args, namespace)
        if extras:  # the top-level parser would reject them without writing results.json
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras

    def error(self, message: str) -> None:  # type: ignore[override]
        from conformance.grading.gradescope import option_error

        option_error(self._argv, message)
        super().error(message)


def cmd_gradescope(args: argparse.Namespace) -> int:
    """Grade Gradescope's upload into its results.json; see conformance.grading.gradescope for the exit status."""
    from conformance.grading import gradescope as gs

    root = args.root or gs.DEFAULT_ROOT
    # The root is Gradescope's: one that is not there is a broken autograder, not a student's 0.
    # Unneeded only off Gradescope, when both paths it would give are given.
    if (args.root or not (args.submission and args.results)) and not root.is_dir():
        what = "is a file, not a folder" if root.exists() else "does not exist"
        print(f"gradescope: --root {root} {what} (Gradescope's autograder folder, holding submission/ and "
              f"results/); nothing was written", file=sys.stderr)
        return gs.PROBLEM
    submission, results = gs.default_paths(root)
    return gs.grade_upload(args.submission or submission, args.results or results, root, suite=args.suite,
                        timeout=args.timeout, memory_mb=args.memory_mb, random_cases=args.random_cases,
                        random_seed=args.random_seed, profile=args.profile, points=dict(args.points),
                        shrink_budget=args.shrink_budget)


def add_gradescope_parser(sub) -> None:
    from conformance.grading import grade as g  # the defaults live with the grader
    from conformance.grading import gradescope as gs

    p = sub.add_parser("gradescope", help="grade one submission inside Gradescope's autograder into its results.json",
                       description="Grade the student's upload (ROOT/submission: a .py file, a notebook, a "
                                   "folder, or a folder holding one folder) in an isolated worker that cannot see "
                                   "ROOT's other files, "
                                   "and write Gradescope's results.json (ROOT/results/results.json). Whatever fails "
                                   "(bad options, no submission, a grader crash), results.json is written, with "
                                   "score 0 and the reason. Exit status: 0 graded; 2 written, but the autograder "
                                   "failed; 1 results.json could not be written.")
    p.__class__ = _GradescopeParser  # add_parser() builds every subparser with one class
    p.add_argument("--root", type=Path, default=None, metavar="DIR",
                   help=f"Gradescope's autograder folder (default: {gs.DEFAULT_ROOT})")
    p.add_argument("--submission", type=Path, metavar="PATH", help="the upload (default: ROOT/submission)")
    p.add_argument("--results", type=Path, metavar="FILE", help="the report (default: ROOT/results/results.json)")
    p.add_argument("--suite", type=_suite, metavar="SUITE", help="the suite to grade (default: detected from the submission)")
    # A string default goes through type=int too, so a bad variable is an option error.
    add_grading_limits(p, os.environ.get(gs.SEED_VARIABLE, g.DEFAULT_RANDOM_SEED), f"${gs.SEED_VARIABLE}, else ")
    p.set_defaults(func=cmd_gradescope)


def _suite(name: str) -> str:
    """--suite's value: a suite's name or alias (spec/<suite>/suite.json)."""
    try:
        return resolve_suite_name(name)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    except SpecError as exc:
        raise argparse.ArgumentTypeError(f"the spec is invalid:\n{exc}") from None


def _version() -> str:
    """The installed distribution's version (what pip installed, not a constant that can drift)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rnn-conformance")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rnn-conformance", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"rnn-conformance {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    add_grade_parser(sub)
    add_gradescope_parser(sub)
    for name, func, help_ in (("list", cmd_list, "suites, functions and cases as a table"),
                              ("validate", cmd_validate, "check spec files, fixtures, checksums and published values"),
                              ("regen", cmd_regen, "regenerate fixtures with the oracle (source checkout only)")):
        p = sub.add_parser(name, help=help_)
        p.set_defaults(func=func)
        if name != "validate":
            p.add_argument("--suite", type=_suite, metavar="SUITE", help=f"one suite ({', '.join(suite_names())})")
            p.add_argument("--function", help="only this function")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SpecError as exc:
        print(f"{args.command}: the spec is invalid:\n{exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `rnn-conformance list | head`: the reader left; so do we, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's exit-time flush must not fail again
        return 1


if __name__ == "__main__":
    sys.exit(main())
