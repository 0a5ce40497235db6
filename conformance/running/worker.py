"""The process that runs a submission, and the template it is forked from.

The grader never forks a worker from itself: its memory holds the oracle, the expected
values and every classmate's results. It starts one *template* per grading process
(``python -I -c ...main()``), a fresh interpreter that imports NumPy and this module only,
and asks it over a Unix socket for workers. For each request the template forks:

- A: joins new namespaces (sandbox.enter_namespaces) and forks B;
- B: PID 1 of the new PID namespace: builds the worker's view of the files
  (sandbox.build_view), forks C, reaps, and reports C's exit status on the status pipe;
  when B exits the kernel kills every process left in the namespace;
- C: the worker: confined (sandbox.confine), its files limited (confinement.landlock), its system calls
  filtered (confinement.seccomp), imports the
  submission, then answers calls.

Requests and replies are framed JSON + raw array bytes (wire.py), never pickles.
Operations are a closed list: ``call``, ``call_batch`` (several calls of one function, a reply
for each as it ends), ``call_perturbed``, ``call_many``, ``exit``. How one call is made and told
as data (its result, what it changed in place, its warnings, what it raised) is local.py's.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import secrets
import select
import signal
import socket
import struct
import sys
import time
from collections import OrderedDict
from typing import Any

from conformance.contract import wire
from conformance.running import course_helpers, fingerprint, sandbox, tensors
from conformance.running.confinement import allowlist, landlock, seccomp
from conformance.running.local import answer_call, answer_calls
from conformance.running.target import TargetImportError, imported_modules, load_info, load_target

HANDLE_LIMIT = 256  # caches kept per worker; older ones are dropped
GRADER_OOM_EXIT = 71  # the worker ran out of memory in our code, not the submission's
OUT_OF_MEMORY_EXIT = 72  # the memory the submission holds left none for answering it
STATUS = struct.Struct("<i")


def _read_exactly(fd: int, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _functions(module: Any) -> tuple[dict[str, int], dict[str, str]]:
    """Public callables -> required positional parameters (-1: unknown), and their code fingerprints."""
    required, prints = {}, {}
    for name, fn in vars(module).items():
        if not callable(fn) or name.startswith("_"):
            continue
        try:
            params = inspect.signature(fn).parameters.values()
            required[name] = sum(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                                 for p in params)
        except (TypeError, ValueError):
            required[name] = -1
        digest = fingerprint.code_fingerprint(fn)
        if digest:
            prints[name] = digest
    return required, prints


def serve(job: dict, requests: int, replies: int) -> None:
    """C: confine, import the target, then answer calls until told to stop (or the pipe closes)."""
    needed = [job["target"], *job["plan"]["keep_visible"]] if not job["namespaced"] else []
    note = sandbox.confine(job["namespaced"], job["memory_mb"], job["cpu_seconds"], job["output_limit"], needed)
    sandbox.block_reference_imports()
    layered = _landlock(job)
    filtered = seccomp.install()  # last of our set-up: nothing of ours after it needs a refused call
    handles: OrderedDict[int, Any] = OrderedDict()

    def keep(obj: Any) -> int:
        handles[id(obj)] = obj
        while len(handles) > HANDLE_LIMIT:
            handles.popitem(last=False)
        return id(obj)

    def resolve(key: int) -> Any:
        if key not in handles:
            raise wire.WireError("a cache from an earlier worker or evicted long ago was passed back")
        return handles[key]

    me = os.getpid()
    asked = 0  # requests read so far: the number of the one being answered

    def reply(message: dict, item: int = 0) -> None:
        """Send ``message`` as the answer to item ``item`` of request ``asked``. Only this process
        speaks: a copy of it that the submission forked (a child whose own fork failed, say) and
        that unwinds back here ends without a word, so a reply can never come from a stranger."""
        if os.getpid() != me:
            os._exit(0)
        for stream in (sys.stdout, sys.stderr):  # what the call printed reaches the file now
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001 - a replaced or broken stream is the target's business
                pass
        wire.send(replies, *wire.encode({**message, "answers": [asked, item], "pid": me}, keep))

    def reply_result(message: dict, item: int = 0) -> None:
        try:
            reply(message, item)
        except MemoryError:  # the submission holds the memory our reply needed
            reply({"raised": ["MemoryError", "while sending the result back (the memory your code holds "
                                             "left none for it)", ""]}, item)
        except BaseException as exc:  # noqa: BLE001 - e.g. a lying __array__ that raises
            reply({"raised": [type(exc).__name__, f"while sending the result back: {exc}", ""]}, item)

    sys.path[:0] = job.get("sys_path", [])
    if job.get("sandbox_error"):
        reply({"sandbox_error": job["sandbox_error"]})
        os._exit(0)
    try:
        module = load_target(job["target"])
    except TargetImportError as exc:
        reply({"import_error": str(exc)})
        os._exit(0)
    sys.meta_path.append(course_helpers.SuppliedHelpers())  # the submission's process: helpers import when called
    functions, prints = _functions(module)
    if job["namespaced"]:
        described = ("own user, PID, mount and network namespaces: only Python, its imports and an allow-list "
                     "of system files readable, all read-only; output folder, other "
                     "submissions, spec, fixtures and harness hidden; every process it starts dies with it; "
                     + job["process_bound"] + "; " + layered + "; " + filtered)
    else:
        files = (f"files not protected ({layered})" if layered.startswith("no Landlock") else
                 layered.replace("files also limited", "files limited") + ": only Python, its imports, a few "
                 "system files, the submission and its scratch folder readable")
        described = (f"no namespaces ({job['why_not']}): {note or 'runs as your user'}, {files}, "
                     f"processes it starts may outlive it; {job['process_bound']}; {filtered}")
    reply({"ready": functions, "fingerprints": prints, "sandbox": described, "load_info": load_info(module),
           "imports": sorted(imported_modules(module))})
    file = getattr(module, "__file__", None)
    while True:
        try:
            header_len, blob_len = wire.frame_lengths(_read_exactly(requests, wire.FRAME_SIZE))
            request = wire.decode(_read_exactly(requests, header_len), _read_exactly(requests, blob_len), resolve)
            asked += 1
        except EOFError:
            os._exit(0)
        except MemoryError:  # our decoding of the grader's arguments: not the submission's doing
            asked += 1
            try:
                reply({"grader_oom": "receiving the arguments"})
            except MemoryError:
                os._exit(GRADER_OOM_EXIT)
            continue
        if request["op"] == "exit":
            os._exit(0)
        if request["op"] == "adapt":  # a suite whose targets may use tensors: call this one with them
            try:
                module = tensors.adapt(module, str(request["framework"]), request["plan"])
                reply({"ready": _functions(module)[0], "load_info": load_info(module)})
            except BaseException as exc:  # noqa: BLE001 - e.g. the framework fails to import here
                reply({"raised": [type(exc).__name__, str(exc), ""]})
            continue
        if request["op"] not in ("call", "call_batch", "call_perturbed", "call_many"):
            reply({"protocol_error": f"unknown operation {request['op']!r}"})
            continue
        try:
            fn = getattr(module, request["function"])
        except BaseException as exc:  # noqa: BLE001 - a module __getattr__ of the target's may raise anything
            fn = exc
        if request["op"] == "call_batch":  # items of one function: one reply per call, as each ends
            for item, call in enumerate(request["calls"]):
                reply_result(_said(answer_call, fn, call["args"], call.get("caches") or [], file), item)
        elif request["op"] == "call":
            reply_result(_said(answer_call, fn, request["args"], request.get("caches") or [], file))
        else:
            reply_result(_said(answer_calls, fn, request, file))


def _said(answer: Any, *args: Any) -> dict:
    """answer(*args), and when the call raised EPERM after an attempt the filter refuses, the
    message says what was refused (confinement/seccomp.py's audit hook noted it)."""
    seccomp.clear()
    reply = answer(*args)
    if "raised" in reply:
        kind, message, frames = reply["raised"]
        reply["raised"] = [kind, seccomp.explain(kind, message), frames]
    return reply


def _landlock(job: dict) -> str:
    """Landlock over the worker's files; what is in force, in a line. With namespaces /tmp is the
    worker's own; without, only its scratch folder is written and its submission read in place."""
    allowed = job["plan"].get("allowed")
    if allowed is None:
        return "no Landlock (the allow-list could not be worked out)"
    if job["namespaced"]:
        return landlock.apply(landlock.rules(allowed, ["/tmp"], True))
    readable = [p for p in (job["target"], job["plan"].get("submission")) if p]
    return landlock.apply(landlock.rules(allowed, [job["scratch"]], False, readable))


def _close_all_but(keep: set[int]) -> None:
    for fd in map(int, os.listdir("/proc/self/fd")):
        if fd not in keep and fd > 2:
            try:
                os.close(fd)
            except OSError:
                pass


def _reaper(job: dict, req: int, rep: int, status: int, out: int, a_alive: int) -> None:
    """B: the view, then C, then wait; C's raw wait status goes to the grader. B dies with A (and,
    the init of C's PID namespace, takes C with it): a killed grader leaves no worker running."""
    sandbox.libc_prctl_pdeathsig()  # not inherited across fork: A's does not cover B
    if select.select([a_alive], [], [], 0)[0]:  # A died before that took effect: its pipe is closed
        os._exit(0)
    sandbox.not_dumpable()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    target = job["target"]
    if job["namespaced"]:
        try:
            inside = sandbox.build_view(sandbox.Plan.from_dict({**job["plan"], "imports_from": job.get("sys_path", [])}))
            if inside and job.get("target_in_submission") is not None:
                target = os.path.join(inside, job["target_in_submission"]) if job["target_in_submission"] else inside
            os.chdir("/tmp/work")
        except (sandbox.SandboxError, OSError) as exc:
            job = {**job, "sandbox_error": f"could not build the worker's view of the files ({exc})"}
    else:
        os.chdir(job["scratch"])
    pid = os.fork()
    if pid == 0:
        _close_all_but({req, rep, out})
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0), os.dup2(out, 1), os.dup2(out, 2)
        os.close(null), os.close(out)
        try:
            serve({**job, "target": target}, req, rep)
        except BaseException as exc:  # noqa: BLE001 - our own code failed: at the memory limit, that is why
            out_of_memory = isinstance(exc, MemoryError) or sandbox.at_memory_limit(job["memory_mb"])
            os._exit(OUT_OF_MEMORY_EXIT if out_of_memory else 70)
        finally:
            os._exit(70)
    for fd in (req, rep, out):
        os.close(fd)
    while True:
        try:
            done, code = os.wait()
        except ChildProcessError:
            os._exit(0)
        if done == pid:
            os.write(status, STATUS.pack(code))
            os._exit(0)


