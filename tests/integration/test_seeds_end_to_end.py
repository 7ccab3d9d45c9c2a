"""End to end on the delivered corpus with the real default model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rag.pipeline import Pipeline
from rag.store.build import build_index
from rag.wiring import embedder_for

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
JUNK = re.compile(
    r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)|[\ue000-\uf8ff]|\?[\u3400-\u9fff;!]"
    r"|上一篇|下一篇|毛片|在线观看|網站首頁|网站地图|責任編輯|责编|审核:|中圖分類號|文獻標識碼"
)


def test_the_readme_question_is_answered_from_002(seeds_pipeline):
    answer = seeds_pipeline.run("广东数字政府改革建设工作领导小组由谁担任组长？")
    assert not answer.refused
    assert answer.sentences[0].role == "direct" and answer.sentences[0].text == "省长"
    cited = {c.chunk.doc_id for c in answer.citations}
    assert "002_8b567d78fe9580c9.txt" in cited


def test_out_of_corpus_question_is_refused(seeds_pipeline):
    answer = seeds_pipeline.run("明天北京的天气怎么样，会下雨吗？")
    assert answer.refused and answer.related and answer.reasons


@pytest.mark.parametrize(
    "question, doc_id",
    [
        ("如何打破数据烟囱和信息孤岛？", "000_589b525eb0b99189.txt"),  # Simplified → Traditional article
        ("數字政府治理蘊含哪些公共價值？", "003_3354eafa512037ec.txt"),
        ("廣東數字政府改革由誰擔任領導小組組長？", "002_8b567d78fe9580c9.txt"),  # Traditional → Simplified
    ],
)
def test_cross_script_retrieval(seeds_pipeline, question, doc_id):
    hits = seeds_pipeline.search(question, top_k=3)
    assert doc_id in {h.chunk.doc_id for h in hits}


def test_no_junk_reaches_any_chunk(seeds_pipeline):
    index = seeds_pipeline.index
    for chunk in index.chunks:
        assert not JUNK.search(chunk.text), (chunk.doc_id, JUNK.search(chunk.text).group())
        if chunk.kind != "meta":
            assert index.documents[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text


def test_rebuild_reuses_every_vector(seeds_index):
    from rag.settings import Settings

    report = build_index(ROOT / "seeds", seeds_index, embedder_for(Settings()), progress=False)
    assert report.embedded == 0 and report.sentences_embedded == 0
    assert report.unchanged and not (report.added or report.changed or report.removed)


def test_hybrid_is_at_least_as_good_as_bm25_on_dev(seeds_settings, seeds_embedder):
    """Guards the fusion choice made on eval/dev.jsonl (see README)."""
    from eval.metrics import first_relevant_rank, hit_at

    rows = [json.loads(line) for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["answerable"]]

    def hits_at(retriever_name: str) -> tuple[float, float]:
        pipeline = Pipeline.from_settings(seeds_settings.replace(retriever=retriever_name))
        pipeline.load(generator=False, embedder=seeds_embedder)
        ranks = [
            first_relevant_rank([h.chunk for h in pipeline.search(r["question"], top_k=5)], r["gold"])
            for r in rows
        ]
        return (sum(hit_at(x, 1) for x in ranks) / len(ranks), sum(hit_at(x, 5) for x in ranks) / len(ranks))

    bm25, hybrid = hits_at("bm25"), hits_at("hybrid")
    assert hybrid[0] >= bm25[0] and hybrid[1] >= bm25[1], (bm25, hybrid)
