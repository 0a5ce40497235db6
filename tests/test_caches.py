"""Cache comparison (conformance/judging/caches.py) and caches sent back by value from an isolated worker.

Mutants are a correct student file (tests/targets/_correct_dlai.py) with one function redefined
at its end, written to tmp_path: each keeps every output right and gets only the cache wrong.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conformance.contract import calling, wire
from conformance.judging import caches
from conformance.judging.harness import Harness
from conformance.running.isolation import IsolatedTarget
from conformance.contract.recipe import build_inputs
from conformance.contract.spec import Spec, load_suite
from conformance.running.target import load_target
from oracle import dlai

TARGETS = Path(__file__).parent / "targets"
CORRECT = TARGETS / "_correct_dlai.py"
SUITE = load_suite("dlai")
FORWARDS = ["rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward"]
RTOL, ATOL = 1e-7, 1e-9


def mutant(tmp_path: Path, code: str, name: str = "mutant") -> Path:
    """The correct student file with ``code`` (redefinitions) appended."""
    file = tmp_path / f"{name}.py"
    file.write_text(CORRECT.read_text() + "\n\n" + textwrap.dedent(code))
    return file


def inputs_of(function: str, case: str = "random_a") -> tuple[Spec, dict[str, np.ndarray]]:
    spec = SUITE.specs[function]
    return spec, build_inputs(spec, spec.case(case))


def judged(module: Any, function: str, case: str = "random_a", dtype: str = "float64") -> list[caches.CacheProblem]:
    """The cache problems of ``module``'s ``function`` on one spec case (inputs cast to dtype)."""
    spec, inputs = inputs_of(function, case)
    inputs = {k: v.astype(dtype) for k, v in inputs.items()}
    got = calling.name_outputs(spec, getattr(module, function)(*calling.arguments(spec, inputs)))
    want = caches.expected_cache(spec, dlai, inputs)
    tol = spec.data["tolerances"][dtype]
    return caches.cache_problems(spec, SUITE, got[calling.cache_output_name(spec)], want, tol["rtol"], tol["atol"])


