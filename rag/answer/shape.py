"""Shaping a direct or list answer from verbatim source text: offsets, never rewritten text.

Everything matches on the normalised view (Simplified, width-folded, lower-case) and returns
offsets into the text it was given, so a Traditional source is shaped like its Simplified
twin and every answer piece stays a quote. Precision first: when unsure, no phrase.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from rag.ingest.normalize import normalize_for_match
from rag.text.question import PLACES, analyse_question

MAX_PHRASE_CHARS = 20  # a longer "phrase" is a sentence: show the sentence instead
MAX_WHO_CHARS = 15
MIN_RELEVANCE = 0.35  # below this share of the question's bigrams, the sentence is about else
_ANCHOR_MAX = 12  # longest question fragment tried as an anchor

Span = tuple[int, int]

# ---------------------------------------------------------------------------------------------
# Views with offsets


def aligned_view(text: str) -> str:
    """The normalised view of `text`, one character per original character (same length)."""
    view = normalize_for_match(text)
    if len(view) == len(text):
        return view
    return "".join((normalize_for_match(ch) or ch)[:1] for ch in text)


@dataclass(frozen=True)
class _Compact:
    """A view without whitespace, and for each of its characters the offset in the original."""

    text: str
    index: tuple[int, ...]

    def span(self, start: int, end: int) -> Span:
        """Original offsets of the view slice [start, end)."""
        return self.index[start], self.index[end - 1] + 1


_SKIP_IN_VIEW = frozenset("“”‘’\"「」『』")


def _compact(text: str) -> _Compact:
    """Whitespace and quotation marks dropped, so 启动“数字政府”改革 matches 启动数字政府改革."""
    view = aligned_view(text)
    keep = [i for i, c in enumerate(view) if not c.isspace() and c not in _SKIP_IN_VIEW]
    return _Compact("".join(view[i] for i in keep), tuple(keep))


# ---------------------------------------------------------------------------------------------
# Patterns (on the compact view: Simplified, half-width punctuation, no whitespace)

_CLAUSE_PUNCT = ",;。!?:"
_STOP_PUNCT = re.compile(r"[,;。!?]")
_LEAD_FILLER = re.compile(r"^(?:请问|根据|按照|依据)?(?:本文|该文|这篇文章|文章|文中|原文)(?:中|里|里面)?(?:提到|指出|说)?[,:]?")
_TRAIL = re.compile(r"[?!。.]+$")
_TRAIL_PARTICLES = re.compile(r"(?:的|了|呢|吗|啊|呀)+$")

_WH = re.compile(
    r"什么时候|什么时间|何时|哪一年|哪年|哪一天|哪天|几月几日|几月|何年"
    r"|多长时间|多久|多少|第几|几(?=[个项家次种条位名所部倍年天月人])"
    r"|哪些人|哪位|何人|谁"
    r"|哪里|何地|何处|哪儿"
    r"|什么|哪些|哪一?[个家种项类部位本份条]|哪一|何种|哪"
)
_CLASSIFIER = "个项家次种条位名所部倍人元年天月"
_WHICH = re.compile(r"什么|何种|哪些|哪一?[个家种项类部本份条]|哪一")  # asks for a noun: 什么原则
_WH_OF = {
    "date": re.compile(r"什么时候|什么时间|何时|哪一?年|哪一?天|几月几日|几月|何年"),
    "number": re.compile(r"多长时间|多久|多少|第几|几"),
    "who": re.compile(r"哪些人|哪位|何人|谁"),
    "place": re.compile(r"哪里|何地|何处|哪儿"),
}
_DURATION_WH = ("多久", "多长时间")

# Date, number and duration expressions.
_DATE = re.compile(
    r"(?:19|20)\d{2}-\d{2}-\d{2}(?:\d{1,2}:\d{2})?"
    r"|(?:19|20)\d{2}[./]\d{1,2}[./]\d{1,2}"
    r"|(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}[日号])?|上半年|下半年|年底|年初|年末|[底初末中]|度)?"
    r"|(?<!\d)\d{1,2}月\d{1,2}[日号]"
)
_UNIT = r"(?:个百分点|个月|个季度|个|项|家|次|名|条|位|种|倍|人|元|所|部|座|级|类|批|年|天|周|小时|岁|份|户|件|套|台|万|亿)"
_NUMBER = re.compile(
    rf"(?<![\d.\[])\d+(?:\.\d+)?(?:%|[万亿]+)?(?:多|余)?{_UNIT}?(?![\d\]])"
    rf"|[零〇一二两三四五六七八九十百千]+[万亿]?(?:多|余)?{_UNIT}"
)
_DURATION = re.compile(
    r"每(?:[一两三四五六七八九十半]?个?(?:年|季度|月|周|星期|天|日))"
    r"|(?:\d+|[一两三四五六七八九十半]+)多?个?(?:年|季度|月|周|天|小时|分钟)多?(?:时间)?"
)

# A byline card line: "作者：沈费伟", "发布时间:2022-05-12 11:01   来源:城市怎么办".
_CARD_FIELD = re.compile(
    r"(标题|作者|责任编辑|编辑|审核|来源|出处|发布时间|发布日期|日期|时间|关键词)\s*[:：]\s*(\S(?:.*?\S)?)"
    r"(?=\s{2,}\S+\s*[:：]|\s*$)"
)
_CARD_LINE = re.compile(r"^\s*(?:标题|作者|责任编辑|编辑|审核|来源|出处|发布时间|发布日期|日期|时间|关键词)\s*[:：]")
_CARD_ASKS: tuple[tuple[str, re.Pattern], ...] = (
    ("编辑", re.compile(r"编辑")),
    ("审核", re.compile(r"审核")),
    ("关键词", re.compile(r"关键词")),
    ("来源", re.compile(r"来源|出处|哪个(?:网站|媒体|平台)|哪家媒体|刊发|转载")),
    ("标题", re.compile(r"标题|题目|篇名")),
    ("作者", re.compile(r"作者|谁写|写的|撰写|执笔")),
    ("发布时间", re.compile(r"发布|发表|刊登|日期|时间|何时|什么时候|哪一?天|哪一?年")),
)
_CARD_LABELS = {
    "编辑": ("编辑", "责任编辑"), "审核": ("审核",), "关键词": ("关键词",), "来源": ("来源", "出处"),
    "标题": ("标题",), "作者": ("作者",), "发布时间": ("发布时间", "发布日期", "日期", "时间"),
}

# Words that open a clause without being its subject.
_PREPOSITION = re.compile(r"^(?:通过|基于|根据|按照|依据|对于|对|在|从|由于|为了|关于|随着|针对|经过|以|把|将|就)")
_SUBJECT_END = re.compile(r"通过|基于|根据|从|对|在|认为|指出|提出|强调|总结|发现|将|把")
_ATTRIBUTED = re.compile(r"^(?:根据|据)?([^,;:?]{2,12}?)(?:认为|指出|强调|提到|表示|主张|提出)")
_ABOUT_ARTICLE = re.compile(r"文章|文中|本文|作者|一文|该文|学界|学者|政府|报告|会议|全会|意见|规划|[哪谁什何]")
_FUNCTION_ANCHORS = frozenset("由被于在为是向给对将把从自与和及以")
_DROPPABLE_TAIL = frozenset("了的过着是为叫称有共都还又到至在于")
_GENERIC_TAIL = frozenset({"名字", "名称", "内容", "东西", "人"})
_EDGE_LEAD = "的了是为有于在由至到:,、—-·~"
_EDGE_TRAIL = "的了等,;、:。!?"
_PLACE_SUFFIX = re.compile(r"[省市县区国州镇村]$")
_PAIRS = {"“": "”", "《": "》", "(": ")", "「": "」", "『": "』", "‘": "’", "[": "]"}


def _find_all(needle: str, hay: str) -> list[int]:
    out, at = [], hay.find(needle)
    while at >= 0:
        out.append(at)
        at = hay.find(needle, at + 1)
    return out


@dataclass(frozen=True)
class _Anchor:
    """A question fragment found in the sentence: view offsets, how much of it matched, and
    which fragment it is (side of the question word and how many characters were skipped)."""

    start: int
    end: int
    strength: float
    fragment: str = ""


def _left_anchors(left: str, view: str) -> list[_Anchor]:
    """Occurrences of the longest suffix of `left` (the question before the wh-word)."""
    found: list[_Anchor] = []
    for drop in range(3):
        if drop and (len(left) < drop or left[len(left) - drop] not in _DROPPABLE_TAIL):
            break
        stem = left[: len(left) - drop]
        for k in range(min(len(stem), _ANCHOR_MAX), 1, -1):
            hits = _find_all(stem[-k:], view)
            if hits:
                found += [_Anchor(h, h + k, k - 0.5 * drop, f"L{drop}") for h in hits]
                break
        if found:
            break
    if left and left[-1] in _FUNCTION_ANCHORS:
        found += [_Anchor(h, h + 1, 1.0, "L-") for h in _find_all(left[-1], view)]
    return found


def _right_anchors(right: str, view: str) -> list[_Anchor]:
    """Occurrences of the longest prefix of `right` (the question after the wh-word),
    skipping up to two leading characters (由谁担任组长 ↔ 由省长任组长)."""
    found: list[_Anchor] = []
    for skip in range(3):
        stem = right[skip:]
        for k in range(min(len(stem), _ANCHOR_MAX), 1, -1):
            hits = _find_all(stem[:k], view)
            if hits:
                found += [_Anchor(h, h + k, k - 0.5 * skip, f"R{skip}") for h in hits]
                break
    return found


def _trim(view: str, start: int, end: int) -> Span:
    """Strip particles, clause punctuation and unbalanced brackets from a view slice's edges."""
    for _ in range(4):
        before = (start, end)
        while start < end and view[start] in _EDGE_LEAD:
            start += 1
        while end > start and view[end - 1] in _EDGE_TRAIL:
            end -= 1
        piece = view[start:end]
        for opening, closing in _PAIRS.items():
            if piece.count(opening) > piece.count(closing):
                if end < len(view) and view[end] == closing and piece.count(opening) == piece.count(closing) + 1:
                    end += 1
                elif piece.startswith(opening):
                    start += 1
            elif piece.count(closing) > piece.count(opening) and piece.endswith(closing):
                end -= 1
        if (start, end) == before:
            break
    return start, end


