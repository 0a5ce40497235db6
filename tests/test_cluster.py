"""Grading on a Dask cluster: ``grade(..., scheduler=...)`` (conformance.grading.cluster, remote_job).

A LocalCluster of two worker processes on loopback (allowed-failures 1, as ``local:N`` makes
it) serves the module. Checked: the same results.json, byte for byte apart from timings, as
local grading; a worker killed mid-run loses no submission; a submission that kills two
workers is given up, its classmates graded; an interrupted run (Ctrl-C) resumed with
``--resume`` grades only what was missing, locally and on the cluster; every refusal (no
scheduler, a worker without the package or with another grader, a submission too large to
send) is one line. (tests/test_hostile.py grades the hostile corpus on ``local:2`` too.)
"""

from __future__ import annotations

import faulthandler
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import cloudpickle
import dask
import distributed
import pytest
from distributed.diagnostics.plugin import WorkerPlugin

from conformance.grading import cluster, grade as grade_module, remote_job
from conformance.grading.grade import GradeError, grade

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import this file
HANG_S = 300  # each test takes seconds (the first also starts the cluster)


@pytest.fixture(autouse=True)
def bounded_in_time():
    """A cluster that hangs ends the run with every thread's traceback after HANG_S, instead of
    eating CI's time budget (pytest-timeout's --timeout would clash with the plugin's own)."""
    faulthandler.dump_traceback_later(HANG_S, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "submissions"
SUBMISSIONS = sorted(p for p in EXAMPLES.iterdir() if p.name != "__pycache__")
OPTIONS = {"random_cases": 1, "random_seed": 11, "timeout": 1.0, "progress": False, "report": False}
TEMPLATE_CODE = "from conformance.running.worker import main"  # in every worker template's command line


@pytest.fixture(scope="module")
def scheduler():
    with dask.config.set(cluster.LOCAL_CONFIG):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=":0", silence_logs=logging.ERROR) as local:
            yield local.scheduler_address


@pytest.fixture
def client(scheduler):
    with distributed.Client(scheduler, set_as_default=False) as c:
        c.wait_for_workers(2, timeout=60)
        yield c
        c.wait_for_workers(2, timeout=60)  # a killed worker is back before the next test


def without_timings(path: Path) -> str:
    data = json.loads(path.read_text())
    data = data.get("result", data)  # .result.json holds {"content_sha256", "result"}
    data.pop("execution_time")
    for item in data.get("items", []):
        item.pop("time")
    return json.dumps(data)


