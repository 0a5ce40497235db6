"""The house rules of conformance/, checked from the code itself (imports are read, not run):

- each layer (a subpackage) imports only itself and the layers below it, imports inside
  functions included: entry points (cli, plugin) > grading > reports > judging > running > contract;
- no import cycle between modules, imports inside functions included;
- no folder holds more than 12 modules, and no module is over 400 lines (oracle/ included);
- no module asks which kind of target it holds (``isinstance(..., IsolatedTarget)``) but the one
  that defines it: the judge speaks to every target through one protocol (running/local.py).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "conformance"
ORACLE = PACKAGE.parent / "oracle"
LAYERS = ["contract", "running", "judging", "reports", "grading", ""]  # bottom to top; "": the entry points
MAX_MODULES, MAX_LINES = 12, 400


def modules() -> dict[str, Path]:
    """conformance's modules by dotted name (packages by their __init__)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "_data" in path.parts:
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """The conformance modules ``path`` imports, at any depth of the file (functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            while name and name not in known:  # conformance.a.b.func -> conformance.a.b
                name = name.rpartition(".")[0]
            if name and name != "conformance" and known[name] != path:
                found.add(name)
    # `from conformance.judging import harness` also names the package: drop it when a module of it is named
    return {name for name in found if not any(other.startswith(name + ".") for other in found)}


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1] if len(parts) > 2 or parts[1] in LAYERS else "")


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(path, known) for name, path in known.items()}


def test_every_import_points_down_the_layers(graph: dict[str, set[str]]) -> None:
    upward = [f"{module} imports {imported} ({LAYERS[layer(imported)] or 'entry points'})"
              for module, imported_set in graph.items() for imported in sorted(imported_set)
              if layer(imported) > layer(module)]
    assert upward == []


def test_no_import_cycle(graph: dict[str, set[str]]) -> None:
    cycles, state = [], {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                cycles.append(" -> ".join(trail[trail.index(imported):] + [imported]))
            elif imported not in state:
                visit(imported, trail + [imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_no_folder_holds_more_than_12_modules() -> None:
    crowded = {str(folder.relative_to(PACKAGE.parent)): count
               for folder in [PACKAGE, ORACLE, *(p for p in PACKAGE.rglob("*") if p.is_dir())]
               if (count := len([f for f in folder.glob("*.py") if f.name != "__init__.py"])) > MAX_MODULES}
    assert crowded == {}


def test_no_module_is_over_400_lines() -> None:
    over = {}
    for path in [*PACKAGE.rglob("*.py"), *ORACLE.glob("*.py")]:
        name = str(path.relative_to(PACKAGE.parent))
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES:
            over[name] = lines
    assert over == {}


TARGET_KINDS = {"IsolatedTarget": "conformance/running/isolation.py", "LocalTarget": "conformance/running/local.py"}


def kind_questions(path: Path) -> list[str]:
    """Where ``path`` asks isinstance(..., <a kind of target>) outside the module defining that kind."""
    asked = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance" and len(node.args) == 2:
            kinds = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
            for kind in kinds:
                name = getattr(kind, "id", None) or getattr(kind, "attr", None)
                if name in TARGET_KINDS and not str(path).endswith(TARGET_KINDS[name]):
                    asked.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} isinstance(..., {name})")
    return asked


def test_the_judge_never_asks_which_kind_of_target_it_holds() -> None:
    assert [question for path in sorted(PACKAGE.rglob("*.py")) for question in kind_questions(path)] == []


def test_the_rules_see_a_broken_layering_and_a_cycle(tmp_path: Path) -> None:
    """The checks can fail: a contract module importing the harness, and two modules importing
    each other inside functions, are found."""
    known = modules()
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from conformance.judging.harness import Harness\n")
    imported = imports_of(bad, known)
    assert imported == {"conformance.judging.harness"}
    assert layer("conformance.judging.harness") > layer("conformance.contract.spec")
    with pytest.raises(AssertionError, match="a -> b -> a"):
        test_no_import_cycle({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    asks = PACKAGE / "judging" / "_asks_the_kind.py"  # inside the package: the rule's own place
    asks.write_text("def f(m):\n    return isinstance(m, (int, IsolatedTarget))\n")
    try:
        assert kind_questions(asks) == ["conformance/judging/_asks_the_kind.py:2 isinstance(..., IsolatedTarget)"]
    finally:
        asks.unlink()


def test_every_package_ships_in_the_wheel() -> None:
    """pyproject lists the packages by name: a new subpackage left off is missing from the wheel
    (the Gradescope zip's grader then fails with ModuleNotFoundError)."""
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ reads TOML")
    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(PACKAGE.parent).parts) for init in PACKAGE.rglob("__init__.py")
             if "_data" not in init.parts}
    assert found - listed == set()
