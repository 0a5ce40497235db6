"""Two students hand in the released notebook: `right` fills in rnn_cell_forward correctly, `wrong`
forgets the tanh (the catalogue's missing-activation). Writes submitted/<student>/rnn_cell/.

    nbgrader generate_assignment rnn_cell && python make_submissions.py && nbgrader autograde rnn_cell --create
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
HIDDEN = {"right": 'np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])',
          "wrong": 'parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"]'}
PLACEHOLDER = "    # YOUR CODE HERE\n    raise NotImplementedError()"


def answer(hidden: str) -> str:
    return (f"    a_next = {hidden}\n    yt_pred = softmax(parameters[\"Wya\"] @ a_next + parameters[\"by\"])\n"
            f"    cache = (a_next, a_prev, xt, parameters)")


def main(course: Path = HERE) -> None:
    released = nbformat.read(course / "release" / "rnn_cell" / "rnn_cell.ipynb", as_version=4)
    for student, hidden in HIDDEN.items():
        notebook = nbformat.from_dict(released)
        filled = [cell for cell in notebook.cells if PLACEHOLDER in cell.source]
        if len(filled) != 1:
            raise SystemExit(f"expected one cell with nbgrader's placeholder in the released notebook, found {len(filled)}")
        filled[0].source = filled[0].source.replace(PLACEHOLDER, answer(hidden))
        out = course / "submitted" / student / "rnn_cell" / "rnn_cell.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
