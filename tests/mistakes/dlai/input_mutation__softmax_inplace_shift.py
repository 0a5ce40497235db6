"""
mistake: input-mutation
suite: dlai
shows in: softmax

softmax shifts its argument in place, x -= np.max(x, axis=0, keepdims=True), so the caller's
scores are changed. The probabilities are right; the forwards call softmax on a temporary, so
they are unaffected.
"""

import numpy as np


def softmax(x):
    x -= np.max(x, axis=0, keepdims=True)
    e_x = np.exp(x)
    return e_x / np.sum(e_x, axis=0, keepdims=True)
