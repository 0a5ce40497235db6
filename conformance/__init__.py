"""Run any target module against the rnn-conformance spec.

The package is in layers, each a subpackage that imports only the layers below it (checked by
tests/test_layout.py), top to bottom:

- ``cli``, ``plugin``: the entry points (the ``rnn-conformance`` command, ``pytest --target``);
- ``grading``: one submission, a class, the Dask jobs, Gradescope;
- ``reports``: what a run writes and prints (JSON, JUnit, CSV, the console, the class report);
- ``judging``: the harness that judges a target's items, comparison, gradient checks, caches,
  the catalogue's diagnosis, verdicts and scores;
- ``running``: loading and running a target (files, notebooks, course helpers, tensors) and the
  sandboxed worker it runs in, with its wire;
- ``contract``: the spec, its cases and fixtures, regen and validate, the catalogue's data.
"""