def _question_parts(question: str, asked: str = "") -> tuple[str, str, str] | None:
    """(left, wh-word, right) of the normalised question, whitespace and fillers removed; the
    wh-word is the first of the kind asked, and left/right stop at a "?" between questions."""
    view = "".join(c for c in normalize_for_match(question) if not c.isspace() and c not in _SKIP_IN_VIEW)
    view = _LEAD_FILLER.sub("", _TRAIL.sub("", view))
    matches = list(_WH.finditer(view))
    kind = _WH_OF.get(asked)
    match = next((m for m in matches if kind and kind.fullmatch(m.group())), matches[0] if matches else None)
    if match is None:
        return None
    left = re.split(r"[?!。;]", view[: match.start()])[-1]
    right = re.split(r"[?!。;]", view[match.end() :])[0]
    right = re.sub(r"^(?:哪一?[年月天日]|几月|几日|几号|、)+", "", right)  # 哪一年哪一月首次… → 首次…
    return left, match.group(), _TRAIL_PARTICLES.sub("", right)


@lru_cache(maxsize=1)
def _pos_tagger():
    """jieba's part-of-speech tagger over its default dictionary, built on first use."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return jieba.posseg.POSTokenizer(tokenizer)


def load_tagger() -> None:
    """Build the part-of-speech tagger now (about 3 s) rather than inside the first 什么
    question a user asks (servers call this at start-up)."""
    _pos_tagger()


def _noun_after_wh(right: str) -> str:
    """The noun a 什么/哪个 asks about: the leading nouns of what follows (什么原则开展 → 原则)."""
    noun = ""
    for word, flag in _pos_tagger().lcut(right):
        if not flag.startswith("n") or len(noun) + len(word) > 6:
            break
        noun += word
    return noun


# ---------------------------------------------------------------------------------------------
# Card lines


def _card_phrase(question: str, sentence: str) -> Span | None:
    """The value of the byline field a question asks about, when `sentence` is a card line."""
    view = aligned_view(sentence)
    if not _CARD_LINE.match(view):
        return None
    qview = normalize_for_match(question)
    wanted = next((label for label, pattern in _CARD_ASKS if pattern.search(qview)), None)
    if wanted is None and re.search(r"谁", qview):
        wanted = "作者"
    if wanted is None:
        return None
    for match in _CARD_FIELD.finditer(view):
        if match.group(1) in _CARD_LABELS[wanted]:
            start, end = match.span(2)
            return (start, end) if 0 < end - start <= MAX_PHRASE_CHARS else None
    return None


# ---------------------------------------------------------------------------------------------
# Typed phrases: dates and numbers


def _typed_candidates(asked: str, wh: str, view: str) -> list[Span]:
    if asked == "date":
        pattern = _DATE
    elif wh in _DURATION_WH:
        pattern = _DURATION
    else:
        pattern = _NUMBER
    return [m.span() for m in pattern.finditer(view) if m.end() > m.start()]


def _typed_phrase(asked: str, left: str, wh: str, right: str, view: str) -> Span | None:
    """The one date or number the question's anchors point at, or None when ambiguous."""
    classifier = ""
    if asked == "number" and right[:1] and right[0] in _CLASSIFIER and wh not in _DURATION_WH:
        classifier, right = right[0], right[1:]
    ordinal = asked == "number" and (wh == "第几" or left.endswith("第"))
    if left.endswith("第"):
        left = left[:-1]
    weak_lefts = [a for a in _left_anchors(left, view) if a.strength >= 1.5]
    weak_rights = [a for a in _right_anchors(right, view) if a.strength >= 1]
    lefts = [a for a in weak_lefts if a.strength >= 2]
    rights = [a for a in weak_rights if a.strength >= 1.5]
    full_left, full_right = min(3, len(left)), min(3, len(right))
    anchored = [(a.start, a.end) for a in lefts + rights]
    candidates = [
        c for c in _typed_candidates(asked, wh, view)
        if not any(c[0] < e and s < c[1] for s, e in anchored)
    ]

    def touching(c: Span, ls: list[_Anchor], rs: list[_Anchor], inverted: bool = False) -> list[_Anchor]:
        """Anchors right next to candidate `c`; a date may also precede the subject, and with
        `inverted` a count its verb ("每年赴…几次" ↔ "一年三次赴…")."""
        near = [a for a in ls if 0 <= c[0] - a.end <= 3]
        near += [r for r in rs if 0 <= r.start - c[1] <= 2]
        if asked == "date" or inverted:
            near += [a for a in ls if 0 <= a.start - c[1] <= (2 if asked == "date" else 1)]
        return near

    tiers: dict[Span, float] = {}
    for c in candidates:
        after_left = [a for a in lefts if 0 <= c[0] - a.end <= 3]
        before_right = [r for r in rights if 0 <= r.start - c[1] <= 2]
        near = touching(c, lefts, rights, inverted=not right and not ordinal)
        tier = 0.0
        if any(a.strength >= full_left for a in after_left) and any(
            r.strength >= full_right for r in before_right
        ):
            tier = 3
        elif asked == "number" and right and any(
            r.start == c[1] and r.strength >= full_right for r in before_right
        ):
            # "44个" right before the question's own noun "信息中心", after its verb (撤销).
            tier = 3 if not left or any(a.end <= c[0] for a in lefts) else 1
        elif (after_left and before_right) or any(
            a.end <= c[0] and c[1] <= r.start and r.start - a.end <= 24 for a in lefts for r in rights
        ):
            tier = 2
        elif any(a.strength >= (full_left if a in lefts else full_right) for a in near):
            tier = 1
        elif near:
            tier = 0.5  # only a partial anchor: trusted when no other candidate has one
        if tier and classifier and not view[c[0] : c[1]].endswith(classifier):
            tier /= 2
        if tier:
            tiers[c] = tier
    choice = None
    if tiers:
        best = max(tiers.values())
        top = [c for c, t in tiers.items() if t == best]
        if len(top) == 1:
            choice = top[0]
            mine = {a.fragment for a in touching(choice, weak_lefts, weak_rights)}
            if best < 3 and any(
                a.fragment not in mine
                for c in candidates if c != choice
                for a in touching(c, weak_lefts, weak_rights)
            ):
                choice = None  # 2019年排名…(2016年第九): the question's words point two ways
            if best < 1 and _relevance(left + right, view) < 0.5:
                choice = None  # a partial anchor in a sentence about something else
    elif (
        len(candidates) == 1 and asked == "date" and _coverage(left + right, view) >= 4
        and (lefts or not left) and (rights or not right)
    ):
        choice = candidates[0]  # the sentence's only date, and both sides of the question found
    if choice is None:
        return None
    start, end = choice
    if ordinal and start > 0 and view[start - 1] == "第":
        start -= 1
    return start, end


