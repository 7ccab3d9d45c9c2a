"""Multi-turn questions: a follow-up such as "那浙江呢？" becomes a natural standalone question.

Deterministic rules, no model. A question is a follow-up when it opens with a connective, a
pronoun or 具体/详细 (那, 还有, 它, 他们, 该小组 …), is very short (or short and ends in 呢), or
names no topic of its own beyond words such as 措施 or 原因. Its topic is the latest earlier
question that was not itself a follow-up, or a follow-up already rewritten into a full question
(so "那浙江呢？" then "他们多久开一次会？" talk about 浙江). The rewrite, in the follow-up's script:

- an entity of the same kind is swapped in ("那浙江呢？" after "广东…由谁担任组长？" →
  "浙江…由谁担任组长？"; place for place, organisation for organisation, year for year);
- a pronoun or anaphor becomes the earlier subject ("该小组多久开一次会？" →
  "广东…领导小组多久开一次会？");
- otherwise "<topic phrase>，<follow-up>" ("社会质量视角下数字政府发展的现实困境，具体有哪些措施？").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rag.ingest.normalize import detect_script, normalize_for_match, to_simplified, to_traditional
from rag.ingest.tokenize import STOPWORDS
from rag.text.question import PLACES, QUESTION_WORD, Constraint, analyse_question, fold_place

# Openers that only make sense after an earlier question (longest first).
CONNECTIVES = ("那么", "那", "还有", "另外", "此外", "而且", "并且", "然后", "同时", "而")
PRONOUNS = (
    "它们", "他们", "她们", "它", "他", "她", "其", "这个", "这些", "这种", "这项", "这方面",
    "这里", "这", "那个", "那些", "那里", "该", "此", "上述", "前者", "后者",
)
# Openers that mark a follow-up but belong to its wording: "具体有哪些措施？".
FOLLOW_OPENERS = ("具体", "详细", "进一步")
# Words that ask how/what but name no topic: "怎么做的", "具体情况呢".
GENERIC = frozenset(
    """
    做 做的 怎么做 如何做 做法 情况 具体 具体地 方面 内容 样 样子 回事 意思 呢 啊 吗 办
    具体来说 进一步 详细 详细说说 说说 介绍 介绍一下 一下 还 又 再 地方 问题 方法 举个 举例 说明 解释
    """.split()
)
# Nouns a question asks about without naming its topic: "有哪些措施？", "原因是什么？".
ASPECTS = frozenset(
    """
    措施 举措 办法 做法 对策 建议 路径 途径 步骤 手段 方式 原因 理由 影响 作用 意义 成效 效果
    成果 结果 问题 困难 困境 风险 挑战 难点 特点 特征 表现 例子 案例 经验 教训 要求 目标 任务
    内容 方面 好处 优势 不足 缺点 职责 区别 关系 前提 条件 依据 标准 原则 体现
    """.split()
)
# Nouns that "该/这些 + noun" can mean of the earlier topic as a whole.
_ANAPHOR_NOUNS = tuple(
    sorted(
        {w for w in ASPECTS | GENERIC if len(w) > 1}
        | set("政策 改革 工作 模式 机制 方案 平台 文件 规划 文章 现象 项目 制度".split()),
        key=len,
        reverse=True,
    )
)
SHORT_CHARS = 4  # a question of at most this many word characters is a follow-up
TAIL_CHARS = 10  # ... and so is one of at most this many that ends in 呢 ("浙江的情况呢？")

_WORD = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_TRIM = re.compile(r"^[\s，,。：:、；;]+")
_END = re.compile(r"[\s？?。.！!]+$")
_COMMAS = re.compile(r"[\s，,、：:；;]+")

# Where a question's subject ends: the first predicate or question word after it.
_PREDICATE = re.compile(
    r"存在|由|是|在|为什么|为何|如何|怎么|怎样|面临|有哪|有什么|有多少|有没有|有何|包括|采取|通过|何时"
    r"|什么时候|多久|哪|谁|什么|多少|几|能否|是否|应该|应当|需要|主要"
)
_WH_NOUN = re.compile(
    r"(?:哪些|哪几(?:个|种|项|类|大)?|哪(?:个|种|项|类|一)|什么|几(?:个|种|项|类|大))"
    r"([\u4e00-\u9fff]{2,10})$"
)
_WH_VERB = re.compile(r"^(?:是|要|应|应该|应当|能|可以)?(?:如何|怎么|怎样|为什么|为何)([\u4e00-\u9fff]{2,20}?)(?:的|呢|了)*$")
_DONE = re.compile(r"([\u4e00-\u9fff]{2})了$")
_WHO_ROLE = re.compile(r"^(?:由|是)?谁(?:来)?(?:担任|出任|任|负责|领导|主持|牵头)([\u4e00-\u9fff]{2,20})$")
_LEADING = re.compile(r"^(?:请问|文章中|文中|本文中|根据文章|按照文章)[，,：:]?")
# Stand-ins for "a place" in a question: "各地是如何…" → "浙江是如何…".
_PLACE_SLOTS = re.compile(r"各地区|各地方|各省市|各省份|各地|各省|我国|国内|全国")
_GENERIC_SUBJECTS = frozenset("各地 各地区 各省 各级政府 政府 我国 国家 地方 地方政府 全国 各部门 国内".split())
_PLACE_SUFFIX = re.compile(r"^(?:省|市|自治区|特别行政区|地区|县|区)")
_SAME_KIND = {
    "place": ("place",), "organisation": ("organisation",), "year": ("year", "date"),
    "date": ("date", "year"), "number": ("number",), "ordinal": ("ordinal",),
    "title": ("title",), "quoted": ("quoted",), "article": ("article", "title"),
}
# Filler around an entity in an entity-only follow-up: "浙江的情况呢", "广东是怎么做的".
_ENTITY_FILLER = re.compile(
    r"^(?:的|是|在|又|呢|吗|啊|情况|做法|怎么样|怎样|如何|怎么做|是怎么做|是如何做|如何做|又如何|方面|这边|那边)*"
    r"(?:的)?(?:呢|吗|啊)?$"
)
_MORE = re.compile(r"^还有(?:呢|吗|没有|别的吗|其他的吗|其他吗)?$")
_KEEP_HUANYOU = re.compile(r"^还有(?=哪|什么|其他|别的|多少|没有|何)")
_DEMONSTRATIVES = ("这个", "这些", "这种", "这项", "这一", "那个", "那些", "上述", "该", "此")
_SUBJECT_PRONOUNS = ("它们", "他们", "她们", "它", "他", "她")

Tokenize = Callable[[str], list[str]]


@lru_cache(maxsize=1)
def _default_jieba():
    """jieba's default dictionary, built on first use (not at import)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def default_tokenize(text: str) -> list[str]:
    """Precise-mode jieba words of the normalised (Simplified, folded, lower-case) text."""
    return _default_jieba().lcut(normalize_for_match(text))


