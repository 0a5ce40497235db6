"""
mistake: return-structure
suite: cs231n
shows in: word_embedding_forward, word_embedding_backward

"This should be very simple": the student returns the looked-up vectors W[x] alone instead of
the tuple (out, cache), so there is no cache for word_embedding_backward.
"""

import numpy as np


def word_embedding_forward(x, W):
    return W[x]