def _echo(phrase: str, question: str) -> bool:
    """Whether the phrase mostly repeats the question (half or more of its bigrams)."""
    if phrase in question:
        return True
    grams = [phrase[i : i + 2] for i in range(len(phrase) - 1)]
    return len(grams) >= 3 and sum(g in question for g in grams) * 2 >= len(grams)


def _relevance(question: str, view: str) -> float:
    """The share of the question's bigrams (question word removed) found in the sentence."""
    words = "".join(c for c in question if c.isalnum())
    grams = {words[i : i + 2] for i in range(len(words) - 1)}
    if not grams:
        return 0.0
    text = "".join(c for c in view if c.isalnum())
    return sum(g in text for g in grams) / len(grams)


def _coverage(question: str, view: str) -> int:
    """How many characters of `view` lie in a bigram the question shares."""
    grams = {question[i : i + 2] for i in range(len(question) - 1)}
    covered = set()
    for i in range(len(view) - 1):
        if view[i : i + 2] in grams:
            covered.update((i, i + 1))
    return len(covered)


# ---------------------------------------------------------------------------------------------
# Slot phrases: who, place, which/what


def _clause_start(view: str, at: int) -> int:
    cut = max(view.rfind(p, 0, at) for p in _CLAUSE_PUNCT)
    return cut + 1