def same_tree(a: Any, b: Any) -> bool:
    """Equal structure (tuple vs list too), keys, dtypes and exact array values."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a, b))
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(same_tree(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(same_tree(a[k], b[k]) for k in a)
    return a == b


# ------------------------------------------------------------------ conforming caches

@pytest.mark.parametrize("function", FORWARDS)
@pytest.mark.parametrize("case", ["published", "batch_1", "one_hidden"])
def test_the_oracles_own_cache_has_no_problem(function: str, case: str) -> None:
    assert judged(dlai, function, case) == []


@pytest.mark.parametrize("function", FORWARDS)
def test_a_correct_student_cache_has_no_problem(function: str) -> None:
    assert judged(load_target(str(CORRECT)), function) == []


def test_lists_for_tuples_pass_since_the_course_unpacks_them(tmp_path: Path) -> None:
    """``caches, x = caches`` and ``(a_next, a_prev, xt, parameters) = cache`` unpack a list alike."""
    module = load_target(str(mutant(tmp_path, """
        _tuple_cell = rnn_cell_forward
        _tuple_forward = rnn_forward

        def rnn_cell_forward(xt, a_prev, parameters):
            a_next, yt_pred, cache = _tuple_cell(xt, a_prev, parameters)
            return a_next, yt_pred, list(cache)

        def rnn_forward(x, a0, parameters):
            a, y_pred, (cell_caches, x_) = _tuple_forward(x, a0, parameters)
            return a, y_pred, [tuple(cell_caches), x_]
    """)))
    assert judged(module, "rnn_cell_forward") == []
    assert judged(module, "rnn_forward") == []


def test_seed000_naming_in_the_cached_dict_passes(tmp_path: Path) -> None:
    """Seed 000 caches a dict holding U, W, V, b_a, b_y (and here no Wax...): accepted by alias."""
    seed000 = load_target(str(TARGETS / "seed000_aliases.py"))
    spec, inputs = inputs_of("rnn_forward")
    args = calling.arguments(spec, inputs)
    fields = spec.data["aliases"]["fields"]
    args[2] = {alias: args[2][name] for name, aliases in fields.items() for alias in aliases}  # only U, W, ...
    got = seed000.rnn_forward(*args)[2]
    want = caches.expected_cache(spec, dlai, inputs)
    assert caches.cache_problems(spec, SUITE, got, want, RTOL, ATOL) == []
    # ...and both namings at once, as the harness passes them (extra keys are fine)
    both = calling.arguments(spec, inputs)
    both[2].update({alias: both[2][name].copy() for name, aliases in fields.items() for alias in aliases})
    assert caches.cache_problems(spec, SUITE, seed000.rnn_forward(*both)[2], want, RTOL, ATOL) == []
    # a wrong aliased value is still judged
    (cell_caches, x) = got
    a_next, a_prev, xt, p = cell_caches[0]
    cell_caches[0] = (a_next, a_prev, xt, {**p, "W": p["W"] + 1.0})
    (wrong,) = caches.cache_problems(spec, SUITE, got, want, RTOL, ATOL)
    assert (wrong.path, wrong.label, wrong.kind) == ("caches[0][0][3]['W']", "parameters['W'] of step 1's cache", "value")


# ------------------------------------------------------------------- structure

def test_two_fields_swapped_are_named(tmp_path: Path) -> None:
    module = load_target(str(mutant(tmp_path, """
        _right = lstm_cell_forward

        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            a_next, c_next, yt_pred, cache = _right(xt, a_prev, c_prev, parameters)
            a_next_, c_next_, a_prev_, c_prev_, ft, it, cct, ot, xt_, p = cache
            return a_next, c_next, yt_pred, (a_next_, c_next_, a_prev_, c_prev_, it, ft, cct, ot, xt_, p)
    """)))
    (problem,) = judged(module, "lstm_cell_forward")
    assert (problem.path, problem.kind) == ("cache", "structure")
    assert "ft and it are swapped (positions 4 and 5)" in problem.message
    assert "(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)" in problem.message
    (in_sequence,) = judged(module, "lstm_forward")  # said once for every step
    assert (in_sequence.path, in_sequence.label) == ("caches[0][0]", "every step's cache")
    assert in_sequence.message == problem.message


def test_steps_in_reverse_order_are_named(tmp_path: Path) -> None:
    module = load_target(str(mutant(tmp_path, """
        _right = rnn_forward

        def rnn_forward(x, a0, parameters):
            a, y_pred, (cell_caches, x_) = _right(x, a0, parameters)
            return a, y_pred, (cell_caches[::-1], x_)
    """)))
    (problem,) = judged(module, "rnn_forward")  # random_a: T_x = 3 or more
    assert (problem.path, problem.kind) == ("caches[0]", "structure")
    assert "in the wrong order: position 0 holds step" in problem.message


def test_x_left_out_of_caches_x(tmp_path: Path) -> None:
    module = load_target(str(mutant(tmp_path, """
        _right = rnn_forward

        def rnn_forward(x, a0, parameters):
            a, y_pred, (cell_caches, x_) = _right(x, a0, parameters)
            return a, y_pred, cell_caches

        _right_lstm = lstm_forward

        def lstm_forward(x, a0, parameters):
            a, y, c, (cell_caches, x_) = _right_lstm(x, a0, parameters)
            return a, y, c, (cell_caches,)
    """)))
    (problem,) = judged(module, "rnn_forward")
    assert (problem.path, problem.label, problem.kind) == ("caches", "the cache", "structure")
    assert problem.message.startswith("expected a tuple of 2: ([list of rnn_cell_forward caches], x), got ")
    assert problem.message.endswith(" items: the list of caches alone, without x")
    (problem,) = judged(module, "lstm_forward")
    assert problem.message.endswith("got 1 items (the list of caches): x missing")


def test_a_missing_cell_element_is_named(tmp_path: Path) -> None:
    module = load_target(str(mutant(tmp_path, """
        _right = rnn_cell_forward

        def rnn_cell_forward(xt, a_prev, parameters):
            a_next, yt_pred, (a_next_, a_prev_, xt_, p) = _right(xt, a_prev, parameters)
            return a_next, yt_pred, (a_next_, a_prev_, p)
    """)))
    (problem,) = judged(module, "rnn_cell_forward")
    assert problem.message == ("expected a tuple of 4: (a_next, a_prev, xt, parameters), got 3 items "
                               "(a_next, a_prev, parameters): xt missing")


def test_none_where_an_array_belongs(tmp_path: Path) -> None:
    module = load_target(str(mutant(tmp_path, """
        _right = rnn_cell_forward

        def rnn_cell_forward(xt, a_prev, parameters):
            a_next, yt_pred, (a_next_, a_prev_, xt_, p) = _right(xt, a_prev, parameters)
            return a_next, yt_pred, (a_next_, None, xt_, p)
    """)))
    (problem,) = judged(module, "rnn_cell_forward")
    assert (problem.path, problem.label, problem.kind) == ("cache[1]", "a_prev", "structure")
    a_prev = inputs_of("rnn_cell_forward")[1]["a_prev"]
    assert problem.message == f"expected an array of shape {a_prev.shape}, got None"


def test_a_missing_parameter_key(tmp_path: Path) -> None:
    module = load_target(str(mutant(tmp_path, """
        _right = rnn_cell_forward

        def rnn_cell_forward(xt, a_prev, parameters):
            a_next, yt_pred, (a_next_, a_prev_, xt_, p) = _right(xt, a_prev, parameters)
            return a_next, yt_pred, (a_next_, a_prev_, xt_, {"Wax": p["Wax"], "Waa": p["Waa"]})
    """)))
    (problem,) = judged(module, "rnn_cell_forward")
    assert (problem.path, problem.label, problem.kind) == ("cache[3]", "parameters", "structure")
    assert "lacks key(s) ['Wya', 'ba', 'by']" in problem.message


# ---------------------------------------------------------------- values, dtypes

def test_a_float32_element_is_a_problem_in_float64_mode_only(tmp_path: Path) -> None:
    module = load_target(str(mutant(tmp_path, """
        _right = lstm_cell_forward

        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            a_next, c_next, yt_pred, cache = _right(xt, a_prev, c_prev, parameters)
            cache = cache[:6] + (cache[6].astype(np.float32),) + cache[7:]
            return a_next, c_next, yt_pred, cache
    """)))
    (problem,) = judged(module, "lstm_cell_forward")
    assert (problem.path, problem.label, problem.kind) == ("cache[6]", "cct", "value")
    assert "expected dtype float64, got float32" in problem.message
    assert judged(module, "lstm_cell_forward", dtype="float32") == []


def test_a_wrong_value_names_its_worst_element(tmp_path: Path) -> None:
    module = load_target(str(mutant(tmp_path, """
        _right = lstm_cell_forward

        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            a_next, c_next, yt_pred, cache = _right(xt, a_prev, c_prev, parameters)
            ot = cache[7].copy()
            ot[2, 3] += 0.5
            return a_next, c_next, yt_pred, cache[:7] + (ot,) + cache[8:]
    """)))
    (problem,) = judged(module, "lstm_cell_forward")
    assert (problem.path, problem.label, problem.kind) == ("cache[7]", "ot", "value")
    assert "1 of " in problem.message and "worst at [2, 3]: expected " in problem.message
    assert "\n" not in problem.message


# ------------------------------------------------------------ the view bug

VIEW_BUG = """
    def lstm_forward(x, a0, parameters):
        caches = []
        n_x, m, T_x = x.shape
        n_y, n_a = parameters["Wy"].shape
        a = np.zeros((n_a, m, T_x))
        c = np.zeros((n_a, m, T_x))
        y = np.zeros((n_y, m, T_x))
        a_next = a0
        c_next = c[:, :, 0]  # "c<0> is zeros": a view, which c[:, :, 0] = ... overwrites below
        for t in range(T_x):
            a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
            a[:, :, t] = a_next
            c[:, :, t] = c_next
            y[:, :, t] = yt
            caches.append(cache)
        return a, y, c, (caches, x)
