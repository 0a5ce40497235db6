"""Seed 002 (a Chinese blog post that builds the dlai RNN forward pass "in pure python"),
transcribed. Suite: ``dlai``. Comments translated to short English.

The post shows three listings: a first sketch of rnn_cell_forward (it multiplies ``a_prev``
by ``Wya``, never reads ``parameters``, calls the non-existent ``np.softmax`` and returns no
cache: it cannot run and is superseded in the post, so it is NOT transcribed), the working
rnn_cell_forward (its listing starts at line 14; the elided header is the notebook's
signature and docstring), a ``softmax``, and rnn_forward (whose docstring the post never
closes; closed here). The post says it skips the backward pass.

Present: softmax, rnn_cell_forward, rnn_forward.
Missing: sigmoid, rnn_cell_backward, rnn_backward and the four LSTM functions.

Real bug kept (distinct from seed 004's): ``softmax`` neither shifts by a max nor sums per
column: ``exp(x) / np.sum(exp(x))`` normalises over the WHOLE array. With m > 1 examples each
column sums to 1/m-ish instead of 1, and scores ~1000 overflow to inf/inf = nan. So:

- ``softmax`` fails every case with more than one column, plus ``large_logits``; it passes
  only ``one_example`` (a single column of moderate scores);
- ``rnn_cell_forward`` and ``rnn_forward`` compute ``a`` correctly but their predictions go
  through that softmax, so they fail every case except ``batch_1`` (m = 1);
  ``large_logits`` has m = 5 and fails too.
"""

import numpy as np

EXPECTED_FAILING = {"softmax", "rnn_cell_forward", "rnn_forward"}
EXPECTED_FAILING_CASES = {
    "softmax": {"random_small", "random_wide", "random_tall", "one_class", "large_logits",
                "columns_differ_by_1000"},
    "rnn_cell_forward": {"published", "random_a", "random_b", "random_c", "one_feature",
                         "one_hidden", "large_logits", "asymmetric_waa"},
    "rnn_forward": {"published", "random_a", "random_b", "random_c", "one_step", "one_feature",
                    "one_hidden", "large_logits", "asymmetric_waa"},
}
EXPECTED_MISSING = {"sigmoid", "rnn_cell_backward", "rnn_backward", "lstm_cell_forward",
                    "lstm_forward", "lstm_cell_backward", "lstm_backward"}


def rnn_cell_forward(xt, a_prev, parameters):
    """
    Implements a single forward step of the RNN-cell as described in Figure

    Arguments:
    xt -- your input data at timestep "t", numpy array of shape (n_x, m).
    a_prev -- Hidden state at timestep "t-1", numpy array of shape (n_a, m)
    parameters -- python dictionary containing:
        Wax -- Weight matrix multiplying the input, numpy array of shape (n_a, n_x)
        Waa -- Weight matrix multiplying the hidden state, numpy array of shape (n_a, n_a)
        Wya -- Weight matrix relating the hidden-state to the output, numpy array of shape (n_y, n_a)
        ba -- Bias, numpy array of shape (n_a, 1)
        by -- Bias relating the hidden-state to the output,
    Returns:
    a_next -- next hidden state, of shape (n_a, m)
    yt_pred -- prediction at timestep "t", numpy array of shape (n_y, m)
    cache -- tuple of values needed for the backward pass, contains (a_next
    """
    # get the parameters
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    # next cell's activation, by the formula
    a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
    # this cell's output
    yt_pred = softmax(np.dot(Wya, a_next) + by)

    # cache for the backward pass
    cache = (a_next, a_prev, xt, parameters)

    return a_next, yt_pred, cache


def softmax(x):
    """Compute the softmax of vector x."""
    exp_x = np.exp(x)
    softmax_x = exp_x / np.sum(exp_x)
    return softmax_x


def rnn_forward(x, a0, parameters):
    """
    Implement the forward propagation of the recurrent neural network described above.

    Arguments:
    x -- Input data for every time-step, of shape (n_x, m, T_x).
    a0 -- Initial hidden state, of shape (n_a, m)
    parameters -- python dictionary containing:

        Waa -- Weight matrix multiplying the hidden state, numpy array of shape (n_a, n_a)
        Wax -- Weight matrix multiplying the input, numpy array of shape (n_a, n_x)
        Wya -- Weight matrix relating the hidden-state to the output, numpy array of shape (n_y, n_a)
        ba -- Bias numpy array of shape (n_a, 1)
        by -- Bias relating the hidden-state to the output, numpy array of shape (n_y, 1)

    Returns:
    a -- Hidden states for every time-step, numpy array of shape (n_a, m, T_x)
    y_pred -- Predictions for every time-step, numpy array of shape (n_y, m, T_x)
    caches -- tuple of values needed for the backward pass, contains (list of gradients, list of caches)
    """
    # list holding every cache
    caches = []

    # dimensions, to initialise the variables below
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape

    # initialise a and y_pred
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))

    # initialise a_next
    a_next = a0

    # loop over all time-steps of the input 'x'
    for t in range(T_x):
        # Update next hidden state, compute the prediction, get the cache
        xt = x[:, :, t]  # slice this step's input out of x
        a_next, yt_pred, cache = rnn_cell_forward(xt, a_next, parameters)
        # save this cell's a_next

        a[:, :, t] = a_next
        # save this cell's prediction y

        y_pred[:, :, t] = yt_pred
        # add this cell's cache
        caches.append(cache)

    # store values needed for backward propagation in cache
    caches = (caches, x)

    return a, y_pred, caches