def content_terms(question: str, tokenize: Tokenize = default_tokenize) -> list[str]:
    """The question's topic words: no stopwords, pronouns, generic or one-character words."""
    skip = STOPWORDS | GENERIC | set(PRONOUNS) | set(CONNECTIVES)
    terms = [
        t.strip()
        for t in tokenize(question)
        if _WORD.search(t) and t.strip() and t.strip() not in skip and len(t.strip()) > 1
    ]
    return list(dict.fromkeys(terms))


def _word_chars(text: str) -> int:
    """How many letters, digits and CJK characters `text` has."""
    return len(_WORD.findall(text))


def strip_connective(question: str) -> str:
    """The question without a leading connective such as 那 / 那么 / 还有 (那个/那些 stay)."""
    text = question.strip()
    folded = normalize_for_match(text)  # 還有 → 还有; these openers keep their length
    if folded.startswith(("那个", "那些", "那里", "那样", "那种")):
        return text  # a pronoun, not 那 + …
    for word in CONNECTIVES:
        if folded.startswith(word) and len(text) > len(word):
            return _TRIM.sub("", text[len(word) :])
    return text


def is_follow_up(question: str, tokenize: Tokenize = default_tokenize) -> bool:
    """Whether `question` leans on an earlier turn (opener, very short, or no topic)."""
    text = normalize_for_match(question).strip()
    if text.startswith(CONNECTIVES) or text.startswith(PRONOUNS) or text.startswith(FOLLOW_OPENERS):
        return True
    size = _word_chars(text)
    if size <= SHORT_CHARS or (size <= TAIL_CHARS and text.rstrip("？?。.！! ").endswith("呢")):
        return True
    return not [t for t in content_terms(question, tokenize) if t not in ASPECTS]


