"""Find and load a note's YAML frontmatter: exact byte offsets, YAML 1.2 core, no anchors (pure)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import msgspec

from .errors import NoteError

BOM = "\ufeff"

# ---------------------------------------------------------------------------------------------
# YAML 1.2 core, as Obsidian reads it, on PyYAML's C parser (imported on the first note that has
# frontmatter to read: a warm run from the cache needs none).


@lru_cache(maxsize=1)
def _yaml12() -> tuple[type[Any], Any]:
    """The loader class, and python-frontmatter's YAML handler."""
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    class Yaml12Loader(yaml.CSafeLoader):
        """CSafeLoader with YAML 1.2 core implicit types.

        `yes`, `no`, `on`, `off` stay strings; `12:30` (YAML 1.1 base 60) and `01234` (YAML 1.1
        octal) stay strings; dates stay strings, so vaultfu validates them itself and can say
        which line is wrong. Duplicate keys are refused, naming the line.
        """

        yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012  (a fresh table, below)

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            if isinstance(node, yaml.MappingNode):
                seen: set[Any] = set()
                for key_node, _ in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        if key_node.value in seen:
                            raise yaml.constructor.ConstructorError(
                                None,
                                None,
                                f"duplicate key '{key_node.value}'",
                                key_node.start_mark,
                            )
                        seen.add(key_node.value)
            return super().construct_mapping(node, deep=deep)

    def construct_int(loader: yaml.SafeLoader, node: Any) -> int:
        return int(str(loader.construct_scalar(node)).replace("_", ""), 0)

    Yaml12Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    Yaml12Loader.add_implicit_resolver(
        "tag:yaml.org,2002:int",
        re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"),
    )
    Yaml12Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+.0123456789"),
    )
    Yaml12Loader.add_implicit_resolver(
        "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
    )
    Yaml12Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    return Yaml12Loader, YAMLHandler()


def __getattr__(name: str) -> Any:
    if name == "Yaml12Loader":
        return _yaml12()[0]
    raise AttributeError(name)


# ---------------------------------------------------------------------------------------------
# Frontmatter: located by hand so every byte offset is exact, parsed by python-frontmatter's
# YAML handler with the loader above.

_OPEN = re.compile(r"---[ \t]*(?:\r\n|\n|\r)")
_CLOSE = re.compile(r"(?<=[\r\n])(?:---|\.\.\.)[ \t]*(?:\r\n|\n|\r(?!\n)|\Z)")
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[\{,:-])[&*]\S", re.MULTILINE)


class Block(msgspec.Struct, frozen=True):
    """Where the frontmatter sits in the text (BOM removed)."""

    yaml: str  # the YAML between the two `---` lines
    first_line: int  # the file line of the YAML's first line (2 when the note starts with ---)
    body_offset: int  # index in the text where the body starts (after the closing line)
    body_line: int  # the file line the body starts on


def count_breaks(text: str, end: int, start: int = 0) -> int:
    """Line breaks (`\\r\\n`, `\\n` or `\\r`, as Markdown counts them) in text[start:end]."""
    crlf = text.count("\r\n", start, end)
    return text.count("\n", start, end) + text.count("\r", start, end) - crlf


