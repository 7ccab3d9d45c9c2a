"""The default generator: quotes the gate's evidence verbatim, shaped as a direct answer, a
numbered list or a few supporting sentences, each cited. No LLM needed."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from rag.answer.base import answer_text
from rag.answer.byline import asked_field, field_span
from rag.answer.shape import answer_phrase, list_items, numbered_heading, series_items
from rag.ingest.chunk import chunk_slice, sentence_spans
from rag.ingest.normalize import detect_script, normalize_for_match, to_script
from rag.text.match import bigram_share
from rag.types import Answer, AnswerSentence, Chunk, Citation, Evidence, GateDecision, Hit

_INLINE_REFERENCE = re.compile(r"\[\d{1,3}\]")
# Kinds of thing a list question asks for: an enumeration filed under another kind answers
# a different question ("现实困境" is not answered by the list of "深层原因").
CATEGORIES = ("困境", "原因", "对策", "策略", "路径", "措施", "挑战", "建议", "问题", "要素", "维度")
DIRECT = ("who", "date", "number", "place", "other")  # asks that a phrase can answer
LISTS = ("list",)  # asks that an enumeration in the source can answer
CONTINUED = ("reason", "method", "definition")  # asks whose answer follows a restatement


def display_text(sentence: str) -> str:
    """A sentence as shown in an answer: inline [1]-style references removed, one line."""
    return " ".join(_INLINE_REFERENCE.sub("", sentence).split())


def _bigrams(text: str) -> set[str]:
    view = "".join(c for c in normalize_for_match(text) if c.isalnum())
    return {view[i : i + 2] for i in range(len(view) - 1)} or {view}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


class _Citations:
    """Numbers passages [1], [2] … in order of first use and collects the quoted spans."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.chunks: dict[str, object] = {}
        self.spans: dict[str, list[tuple[int, int]]] = {}

    def cite(self, hit: Hit, start: int, end: int) -> int:
        chunk = hit.chunk
        n = self.numbers.setdefault(chunk.chunk_id, len(self.numbers) + 1)
        self.chunks[chunk.chunk_id] = chunk
        spans = self.spans.setdefault(chunk.chunk_id, [])
        if (start, end) not in spans:
            spans.append((start, end))
        return n

    def all(self) -> tuple[Citation, ...]:
        return tuple(
            Citation(n=n, chunk=self.chunks[cid], spans=tuple(self.spans[cid]))
            for cid, n in self.numbers.items()
        )


@dataclass(frozen=True)
class _Block:
    """Passages of one section of one document that follow each other, joined as one text
    whose offset 0 is document offset `start` (a byline card stands alone, in its own
    coordinates)."""

    hits: tuple[Hit, ...]
    start: int
    text: str
    section: str

    MAX_GAP_CHARS = 4  # only white space lies between consecutive passages

    @classmethod
    def join(cls, hits: list[Hit]) -> dict[str, "_Block"]:
        """Each hit's chunk id → the block it belongs to."""
        unique = {h.chunk.chunk_id: h for h in hits}.values()
        ordered = sorted(unique, key=lambda h: (h.chunk.doc_id, h.chunk.kind == "meta", h.chunk.start))
        runs: list[list[Hit]] = []
        for hit in ordered:
            last = runs[-1][-1].chunk if runs else None
            chunk = hit.chunk
            if (
                last is not None and chunk.kind != "meta" and last.kind != "meta"
                and chunk.doc_id == last.doc_id and chunk.section == last.section
                and 0 <= chunk.start - last.end <= cls.MAX_GAP_CHARS
            ):
                runs[-1].append(hit)
            else:
                runs.append([hit])
        out: dict[str, _Block] = {}
        for run in runs:
            first = run[0].chunk
            start = first.start if first.kind != "meta" else 0
            text = first.text
            for hit in run[1:]:
                text += "\n" * (hit.chunk.start - start - len(text)) + hit.chunk.text
            block = cls(tuple(run), start, text, first.section)
            out.update((h.chunk.chunk_id, block) for h in run)
        return out

    def local(self, doc_offset: int) -> int:
        """A document offset (a sentence of one of the block's passages) in block text."""
        return doc_offset - self.start

    def cite(self, start: int, end: int) -> tuple[Hit, int, int, str]:
        """`(hit, doc start, doc end, text)` of a block span, cut to the passage it starts in."""
        doc_start, doc_end = self.start + start, self.start + end
        hit = next(
            (h for h in self.hits if h.chunk.kind == "meta" or h.chunk.start <= doc_start < h.chunk.end),
            self.hits[-1],
        )
        if hit.chunk.kind != "meta":
            doc_end = min(doc_end, hit.chunk.end)
        return hit, doc_start, doc_end, self.text[start : doc_end - self.start]


