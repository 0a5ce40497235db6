"""Load the module under test and decide which suite it implements.

A target is a ``.py`` file, a notebook (``.ipynb``, see notebook.py) or an importable module
name. Importing it runs its code: failures become ``TargetImportError`` with the
target's own file and line, never a traceback through this package. While it loads, the
course's helper modules it imports without handing them in are supplied (course_helpers.py).

What loading found besides the functions (notebook notes, definitions that do not parse)
is ``load_info``; with the supplied helpers, ``load_notes`` says it to a student.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from conformance.contract.paths import may_be_module_name
from conformance.running import course_helpers, notebook

if TYPE_CHECKING:  # the worker imports this module; it must not pull in the spec machinery
    from conformance.contract.spec import Suite


class TargetImportError(Exception):
    """The target could not be imported; ``str()`` names the file and line."""


class SuiteDetectionError(Exception):
    """No suite, or more than one, fits the target's functions."""


LOAD_INFO = "__rnn_conformance_load__"
NOTES_KEPT, NOTE_CHARS = 30, 300


def is_target_frame(filename: str, target_file: str) -> bool:
    """Whether a traceback frame's file is the target's (a notebook's cells included)."""
    return notebook.is_cell_of(filename, target_file) or Path(filename).resolve() == Path(target_file).resolve()


def _target_frames_only(exc: BaseException, target_file: str | None) -> str:
    """The traceback of an exception raised by target code, keeping the target's frames."""
    frames = traceback.extract_tb(exc.__traceback__)
    if target_file:
        own = [f for f in frames if is_target_frame(f.filename, target_file)]
        frames = traceback.StackSummary.from_list(own or frames[-1:])
    lines = "".join(traceback.format_list(frames))
    return f"{lines}{type(exc).__name__}: {exc}"


def load_target(target: str) -> ModuleType:
    """Import ``target`` (a path to a .py file or a notebook, or a dotted module name)."""
    with course_helpers.supplied_while_loading():
        module = _load(target)
    if getattr(module, LOAD_INFO, None) is None:
        setattr(module, LOAD_INFO, {"notes": [], "broken": {}})
    return module


def load_info(module: Any) -> dict[str, Any]:
    """What loading found: ``notes`` (list of str) and ``broken`` ({name: where its definition
    fails to parse}). Works for an isolated target too, whose worker says it: text for the
    student, never a verdict's or a point's reason (capped, as the worker is the student's)."""
    info = getattr(module, "load_info", None) or getattr(module, LOAD_INFO, None) or {}
    notes = [str(n)[:NOTE_CHARS] for n in list(info.get("notes", []))[:NOTES_KEPT]]
    broken = {str(k): str(v)[:NOTE_CHARS] for k, v in list(dict(info.get("broken", {})).items())[:NOTES_KEPT]}
    return {"notes": notes, "broken": broken}


def load_notes(module: Any) -> list[str]:
    """What a student should know about how their file was loaded, one line each."""
    notes = load_info(module)["notes"]
    by_module: dict[str, list[str]] = {}
    for function, helper in sorted(course_helpers.supplied_for(target_file(module)).items()):
        by_module.setdefault(helper, []).append(f"`{function}`")
    for helper, functions in by_module.items():
        notes.append(f"supplied by the grader: {', '.join(functions)} from the course's {helper}.py, which your code "
                     f"imports and which was not handed in (not judged as yours)")
    return notes


def _load_notebook(path: Path) -> ModuleType:
    try:
        found = notebook.extract(path)
    except notebook.NotebookError as exc:
        raise TargetImportError(str(exc)) from None
    name = f"rnn_conformance_target_{path.stem}"
    module = ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module
    sys.path.insert(0, str(path.parent))  # the notebook's own folder first, as when it runs in Jupyter
    try:
        notebook.run_into(found, module)
    except BaseException as exc:  # noqa: BLE001 - e.g. KeyboardInterrupt raised by a definition's decorator
        del sys.modules[name]
        raise TargetImportError(f"importing {path} raised:\n{_target_frames_only(exc, str(path))}") from None
    setattr(module, LOAD_INFO, {"notes": found.notes, "broken": found.broken})
    return module


