"""A seccomp filter for the worker, assembled here as a classic BPF program (no libseccomp needed).

Installed in the worker after our own set-up and before the submission is imported. Refused with
EPERM (never a kill: the worker stays alive and the verdict is the submission's): debugging other
processes (ptrace, process_vm_readv/writev), bpf, perf_event_open, new namespaces (unshare, setns,
clone with a CLONE_NEW* flag), mounts (mount, umount2, pivot_root, chroot and the new mount API),
keyrings, kernel modules, kexec, reboot, swap, userfaultfd, io_uring, and sockets of any family but
AF_UNIX. clone3 answers ENOSYS, as in Docker's profile: its flags sit behind a pointer a filter
cannot read, and glibc then falls back to clone (threads, fork), whose flags it checks.
Only on x86-64 and arm64, whose syscall numbers are below; elsewhere ``install`` says it did nothing.

A refused call only returns EPERM, which does not say what was refused; so ``install`` also adds an
audit hook (``sys.addaudithook``: the submission cannot remove it) that notes the submission's attempts
the filter refuses (a socket of another family, ``os.unshare``/``os.setns``, a refused call through
ctypes' ``syscall``), and ``explain`` turns the note into words for the verdict.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import socket
import struct
import sys

_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_LD_ABS_W, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (arg0's low word: little-endian)
_AF_UNIX = 1
_CLONE_NEW = 0x7E020000  # NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
_X32_BIT = 0x40000000  # x86-64's x32 ABI: the same calls under other numbers

_DENIED = ("ptrace", "process_vm_readv", "process_vm_writev", "bpf", "perf_event_open", "unshare", "setns",
           "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount",
           "fspick", "mount_setattr", "keyctl", "add_key", "request_key", "kexec_load", "kexec_file_load",
           "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff", "userfaultfd",
           "io_uring_setup", "io_uring_enter", "io_uring_register")
# From the kernel's asm/unistd_64.h (x86-64) and asm-generic/unistd.h (arm64).
_NUMBERS = {
    "x86_64": (0xC000003E, dict(
        ptrace=101, process_vm_readv=310, process_vm_writev=311, bpf=321, perf_event_open=298, unshare=272,
        setns=308, clone=56, clone3=435, mount=165, umount2=166, pivot_root=155, chroot=161, open_tree=428,
        move_mount=429, fsopen=430, fsconfig=431, fsmount=432, fspick=433, mount_setattr=442, keyctl=250,
        add_key=248, request_key=249, kexec_load=246, kexec_file_load=320, init_module=175, finit_module=313,
        delete_module=176, reboot=169, swapon=167, swapoff=168, userfaultfd=323, io_uring_setup=425,
        io_uring_enter=426, io_uring_register=427, socket=41)),
    "aarch64": (0xC00000B7, dict(
        ptrace=117, process_vm_readv=270, process_vm_writev=271, bpf=280, perf_event_open=241, unshare=97,
        setns=268, clone=220, clone3=435, mount=40, umount2=39, pivot_root=41, chroot=51, open_tree=428,
        move_mount=429, fsopen=430, fsconfig=431, fsmount=432, fspick=433, mount_setattr=442, keyctl=219,
        add_key=217, request_key=218, kexec_load=104, kexec_file_load=294, init_module=105, finit_module=273,
        delete_module=106, reboot=142, swapon=224, swapoff=225, userfaultfd=282, io_uring_setup=425,
        io_uring_enter=426, io_uring_register=427, socket=198)),
}
REFUSED = ("ptrace, bpf, perf_event_open, new namespaces, mounts, keyrings, kernel modules, io_uring, "
           "sockets other than AF_UNIX")


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """The filter for ``machine`` as (code, jt, jf, k) instructions. KeyError: not supported."""
    arch, nr = _NUMBERS[machine]
    code: list[tuple] = [(_LD_ABS_W, 0, 0, _ARCH), (_JEQ, 0, "deny", arch), (_LD_ABS_W, 0, 0, _NR)]
    if machine == "x86_64":
        code.append((_JGE, "deny", 0, _X32_BIT))
    code += [(_JEQ, "deny", 0, nr[name]) for name in _DENIED]
    code += [(_JEQ, "socket", 0, nr["socket"]), (_JEQ, "clone", 0, nr["clone"]),
             (_JEQ, "nosys", 0, nr["clone3"]), (_RET, 0, 0, _RET_ALLOW),
             ("socket", _LD_ABS_W, 0, 0, _ARG0), (_JEQ, "allow", "deny", _AF_UNIX),
             ("clone", _LD_ABS_W, 0, 0, _ARG0), (_JSET, "deny", "allow", _CLONE_NEW),
             ("nosys", _RET, 0, 0, _RET_ERRNO | errno.ENOSYS), ("allow", _RET, 0, 0, _RET_ALLOW),
             ("deny", _RET, 0, 0, _RET_ERRNO | errno.EPERM)]
    labels = {ins[0]: i for i, ins in enumerate(code) if isinstance(ins[0], str)}
    out = []
    for i, ins in enumerate(code):
        op, jt, jf, k = ins[1:] if isinstance(ins[0], str) else ins
        jump = lambda to: labels[to] - i - 1 if isinstance(to, str) else to  # noqa: E731 - relative, forward
        out.append((op, jump(jt), jump(jf), k))
    return out


_attempts: list[str] = []  # what the submission tried that the filter refuses, since the last clear()


def _watch(numbers: dict[str, int]) -> None:
    """Note each refused attempt as it is made (an audit hook sees the arguments; EPERM does not)."""
    refused = {number: name for name, number in numbers.items() if name in _DENIED}

    def hook(event: str, args: tuple) -> None:
        try:
            if event == "socket.__new__" and args[1] != _AF_UNIX:
                _attempts.append(f"socket({_family(args[1])}): only AF_UNIX sockets are allowed")
            elif event in ("os.unshare", "os.setns"):
                _attempts.append(f"{event[3:]}(): no new namespaces")
            elif event == "ctypes.call_function" and args[1] and isinstance(args[1][0], int) and args[1][0] in refused:
                _attempts.append(f"{refused[args[1][0]]} (system call {args[1][0]})")
            del _attempts[:-4]
        except Exception:  # noqa: BLE001 - a hook that raised would fail the submission's own call
            pass

    sys.addaudithook(hook)


def _family(number: int) -> str:
    try:
        return socket.AddressFamily(number).name
    except ValueError:
        return str(number)


def clear() -> None:
    """Forget earlier attempts: called before each call of the submission."""
    _attempts.clear()


def explain(type_name: str, message: str) -> str:
    """``message``, plus what the filter refused, when an EPERM raised after a refused attempt."""
    if _attempts and type_name in ("PermissionError", "OSError") and "[Errno 1]" in message:
        return f"{message} (the sandbox refuses {_attempts[-1]})"
    return message


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def install() -> str:
    """Install the filter in this process (and all it forks); one line saying what is in force."""
    machine = platform.machine()
    if machine not in _NUMBERS:
        return f"no system-call filter (seccomp: architecture {machine} not supported)"
    code = program(machine)
    blob = b"".join(struct.pack("<HBBI", *ins) for ins in code)
    libc = ctypes.CDLL(None, use_errno=True)
    prog = _Prog(len(code), blob)
    if (libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
            or libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0):
        import os
        return f"no system-call filter (seccomp: {os.strerror(ctypes.get_errno())})"
    _watch(_NUMBERS[machine][1])
    return f"system calls filtered (seccomp refuses with EPERM: {REFUSED})"