def _start(job: dict, fds: list[int]) -> None:
    """A: a pids cgroup (root), new session and namespaces, then B."""
    req, rep, status, out = fds
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    sandbox.libc_prctl_pdeathsig()
    uid, gid = os.geteuid(), os.getegid()  # before unshare: inside an unmapped namespace they read 65534
    group = sandbox.pids_cgroup(job["pids_group"]) if uid == 0 else None
    if uid != 0:
        bound = f"at most {sandbox.MAX_PROCESSES} processes (RLIMIT_NPROC)"
    elif group is not None and sandbox.join_pids_cgroup(group, sandbox.MAX_PROCESSES + 2):
        bound = f"at most {sandbox.MAX_PROCESSES} processes (pids cgroup)"
    else:
        bound = "process count not bounded (root without a pids cgroup)"
    why_not = sandbox.enter_namespaces() if job["namespaces"] else job.get("why_no_sandbox", "not asked for")
    if why_not is None:
        try:
            sandbox.map_own_user(uid, gid)
        except OSError as exc:
            why_not = f"cannot map the user ({exc.strerror})"
    job = {**job, "namespaced": why_not is None, "why_not": why_not, "process_bound": bound}
    a_alive, a_alive_w = os.pipe()  # B reads EOF once A is gone (A never writes)
    pid = os.fork()
    if pid == 0:
        os.close(a_alive_w)
        _reaper(job, req, rep, status, out, a_alive)
        os._exit(70)
    os.close(a_alive)
    for fd in fds:
        os.close(fd)
    try:
        os.waitpid(pid, 0)
    finally:
        os._exit(0)