class ExtractiveGenerator:
    """Shapes an answer from the gate's evidence sentences (best first).

    who/when/how many/which: a first line with the answer phrase, a span of the best
    sentence; lists: the source's own enumeration, item by item; otherwise the best
    sentences within `relative_cutoff` of the top one, without near-duplicates, in reading
    order. `seen` spans (quoted by the previous answer) are skipped when others remain.
    """

    name = "extractive"

    def __init__(
        self, max_sentences: int = 4, relative_cutoff: float = 0.8, max_answer_chars: int = 360,
        max_items: int = 8,
        direct_candidates: int = 5,
        restatement_chars: int = 60,
        follow_sentences: int = 2,
        list_candidates: int = 4,
        list_min_coverage: float = 0.4,
        cards: Mapping[str, Chunk] | None = None,
    ) -> None:
        self.max_sentences = max_sentences
        self.relative_cutoff = relative_cutoff
        self.max_answer_chars = max_answer_chars
        self.max_items = max_items
        self.direct_candidates = direct_candidates
        self.restatement_chars = restatement_chars
        self.follow_sentences = follow_sentences
        self.list_candidates = list_candidates
        self.list_min_coverage = list_min_coverage
        self.cards = dict(cards or {})  # doc_id → its byline card (the index's meta chunk)

    def select(self, evidence: list[Evidence]) -> list[Evidence]:
        """Best sentences within `relative_cutoff` of the top one, without near-duplicates."""
        ranked = sorted(evidence, key=lambda e: -e.score)
        chosen: list[Evidence] = []
        seen: list[set[str]] = []
        length = 0
        for candidate in ranked:
            if len(chosen) >= self.max_sentences:
                break
            if chosen and candidate.score < self.relative_cutoff * chosen[0].score:
                break
            grams = _bigrams(candidate.text)
            if any(_overlap(grams, other) >= 0.6 for other in seen):
                continue
            size = len(display_text(candidate.text))
            if chosen and length + size > self.max_answer_chars:
                continue
            chosen.append(candidate)
            seen.append(grams)
            length += size
        doc_rank: dict[str, int] = {}
        for candidate in chosen:
            doc_rank.setdefault(candidate.hit.chunk.doc_id, len(doc_rank))
        return sorted(
            chosen,
            key=lambda e: (doc_rank[e.hit.chunk.doc_id], e.hit.chunk.kind == "meta", e.start),
        )

    def generate(
        self,
        question: str,
        hits: list[Hit],
        decision: GateDecision,
        seen: Collection[tuple[str, int, int]] = (),
    ) -> Answer:
        """Quote the evidence the gate accepted; the gate has already decided to answer."""
        evidence = list(decision.evidence)
        fresh = [e for e in evidence if (e.hit.chunk.doc_id, e.start, e.end) not in set(seen)]
        evidence = fresh or evidence
        own = _in_own_section(question, evidence, lists=decision.asked in LISTS)
        evidence = own or evidence
        script = detect_script(question)
        cites = _Citations()
        sentences: list[AnswerSentence] = []

        def add(hit: Hit, start: int, end: int, text: str, role: str) -> None:
            n = cites.cite(hit, start, end)
            shown = to_script(display_text(text), script)
            if shown:
                sentences.append(AnswerSentence(text=shown, citations=(n,), role=role))

        card = self._card_fact(question, evidence)
        items = self._items(question, evidence, hits, bool(own)) if decision.asked in LISTS else []
        if card is not None:
            source, s, e = card
            add(Hit(chunk=source, score=0.0, rank=0), s, e, source.text[s:e], "direct")
            best = max(evidence, key=lambda c: c.score)  # the sentence that identifies the article
            if best.hit.chunk.kind != "meta":
                add(best.hit, best.start, best.end, best.text, "support")
        elif items:
            for hit, start, end, text in items:
                add(hit, start, end, text, "item")
        else:
            chosen = self.select(evidence)
            if decision.asked in DIRECT:
                found = self._direct(decision.asked, question, evidence)
                if found is not None:
                    source, s, e = found
                    add(source.hit, source.start + s, source.start + e, source.text[s:e], "direct")
                    if source not in chosen:  # the sentence that states it comes first
                        chosen = [source] + chosen[: self.max_sentences - 1]
            elif decision.asked in CONTINUED and chosen:
                chosen = self._continued(chosen)
            for candidate in chosen:
                add(candidate.hit, candidate.start, candidate.end, candidate.text, "support")
        text = answer_text(tuple(sentences))
        return Answer(
            question=question,
            text=text,
            refused=False,
            sentences=tuple(sentences),
            citations=cites.all(),
            evidence_score=decision.score,
            generator=self.name,
        )

    def lead(self, question: str, decision: GateDecision) -> tuple[str, ...]:
        """The text the answer rests on first: the gate's best evidence sentence; for a
        why/how/what-is question whose best sentence only restates the topic, that sentence
        and the ones that follow it (as `generate` quotes them); for a byline card, the whole
        card (its lines are one fact sheet, as the gate reads it). Empty without evidence."""
        if not decision.evidence:
            return ()
        best = max(decision.evidence, key=lambda e: e.score)
        if best.hit.chunk.kind == "meta":
            return (best.hit.chunk.text,)
        if decision.asked in CONTINUED:
            return tuple(e.text for e in self._continued([best]))
        return (best.text,)

    def _card_fact(self, question: str, evidence: list[Evidence]) -> tuple[Chunk, int, int] | None:
        """`(card, start, end)` of the author / title / source / date a question about an
        article asks for, from the card of the best evidence's article; None otherwise."""
        label = asked_field(normalize_for_match(question))
        if not label or not evidence:
            return None
        best = max(evidence, key=lambda e: e.score)
        card = self.cards.get(best.hit.chunk.doc_id)
        span = field_span(card.text, label) if card is not None else None
        return (card, *span) if span else None

    def _direct(self, asked: str, question: str, evidence: list[Evidence]):
        """`(evidence, start, end)` of the answer phrase in the best of the top sentences that
        states one, or None."""
        for candidate in sorted(evidence, key=lambda e: -e.score)[: self.direct_candidates]:
            span = answer_phrase(asked, question, candidate.text)
            if span is not None:
                return candidate, span[0], span[1]
        return None

    def _continued(self, chosen: list[Evidence]) -> list[Evidence]:
        """For why/how/what-is questions: a short best sentence that only restates the topic
        ("跨界领导格外重要。") is followed by the next sentences of its passage, which give the
        reasons or the definition."""
        lead = max(chosen, key=lambda e: e.score)
        if len(display_text(lead.text)) > self.restatement_chars:
            return chosen
        chunk = lead.hit.chunk
        following = [
            (start, end) for start, end in sentence_spans(chunk) if start >= lead.end
        ][: self.follow_sentences]
        extra = [
            Evidence(lead.hit, start, end, chunk_slice(chunk, start, end), 0.0, 0.0, 0.0)
            for start, end in following
        ]
        return [lead] + extra + [e for e in chosen if e is not lead][: max(0, self.max_sentences - 1 - len(extra))]

    def _items(
        self, question: str, evidence: list[Evidence], hits: list[Hit], own_section: bool = False
    ) -> list[tuple[Hit, int, int, str]]:
        """The enumeration that answers a list question: around the best sentences, read in
        their section's passages joined end to end (an enumeration often runs on into the next
        passage), or as numbered sibling sub-headings of the best passages' section. An
        enumeration under a heading of another category, or one that lists the question's
        own topic as an item (it is one level up), is not the answer. In the topic's own
        section (`own_section`) its heading says what the sentences are about, so they need
        not repeat the question's words."""
        view = normalize_for_match(question)
        asked = {c for c in CATEGORIES if c in view}
        options = []
        ranked = sorted(evidence, key=lambda e: -e.score)[: self.list_candidates]
        count = _asked_count(view)
        blocks = _Block.join([*hits, *(e.hit for e in evidence)])
        for rank, candidate in enumerate(ranked):
            if candidate.lexical < self.list_min_coverage and not own_section:
                continue  # an enumeration in a sentence that is barely about the question
            block = blocks[candidate.hit.chunk.chunk_id]
            section = normalize_for_match(block.section)
            filed = {c for c in CATEGORIES if c in section}
            if asked and filed and not asked & filed:
                continue
            local = (block.local(candidate.start), block.local(candidate.end))
            inner = [(local[0] + s, local[0] + e) for s, e in list_items(candidate.text)]
            for spans in (inner, list_items(block.text, near=local[0]), series_items(block.text)):
                if len(spans) < 2 or not (spans[0][0] <= local[1] + 200 and spans[-1][1] >= local[0] - 50):
                    continue  # only an enumeration that includes (or follows) the sentence
                texts = [normalize_for_match(block.text[s:e]) for s, e in spans]
                if any(len(t) >= 3 and t in view for t in texts):
                    continue
                if not _names_category(view, block.text, spans, section):
                    continue
                if count and len(spans) != count:
                    continue  # "哪三种政府" is not answered by a list of four
                inside = local[0] <= spans[0][0] and spans[-1][1] <= local[1]
                items = [block.cite(s, e) for s, e in spans]
                options.append(((not inside, rank, _noun_distance(view, block.text, spans)), items))
        if options:
            return min(options, key=lambda option: option[0])[1][: self.max_items]
        return self._heading_items(evidence)

    def _heading_items(self, evidence: list[Evidence]) -> list[tuple[Hit, int, int, str]]:
        """Sibling sections numbered 1./（一）… under one parent, each cited by its first
        evidence sentence; used when an article lists a category as sub-headings."""
        best = max(evidence, key=lambda e: e.score)
        parent = best.hit.chunk.section.rsplit(" > ", 1)[0] if " > " in best.hit.chunk.section else ""
        if not parent:
            return []
        by_section: dict[str, Evidence] = {}
        for candidate in sorted(evidence, key=lambda e: (e.hit.chunk.start, e.start)):
            section = candidate.hit.chunk.section
            if section.startswith(parent + " > ") and section not in by_section:
                if numbered_heading(section.rsplit(" > ", 1)[1]) is not None:
                    by_section[section] = candidate
        if len(by_section) < 2:
            return []
        out = []
        for section, candidate in by_section.items():
            out.append((candidate.hit, candidate.start, candidate.end, candidate.text))
        return out[: self.max_items]