def topic_terms(history: Sequence[str], tokenize: Tokenize = default_tokenize) -> list[str]:
    """Topic words of the latest earlier question that was not itself a follow-up."""
    for earlier in reversed(history):
        if not earlier or not earlier.strip():
            continue
        if not is_follow_up(earlier, tokenize):
            return content_terms(earlier, tokenize)
    # Only follow-ups so far: take whatever topic the most recent one names.
    for earlier in reversed(history):
        terms = content_terms(earlier or "", tokenize)
        if terms:
            return terms
    return []


# ---------------------------------------------------------------------------------------------
# The earlier question's topic


@dataclass(frozen=True)
class Topic:
    """What an earlier question is about (`topic_of` gives it in Simplified script).

    `question`: the question itself (trimmed); `subject`: the noun phrase before its predicate
    (广东数字政府改革建设工作领导小组); `phrase`: subject plus what was asked about, as a noun
    phrase (社会质量视角下数字政府发展的现实困境, 各地推进政务数据共享).
    """

    question: str
    subject: str
    phrase: str


def topic_of(question: str) -> Topic:
    """Subject and topic phrase of a standalone question (Simplified script)."""
    text = _LEADING.sub("", to_simplified(question.strip()))
    body = _END.sub("", text)
    match = next((m for m in _PREDICATE.finditer(body) if m.start() >= 2), None)
    if match is None:
        return Topic(text, "", _COMMAS.sub("", body))
    subject = _COMMAS.sub("", body[: match.start()]).rstrip("的")
    if QUESTION_WORD.search(subject):  # 什么是数字政府 / 谁提出了…: no subject to speak of
        return Topic(text, "", _COMMAS.sub("", body))
    rest = body[match.start() :]
    verb = _DONE.search(subject)  # 国务院办公厅印发了(什么文件): the verb is no part of it
    head = subject
    if verb and verb.start() >= 2:
        head, subject = subject[: verb.start()], subject[: verb.start()] + verb.group(1)
    phrase = subject
    noun = _WH_NOUN.search(rest)
    how = _WH_VERB.search(rest)
    role = _WHO_ROLE.search(rest)
    if role:
        phrase = subject + role.group(1)
    elif noun:
        phrase = f"{subject}的{noun.group(1)}" if not subject.endswith("的") else subject + noun.group(1)
    elif how:
        phrase = subject + how.group(1).rstrip("的")
    return Topic(text, head, phrase)


# ---------------------------------------------------------------------------------------------
# Rewriting one follow-up against a topic


def _locate(term: str, text: str) -> int:
    """Offset of a normalised constraint `term` in `text` (−1 when absent)."""
    view = normalize_for_match(text)
    if len(view) == len(text):
        return view.find(term)
    return to_simplified(text).find(term)