def _clause_end(view: str, at: int) -> int:
    ends = [view.find(p, at) for p in _CLAUSE_PUNCT]
    ends = [e for e in ends if e >= 0]
    return min(ends) if ends else len(view)


def _valid(asked: str, phrase: str) -> bool:
    """Whether a slot filler looks like an answer of the kind asked."""
    if not phrase or _STOP_PUNCT.search(phrase):
        return False
    if asked == "who":
        return len(phrase) <= MAX_WHO_CHARS and not _PREPOSITION.match(phrase) and (
            "的" not in phrase or len(phrase) <= 6 or re.search(r"(?:部|局|委|厅|院|办|会|组|司|室|中心|大学|学院)$", phrase) is not None
        )
    if asked == "place":
        return len(phrase) <= 12 and (
            any(p in phrase for p in PLACES) or _PLACE_SUFFIX.search(phrase) is not None
        )
    return len(phrase) <= MAX_PHRASE_CHARS and not _PREPOSITION.match(phrase)


def _inverted(left: str, view: str) -> Span | None:
    """"A是什么" answered by "B是A": the clause part before 是 + A (公共价值的创造是政府存在的核心目的)."""
    if not left.endswith(("是", "为")) or len(left) < 5:
        return None
    topic = left[:-1]
    for k in range(min(len(topic), _ANCHOR_MAX), 3, -1):
        hits = [h for h in _find_all(topic[-k:], view) if h > 0 and view[h - 1] in "是为"]
        if hits:
            if len(hits) > 1 or k < min(len(topic), 6):
                return None
            end = hits[0] - 1
            return _clause_start(view, end), end
    return None