_LIST_NOUN = re.compile(
    r"哪(?:些|几个?|[两二三四五六七八九十](?:个|种|大|项)?)[“”\"]?((?:[\u4e00-\u9fff+]|[“”\"]){2,12}?)(?:[?？,，]|$|构成|组成|方面)"
)
_TOPIC_END = re.compile(r"[，,]?(?:具体|主要)*(?:体现在|表现在|体现为|表现为|包括|包含|有哪些|有哪几|分为)")
_SOURCE_LEAD = re.compile(r"^.{0,20}?一文(?:认为|说|指出|提出|提到)?")
_GENERIC_NOUNS = ("方面", "部分", "环节", "内容", "类型", "问题")


_COUNTS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _asked_count(question_view: str) -> int:
    """N of "哪N个/种/项…" (0 when the question does not say how many)."""
    match = re.search(r"哪([两二三四五六七八九十])(?:个|种|项|类|大|点|方面|维度)", question_view)
    return _COUNTS[match.group(1)] if match else 0


def _list_noun(question_view: str) -> str:
    """What a list question asks a list of: "哪四个困境" → 困境, "哪些“互联网+”思维理念" → 思维理念."""
    match = _LIST_NOUN.search(question_view)
    if match is None:
        return ""
    return re.split(r"[“”\"]", match.group(1))[-1].strip("+")


