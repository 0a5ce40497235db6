"""What a hostile submission in tests/hostile/ must come to, read from its one-line literals
(see tests/hostile/README.md): the file is read as text, since importing it is the hazard."""
from __future__ import annotations

from pathlib import Path

KEYS = ("VERDICT", "ANY_OF", "PRINTS", "NOT_GRADED", "MAY_FAIL")


def expectation(file: Path) -> dict:
    """VERDICT / WORDS / ANY_OF / PRINTS / NOT_GRADED / MAY_FAIL of a hostile file."""
    namespace: dict = {}
    for line in file.read_text().splitlines():
        if line.startswith(KEYS):
            exec(line, namespace)  # our own one-line literals
    return namespace


def wrongly_failed(results: dict, may_fail: list[str]) -> list[tuple[str, str]]:
    """The items of a results.json that did not pass though ``may_fail`` names none of: their
    function, their name, or ``*[case]`` (that case of every function)."""
    bad = []
    for test in results["tests"]:
        function, _, case = test["name"].partition("[")
        if test["status"] != "passed" and not {test["name"], function, f"*[{case}"} & set(may_fail):
            bad.append((test["name"], test["output"][:300]))
    return bad
