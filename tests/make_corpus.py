"""Writes tests/corpus/: malformed and hostile interview notes, each of which vaultfu must list
under Problems and leave byte for byte as it is. Run it again after adding a case:
`python tests/make_corpus.py`."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent / "corpus"
GOOD = {
    "type": "interview",
    "company": "Acme Corp",
    "role": "Engineer",
    "date": "2026-11-20T14:00",
    "status": "waiting",
}


def front(**changes: str | None) -> str:
    fields = {**GOOD, **changes}
    return "".join(f"{k}: {v}\n" for k, v in fields.items() if v is not None)


TEXT: dict[str, str] = {
    # values that are wrong
    "date-month-13": front(date="2026-13-40"),
    "date-feb-30": front(date="2026-02-30"),
    "date-words": front(date="next tuesday"),
    "date-time-only": front(date="14:00"),
    "date-number": front(date="20261120"),
    "date-list": front(date="[2026-11-20]"),
    "date-hour-25": front(date="2026-11-20T25:00"),
    "date-zone-words": front(date="2026-11-20T14:00 Paris time"),
    "decision-by-bad": front(decision_by="soon"),
    "follow-up-on-bad": front(follow_up_on="2026-11-31"),
    "status-date-bad": front(status_date="yesterday"),
    "offer-deadline-bad": front(offer_deadline="2026/12/01"),
    "status-unknown": front(status="ghosted"),
    "status-list": front(status="[waiting, offer]"),
    "status-number": front(status="3"),
    "contact-unknown": front(contact="pigeon"),
    "priority-words": front(priority="first"),
    "priority-bool": front(priority="true"),
    "priority-float": front(priority="1.5"),
    "final-round-yes": front(final_round="yes"),
    "no-calls-string": front(no_calls='"true"'),
    "connect-number": front(connect="1"),
    "company-missing": front(company=None),
    "company-empty": front(company='""'),
    "company-list": front(company="[Acme, Globex]"),
    "company-mapping": front(company="{name: Acme}"),
    "role-missing": front(role=None),
    "role-mapping": front(role="{title: Engineer}"),
    "round-mapping": front() + "round: {n: 2}\n",
    "application-list": front() + "application: [a, b]\n",
    "keep-in-touch-words": front(keep_in_touch="sometimes"),
    "thank-you-note-number": front(thank_you_note="0"),
    "interviewers-number": front() + "interviewers: 42\n",
    "interviewers-nameless": front() + "interviewers:\n  - {email: a@b.c}\n",
    "interviewers-nested": front() + "interviewers:\n  - [[a, b], [c]]\n",
    "references-bool": front() + "references: [true]\n",
    "topics-mapping": front() + "topics: {a: b}\n",
    "topics-nested": front() + "topics: [[a], [b]]\n",
    # YAML that is wrong
    "duplicate-key": front() + "status: offer\n",
    "tab-indent": front() + "interviewers:\n\t- Jane\n",
    "unclosed-quote": front(company='"Acme'),
    "unclosed-bracket": front() + "topics: [a, b\n",
    "unclosed-brace": front() + "interviewers: [{name: Jane}\n",
    "bad-indent": front() + "interviewers:\n  - Jane\n - Sam\n",
    "colon-mess": front() + "a: b: c\n",
    "anchor-alias": front(company="&c Acme") + "application: *c\n",
    "alias-undefined": front(role="*nix admin"),
    "alias-bomb": front()
    + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    ),
    "merge-key": front() + "base: &b {x: 1}\nother:\n  <<: *b\n",
    "python-object": front() + "x: !!python/object/apply:os.system ['echo pwned']\n",
    "python-name": front() + "x: !!python/name:os.system\n",
    "python-module": front() + "x: !!python/module:os\n",
    "custom-tag": front() + "x: !vault/secret abc\n",
    "binary-tag": front() + "x: !!binary not-base64!\n",
    "list-frontmatter": "- type: interview\n- company: Acme\n",
    "directive": "%YAML 1.1\n" + front(),
    "control-char": front(company="Acme\u0007Corp"),
    "key-is-list": front() + "[a, b]: c\n",
    "very-long-key": front() + ("k" * 5000) + ": v\n",
    # a copy of the template whose placeholders Obsidian's Templates did not fill in
    "template-placeholder": front(date="{{date:YYYY-MM-DD}}T{{time:HH:mm}}"),
    # a git merge that stopped on a conflict, in the frontmatter
    "merge-conflict-frontmatter": front(status=None)
    + "<<<<<<< HEAD\nstatus: waiting\n=======\nstatus: offer\n>>>>>>> laptop\n",
}
BYTES: dict[str, bytes] = {
    "nul-in-frontmatter": ("---\n" + front(company="Acme\x00Corp") + "---\nbody\n").encode(),
    "latin1-frontmatter": ("---\n" + front(company="Café") + "---\n").encode("latin-1"),
    "latin1-body": ("---\n" + front() + "---\nCafé\n").encode("utf-8") + b"caf\xe9\n",
    "utf16": ("---\n" + front() + "---\n").encode("utf-16"),
    "unclosed-frontmatter": ("---\n" + front(company="Acme €") + "---\n").encode()[:-4],
    "lone-surrogate-escape": ("---\n" + front() + "---\n").encode() + b"\xed\xa0\x80\n",
    # ... and in the body, on a line of vaultfu's, with diff3's base section and CRLF endings
    "merge-conflict-body": (
        "---\n" + front() + "---\nNotes.\n\n## Follow-ups\n<<<<<<< HEAD\n"
        "- [ ] Email a thank-you 📅 2026-11-20 🆔 vf-0123456789\n||||||| base\n"
        "- [ ] Email a thank-you 📅 2026-11-19 🆔 vf-0123456789\n=======\n"
        "- [x] Email a thank-you 📅 2026-11-19 🆔 vf-0123456789 ✅ 2026-11-21\n>>>>>>> laptop\n"
    )
    .replace("\n", "\r\n")
    .encode(),
}


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for old in HERE.glob("*.md"):
        old.unlink()
    for name, yaml_text in TEXT.items():
        (HERE / f"{name}.md").write_bytes(f"---\n{yaml_text}---\nNotes.\n".encode())
    for name, data in BYTES.items():
        (HERE / f"{name}.md").write_bytes(data)
    print(f"{len(TEXT) + len(BYTES)} notes in {HERE}")


if __name__ == "__main__":
    main()
