"""Probes of what a worker must not reach (issue 28). Each returns "" when kept out, else one line
saying what it reached: never the contents (what is read can leave through a verdict).

``probe_all(shared)`` runs them all: it is the one function a worker is asked to call
(tests/test_sandbox_probes.py grades this file as a submission and also calls it in-process,
where every probe must see its leak: that proves the probe can see one). ``shared``: names the
test planted (a file in the grading user's home, one in /var/tmp and /dev/shm, an abstract unix
socket the grader listens on, the name ``leave_behind`` writes under). ``FIRST``: what another
submission runs, in its own worker, before a probe looks (the test runs it)."""
import ctypes
import errno
import os
import platform
import socket

HOMES = ["/root", "/home"]
OTHER_MOUNTS = ["/var", "/srv", "/mnt", "/media", "/opt", "/run", "/boot", "/work"]
ETC_BEYOND = ["/etc/shadow", "/etc/gshadow", "/etc/machine-id", "/etc/hostname", "/etc/fstab", "/etc/hosts"]
SHARED_PLACES = ["/tmp", "/dev/shm", "/var/tmp"]  # where one worker could leave something for the next
WRITABLE_ELSEWHERE = ["/dev/shm", "/var/tmp", "/root", "/home", "/etc", "/usr", "/"]
BPF = {"x86_64": 321, "aarch64": 280}
PERF_EVENT_OPEN = {"x86_64": 298, "aarch64": 241}


def _read(path):
    try:
        with open(path, "rb") as f:
            f.read(1)
        return f"read {path}"
    except OSError:
        return ""


def _listed(folder):
    try:
        return f"listed {folder}" if os.listdir(folder) else ""
    except OSError:
        return ""


def home_file(shared):
    return _read(shared["home_file"])


def home_list(shared):
    return next(filter(None, (_listed(h) for h in HOMES + [os.path.dirname(shared["home_file"])])), "")


def etc_shadow(shared):
    return _read("/etc/shadow")


def etc_beyond_needed(shared):
    return next(filter(None, map(_read, ETC_BEYOND)), "")


def var_tmp(shared):
    return _read(shared["var_tmp_file"]) or _listed("/var/tmp")


def dev_shm(shared):
    return _read(shared["dev_shm_file"]) or _listed("/dev/shm")


def other_mounts(shared):
    return next(filter(None, map(_listed, OTHER_MOUNTS)), "")


def proc_environ(shared):
    """Another process's environment (PID 1's, the grader's): any but our own."""
    mine = str(os.getpid())
    try:
        pids = sorted((p for p in os.listdir("/proc") if p.isdigit() and p != mine), key=int)
    except OSError:  # /proc cannot even be listed (Landlock without namespaces)
        return ""
    return next(filter(None, (_read(f"/proc/{pid}/environ") for pid in pids)), "")


def writes_outside_tmp(shared):
    for folder in WRITABLE_ELSEWHERE:
        path = os.path.join(folder, f".rnn-conformance-probe-{os.getpid()}")
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except OSError:
            continue
        os.close(fd)
        os.unlink(path)
        return f"wrote in {folder}"
    return ""


def _reaches(number, *args):
    """A system call reaches the kernel's code for it unless refused (EPERM) or unknown (ENOSYS)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(ctypes.c_long(number), *args) >= 0:
        return True
    return ctypes.get_errno() not in (errno.EPERM, errno.ENOSYS, errno.EACCES)


def bpf_call(shared):
    attr = ctypes.create_string_buffer(128)  # BPF_MAP_CREATE of map type 0: EINVAL if the call is reachable
    number = BPF.get(platform.machine())
    return "bpf reachable" if number and _reaches(number, 0, attr, 128) else ""


def inet_socket(shared):
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
        return "made an AF_INET socket"
    except OSError:
        return ""


def abstract_socket(shared):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(shared["abstract_socket"])
        return "connected to the grader's abstract socket"
    except OSError:
        return ""
    finally:
        s.close()


def leave_behind(shared):
    """A first submission: a file in every shared place it can write; the places it wrote."""
    wrote = []
    for folder in SHARED_PLACES:
        try:
            with open(os.path.join(folder, shared["left_name"]), "w") as f:
                f.write("left by another submission\n")
            wrote.append(folder)
        except OSError:
            pass
    return wrote


def left_by_another(shared):
    """A second submission looks for what the first (leave_behind, in another worker) left."""
    if "left_name" not in shared:  # run without a first submission (tests/hostile/reaches_outside_allow_list.py)
        return ""
    return next((f"found what another submission left in {folder}" for folder in SHARED_PLACES
                 if os.path.exists(os.path.join(folder, shared["left_name"]))), "")


PROBES = [home_file, home_list, etc_shadow, etc_beyond_needed, var_tmp, dev_shm, other_mounts, proc_environ,
          writes_outside_tmp, bpf_call, inet_socket, abstract_socket, left_by_another]
FIRST = {"left_by_another": leave_behind}  # what another submission runs first, in its own worker


def probe_all(shared):
    """{probe name: what it reached ("" when kept out)}."""
    return {probe.__name__: probe(shared) for probe in PROBES}
