"""Gradient checks: does a target's backward agree with central differences of its forward?

numerical.py: the numerics (finite differences, along random directions or element by element,
and the errors that compare gradients); item.py: the gradient-check item of a backward, judged
through the harness's target calls. May import what conformance.judging may.
"""
