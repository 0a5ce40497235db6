"""At import, starts a non-daemon thread that never ends (it would keep a normal interpreter alive)."""
import threading
import time

from _correct_dlai import *  # noqa: F401,F403

VERDICT, WORDS = None, []


def _forever():
    while True:
        time.sleep(0.1)


threading.Thread(target=_forever, daemon=False).start()