def _entity(body: str) -> tuple[Constraint, int, int] | None:
    """The first named entity of a follow-up body, with its span (place suffix included)."""
    for constraint in analyse_question(body).constraints:
        at = _locate(constraint.text, body)
        if at < 0:
            continue
        end = at + len(constraint.text)
        if constraint.kind == "place":
            suffix = _PLACE_SUFFIX.match(normalize_for_match(body[end:]))
            end += len(suffix.group()) if suffix else 0
        elif constraint.kind == "year" and body[end : end + 1] == "年":
            end += 1
        return constraint, at, end
    return None


def _substitute(topic: Topic, entity: Constraint, surface: str) -> str | None:
    """The topic question with its entity of the same kind replaced by `surface`."""
    text = topic.question
    for constraint in analyse_question(text).constraints:
        if constraint.kind not in _SAME_KIND.get(entity.kind, ()):
            continue
        if entity.kind == "year" and constraint.kind == "date":
            continue  # a year does not replace a full date
        at = _locate(constraint.text, text)
        if at < 0 or (constraint.kind == "organisation" and at > 0 and _CJK.match(text[at - 1])):
            continue  # 省政务服务数据管理局: the pattern caught only its tail
        end = at + len(constraint.text)
        new = entity.text if entity.kind in ("year", "date") else surface
        if constraint.kind == "place":
            suffix = _PLACE_SUFFIX.match(normalize_for_match(text[end:]))
            if suffix:
                end += len(suffix.group())  # 广东省 → 深圳 or 深圳市, never 深圳省
        return text[:at] + new + text[end:]
    if entity.kind == "place":
        view = normalize_for_match(text)
        slot = _PLACE_SLOTS.search(view) if len(view) == len(text) else None
        if slot:
            return text[: slot.start()] + surface + text[slot.end() :]
    return None


def _prefixed(topic: Topic, entity: Constraint, surface: str) -> str | None:
    """A place or year put before the topic question: "广东" + "数字人才如何培养？"."""
    if not topic.subject or topic.question.startswith(("《", "“", "\"", "「")):
        return None  # "浙江什么是数字政府" is no question
    if entity.kind == "place":
        return surface + topic.question
    if entity.kind == "year":
        year = surface if surface.endswith("年") else surface + "年"
        return year + topic.question
    return None


def _resolve_entity(body: str, topic: Topic, tokenize: Tokenize) -> str | None:
    """An entity-only follow-up ("浙江呢", "广东是怎么做的") as the topic question about it."""
    found = _entity(body)
    if found is None:
        return None
    entity, start, end = found
    rest = (body[:start] + body[end:]).strip()
    view = normalize_for_match(topic.question)
    if rest and not _ENTITY_FILLER.match(normalize_for_match(rest)):
        # Words of its own that the earlier question lacks: a new question, not a swap.
        if any(t not in ASPECTS and t not in view for t in content_terms(rest, tokenize)):
            return None
    surface = body[start:end]
    return _substitute(topic, entity, surface) or _prefixed(topic, entity, surface)


def _subject_for(topic: Topic) -> str | None:
    """The noun phrase a pronoun stands for: the subject, or the topic phrase if generic;
    None when the earlier question has no subject (谁最早关注…)."""
    subject = normalize_for_match(topic.subject)
    if len(subject) >= 2 and subject not in _GENERIC_SUBJECTS and fold_place(subject) not in PLACES:
        return topic.subject
    return topic.phrase if topic.subject else None


def _resolve_anaphor(body: str, topic: Topic) -> str | None:
    """A follow-up opening with a pronoun or "该/这个 + noun", the pronoun replaced."""
    folded = normalize_for_match(body)
    noun_phrase = _subject_for(topic)
    if noun_phrase is None:
        return None
    for pronoun in _SUBJECT_PRONOUNS:
        if folded.startswith(pronoun):
            return noun_phrase + body[len(pronoun) :]
    if folded.startswith("其中"):
        return noun_phrase + body[1:]
    if folded.startswith("其"):
        return noun_phrase + "的" + body[1:]
    for word in _DEMONSTRATIVES:
        if not folded.startswith(word):
            continue
        after = folded[len(word) :]
        subject, phrase = normalize_for_match(topic.subject), normalize_for_match(topic.phrase)
        for k in range(min(len(subject), 8), 1, -1):
            if after.startswith(subject[-k:]):  # 该小组 → 广东…领导小组
                return topic.subject + body[len(word) + k :]
        for k in range(min(len(phrase), 8), 1, -1):
            if phrase != subject and after.startswith(phrase[-k:]):  # 这些困境 → …的现实困境
                return topic.phrase + body[len(word) + k :]
        if topic.phrase and after.startswith(_ANAPHOR_NOUNS):  # 该做法 → 各地推进…的做法
            return f"{topic.phrase}的{body[len(word):]}"
        return None
    return None