def _noun_distance(question_view: str, text: str, spans: list[tuple[int, int]]) -> int:
    """How far from the enumeration the asked noun stands (smaller: it is what is listed)."""
    noun = _list_noun(question_view)
    if not noun:
        return 0
    head = normalize_for_match(text[max(0, spans[0][0] - 14) : spans[0][0]])
    tail = normalize_for_match(text[spans[-1][1] : spans[-1][1] + 10])
    distances = [len(head) - head.rfind(k) - len(k) for k in (noun, noun[:2], noun[-2:]) if k in head]
    distances += [tail.find(k) for k in (noun, noun[:2], noun[-2:]) if k in tail]
    return min(distances, default=99)


def _next_to(text: str, spans: list[tuple[int, int]], before: int = 14, after: int = 10) -> str:
    """The normalised words just before the first item and just after the last: where an
    enumeration says what it enumerates ("主要体现为…", "…四个困境", "…等相关法律"), within
    its own sentence."""
    head = re.split(r"[。！？!?\n]", text[max(0, spans[0][0] - before) : spans[0][0]])[-1]
    tail = re.split(r"[。！？!?\n]", text[spans[-1][1] : spans[-1][1] + after])[0]
    return normalize_for_match(head + "|" + tail)


def _names_category(question_view: str, text: str, spans: list[tuple[int, int]], section: str) -> bool:
    """Whether an enumeration names, right next to itself, what the question asks a list of
    ("哪四个困境" needs 困境 there, not somewhere else in the sentence; for "哪几个方面" the
    question's category, e.g. 困境, must be next to it or in its heading)."""
    noun = _list_noun(question_view)
    near = _next_to(text, spans)
    if noun and not noun.startswith(_GENERIC_NOUNS):
        # "哪几个机制" is also answered by items that each name one ("构建协调沟通机制").
        items = [normalize_for_match(text[s:e]) for s, e in spans]
        return noun[-2:] in near or noun[:2] in near or all(i.endswith(noun[-2:]) for i in items)
    categories = [c for c in CATEGORIES if c in question_view]
    if categories:
        return any(c in near or c in section for c in categories)
    # "社会信任不深体现在哪些方面": the topic itself must head the enumeration or its section;
    # "推进部门协同、构建责任型政府，……提升哪几个方面": a clause of the question is its heading.
    topic = _list_topic(question_view)
    heading = section.rsplit(">", 1)[-1]
    clauses = [c for c in re.split(r"[，,、；;]", question_view)[:-1] if len(c) >= 4]
    return (
        len(topic) < 2 or bigram_share(topic, near + section) >= 0.6
        or any(bigram_share(c, heading) >= 0.8 for c in clauses)
    )


