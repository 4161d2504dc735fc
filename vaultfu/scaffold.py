"""Texts vaultfu creates for the user (pure): the commented settings file, the agenda note, an
interview-note template, a new interview note, Obsidian property types, and one-key edits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any

from .config import Config, MailSettings, Playbook
from .edits import BEGIN, END, lines_of, newline_of
from .model import Status
from .notes import BARE_LINK

TEMPLATE_NAME = "Interview.md"
PROPERTY_TYPES = {
    "date": "datetime",
    "decision_by": "date",
    "follow_up_on": "date",
    "status_date": "date",
    "offer_deadline": "date",
    "final_round": "checkbox",
    "no_calls": "checkbox",
    "connect": "checkbox",
    "keep_in_touch": "checkbox",
    "thank_you_note": "checkbox",
    "priority": "number",
    "interviewers": "multitext",
    "references": "multitext",
    "topics": "multitext",
}
HELP = {
    "agenda": "the agenda note, a path inside the vault",
    "type_key": "a note is an interview when its frontmatter says type: interview",
    "type_value": "",
    "today": "pins the day (demos, tests); --today wins over it",
    "user_name": "signs the drafts",
    "write_notes": "false: no tasks or drafts in the notes (ticks are still carried back)",
    "lead_days": "write a follow-up's task and draft this many days before it is due",
    "new_note": "where `vaultfu new` puts a note: {date} {company} {role} are filled in",
    "git_hooks": "run the repository's hooks on vaultfu's commits",
    "agenda_dates": "true: the agenda's lines carry 📅 too (Tasks queries then list them twice)",
    "mailer": 'what `vaultfu send` opens a draft with, e.g. "mutt -H {}"; empty: the system\'s',
    "timezone": 'your time zone for `vaultfu ics`, e.g. "Europe/Berlin"; empty: the system\'s',
    "remind_at": 'when a follow-up\'s calendar reminder rings on its day; "": none',
    "tasks_filter": "the Tasks plugin's global filter; unset: as the plugin's settings say",
    "me": "your addresses: mail from them is mail you sent",
    "password_command": 'prints the IMAP password, e.g. "pass show mail"; never stored',
    "every": "minutes between two reads by `vaultfu watch` (0: never)",
}


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    if value is None:
        return '""'
    return json.dumps(str(value), ensure_ascii=False)


def config_text() -> str:
    """`.vaultfu.toml` with every setting at its default, commented out."""
    lines = ["# vaultfu settings. Every line is a default: uncomment one to change it.", ""]
    for f in dataclasses.fields(Config):
        if f.name in ("playbook", "mail", "task_statuses"):  # (the plugin's, never set here)
            continue
        default = f.default if f.default is not dataclasses.MISSING else None
        shown = "2026-11-24" if f.name == "today" else _toml(default)
        note = HELP.get(f.name, "")
        lines.append(f"# {f.name} = {shown}" + (f"  # {note}" if note else ""))
    lines += ["", "[playbook]"]
    for f in dataclasses.fields(Playbook):
        lines.append(f"# {f.name} = {_toml(f.default)}")
    lines += ["", "[mail]  # `vaultfu mail` reads these, read-only: Maildir, mbox or IMAP"]
    for f in dataclasses.fields(MailSettings):
        note = HELP.get(f.name, "")
        lines.append(f"# {f.name} = {_toml(f.default)}" + (f"  # {note}" if note else ""))
    return "\n".join(lines) + "\n"


def agenda_text() -> str:
    return f"# Agenda\n\n{BEGIN}\n{END}\n"


def template_text() -> str:
    """An interview note for Obsidian's core Templates plugin ({{date}} and {{time}} filled)."""
    return """---
type: interview
company: ""
role: ""
round: ""
final_round: false
date: {{date:YYYY-MM-DD}}T{{time:HH:mm}}
interviewers: []
references: []
decision_by:
follow_up_on:
contact: email
no_calls: false
status: scheduled
status_date:
offer_deadline:
priority:
topics: []
connect: false
tags: [interview]
---
## Notes

"""


BASE_NAME = "Applications.base"


def base_text(type_key: str = "type", type_value: str = "interview") -> str:
    """`Applications.base`: every interview note in Obsidian's core Bases plugin, a table by
    status and cards, with how long ago the interview was and how far past `decision_by` they
    are. Only documented keys (filters, formulas, properties, views: type, name, groupBy,
    order) and functions (if, today, date, round) are used (obsidian-help, en/Bases)."""
    days = "86400000"  # a date minus a date is milliseconds
    key = json.dumps(f"{type_key} == {json.dumps(type_value)}")
    since = f'if(note.date, ((today() - note.date.date()) / {days}).round(), "")'
    past = (
        f"if(note.decision_by && today() > note.decision_by, "
        f'((today() - note.decision_by) / {days}).round(), "")'
    )
    return f"""# vaultfu: your applications, in Obsidian's core Bases plugin. Made by `vaultfu init`
# once; yours to change (vaultfu never writes it again).
filters:
  and:
    - {key}
formulas:
  days_since_interview: '{since}'
  days_past_decision_by: '{past}'
properties:
  company:
    displayName: Company
  role:
    displayName: Role
  status:
    displayName: Status
  date:
    displayName: Interview
  decision_by:
    displayName: Decision by
  formula.days_since_interview:
    displayName: Days since the interview
  formula.days_past_decision_by:
    displayName: Days past their date
views:
  - type: table
    name: Applications
    groupBy:
      property: note.status
      direction: ASC
    order:
      - file.name
      - note.company
      - note.role
      - note.status
      - note.date
      - note.decision_by
      - formula.days_since_interview
      - formula.days_past_decision_by
  - type: cards
    name: Pipeline
    groupBy:
      property: note.status
      direction: ASC
    order:
      - note.company
      - note.role
      - formula.days_since_interview
      - formula.days_past_decision_by
"""


