"""Names made safe where vaultfu writes them into Markdown that Obsidian, the Tasks plugin and
Dataview read as markup (pure). Drafts keep the real names: they are a message, not markup.

The rules, each with where it comes from:

- Comments: `%%` opens or closes an Obsidian comment anywhere in a note, so one `%%` in a name
  hides everything after it (help.obsidian.md, "Basic formatting syntax", Comments). Written as
  `% %`.
- Links: `[[` opens and `]]` closes an internal link; inside one, `|` starts the shown text, `#` a
  heading and `^` a block (help.obsidian.md, "Internal links"). In text, `[[`/`]]` are written
  `[ [`/`] ]`. A heading that a `[[#…]]` link names has `#`, `|`, `^`, `[`, `]` and `:` as
  spaces (the link could not name them); a note whose name holds one of them, or `%%`, is linked
  with a Markdown link to its percent-encoded path, which Obsidian resolves the same way.
  In a draft, which keeps the real names, `%%` is written with a word joiner between the signs:
  it looks the same, and `vaultfu send` takes it out again.
- Tags: `#` then a non-space, at the start of a word, is a tag to Obsidian (help.obsidian.md,
  "Tags") and to the Tasks plugin (its `TaskRegularExpressions.hashTags`, `(^|\\s)#[^ …]+`),
  which would read it as the task's tag. Written `\\#`, which both show as `#`.
- Fields: `key:: value` on a line, or inside `[…]`/`(…)`, is a Dataview inline field (Dataview
  docs, "Adding metadata": inline fields). `::` is written with a word joiner (U+2060) between
  the colons, which no one sees. A Tasks field's sign (📅, 🆔, ⏫, …) next to the fields at the
  end of a line is read as a field by the plugin (its serializer takes fields from the end,
  again and again): a word joiner follows each, which its patterns do not take.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_TAG = re.compile(r"(^|\s)#(?=\S)")
_TASK_SIGN = re.compile("[🔺⏫🔼🔽⏬✅❌📅📆🗓⏳⌛🛫➕🔁🏁🆔⛔]\ufe0f?")
_HEADING_UNSAFE = re.compile(r"[#|^\[\]:]|%%")
_LINK_UNSAFE = re.compile(r"[#|^\[\]]|%%")
WORD_JOINER = "\u2060"


def text(words: str) -> str:
    """Words on a task line, in the agenda, or in a list item: nothing in them opens a comment,
    a link, a tag or a Dataview field."""
    words = words.replace("%%", "% %").replace("[[", "[ [").replace("]]", "] ]")
    if "#" in words:
        words = _TAG.sub(r"\1\\#", words)
    if not words.isascii():
        words = _TASK_SIGN.sub(lambda m: m.group(0) + WORD_JOINER, words)
    return words.replace("::", f":{WORD_JOINER}:")


def heading(words: str) -> str:
    """A heading that a `[[#…]]` link names: none of the characters a link cannot hold."""
    words = text(_HEADING_UNSAFE.sub(" ", words))
    return re.sub(r"[ \t]{2,}", " ", words).strip()


def note_link(name: str, path: str, shown: str | None = None) -> str:
    """A link to a note: `[[name]]`, or, when the name holds what a wikilink cannot, a Markdown
    link to its path (`[name](Interviews/…%23….md)`)."""
    if not _LINK_UNSAFE.search(name) and not (shown and _LINK_UNSAFE.search(shown)):
        return f"[[{name}|{shown}]]" if shown else f"[[{name}]]"
    label = text(shown or name).replace("[", "(").replace("]", ")")
    return f"[{label}]({quote(path, safe='/')})"


def draft(message: str) -> str:
    """A draft's text: the real names, but no `%%` that would open a comment (a word joiner
    between the two signs, which looks the same)."""
    return message.replace("%%", f"%{WORD_JOINER}%")


def undraft(message: str) -> str:
    """The text a draft's `draft` came from."""
    return message.replace(f"%{WORD_JOINER}%", "%%")
