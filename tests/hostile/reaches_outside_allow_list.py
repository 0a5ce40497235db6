"""softmax runs every probe of tests/hostile/leaks/probes.py (copied beside it by the test) and
prints what each reached: under the allow-list and the seccomp filter, nothing (issue 28). Here
no file was planted for it: it looks for what a grading machine holds anyway."""
from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import softmax as _softmax

VERDICT, WORDS = None, []
PRINTS = ["leaks: none"]


def softmax(x):
    from probes import probe_all

    reached = probe_all({"home_file": "/root/.bashrc", "var_tmp_file": "/var/tmp", "dev_shm_file": "/dev/shm",
                         "abstract_socket": "\0rnn-conformance-nobody-listens"})
    print("leaks:", "; ".join(f"{k}: {v}" for k, v in reached.items() if v) or "none")
    return _softmax(x)
