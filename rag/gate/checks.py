"""The gate's checks, each a pure function over normalised text: found, filled, supported."""

from __future__ import annotations

import re

from rag.answer.support import content_chars, support_score
from rag.text.match import bigram_share, compact
from rag.text.question import Constraint, fold_place

_YEAR = re.compile(r"(?:19|20)\d{2}|[〇一二三四五六七八九零]{4}年|年底|年初|年中|上半年|下半年")
_MONTH = re.compile(r"\d{1,2}\s*月|[一二三四五六七八九十]{1,2}月|\d{4}-\d{1,2}")
_DAY = re.compile(r"\d{1,2}\s*[日号]|[一二三四五六七八九十]{1,3}[日号]|\d{4}-\d{1,2}-\d{1,2}")
_COUNT = re.compile(
    r"\d|[一二三四五六七八九十百千万两]+(?:个|项|家|次|名|条|位|种|倍|成|类|批|级|步|方面|大)"
    r"|每[年月季周天日]|季度|半数|[一二三四五六七八九十]+分之"
)
# A numeral that names rather than counts: 三级政府, 三大运营商. It fills only a question in the
# same measure (几级, 哪三大), not 多少个 or 多少股份.
_NAMING_NUMERAL = re.compile(r"[一二三四五六七八九十两]+(级|大)")
_YEAR_MENTION = re.compile(r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?|十[一二三四五]五")
_WHO = re.compile(
    r"长|主任|书记|主席|总理|学者|专家|教授|作者|编辑|审核|局|部|委|办|厅|政府|公司|中心|小组|会议|期刊|"
    r"网站|杂志|大学|学院|研究院|机构|企业|组织|[\u4e00-\u9fff]·[\u4e00-\u9fff]|等人|认为|指出|提出"
)
_PLACE_WORD = re.compile(r"[省市县区国州]")
# Common antonyms: a question word whose opposite, not itself, is what the evidence says
# ("起步早于" vs "起步较晚", "废止" vs "制定") asks about something the articles do not say.
_OPPOSITES = (
    ("早于", "晚于"), ("早于", "较晚"), ("最早", "最晚"), ("领先", "落后"), ("增加", "减少"),
    ("提高", "降低"), ("提升", "降低"), ("增强", "削弱"), ("加强", "削弱"), ("加强", "限制"),
    ("保留", "撤销"), ("保留", "撤并"), ("设立", "撤销"), ("成立", "撤销"), ("新建", "撤销"),
    ("支持", "反对"), ("主张", "反对"), ("建议", "反对"), ("提出", "反对"), ("制定", "废止"),
    ("制定", "废除"), ("出台", "废止"), ("印发", "废止"), ("通过", "否决"), ("审议通过", "否决"),
    ("取消", "保留"), ("首次", "再次"), ("较快", "较慢"), ("扩大", "缩小"), ("广义", "狭义"),
    ("奖励", "惩罚"), ("激励", "惩罚"), ("引用", "反驳"), ("认同", "反驳"), ("期待", "担心"),
    ("融于一体", "彼此割裂"), ("统一", "分散"), ("集中", "分散"), ("优势", "劣势"),
    ("不足", "过剩"), ("滞后", "超前"), ("组长", "副组长"), ("公开", "保密"),
)


def constraint_found(
    constraint: Constraint, window: str, context: str, title: str, authors: str = ""
) -> bool:
    """Whether a constraint is respected: in the cited window or its heading path
    (`context`); for article and title references, in the document's title; for people, also
    among its `authors` ("黄未、陈加友的文章主张…" refers to their article)."""
    text = compact(constraint.text)
    if constraint.kind == "article":
        return bigram_share(content_chars(text), content_chars(title)) >= 0.6
    if constraint.kind == "title":
        return text in window or bigram_share(content_chars(text), content_chars(title)) >= 0.8
    if constraint.kind == "place":
        text = fold_place(text)
    if constraint.kind == "term":  # a definiendum may be worded a little differently
        return bigram_share(text, window + context) >= 0.6
    if constraint.kind == "person" and text in authors:
        return True
    if text in window or text in context:
        return True
    # “聚不了、通不了” quotes what the article writes as “聚不了”,又“通不了”.
    plain = content_chars(text)
    return constraint.kind == "quoted" and len(text) >= 5 and len(plain) >= 2 and (
        bigram_share(plain, content_chars(window + context)) >= 0.75
    )


def slot_filled(asked: str, granularity: str, text: str) -> bool:
    """Whether `text` (constraint terms already taken out) can fill what is asked;
    `granularity` is the date precision or the measure word asked (`QuestionAnalysis`)."""
    if asked == "date":
        pattern = {"day": _DAY, "month": _MONTH}.get(granularity, _YEAR)
        return bool(pattern.search(text) or (granularity == "year" and _MONTH.search(text)))
    if asked == "number":  # a year is not the count or amount asked for
        text = _YEAR_MENTION.sub("", text)
        text = _NAMING_NUMERAL.sub(lambda m: m.group() if m.group(1) == granularity else "", text)
        return bool(_COUNT.search(text))
    if asked == "who":
        return bool(_WHO.search(text))
    if asked == "place":
        return bool(_PLACE_WORD.search(text))
    return True


def refuted(claim: str, window: str) -> str:
    """A word of the claim (a premise, or the question) whose opposite, not itself, the
    evidence says ("" when none)."""
    for word, opposite in _OPPOSITES:
        for said, other in ((word, opposite), (opposite, word)):
            # "副组长" holds "组长": the other word counts only outside the said one.
            if (said in claim and other not in claim.replace(said, "") and said not in window
                    and other in window.replace(said, "")):
                return said
    return ""


# Words a question may only use when the evidence does: a negative stance or a superlative
# attributed to the articles ("文章反对…", "最早提出…") is a claim of its own.
STATED_WORDS = (
    "反对", "批判", "否定", "否认", "担心", "担忧", "废止", "废除", "取消", "削弱", "限制", "反驳",
    "质疑", "否决", "抵制", "禁止", "放弃", "无关紧要", "过剩", "过强", "过多", "过于",
    "最早", "最晚", "首次", "首任", "唯一", "最先",
)


def unstated(view: str, window: str) -> str:
    """A stance or superlative word of the question that the evidence does not use ("")."""
    return next((w for w in STATED_WORDS if w in view and w not in window), "")


_COUNT_ASKED = re.compile(r"哪([两二三四五六七八九十])(个|种|大|项|类|点|步|维度|方面|要素)")
_NUMERALS = "两二三四五六七八九十"


def count_mismatch(view: str, window: str) -> str:
    """"六个" when the question asks for 哪六个 … and the evidence speaks of another count of
    the same kind ("四个") but not of six ("" when none)."""
    match = _COUNT_ASKED.search(view)
    if match is None:
        return ""
    number, unit = match.groups()
    same = {number, "二" if number == "两" else "两" if number == "二" else number}
    counts = set(re.findall(rf"([{_NUMERALS}])(?:个|大)?{unit}", window))
    if counts and not counts & same:
        return number + unit
    return ""


def premise_support(premise: str, window: str) -> float:
    """Share of the premise's content bigrams found in the evidence window."""
    return support_score(premise, [window]) if premise else 1.0


def anchor_share(contexts: tuple[str, ...], text: str) -> float:
    """How well `text` repeats the words around the question's wh-word: the best share, over
    the wh-words, of their context bigrams found in `text` (1.0 when there is no context).

    A near-miss question asks for a fact next to words the articles never use ("注册资本是
    多少", "接入了多少个"); a sentence that states the fact repeats some of them."""
    best = 1.0 if not contexts else 0.0
    for context in contexts:
        grams = {part[i : i + 2] for part in context.split("|") for i in range(len(part) - 1)}
        if grams:
            best = max(best, sum(g in text for g in grams) / len(grams))
    return best
