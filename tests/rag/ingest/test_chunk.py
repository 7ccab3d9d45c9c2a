"""Structure-aware chunking: line classes, section paths, packing invariants, chunk ids."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.ingest.chunk import (
    META_SECTION,
    chunk_document,
    chunk_slice,
    classify_line,
    metadata_chunk,
    parse_blocks,
    sentence_spans,
)
from rag.ingest.load import load_documents
from rag.types import Chunk, Document

pytestmark = pytest.mark.unit

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def make_document(text: str, doc_id: str = "doc", **fields) -> Document:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(doc_id=doc_id, title=fields.pop("title", "标题"), text=text, source_sha256=sha, **fields)


def body_chunks(chunks: list[Chunk]) -> list[Chunk]:
    return [c for c in chunks if c.kind != "meta"]


def check_invariants(document: Document, chunks: list[Chunk], min_chars: int, max_chars: int) -> None:
    """Invariants every chunking must satisfy, whatever the document."""
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    body = body_chunks(chunks)
    assert all(c.kind in ("body", "notes") for c in body)
    for chunk in body:
        assert document.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip()
        assert 0 < len(chunk.text) <= max_chars
        assert chunk.doc_id == document.doc_id and chunk.title == document.title
    for a, b in zip(body, body[1:]):
        assert a.end <= b.start
    # A chunk shorter than min_chars could not be merged with a neighbour of its section
    # without exceeding max_chars (a short section is the case with no neighbour at all).
    for i, chunk in enumerate(body):
        if len(chunk.text) >= min_chars:
            continue
        if i > 0 and body[i - 1].section == chunk.section:
            assert chunk.end - body[i - 1].start > max_chars, (body[i - 1].text, chunk.text)
        if i + 1 < len(body) and body[i + 1].section == chunk.section:
            assert body[i + 1].end - chunk.start > max_chars, (chunk.text, body[i + 1].text)


# --- classify_line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("一、跨界治理:数字政府建设研究的新视角", ("heading", 1, True)),
        ("十二、結語", ("heading", 1, True)),
        ("（一）跨界治理与数字政府建设的理论联系", ("heading", 2, True)),
        ("(二)制度创新:数字政府建设的动态过程演绎", ("heading", 2, True)),
        ("1.政府治理理念不完善。", ("heading", 3, True)),
        ("2、推进部门协同", ("heading", 3, True)),
        ("第一，打造跨界联通的政务云平台", ("heading", 3, True)),
        ("問題的提出", ("heading", 0, False)),
        ("注釋", ("heading", 0, False)),
        ("图1 数字政府总体架构", ("caption", 0, False)),
        ("表 2 各省数据开放情况", ("caption", 0, False)),
        # Not headings:
        ("1.5倍的增长说明了什么。", ("paragraph", 0, False)),
        ("一、这是一句话。这是第二句话。", ("paragraph", 0, False)),
        ("第一，完善制度。第二，健全机制。", ("paragraph", 0, False)),
        ("摘要:数字政府建设", ("paragraph", 0, False)),
        ("关键词:政府治理 数字赋能", ("paragraph", 0, False)),
        ("[1]王某:《数字治理》", ("paragraph", 0, False)),
        ("数字政府建设已成为我国重大战略。", ("paragraph", 0, False)),
        ("在当今数字化时代背景下，", ("paragraph", 0, False)),
        ("他们提出了“数字广东”", ("paragraph", 0, False)),
        ("数" * 31, ("paragraph", 0, False)),
    ],
)
def test_classify_line(line: str, expected: tuple[str, int, bool]) -> None:
    assert classify_line(line) == expected


def test_parse_blocks_keeps_exact_offsets() -> None:
    text = "\n  一、总体要求 \n\n\u3000\u3000数字政府建设已成为我国重大战略。\n图1 架构"
    blocks = parse_blocks(text)
    assert [text[b.start : b.end] for b in blocks] == [
        "一、总体要求", "数字政府建设已成为我国重大战略。", "图1 架构",
    ]
    assert [b.kind for b in blocks] == ["heading", "paragraph", "caption"]
    assert blocks[0].level == 1 and blocks[0].numbered


# --- sections ------------------------------------------------------------------------------

P1 = "数字政府是以新一代信息技术为支撑，重塑政务信息化管理架构、业务架构和技术架构的现代化治理模式。"
P2 = "坚持以人民为中心，把满足人民对美好生活的向往作为数字政府建设的出发点和落脚点。"
P3 = "强化系统观念，加强系统集成，推动数字政府建设与数字经济、数字社会协调发展。"
P4 = "统筹推进技术融合、业务融合、数据融合，提升跨层级、跨地域、跨系统协同管理水平。"
P5 = "在数字化时代背景下，传统的政府治理模式已经难以满足多元化的公众需求。"
NOTE = "[1]王某：《数字政府治理研究》，《公共管理学报》，2020年第1期，第1—10页。"


def test_headings_become_section_paths() -> None:
    text = "\n".join(
        [
            "引言部分的段落，说明数字政府建设的背景与意义。",
            "一、总体要求", "（一）指导思想", P1, "（二）基本原则", P2,
            "二、主要任务", "1.加强顶层设计", P3, "第一，完善制度规则", P4,
            "问题的提出", P5,
            "注释", NOTE,
        ]
    )
    document = make_document(text)
    chunks = chunk_document(document)
    by_text = {c.text: c for c in chunks}
    assert by_text["引言部分的段落，说明数字政府建设的背景与意义。"].section == ""
    assert by_text[P1].section == "一、总体要求 > （一）指导思想"
    assert by_text[P2].section == "一、总体要求 > （二）基本原则"
    assert by_text[P3].section == "二、主要任务 > 1.加强顶层设计"
    assert by_text[P4].section == "二、主要任务 > 第一，完善制度规则"
    # An unnumbered heading nests under the numbered top level.
    assert by_text[P5].section == "二、主要任务 > 问题的提出"
    assert by_text[NOTE].section == "二、主要任务 > 注释"
    assert [c.kind for c in chunks] == ["body"] * 6 + ["notes"]
    check_invariants(document, chunks, 120, 350)


def test_traditional_notes_section_and_unnumbered_top_level() -> None:
    text = "\n".join(["問題的提出", P1, "結語", P2, "注釋", NOTE, NOTE.replace("[1]", "[2]")])
    chunks = chunk_document(make_document(text))
    assert [(c.section, c.kind) for c in chunks] == [
        ("問題的提出", "body"), ("結語", "body"), ("注釋", "notes"),
    ]
    assert chunks[2].text == NOTE + "\n" + NOTE.replace("[1]", "[2]")


def test_heading_split_over_two_lines_is_merged() -> None:
    text = "\n".join(
        [
            "三、优化策略", P3,
            "优化数字政府治理理念", "提升社会经济保障水平", P1,
            "社会质量视角下", "数字政府的发展路径", P2,
        ]
    )
    chunks = chunk_document(make_document(text))
    assert [c.section for c in chunks] == [
        "三、优化策略",
        "三、优化策略 > 优化数字政府治理理念，提升社会经济保障水平",
        "三、优化策略 > 社会质量视角下数字政府的发展路径",
    ]


def test_headings_are_not_part_of_any_chunk() -> None:
    text = "\n".join(["一、总体要求", P1, "二、主要任务", P2])
    chunks = chunk_document(make_document(text))
    assert [c.text for c in chunks] == [P1, P2]


# --- packing ---------------------------------------------------------------------------------


def sentence(n: int, char: str = "数") -> str:
    return char * (n - 1) + "。"


def test_short_section_is_one_chunk_below_min_chars() -> None:
    text = "\n".join(["一、总体要求", sentence(30), "二、主要任务", sentence(200)])
    chunks = chunk_document(make_document(text), min_chars=120, max_chars=350)
    assert [len(c.text) for c in chunks] == [30, 200]


def test_over_long_sentence_is_split_at_clauses_and_its_pieces_may_be_short() -> None:
    long_sentence = "，".join(["数" * 39] * 3) + "。"  # 120 characters, clauses of 40
    document = make_document("\n".join(["一、总体要求", long_sentence]))
    chunks = chunk_document(document, min_chars=45, max_chars=50)
    assert [c.text for c in chunks] == ["数" * 39 + "，", "数" * 39 + "，", "数" * 39 + "。"]
    check_invariants(document, chunks, 45, 50)


def test_paragraphs_start_new_chunks_once_long_enough() -> None:
    paragraphs = [sentence(60, "甲") + sentence(40, "乙"), sentence(70, "丙"), sentence(30, "丁")]
    text = "\n".join(paragraphs)
    chunks = chunk_document(make_document(text), min_chars=50, max_chars=150)
    # The third paragraph is too short alone, so it joins the second.
    assert [c.text for c in chunks] == [paragraphs[0], paragraphs[1] + "\n" + paragraphs[2]]


def test_sentences_are_never_cut_when_they_fit() -> None:
    text = sentence(40, "甲") + sentence(40, "乙") + sentence(40, "丙")
    chunks = chunk_document(make_document(text), min_chars=10, max_chars=90)
    assert [c.text for c in chunks] == [sentence(40, "甲") + sentence(40, "乙"), sentence(40, "丙")]


def test_short_paragraph_between_long_ones_joins_the_previous_chunk() -> None:
    paragraphs = [sentence(60, "甲"), sentence(15, "乙"), sentence(95, "丙")]
    document = make_document("\n".join(paragraphs))
    chunks = chunk_document(document, min_chars=50, max_chars=100)
    assert [c.text for c in chunks] == [paragraphs[0] + "\n" + paragraphs[1], paragraphs[2]]
    check_invariants(document, chunks, 50, 100)


def test_short_tail_takes_a_sentence_from_the_chunk_before() -> None:
    first = sentence(30, "甲") + sentence(30, "乙") + sentence(30, "丙")
    tail = sentence(20, "丁")
    document = make_document(first + "\n" + tail)
    chunks = chunk_document(document, min_chars=40, max_chars=100)
    # 90 + 1 + 20 > 100 cannot merge, so the last sentence of the first paragraph moves.
    assert [c.text for c in chunks] == [first[:60], first[60:] + "\n" + tail]
    check_invariants(document, chunks, 40, 100)


@pytest.mark.parametrize(("min_chars", "max_chars"), [(0, 10), (20, 10), (-1, 5)])
def test_bad_sizes_are_rejected(min_chars: int, max_chars: int) -> None:
    with pytest.raises(ValueError, match="min_chars"):
        chunk_document(make_document(P1), min_chars=min_chars, max_chars=max_chars)


# --- chunk ids ---------------------------------------------------------------------------------

IDS_TEXT = "\n".join(["一、总体要求", P1, P2, "二、主要任务", P3, P4])


def test_chunk_ids_are_stable_across_runs() -> None:
    first = chunk_document(make_document(IDS_TEXT))
    second = chunk_document(make_document(IDS_TEXT))
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert first == second


def test_chunk_ids_change_with_the_text_and_only_where_it_changed() -> None:
    before = chunk_document(make_document(IDS_TEXT))
    changed = IDS_TEXT.replace("统筹推进", "统筹推动")
    after = chunk_document(make_document(changed))
    assert [c.section for c in before] == [c.section for c in after]
    assert before[0].chunk_id == after[0].chunk_id  # section 一 untouched
    assert before[1].chunk_id != after[1].chunk_id  # section 二 holds the edit


def test_chunk_ids_depend_on_the_document() -> None:
    a = chunk_document(make_document(IDS_TEXT, doc_id="a"))
    b = chunk_document(make_document(IDS_TEXT, doc_id="b"))
    assert not {c.chunk_id for c in a} & {c.chunk_id for c in b}


def test_repeated_passage_gets_distinct_ids() -> None:
    text = "\n".join(["结语", P1, "结语", P1])
    chunks = chunk_document(make_document(text))
    assert [c.text for c in chunks] == [P1, P1]
    assert chunks[0].chunk_id != chunks[1].chunk_id


# --- metadata chunk ----------------------------------------------------------------------------


def test_metadata_chunk_for_a_document_with_authors() -> None:
    document = make_document(
        IDS_TEXT, title="日新月異的信息技術…", title_derived=True, authors=("黃未", "陳加友")
    )
    chunks = chunk_document(document)
    meta = chunks[-1]
    assert meta.kind == "meta" and meta.section == META_SECTION
    assert (meta.start, meta.end) == (0, 0)
    assert meta.ordinal == len(chunks) - 1
    # A derived title is not bibliographic data, so the card holds the authors only.
    assert meta.text == "作者：黃未、陳加友"
    assert [c.kind for c in chunks[:-1]] == ["body", "body"]


def test_metadata_card_lists_every_byline_field() -> None:
    document = make_document(
        P1,
        title="社会质量视角下数字政府发展的现实困境与优化路径",
        authors=("沈费伟",), editors=("陈俊男",), reviewers=("毛燕武",),
        source="城市怎么办", date="2022-05-12 11:01", keywords=("数字政府",),
    )
    meta = metadata_chunk(document, ordinal=7)
    assert meta is not None and meta.ordinal == 7
    assert meta.text.split("\n") == [
        "标题：社会质量视角下数字政府发展的现实困境与优化路径",
        "作者：沈费伟", "编辑：陈俊男", "审核：毛燕武", "来源：城市怎么办",
        "发布时间：2022-05-12 11:01", "关键词：数字政府",
    ]
    spans = sentence_spans(meta)
    assert [chunk_slice(meta, s, e) for s, e in spans] == meta.text.split("\n")


def test_no_metadata_chunk_without_a_byline() -> None:
    document = make_document(IDS_TEXT, keywords=("数字政府",))
    assert metadata_chunk(document) is None
    assert all(c.kind == "body" for c in chunk_document(document))


# --- sentence_spans / chunk_slice ----------------------------------------------------------


def test_sentence_spans_are_document_offsets_and_skip_captions_and_short_bits() -> None:
    text = "\n".join(["一、总体要求", P1 + "是的。", "图1 数字政府总体架构", P2])
    document = make_document(text)
    (chunk,) = chunk_document(document, min_chars=300, max_chars=400)
    spans = sentence_spans(chunk)
    sentences = [chunk_slice(chunk, s, e) for s, e in spans]
    assert sentences == [P1, P2]  # `是的。` is below min_chars, the caption is a label
    assert all(document.text[s:e] == chunk_slice(chunk, s, e) for s, e in spans)


# --- property: generated documents -------------------------------------------------------------

# Content characters that can never open a numbered heading or a caption.
CONTENT = "数字政府治理建设服务平台数据共享安全部门协同创新制度体系能力现代化人民群众需求"
# (heading line, expected section path): 注释 is unnumbered, so it nests under 三、.
HEADINGS = [
    ("一、总体要求", "一、总体要求"),
    ("二、主要任务", "二、主要任务"),
    ("三、保障措施", "三、保障措施"),
    ("注释", "三、保障措施 > 注释"),
]


@st.composite
def generated_sentence(draw) -> str:
    length = draw(st.integers(1, 160))
    comma_every = draw(st.sampled_from([0, 0, 4, 9, 25, 60]))
    shift = draw(st.integers(0, len(CONTENT) - 1))
    chars = []
    for i in range(length):
        chars.append(CONTENT[(shift + i) % len(CONTENT)])
        if comma_every and i % comma_every == comma_every - 1:
            chars.append("，")
    return "".join(chars) + draw(st.sampled_from("。！？；"))


@st.composite
def generated_document(draw):
    """A document of headed sections, with the spans of its sentences and sections."""
    sections = draw(
        st.lists(
            st.lists(st.lists(generated_sentence(), min_size=1, max_size=4), min_size=1, max_size=4),
            min_size=1,
            max_size=4,
        )
    )
    lead = draw(st.booleans())
    lines: list[str] = []
    position = 0
    sentence_spans_: list[tuple[int, int]] = []
    section_of: list[tuple[int, int, str]] = []  # (start, end, heading) of each section's body

    def add(line: str) -> int:
        nonlocal position
        start = position
        lines.append(line)
        position += len(line) + 1
        return start

    for index, paragraphs in enumerate(sections):
        heading = ""
        if index or not lead:
            add(HEADINGS[index][0])
            heading = HEADINGS[index][1]
        body_start = position
        for sentences in paragraphs:
            start = add("".join(sentences))
            for s in sentences:
                sentence_spans_.append((start, start + len(s)))
                start += len(s)
        section_of.append((body_start, position - 1, heading))
    return make_document("\n".join(lines)), sentence_spans_, section_of


@settings(max_examples=150, deadline=None)
@given(generated_document(), st.integers(5, 80), st.integers(0, 120))
def test_chunking_invariants_on_generated_documents(generated, min_chars: int, extra: int) -> None:
    document, sentences, sections = generated
    max_chars = min_chars + extra
    chunks = chunk_document(document, min_chars=min_chars, max_chars=max_chars)
    check_invariants(document, chunks, min_chars, max_chars)
    body = body_chunks(chunks)
    assert len(body) == len(chunks)  # no byline, no metadata chunk

    starts = {s for s, _ in sentences}
    ends = {e for _, e in sentences}
    over_long = [(s, e) for s, e in sentences if e - s > max_chars]

    def inside_over_long(position: int) -> bool:
        return any(s < position < e for s, e in over_long)

    for chunk in body:
        # Never cut inside a sentence, unless that sentence alone exceeds max_chars.
        assert chunk.start in starts or inside_over_long(chunk.start)
        assert chunk.end in ends or inside_over_long(chunk.end)
        # Each chunk lies in one section and carries its heading path.
        (heading,) = [h for s, e, h in sections if s <= chunk.start and chunk.end <= e]
        assert chunk.section == heading
        assert chunk.kind == ("notes" if heading.endswith("注释") else "body")
    # Every sentence character is in some chunk: nothing is lost between chunks.
    covered = {i for c in body for i in range(c.start, c.end)}
    assert all(i in covered for s, e in sentences for i in range(s, e))
    for s, e in sentences:
        if e - s <= max_chars:
            assert any(c.start <= s and e <= c.end for c in body)
    # Chunk ids are a function of the document.
    assert [c.chunk_id for c in chunk_document(document, min_chars, max_chars)] == [
        c.chunk_id for c in chunks
    ]


# --- the real seeds ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_documents() -> list[Document]:
    result = load_documents(SEEDS)
    assert len(result.documents) == 4 and result.errors == ()
    return list(result.documents)


@pytest.mark.parametrize(("min_chars", "max_chars"), [(120, 350), (60, 150), (200, 500)])
def test_seed_chunks_respect_the_invariants(seed_documents, min_chars: int, max_chars: int) -> None:
    for document in seed_documents:
        chunks = chunk_document(document, min_chars=min_chars, max_chars=max_chars)
        check_invariants(document, chunks, min_chars, max_chars)
        body = body_chunks(chunks)
        assert len(body) >= 10
        for chunk in body:
            for start, end in sentence_spans(chunk):
                assert chunk_slice(chunk, start, end) == document.text[start:end]


def test_seed_chunk_kinds_and_metadata(seed_documents) -> None:
    kinds = {d.doc_id[:3]: [c.kind for c in chunk_document(d)] for d in seed_documents}
    assert kinds["003"].count("notes") >= 1 and kinds["003"][-1] == "meta"
    assert kinds["002"].count("meta") == 0  # 002 has no byline
    assert kinds["000"][-1] == "meta" and kinds["001"][-1] == "meta"
    sections_002 = {c.section for c in chunk_document(seed_documents[2])}
    assert "一、跨界治理:数字政府建设研究的新视角 > (一)跨界治理与数字政府建设的理论联系" in sections_002
