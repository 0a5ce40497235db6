"""Seed 001 (a copy of the dlai "Building your RNN step by step" notebook's RNN part, with its
whitespace flattened by a web page), transcribed faithfully. Suite: ``dlai``.

The seed holds rnn_cell_forward, rnn_forward, rnn_cell_backward, rnn_backward. It calls
``softmax`` without defining it: the notebook gets it from the course's ``rnn_utils.py``
(``from rnn_utils import *``), whose softmax is reproduced below as the course ships it
(shift by the max of the whole array, sum per column). Only the indentation was restored
(``defrnn_cell_forward`` -> ``def rnn_cell_forward``, ``for t inrange`` -> ``for t in range``, and
the code that followed a comment on the same line put back on its own line).

Present: softmax, rnn_cell_forward, rnn_forward, rnn_cell_backward, rnn_backward.
Missing: sigmoid, lstm_cell_forward, lstm_forward, lstm_cell_backward, lstm_backward.

Real bugs kept:

- ``rnn_backward`` leaves the template's ``da0 = None`` in place: the returned ``da0`` is
  None on every case (dx, dWax, dWaa, dba are right). This bug is seed 001's own.
- ``softmax`` (from rnn_utils) shifts by the global max: a column ~1000 below another
  underflows to 0/0 = nan. Fails ``large_logits`` and ``columns_differ_by_1000``; through it
  ``rnn_cell_forward`` (yt_pred) and ``rnn_forward`` (y_pred) fail ``large_logits`` only.

``rnn_cell_backward`` is correct here (``dWaa = dtanh . a_prev^T``, unlike seed 004).
"""

import numpy as np

EXPECTED_FAILING = {"softmax", "rnn_cell_forward", "rnn_forward", "rnn_backward"}
EXPECTED_FAILING_CASES = {
    "softmax": {"large_logits", "columns_differ_by_1000"},
    "rnn_cell_forward": {"large_logits"},
    "rnn_forward": {"large_logits"},
    "rnn_backward": {"published", "random_a", "random_b", "random_c", "batch_1", "one_step",
                     "one_feature", "one_hidden", "large_logits", "asymmetric_waa", "gradcheck"},
}
EXPECTED_MISSING = {"sigmoid", "lstm_cell_forward", "lstm_forward",
                    "lstm_cell_backward", "lstm_backward"}


# from the course's rnn_utils.py, which the notebook star-imports
def softmax(x):
    e_x = np.exp(x - np.max(x))
    return e_x / e_x.sum(axis=0)


def rnn_cell_forward(xt, a_prev, parameters):
    """
    Implements a single forward step of the RNN-cell as described in Figure (2)
    Arguments:
    xt -- your input data at timestep "t", numpy array of shape (n_x, m).
    a_prev -- Hidden state at timestep "t-1", numpy array of shape (n_a, m)
    parameters -- python dictionary containing:
    Wax -- Weight matrix multiplying the input, numpy array of shape (n_a, n_x)
    Waa -- Weight matrix multiplying the hidden state, numpy array of shape (n_a, n_a)
    Wya -- Weight matrix relating the hidden-state to the output, numpy array of shape (n_y, n_a)
    ba -- Bias, numpy array of shape (n_a, 1)
    by -- Bias relating the hidden-state to the output, numpy array of shape (n_y, 1)
    Returns:
    a_next -- next hidden state, of shape (n_a, m)
    yt_pred -- prediction at timestep "t", numpy array of shape (n_y, m)
    cache -- tuple of values needed for the backward pass, contains (a_next, a_prev, xt, parameters)
    """
    # Retrieve parameters from "parameters"
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]
    # compute next activation state using the formula given above
    a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
    # compute output of the current cell using the formula given above
    yt_pred = softmax(np.dot(Wya, a_next) + by)
    # store values you need for backward propagation in cache
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


