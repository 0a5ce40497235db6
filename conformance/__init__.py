"""Run any target module against the rnn-conformance spec."""
