"""Time the oracle's cs231n LSTM and RNN (forward + backward) against its own baselines and torch.

    python benchmarks/oracle_speed.py [--repeat 7] [--baseline COMMIT]... [--kind LSTM] [--dims 64,64,128,256]

One run, repetitions alternating between every oracle (each baseline commit's ``oracle/`` from git,
this checkout's) and torch.nn.LSTM / RNN, and a large DGEMM for the machine's rate. Prints one table
(medians): ms, ratio to torch, ratio to the first baseline, % of the DGEMM rate reached, and the
largest difference of h and dx from the current oracle's. Also ``python benchmarks/run.py --only oracle``.
For numpy's own BLAS kernel, run it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT)]  # the sections package; this checkout's code

from sections import oracle_speed  # noqa: E402
from sections.common import render  # noqa: E402


def dims(text: str) -> dict[str, int]:
    """'64,64,128,256' -> {N: 64, T: 64, D: 128, H: 256}."""
    values = [int(v) for v in text.split(",")]
    if len(values) != 4 or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected four positive integers N,T,D,H, got {text!r}")
    return dict(zip("NTDH", values))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--baseline", action="append", metavar="COMMIT",
                        help=f"a commit whose oracle to time (repeatable; default {', '.join(oracle_speed.BASELINES)}; "
                             "the first is the one ratios are to)")
    parser.add_argument("--kind", action="append", choices=["LSTM", "RNN"], help="default both")
    parser.add_argument("--dims", type=dims, default=oracle_speed.DIMS, help="N,T,D,H (default 64,64,128,256)")
    options = parser.parse_args(argv)
    section = oracle_speed.run(options.repeat, tuple(options.baseline or oracle_speed.BASELINES),
                               tuple(options.kind or ("LSTM", "RNN")), options.dims)
    print(render(section))
    return 0


if __name__ == "__main__":
    sys.exit(main())
