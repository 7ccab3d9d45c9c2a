"""Minimal-pair negatives: answerable questions with exactly one constraint changed.

`python -m eval.make_pairs` reads the answerable rows of `eval/dev.jsonl` and
`eval/test.jsonl` and, for each, swaps one term of the question — a place, an
organisation, a person, a year or date, a number, a 《title》 or the predicate — for a
hand-picked alternative from the tables below (no model involved). Every candidate is
checked against the cleaned articles (`check_pair`) and dropped when the new term could
still be supported by the text. The survivors are written, deterministically, to
`eval/pairs_dev.jsonl` and `eval/pairs_test.jsonl`; each split is derived only from its
own questions.

The corpus check, in short: the new term (normalised: Simplified, half-width, lower-case)
must not occur in the gold sentences or the gold paragraphs of the original question, nor
in any sentence of the corpus that also holds one of the original key points or at least
two of the question's distinctive terms (words found in only a few corpus sentences).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.ingest.chunk import render_metadata
from rag.ingest.load import load_documents
from rag.ingest.normalize import detect_script, normalize_for_match, to_simplified, to_traditional

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"
SEEDS = ROOT / "seeds"
SPLITS = ("dev", "test")
NO_ANSWER = "资料中没有找到可以回答这个问题的内容。"
KINDS = ("place", "organisation", "person", "year", "number", "title", "predicate")
MAX_PER_QUESTION = 3
# Sentences end at 。！？；… (full or half width) or a line break. Kept here, not imported, so
# that the committed pairs do not move when the answering side changes its own splitter.
_SENTENCE = re.compile(r"[^。！？!?；;…\n]+(?:[。！？!?；;…]+[”’」』）)\]]*)?")
# A question word is "distinctive" when it occurs in at most this many corpus sentences.
DISTINCTIVE_MAX_SENTENCES = 12

# ---------------------------------------------------------------------------------------
# Substitution tables, written by hand, in Simplified script. A Traditional-script question
# is matched (and rewritten) with the Traditional form of both terms. Rules are tried in
# this order; the alternatives of a rule are tried starting at a position that rotates
# with the question number, so that one place is not always swapped for the same other.
# Each `to` was chosen to be absent from the articles or, where present, unrelated to the
# question; `check_pair` enforces that mechanically.
# ---------------------------------------------------------------------------------------
Rule = tuple[str, str, tuple[str, ...]]

RULES: tuple[Rule, ...] = (
    # -- places (all occurrences are replaced, e.g. 广东 … “数字广东” → 江苏 … “数字江苏”)
    ("place", "广东", ("江苏", "四川", "山东", "湖南")),
    ("place", "浙江", ("湖南", "江苏")),
    ("place", "贵州", ("四川", "云南")),
    ("place", "福建", ("江西", "湖北")),
    ("place", "我国数据安全", ("欧盟数据安全",)),
    ("place", "国家为保护", ("欧盟为保护",)),
    # -- organisations
    ("organisation", "广东省人民政府", ("广州市人民政府",)),
    ("organisation", "浙江省人民政府", ("浙江省人大常委会",)),
    ("organisation", "国务院", ("全国人大常委会",)),
    ("organisation", "省财政厅", ("省发改委",)),
    ("organisation", "中央全面深化改革委员会", ("中央财经委员会",)),
    ("organisation", "卫健委", ("民政局",)),
    ("organisation", "国家大数据局", ("国家算力调度局",)),
    ("organisation", "工作领导小组", ("工作专家委员会",)),
    ("organisation", "省级大数据管理机构", ("市级大数据管理机构",)),
    ("organisation", "专责运营机构", ("专责监管机构", "专责审计机构")),
    ("organisation", "各厅局信息中心", ("各市县信息中心",)),
    ("organisation", "省级各单位", ("各地市单位",)),
    ("organisation", "政务平台", ("企业平台", "银行系统")),
    ("organisation", "审计咨询机构", ("互联网公司",)),
    ("organisation", "政府对舆论", ("主流媒体对舆论",)),
    ("organisation", "大数据企业", ("外资企业",)),
    ("organisation", "政务数据目录", ("企业数据目录",)),
    ("organisation", "各地区按照", ("各中央企业按照", "各高校按照")),
    # -- people and the roles they hold
    ("person", "黄璜", ("郁建兴",)),
    ("person", "曼纽尔·卡斯特", ("安东尼·吉登斯",)),
    ("person", "简·E.芳汀", ("帕特里克·邓利维",)),
    ("person", "赵娟、孟天广", ("王浦劬、孟庆国",)),
    ("person", "哈默", ("德鲁克",)),
    ("person", "廖福崇", ("郁建兴",)),
    ("person", "戴长征、鲍静", ("竺乾威、蓝志勇",)),
    ("person", "黄未、陈加友", ("王浦劬、孟庆国",)),
    ("person", "省长", ("省委书记",)),
    ("person", "担任组长", ("担任副组长",)),
    ("person", "省政府最高行政首长", ("省委主要负责人",)),
    ("person", "上了年纪的人", ("年轻人",)),
    ("person", "责任编辑", ("英文译者",)),
    ("person", "一文的编辑", ("一文的英文译者",)),
    ("person", "一文的作者", ("一文的英文译者",)),
    ("person", "复合型数字人才", ("外籍专家",)),
    ("person", "老年人、残疾人以及偏远地区民众", ("青年公务员",)),
    ("person", "领导者对业务", ("普通公务员对业务",)),
    # -- years and dates
    ("year", "2001年", ("2005年",)),
    ("year", "2019年底", ("2015年底",)),
    ("year", "2022年6月", ("2014年6月", "2020年3月")),
    ("year", "二〇三五年", ("二〇五〇年",)),
    ("year", "目前有多少家", ("2015年有多少家",)),
    ("year", "改革前", ("2010年",)),
    ("year", "近年来", ("2000年以前",)),
    # -- numbers
    ("number", "哪三个", ("哪五个",)),
    ("number", "哪四个", ("哪六个",)),
    ("number", "哪五个", ("哪七个",)),
    ("number", "哪三种", ("哪五种",)),
    ("number", "三位一体", ("四位一体",)),
    ("number", "三融五跨", ("四融六跨",)),
    ("number", "十四五", ("十三五",)),
    ("number", "四中全会", ("六中全会",)),
    # -- 《titles》
    (
        "title",
        "《社会质量视角下数字政府发展的现实困境与优化路径》",
        ("《数字政府建设的国际经验与本土路径》",),
    ),
    ("title", "《政府治理的数字化转型优化策略》", ("《基层治理数字化的实践困境与突破》",)),
    (
        "title",
        "《中共中央关于制定国民经济和社会发展第十四个五年规划和二〇三五年远景目标的建议》",
        ("《中共中央关于制定国民经济和社会发展第十三个五年规划的建议》",),
    ),
    (
        "title",
        "《数字政府的纵向治理逻辑:分层体系与协同治理》",
        ("《数字政府的横向治理逻辑:府际合作与协同治理》",),
    ),
    ("title", "《数字政府治理法》", ("《电子政务法》",)),
    ("title", "《数字政府:政策、特征与概念》", ("《数字政府:理论、实践与展望》",)),
    ("title", "《中国行政管理》", ("《行政论坛》",)),
    ("title", "《关于加强数字政府建设的指导意见》", ("《关于加快推进电子证照扩大应用领域的指导意见》",)),
    (
        "title",
        "《浙江省深化“最多跑一次”改革推进政府数字化转型工作总体方案》",
        ("《浙江省公共数据开放与安全管理暂行办法》",),
    ),
    ("title", "《广东省“数字政府”建设总体规划》", ("《广东省数字政府建设三年行动计划》",)),
    # -- predicates (the relation asked about is reversed or replaced)
    ("predicate", "最早", ("最晚",)),
    ("predicate", "文章主张", ("文章反对",)),
    ("predicate", "重要组成部分", ("对立面",)),
    ("predicate", "供给不足", ("供给过剩",)),
    ("predicate", "相继出台或修订了", ("相继废止了",)),
    ("predicate", "容易造成", ("能够避免",)),
    ("predicate", "为什么会出现", ("为什么能避免",)),
    ("predicate", "积极性不高", ("积极性很高",)),
    ("predicate", "能够提升", ("反而会削弱",)),
    ("predicate", "广义", ("狭义",)),
    ("predicate", "审议通过", ("否决",)),
    ("predicate", "印发", ("废止",)),
    ("predicate", "提出要利用", ("反对利用",)),
    ("predicate", "提出要培养", ("反对培养",)),
    ("predicate", "适当提高", ("适当降低",)),
    ("predicate", "需要加强", ("需要限制",)),
    ("predicate", "引用了", ("反驳了",)),
    ("predicate", "反应速度为什么较慢", ("反应速度为什么较快",)),
    ("predicate", "格外重要", ("无关紧要",)),
    ("predicate", "共撤销了", ("共新建了",)),
    ("predicate", "成立了", ("撤销了",)),
    ("predicate", "合资成立", ("联合收购",)),
    ("predicate", "增强管控水平", ("削弱管控水平",)),
    ("predicate", "作者期待", ("作者担心",)),
    ("predicate", "奖励形式", ("惩罚形式",)),
    ("predicate", "群众并不买账", ("群众十分买账", "群众非常认可")),
    ("predicate", "是什么时候发布的", ("是什么时候撤稿的",)),
    ("predicate", "必要条件", ("主要障碍",)),
    ("predicate", "推进数据开放共享时", ("限制数据开放共享时",)),
    ("predicate", "吸引力受限", ("吸引力大增",)),
    ("predicate", "会带来问题", ("能够避免问题",)),
    ("predicate", "如何帮助构建", ("如何阻碍构建",)),
    ("predicate", "实现民主与效率兼得", ("以牺牲民主换取效率",)),
    ("predicate", "引入", ("淘汰",)),
    ("predicate", "是为了防止", ("是为了鼓励",)),
    ("predicate", "的出台", ("的废止",)),
    ("predicate", "推出的", ("下线的",)),
    ("predicate", "很容易成为", ("很难成为",)),
    ("predicate", "依旧解决不了", ("顺利解决了",)),
    ("predicate", "撤掉", ("保留",)),
    ("predicate", "逐渐被数字社会边缘化", ("逐渐在数字社会中占据优势",)),
    ("predicate", "由谁审核", ("由谁翻译",)),
    ("predicate", "来自哪个单位", ("毕业于哪所大学", "获得过哪些奖项")),
    ("predicate", "发展滞后", ("发展领先",)),
    ("predicate", "首次正式提出", ("正式叫停",)),
    ("predicate", "首次提出", ("正式叫停",)),
    ("predicate", "融于一体", ("彼此割裂",)),
    ("predicate", "文章建议", ("文章反对",)),
    ("predicate", "一文建议在设计", ("一文反对在设计",)),
    ("predicate", "如何界定", ("如何批判",)),
    ("predicate", "如何定义", ("如何否定",)),
    ("predicate", "兴起", ("衰落",)),
    ("predicate", "存在的主要问题", ("存在的主要优势",)),
    ("predicate", "为什么分别推出", ("为什么联合推出",)),
    ("predicate", "出台的", ("废止的",)),
    ("predicate", "虽提升了", ("虽降低了",)),
    ("predicate", "社会凝聚不强", ("社会凝聚过强",)),
    ("predicate", "社会赋权不够", ("社会赋权过度",)),
    ("predicate", "产生价值错位", ("实现价值统一",)),
    ("predicate", "推出了", ("废止了",)),
    ("predicate", "刊载于哪个网站", ("被哪些期刊转载",)),
    ("predicate", "健全容错纠错机制", ("取消容错纠错机制",)),
)

# Rules a question must not receive, with the reason. A compound question keeps one of its
# parts answerable when only the other part's constraint changes.
SKIP: dict[str, frozenset[str]] = {
    # "时任福建省省长的习近平": a role swap on a named office-holder reads as a quibble about
    # titles rather than a question the articles cannot answer.
    "dev-046": frozenset({"省长"}),
    # "哪位学者最早关注…?他如何界定…?": a new verb in the second half leaves the first answerable.
    "dev-002": frozenset({"如何界定"}),
    # "广东推出的“粤系列”": swapping the province leaves the 粤 brand and reads as nonsense.
    "test-046": frozenset({"广东"}),
    # Two articles asked about at once ("X一文和《Y》分别…"): a new 《title》 leaves X answerable.
    "dev-073": frozenset({"《政府治理的数字化转型优化策略》"}),
    "dev-074": frozenset({"《政府治理的数字化转型优化策略》"}),
    "test-067": frozenset({"《政府治理的数字化转型优化策略》"}),
    # "…基于哪些地方的经验,总结出了哪三种…": a new count leaves the places answerable.
    "test-008": frozenset({"哪三种"}),
    # "…何时印发《广东省…规划》的?该规划覆盖哪几年?": another issuer or verb leaves the years
    # answerable; only a new province or title changes both halves.
    "test-019": frozenset({"广东省人民政府", "印发"}),
    # "跨界治理一文说它何时启动?…又提到广东何时印发了什么规划?": a new verb for the second
    # half leaves the first answerable; only a new province changes both.
    "test-066": frozenset({"黄未、陈加友", "印发"}),
}


# ---------------------------------------------------------------------------------------
# The corpus view used by the check
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Corpus:
    """Normalised sentences of the cleaned articles (and their byline cards)."""

    texts: dict[str, str]  # doc_id -> cleaned text
    metas: dict[str, str]  # doc_id -> rendered metadata card
    sentences: tuple[str, ...]  # every sentence of every text and card, normalised

    def gold_context(self, span: dict) -> tuple[list[str], list[str]]:
        """The normalised sentences and paragraphs that overlap one gold span."""
        start, end = span["start"], span["end"]
        if span.get("field") == "meta":
            card = self.metas[span["doc_id"]]
            lines = [line for line in card.split("\n") if line]
            hit = [line for line in lines if _overlaps(card, line, start, end)]
            return [normalize_for_match(s) for s in hit or lines], [normalize_for_match(card)]
        text = self.texts[span["doc_id"]]
        sentences = [text[s:e] for s, e in split_sentences(text) if s < end and e > start]
        first = text.rfind("\n", 0, start) + 1
        last = text.find("\n", end)
        paragraph = text[first : last if last >= 0 else len(text)]
        return [normalize_for_match(s) for s in sentences], [normalize_for_match(paragraph)]

    def sentence_frequency(self, term: str) -> int:
        return sum(term in sentence for sentence in self.sentences)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the non-blank sentences of `text`."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def _overlaps(card: str, line: str, start: int, end: int) -> bool:
    position = card.find(line)
    return position < end and position + len(line) > start


@lru_cache(maxsize=2)
def load_corpus(seeds: Path = SEEDS) -> Corpus:
    documents = load_documents(Path(seeds)).documents
    texts = {d.doc_id: d.text for d in documents}
    metas = {d.doc_id: render_metadata(d) for d in documents}
    sentences: list[str] = []
    for doc_id in sorted(texts):
        text = texts[doc_id]
        sentences.extend(normalize_for_match(text[s:e]) for s, e in split_sentences(text))
        sentences.extend(normalize_for_match(line) for line in metas[doc_id].split("\n") if line)
    return Corpus(texts, metas, tuple(sentences))


# Words that say nothing about the topic of a question; never treated as distinctive.
_FUNCTION_WORDS = frozenset(
    """
    文章 一文 文中 作者 哪些 哪个 什么 如何 怎样 为什么 多少 是否 分别 各自 认为 提出 指出
    提到 主要 方面 问题 以前 之后 以来 时候 一个 进行 建设 数字 政府 数字政府 治理 我国
    国家 需要 应当 可以 这一 这种
    """.split()
)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def distinctive_terms(question: str, corpus: Corpus, exclude: Iterable[str] = ()) -> list[str]:
    """Words of `question` (normalised) that occur in only a few corpus sentences."""
    excluded = [normalize_for_match(term) for term in exclude if term]
    terms: list[str] = []
    for word in _jieba().lcut(normalize_for_match(question)):
        word = word.strip()
        if len(word) < 2 or word in _FUNCTION_WORDS or word in terms:
            continue
        if any(word in term or term in word for term in excluded):
            continue
        if 1 <= corpus.sentence_frequency(word) <= DISTINCTIVE_MAX_SENTENCES:
            terms.append(word)
    return terms


def check_pair(original: dict, changed: dict, question: str, corpus: Corpus | None = None) -> list[str]:
    """Reasons why the changed question may still be answerable; empty when it passes.

    `original` is the answerable row, `changed` the {"kind", "from", "to"} record and
    `question` the rewritten question.
    """
    corpus = corpus or load_corpus()
    problems: list[str] = []
    old, new = changed["from"], changed["to"]
    if changed.get("kind") not in KINDS:
        problems.append(f"unknown kind {changed.get('kind')!r}")
    if not old or old not in original["question"]:
        problems.append(f"{old!r} does not occur in the original question")
    if not new or new not in question:
        problems.append(f"{new!r} does not occur in the changed question")
    if question == original["question"]:
        problems.append("the changed question is identical to the original")
    if normalize_for_match(question) == normalize_for_match(original["question"]):
        problems.append("the changed question normalises to the original")
    terms = changed_terms(old, new, changed.get("kind", ""))
    # 1. Not in the gold sentences or the gold paragraphs.
    for span in original.get("gold", []):
        sentences, paragraphs = corpus.gold_context(span)
        for term in terms:
            if any(term in sentence for sentence in sentences):
                problems.append(f"{term!r} occurs in a gold sentence")
            elif any(term in paragraph for paragraph in paragraphs):
                problems.append(f"{term!r} occurs in a gold paragraph")
    # 2. Never in one sentence with a key point or with two distinctive question terms.
    key_points = [normalize_for_match(k) for k in original.get("key_points", [])]
    anchors = distinctive_terms(question, corpus, exclude=(new, old))
    needed = min(2, len(anchors))
    for term in terms:
        for sentence in corpus.sentences:
            if term not in sentence:
                continue
            hits = [k for k in key_points if k in sentence]
            if hits:
                problems.append(f"{term!r} shares a sentence with key point {hits[0]!r}")
                break
            shared = [a for a in anchors if a in sentence]
            if needed and len(shared) >= needed:
                problems.append(f"{term!r} shares a sentence with {shared[:needed]}")
                break
    return problems


def changed_terms(old: str, new: str, kind: str = "") -> list[str]:
    """The normalised strings whose presence in the text would undo the change.

    The whole new term and the part of it that differs from the old term (common prefix
    and suffix stripped, e.g. 成立了 → 撤销了 gives 撤销); for a year, the year itself
    (2014年6月 gives 2014年); for a name (place, organisation, person), also its words
    absent from the old term (e.g. 全国人大常委会 gives 全国人大, 常委会).
    """
    old_n, new_n = normalize_for_match(old), normalize_for_match(new)
    terms = [new_n]
    prefix = 0
    while prefix < min(len(old_n), len(new_n)) and old_n[prefix] == new_n[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old_n), len(new_n)) - prefix and old_n[-1 - suffix] == new_n[-1 - suffix]:
        suffix += 1
    core = new_n[prefix : len(new_n) - suffix].strip("《》“”「」:,、 ")
    if len(core) >= 2 and core not in terms:
        terms.append(core)
    if kind == "year":
        for year in re.findall(r"[0-9]{4}年|[〇一二三四五六七八九]{4}年", new_n):
            if year not in old_n and year not in terms:
                terms.append(year)
    if kind in ("place", "organisation", "person"):
        for word in _jieba().lcut(new_n):
            word = word.strip("《》“”「」:,、 ")
            if len(word) >= 2 and word not in old_n and word not in _FUNCTION_WORDS and word not in terms:
                terms.append(word)
    return terms


# ---------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------
def _forms(term: str) -> list[str]:
    """The term as written in the tables and in Traditional script (deduplicated)."""
    forms = [term]
    for form in (to_traditional(term), to_simplified(term)):
        if form not in forms:
            forms.append(form)
    return forms


def candidates(row: dict, position: int, corpus: Corpus) -> list[tuple[dict, str]]:
    """Every passing (changed, new question) for one answerable row, in rule order."""
    found: list[tuple[dict, str]] = []
    seen: set[str] = set()
    question = row["question"]
    skipped = SKIP.get(row["id"], frozenset())
    for kind, old, alternatives in RULES:
        if old in skipped:
            continue
        literal = next((form for form in _forms(old) if form in question), None)
        if literal is None:
            continue
        traditional = literal != old or detect_script(question) == "traditional"
        for step in range(len(alternatives)):
            target = alternatives[(position + step) % len(alternatives)]
            target = to_traditional(target) if traditional else target
            if target == literal:
                continue
            new_question = question.replace(literal, target)
            changed = {"kind": kind, "from": literal, "to": target}
            if new_question in seen or check_pair(row, changed, new_question, corpus):
                continue
            seen.add(new_question)
            found.append((changed, new_question))
            break
    return found


def choose(found: Sequence[tuple[dict, str]], limit: int = MAX_PER_QUESTION) -> list[tuple[dict, str]]:
    """Up to `limit` candidates, one per kind first (in rule order), then the rest."""
    chosen: list[tuple[dict, str]] = []
    kinds: set[str] = set()
    for item in found:
        if item[0]["kind"] not in kinds and len(chosen) < limit:
            chosen.append(item)
            kinds.add(item[0]["kind"])
    for item in found:
        if item not in chosen and len(chosen) < limit:
            chosen.append(item)
    order = {id(item): index for index, item in enumerate(found)}
    return sorted(chosen, key=lambda item: order[id(item)])


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def make_pairs(rows: Sequence[dict], split: str, corpus: Corpus | None = None) -> list[dict]:
    """The minimal-pair rows derived from one split's answerable questions."""
    corpus = corpus or load_corpus()
    pairs: list[dict] = []
    for position, row in enumerate(rows):
        if not row.get("answerable") or row.get("split", split) != split:
            continue
        for changed, question in choose(candidates(row, position, corpus)):
            pairs.append(
                {
                    "id": f"{split}-mp-{len(pairs) + 1:03d}",
                    "split": split,
                    "type": "minimal_pair",
                    "question": question,
                    "answerable": False,
                    "reference_answer": NO_ANSWER,
                    "key_points": [],
                    "gold": [],
                    "origin": "make_pairs",
                    "pair_of": row["id"],
                    "changed": changed,
                }
            )
    return pairs


def render(pairs: Sequence[dict]) -> str:
    return "".join(json.dumps(pair, ensure_ascii=False) + "\n" for pair in pairs)


def build(eval_dir: Path = EVAL, out_dir: Path | None = None, seeds: Path = SEEDS) -> dict[str, Path]:
    """Write `pairs_<split>.jsonl` for both splits into `out_dir` (default: `eval_dir`)."""
    out_dir = Path(out_dir or eval_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = load_corpus(Path(seeds))
    written: dict[str, Path] = {}
    for split in SPLITS:
        pairs = make_pairs(read_rows(Path(eval_dir) / f"{split}.jsonl"), split, corpus)
        path = out_dir / f"pairs_{split}.jsonl"
        path.write_text(render(pairs), encoding="utf-8")
        written[split] = path
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: eval/)")
    args = parser.parse_args(argv)
    for split, path in build(out_dir=args.out).items():
        rows = read_rows(path)
        kinds: dict[str, int] = {}
        for row in rows:
            kinds[row["changed"]["kind"]] = kinds.get(row["changed"]["kind"], 0) + 1
        print(f"{split}: {len(rows)} pairs -> {path}  {dict(sorted(kinds.items()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