"""


def test_a_cached_view_overwritten_later_is_recognised(tmp_path: Path) -> None:
    module = load_target(str(mutant(tmp_path, VIEW_BUG)))
    spec, inputs = inputs_of("lstm_forward")
    a, y, c, _ = module.lstm_forward(*calling.arguments(spec, inputs))
    a_ok, y_ok, c_ok, _ = dlai.lstm_forward(*calling.arguments(spec, inputs))
    assert np.allclose(a, a_ok) and np.allclose(y, y_ok) and np.allclose(c, c_ok)  # every output right
    (problem,) = judged(module, "lstm_forward")
    assert (problem.path, problem.label, problem.kind) == ("caches[0][0][3]", "c_prev of step 1's cache", "alias")
    assert "holds the value expected of c_next of step 1's cache (caches[0][0][1])" in problem.message
    assert "`.copy()`" in problem.message
    fixed = load_target(str(mutant(tmp_path, VIEW_BUG.replace("c[:, :, 0]  #", "c[:, :, 0].copy()  #"), "fixed")))
    assert judged(fixed, "lstm_forward") == []


def test_a_reused_buffer_names_another_steps_value(tmp_path: Path) -> None:
    """a_prev updated in place: every cached a_prev ends as the last a_next."""
    module = load_target(str(mutant(tmp_path, """
        def rnn_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wya"].shape
            a = np.zeros((n_a, m, T_x))
            y_pred = np.zeros((n_y, m, T_x))
            a_prev = a0.copy()
            for t in range(T_x):
                a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_prev, parameters)
                a_prev[...] = a_next
                a[:, :, t], y_pred[:, :, t] = a_next, yt_pred
                caches.append(cache)
            return a, y_pred, (caches, x)
    """)))
    problems = judged(module, "rnn_forward")
    assert problems and {p.kind for p in problems} == {"alias"}
    assert problems[0].path == "caches[0][0][1]"
    assert "a_next of step " in problems[0].message


def test_shifted_steps_are_wrong_values_not_views(tmp_path: Path) -> None:
    """Each step caching the next step's values (off by one): nothing is right in those steps, so
    no element is blamed on a view, though each equals another step's expected one."""
    module = load_target(str(mutant(tmp_path, """
        _right = rnn_forward

        def rnn_forward(x, a0, parameters):
            a, y_pred, (cell_caches, x_) = _right(x, a0, parameters)
            return a, y_pred, (cell_caches[1:] + cell_caches[-1:], x_)
    """)))
    problems = judged(module, "rnn_forward")
    assert problems and {p.kind for p in problems} == {"value"}
    assert problems[0].path == "caches[0][0][0]"