def decode(data: bytes, path: str) -> str:
    """Bytes to text, dropping a UTF-8 BOM. Not UTF-8: a NoteError naming the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NoteError(path, line, "is not UTF-8 text; vaultfu leaves it alone") from None
    return text[1:] if text.startswith(BOM) else text


def find_frontmatter(text: str) -> Block | None:
    """The frontmatter block, as Obsidian finds it: `---` on the very first line, closed by
    `---` (or `...`) on a line of its own. Anything else has no frontmatter."""
    opening = _OPEN.match(text)
    if not opening:
        return None
    close = _CLOSE.search(text, opening.end())
    if not close:
        return None
    yaml_text = text[opening.end() : close.start()]
    return Block(
        yaml=yaml_text,
        first_line=2,
        body_offset=close.end(),
        body_line=count_breaks(text, close.end()) + 1,
    )


def _refuse_anchors(block: Block, path: str) -> None:
    """Anchors and aliases (`&a`, `*a`) are refused, read as parser events only, so that an
    alias bomb is never expanded. Obsidian's properties never use them."""
    if not _ANCHOR_OR_ALIAS.search(block.yaml):
        return
    import yaml

    for event in yaml.parse(block.yaml, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            line = block.first_line + mark.line if mark else None
            raise NoteError(
                path,
                line,
                "frontmatter uses YAML anchors or aliases (&…, *…); write the values out",
            )


_TAGGED = re.compile(r"(?:^|[\s\[\{,:-])!", re.MULTILINE)
_NOT_PLAIN = object()
_STR, _NULL, _BOOL, _INT = (f"tag:yaml.org,2002:{t}" for t in ("str", "null", "bool", "int"))
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _NotPlain(Exception):
    pass


def _plain_value(node: Any) -> Any:
    """A composed node's value, built as the loader's constructor builds it, for the values
    properties hold: text, null, true/false, whole numbers, lists and maps of them."""
    tag, kind = node.tag, node.id  # id: "scalar", "sequence" or "mapping"
    if kind == "scalar":
        if tag == _STR:
            return node.value
        if tag == _NULL:
            return None
        if tag == _BOOL and node.value.lower() in ("true", "false"):
            return node.value.lower() == "true"
        if tag == _INT and _DECIMAL.fullmatch(node.value):
            return int(node.value)
    elif tag == _SEQ and kind == "sequence":
        return [_plain_value(item) for item in node.value]
    elif tag == _MAP and kind == "mapping":
        found = {}
        for key, value in node.value:
            if key.id != "scalar" or key.value in found:
                raise _NotPlain  # a key that is no scalar, or a duplicate: the loader says why
            found[key.value] = (_plain_value(key), _plain_value(value))
        return dict(found.values())
    raise _NotPlain  # anything else (a float, `0x1F`, `!!binary`, `!!merge`, `!foo`): the loader


_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")


def _plain_load(text: str, loader: type[Any]) -> Any:
    """The frontmatter's value from PyYAML's C composer, its nodes turned into values here:
    the loader's Python constructor costs as much again as the C parser. Anything but plain
    values gives _NOT_PLAIN, and the whole loader reads it (a property test holds the two equal)."""
    parser = loader(text)
    try:
        node = parser.get_single_node()
    finally:
        parser.dispose()
    if node is None:
        return None
    try:
        return _plain_value(node)
    except (_NotPlain, RecursionError):
        return _NOT_PLAIN


def load_frontmatter(block: Block, path: str) -> dict[str, Any] | None:
    """The frontmatter's mapping, or None when it holds none (a `---` rule with prose, or
    nothing). A list where properties belong is an error."""
    import yaml

    loader, handler = _yaml12()
    try:
        _refuse_anchors(block, path)
        data = _plain_load(block.yaml, loader)
        if data is _NOT_PLAIN:
            data = handler.load(block.yaml, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = block.first_line + mark.line if mark else None
        problem = exc.problem or exc.context or "is not valid YAML"
        raise NoteError(path, line, f"frontmatter is not valid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        line = block.first_line + count_breaks(block.yaml, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"frontmatter holds a character YAML does not allow (U+{code:04X})"
        raise NoteError(path, line, message) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "is not valid YAML"
        raise NoteError(path, None, f"frontmatter is not valid YAML: {first}") from None
    except (ValueError, KeyError, TypeError, OverflowError):  # `!!int x`, `!!bool maybe`, …
        tagged = _TAGGED.search(block.yaml)
        line = block.first_line + (count_breaks(block.yaml, tagged.start()) if tagged else 0)
        message = "frontmatter has a value its `!!` tag cannot hold; remove the tag"
        raise NoteError(path, line, message) from None
    if isinstance(data, list):
        raise NoteError(
            path, block.first_line, "frontmatter is a list; properties are written `key: value`"
        )
    return data if isinstance(data, dict) else None


def key_line(block: Block, key: str) -> int | None:
    """The file line of a top-level key, for messages."""
    pattern = re.compile(rf"^['\"]?{re.escape(key)}['\"]?[ \t]*:", re.MULTILINE)
    found = pattern.search(block.yaml)
    if not found:
        return None
    return block.first_line + count_breaks(block.yaml, found.start())


def might_be(text: str, word: str) -> bool:
    """Cheap pre-filter: can this note's frontmatter say `word` at all? Skips the YAML parse of
    the thousands of ordinary notes in a vault."""
    if not text.startswith("---"):
        return False
    end = text.find("\n---", 3)
    head = text[: end if end != -1 else len(text)]
    return word.casefold() in head.casefold()


# ---------------------------------------------------------------------------------------------
# Markdown structure: tasks and headings, found with markdown-it-py so that code blocks are code.
