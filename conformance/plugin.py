"""pytest plugin: ``pytest --target=my_rnn.py`` runs the conformance suite against a target.

Thin by design: it adds options, turns the harness's items into pytest items, and turns
verdicts into pytest outcomes. Without ``--target`` it changes nothing.
"""

from __future__ import annotations

import json
import shlex
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

STATE = pytest.StashKey["ConformanceRun"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("rnn-conformance", "conformance of an RNN implementation to the spec")
    group.addoption("--target", metavar="MODULE_OR_FILE",
                    help="the implementation to judge: a .py file, a notebook, a folder (its file is picked as "
                         "`rnn-conformance grade` picks it) or an importable module")
    group.addoption("--suite", metavar="SUITE",
                    help="which suite the target implements, by name or alias (default: detected from its functions; "
                         "`rnn-conformance list` shows the suites)")
    group.addoption("--random-cases", type=int, default=0, metavar="K",
                    help="add K hidden random cases per function (items <function>[hidden_1].."
                         "[hidden_K]), checked against the oracle")
    group.addoption("--random-seed", type=int, default=0, metavar="S", help="seed of the random cases")
    group.addoption("--dtype", choices=("float64", "float32"), default="float64",
                    help="cast inputs to this dtype and use the spec's tolerances for it")
    group.addoption("--conformance-report", metavar="PATH", help="write a JSON report of every verdict")
    group.addoption("--profile", choices=("strict", "course"), default="strict",
                    help="strict (default): every finding fails its item; course: an input modified in place or an "
                         "overflow only warns")
    group.addoption("--shrink-budget", type=float, default=1.0, metavar="S",
                    help="seconds per failing function to look for its smallest failing case (default 1; "
                         "0: do not look)")
    group.addoption("--in-process", action="store_true",
                    help="run the target inside pytest, not in an isolated worker: for debugging with --pdb only "
                         "(an endless loop then hangs, an exit ends the run)")
    group.addoption("--isolate", action="store_true", help="run the target in an isolated worker (the default)")
    group.addoption("--timeout", type=float, default=10.0, metavar="S",
                    help="seconds allowed per call of the target (default 10); after a timeout the items that "
                         "call that function are not run")
    group.addoption("--memory-mb", type=int, default=1024, metavar="M",
                    help="memory the isolated target may allocate, in MB (default 1024)")


def _check_options(config: pytest.Config) -> None:
    """One line per bad option, as pytest reports usage errors."""
    from conformance.grading.options import GradeError, check_options

    if config.getoption("in_process") and config.getoption("isolate"):
        raise pytest.UsageError("rnn-conformance: --in-process and --isolate contradict each other; choose one")
    budget = config.getoption("shrink_budget")
    if not budget >= 0:  # NaN too
        raise pytest.UsageError(f"rnn-conformance: --shrink-budget must be seconds >= 0 (0: no shrinking), "
                                f"got {budget}")
    try:
        check_options(None, config.getoption("timeout"), config.getoption("memory_mb"), config.getoption("random_cases"))
    except GradeError as exc:
        raise pytest.UsageError(f"rnn-conformance: {exc}") from None
    report = config.getoption("conformance_report")
    if report:  # said now, not as a traceback after the run; missing folders are made when writing
        nearest = next(p for p in Path(report).parents if p.exists())  # "." or "/" at worst
        if not nearest.is_dir():
            raise pytest.UsageError(f"rnn-conformance: --conformance-report {report} cannot be written: "
                                    f"{nearest} is a file")


@dataclass
class ConformanceRun:
    harness: Any
    target: str
    suite: str
    reason: str
    spec_dir: Path
    verdicts: dict[str, dict] = field(default_factory=dict)


def pytest_configure(config: pytest.Config) -> None:
    target = config.getoption("target")
    if not target:
        return
    # Imported lazily: an ordinary pytest run (no --target) pays nothing for this plugin.
    if not config.getoption("in_process"):
        from conformance.running import template

        template.start()  # first: the worker's interpreter boots (~0.25 s) while we import and load
    from conformance.contract import paths
    from conformance.contract.spec import SpecError, load_all, resolve_suite_name
    from conformance.judging.harness import Harness
    from conformance.running.target import SuiteDetectionError, TargetImportError, detect_suite, load_target

    _check_options(config)
    from conformance.running.submissions import PickError, resolve_target

    try:
        suites = load_all()
        chosen = resolve_suite_name(config.getoption("suite")) if config.getoption("suite") else None
        target = resolve_target(target, suites, chosen)  # a folder: the file grade would pick
    except (SpecError, ValueError, PickError) as exc:
        raise pytest.UsageError(f"rnn-conformance: {exc}") from None
    try:
        if not config.getoption("in_process"):
            from conformance.running.isolation import IsolatedTarget

            module = IsolatedTarget(target, config.getoption("timeout"), config.getoption("memory_mb"))
            config.add_cleanup(module.close)
        else:
            module = load_target(target)
        if chosen:
            suite, reason = chosen, "chosen with --suite"
        else:
            detection = detect_suite(module, suites)
            suite, reason = detection.suite, detection.reason
    except (TargetImportError, SuiteDetectionError, SpecError) as exc:
        raise pytest.UsageError(f"rnn-conformance: {exc}") from None
    from conformance.judging.reference import matches

    copied = matches(module, getattr(module, "__file__", None), [spec.function for spec in suites[suite]])
    try:  # a target using a suite's tensor framework is loaded with it here (conformance.running.tensors)
        harness = Harness(module, suites[suite], dtype=config.getoption("dtype"),
                          random_seed=config.getoption("random_seed"), reference_matches=copied,
                          profile=config.getoption("profile"), shrink_budget=config.getoption("shrink_budget"))
    except TargetImportError as exc:
        raise pytest.UsageError(f"rnn-conformance: {exc}") from None
    from conformance.contract import cases, fixtures

    # every item's data now, from the compact pack: not one .npz per item
    cases.preload(suites[suite], harness.items(config.getoption("random_cases")), config.getoption("random_seed"),
                  fixtures.load_manifest())
    spec_dir = paths.spec_dir() / suite
    config.stash[STATE] = ConformanceRun(harness, getattr(module, "__file__", None) or target, suite, reason, spec_dir)
    config.pluginmanager.register(ReportCollector(config.stash[STATE], config.getoption("conformance_report")),
                                  "rnn-conformance-report")
    if config.args_source != pytest.Config.ArgsSource.ARGS:  # no paths given: run the packaged spec
        config.args = [str(spec_dir)]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A function's items before the items of others that call it (Harness.run_order), whatever
    the files' order: a hanging forward is then blamed on its own case. -k and --lf only select."""
    run = config.stash.get(STATE, None)
    if run is None:
        return
    ours = [k for k, item in enumerate(items) if isinstance(item, ConformanceItem)]
    by_name = {items[k].ref.name: items[k] for k in ours}
    ordered = run.harness.run_order([items[k].ref for k in ours])
    for k, ref in zip(ours, ordered):  # other plugins' items keep their places
        items[k] = by_name[ref.name]


def pytest_collection_finish(session: pytest.Session) -> None:
    """The items this session runs, in order: the harness asks the worker for a function's items at
    once. Not under xdist, whose workers run a share of them decided as they go."""
    run = session.config.stash.get(STATE, None)
    if run is not None and not hasattr(session.config, "workerinput"):
        run.harness.plan([item.ref for item in session.items if isinstance(item, ConformanceItem)])


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    run = config.stash.get(STATE, None)
    if run is None:
        return None
    opts = config.option
    isolation = getattr(run.harness.module, "describe", None)
    where = f" (isolated: {isolation()})" if isolation else " (in-process: no timeout, no protection)"
    from conformance.running.target import load_notes

    return [f"rnn-conformance: target {run.target}{where}",
            f"rnn-conformance: suite {run.suite} ({run.reason})",
            f"rnn-conformance: dtype {opts.dtype}, {opts.random_cases} hidden random case(s) per function (seed {opts.random_seed})",
            *(f"rnn-conformance: note: {note}" for note in load_notes(run.harness.module))]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    run = parent.config.stash.get(STATE, None)
    if run is None or file_path.suffix != ".json" or file_path.parent.resolve() != run.spec_dir.resolve():
        return None
    return SpecFile.from_parent(parent, path=file_path, nodeid=f"{run.suite}/{file_path.name}")


class SpecFile(pytest.File):
    """One function's spec file: its fixture cases, random cases and gradient check."""

    def collect(self):
        run = self.config.stash[STATE]
        function = self.path.stem
        for ref in run.harness.items(self.config.getoption("random_cases")):
            if ref.function == function:
                # An explicit id, parsed like the ids pytest stores for --lf ("fn[case]" has params).
                yield ConformanceItem.from_parent(self, name=ref.name, ref=ref, nodeid=f"{self.nodeid}::{ref.name}")


class ConformanceFailure(Exception):
    """A verdict other than pass; its message is the whole failure report."""


class ConformanceWarning(UserWarning):
    """A passing item whose target emitted a numeric warning (0 points lost; shown in the summary)."""


class ConformanceItem(pytest.Item):
    def __init__(self, *, ref, **kwargs):
        super().__init__(**kwargs)
        self.ref = ref

    def runtest(self) -> None:
        run = self.config.stash[STATE]
        verdict = run.harness.run(self.ref)
        verdict.repro = self._rerun(run)
        if verdict.smallest is not None:  # rerunning the item shows the same smallest case again
            verdict.smallest.rerun = verdict.repro
        self.user_properties.append(("conformance", {"function": self.ref.function, "case": self.ref.case_id,
                                                     "kind": self.ref.kind, "outcome": verdict.outcome,
                                                     "message": verdict.message, "misconceptions": verdict.ids,
                                                     "warnings": verdict.warnings,
                                                     "supplied": verdict.details.get("supplied", ""),
                                                     "smallest": verdict.smallest and verdict.smallest.as_json()}))
        if verdict.outcome == "skip":
            pytest.skip(verdict.message)
        if verdict.outcome != "pass":
            prefix = {"missing": "", "fail": ""}.get(verdict.outcome, f"{verdict.outcome}: ")
            raise ConformanceFailure(prefix + verdict.message)
        # A passing item's warnings go to pytest's warnings summary; never an error, even under
        # filterwarnings = error (this filter is pytest's per-item one, dropped after the item).
        warnings.simplefilter("always", ConformanceWarning)
        for text in verdict.warnings:
            ids = "".join(f" [{i}]" for i in verdict.ids)
            warnings.warn_explicit(ConformanceWarning(f"{self.ref.name}: passed, but your code warned: {text}{ids}"),
                                   ConformanceWarning, str(self.path), 1)

    def _rerun(self, run: "ConformanceRun") -> str:
        # the target as the user typed it (a folder stays a folder): the line reruns from where they ran
        rerun = (f"pytest --target={shlex.quote(self.config.getoption('target'))} --suite={run.suite} "
                 f"-k {shlex.quote(self.ref.function + ' and ' + self.ref.case_id)}")
        if self.ref.kind == "random":
            rerun += f" --random-cases={self.config.option.random_cases} --random-seed={self.config.option.random_seed}"
        return rerun

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ConformanceFailure):
            return f"[{self.config.stash[STATE].suite} {self.ref.name}]\n{excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, self.name


