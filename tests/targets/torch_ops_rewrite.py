"""The torch suite's three forwards written with torch tensor ops (not torch.nn.RNN/LSTM/GRU),
as an engineer porting a NumPy RNN to PyTorch would: the harness calls them with tensors,
and the backwards this file does not define are computed by torch.autograd through them.
Correct: every item passes. Importing this module needs torch.
"""

import torch


def rnn_forward(x, h0, w_ih, w_hh, b_ih, b_hh):
    h, states = h0, []
    for t in range(x.shape[0]):
        h = torch.tanh(x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
        states.append(h)
    return torch.stack(states), h


def lstm_forward(x, h0, c0, w_ih, w_hh, b_ih, b_hh):
    h, c, states = h0, c0, []
    for t in range(x.shape[0]):
        i, f, g, o = (x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        states.append(h)
    return torch.stack(states), h, c


def gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh):
    h, states = h0, []
    for t in range(x.shape[0]):
        i_r, i_z, i_n = (x[t] @ w_ih.T + b_ih).chunk(3, dim=1)
        h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)
        r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
        n = torch.tanh(i_n + r * h_n)
        h = (1 - z) * n + z * h
        states.append(h)
    return torch.stack(states), h
