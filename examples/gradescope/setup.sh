#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (see README.md):
# Python >= 3.10 with venv (from apt if missing), a virtual environment outside /autograder
# (the grader hides /autograder from students' code, but never the Python it runs), and this
# package from the wheel in this zip (it is not on PyPI; its dependencies come from PyPI).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${RNN_CONFORMANCE_VENV:-/opt/rnn-conformance/venv}"  # run_autograder looks here too

usable() {  # a Python >= 3.10 that can make a virtual environment (Ubuntu splits venv out)
    local probe
    probe="$(mktemp -d)"
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null &&
        "$1" -m venv --without-pip "$probe/venv" >/dev/null 2>&1 &&
        "$1" -c 'import ensurepip' 2>/dev/null
    local ok=$?
    rm -rf "$probe"
    return $ok
}

find_python() {
    local candidate
    for candidate in python3 python3.13 python3.12 python3.11 python3.10; do
        if command -v "$candidate" >/dev/null && usable "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

PYTHON="$(find_python || true)"
if [ -z "$PYTHON" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends python3 python3-venv python3-pip
    PYTHON="$(find_python || true)"
fi
if [ -z "$PYTHON" ]; then  # an older Ubuntu: its python3 is < 3.10; try the versioned packages
    for version in 3.12 3.11 3.10; do
        if apt-get install -y --no-install-recommends "python$version" "python$version-venv"; then
            break
        fi
    done
    PYTHON="$(find_python || true)"
fi
if [ -z "$PYTHON" ]; then
    echo "setup.sh: no Python >= 3.10 with venv could be installed; choose the Ubuntu 22.04 (or newer) base" \
         "image in the assignment's autograder settings" >&2
    exit 1
fi

echo "setup.sh: using $PYTHON ($("$PYTHON" --version 2>&1)); installing into $VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip  # an old pip may not know NumPy's current wheels
"$VENV/bin/python" -m pip install "$HERE"/rnn_conformance-*.whl
"$VENV/bin/rnn-conformance" validate  # a broken install fails the build now, not every submission later
