"""``conformance.check``: the judgement of ``pytest --target``, from a notebook cell or a script.

    from conformance import check
    check()                      # every suite function defined in this namespace (the notebook's globals)
    check(rnn_cell_forward)      # one function; check([f, g]) a few; check(module) a whole module
    check(f, strict=True)        # raises AssertionError with the report when f does not conform (graders' cells)

Same items (fixture cases, gradient checks), tolerances, diagnosis and warnings as ``pytest --target
--in-process``: the items come from ``conformance.judging.harness.Harness``, which judges them.
The target runs in this process (a student checks their own code), and is built from the live
objects, never re-imported: a function that calls the student's other functions calls their
current definitions, through its own globals. Nothing is left behind: the caller's namespace is
only read, and the alarm used for ``timeout=`` is restored.

Bad input (``check(42)``, a lambda, a class, a name in no suite, a namespace with no suite
function) is one line in the result, never a traceback from inside the package.

Not named check.py: ``import conformance.check`` would bind the package's ``check`` to the module.
"""

from __future__ import annotations

import functools
import inspect
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from conformance.reports.check_result import CheckResult, failed

DEFAULT_TIMEOUT = 10.0


class TimedOut(Exception):
    """Raised inside the student's call by the alarm: an Exception, so the harness judges it as
    any exception the target raised (its verdict names where the code was interrupted)."""


@functools.lru_cache(maxsize=1)
def _suites() -> dict:
    """Every suite's contract, once per process: reading and checking the spec takes longer than a check."""
    from conformance.contract.spec import load_all

    return load_all()