def _slot_phrase(asked: str, left: str, wh: str, right: str, view: str) -> Span | None:
    """The words between the question's anchors, as they stand in the sentence."""
    lefts = _left_anchors(left, view) if left else []
    rights = _right_anchors(right, view) if right else []
    best: tuple[float, int, Span] | None = None
    for a in lefts:
        for r in rights:
            gap = r.start - a.end
            if 0 < gap <= MAX_PHRASE_CHARS + 4 and a.strength + r.strength >= 3:
                key = (a.strength + r.strength, -gap, (a.end, r.start))
                if best is None or key[:2] > best[:2]:
                    best = key
    span: Span | None = None
    if best is not None:
        span = best[2]
        r_start = span[1]
        if re.search(r"[,;。!?:]", view[span[0] : span[1]].lstrip(_EDGE_LEAD)):
            return None  # "…部署,指示": a clause break inside the slot, so no single phrase
        if _WHICH.fullmatch(wh) and view.startswith(right[:2], r_start):
            noun = _noun_after_wh(right)
            if noun and view.startswith(noun, r_start):
                span = (span[0], r_start + len(noun))
    elif lefts and (not right or right in _GENERIC_TAIL):
        needed = min(4.0, len(left.rstrip("".join(_DROPPABLE_TAIL))) - 0.5)
        strong = [a for a in lefts if a.strength >= max(1.5, needed)]
        if len({a.end for a in strong}) == 1:
            at = strong[0].end
            span = (at, _clause_end(view, at))
        span = _inverted(left, view) if span is None or span[0] == span[1] else span
    elif rights and not left and asked == "who":
        strong = sorted((r for r in rights if r.strength >= 2), key=lambda r: -r.strength)
        if strong and len({r.start for r in strong if r.strength == strong[0].strength}) == 1:
            at = strong[0].start
            span = (_clause_start(view, at), at)
            start, end = _trim(view, *span)
            if not _valid(asked, view[start:end]):
                head = view[: _clause_end(view, 0) if _clause_end(view, 0) < at else at]
                lead = _SUBJECT_END.search(head)
                span = (0, lead.start()) if lead else None
    if span is None:
        return None
    start, end = _trim(view, *span)
    if start >= end or not _valid(asked, view[start:end]):
        return None
    return start, end


