"""The grounding guard: every generated sentence must be backed by a passage it cites, alone.

Small models omit the [n] markers, copy an article's footnote numbers, cite the wrong passage
and number their lists, so the guard attributes after generation:

1. `parse_sentences` splits the reply into sentences with the markers each carries; a list
   position or bullet at the start of a line is taken off (the sentence becomes a list item),
   and so is a lead-in like "根据文章内容，" that only names the source.
2. `attribute` judges the sentence against each cited passage on its own — never against the
   cited passages pooled, where one passage's place and another's date would pass together.
   The cited passages that support it alone are its citations. When none does (no marker, a
   number that is not a passage, the wrong passage) the sentence goes to the single passage
   that supports it best, if that passage alone supports it; otherwise it is removed (or
   kept and marked when `mode == "mark"`).
   Words in quotation marks claim to be the source's own words: where the passage has them
   only as part of a longer quotation ("统筹不要多头办" of “要统筹不要多头办”), the quotation
   is cut, and the passage does not support the sentence.
   A bare fragment ("2022年6月", "沈费伟") asserts nothing on its own: it stands only as the
   answer to the question, so it is kept only where it occurs in one of the gate's evidence
   sentences (the sentences that answer the question), when the gate's evidence is given.
3. `guard_answer` renumbers what is kept, finds the spans to highlight and records every
   verdict (`Answer.checks`); if nothing supported remains, the answer is the refusal.

Kept sentences are shown in the question's script (models copy Traditional characters from
the passages into Simplified answers); the support judge is script-blind.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.base import answer_text, refusal
from rag.answer.prompts import (
    GUARD_BAD_NUMBER,
    GUARD_CUT_QUOTE,
    GUARD_FRAGMENT,
    GUARD_MARK,
    GUARD_MISSING,
    GUARD_NO_CITATION,
    GUARD_POOLED,
    GUARD_UNSUPPORTED,
    REFUSAL,
)
from rag.answer.support import (
    SUPPORT_THRESHOLD,
    content_bigrams,
    content_chars,
    judge,
    starts_list_item,
    strip_list_marker,
    support_score,
)
from rag.ingest.chunk import chunk_slice, sentence_spans
from rag.ingest.normalize import detect_script, normalize_for_match, to_script
from rag.ingest.sentences import split_sentences
from rag.types import Answer, AnswerSentence, Citation, Evidence, Hit, SentenceCheck, SupportCheck

GUARD_MODES = ("mark", "remove")
FRAGMENT_CHARS = 8  # fewer content characters than this: a fragment, not a sentence
_MARKERS = re.compile(r"[\[【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]】]")
_REFUSAL_VIEW = normalize_for_match(REFUSAL).rstrip("。.")
_PUNCTUATION_ONLY = "。！？!?；;，,、：: "
_QUOTATION = re.compile(r"[“\"「『]([^”\"」』]{1,300})[”\"」』]")
# "根据文章内容，" "据资料介绍，": a lead-in that only says where the answer comes from, which
# the citation already says; it is not shown, and not judged as if it were a fact.
_LEAD_IN = re.compile(r"^(?:根据|依据|据|按照)(?:文章|资料|材料|文中|上述|以上|所给|提供的)[^，,：:。]{0,8}[，,：:]\s*")


@dataclass(frozen=True)
class Generated:
    """One sentence of a model's reply: its text, the markers it carries, whether it was a
    list item (its number or bullet already taken off)."""

    text: str
    cited: tuple[int, ...]
    item: bool = False


def _numbers(sentence: str) -> tuple[int, ...]:
    found: list[int] = []
    for match in _MARKERS.finditer(sentence):
        found += [int(n) for n in re.split(r"\s*[,，、]\s*", match.group(1))]
    return tuple(dict.fromkeys(found))


def parse_sentences(text: str) -> list[Generated]:
    """Sentences of a generated answer with the citation numbers found in each."""
    out: list[Generated] = []
    for start, end in split_sentences(text):
        raw = text[start:end]
        line_start = start == 0 or text[:start].rstrip(" \t").endswith("\n")
        item = line_start and starts_list_item(raw)
        unlisted = strip_list_marker(raw)
        numbers = _numbers(unlisted)
        clean = _LEAD_IN.sub("", " ".join(_MARKERS.sub("", unlisted).split()))
        if clean.strip(_PUNCTUATION_ONLY):
            out.append(Generated(clean, numbers, item))
        elif numbers and out:  # markers that the splitter left alone after a full stop
            last = out[-1]
            out[-1] = Generated(last.text, tuple(dict.fromkeys(last.cited + numbers)), last.item)
    return out


def cut_quotations(sentence: str, passage: str) -> list[str]:
    """Quotations of `sentence` (“…”, shown with their marks) that `passage` has only as a
    part of a longer quotation, never whole and never outside quotation marks."""
    view = normalize_for_match(passage)
    quoted = _QUOTATION.findall(view)
    unquoted = _QUOTATION.sub("|", view)
    cut = []
    for words in _QUOTATION.findall(normalize_for_match(sentence)):
        if words in unquoted or words in quoted:
            continue
        if any(words in q for q in quoted):
            cut.append(f"“{words}”")
    return cut


def check_against(sentence: str, n: int, hits: list[Hit], threshold: float) -> SupportCheck:
    """`sentence` judged against passage `n` (`hits[n-1]`) alone; a quotation the passage has
    only as part of a longer one counts as missing."""
    verdict = judge(sentence, [hits[n - 1].chunk.text], threshold)
    cut = tuple(cut_quotations(sentence, hits[n - 1].chunk.text))
    return SupportCheck(n, hits[n - 1].chunk.chunk_id, round(verdict.score, 4), verdict.missing + cut,
                        verdict.supported and not cut)


def is_fragment(sentence: str) -> bool:
    """A bare name, number or date rather than a sentence that says something."""
    return len(content_chars(sentence)) < FRAGMENT_CHARS


def anchoring(fragment: str, hits: list[Hit], evidence, threshold: float) -> set[int]:
    """Numbers of the passages with an evidence sentence that contains `fragment`."""
    ids = {e.hit.chunk.chunk_id for e in evidence if judge(fragment, [e.text], threshold).supported}
    return {n for n, hit in enumerate(hits, start=1) if hit.chunk.chunk_id in ids}


def best_passage(sentence: str, hits: list[Hit], threshold: float,
                 allowed: set[int] | None = None) -> SupportCheck | None:
    """The passage that supports `sentence` on its own with the highest score; when none
    does, the closest one (unsupported), so the trace shows what it was judged against.

    Passages are tried from the highest support score down, so the full judgement (which
    looks for missing numbers and names) runs only on the plausible ones."""
    scored = sorted(
        (n for n in range(1, len(hits) + 1) if allowed is None or n in allowed),
        key=lambda n: (-support_score(sentence, [hits[n - 1].chunk.text]), n),
    )
    closest = None
    for n in scored:
        check = check_against(sentence, n, hits, threshold)
        closest = closest or check
        if check.supported or check.score < threshold:
            return check if check.supported else closest
    return closest


def _reason(generated: Generated, valid: tuple[int, ...], checks: list[SupportCheck],
            hits: list[Hit], threshold: float, closest: list[SupportCheck]) -> str:
    """Why a sentence that no passage supports on its own is removed (plain Chinese); a
    passage (cited, or the closest) that would support it but for a cut quotation says so
    first."""
    for check in checks + closest:
        cut = [m for m in check.missing if m.startswith("“")]
        if cut and len(cut) == len(check.missing) and check.score >= threshold:
            return GUARD_CUT_QUOTE.format(quotes="、".join(cut))
    if not generated.cited:
        return GUARD_NO_CITATION
    if len(valid) < len(generated.cited):
        return GUARD_BAD_NUMBER
    if len(valid) > 1 and judge(generated.text, [hits[n - 1].chunk.text for n in valid], threshold).supported:
        return GUARD_POOLED
    missing = min((c.missing for c in checks), key=len, default=())
    return GUARD_MISSING.format(facts="、".join(missing)) if missing else GUARD_UNSUPPORTED


def attribute(generated: Generated, hits: list[Hit], threshold: float = SUPPORT_THRESHOLD,
              evidence: tuple[Evidence, ...] = ()) -> SentenceCheck:
    """Judge one sentence against each cited passage alone, else attribute it to the single
    passage that supports it best; `kept` says whether any passage supports it alone (for a
    fragment: any passage whose evidence sentences contain it)."""
    valid = tuple(n for n in generated.cited if 1 <= n <= len(hits))
    allowed = None
    if evidence and is_fragment(generated.text):
        allowed = anchoring(generated.text, hits, evidence, threshold)
        if not allowed:
            return SentenceCheck(generated.text, generated.cited, False, reason=GUARD_FRAGMENT)
    checks = [check_against(generated.text, n, hits, threshold) for n in valid]
    cited = tuple(c.passage for c in checks if c.supported and (allowed is None or c.passage in allowed))
    if cited:
        return SentenceCheck(generated.text, generated.cited, True, checks=tuple(checks), passages=cited)
    best = best_passage(generated.text, hits, threshold, allowed)
    if best is not None and best.supported:
        return SentenceCheck(generated.text, generated.cited, True, attributed=True,
                             checks=tuple(checks) + (best,), passages=(best.passage,))
    closest = [best] if best is not None and best.passage not in valid else []
    reason = _reason(generated, valid, checks, hits, threshold, closest)
    checks += closest  # the closest passage, for the trace
    return SentenceCheck(generated.text, generated.cited, False, reason=reason, checks=tuple(checks))


def states_lead(answer: Answer, question: str, lead: Sequence[str],
                threshold: float = SUPPORT_THRESHOLD) -> bool:
    """Whether a guarded answer states what the extractive answer rests on first (`lead`:
    the gate's best evidence sentence, or what stands for it; see
    `ExtractiveGenerator.lead`) beyond the question: some supported sentence is backed by
    one lead text alone and carries words of it that the question does not. Stating another
    evidence sentence instead is true but answers a neighbouring question (another
    article's technique, the paragraph before the list); repeating the question
    ("文章提到了2022年6月印发的意见") answers nothing."""
    asked = content_bigrams(question)
    return any(
        judge(s.text, [text], threshold).supported and content_bigrams(s.text) & (content_bigrams(text) - asked)
        for text in lead
        for s in answer.sentences if s.supported
    )


def best_span(sentence: str, chunk) -> tuple[int, int] | None:
    """The chunk sentence that best supports `sentence`, for highlighting the citation."""
    best, best_score = None, 0.0
    for start, end in sentence_spans(chunk):
        score = support_score(sentence, [chunk_slice(chunk, start, end)])
        if score > best_score:
            best, best_score = (start, end), score
    return best


def is_refusal(text: str) -> bool:
    return _REFUSAL_VIEW in normalize_for_match(text)


def guard_answer(
    question: str,
    text: str,
    hits: list[Hit],
    generator: str,
    mode: str = "remove",
    threshold: float = SUPPORT_THRESHOLD,
    evidence: Sequence[Evidence] = (),
) -> Answer:
    """Check a generated answer against the passages (`hits[n-1]` is passage n); `evidence`
    is the gate's (the sentences that answer the question), which fragments must occur in."""
    if mode not in GUARD_MODES:
        raise ValueError(f"unknown guard mode {mode!r}; choose one of {sorted(GUARD_MODES)}")
    if not text.strip() or is_refusal(text):
        return refusal(question, hits, generator)
    generated = parse_sentences(text)
    checks = tuple(attribute(g, hits, threshold, tuple(evidence)) for g in generated)
    kept: list[tuple[Generated, tuple[int, ...], bool]] = []
    for g, check in zip(generated, checks):
        if check.kept:
            kept.append((g, check.passages, True))
        elif mode == "mark" and any(1 <= n <= len(hits) for n in g.cited):
            kept.append((g, tuple(n for n in g.cited if 1 <= n <= len(hits)), False))
    removed = tuple((c.text, c.reason) for c in checks if not c.kept)
    if not any(supported for _, _, supported in kept):
        return dataclasses.replace(refusal(question, hits, generator, removed=removed), checks=checks)
    numbering: dict[int, int] = {}  # passage number → citation number, in order of appearance
    for _, numbers, _ in kept:
        for n in numbers:
            numbering.setdefault(n, len(numbering) + 1)
    script = detect_script(question)
    sentences = tuple(
        AnswerSentence(
            text=to_script(g.text, script) + ("" if supported else GUARD_MARK),
            citations=tuple(numbering[n] for n in numbers),
            supported=supported,
            role="item" if g.item else "support",
        )
        for g, numbers, supported in kept
    )
    spans: dict[int, list[tuple[int, int]]] = {}
    for g, numbers, _ in kept:
        for n in numbers:
            span = best_span(g.text, hits[n - 1].chunk)
            if span and span not in spans.setdefault(n, []):
                spans[n].append(span)
    citations = tuple(
        Citation(n=new, chunk=hits[old - 1].chunk, spans=tuple(spans.get(old, ())))
        for old, new in numbering.items()
    )
    return Answer(
        question=question,
        text=answer_text(sentences),
        refused=False,
        sentences=sentences,
        citations=citations,
        generator=generator,
        removed=removed,
        checks=checks,
    )
