"""Script and width normalisation: display keeps the original, matching uses a folded view."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc

SCRIPTS = ("simplified", "traditional")


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    # Built on first use, not at import: OpenCC reads its dictionaries when constructed.
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s); Simplified text passes through unchanged."""
    return _converter("t2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """Simplified → Traditional (OpenCC s2t)."""
    return _converter("s2t").convert(text) if text else text


def to_script(text: str, script: str) -> str:
    """Convert `text` to `script` ("simplified" or "traditional")."""
    if script == "simplified":
        return to_simplified(text)
    if script == "traditional":
        return to_traditional(text)
    raise ValueError(f"unknown script {script!r}; expected one of {sorted(SCRIPTS)}")


def fold_width(text: str) -> str:
    """Unify full-width and half-width forms (NFKC), e.g. `，` → `,`, `Ａ` → `A`."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=20_000)
def normalize_for_match(text: str) -> str:
    """The view used for tokenising and embedding: Simplified, width-folded, lower-case
    (cached: serving normalises the same retrieved passages question after question)."""
    return fold_width(to_simplified(text)).lower()


def detect_script(text: str) -> str:
    """Guess whether `text` is written in Traditional or Simplified characters.

    Counts characters that a conversion would change in each direction; ties (pure
    shared characters, Latin, empty) count as Simplified, the users' usual script.
    """
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return "simplified"
    sample = "".join(cjk)
    simplified = to_simplified(sample)
    traditional = to_traditional(sample)
    looks_traditional = sum(a != b for a, b in zip(sample, simplified))
    looks_simplified = sum(a != b for a, b in zip(sample, traditional))
    return "traditional" if looks_traditional > looks_simplified else "simplified"