# ---------------------------------------------------------------------------------------------
# Public


def answer_phrase(asked: str, question: str, sentence: str) -> Span | None:
    """The span of `sentence` that answers `question` (who/date/number/place/which), or None.

    A card line ("作者：沈费伟") gives the asked field's value; dates and numbers must be the
    one the question's words point at; other phrases fill the slot between the words around
    the question word. None when unsure, when longer than ~20 characters, or the whole sentence.
    """
    if asked not in ("who", "date", "number", "place", "other") or not sentence.strip():
        return None
    card = _card_phrase(question, sentence)
    if card is not None or _CARD_LINE.match(aligned_view(sentence)):
        return card
    parts = _question_parts(question, asked)
    if parts is None:
        return None
    left, wh, right = parts
    compact = _compact(sentence)
    view = compact.text
    if asked in ("date", "number"):
        found = _typed_phrase(asked, left, wh, right, view)
    else:
        found = _slot_phrase(asked, left, wh, right, view)
    if found is None or _relevance(left + right, view) < MIN_RELEVANCE:
        return None
    named = [c.text for c in analyse_question(question).constraints if c.kind in ("place", "year")]
    source = _ATTRIBUTED.match("".join(normalize_for_match(question).split()))
    if source and not _ABOUT_ARTICLE.search(source.group(1)):
        named.append(source.group(1))  # "简·E.芳汀认为…": only 芳汀's sentence answers
    if any(name not in view for name in named):
        return None  # the question names 广东 or 2019; a sentence without it answers something else
    phrase = view[found[0] : found[1]]
    if not phrase or _echo(phrase, "".join(normalize_for_match(question).split())):
        return None  # an echo of the question is no answer
    start, end = compact.span(*found)
    body = sentence.strip().rstrip("。.!！?？;；")
    if end - start > MAX_PHRASE_CHARS or sentence[start:end].strip() == body.strip():
        return None
    return start, end


# ---------------------------------------------------------------------------------------------
# Enumerations

_CN = "一二三四五六七八九十"
_OPEN = r"(?:^|(?<=[\n。;:!?”\]]))"
_TERMINATORS = re.compile(r"[。;!?\n]|…")
_ITEM_TAIL = re.compile(r"(?:[\s。;,、:!?…]|\[\d{1,3}\])+$")
_ITEM_HEAD = re.compile(r"^[\s,:、.]+")
_MARKERS: tuple[tuple[str, re.Pattern], ...] = (
    ("shi", re.compile(_OPEN + rf"([{_CN}]+)是(?!否|不是)")),
    ("di", re.compile(r"(?:^|(?<=[\n。;:,!?”\]]))第([" + _CN + r"]+)[,:、]")),
    ("paren", re.compile(r"(?:^|(?<=[\n。;:]))\(([" + _CN + r"]+|\d{1,2})\)")),
    ("arabic", re.compile(r"(?:^|(?<=[\n。;:]))(\d{1,2})[.、](?![\d.])")),
    ("dun", re.compile(r"(?:^|(?<=\n))([" + _CN + r"]+)、")),
    ("circled", re.compile(r"([①②③④⑤⑥⑦⑧⑨⑩])")),
    ("sequence", re.compile(_OPEN + r"(首先|其次|再次|最后)[,:]?")),
)
_CUE = re.compile(
    r"(?:主要)?(?:体现为|体现在|表现为|表现在|包括|包含|分为|即|有以下(?:几个方面|几点|方面)?|如下)(?:[^,;。:]{0,6}:)?"
)
_TAIL_COUNT = re.compile(
    r"(?:等)?(?:这|以下)?(?:[两三四五六七八九十几多]+|\d+)(?:个|种|类|项|大)?"
    r"(?:方面|维度|层面|问题|困境|部分|要素|特征|原则|阶段|类|种|点|个)$"
    r"|(?<![平相同对均高中初优上次])等.*$|在内.*$|(?:的)?(?:方式)?(?:层面|方面)$"
)
_ITEM_MARKER = re.compile(
    r"(?:[" + _CN + r"]+是|第[" + _CN + r"]+[,:、]|首先|其次|再次|最后|\([" + _CN + r"\d]{1,2}\)|\d{1,2}[.、]"
    r"|[①②③④⑤⑥⑦⑧⑨⑩])[,:]?"
)
_LAST_JOIN = re.compile(r"以及|和|与|及")


