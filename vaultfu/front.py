"""Find and load a note's YAML frontmatter: exact byte offsets, YAML 1.2 core, no anchors (pure)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import msgspec

from .errors import NoteError

BOM = "\ufeff"
BOM_BYTES = BOM.encode("utf-8")

# ---------------------------------------------------------------------------------------------
# YAML 1.2 core, as Obsidian reads it, on PyYAML's C parser (imported on the first note that has
# frontmatter to read: a warm run from the cache needs none).


@lru_cache(maxsize=1)
def _yaml12() -> type[Any]:
    """The loader class."""
    import yaml

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
    return Yaml12Loader


@lru_cache(maxsize=1)
def _handler() -> Any:
    """python-frontmatter's YAML handler, for what is not plain (imported only then)."""
    from frontmatter.default_handlers import YAMLHandler

    return YAMLHandler()


def __getattr__(name: str) -> Any:
    if name == "Yaml12Loader":
        return _yaml12()
    raise AttributeError(name)


# ---------------------------------------------------------------------------------------------
# Frontmatter: located by hand so every byte offset is exact, parsed by python-frontmatter's
# YAML handler with the loader above.

_OPEN = re.compile(r"---[ \t]*(?:\r\n|\n|\r)")
# the line break before the closing line, then the line (a leading class, not a lookbehind: the
# regex engine skips to each line break instead of trying every position)
_CLOSE = re.compile(r"[\r\n](?:---|\.\.\.)[ \t]*(?:\r\n|\n|\r(?!\n)|\Z)")
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[\{,:-])[&*]\S", re.MULTILINE)


class Block(msgspec.Struct, frozen=True):
    """Where the frontmatter sits in the text (BOM removed)."""

    yaml: str  # the YAML between the two `---` lines
    first_line: int  # the file line of the YAML's first line (2 when the note starts with ---)
    body_offset: int  # index in the text where the body starts (after the closing line)
    body_line: int  # the file line the body starts on


def count_breaks(text: str, end: int, start: int = 0) -> int:
    """Line breaks (`\\r\\n`, `\\n` or `\\r`, as Markdown counts them) in text[start:end]."""
    found = text.count("\n", start, end)
    returns = text.count("\r", start, end)  # most notes have none: no count of `\r\n` then
    return found + returns - text.count("\r\n", start, end) if returns else found


def decode(data: bytes, path: str) -> str:
    """Bytes to text, dropping a UTF-8 BOM. Not UTF-8: a NoteError naming the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NoteError(path, line, "is not UTF-8 text; vaultfu leaves it alone") from None
    return text[1:] if text.startswith(BOM) else text


def checked(data: bytes, path: str) -> bytes:
    """UTF-8 bytes checked as `decode` checks them, without the BOM, for a large note vaultfu
    splices as bytes (the agenda): read a megabyte at a time, it is never one long string."""
    import codecs

    step = 1 << 20
    reader = codecs.getincrementaldecoder("utf-8")()
    try:
        for at in range(0, len(data), step):
            reader.decode(data[at : at + step])
        reader.decode(b"", final=True)
    except UnicodeDecodeError:
        decode(data, path)  # raises the NoteError that names the line
    return data[3:] if data.startswith(BOM_BYTES) else data


def find_frontmatter(text: str) -> Block | None:
    """The frontmatter block, as Obsidian finds it: `---` on the very first line, closed by
    `---` (or `...`) on a line of its own. Anything else has no frontmatter."""
    opening = _OPEN.match(text)
    if not opening:
        return None
    close = _CLOSE.search(text, opening.end() - 1)  # (the opening's own break may precede it)
    if not close:
        return None
    yaml_text = text[opening.end() : close.start() + 1]
    return Block(
        yaml=yaml_text,
        first_line=2,
        body_offset=close.end(),
        body_line=count_breaks(text, close.end()) + 1,
    )


def _refuse_anchors(block: Block, path: str) -> None:
    """Anchors and aliases (`&a`, `*a`) are refused, read as parser events only, so that an
    alias bomb is never expanded. Obsidian's properties never use them."""
    if ("&" not in block.yaml and "*" not in block.yaml) or not _ANCHOR_OR_ALIAS.search(block.yaml):
        return  # (the substring tests first: the regex tries every position)
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


class _NotPlain(Exception):
    pass


def _plain_value(event: Any, events: Any, table: dict[Any, Any]) -> Any:
    """The value of the node `event` opens (the events after it taken from `events`), built as
    the loader's composer and constructor build it, for the values properties hold: text,
    null, true/false, whole numbers, lists and maps of them."""
    kind = type(event)
    if kind is _SCALAR:
        return _plain_scalar(event, table)
    if event.anchor is not None or getattr(event, "tag", None) not in (None, "!"):
        raise _NotPlain  # an alias, an anchor or an explicit tag
    if kind is _SEQUENCE:
        items = []
        while (item := events()).__class__ is not _SEQUENCE_END:
            scalar = item.__class__ is _SCALAR
            items.append(
                _plain_scalar(item, table) if scalar else _plain_value(item, events, table)
            )
        return items
    if kind is _MAPPING:
        found: dict[str, tuple[Any, Any]] = {}
        while (key := events()).__class__ is not _MAPPING_END:
            if key.__class__ is not _SCALAR or key.value in found:
                raise _NotPlain  # a key that is no scalar, or a duplicate: the loader says why
            name = _plain_scalar(key, table)
            item = events()
            scalar = item.__class__ is _SCALAR
            value = _plain_scalar(item, table) if scalar else _plain_value(item, events, table)
            found[key.value] = (name, value)
        return dict(found.values())
    raise _NotPlain


