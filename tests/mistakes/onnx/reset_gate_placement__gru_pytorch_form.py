"""
mistake: reset-gate-placement
suite: onnx
shows in: gru

A runtime's GRU kernel, written after PyTorch's, always applies the reset gate after the
recurrence matmul, r * (H R_h^T + Rb_h): right for linear_before_reset = 1, wrong for the
default 0, where the reset gate multiplies the state before the matmul.
"""


def gru(X, W, R, B, initial_h):
    return _gru(X, W, R, B, initial_h, linear_before_reset=True)