def _ordinal(token: str) -> int:
    """1 for 一 / 1 / ① / 首先, 10 for 十, 12 for 十二; 0 when unknown."""
    if token.isdigit():
        return int(token)
    if token in "①②③④⑤⑥⑦⑧⑨⑩":
        return "①②③④⑤⑥⑦⑧⑨⑩".index(token) + 1
    digits = {c: i + 1 for i, c in enumerate(_CN[:9])}
    if token == "十":
        return 10
    if token.startswith("十") and len(token) == 2:
        return 10 + digits.get(token[1], 0)
    if len(token) == 1:
        return digits.get(token, 0)
    if len(token) == 2 and token[1] == "十":
        return 10 * digits.get(token[0], 0)
    return 0


def _marker_run(kind: str, pattern: re.Pattern, view: str) -> list[re.Match]:
    """The first run of markers numbered 1, 2, 3 … (首先, 其次…, 最后) in reading order."""
    matches = list(pattern.finditer(view))
    if kind == "sequence":
        run: list[re.Match] = []
        for m in matches:
            word = m.group(1)
            if word == "首先":
                if len(run) >= 2:
                    break
                run = [m]
            elif run and run[-1].group(1) != "最后":
                run.append(m)
        return run
    run = []
    for m in matches:
        n = _ordinal(m.group(1))
        if n == 1 and len(run) < 2:
            run = [m]
        elif run and n == _ordinal(run[-1].group(1)) + 1:
            run.append(m)
        elif run and n == 1:
            break
    return run


def _trim_item(view: str, start: int, end: int, kind: str = "") -> Span:
    head = _ITEM_HEAD.match(view, start)
    if head:
        start = head.end()
    if kind == "cue":
        marker = _ITEM_MARKER.match(view, start, end)
        start = marker.end() if marker else start
    if kind in ("shi", "cue"):
        while start < end and view[start] == "是":
            start += 1
    tail = _ITEM_TAIL.search(view, start, end)
    if tail and tail.end() == end:
        end = tail.start()
    return start, end


def _marker_items(kind: str, pattern: re.Pattern, view: str) -> list[Span]:
    run = _marker_run(kind, pattern, view)
    if len(run) < 2:
        return []
    items = []
    for i, m in enumerate(run):
        stop = run[i + 1].start() if i + 1 < len(run) else len(view)
        terminator = _TERMINATORS.search(view, m.end(), stop)
        end = terminator.start() if terminator else stop
        start, end = _trim_item(view, m.end(), end, kind)
        if start < end:
            items.append((start, end))
    return items if len(items) >= 2 else []


def _cue_runs(view: str) -> list[list[Span]]:
    """Item lists after 主要体现为/包括/分为 …, separated by ；or 、 up to the sentence's end."""
    runs: list[list[Span]] = []
    for cue in _CUE.finditer(view):
        if runs and cue.start() < runs[-1][-1][1]:
            continue
        stop = re.compile(r"[。!?\n]").search(view, cue.end())
        region_end = stop.start() if stop else len(view)
        region = view[cue.end() : region_end]
        if cue.group().endswith(":") and ";" in region:
            cuts = [m.start() + cue.end() for m in re.finditer(";", region)]
        else:
            comma = region.find(",")
            if comma >= 0:
                region_end = cue.end() + comma
                region = region[:comma]
            cuts = [m.start() + cue.end() for m in re.finditer("、", region)]
        if not cuts:
            continue
        bounds = [cue.end()] + [c + 1 for c in cuts]
        ends = cuts + [region_end]
        items = [_trim_item(view, s, e, "cue") for s, e in zip(bounds, ends)]
        last_start, last_end = items[-1]
        tail = _TAIL_COUNT.search(view, last_start, last_end)
        if tail and tail.end() == last_end and tail.start() > last_start:
            items[-1] = _trim_item(view, last_start, tail.start())
        items = _split_last(view, items)
        items = [(s, e) for s, e in items if s < e]
        if len(items) >= 2:
            runs.append(items)
    return runs


