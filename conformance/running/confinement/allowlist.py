"""The allow-list of files a worker may read, applied in its mount namespace before anything else
of the view (sandbox.build_view).

Allowed: the system's programs and shared libraries (/usr, /bin, /sbin, /lib*), the few files in
/etc the interpreter and its loader read (``ETC``), /dev (but /dev/shm and /dev/mqueue, shown
empty), /proc (the worker's own), /sys, the temporary folders (replaced by a private /tmp later),
and the folders Python imports from (its installation, site-packages, what the grader asks to keep
visible) and the files of every shared library already mapped. Everything else is hidden:

- at the top of the tree, each entry that is neither allowed nor leads to something allowed is
  covered by an empty read-only tmpfs (a file by /dev/null);
- a folder that only leads to something allowed (``/home/you`` above a pyenv, say) is replaced by
  a tmpfs holding just the way there, and that tmpfs is made unreadable (mode 0111): the way can
  be walked but not listed. The whole tree is made read-only afterwards, so it stays so.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Callable, Iterable

SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/dev", "/proc", "/sys", "/tmp")
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "ld.so.preload", "localtime", "timezone", "nsswitch.conf",
       "passwd", "group", "alternatives", "os-release", "mime.types", "host.conf")  # not shadow, hosts, machine-id
SHARED_MEMORY = ("/dev/shm", "/dev/mqueue")  # a channel between workers: shown empty


def _within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or inside it (both absolute and normalised: strings are fast)."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def mapped_files() -> list[str]:
    """The files this process has mapped (the interpreter, NumPy's and BLAS's shared libraries)."""
    found = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split(maxsplit=5)
            if len(parts) == 6 and parts[5].startswith("/"):
                found.add(parts[5].rstrip("\n").removesuffix(" (deleted)"))
    return sorted(found)


def allowed_paths(keep: Iterable[str], hide: Iterable[str], temp_dirs: Iterable[str],
                  imports_from: Iterable[str] = ()) -> list[str]:
    """What the worker may read: the system's part, ``keep`` (Python, NumPy), the import path (ours
    and ``imports_from``, the grader's for a module target) but the entries that hold something
    hidden (this package's own folder), and the mapped files; symlinks and where they lead."""
    hidden = [os.path.normpath(h) for h in hide]
    entries = [os.path.normpath(p) for p in [*sys.path, *imports_from] if os.path.isabs(p)]
    entries = [p for p in entries if not any(_within(h, p) for h in hidden)]
    found = set()
    for raw in {*SYSTEM, *temp_dirs, *keep, *entries, *mapped_files()}:
        for path in {os.path.normpath(raw), os.path.realpath(raw)}:  # the way through a symlink, and where it leads
            if os.path.lexists(path):
                found.add(path)
    return sorted(found)


@functools.lru_cache(maxsize=16)
def allowed_for(keep: tuple[str, ...], hide: tuple[str, ...], imports_from: tuple[str, ...]) -> list[str]:
    """allowed_paths, computed once per template for each plan (~3 ms: it resolves every path):
    the template's mapped files and import path are those of every worker it forks."""
    import tempfile

    return allowed_paths(keep, hide, sorted({"/tmp", tempfile.gettempdir()}), imports_from)


def restrict(allowed: list[str], hide_dir: Callable[[str], None], hide_file: Callable[[str], None],
             mount: Callable[..., None]) -> None:
    """Hide everything but ``allowed`` (see the module's docstring). hide_dir/hide_file cover one
    path; mount(source, target, fstype, flags, data) is sandbox._mount."""
    _top(allowed, hide_dir, hide_file, mount)
    for path in SHARED_MEMORY:
        if os.path.isdir(path) and not os.path.islink(path):
            hide_dir(path)


def _way_to(folder: Path, allowed: list[str]) -> tuple[set[str], bool]:
    """The names in ``folder`` that are or lead to something allowed, and whether ``folder`` itself is."""
    names, top = set(), str(folder).rstrip("/") + "/"
    for path in allowed:
        if _within(str(folder), path):
            return set(), True
        if path.startswith(top):
            names.add(path[len(top):].partition("/")[0])
    return names, False


def _top(allowed: list[str], hide_dir, hide_file, mount) -> None:
    root = Path("/")
    names, _ = _way_to(root, allowed)
    names.add("etc")
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        path = root / entry.name
        if entry.name in names or entry.is_symlink():  # a symlink leads to something allowed, or hidden
            continue
        (hide_dir if entry.is_dir(follow_symlinks=False) else hide_file)(str(path))
    for name in sorted(names):
        path = root / name
        inner, whole = _way_to(path, allowed)
        if name == "etc" and not whole:
            _only(path, inner | {n for n in ETC if os.path.lexists(path / n)}, allowed, mount, mode=0o755)
        elif not whole and path.is_dir() and not path.is_symlink():
            _only(path, inner, allowed, mount)


def _only(folder: Path, names: set[str], allowed: list[str], mount, mode: int = 0o111) -> None:
    """Replace ``folder`` by a tmpfs holding only ``names`` (bound back from the original), each
    restricted in turn unless allowed whole; then the tmpfs gets ``mode``."""
    kept = {}
    for name in sorted(names):
        path = folder / name
        if path.is_symlink():
            kept[name] = ("link", os.readlink(path))
        elif path.exists():
            kept[name] = ("dir" if path.is_dir() else "file", os.open(path, os.O_PATH | os.O_CLOEXEC))
    mount("none", str(folder), "tmpfs", 2 | 4, "size=64k,mode=755")  # nosuid, nodev
    for name, (kind, what) in kept.items():
        path = folder / name
        if kind == "link":
            os.symlink(what, path)
            continue
        path.mkdir() if kind == "dir" else path.touch()
        mount(f"/proc/self/fd/{what}", str(path), None, 4096 | 16384)  # MS_BIND | MS_REC
        os.close(what)
        inner, whole = _way_to(path, allowed)
        if kind == "dir" and not whole:
            _only(path, inner, allowed, mount)
    os.chmod(folder, mode)