def _list_topic(question_view: str) -> str:
    """What a "X体现在哪些方面" question is about, letters and digits only: "社会信任不深"."""
    topic = re.split(r"[，,]", _TOPIC_END.split(question_view)[0])[-1]
    topic = _SOURCE_LEAD.sub("", topic)  # "社会质量视角一文说政府治理理念不完善" → 政府治理理念不完善
    return "".join(ch for ch in topic if ch.isalnum())


def _in_own_section(question: str, evidence: list[Evidence], lists: bool = False) -> list[Evidence]:
    """The evidence under a heading that names the question's topic ("社会信任不深体现在哪些
    方面" is answered by the section "3.社会信任不深。", not by the overview that lists it).
    For a list question, a heading the question quotes counts too ("……提出改善运行机制，具体要建
    哪几个机制" is answered in "(三)改善运行机制,做好……")."""
    view = normalize_for_match(question)
    topic = _list_topic(view)
    letters = "".join(ch for ch in view if ch.isalnum())

    def names_topic(section: str) -> bool:
        heading = normalize_for_match(section.rsplit(" > ", 1)[-1])
        if len(topic) >= 4 and topic != letters and bigram_share(topic, heading) >= 0.8:
            return True
        if not lists:
            return False
        found = numbered_heading(heading)
        title = found[1] if found else heading
        lead = "".join(ch for ch in re.split(r"[,，:：;；。]", title)[0] if ch.isalnum())
        # Not the article's own name ("跨界治理一文" is not the section "一、跨界治理:……").
        return len(lead) >= 5 and lead in letters and lead + "一文" not in letters

    return [e for e in evidence if e.hit.chunk.section and names_topic(e.hit.chunk.section)]