def _split_last(view: str, items: list[Span]) -> list[Span]:
    """"A、B以及C" → A, B, C: split the last item at its conjunction when the parts are
    about as long as the other items."""
    start, end = items[-1]
    joins = list(_LAST_JOIN.finditer(view, start, end))
    if not joins or len(items) < 2:
        return items
    join = joins[-1]
    mean = sum(e - s for s, e in items[:-1]) / len(items[:-1])
    left, right = (start, join.start()), (join.end(), end)
    sizes = (left[1] - left[0], right[1] - right[0])
    if min(sizes) >= 2 and (join.group() == "以及" or all(0.5 * mean <= n <= 2 * mean for n in sizes)):
        return items[:-1] + [left, right]
    return items


def list_items(text: str, near: int | None = None) -> list[Span]:
    """Spans of the items the text enumerates (一是/第一/（一）/1./首先…/包括A、B、C), markers
    and trailing punctuation trimmed; [] when fewer than 2 items.

    With several enumerations, the one around offset `near` wins (else the nearest after or
    before it); without `near`, the one that starts first.
    """
    if not text.strip():
        return []
    view = aligned_view(text)
    runs = [items for kind, pattern in _MARKERS if (items := _marker_items(kind, pattern, view))]
    runs += _cue_runs(view)
    if not runs:
        return []
    if near is None:
        return min(runs, key=lambda items: (items[0][0], -len(items)))

    def distance(items: list[Span]) -> int:
        first, last = items[0][0], items[-1][1]
        return 0 if first <= near <= last else (first - near if first > near else 2 * (near - last))

    return min(runs, key=lambda items: (distance(items), items[0][0], -len(items)))


_HEADING = re.compile(
    r"^\s*(第[" + _CN + r"]+[、.．,，]?|[" + _CN + r"]+[、.．]|[(（][" + _CN + r"\d]{1,3}[)）]"
    r"|\d{1,2}(?:[.．、](?!\d)|\s)|[①②③④⑤⑥⑦⑧⑨⑩])\s*(\S.*?)[\s。.;；,，:：]*$"
)


def numbered_heading(section: str) -> tuple[str, str] | None:
    """(marker, title) of a numbered heading such as "1.政府治理理念不完善。" or "(三)行动调适:…";
    None when the heading (the last part of a " > " path) is not numbered."""
    last = section.rsplit(" > ", 1)[-1]
    match = _HEADING.match(last)
    if match is None or not match.group(2).strip():
        return None
    return match.group(1).strip(), match.group(2).strip()



_MARKED = re.compile(r"“[^”]{1,20}”|《[^》]{1,40}》")
_SERIES_GAP = re.compile(r"^(?:、|和|与|及|以及|)$")
_ITEM_LEAD_STOP = "，,。；;：:、（(）)"


def series_items(text: str) -> list[tuple[int, int]]:
    """Spans of a run of quoted or titled items ("“纵向协同”、地方政府间“横向协同”",
    "《A法》《B法》"): later items keep the modifier between the separator and their marks
    (where the first item's modifier starts cannot be told without parsing); [] below two."""
    view = aligned_view(text)
    best: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    previous_end = None
    for match in _MARKED.finditer(view):
        start = match.start()
        if previous_end is not None:
            gap = view[previous_end:start]
            # The modifier of an item ("地方政府间") may stand between the separator and the mark.
            separator = re.match(r"^(?:、|和|与|及|以及)?", gap).group()
            modifier = gap[len(separator):]
            joined = bool(_SERIES_GAP.match(separator)) and (separator or not modifier)
            if not joined and not (separator and len(modifier) <= 8 and not any(c in _ITEM_LEAD_STOP for c in modifier)):
                if len(run) > len(best):
                    best = run
                run = []
            elif run:
                start = previous_end + len(separator)
        run.append((start, match.end()))
        previous_end = match.end()
    if len(run) > len(best):
        best = run
    return best if len(best) >= 2 else []
