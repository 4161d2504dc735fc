"""Text + wanted change → new text (pure, byte-preserving).

Every function here returns the old text with insertions, or with the checkbox and date of a task
line vaultfu wrote flipped; nothing else of the user's text is ever changed. Text arrives without
its BOM (the disk layer keeps that); the note's own line ending is used for every inserted line.
"""

from __future__ import annotations

import re

BEGIN = "%% vaultfu:begin %%"
END = "%% vaultfu:end %%"


class RegionError(ValueError):
    """The agenda note's markers are damaged; vaultfu will not guess where its region ends."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def newline_of(text: str) -> str:
    """The note's line ending: the first one it uses, else `\\n`."""
    found = re.search(r"\r\n|\n|\r", text)
    return found.group(0) if found else "\n"


def _marker_lines(text: str, marker: str) -> list[re.Match[str]]:
    return list(re.finditer(rf"^[ \t]*{re.escape(marker)}[ \t]*(?:\r\n|\n|\r|\Z)", text, re.M))


def replace_region(text: str, region: str) -> str:
    """Put `region` (lines joined by `\\n`, markers excluded) between the agenda's markers.

    Creates the markers at the end of the note when it has none; keeps every byte outside them.
    """
    nl = newline_of(text)
    body = nl.join([BEGIN, *region.split("\n"), END])
    begins, ends = _marker_lines(text, BEGIN), _marker_lines(text, END)
    if not begins and not ends:
        if not text:
            return body + nl
        sep = "" if text.endswith(("\n", "\r")) else nl
        return text + sep + nl + body + nl
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end():
        first = (begins or ends)[0]
        line = text.count("\n", 0, first.start()) + 1
        raise RegionError(
            line,
            f"its vaultfu markers are damaged ({len(begins)} begin, {len(ends)} end); "
            f"leave exactly one '{BEGIN}' line and one '{END}' line after it",
        )
    end = ends[0]
    tail = end.group(0)[len(end.group(0).rstrip("\r\n")) :]
    return text[: begins[0].start()] + body + tail + text[end.end() :]


def region_of(text: str) -> str | None:
    """The text between the markers, or None when there is no well-formed region."""
    begins, ends = _marker_lines(text, BEGIN), _marker_lines(text, END)
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end():
        return None
    return text[begins[0].end() : ends[0].start()]
