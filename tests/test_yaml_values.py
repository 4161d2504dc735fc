"""Frontmatter values built from PyYAML's composed nodes (the fast path) are exactly what the
whole loader builds, and anything the fast path does not build goes to the loader."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vaultfu.errors import NoteError
from vaultfu.front import _NOT_PLAIN, Block, Yaml12Loader, _plain_load, load_frontmatter

FRAGMENTS = st.sampled_from(
    [
        "key: ",
        "other: ",
        "- ",
        "  ",
        "    ",
        "\n",
        "\r\n",
        "[",
        "]",
        "{",
        "}",
        ", ",
        ": ",
        "yes",
        "no",
        "on",
        "True",
        "false",
        "FALSE",
        "~",
        "null",
        "Null",
        "",
        "0",
        "012",
        "0o17",
        "0x1F",
        "1_000",
        "-5",
        "+3",
        "1.5",
        ".inf",
        "-.INF",
        ".nan",
        "1e3",
        "12:30",
        "2026-11-20",
        "2026-11-20T14:00",
        '"quoted"',
        "'single'",
        '"a\\tb"',
        "#c",
        " # c",
        "|",
        ">",
        "!!str ",
        "!!int ",
        "!!binary ",
        "!!set ",
        "!foo ",
        "! ",  # the non-specific tag: resolved as if untagged when plain (`! 5` is 5)
        "<<: ",
        "? ",
        "&a ",
        "*a",
        "[[Jane Doe]]",
        "Jane <jane@x.com>",
        "é",
        "\t",
        "key",
        "1: ",
        "true: ",
        "~: ",
    ]
)
SCALARS = st.one_of(
    st.text(max_size=12), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def whole(text: str) -> tuple[str, Any]:
    """What the loader makes of the text: ("ok", value) or ("error", its type)."""
    try:
        return "ok", yaml.load(text, Loader=Yaml12Loader)
    except (yaml.YAMLError, RecursionError, ValueError, KeyError, TypeError) as exc:
        return "error", type(exc)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def check(text: str) -> None:
    kind, expected = whole(text)
    try:
        fast = _plain_load(text, Yaml12Loader)
    except yaml.YAMLError as exc:  # from the C parser, which both share
        assert kind == "error" and type(exc) is expected, (text, expected, exc)
        return
    if fast is _NOT_PLAIN:
        return  # the loader reads it: the same answer by construction
    assert kind == "ok", (text, expected)
    assert same(fast, expected), (text, fast, expected)


@settings(max_examples=4000, deadline=None)
@given(st.lists(FRAGMENTS, max_size=16))
@example(["key: ", "1", "\n", "key: ", "2"])  # a duplicate key: the loader refuses it
@example(["1: ", "a", "\n", '"1": ', "b"])
@example(["true: ", "a", "\n", "True: ", "b"])
@example(["<<: ", "{", "key: ", "1", "}"])
@example(["key: ", "! ", "5"])
def test_fast_values_equal_the_loaders_on_yaml_soup(parts: list[str]) -> None:
    check("".join(parts))


@settings(max_examples=1500, deadline=None)
@given(VALUES, st.booleans())
def test_fast_values_equal_the_loaders_on_dumped_values(value: Any, flow: bool) -> None:
    check(yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True))


def test_a_duplicate_key_is_still_refused_with_its_line() -> None:
    text = "company: Acme\nrole: SRE\ncompany: Globex\n"
    with pytest.raises(NoteError) as refused:
        load_frontmatter(Block(text, 2, 0, 5), "n.md")
    assert refused.value.line == 4 and "duplicate key 'company'" in refused.value.message


def test_plain_frontmatter_takes_the_fast_path_and_the_rest_the_loader() -> None:
    plain = "type: interview\ncompany: '[[Acme]]'\npriority: 2\nfinal_round: true\ntags: [a, b]\n"
    assert _plain_load(plain, Yaml12Loader) == {
        "type": "interview",
        "company": "[[Acme]]",
        "priority": 2,
        "final_round": True,
        "tags": ["a", "b"],
    }
    assert _plain_load("salary: 1.5\n", Yaml12Loader) is _NOT_PLAIN
    assert _plain_load("photo: !!binary aGk=\n", Yaml12Loader) is _NOT_PLAIN
    block = "salary: 1.5\nphoto: !!binary aGk=\n"
    assert load_frontmatter(Block(block, 2, 0, 4), "n.md") == {"salary": 1.5, "photo": b"hi"}


def test_a_value_its_tag_cannot_hold_is_one_problem_line_not_a_traceback(tmp_path: Path) -> None:
    """`!!int` with no number, `!!bool maybe`: the loader raises ValueError and KeyError, which
    were not YAML errors and ended the run with a traceback."""
    from vaultfu.engine import run

    (tmp_path / ".vaultfu.toml").write_text("")
    head = "---\ntype: interview\ncompany: Acme\nrole: SRE\ndate: 2026-11-20\n"
    notes = tmp_path / "Interviews"
    notes.mkdir()
    (notes / "a.md").write_text(head + "priority: !!int\n---\n")
    (notes / "b.md").write_text(head + "status: waiting\nfinal_round: !!bool maybe\n---\n")
    (notes / "c.md").write_text(head.replace("Acme", "Globex") + "status: waiting\n---\n")
    result = run(tmp_path, today=dt.date(2026, 11, 22), clock=dt.date(2026, 11, 22), write=False)
    lines = {(p.path, p.line) for p in result.agenda.problems if "tag cannot hold" in p.message}
    assert lines == {("Interviews/a.md", 6), ("Interviews/b.md", 7)}
    assert {a.company for a in result.agenda.actions} == {"Globex"}