def test_problems_are_capped_and_structure_comes_first(tmp_path: Path) -> None:
    module = load_target(str(mutant(tmp_path, """
        _right = lstm_forward

        def lstm_forward(x, a0, parameters):
            a, y, c, (cell_caches, x_) = _right(x, a0, parameters)
            cell_caches = [tuple(e * 2 if isinstance(e, np.ndarray) else e for e in cache) for cache in cell_caches]
            cell_caches[-1] = cell_caches[-1][:9]
            return a, y, c, (cell_caches, x_)
    """)))
    problems = judged(module, "lstm_forward")
    assert len(problems) == caches.MAX_PROBLEMS
    assert problems[0].kind == "structure" and "got 9 items" in problems[0].message
    assert {p.kind for p in problems[1:]} == {"value"}


# ------------------------------------------------------------ isolated targets

def test_caches_by_value_from_an_isolated_target_equal_the_in_process_ones(tmp_path: Path) -> None:
    view_bug = mutant(tmp_path, VIEW_BUG)
    in_process = load_target(str(view_bug))
    spec, inputs = inputs_of("lstm_forward")
    cell_spec, cell_inputs = inputs_of("lstm_cell_forward")
    target = IsolatedTarget(str(view_bug), timeout=10)
    try:
        Harness(target, SUITE)  # sets which outputs are caches
        default = target.lstm_forward(*calling.arguments(spec, inputs))
        assert isinstance(default[3], wire.Handle)
        by_value = target.call("lstm_forward", calling.arguments(spec, inputs), caches_by_value=True)
        with target.caches_by_value():
            cell = target.lstm_cell_forward(*calling.arguments(cell_spec, cell_inputs))
        after = target.lstm_cell_forward(*calling.arguments(cell_spec, cell_inputs))
    finally:
        target.close()
    assert isinstance(after[3], wire.Handle), "the context manager left caches by value on"
    assert same_tree(by_value, in_process.lstm_forward(*calling.arguments(spec, inputs)))
    assert same_tree(cell, in_process.lstm_cell_forward(*calling.arguments(cell_spec, cell_inputs)))
    want = caches.expected_cache(spec, dlai, inputs)
    (problem,) = caches.cache_problems(spec, SUITE, by_value[3], want, RTOL, ATOL)
    assert problem.kind == "alias"  # the view came back as the call left it: overwritten


def test_a_handle_is_reported_not_compared() -> None:
    spec, inputs = inputs_of("rnn_cell_forward")
    want = caches.expected_cache(spec, dlai, inputs)
    (problem,) = caches.cache_problems(spec, SUITE, wire.Handle(1, "tuple"), want, RTOL, ATOL)
    assert problem.kind == "structure" and "a tuple kept in the worker" in problem.message
