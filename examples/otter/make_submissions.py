"""Two students fill in the student notebook `otter assign` wrote: `right` correctly, `wrong` without
the tanh (the catalogue's missing-activation). Writes submissions/right.ipynb and wrong.ipynb.

    otter assign rnn_cell.ipynb dist && python make_submissions.py && \
        otter run -a dist/autograder/rnn_cell-autograder_*.zip -o out/right submissions/right.ipynb
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
HIDDEN = {"right": 'np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])',
          "wrong": 'parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"]'}
PLACEHOLDER = "    ...\n    return a_next, yt_pred, cache"  # what otter assign leaves of the solution block


def answer(hidden: str) -> str:
    return (f"    a_next = {hidden}\n    yt_pred = softmax(parameters[\"Wya\"] @ a_next + parameters[\"by\"])\n"
            f"    cache = (a_next, a_prev, xt, parameters)\n    return a_next, yt_pred, cache")


def main(folder: Path = HERE) -> None:
    handed_out = nbformat.read(folder / "dist" / "student" / "rnn_cell.ipynb", as_version=4)
    for student, hidden in HIDDEN.items():
        notebook = nbformat.from_dict(handed_out)
        filled = [cell for cell in notebook.cells if PLACEHOLDER in cell.source]
        if len(filled) != 1:
            raise SystemExit(f"expected one cell with otter's placeholder in the student notebook, found {len(filled)}")
        filled[0].source = filled[0].source.replace(PLACEHOLDER, answer(hidden))
        out = folder / "submissions" / f"{student}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
