"""The public surface: `conformance.__all__` names what users and extension authors use, each
name resolves to the object it promises, and importing the package loads none of it."""
from __future__ import annotations

import subprocess
import sys

import pytest

import conformance


@pytest.mark.parametrize("name", conformance.__all__)
def test_every_public_name_resolves_to_what_its_module_defines(name: str) -> None:
    value = getattr(conformance, name)
    assert getattr(value, "__name__", None) == name, value
    assert value.__module__ == conformance._PUBLIC[name]


def test_a_name_that_is_not_public_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'harness_internals'"):
        conformance.harness_internals  # noqa: B018


def test_importing_the_package_loads_none_of_it() -> None:
    """pytest imports the plugin in every run, and every worker imports the package: cheap."""
    code = "import sys, conformance; print(sorted(m for m in sys.modules if m.startswith('conformance.')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_check_is_the_function_whatever_was_imported_first() -> None:
    """`from conformance import check` is the notebook's entry point: the function, even after
    its module was imported by name."""
    code = ("import conformance.checking, conformance; from conformance import check; "
            "print('check' in conformance.__all__, callable(check), check.__module__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "True True conformance.checking", done.stderr[-500:]
