"""The worker's confinement, applied inside the forked worker before it imports a submission.

Where the kernel allows unprivileged user namespaces (``enter_namespaces``), the worker
gets its own user, mount, PID, network and IPC namespaces. ``build_view`` then, in the new
mount namespace, hides everything outside an allow-list (confinement/allowlist.py), hides folders under empty read-only tmpfs (the output folder, other
submissions, the spec, the fixtures, this package and the oracle), mounts a fresh private
``/tmp`` (size-capped) holding the submission (read-only, at ``/tmp/submission/``) and a
working folder, mounts a ``/proc`` that shows only the worker's own processes, and makes every
other mount read-only. The PID namespace's first process is a small reaper: when it dies,
the kernel kills every process the submission started, ``setsid`` or not.

``confine`` (in the process that runs the submission) then sets resource limits, drops
every capability (so the mounts above cannot be undone), forbids gaining privileges, and
blocks ``import oracle`` / ``import conformance``; the worker then installs the system-call
filter (confinement/seccomp.py), with or without namespaces.

Without namespaces, the fallback is weaker and says so: as root, the worker switches to the
``nobody`` user; otherwise it runs as the grader's user with resource limits only.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from conformance.contract.paths import CODE_SUFFIXES  # copied first: without them there is nothing to grade
from conformance.running.confinement import allowlist

_CLONE_NEWNS, _CLONE_NEWIPC, _CLONE_NEWUSER = 0x00020000, 0x08000000, 0x10000000
_CLONE_NEWPID, _CLONE_NEWNET = 0x20000000, 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 16384, 1 << 18
_AT_FDCWD, _AT_RECURSIVE, _MOUNT_ATTR_RDONLY = -100, 0x8000, 1
_SYS_MOUNT_SETATTR = 442  # the same on every Linux architecture
_PR_SET_PDEATHSIG, _PR_SET_DUMPABLE, _PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS = 1, 4, 24, 38
_SANDBOX_UID = 1000  # the worker's uid inside its user namespace: not 0, so exec grants no capabilities
NOBODY = 65534
PRIVATE_TMP_MB = 64  # the worker's private /tmp (tmpfs: counts against memory)
MAX_PROCESSES = 32  # RLIMIT_NPROC inside the worker's user namespace: a fork bomb stops here
SUBMISSION_MB, SUBMISSION_FILES = 32, 2000  # copied into the worker's /tmp/submission
REFERENCE_PACKAGES = ("oracle", "conformance")
REFERENCE_MESSAGE = "the reference implementation is not available to submissions"
FORCE_FALLBACK = "RNN_CONFORMANCE_NO_NAMESPACES"  # set to 1: test the fallback path


class SandboxError(Exception):
    """A namespace or mount step failed; the message says which and why."""


@dataclass
class Plan:
    """What the grader asks of one worker's view of the files (plain data: it crosses as JSON)."""

    hide: list[str] = field(default_factory=list)  # folders/files to show empty
    submission: str | None = None  # a file or folder, copied to /tmp/submission/<name>
    keep_visible: list[str] = field(default_factory=list)  # never hide these or their parents
    imports_from: list[str] = field(default_factory=list)  # a module target's import path: readable
    allowed: list[str] | None = None  # what may be read (allowlist.allowed_for); None: work it out here

    @classmethod
    def from_dict(cls, data: dict) -> "Plan":
        return cls(list(data.get("hide", [])), data.get("submission"), list(data.get("keep_visible", [])),
                   list(data.get("imports_from", [])), data.get("allowed"))


_libc = ctypes.CDLL(None, use_errno=True)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        raise SandboxError(f"{what}: {os.strerror(ctypes.get_errno())}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {target}")


# --------------------------------------------------------------- namespaces (process A)

def enter_namespaces() -> str | None:
    """unshare user, mount, PID, network and IPC namespaces; None on success, else why not.
    The caller's next child is PID 1 of the new PID namespace. Its user map is written next:
    by the caller itself (``map_own_user``), or, for root, by its parent (``map_user_of``)."""
    if os.environ.get(FORCE_FALLBACK) == "1":
        return f"disabled by {FORCE_FALLBACK}=1"
    if _libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS | _CLONE_NEWPID | _CLONE_NEWNET | _CLONE_NEWIPC) != 0:
        return os.strerror(ctypes.get_errno())
    return None