class ReportCollector:
    """Gathers verdicts (on the controller too, under xdist) and writes --conformance-report."""

    def __init__(self, run: ConformanceRun, path: str | None):
        self.run = run
        self.path = path

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for key, value in report.user_properties:
            if key == "conformance" and report.when == "call":
                self.run.verdicts[report.nodeid] = value

    def pytest_terminal_summary(self, terminalreporter) -> None:
        """One line per function: what a student looks at first."""
        from conformance.reports.report import conformance_report, function_line, headline

        if not self.run.verdicts:
            return
        report = conformance_report(self.run.target, self.run.suite, self.run.harness.suite, self.run.verdicts.values())
        tr = terminalreporter
        tr.section(f"rnn-conformance: {self.run.suite} suite, {headline(report['functions'])}")
        for name, f in report["functions"].items():
            if f["status"] != "not run":
                tr.line(function_line(name, f), green=f["status"] == "pass", red=f["status"] in ("fail", "error"),
                        yellow=f["status"] == "missing")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.path or hasattr(session.config, "workerinput"):
            return
        from conformance.reports.report import conformance_report

        report = conformance_report(self.run.target, self.run.suite, self.run.harness.suite, self.run.verdicts.values())
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        Path(self.path).write_text(json.dumps(report, indent=2) + "\n")
