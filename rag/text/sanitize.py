"""The one cleanup of question text, for every entry point (CLI, UI, evaluation, API).

`rag.answer.validate.validate_question` calls `sanitize_question` first, and the pipeline,
the chat UI and the evaluation all validate through it, so no entry point sees a question
that has not been through here. What it does:

- strips invisible format characters (Unicode category Cf): bidi controls such as U+202E
  RIGHT-TO-LEFT OVERRIDE and U+2066–U+2069, zero-width characters U+200B–U+200D and U+2060,
  the BOM U+FEFF, the soft hyphen. They change how a question looks, not what it asks, and
  can make a question read differently on screen than it is searched and logged;
- refuses lone surrogates (U+D800–U+DFFF: what invalid UTF-8 in argv decodes to, or a
  "\\ud800" escape in JSON). They cannot be encoded, so OpenCC, the audit log and stdout would
  all fail on them; `InvalidText` names them.

`replace_lone_surrogates` is for echoing untrusted text back (logs, error lines) without
crashing and without losing what was sent.
"""

from __future__ import annotations

import re

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Every format character (category Cf) of Unicode 14 (Python 3.11's unicodedata), as ranges;
# tests/rag/text/test_sanitize.py checks it against unicodedata.
FORMAT_CHARACTERS = re.compile(
    "[\u00AD\u0600-\u0605\u061C\u06DD\u070F\u0890-\u0891\u08E2\u180E\u200B-\u200F"
    "\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\U000110BD\U000110CD"
    "\U00013430-\U00013438\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0001"
    "\U000E0020-\U000E007F]"
)


class InvalidText(ValueError):
    """Text that cannot be encoded as UTF-8; `code_points` lists the offending ones."""

    def __init__(self, code_points: tuple[str, ...]) -> None:
        self.code_points = code_points
        super().__init__(f"not valid Unicode text: lone surrogate(s) {', '.join(code_points)}")


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def lone_surrogates(text: str) -> tuple[str, ...]:
    """The lone surrogates in `text`, as sorted U+XXXX codes (empty when there are none)."""
    return tuple(sorted({_code(c) for c in LONE_SURROGATE.findall(text)}))


def replace_lone_surrogates(text: str, replacement: str | None = None) -> str:
    """`text` with each lone surrogate replaced: by `replacement`, or by default by its
    JSON-style escape (`\\ud800`), so that nothing that was sent is lost from a log line."""
    if replacement is None:
        return LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return LONE_SURROGATE.sub(replacement, text)


def strip_invisible(text: str) -> str:
    """`text` without format characters (category Cf: bidi controls, zero-width characters)."""
    return FORMAT_CHARACTERS.sub("", text)


def sanitize_question(text: str) -> str:
    """The question without invisible format characters; `InvalidText` for lone surrogates."""
    bad = lone_surrogates(text)
    if bad:
        raise InvalidText(bad)
    return strip_invisible(text)
