"""Which script (简体 / 繁體) the chat shows, and one Traditional standard for everything shown.

OpenCC's `s2t` writes its own standard (爲, 僞, 着) while Traditional articles use the Taiwan
standard (為, 偽, 著); shown side by side they looked like two scripts. Everything the UI shows
in Traditional therefore goes through `s2tw` (Simplified or mixed → Taiwan-standard characters,
no phrase changes), so a page never mixes 爲 and 為.
"""

from __future__ import annotations

from functools import lru_cache

import opencc

AUTO = "auto"  # follow the question's script
ORIGINAL = "original"  # each article as written
SIMPLIFIED, TRADITIONAL = "simplified", "traditional"
SETTINGS = (AUTO, SIMPLIFIED, TRADITIONAL)


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    # Built on first use, not at import: OpenCC reads its dictionaries when constructed.
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Any Chinese text in Simplified characters (`tw2s`: Taiwan-standard 推動著 becomes 推动着,
    which plain `t2s` leaves as 推动著)."""
    return _converter("tw2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """Any Chinese text in Traditional characters of one standard (Taiwan: 為, 著, 裡)."""
    return _converter("s2tw").convert(text) if text else text


def convert(text: str, script: str) -> str:
    """`text` in `script`; "original" (or anything else) keeps it as written."""
    if script == SIMPLIFIED:
        return to_simplified(text)
    if script == TRADITIONAL:
        return to_traditional(text)
    return text


def detect_script(text: str) -> str:
    """"traditional" when the text has more characters that only exist in Traditional than
    characters that only exist in Simplified, else "simplified" (also for no Chinese at all)."""
    if not text:
        return SIMPLIFIED
    simplified, traditional = to_simplified(text), _converter("s2t").convert(text)
    only_traditional = sum(a != b for a, b in zip(text, simplified))
    only_simplified = sum(a != b for a, b in zip(text, traditional))
    return TRADITIONAL if only_traditional > only_simplified else SIMPLIFIED


def resolve(setting: object, question_script: str) -> str:
    """The script to show for the header switch `setting` (auto / simplified / traditional,
    or original for an article as written) and a question written in `question_script`."""
    if setting in (SIMPLIFIED, TRADITIONAL, ORIGINAL):
        return str(setting)
    return question_script if question_script in (SIMPLIFIED, TRADITIONAL) else SIMPLIFIED