_RESOLVED: dict[str, Any] = {}  # a plain scalar's text → its value, as vaultfu's loader has it
_UNSEEN = object()


def _plain_scalar(event: Any, table: dict[Any, Any]) -> Any:
    if event.anchor is not None or event.tag not in (None, "!"):
        raise _NotPlain  # an anchor or an explicit tag (`!!binary`, `!foo`): the loader
    text = event.value
    if not event.implicit[0]:  # quoted (or `! "x"`): text; a plain `! x` is resolved
        return text
    value = _RESOLVED.get(text, _UNSEEN)
    if value is _UNSEEN:
        value = _resolve(text, table)
        if len(_RESOLVED) >= 20_000:
            _RESOLVED.clear()
        _RESOLVED[text] = value
    return value


def _resolve(text: str, table: dict[Any, Any]) -> Any:
    """A plain scalar's value: the tag the loader's resolver gives it is that of the first of
    its patterns for the scalar's first character that matches, else text."""
    for resolved, pattern in table.get(text[:1], ()):  # noqa: B007 (used after the loop)
        if pattern.match(text):
            break
    else:
        return text
    if resolved == _NULL:
        return None
    if resolved == _BOOL:
        return text.lower() == "true"
    if resolved == _INT and _DECIMAL.fullmatch(text):
        return int(text)
    raise _NotPlain  # a float, `0x1F`, `0o17`: the loader


# PyYAML's event types, set when YAML is first read (PyYAML is imported only then)
_SCALAR: type[Any] = type(None)
_SEQUENCE: type[Any] = type(None)
_SEQUENCE_END: type[Any] = type(None)
_MAPPING: type[Any] = type(None)
_MAPPING_END: type[Any] = type(None)
_STREAM_END: type[Any] = type(None)


def _take_events() -> None:
    global _SCALAR, _SEQUENCE, _SEQUENCE_END, _MAPPING, _MAPPING_END, _STREAM_END
    from yaml import events

    _SCALAR, _SEQUENCE, _SEQUENCE_END = (
        events.ScalarEvent,
        events.SequenceStartEvent,
        events.SequenceEndEvent,
    )
    _MAPPING, _MAPPING_END = events.MappingStartEvent, events.MappingEndEvent
    _STREAM_END = events.StreamEndEvent


_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")


def _plain_load(text: str, loader: type[Any]) -> Any:
    """The frontmatter's value from the events of PyYAML's C parser, turned into values here:
    the loader's composer and constructor cost as much again as the parser. Anything but plain
    values gives _NOT_PLAIN, and the whole loader reads it (a property test holds the two
    equal). Parse errors are the parser's own, raised where the loader meets them too."""
    from yaml._yaml import CParser

    if _STREAM_END is type(None):
        _take_events()
    events = CParser(text).get_event
    events()  # the stream's start
    if type(events()) is _STREAM_END:  # no document
        return None
    table = loader.yaml_implicit_resolvers
    if None in table or loader is not _yaml12():
        return _NOT_PLAIN  # resolved (and remembered in `_RESOLVED`) as vaultfu's loader only
    try:
        value = _plain_value(events(), events, table)
    except (_NotPlain, RecursionError):
        return _NOT_PLAIN
    events()  # the document's end
    if type(events()) is not _STREAM_END:
        return _NOT_PLAIN  # another document: the loader says why
    return value


_PLACEHOLDER = re.compile(r"\{\{[^{}\n]*\}\}")  # a placeholder of Obsidian's Templates: {{date}}


def load_frontmatter(block: Block, path: str) -> dict[str, Any] | None:
    """The frontmatter's mapping, or None when it holds none (a `---` rule with prose, or
    nothing). A list where properties belong is an error."""
    import yaml

    loader = _yaml12()
    try:
        _refuse_anchors(block, path)
        data = _plain_load(block.yaml, loader)
        if data is _NOT_PLAIN:
            data = _handler().load(block.yaml, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = block.first_line + mark.line if mark else None
        problem = exc.problem or exc.context or "is not valid YAML"
        if mark and (found := _PLACEHOLDER.search(block.yaml.split("\n")[mark.line])):
            problem = (
                f"{found.group(0)} is a template's placeholder, not filled in: make the note "
                "with Obsidian's Templates (Insert template) or `vaultfu new`, or write the value"
            )
            raise NoteError(path, line, problem) from None
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
