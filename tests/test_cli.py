"""The command line as a newcomer first meets it: its help."""

from __future__ import annotations

import argparse

import pytest

from conformance.cli import build_parser, main


def _subcommands() -> list[str]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(action.choices)


@pytest.mark.parametrize("argv", [[], *([name] for name in _subcommands())], ids=lambda a: " ".join(a) or "main")
def test_help_is_plain_text(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: rnn-conformance")
    assert "`" not in text and ":func:" not in text and ":class:" not in text, text  # no reST markup


def test_grade_help_names_every_kind_of_submission(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["grade", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "a .py file, a notebook (.ipynb) or a folder" in text


def test_grade_lists_every_submission_that_is_not_there_and_writes_nothing(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "alice.py").write_text("def softmax(x):\n    return x\n")
    code = main(["grade", "typo/*", "alice.py", "bob.py", "--out", "g"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err == ("grade: no such submissions (2 of 3): typo/* (a pattern that matched nothing: the "
                            "shell passes it on unexpanded), bob.py; nothing was graded\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice.py"]  # no --out folder


def test_version_is_the_installed_packages(capsys) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"rnn-conformance {version('rnn-conformance')}\n"


def test_resume_refusal_names_an_option_that_was_not_given(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()  # nothing to run: the marker of the run is what matters
    assert main(["grade", "empty", "--out", "g", "--suite", "dlai", "--random-cases", "0", "--in-process"]) == 0
    capsys.readouterr()
    assert main(["grade", "empty", "--out", "g", "--random-cases", "0", "--in-process", "--resume"]) == 2
    err = capsys.readouterr().err
    assert "(--suite 'dlai' then, no --suite now)" in err and "None" not in err, err


def test_an_out_folder_that_cannot_be_created_is_one_line(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "alice.py").write_text("def softmax(x):\n    return x\n")
    assert main(["grade", "alice.py", "--out", "alice.py/g", "--in-process", "--random-cases", "0"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "grade: --out alice.py/g cannot be created: Not a directory\n" and captured.out == ""


@pytest.mark.parametrize("command", ["list", "regen"])
def test_a_function_no_suite_has_is_one_line(command: str, capsys) -> None:
    assert main([command, "--suite", "dlai", "--function", "rnn_foward"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"{command}: no function named 'rnn_foward' in suite dlai (did you mean rnn_forward?)\n"
    assert captured.out == ""


def test_output_cut_short_by_a_closed_pipe_ends_quietly() -> None:
    """`rnn-conformance list | head -1`: the reader has gone; no BrokenPipeError traceback."""
    import os
    import subprocess
    import sys
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    lister = subprocess.run([sys.executable, "-m", "conformance.cli", "list"], stdout=write_end,
                            stderr=subprocess.PIPE, text=True, check=False)
    os.close(write_end)
    assert lister.stderr == "", lister.stderr
