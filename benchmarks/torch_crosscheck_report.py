"""Largest oracle-vs-PyTorch discrepancy measured per function (normwise relative error).

    python benchmarks/torch_crosscheck_report.py        # needs the crosscheck extra (torch)

Reuses the witnesses, cases and metric of tests/test_torch_crosscheck.py, so it measures
exactly what the tests assert (each must stay <= their TOLERANCE).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the test module and its helpers

import test_torch_crosscheck as crosscheck  # noqa: E402


def main() -> None:
    results = {}  # (witness, case id) -> {function: outputs}; each witness runs once per case
    for witness in dict.fromkeys(crosscheck.WITNESS_OF.values()):
        for case in crosscheck.CASES:
            results[witness, case.id] = witness(case)
    print(f"normwise error = max|oracle - torch| / max(max|oracle|, max|torch|); "
          f"tolerance {crosscheck.TOLERANCE:.0e}; {len(crosscheck.CASES)} cases per function")
    print(f"{'function':34} {'max error':>9}  worst output [case]")
    for function, witness in crosscheck.WITNESS_OF.items():
        err, name, case_id = max(
            (crosscheck.normwise_error(got, want), name, case.id)
            for case in crosscheck.CASES
            for name, got, want in results[witness, case.id][function])
        print(f"{function:34} {err:9.1e}  {name} [{case_id}]")


if __name__ == "__main__":
    main()