def _with_topic(body: str, topic: Topic, more: str = "还有哪些？") -> str | None:
    """"<topic phrase>，<follow-up>"; a bare "还有呢" asks for `more` of the same."""
    folded = normalize_for_match(_END.sub("", body))
    if not topic.phrase or not _WORD.search(folded):
        return None
    if _MORE.match(folded):
        body = more
    return f"{topic.phrase}，{body}"


def _opener_stripped(question: str) -> str:
    """The follow-up without its connective; 还有 stays when it means "what else" (还有哪些…)."""
    folded = normalize_for_match(question)
    if _KEEP_HUANYOU.match(folded) or _MORE.match(_END.sub("", folded)):
        return question
    return strip_connective(question)


def _target_script(question: str, topic_question: str) -> str:
    """The follow-up's script; the earlier question's when the follow-up could be either."""
    cjk = "".join(c for c in question if "\u4e00" <= c <= "\u9fff")
    if cjk and (to_simplified(cjk) != cjk or to_traditional(cjk) != cjk):
        return detect_script(question)
    return detect_script(topic_question)


def _rewrite_one(question: str, topic_question: str, tokenize: Tokenize) -> tuple[str, bool] | None:
    """(rewrite, whether it is a full question) of one follow-up, in the follow-up's script."""
    body = _opener_stripped(question)
    topic = topic_of(topic_question)
    script = _target_script(question, topic_question)
    convert = to_traditional if script == "traditional" else (lambda s: s)
    own = topic_question.strip() if detect_script(topic_question) == script else convert(topic.question)
    shown = Topic(own, convert(topic.subject), convert(topic.phrase))
    entity = _resolve_entity(_END.sub("", body), shown, tokenize)
    if entity is not None:
        return entity, True
    anaphor = _resolve_anaphor(body, shown)
    if anaphor is not None:
        return anaphor, True
    if body != question.strip() and not is_follow_up(body, tokenize):
        return body, True  # "那广东是怎么推行一网通办的？" names its own topic: only 那 goes
    joined = _with_topic(body, shown, convert("还有哪些？"))
    return (joined, False) if joined else None


def rewrite_question(
    question: str,
    history: Sequence[str],
    tokenize: Tokenize = default_tokenize,
    max_chars: int | None = None,
) -> str:
    """`question` made a natural standalone question using the earlier questions in `history`
    (oldest first). Standalone questions come back unchanged (whitespace-trimmed); so does a
    follow-up when there is no earlier topic, or when the rewrite would exceed `max_chars`.
    """
    text = question.strip()
    if not history or not text or not is_follow_up(text, tokenize):
        return text
    topic_question = ""
    for earlier in history:
        earlier = (earlier or "").strip()
        if not earlier:
            continue
        if not is_follow_up(earlier, tokenize):
            topic_question = earlier
        elif topic_question:
            resolved = _rewrite_one(earlier, topic_question, tokenize)
            if resolved is not None and resolved[1]:
                topic_question = resolved[0]
    if not topic_question:
        return text
    resolved = _rewrite_one(text, topic_question, tokenize)
    if resolved is None:
        return text
    rewritten = resolved[0]
    if max_chars is not None and len(rewritten) > max_chars:
        return text
    return rewritten