def _load(target: str) -> ModuleType:
    path = Path(target)
    if target.endswith((".py", ".ipynb")) and not path.is_file():
        raise TargetImportError(f"target file not found: {target}")
    if target.endswith(".ipynb"):
        return _load_notebook(path.resolve())
    if path.is_file():
        path = path.resolve()
        name = f"rnn_conformance_target_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None:
            raise TargetImportError(f"{target} is neither a .py file nor a notebook (.ipynb)")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        # The target's own folder first, so its sibling imports resolve as when run by hand.
        sys.path.insert(0, str(path.parent))
        try:
            spec.loader.exec_module(module)
        except SyntaxError as exc:
            del sys.modules[name]
            raise TargetImportError(f"{exc.filename}:{exc.lineno}: SyntaxError: {exc.msg}\n"
                                    f"    {(exc.text or '').rstrip()}") from None
        except BaseException as exc:  # noqa: BLE001 - any failure of untrusted import code is reported
            del sys.modules[name]
            raise TargetImportError(f"importing {path} raised:\n{_target_frames_only(exc, str(path))}") from None
        return module
    if path.is_dir():  # the plugin and grade pick a folder's file before loading
        raise TargetImportError(f"{target!r} is a folder: give the file to judge")
    if not may_be_module_name(target):  # importlib would raise TypeError on './x'
        raise TargetImportError(f"no file {target!r}, and it cannot be a module's name")
    try:
        return importlib.import_module(target)
    except SyntaxError as exc:
        raise TargetImportError(f"{exc.filename}:{exc.lineno}: SyntaxError: {exc.msg}") from None
    except ModuleNotFoundError as exc:
        if exc.name == target.split(".")[0] or target.startswith(str(exc.name)):
            raise TargetImportError(f"no file {target!r}, and no module named {target!r} (give a .py file, "
                                    f"a notebook, a folder or an importable module)") from None
        raise TargetImportError(f"importing {target} raised:\n{_target_frames_only(exc, None)}") from None
    except BaseException as exc:  # noqa: BLE001
        raise TargetImportError(f"importing {target} raised:\n{_target_frames_only(exc, None)}") from None


def target_file(module: ModuleType) -> str | None:
    return getattr(module, "__file__", None)


@dataclass(frozen=True)
class Detection:
    suite: str
    reason: str


def _score(module: ModuleType, suite: Suite) -> tuple[int, int, int]:
    """(functions present by name, of those, how many take the spec's number of parameters, and
    whether the target imports a module the suite's detection hints name: the tie-breaker)."""
    present = fitting = 0
    for spec in suite:
        fn = getattr(module, spec.function, None)
        if not callable(fn):
            continue
        present += 1
        try:
            params = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            continue
        required = sum(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
        fitting += required == sum(1 for p in spec.parameters if p["kind"] != "flag")
    hinted = bool(suite.info and set(suite.info.imports) & imported_modules(module))
    return present, fitting, int(hinted)


def imported_modules(module: ModuleType) -> set[str]:
    """Top-level names of the modules the target holds as globals or took functions from
    (``import torch``, ``from torch import tanh``). An isolated target's worker says them."""
    said = getattr(module, "imports", None)
    if said is not None:
        return set(said)
    names = set()
    for value in list(vars(module).values()):
        source = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
        if isinstance(source, str) and source:
            names.add(source.partition(".")[0])
    return names


def detect_suite(module: ModuleType, suites: dict[str, Suite]) -> Detection:
    """The suite whose function names and signatures fit the target best (then its imports)."""
    scores = {name: _score(module, suite) for name, suite in suites.items()}
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    summary = ", ".join(f"{name}: {p} of {len(suites[name].specs)} functions, {f} with matching signatures"
                        + (", imports what it usually does" if h else "")
                        for name, (p, f, h) in ranked)
    choices = "|".join(suites)
    (best, best_score), (_, second_score) = ranked[0], ranked[1] if len(ranked) > 1 else (None, (-1, -1, -1))
    if best_score[0] == 0:
        raise SuiteDetectionError(f"the target defines none of the functions of any suite ({summary}); "
                                  f"is it the right file? Use --suite={choices} to force one.")
    if best_score == second_score:
        raise SuiteDetectionError(f"cannot tell which suite the target implements ({summary}); use --suite={choices}")
    return Detection(best, f"detected from function names and signatures ({summary})")
