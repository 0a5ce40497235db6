"""Classes to grade for the class report's tests (test_class_report.py, test_report_browser.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.grading.grade import grade
from conformance.judging.scoring import SubmissionResult

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# What a student controls, aimed at the page: a file name and exception texts with markup.
EVIL_FILE = "<img src=x onerror=alert(1)>.py"
EVIL_RAISE = "<script>alert(2)</script><b>bold</b>"
EVIL_IMPORT = "<iframe srcdoc='<script>alert(3)</script>'></iframe>"
EVIL_SOURCE = f"def softmax(x):\n    raise ValueError({EVIL_RAISE!r})\n"
EVIL_AT_IMPORT = f"raise RuntimeError({EVIL_IMPORT!r})\n\ndef sigmoid(x):\n    return x\n"


def run_grade(*args, **kwargs) -> list[SubmissionResult]:
    """grade() (in-process unless asked) with the class report, leaving the environment as it was."""
    kwargs.setdefault("isolate", False)
    kwargs.setdefault("progress", False)
    kwargs.setdefault("random_cases", 0)
    with pytest.MonkeyPatch.context() as mp:
        for var in THREAD_VARS:
            mp.setenv(var, "1")
        return grade(*args, **kwargs)


def evil_class(folder: Path) -> list[Path]:
    """Two submissions whose file name and messages carry markup."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / EVIL_FILE).write_text(EVIL_SOURCE)
    (folder / "import_markup.py").write_text(EVIL_AT_IMPORT)
    return [folder / EVIL_FILE, folder / "import_markup.py"]