def rnn_forward(x, a0, parameters):
    """
    Implement the forward propagation of the recurrent neural network described in Figure (3).
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
    caches -- tuple of values needed for the backward pass, contains (list of caches, x)
    """
    # Initialize "caches" which will contain the list of all caches
    caches = []
    # Retrieve dimensions from shapes of x and parameters["Wya"]
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    # initialize "a" and "y" with zeros (≈2 lines)
    a = np.zeros([n_a, m, T_x])
    y_pred = np.zeros([n_y, m, T_x])
    # Initialize a_next (≈1 line)
    a_next = a0
    # loop over all time-steps
    for t in range(T_x):
        # Update next hidden state, compute the prediction, get the cache (≈1 line)
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        # Save the value of the new "next" hidden state in a (≈1 line)
        a[:, :, t] = a_next
        # Save the value of the prediction in y (≈1 line)
        y_pred[:, :, t] = yt_pred
        # Append "cache" to "caches" (≈1 line)
        caches.append(cache)
    # store values needed for backward propagation in cache
    caches = (caches, x)
    return a, y_pred, caches


def rnn_cell_backward(da_next, cache):
    """
    Implements the backward pass for the RNN-cell (single time-step).
    Arguments:
    da_next -- Gradient of loss with respect to next hidden state
    cache -- python dictionary containing useful values (output of rnn_cell_forward())
    Returns:
    gradients -- python dictionary containing:
    dx -- Gradients of input data, of shape (n_x, m)
    da_prev -- Gradients of previous hidden state, of shape (n_a, m)
    dWax -- Gradients of input-to-hidden weights, of shape (n_a, n_x)
    dWaa -- Gradients of hidden-to-hidden weights, of shape (n_a, n_a)
    dba -- Gradients of bias vector, of shape (n_a, 1)
    """
    # Retrieve values from cache
    (a_next, a_prev, xt, parameters) = cache
    # Retrieve values from parameters
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]
    ### START CODE HERE ###
    # compute the gradient of tanh with respect to a_next (≈1 line)
    dtanh = (1 - a_next * a_next) * da_next
    # compute the gradient of the loss with respect to Wax (≈2 lines)
    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    # compute the gradient with respect to Waa (≈2 lines)
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    # compute the gradient with respect to b (≈1 line)
    dba = np.sum(dtanh, keepdims=True, axis=-1)
    ### END CODE HERE ###
    # Store the gradients in a python dictionary
    gradients = {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    return gradients


def rnn_backward(da, caches):
    """
    Implement the backward pass for a RNN over an entire sequence of input data.
    Arguments:
    da -- Upstream gradients of all hidden states, of shape (n_a, m, T_x)
    caches -- tuple containing information from the forward pass (rnn_forward)
    Returns:
    gradients -- python dictionary containing:
    dx -- Gradient w.r.t. the input data, numpy-array of shape (n_x, m, T_x)
    da0 -- Gradient w.r.t the initial hidden state, numpy-array of shape (n_a, m)
    dWax -- Gradient w.r.t the input's weight matrix, numpy-array of shape (n_a, n_x)
    dWaa -- Gradient w.r.t the hidden state's weight matrix, numpy-arrayof shape (n_a, n_a)
    dba -- Gradient w.r.t the bias, of shape (n_a, 1)
    """
    ### START CODE HERE ###
    # Retrieve values from the first cache (t=1) of caches (≈2 lines)
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]
    # Retrieve dimensions from da's and x1's shapes (≈2 lines)
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    # initialize the gradients with the right sizes (≈6 lines)
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da0 = np.zeros((n_a, m))
    da_prevt = np.zeros((n_a, m))
    # Loop through all the time steps
    for t in reversed(range(T_x)):
        # Compute gradients at time step t. Choose wisely the "da_next" and the "cache" to use in the backward propagation step. (≈1 line)
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        # Retrieve derivatives from gradients (≈ 1 line)
        dxt, da_prevt, dWaxt, dWaat, dbat = gradients["dxt"], gradients["da_prev"], gradients["dWax"], gradients["dWaa"], gradients["dba"]
        # Increment global derivatives w.r.t parameters by adding their derivative at time-step t (≈4 lines)
        dx[:, :, t] = dxt
        dWax += dWaxt
        dWaa += dWaat
        dba += dbat
    # Set da0 to the gradient of a which has been backpropagated through all time-steps (≈1 line)
    da0 = None  # BUG (kept from the seed): the template's None was never replaced by da_prevt
    ### END CODE HERE ###
    # Store the gradients in a python dictionary
    gradients = {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    return gradients