def _q(value: str) -> str:
    """A YAML scalar that reads back as exactly this text."""
    return json.dumps(value, ensure_ascii=False)


def new_note_text(
    *,
    company: str,
    role: str,
    date: str,
    interviewers: list[str],
    round_: str | None,
    status: Status,
) -> str:
    lines = [
        "---",
        "type: interview",
        f"company: {_q(company)}",
        f"role: {_q(role)}",
    ]
    if round_:
        lines.append(f"round: {_q(round_)}")
    lines.append(f"date: {date}")
    if interviewers:
        lines.append("interviewers:")
        lines += [f"  - {_q(person)}" for person in interviewers]
    else:
        lines.append("interviewers: []")
    lines += [
        "references: []",
        "decision_by:",
        "contact: email",
        f"status: {status.value}",
        "tags: [interview]",
        "---",
        "## Notes",
        "",
    ]
    return "\n".join(lines) + "\n"


def note_name(pattern: str, *, company: str, role: str, day: dt.date) -> str:
    """The new note's path from the `new_note` pattern; characters a file name (or an Obsidian
    link) cannot hold become spaces."""

    def clean(text: str) -> str:
        text = re.sub(r"[\\/:*?\"<>|#^\[\]]+|%%+", " ", text)  # and `%%`, a comment
        return re.sub(r"\s+", " ", text).strip()

    return pattern.format(date=day.isoformat(), company=clean(company), role=clean(role))


def merged_types(existing: str | None) -> str | None:
    """Obsidian's `.obsidian/types.json` with vaultfu's property types added (never changing
    one the user set); None when nothing needs adding. Raises ValueError on a file that is not
    the JSON Obsidian writes."""
    data: dict[str, Any] = json.loads(existing) if existing and existing.strip() else {}
    if not isinstance(data, dict) or not isinstance(data.setdefault("types", {}), dict):
        raise ValueError("is not the JSON Obsidian writes")
    types = data["types"]
    missing = {k: v for k, v in PROPERTY_TYPES.items() if k not in types}
    if not missing:
        return None
    types.update(missing)
    return json.dumps(data, indent=2, ensure_ascii=False)


_SIMPLE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>[^\r\n]*?)[ \t]*$")


def yaml_value(value: str) -> str:
    """A value for `vaultfu set`, as YAML: written as typed when YAML reads it back as what was
    typed (text, a whole number, a date, true or false, a list, or nothing to clear it), else
    quoted: `a # b` stays `a # b` (unquoted, `# b` is a comment), `Acme: Corp` parses, `yes`
    stays text (as Obsidian reads it; PyYAML would make it true) and `[[Acme Corp]]` a link
    (unquoted, a list in a list). A value typed with its own quotes is taken as written."""
    import yaml

    typed = value.strip()
    try:
        found = yaml.safe_load(f"v: {typed}")
    except yaml.YAMLError:
        return _q(typed)
    got = found.get("v", ...) if isinstance(found, dict) and len(found) == 1 else ...
    if isinstance(got, str):
        plain = got == typed or typed[:1] in ("'", '"')
    elif isinstance(got, bool):
        plain = typed.lower() in ("true", "false")
    elif isinstance(got, int):
        plain = str(got) == typed
    elif got is None:
        plain = typed in ("", "~", "null", "Null", "NULL")
    else:  # a number with a point, a date, a list, a map
        plain = got is not ... and not BARE_LINK.fullmatch(typed)
    return typed if plain else _q(typed)


def set_key(text: str, body_offset: int, key: str, value: str) -> str:
    """Set one frontmatter key: its line alone changes (or one line is added at the end of
    the frontmatter). `text` has no BOM; `body_offset` ends the closing `---` line. `value`
    is YAML (see `yaml_value`)."""
    nl = newline_of(text)
    head, body = text[:body_offset], text[body_offset:]
    lines = lines_of(head)  # as Markdown counts lines: not at a U+2028 or a form feed
    # lines[0] is the opening ---, lines[-1] the closing one
    for index in range(1, len(lines) - 1):
        found = _SIMPLE.match(lines[index].rstrip("\r\n"))
        if found and found.group("key") == key:
            following = lines[index + 1] if index + 1 < len(lines) - 1 else ""
            old = found.group("value")
            if old in ("", "|", ">") and following[:1] in (" ", "\t", "-"):
                raise ValueError(f"'{key}' spans several lines; change it in the note")
            ending = lines[index][len(lines[index].rstrip("\r\n")) :]
            lines[index] = f"{key}: {value}{ending}"
            return "".join(lines) + body
    lines.insert(len(lines) - 1, f"{key}: {value}{nl}")
    return "".join(lines) + body
