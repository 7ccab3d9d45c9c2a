"""The answerability gate: answer, answer with a caveat, or refuse, with reasons in Chinese.

Runs for every generator, between retrieval and generation. For each sentence of the top
passages it looks at a small window (the sentence and its neighbours) and asks:

* are the question's constraint terms (places, organisations, years, numbers, 《titles》,
  quoted terms, article references) in that window, after script and width folding;
* can the window fill what is asked (a date for 何时, a number for 多少, a name for 谁);
* is a premise stated in the question supported there, and not contradicted;
* is it relevant enough (IDF-weighted coverage of the question's terms, plus similarity).

Notes and references are never evidence unless the question asks about the literature.
Thresholds are calibrated on the dev split only (`python -m eval.calibrate`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.gate.checks import (
    anchor_share,
    constraint_found,
    count_mismatch,
    premise_support,
    refuted,
    slot_filled,
    unstated,
)
from rag.gate.scoring import SentenceScorer
from rag.ingest.normalize import normalize_for_match
from rag.text.match import compact
from rag.text.question import (
    PLACES,
    QUESTION_WORD,
    Constraint,
    QuestionAnalysis,
    analyse_question,
    fold_place,
)
from rag.types import Evidence, GateDecision, Hit

ANSWER, CAVEAT, REFUSE = "answer", "caveat", "refuse"
DECISIONS = (ANSWER, CAVEAT, REFUSE)

_SLOT_NAMES = {
    "date": "具体时间", "number": "具体数字", "who": "具体的人或机构", "place": "具体地点",
}
_GRANULARITY_NAMES = {"day": "具体到哪一天的日期", "month": "具体到月份的时间"}


@dataclass(frozen=True)
class GateThresholds:
    """The gate's calibrated numbers (fitted on eval/dev.jsonl and its negatives only)."""

    answer: float = 0.325  # least strength of the best qualifying window
    premise: float = 0.75  # least share of a premise's bigrams found in the window
    semantic_weight: float = 8.0
    semantic_floor: float = 0.8  # e5 cosines sit around 0.75–0.9: only the excess counts
    neighbours: int = 1  # sentences either side that make up a window
    anchor: float = 0.15  # least share of the wh-word's context repeated by the sentence


@dataclass(frozen=True)
class Judged:
    """One sentence window and what the checks found in it."""

    evidence: Evidence
    strength: float
    coverage: float  # IDF-weighted share of the question's terms in the window
    missing: tuple[Constraint, ...]
    slot_ok: bool
    premise_score: float
    refuted: str
    documents: tuple[Constraint, ...] = ()  # article and title references this window meets
    anchor: float = 1.0  # share of the wh-word's context that the sentence repeats

    def qualifies(self, th: "GateThresholds") -> bool:
        return (
            not self.missing and self.slot_ok and not self.refuted
            and self.premise_score >= th.premise and self.anchor >= th.anchor
        )