def map_own_user(uid: int, gid: int) -> None:
    """Map the sandbox uid to our own uid outside (all an unprivileged process may map)."""
    for name, text in (("setgroups", "deny"), ("uid_map", f"{_SANDBOX_UID} {uid} 1"),
                       ("gid_map", f"{_SANDBOX_UID} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)


def _pids_root() -> Path | None:
    """The pids cgroup hierarchy we may create groups in (v1, or v2 with pids enabled)."""
    v1 = Path("/sys/fs/cgroup/pids")
    if (v1 / "cgroup.procs").is_file():
        return v1
    v2 = Path("/sys/fs/cgroup")
    try:
        if "pids" in (v2 / "cgroup.subtree_control").read_text().split():
            return v2
    except OSError:
        pass
    return None


def pids_cgroup(name: str) -> Path | None:
    """Where this worker's pids cgroup lives (None: no pids controller)."""
    root = _pids_root()
    return root / name if root else None


PIDS_GROUP_PREFIX = "rnn-conformance-"
STALE_GROUP_S = 120  # an empty group this old was left by a grader that was killed


def sweep_stale_pids_cgroups() -> None:
    """Remove our empty pids cgroups left by graders that were killed before cleaning up
    (rmdir refuses a group that still holds a process; a young one may be about to)."""
    root = _pids_root()
    if root is None:
        return
    try:
        groups = list(root.glob(f"{PIDS_GROUP_PREFIX}*"))
    except OSError:
        return
    for group in groups:
        try:
            if time.time() - group.stat().st_mtime > STALE_GROUP_S:
                group.rmdir()
        except OSError:
            pass


def join_pids_cgroup(group: Path, limit: int) -> bool:
    """Put this process (and so all it forks) in a new pids cgroup of at most ``limit``
    processes. Root needs this: the kernel never applies RLIMIT_NPROC to real root."""
    try:
        group.mkdir()
        (group / "pids.max").write_text(str(limit))
        (group / "cgroup.procs").write_text(str(os.getpid()))
        return True
    except OSError:
        return False


# -------------------------------------------------------------- the view (process B, PID 1)

def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _hideable(path: Path, keep: list[Path]) -> bool:
    """A folder may be hidden unless what the worker must see (Python, NumPy) lies inside it."""
    return path != Path("/") and not any(_is_within(k, path) for k in keep)


def read_submission(root: str) -> tuple[dict[str, bytes], str]:
    """The submission's files ({relative path: bytes}; a file submission is {name: bytes}) and a
    note on what was left out. code files (.py, .ipynb) first, then the rest while the budget lasts; dot
    folders and __pycache__ are skipped. Raises SandboxError if the code files alone are too big."""
    top = Path(root)
    if top.is_file():
        return {top.name: top.read_bytes()}, ""
    files = []
    for folder, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        files += [Path(folder) / n for n in sorted(names)]
    python = [f for f in files if f.suffix in CODE_SUFFIXES]
    taken: dict[str, bytes] = {}
    left_out, budget = 0, SUBMISSION_MB << 20
    for file in python + [f for f in files if f.suffix not in CODE_SUFFIXES]:
        try:
            size = file.stat().st_size if file.is_file() else -1
        except OSError:
            size = -1
        if size < 0 or size > budget or len(taken) >= SUBMISSION_FILES:
            if file.suffix in CODE_SUFFIXES and size >= 0:
                raise SandboxError(f"the code files (.py, .ipynb) of {root} exceed {SUBMISSION_MB} MB / {SUBMISSION_FILES} files")
            left_out += size >= 0
            continue
        taken[str(file.relative_to(top))] = file.read_bytes()
        budget -= size
    note = f"{left_out} file(s) of {root} were not copied for the worker (over {SUBMISSION_MB} MB)" if left_out else ""
    return taken, note


def build_view(plan: Plan) -> str:
    """In a fresh mount namespace: hide, make the rest read-only, mount the private /tmp with a
    copy of the submission and a work folder, and a /proc of the worker's own processes.
    Returns the in-sandbox path of the submission (or ''). Raises SandboxError."""
    import tempfile

    temp_dirs = sorted({"/tmp", tempfile.gettempdir()})  # before anything is read-only: it probes by writing
    files, _ = read_submission(plan.submission) if plan.submission else ({}, "")
    single = bool(plan.submission) and not os.path.isdir(plan.submission)
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    allowed = plan.allowed or allowlist.allowed_paths(plan.keep_visible, plan.hide, temp_dirs, plan.imports_from)
    allowlist.restrict(allowed, _hide_folder, lambda path: _mount("/dev/null", path, None, _MS_BIND), _mount)
    keep = [Path(p) for p in plan.keep_visible]
    for raw in sorted(set(plan.hide)):
        path = Path(raw)
        if not os.path.lexists(path) or not _hideable(path, keep):
            continue
        if path.is_dir() and not path.is_symlink():
            _hide_folder(str(path))
        elif path.is_file():
            _mount("/dev/null", str(path), None, _MS_BIND)
    _make_read_only("/")
    # A private /tmp (and the usual TMPDIR, if elsewhere): other workers' files are not here.
    # Python and NumPy may live under it (a venv in a temporary clone): those come back, read-only.
    under_tmp = {str(k): os.open(k, os.O_PATH) for k in keep
                 if k.is_dir() and any(_is_within(k, Path(t)) and k != Path(t) for t in temp_dirs)}
    for tmp in temp_dirs:
        if os.path.isdir(tmp):
            _mount("none", tmp, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={PRIVATE_TMP_MB}m,mode=1777")
    for path, fd in sorted(under_tmp.items()):
        os.makedirs(path, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", path, None, _MS_BIND | _MS_REC)
        _make_read_only(path)
        os.close(fd)
    os.makedirs("/tmp/work", mode=0o777)
    os.chmod("/tmp/work", 0o777)
    inside = ""
    if plan.submission:
        name = os.path.basename(os.path.normpath(plan.submission)) or "submission"
        inside = f"/tmp/submission/{name}"
        for rel, data in files.items():
            dest = Path(inside) if single else Path(inside) / rel
            dest.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
            dest.write_bytes(data)
            dest.chmod(0o444)
    try:  # the worker's /proc shows its own PID namespace only: no grader command lines
        _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC | _MS_RDONLY)
    except SandboxError:
        _mount("none", "/proc", "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, "size=4k")
    return inside


def _hide_folder(path: str) -> None:
    _mount("none", path, "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, "size=4k,mode=555")


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def _make_read_only(top: str) -> None:
    """Every mount at or under ``top`` read-only (mount_setattr, Linux 5.12+; else one by one)."""
    attr = _MountAttr(_MOUNT_ATTR_RDONLY, 0, 0, 0)
    syscall = _libc.syscall
    if syscall(ctypes.c_long(_SYS_MOUNT_SETATTR), ctypes.c_int(_AT_FDCWD), os.fsencode(top),
               ctypes.c_uint(_AT_RECURSIVE), ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr))) == 0:
        return
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4] for line in f]
    for point in points:
        if _is_within(Path(point), Path(top)):
            point = point.encode().decode("unicode_escape")  # mountinfo escapes spaces as \040
            if _libc.mount(None, os.fsencode(point), None, ctypes.c_ulong(_MS_BIND | _MS_REMOUNT | _MS_RDONLY), None) != 0:
                raise SandboxError(f"cannot make {point} read-only: {os.strerror(ctypes.get_errno())}")


# ----------------------------------------------------------- the submission's process (C)

class _ReferenceBlocker:
    """A meta-path finder that refuses the grader's own packages."""

    def find_spec(self, name: str, path=None, target=None):  # noqa: ANN001 - importlib's protocol
        if name.partition(".")[0] in REFERENCE_PACKAGES:
            raise ImportError(REFERENCE_MESSAGE, name=name)
        return None


def block_reference_imports() -> None:
    """Forget the grader's modules and refuse to import them again."""
    for name in list(sys.modules):
        if name.partition(".")[0] in REFERENCE_PACKAGES:
            del sys.modules[name]
    sys.meta_path.insert(0, _ReferenceBlocker())


def _drop_capabilities() -> None:
    for cap in range(64):  # the bounding set first: that needs CAP_SETPCAP, which capset removes
        if _libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable x 2 words, all zero
    _check(_libc.capset(header, data), "dropping capabilities")


def _processes_of(uid: int) -> int:
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count


def world_reachable(path: str) -> bool:
    """Whether any user may reach ``path``: every folder above it searchable by others."""
    p = Path(path).resolve()
    try:
        return all(q.stat().st_mode & 0o001 for q in p.parents) and bool(p.stat().st_mode & 0o004)
    except OSError:
        return False


def confine(namespaced: bool, memory_mb: int, cpu_seconds: int, output_limit: int,
            needed: list[str] = ()) -> str:
    """Limits, no capabilities, no privilege gain; returns what the fallback did, if anything.
    needed: what the worker must read (without namespaces, root switches to nobody only if nobody can)."""
    note = ""
    if namespaced:
        _drop_capabilities()
        processes = MAX_PROCESSES  # counted within the worker's own user namespace (not for root)
    elif os.geteuid() == 0 and not all(world_reachable(p) for p in needed):
        note = "runs as root (user nobody could not read Python or the submission)"
        processes = MAX_PROCESSES  # the kernel ignores RLIMIT_NPROC for root: this bounds nothing
    elif os.geteuid() == 0:  # no namespaces, but root: at least not the grader's user
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        note = "ran as user nobody"
        processes = _processes_of(NOBODY) + MAX_PROCESSES
    else:  # RLIMIT_NPROC counts all of this user's processes on the machine
        processes = _processes_of(os.getuid()) + MAX_PROCESSES
    _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    libc_prctl_pdeathsig()  # dies with its reaper
    with open("/proc/self/statm") as f:  # the address-space budget is on top of what is mapped now
        mapped = int(f.read().split()[0]) * resource.getpagesize()
    address_space = mapped + (memory_mb << 20)
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (output_limit, output_limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    return note


def libc_prctl_pdeathsig() -> None:
    """This process gets SIGKILL when its parent dies (a chain that cannot outlive the grader)."""
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def not_dumpable() -> None:
    """The reaper: no other process of the same user may ptrace it or read its memory."""
    _libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def at_memory_limit(memory_mb: int) -> bool:
    """Whether this process's address space is within 10 % of its limit: what the submission holds
    then makes our own code fail in other ways than MemoryError (CPython's SystemError, say)."""
    try:
        pages = int(os.read(os.open("/proc/self/statm", os.O_RDONLY), 64).split()[0])
    except (OSError, ValueError, IndexError, MemoryError):
        return True  # not even that could be read
    return pages * os.sysconf("SC_PAGE_SIZE") > 0.9 * (memory_mb << 20)
