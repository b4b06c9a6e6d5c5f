"""The docs show what the program prints: each `<!-- example: COMMAND -->` block in README.md
and docs/*.md is COMMAND's output in the docs fixture (tests/docs_examples.py; `make docs`
rewrites them), and every `python -m publish` command is in docs/publisher.md with a --help
that explains it."""

from __future__ import annotations

import re

import pytest

from publish.cli import COMMANDS, build_parser, main
from tests.docs_examples import REPO, all_examples, examples, fixture, rewrite

EXAMPLES = all_examples()


@pytest.fixture(scope="module")
def docs_fixture():
    with fixture() as fix:
        yield fix


def test_the_docs_have_examples_made_by_the_program():
    docs = {e.doc for e in EXAMPLES}
    assert {"README.md", "docs/publisher.md", "docs/report.md"} <= docs
    assert any(e.command.startswith("python -m publish plan ") for e in EXAMPLES
               if e.doc == "README.md")


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.doc}:{e.command[:60]}")
def test_each_example_is_what_its_command_prints(docs_fixture, example):
    assert docs_fixture.run(example.command) == example.body, (
        f"{example.doc}: the block after `<!-- example: {example.command} -->` is not what "
        "the command prints: run `make docs` and check the diff")


def test_rewrite_replaces_only_the_blocks():
    text = ("intro\n<!-- example: echo hi -->\n```\nold\nlines\n```\nmiddle\n"
            "<!-- example: echo two -->\n```json\n{}\n```\nend\n")
    found = examples("x.md", text)
    assert [(e.command, e.body) for e in found] == [("echo hi", "old\nlines"),
                                                    ("echo two", "{}")]
    new = rewrite(text, "x.md", {"echo hi": "hi", "echo two": "two"})
    assert new == ("intro\n<!-- example: echo hi -->\n```\nhi\n```\nmiddle\n"
                   "<!-- example: echo two -->\n```json\ntwo\n```\nend\n")


def helps() -> dict[str, str]:
    """Each subcommand's --help, as the parser has it."""
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return {name: sub.format_help() for name, sub in action.choices.items()}


def test_the_parser_has_exactly_the_commands_of_cli_COMMANDS():
    """COMMANDS is the one list: a command module must be in it to be reachable, and every
    one in it is a subcommand with its own name."""
    names = [command.NAME for command in COMMANDS]
    assert len(set(names)) == len(names), f"two commands share a NAME: {names}"
    assert list(helps()) == names


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command.NAME)
def test_every_command_is_documented_and_its_help_explains_it(command, capsys):
    """As sqlite-utils does: a command nobody can find in the docs, or whose --help is only
    a usage line, is a bug. Iterates cli.COMMANDS, so a new command cannot be missed."""
    name = command.NAME
    docs = (REPO / "docs/publisher.md").read_text(encoding="utf-8")
    assert re.search(rf"^\| `{name}\b", docs, re.MULTILINE), \
        f"{name}: not in the table of commands in docs/publisher.md"
    assert len(command.DESCRIPTION.split()) >= 5, f"{name}: DESCRIPTION says too little"
    assert "example" in command.EXAMPLES, f"{name}: EXAMPLES shows no example"
    capsys.readouterr()
    assert main([name, "--help"]) == 0          # argparse prints --help on sys.stdout
    text = capsys.readouterr().out
    description = text.split("\n\n")[1]
    assert len(description.split()) >= 5, f"{name}: --help has no description"
    assert "example" in text, f"{name}: --help shows no example"
