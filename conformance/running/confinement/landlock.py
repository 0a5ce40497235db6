"""Landlock (Linux >= 5.13): the worker's file access limited by the kernel to an allow-list.

Applied in the worker after our own set-up and before the submission is imported (it needs
no_new_privs, which ``sandbox.confine`` sets). Every file right the kernel's Landlock ABI knows is
handled, so anything no rule grants is refused (EACCES):

- read (and execute) beneath each allowed path: the list allowlist.allowed_paths computes (Python,
  its imports, the system's libraries, the mapped files) but for /dev, /proc, /etc and the
  temporary folders, which get narrower rules: a few /etc files (allowlist.ETC), a few devices;
- /proc: whole when the worker has its own PID namespace (it shows only its processes), else only
  the worker's own /proc/<pid> and a few system files;
- read and write beneath ``writable``: the private /tmp with namespaces; without them the worker's
  own scratch folder only (the machine's /tmp is shared with everything else).

From ABI 4, TCP bind/connect are handled and never granted; from ABI 6, abstract unix sockets and
signals are scoped to the worker's own processes. Without namespaces this is the only file layer.
"""

from __future__ import annotations

import ctypes
import os
import platform
import stat
import struct
import tempfile
from typing import Iterable

from conformance.running.confinement.allowlist import ETC

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # the same on x86-64 and arm64
_CREATE_RULESET_VERSION, _RULE_PATH_BENEATH = 1, 1
_PR_SET_NO_NEW_PRIVS = 38
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_ALL_V1 = (1 << 13) - 1  # EXECUTE .. MAKE_SYM
_FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # what a rule on a file (not a folder) may grant
_NET_TCP = 1 | 2  # BIND_TCP | CONNECT_TCP
_SCOPES = 1 | 2  # ABSTRACT_UNIX_SOCKET | SIGNAL
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
PROC_FILES = ("/proc/cpuinfo", "/proc/meminfo", "/proc/stat")
_NARROWED = ("/dev", "/proc", "/etc", "/tmp")  # allowed whole by the allow-list, narrowed here


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def handled_fs(abi: int) -> int:
    """The file rights this ABI knows: REFER from 2, TRUNCATE from 3, IOCTL_DEV from 5."""
    return _ALL_V1 | (REFER if abi >= 2 else 0) | (TRUNCATE if abi >= 3 else 0) | (IOCTL_DEV if abi >= 5 else 0)


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def abi_version() -> int:
    """The kernel's Landlock ABI; 0 when it has none (or this architecture's numbers are not known)."""
    if platform.machine() not in ("x86_64", "aarch64"):
        return 0
    version = _libc().syscall(ctypes.c_long(_CREATE_RULESET), None, ctypes.c_size_t(0),
                              ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(int(version), 0)


def rules(allowed: Iterable[str], writable: Iterable[str], namespaced: bool,
          readable: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(path, "read" | "write") for the worker: see the module's docstring. ``readable``: more to
    read beneath (without namespaces, the submission where the grader keeps it)."""
    temp = [os.path.realpath(w) for w in writable]
    narrowed = (*_NARROWED, tempfile.gettempdir(), *temp)  # a shared temporary folder: never whole
    out = [(p, "read") for p in allowed if not any(_within(p, n) for n in narrowed)]
    out += [(f"/etc/{name}", "read") for name in ETC]
    out += [("/proc", "read")] if namespaced else [(f"/proc/{os.getpid()}", "read")] + [(p, "read") for p in PROC_FILES]
    out += [(p, "read") for p in readable]
    reads = sorted({os.path.normpath(p) for p, _ in out})
    kept: list[str] = []
    for path in reads:  # a path beneath a folder already read needs no rule of its own (~1 syscall each)
        if not kept or not _within(path, kept[-1]):
            kept.append(path)
    return [(p, "read") for p in kept] + [(d, "write") for d in DEVICES] + [(t, "write") for t in temp]


def apply(rule_list: list[tuple[str, str]]) -> str:
    """Restrict this process (and all it forks) to ``rule_list``; one line saying what is in force.
    A path that does not exist is skipped: it cannot be read anyway."""
    abi = abi_version()
    if abi <= 0:
        return "no Landlock (kernel without it)"
    libc = _libc()
    fs = handled_fs(abi)
    attr = struct.pack("<QQQ", fs, _NET_TCP if abi >= 4 else 0, _SCOPES if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = libc.syscall(ctypes.c_long(_CREATE_RULESET), attr, ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        return f"no Landlock (creating the rule set: {os.strerror(ctypes.get_errno())})"
    read = EXECUTE | READ_FILE | READ_DIR
    write = fs  # everything beneath a writable folder
    try:
        for path, kind in rule_list:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                access = (read if kind == "read" else write) & fs
                if not stat.S_ISDIR(os.fstat(fd).st_mode):
                    access &= _FILE_ONLY
                rule = struct.pack("<Qi", access, fd)  # struct landlock_path_beneath_attr is packed
                if libc.syscall(ctypes.c_long(_ADD_RULE), ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                                rule, ctypes.c_uint32(0)) != 0:
                    return f"no Landlock (a rule for {path}: {os.strerror(ctypes.get_errno())})"
            finally:
                os.close(fd)
        if (libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                or libc.syscall(ctypes.c_long(_RESTRICT_SELF), ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0):
            return f"no Landlock (restricting the worker: {os.strerror(ctypes.get_errno())})"
    finally:
        os.close(ruleset)
    return f"files also limited by Landlock (ABI {abi})"
