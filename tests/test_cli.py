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
