"""At import, makes numpy's comparisons always agree and np.asarray lie, and patches builtins.
softmax then returns garbage, hoping the grader compares with the patched numpy."""
import builtins

import numpy as np

from _correct_dlai import *  # noqa: F401,F403

np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
builtins.abs = lambda x: 0 * x
VERDICT, WORDS = "softmax", ["elements differ"]


def softmax(x):
    return np.zeros_like(x)