class _Alarm:
    """Per-call timeouts in this process: SIGALRM raises TimedOut in the running call, again
    every second should the student's code swallow it. Only in the main thread (where Python
    delivers signals); elsewhere calls run without a limit, and the result says so."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.available = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
        self.armed_for = ""  # the function whose call the alarm is timing
        self.fired: str = ""  # the function whose call it interrupted, until taken()

    @contextmanager
    def installed(self) -> Iterator[None]:
        if not self.available:
            yield
            return
        previous = signal.signal(signal.SIGALRM, self._ring)
        previous_timer = signal.setitimer(signal.ITIMER_REAL, 0)  # the caller's own alarm, if any, resumes after
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if previous_timer[0] > 0:
                signal.setitimer(signal.ITIMER_REAL, *previous_timer)

    def _ring(self, signum: int, frame: Any) -> None:
        if self.armed_for:  # late: the call returned and the alarm is being disarmed
            self.fired = self.armed_for
            raise TimedOut(f"no return within {self.seconds:g} s, so check() interrupted it here "
                           f"(timeout= sets the limit)")

    def timed(self, name: str, fn: Callable) -> Callable:
        """``fn`` with the alarm armed around each call (not around the calls it makes itself)."""
        if not self.available:
            return fn

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            if self.armed_for:  # already timing an outer call
                return fn(*args, **kwargs)
            self.armed_for = name
            signal.setitimer(signal.ITIMER_REAL, self.seconds, 1.0)
            try:
                return fn(*args, **kwargs)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                self.armed_for = ""
        return call

    def taken(self) -> str:
        fired, self.fired = self.fired, ""
        return fired


def _describe(obj: Any) -> str:
    return f"{type(obj).__name__} {obj!r}"[:80]


def _suite_names() -> set[str]:
    return {spec.function for suite in _suites().values() for spec in suite}


def _function_problem(obj: Any) -> str:
    """Why ``obj`` cannot be judged as a suite function, or ''."""
    if inspect.isclass(obj):
        return (f"`{obj.__name__}` is a class; check() judges the suite's functions (e.g. check(rnn_cell_forward)) "
                f"or a module")
    if isinstance(obj, str):
        return (f"expected a function, a list of functions or a module; got the str {obj!r} (a file is judged by "
                f"`pytest --target={obj}`)")
    if not callable(obj):
        return f"expected a function, a list of functions or a module; got {_describe(obj)}"
    name = getattr(obj, "__name__", "")
    if name == "<lambda>":
        return "a lambda has no name to judge it by: define it with `def` and the suite's name, e.g. def sigmoid(x): ..."
    if name not in _suite_names():
        return f"`{name}` is the name of no suite's function: name it as the assignment does ({_names_hint()})"
    return ""


def _names_hint() -> str:
    """A few names a student recognises, one per suite; `rnn-conformance list` has them all."""
    def typical(functions: list[str]) -> str:  # a plain RNN's forward step, where the suite has one
        return min(functions, key=lambda f: (not f.endswith(("cell_forward", "step_forward")),
                                             not f.endswith("forward"), not f.startswith("rnn"), f))

    examples = ", ".join(f"{typical([s.function for s in suite])} ({name})" for name, suite in _suites().items())
    return f"e.g. {examples}; `rnn-conformance list` names them all"


def _forcing(text: str) -> str:
    """--target's advice in check()'s words: ``--suite=dlai|cs231n`` -> ``suite='dlai' (or 'cs231n')``."""
    def spelled(match: re.Match) -> str:
        first, *others = match.group(1).split("|")
        return f"suite={first!r}" + (f" (or {', '.join(map(repr, others))})" if others else "")

    return re.sub(r"--suite=([\w|]+)", spelled, text)


def _namespace_of(fns: list[Callable]) -> dict[str, Any]:
    """The names the functions see: their globals (the notebook's, usually), the functions themselves on top."""
    namespace: dict[str, Any] = {}
    for fn in fns:
        namespace.update(getattr(fn, "__globals__", {}))
    namespace.update({fn.__name__: fn for fn in fns})
    return namespace


def _candidates(namespace: dict[str, Any]) -> dict[str, Any]:
    """The suite-named callables of a namespace (classes excluded: a suite function is a function)."""
    names = _suite_names()
    return {name: value for name, value in namespace.items()
            if name in names and callable(value) and not inspect.isclass(value)}


def _detect(candidates: dict[str, Any], suite: str | None) -> tuple[str, str]:
    """(suite, why): forced, or detected from the functions as ``--target`` detects it."""
    from conformance.contract.spec import resolve_suite_name
    from conformance.running.target import detect_suite

    if suite:
        return resolve_suite_name(suite), "chosen with suite="
    probe = ModuleType("check_detection")
    vars(probe).update(candidates)
    detection = detect_suite(probe, _suites())
    return detection.suite, detection.reason


def _target_module(namespace: dict[str, Any], functions: dict[str, Any], file: str | None, alarm: _Alarm) -> ModuleType:
    """A fresh module holding the judged functions (and the modules the namespace imported, which
    decide a tensor framework), each call timed. Never registered in sys.modules."""
    module = ModuleType("conformance_check_target")
    module.__file__ = file
    vars(module).update({name: value for name, value in namespace.items() if isinstance(value, ModuleType)})
    vars(module).update({name: alarm.timed(name, fn) for name, fn in functions.items()})
    return module


def _code_file(fns: list[Any]) -> str | None:
    """The file the functions' code is in (a notebook cell's, in Jupyter), when they share one."""
    files = {getattr(getattr(fn, "__code__", None), "co_filename", None) for fn in fns}
    files.discard(None)
    return files.pop() if len(files) == 1 else None


def check(target: Any = None, *, suite: str | None = None, strict: bool = False, timeout: float = DEFAULT_TIMEOUT,
          case: str | None = None, dtype: str = "float64", profile: str = "strict") -> CheckResult:
    """Judge functions as ``pytest --target`` does, in this process, and return what was found.

    target: a function, a list of functions, a module, or nothing: the suite functions defined
    where check() is called. suite: force a suite (by name or alias) instead of detecting it.
    strict: raise AssertionError carrying the report when anything does not conform.
    timeout: seconds per call of the target (interrupted where Python allows). case: judge only
    this case of each function (the rerun of one item).
    """
    if target is None:
        caller = inspect.currentframe().f_back
        try:
            namespace = dict(caller.f_globals)  # a copy: read, never written
        finally:
            del caller  # a frame held here would keep the caller's locals alive
        result = _check_namespace(namespace, None, suite, timeout, case, dtype, profile, "check()")
    else:
        result = _check(target, suite, timeout, case, dtype, profile)
    if strict and not result.ok:
        raise AssertionError(str(result))
    return result


def _check(target: Any, suite: str | None, timeout: float, case: str | None, dtype: str,
           profile: str) -> CheckResult:
    if isinstance(target, ModuleType):
        functions = _candidates(vars(target))
        return _check_namespace(vars(target), getattr(target, "__file__", None) or _code_file(functions.values()),
                                suite, timeout, case, dtype, profile, f"check({target.__name__})", whole=True)
    fns = list(target) if isinstance(target, (list, tuple)) else [target]
    if not fns:
        return failed("check([]): no function given")
    for fn in fns:
        problem = _function_problem(fn)
        if problem:
            return failed(f"check: {problem}")
    names = [fn.__name__ for fn in fns]
    return _check_namespace(_namespace_of(fns), _code_file(fns), suite, timeout, case, dtype, profile,
                            f"check({', '.join(names)})", only=names)


def _check_namespace(namespace: dict[str, Any], file: str | None, suite: str | None, timeout: float,
                     case: str | None, dtype: str, profile: str, called: str, only: list[str] | None = None,
                     whole: bool = False) -> CheckResult:
    """Judge the suite functions of ``namespace``: ``only`` these, or every one it defines, or
    (``whole``, a module) the whole suite, missing functions included, as ``--target`` does."""
    from conformance.contract.spec import SpecError
    from conformance.running.target import SuiteDetectionError

    if not isinstance(timeout, (int, float)) or not timeout > 0:
        return failed(f"{called}: timeout= must be a positive number of seconds, got {timeout!r}")
    if dtype not in ("float64", "float32"):
        return failed(f"{called}: dtype= must be 'float64' or 'float32', got {dtype!r}")
    from conformance.contract.catalogue import profiles

    if profile not in profiles():
        return failed(f"{called}: profile= must be one of {', '.join(map(repr, profiles()))}, got {profile!r}")
    candidates = _candidates(namespace)
    if not candidates and not suite:
        return failed(f"{called}: no suite function is defined here: define one first ({_names_hint()})")
    try:  # detected from every suite function in sight: a lone `lstm_backward` fits three suites
        chosen, reason = _detect(candidates, suite)
    except (ValueError, SpecError) as exc:
        return failed(f"{called}: {exc}")
    except SuiteDetectionError as exc:
        # the same words as --target, with this function's way of forcing a suite
        return failed(f"{called}: {_forcing(str(exc))}")
    contract = _suites()[chosen]
    imported = {} if only or whole else {n: _home(fn) for n, fn in candidates.items()
                                         if n in contract.specs and _home(fn) not in (None, namespace.get("__name__"))}
    names = only or (list(contract.specs) if whole else [n for n in contract.specs if n in candidates
                                                         and n not in imported])
    unknown = [n for n in names if n not in contract.specs]
    if unknown:
        return failed(f"{called}: `{unknown[0]}` is not a function of the {chosen} suite "
                      f"({', '.join(contract.specs)})")
    # check(): what the caller imported (the course's rnn_utils.softmax) is called, not judged as theirs
    not_theirs = [f"not judged: `{n}`, imported from {home} (check({n}) judges it)" for n, home in imported.items()]
    if not names:
        return failed(f"{called}: none of the {chosen} suite's functions is defined here "
                      f"({', '.join(contract.specs)})" + (f"; {not_theirs[0]}" if not_theirs else ""))
    own = {name: fn for name, fn in candidates.items() if name in contract.specs}
    result = _judge(own, namespace, file, contract, reason, names, _Alarm(float(timeout)), case, dtype, profile,
                    called)
    result.notes += not_theirs
    return result


def _home(fn: Any) -> str | None:
    """The module a function was defined in (``__main__`` for a notebook cell's)."""
    return getattr(fn, "__module__", None)


def _judge(own: dict[str, Any], namespace: dict[str, Any], file: str | None, contract: Any, reason: str,
           names: list[str], alarm: _Alarm, case: str | None, dtype: str, profile: str, called: str) -> CheckResult:
    """Run the Harness's items of ``names`` against the live functions ``own`` (all of them are in the
    target: a backward's items call the student's forward), in Harness.run_order."""
    from conformance.contract import cases, fixtures
    from conformance.judging.harness import Harness
    from conformance.judging.reference import matches
    from conformance.reports.check_result import build
    from conformance.running.target import TargetImportError

    plain = ModuleType("conformance_check_plain")  # the untimed functions: their code is what matching reads
    vars(plain).update(own)
    copied = matches(plain, file, names)
    try:
        harness = Harness(_target_module(namespace, own, file, alarm), contract, dtype=dtype,
                          reference_matches=copied, profile=profile)
    except TargetImportError as exc:  # a tensor framework that cannot load
        return failed(f"{called}: {exc}")
    refs = [ref for ref in harness.items() if ref.function in names and (case is None or ref.case_id == case)]
    if not refs:
        known = sorted({ref.case_id for ref in harness.items() if ref.function in names})
        return failed(f"{called}: no case {case!r}; the cases are: {', '.join(known)}")
    cases.preload(contract, refs, 0, fixtures.load_manifest())
    harness.plan(refs)
    verdicts = []
    with alarm.installed():
        for ref in refs:
            verdict = harness.run(ref)
            interrupted = alarm.taken()
            if interrupted:  # items that call it would each wait out the timeout again
                harness.note_timeout(interrupted, ref)
                verdict.timeout = True
            verdict.repro = f"check({ref.function}, suite={contract.name!r}, case={ref.case_id!r})"
            verdicts.append(verdict)
    notes = [] if alarm.available else ["no timeout: check() runs outside the main thread, where Python cannot "
                                        "interrupt a call; a call that never returns hangs"]
    return build(called, contract, reason, names, refs, verdicts, notes)
