"""Question checks at the boundary: a clear message instead of a crash."""

from __future__ import annotations

from rag.answer.prompts import ERROR_CONTROL, ERROR_EMPTY, ERROR_INVALID_TEXT, ERROR_TOO_LONG
from rag.text.sanitize import InvalidText, sanitize_question

MAX_QUESTION_CHARS = 500


class QuestionError(ValueError):
    """A question that cannot be answered as given; the message is shown to the user."""


def validate_question(question: object, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """Return the stripped question, or raise `QuestionError` saying what is wrong.

    Question text is cleaned in one place, `rag.text.sanitize.sanitize_question`."""
    if not isinstance(question, str):
        raise QuestionError(ERROR_EMPTY)
    if len(question) > 2 * max_chars + 100:  # too long even if half of it were invisible:
        # refuse before scanning megabytes of text
        raise QuestionError(ERROR_TOO_LONG.format(length=len(question), max_chars=max_chars))
    try:
        stripped = sanitize_question(question).strip()
    except InvalidText as error:
        raise QuestionError(ERROR_INVALID_TEXT.format(codes=", ".join(error.code_points))) from None
    if not stripped:
        raise QuestionError(ERROR_EMPTY)
    if len(stripped) > max_chars:
        raise QuestionError(ERROR_TOO_LONG.format(length=len(stripped), max_chars=max_chars))
    controls = sorted({c for c in stripped if (ord(c) < 32 and c not in "\t\n") or ord(c) == 127})
    if controls:
        codes = ", ".join(f"U+{ord(c):04X}" for c in controls)
        raise QuestionError(ERROR_CONTROL.format(codes=codes))
    return " ".join(stripped.split())