def copies(folder: Path, source: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name in names:
        shutil.copy(source, folder / f"{name}.py")
        made.append(folder / f"{name}.py")
    return made


def job_modules() -> list[str]:
    """Modules a Dask worker imported from a job's files (there must be none)."""
    return [name for name, module in list(sys.modules.items())
            if "rnn-conformance-job-" in str(getattr(module, "__file__", "") or "")]


def test_cluster_grades_are_byte_identical_to_local(scheduler, client, tmp_path):
    local = grade(SUBMISSIONS, tmp_path / "local", jobs=2, **OPTIONS)
    remote = grade(SUBMISSIONS, tmp_path / "dask", scheduler=scheduler, **OPTIONS)
    assert [r.name for r in remote] == [r.name for r in local] == [p.stem for p in SUBMISSIONS]
    assert {r.status for r in remote} == {"graded"}
    for result in local:
        for file in ("results.json", ".result.json"):
            assert (without_timings(tmp_path / "dask" / result.name / file)
                    == without_timings(tmp_path / "local" / result.name / file)), (result.name, file)
    assert (tmp_path / "dask" / "summary.csv").read_text() == (tmp_path / "local" / "summary.csv").read_text()
    assert sum(r.score for r in remote) < sum(r.max_score for r in remote)  # the class is not all correct
    assert client.run(job_modules) == {worker: [] for worker in client.scheduler_info()["workers"]}


def _kill_a_busy_worker(client: distributed.Client, out: Path, killed: list) -> None:
    """Once some results are written, SIGKILL a worker process that is grading a submission."""
    pids = client.run(os.getpid)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        busy = [w for w, keys in client.processing().items() if keys]
        if busy and len(list(out.glob("*/results.json"))) >= 2:
            killed.append((busy[0], client.processing()[busy[0]]))
            os.kill(pids[busy[0]], signal.SIGKILL)
            return
        time.sleep(0.02)


def template_orphans() -> list[str]:
    """Worker templates whose parent is gone (each must die with the process that started it)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if TEMPLATE_CODE not in (proc / "cmdline").read_bytes().decode(errors="replace"):
                continue
            ppid = int(next(line.split()[1] for line in (proc / "status").read_text().splitlines()
                            if line.startswith("PPid:")))
        except (OSError, StopIteration, ValueError):
            continue
        if ppid == 1:
            found.append(proc.name)
    return found


def test_a_worker_killed_mid_run_loses_no_submission(scheduler, client, tmp_path):
    names = [f"student{k:02d}" for k in range(12)]
    subs = copies(tmp_path / "subs", EXAMPLES / "bob.py", names)
    killed: list = []
    killer = threading.Thread(target=_kill_a_busy_worker, args=(client, tmp_path / "out", killed))
    killer.start()
    results = grade(subs, tmp_path / "out", scheduler=scheduler, **OPTIONS)
    killer.join()
    assert killed, "no worker was killed while grading"
    assert [r.name for r in results] == names  # each once, in order
    assert {r.status for r in results} == {"graded"}
    assert len({r.score for r in results}) == 1  # the same grade for every copy, the killed one's too
    assert sorted(p.parent.name for p in (tmp_path / "out").glob("*/results.json")) == names
    deadline = time.monotonic() + 10  # the killed worker's template follows it (PR_SET_PDEATHSIG)
    while template_orphans() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert template_orphans() == []


class CrashOn(WorkerPlugin):
    """Makes a worker process die (os._exit) when it starts grading the submission ``name``."""

    name = "crash-on-submission"

    def __init__(self, submission: str):
        self.submission = submission

    def setup(self, worker):
        original = remote_job.run

        def run(job):
            if job["name"] == self.submission:
                os._exit(3)
            return original(job)

        run.original = original
        remote_job.run = run

    def teardown(self, worker):
        remote_job.run = getattr(remote_job.run, "original", remote_job.run)


def test_a_submission_that_kills_two_workers_is_given_up(scheduler, client, tmp_path):
    subs = [*copies(tmp_path / "subs", EXAMPLES / "bob.py", ["before", "killer", "after"])]
    client.register_plugin(CrashOn("killer"))
    try:
        results = {r.name: r for r in grade(subs, tmp_path / "out", scheduler=scheduler, **OPTIONS)}
    finally:
        client.unregister_worker_plugin(CrashOn.name)
    assert results["killer"].status == "error"
    assert results["killer"].message.startswith("not graded: crashed the worker twice"), results["killer"].message
    shown = json.loads((tmp_path / "out" / "killer" / "results.json").read_text())
    assert shown["score"] == 0 and "crashed the worker twice" in shown["output"]
    assert results["before"].status == results["after"].status == "graded"
    assert results["before"].score == results["after"].score > 0


def _interrupt_after(out: Path, finished: int, command: list[str]) -> subprocess.CompletedProcess:
    """Run ``command``; send it SIGINT (Ctrl-C) once ``finished`` results are written."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 120
    while len(list(out.glob("*/.result.json"))) < finished and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


@pytest.mark.parametrize("mode", ["local", "cluster"])
def test_resume_grades_only_what_an_interrupted_run_left(mode, scheduler, client, tmp_path, monkeypatch):
    names = [f"s{k}" for k in range(8)]
    subs = copies(tmp_path / "subs", EXAMPLES / "erin.py", names)
    out = tmp_path / "out"
    where = ["--scheduler", scheduler] if mode == "cluster" else ["--jobs", "1"]
    seed = ["--random-cases", "1", "--random-seed", "11", "--timeout", "1"]
    run = _interrupt_after(out, 2, [sys.executable, "-m", "conformance.cli", "grade", *map(str, subs),
                                    "--out", str(out), *seed, *where])
    assert run.returncode == 130, run.stderr[-3000:]
    assert "--resume" in run.stderr
    kept = {p.parent.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("*/results.json")
            if (p.parent / ".result.json").is_file()}
    assert 2 <= len(kept) < len(names), kept.keys()

    graded = []  # the jobs the resumed run hands out
    if mode == "cluster":
        make = remote_job.make
        monkeypatch.setattr(remote_job, "make", lambda job, grader: graded.append(job["name"]) or make(job, grader))
    else:
        run_all = grade_module._run_all
        monkeypatch.setattr(grade_module, "_run_all",
                            lambda jobs, width, board: graded.extend(j["name"] for j in jobs) or run_all(jobs, width, board))
    results = grade(subs, out, resume=True, **({"scheduler": scheduler} if mode == "cluster" else {"jobs": 1}),
                    **{**OPTIONS, "report": True})
    assert sorted(graded) == sorted(set(names) - set(kept))
    assert [r.name for r in results] == names and {r.status for r in results} == {"graded"}
    assert len({r.score for r in results}) == 1  # resumed or not, the same grade
    for name, (mtime, data) in kept.items():  # not written again
        path = out / name / "results.json"
        assert (path.stat().st_mtime_ns, path.read_bytes()) == (mtime, data)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["submissions"]["graded"] == summary["submissions"]["finished"] == len(names), summary
    assert (out / "report.html").is_file()


def test_resume_refuses_other_options_and_foreign_folders_and_regrades_a_changed_file(tmp_path, monkeypatch):
    subs = copies(tmp_path / "subs", EXAMPLES / "bob.py", ["a", "b"])
    grade(subs, tmp_path / "out", jobs=1, **OPTIONS)
    with pytest.raises(GradeError, match=r"other options \(--random-seed 11 then, 12 now\)"):
        grade(subs, tmp_path / "out", jobs=1, resume=True, **{**OPTIONS, "random_seed": 12})
    (tmp_path / "foreign").mkdir()
    for folder in (tmp_path / "foreign", tmp_path / "missing"):
        with pytest.raises(GradeError, match="holds no run of rnn-conformance grade to resume"):
            grade(subs, folder, jobs=1, resume=True, **OPTIONS)
    assert not (tmp_path / "missing").exists()
    graded = []
    run_all = grade_module._run_all
    monkeypatch.setattr(grade_module, "_run_all",
                        lambda jobs, width, board: graded.extend(j["name"] for j in jobs) or run_all(jobs, width, board))
    results = grade(subs, tmp_path / "out", jobs=1, resume=True, **OPTIONS)  # same options: nothing left to do
    assert [r.status for r in results] == ["graded", "graded"] and graded == []
    shutil.copy(EXAMPLES / "erin.py", subs[1])  # b hands in another file
    results = grade(subs, tmp_path / "out", jobs=1, resume=True, **OPTIONS)
    assert graded == ["b"] and results[1].score != results[0].score


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line_and_leaves_the_reports(tmp_path, monkeypatch):
    subs = copies(tmp_path / "subs", EXAMPLES / "bob.py", ["a"])
    grade(subs, tmp_path / "out", jobs=1, **OPTIONS)
    monkeypatch.setattr(cluster, "_CONNECT_S", 1)
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(GradeError) as caught:
        grade(subs, tmp_path / "out", scheduler=address, **OPTIONS)
    assert str(caught.value).startswith(f"cannot reach the Dask scheduler at {address}: ")
    assert "\n" not in str(caught.value)
    assert (tmp_path / "out" / "a" / "results.json").is_file()  # the previous run's reports stay


@pytest.mark.parametrize("option, message", [
    ({"scheduler": "somewhere"}, "expected a scheduler address"),
    ({"scheduler": "local:0"}, "at least 1 worker"),
    ({"scheduler": "local:2", "isolate": False}, "isolated workers only"),
    ({"scheduler": "local:2", "jobs": 2}, "--jobs is for local grading"),
])
def test_cluster_options_are_checked_first(tmp_path, option, message):
    with pytest.raises(GradeError, match=message):
        grade([EXAMPLES / "bob.py"], tmp_path / "out", **{**OPTIONS, **option})
    assert not (tmp_path / "out").exists()


WITHOUT_PACKAGE = ("import sys; sys.modules['conformance'] = None\n"
                   "from distributed.cli.dask_worker import main; sys.argv[0] = 'dask-worker'; main()")
OTHER_GRADER = ("import sys, conformance.grading.remote_job as job; job.grader_digest = lambda: 'f' * 64\n"
                "from distributed.cli.dask_worker import main; sys.argv[0] = 'dask-worker'; main()")


@pytest.mark.parametrize("code, message", [
    (WITHOUT_PACKAGE, r"worker tcp://127\.0\.0\.1:\d+ cannot run rnn-conformance \(.*No module named"),
    (OTHER_GRADER, r"worker tcp://127\.0\.0\.1:\d+ has rnn-conformance .* with spec digest ffffffffffffffff; "
                   r"the client has .*: install the same version on every worker"),
], ids=["without-the-package", "another-grader"])
def test_an_unfit_worker_is_named_before_anything_is_graded(tmp_path, code, message):
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=":0",
                                  silence_logs=logging.ERROR) as bare:
        worker = subprocess.Popen([sys.executable, "-c", code, bare.scheduler_address, "--no-nanny",
                                   "--nthreads", "1", "--no-dashboard"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            with pytest.raises(GradeError, match=message) as caught:
                grade([EXAMPLES / "bob.py"], tmp_path / "out", scheduler=bare.scheduler_address, **OPTIONS)
            assert "\n" not in str(caught.value)
            assert not (tmp_path / "out").exists()
        finally:
            worker.kill()
            worker.wait()


def test_a_worker_refuses_a_job_from_another_grader(tmp_path):
    job = remote_job.make({"name": "bob", "source": str(EXAMPLES / "bob.py"), "file": str(EXAMPLES / "bob.py")},
                          {"version": "9.9", "digest": "e" * 64})
    with pytest.raises(remote_job.GraderMismatch, match="the client has 9.9 with eeeeeeeeeeeeeeee"):
        remote_job.run(job)


def test_a_folder_is_packed_whole_but_for_caches_and_links(tmp_path):
    folder = tmp_path / "alice"
    (folder / "data").mkdir(parents=True)
    (folder / "__pycache__").mkdir()
    (folder / "rnn.py").write_text("x = 1\n")
    (folder / "data" / "w.npy").write_bytes(b"\x93NUMPY")
    (folder / "__pycache__" / "rnn.cpython-311.pyc").write_bytes(b"junk")
    (folder / "secret").symlink_to("/etc/hostname")
    bundle = remote_job.pack(str(folder), str(folder / "rnn.py"))
    assert bundle == {"root": "alice", "folder": True, "file": "rnn.py",
                      "files": {"rnn.py": b"x = 1\n", "data/w.npy": b"\x93NUMPY"}}
    unpacked = tmp_path / "elsewhere"
    unpacked.mkdir()
    source, file = remote_job._unpack(bundle, unpacked)
    assert (source, file) == (unpacked / "alice", unpacked / "alice" / "rnn.py")
    assert (unpacked / "alice" / "data" / "w.npy").read_bytes() == b"\x93NUMPY"
    with pytest.raises(remote_job.PackError, match="outside the submission's folder"):
        remote_job._unpack({**bundle, "files": {"../../escape.py": b""}}, unpacked)
    with pytest.raises(remote_job.PackError, match="refusing a submission named '..'"):
        remote_job._unpack({**bundle, "root": ".."}, unpacked / "alice")
    assert not (tmp_path / "escape.py").exists()


def test_a_submission_too_large_to_send_is_not_graded_and_the_rest_are(scheduler, client, tmp_path, monkeypatch):
    subs = copies(tmp_path / "subs", EXAMPLES / "bob.py", ["small"])
    big = tmp_path / "subs" / "big"
    big.mkdir()
    shutil.copy(EXAMPLES / "bob.py", big / "big.py")
    (big / "weights.bin").write_bytes(b"\0" * 200_000)
    monkeypatch.setattr(remote_job, "MAX_SUBMISSION_BYTES", 100_000)
    results = {r.name: r for r in grade([*subs, big], tmp_path / "out", scheduler=scheduler, **OPTIONS)}
    assert results["small"].status == "graded"
    assert results["big"].status == "error" and "too large to send" in results["big"].message


SPY = '''import glob, os, tempfile
from _correct_dlai import *  # noqa: F401,F403
from _correct_dlai import softmax as _softmax


def softmax(x):
    """Lists what of the Dask worker's files it can see: other jobs' folders, Dask's scratch space."""
    seen = sorted(glob.glob(os.path.join(tempfile.gettempdir(), "rnn-conformance-job-*"))
                  + glob.glob(os.path.join(tempfile.gettempdir(), "dask-scratch-space", "*")) + glob.glob("@SCRATCH@/*"))
    print("spy saw:", seen)
    return _softmax(x)
'''


def test_a_job_cannot_see_other_jobs_or_the_dask_worker(scheduler, client, tmp_path):
    scratch = next(iter(client.run(lambda dask_worker: dask_worker.local_directory).values()))
    spy = tmp_path / "subs" / "spy"
    spy.mkdir(parents=True)
    (spy / "spy.py").write_text(SPY.replace("@SCRATCH@", scratch))
    shutil.copy(ROOT / "tests" / "targets" / "_correct_dlai.py", spy / "_correct_dlai.py")
    results = grade([spy, *copies(tmp_path / "subs", EXAMPLES / "bob.py", ["b1", "b2", "b3"])], tmp_path / "out",
                    scheduler=scheduler, **OPTIONS)
    assert results[0].status == "graded" and "spy saw: []" in results[0].output, results[0].output
    assert list(Path(scratch).iterdir()), "the spy's probe must find something outside the sandbox"


@pytest.fixture
def own_scheduler(tmp_path):
    """A scheduler process of its own (killable), and a way to add worker processes to it."""
    file = tmp_path / "scheduler.json"
    dask_cli = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    scheduler = subprocess.Popen([*dask_cli, "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", str(file)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = []
    deadline = time.monotonic() + 60
    while not file.is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    address = json.loads(file.read_text())["address"]

    def add_worker(threads: int = 1) -> subprocess.Popen:
        worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--no-nanny",
                                   "--nthreads", str(threads), "--no-dashboard"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        started.append(worker)
        return worker

    yield scheduler, address, add_worker
    for proc in [scheduler, *started]:
        proc.kill()
        proc.wait()


def _kill_when_graded(proc: subprocess.Popen, out: Path, count: int) -> None:
    deadline = time.monotonic() + 120
    while len(list(out.glob("*/.result.json"))) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.kill()


def test_a_lost_scheduler_stops_the_run_in_one_line_keeping_what_finished(own_scheduler, tmp_path, monkeypatch):
    scheduler, address, add_worker = own_scheduler
    add_worker()
    subs = copies(tmp_path / "subs", EXAMPLES / "erin.py", [f"s{k:02d}" for k in range(20)])
    killer = threading.Thread(target=_kill_when_graded, args=(scheduler, tmp_path / "out", 1))
    killer.start()
    with pytest.raises(GradeError) as caught:
        grade(subs, tmp_path / "out", scheduler=address, **OPTIONS)
    killer.join()
    assert str(caught.value) == cluster.LOST
    finished = list((tmp_path / "out").glob("*/.result.json"))
    assert 1 <= len(finished) < len(subs)
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["submissions"]["finished"] == len(finished)


def test_a_cluster_left_without_workers_stops_the_run(own_scheduler, tmp_path, monkeypatch):
    _, address, add_worker = own_scheduler
    worker = add_worker()
    monkeypatch.setattr(cluster, "_NO_WORKERS_S", 2.0)
    subs = copies(tmp_path / "subs", EXAMPLES / "erin.py", [f"s{k:02d}" for k in range(20)])
    killer = threading.Thread(target=_kill_when_graded, args=(worker, tmp_path / "out", 1))
    killer.start()
    with pytest.raises(GradeError, match=r"has had no workers for 2 s: stopped.*--resume"):
        grade(subs, tmp_path / "out", scheduler=address, **OPTIONS)
    killer.join()
    assert 1 <= len(list((tmp_path / "out").glob("*/.result.json"))) < len(subs)


def test_a_scheduler_without_workers_is_one_line(own_scheduler, tmp_path, monkeypatch):
    _, address, _ = own_scheduler
    monkeypatch.setattr(cluster, "_CONNECT_S", 1)
    with pytest.raises(GradeError, match=rf"^the Dask scheduler at {address} has no workers \(waited 1 s\): "
                                         rf"start some with `dask worker {address}`$"):
        grade([EXAMPLES / "bob.py"], tmp_path / "out", scheduler=address, **OPTIONS)


def test_without_dask_installed_the_cluster_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what a missing package looks like to import
    with pytest.raises(GradeError, match=r"--scheduler needs Dask: pip install 'rnn-conformance\[cluster\]'"):
        grade([EXAMPLES / "bob.py"], tmp_path / "out", scheduler="local:1", **OPTIONS)


@pytest.mark.parametrize("where", [["--jobs", "2"], ["--scheduler", "local:2"]], ids=["local", "local-cluster"])
def test_ctrl_c_in_a_terminal_stops_at_once_without_tracebacks(tmp_path, where):
    """Ctrl-C in a terminal signals the whole process group: grading processes, Dask workers."""
    subs = copies(tmp_path / "subs", EXAMPLES / "dave.py", [f"s{k}" for k in range(6)])  # each hangs 2 x --timeout
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "conformance.cli", "grade", *map(str, subs), "--out", str(out),
                             "--timeout", "10", *where], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 120
    while not (out / "summary.csv").is_file() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(2)  # grading: each submission is inside its first 10 s timeout
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)  # not the 20 s a submission takes
    assert proc.returncode == 130, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    assert stderr.strip().splitlines()[-1].startswith("grade: interrupted; every finished report is in")
    deadline = time.monotonic() + 10
    while template_orphans() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert template_orphans() == []


def test_a_worker_with_several_threads_grades_and_the_user_is_told(own_scheduler, tmp_path, capsys):
    _, address, add_worker = own_scheduler
    add_worker(threads=3)
    results = grade(copies(tmp_path / "subs", EXAMPLES / "bob.py", ["a", "b", "c"]), tmp_path / "out",
                    scheduler=address, **OPTIONS)
    assert [r.status for r in results] == ["graded"] * 3 and len({r.score for r in results}) == 1
    assert "has several threads, but a worker process grades one submission at a time: start workers with " \
           "--nthreads 1 --nworkers N" in capsys.readouterr().err