@dataclass
class AnswerabilityGate:
    """Decides whether retrieved passages can answer a question (see module docstring)."""

    scorer: SentenceScorer
    thresholds: GateThresholds = field(default_factory=GateThresholds)
    authors: dict[str, str] = field(default_factory=dict)  # doc_id → its authors, compacted
    name: str = "answerability"

    def decide(self, question: str, hits: list[Hit]) -> GateDecision:
        """The decision, its reasons and the evidence an answer may cite."""
        analysis, usable, judged = self.assess(question, hits)
        if not judged:
            return self._refuse(analysis, ["资料中没有与问题相关的内容。"], 0.0)
        contradicted = self.contradicted(judged, usable)
        if contradicted:
            reason = f"资料的说法与问题中的“{contradicted}”不符，资料中没有这样的说法。"
            return self._refuse(analysis, [reason], max(j.strength for j in judged))
        th = self.thresholds
        qualified = [j for j in judged if j.qualifies(th)]
        documents = [c for c in analysis.constraints if c.kind in ("article", "title")]
        if len(documents) >= 2 and not all(any(c in j.documents for j in qualified) for c in documents):
            qualified = []  # a question about several articles needs evidence from each
        best = max(qualified, key=lambda j: j.strength, default=None)
        if best is not None and best.strength >= th.answer:
            evidence = tuple(j.evidence for j in sorted(qualified, key=lambda j: -j.evidence.score))
            return GateDecision(ANSWER, (), best.strength, analysis.asked, evidence,
                                passages=tuple(usable))
        partial = self._partial_places(analysis, judged)
        if partial is not None:
            return partial
        reasons = self._reasons(analysis, judged, hits, usable)
        top = max((j.strength for j in judged), default=0.0)
        return self._refuse(analysis, reasons, best.strength if best else top)

    def assess(self, question: str, hits: list[Hit]):
        """`(analysis, usable hits, judged windows)`: everything the decision rests on."""
        analysis = analyse_question(question)
        usable = [h for h in hits if analysis.about_sources or h.chunk.kind != "notes"]
        return analysis, usable, self.judge(analysis, self.scorer.score(question, usable))

    def judge(self, analysis: QuestionAnalysis, scored: list[Evidence]) -> list[Judged]:
        """Run every check on every sentence window."""
        terms = self.scorer.terms(analysis.question)
        view, claim = compact(analysis.view), compact(analysis.premise or analysis.view)
        constraint_views = [compact(c.text) for c in analysis.constraints]
        documents = [c for c in analysis.constraints if c.kind in ("article", "title")]
        out = []
        for i, evidence in enumerate(scored):
            window = self._window(scored, i)
            sentence = self._sentence_view(evidence)
            chunk = evidence.hit.chunk
            context = compact(chunk.section)
            title = compact(chunk.title)
            authors = self.authors.get(chunk.doc_id, "")
            missing = tuple(
                c for c in analysis.constraints
                if not constraint_found(c, window, context, title, authors)
            )
            missing_all = missing
            if len(documents) >= 2 and any(c not in missing for c in documents):
                # A question about several articles: each window answers for one of them.
                missing = tuple(c for c in missing if c not in documents)
            # The asked fact must be in the sentence itself (or its byline card), not a neighbour.
            rest = sentence
            for text in constraint_views:
                rest = rest.replace(text, "")
            coverage = self.scorer.coverage(terms, window + context)
            semantic = max(0.0, evidence.semantic - self.thresholds.semantic_floor)
            out.append(Judged(
                evidence=evidence,
                strength=coverage + self.thresholds.semantic_weight * semantic,
                coverage=coverage,
                missing=missing,
                slot_ok=slot_filled(analysis.asked, analysis.granularity, rest),
                premise_score=premise_support(analysis.premise, window + context),
                refuted=refuted(claim, window + context)
                or count_mismatch(view, window)
                or unstated(view, window + context),
                documents=tuple(c for c in documents if c not in missing_all),
                anchor=1.0 if analysis.about_sources
                else anchor_share(analysis.slot_context, sentence),
            ))
        return out

    @staticmethod
    def contradicted(judged: list[Judged], usable: list[Hit]) -> str:
        """A question word whose opposite the evidence says and which no passage says at all
        ("最晚" where the articles say 最早, "哪六个" where they list four); "" when none."""
        said = "".join(compact(h.chunk.text + h.chunk.section) for h in usable)
        for j in judged:
            word = j.refuted
            if word and word not in said and not (word[-1] in "个种大项类点步" and word[:-1] + "个" in said):
                return word
        return ""

    @staticmethod
    def _sentence_view(evidence: Evidence) -> str:
        """The sentence with its heading path; a byline card counts whole (label and value
        sit on different lines: "作者：…")."""
        chunk = evidence.hit.chunk
        if chunk.kind == "meta":
            return compact(chunk.text)
        return compact(evidence.text + chunk.section)

    def _window(self, scored: list[Evidence], i: int) -> str:
        """The sentence at `i` with its neighbours from the same passage, compacted."""
        n = self.thresholds.neighbours
        chunk_id = scored[i].hit.chunk.chunk_id
        parts = [
            scored[j].text for j in range(max(0, i - n), min(len(scored), i + n + 1))
            if scored[j].hit.chunk.chunk_id == chunk_id
        ]
        return compact("".join(parts))

    def _partial_places(self, analysis: QuestionAnalysis, judged: list[Judged]) -> GateDecision | None:
        """A caveat when a question names several places and the evidence covers only some."""
        places = [c for c in analysis.constraints if c.kind == "place"]
        if len(places) < 2:
            return None
        th = self.thresholds
        usable = [
            j for j in judged
            if j.missing and all(c.kind == "place" for c in j.missing) and len(j.missing) < len(places)
            and j.slot_ok and j.premise_score >= th.premise and not j.refuted and j.strength >= th.answer
            and j.anchor >= th.anchor
        ]
        if not usable:
            return None
        covered = {c.text for c in places} - {c.text for j in usable for c in j.missing}
        if not covered:
            covered = {c.text for c in places} - {c.text for c in usable[0].missing}
        absent = [c.text for c in places if c.text not in covered]
        evidence = tuple(j.evidence for j in sorted(usable, key=lambda j: -j.evidence.score))
        caveat = f"资料只提到{'、'.join(sorted(covered))}的情况，没有提到{'、'.join(absent)}。"
        best = max(j.strength for j in usable)
        return GateDecision(CAVEAT, (caveat,), best, analysis.asked, evidence, caveat=caveat,
                            passages=tuple(j.evidence.hit for j in usable))

    def _reasons(
        self, analysis: QuestionAnalysis, judged: list[Judged], hits: list[Hit], usable: list[Hit]
    ) -> list[str]:
        """Why nothing qualified, most telling first, from the most relevant windows."""
        th = self.thresholds
        relevant = sorted(judged, key=lambda j: -j.strength)[:5]
        reasons: list[str] = []
        if hits and hits[0].chunk.kind == "notes" and not analysis.about_sources:
            reasons.append("最相关的内容只出现在注释或参考文献中，不能作为回答的依据。")
        lead = relevant[0]
        missing = [c for c in analysis.constraints if all(c in j.missing for j in relevant)]
        places = [c for c in missing if c.kind == "place"]
        if places:
            seen = self._places_in(relevant)
            named = "、".join(c.text for c in places)
            if seen:
                reasons.append(f"资料只提到{'、'.join(seen)}的情况，没有提到{named}。")
            else:
                reasons.append(f"资料中没有关于{named}的内容。")
        others = [c for c in missing if c.kind != "place"]
        if others:
            names = "、".join(_quote(c) for c in others)
            reasons.append(f"资料中与问题相关的内容没有提到{names}。")
        if not missing:
            candidates = [j for j in relevant if not j.missing]
            if candidates and not any(j.slot_ok for j in candidates):
                what = _GRANULARITY_NAMES.get(analysis.granularity) or _SLOT_NAMES.get(analysis.asked, "")
                if what:
                    reasons.append(f"资料没有给出问题所问的{what}。")
            elif candidates and analysis.slot_context and not any(j.anchor >= th.anchor for j in candidates):
                clause = next(
                    (c for c in re.split(r"[,，。？?；;]", analysis.question) if QUESTION_WORD.search(normalize_for_match(c))),
                    analysis.question,
                ).strip()
                reasons.append(f"资料提到了相关内容，但没有说到问题所问的这一点：“{clause}”。")
            elif candidates and analysis.premise and not any(
                j.premise_score >= th.premise and not j.refuted for j in candidates
            ):
                said = next((j.refuted for j in candidates if j.refuted), "")
                extra = f"（资料的说法与“{said}”不符）" if said else ""
                reasons.append(f"资料不支持问题中的说法：“{analysis.premise}”{extra}。")
        if not reasons:
            reasons.append("资料中没有与问题直接相关的内容。" if lead.strength < th.answer / 2
                           else "资料中的相关内容不足以回答这个问题。")
        return reasons

    @staticmethod
    def _places_in(judged: list[Judged]) -> list[str]:
        text = "".join(compact(j.evidence.text) + compact(j.evidence.hit.chunk.section) for j in judged)
        return [p for p in PLACES if p in text and not any(p != q and p in q for q in PLACES if q in text)][:3]

    @staticmethod
    def _refuse(analysis: QuestionAnalysis, reasons: list[str], score: float) -> GateDecision:
        return GateDecision(REFUSE, tuple(reasons), score, analysis.asked)


def _quote(constraint: Constraint) -> str:
    if constraint.kind == "title":
        return f"《{constraint.text}》"
    if constraint.kind in ("year",) and re.fullmatch(r"\d{4}", constraint.text):
        return f"{constraint.text}年"
    return f"“{fold_place(constraint.text)}”" if constraint.kind == "place" else f"“{constraint.text}”"