def _sweep(groups: list) -> list:
    """Remove the pids cgroups of finished workers (rmdir fails while a process is left in one)."""
    left = []
    for group in groups:
        try:
            group.rmdir()
        except FileNotFoundError:
            pass
        except OSError:
            left.append(group)
    return left


def main(control_fd: int, preload: tuple[str, ...] = ()) -> None:
    """The template: fork a worker per request, until the grader closes the socket. ``preload``:
    modules imported once here, before any fork, so that no worker pays for them (a class's
    tensor framework: torch takes ~2.3 s to import in each sandboxed worker) and every worker
    finds them alike (what is mapped before the fork is outside the --memory-mb budget). One
    that fails to import is skipped: the target's own import then says why."""
    for name in preload:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a broken install shows in the target's own import
            pass
    control = socket.socket(fileno=control_fd)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the As it forks are reaped by the kernel
    sandbox.libc_prctl_pdeathsig()
    groups: list = []
    sandbox.sweep_stale_pids_cgroups()
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 20, 4)
        except (OSError, EOFError):
            message = b""
        if not message:
            for _ in range(20):  # the last workers are being killed: give them a moment
                groups = _sweep(groups)
                if not groups:
                    break
                time.sleep(0.05)
            os._exit(0)
        job = json.loads(message)
        plan = job["plan"]  # resolved once here, not in every worker: the view and Landlock need it
        try:
            job["plan"] = {**plan, "allowed": allowlist.allowed_for(
                tuple(plan["keep_visible"]), tuple(plan["hide"]), tuple(job.get("sys_path", [])))}
        except OSError:
            pass
        # Unique, not the worker's pid: a group left by a killed grader may bear any pid's name.
        job["pids_group"] = f"{sandbox.PIDS_GROUP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
        if job["target"].endswith(".ipynb"):  # once per template, not once per worker (~0.2 s)
            import nbformat  # noqa: F401
        pid = os.fork()
        if pid == 0:
            control.close()
            try:
                _start(job, fds)
            finally:
                os._exit(70)
        for fd in fds:
            os.close(fd)
        control.sendall(json.dumps({"pid": pid}).encode())
        group = sandbox.pids_cgroup(job["pids_group"]) if os.geteuid() == 0 else None
        groups = _sweep(groups) + ([group] if group else [])
