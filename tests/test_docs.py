"""The docs against the code: every relative link in the README, docs/ and benchmarks/ resolves, every command-line
option a page names for a command exists in that command's parser (what its ``--help`` lists), and the prose holds
no dates, machine descriptions or history."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from drumgan.cli.commands import build_parser

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "benchmarks" / "README.md"]
TIMELESS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE = re.compile(r"```.*?```|`[^`\n]+`", re.S)
COMMAND = re.compile(r"(?:^|[\s`(])(?:drumgan\s+)?(prepare|train|generate|kit|evaluate|export|demo|roundtrip|bench)\b")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
HISTORY = re.compile(r"\b(20\d\d-\d\d-\d\d|2-core|session|previous|former)\b", re.I)


def options() -> dict[str, set[str]]:
    """Each command's option strings, as its parser (and so its ``--help``) has them."""
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    return {name: set(sub._option_string_actions) for name, sub in commands.items()}


def named_options(text: str) -> list[tuple[str, str]]:
    """``(command, option)`` for every option that follows a command's name within one code span or line of code."""
    found = []
    for span in CODE.findall(text):
        for line in span.strip("`").splitlines():
            matches = list(COMMAND.finditer(line))
            for k, match in enumerate(matches):  # an option belongs to the last command named before it
                end = matches[k + 1].start() if k + 1 < len(matches) else len(line)
                found += [(match.group(1), option) for option in OPTION.findall(line[match.end() : end])]
    return found


def anchors(page: Path) -> set[str]:
    """The anchors of a Markdown page's headings, as code hosts make them (lower case, punctuation dropped)."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    broken = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path) if path else page
        if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in anchors(linked)):
            broken.append(target)
    assert not broken, broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_option_a_page_names_exists_in_its_commands_help(page):
    known = options()
    unknown = sorted({f"{command} {option}" for command, option in named_options(page.read_text())
                      if option not in known[command]})  # fmt: skip
    assert not unknown, unknown


def test_the_option_check_sees_options_in_code_and_refuses_an_unknown_one():
    text = "Run `python -m drumgan kit --run R --name K` or `generate --like F -n 8`, then `train --made-up`.\n"
    text += "```bash\n.venv/bin/python -m drumgan evaluate --run runs/a --results r.json\n```\n"
    named = named_options(text)
    assert ("kit", "--name") in named and ("generate", "--like") in named and ("evaluate", "--results") in named
    known = options()
    assert [pair for pair in named if pair[1] not in known[pair[0]]] == [("train", "--made-up")]


@pytest.mark.parametrize("page", TIMELESS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_docs_state_what_holds_without_dates_machines_or_history(page):
    found = [f"{n}: {line.strip()[:100]}" for n, line in enumerate(page.read_text().splitlines(), 1)
             if HISTORY.search(line)]  # fmt: skip
    assert not found, "\n".join(found)
