"""softmax forks a child that sleeps on after the call returns; it must not outlive grading.
The child's pid is written to $HOSTILE_PID_DIR so the test can check it is gone."""
import os
import time

from oracle.dlai import *  # noqa: F401,F403
from oracle.dlai import softmax as _softmax

VERDICT, WORDS = None, []  # the values are right: only the leftover process is the hazard


def softmax(x):
    pid = os.fork()
    if pid == 0:
        time.sleep(10**6)
        os._exit(0)
    pid_dir = os.environ.get("HOSTILE_PID_DIR")
    if pid_dir:
        with open(os.path.join(pid_dir, f"{pid}.pid"), "w") as f:
            f.write(str(pid))
    return _softmax(x)
