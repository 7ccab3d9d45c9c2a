"""BM25, dense and hybrid retrieval over the tiny corpus."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embed import make_embedder
from rag.retrieve.dense import DenseRetriever
from rag.retrieve.hybrid import FUSIONS, HybridRetriever, fuse_rrf, fuse_weighted
from rag.retrieve.lexical import Bm25Retriever
from rag.store.index import IndexNotReady, load_index
from rag.store.vectors import Candidates

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def parts(tiny_index):
    index = load_index(tiny_index)
    embedder = make_embedder("hash").load()
    return index, Bm25Retriever(index), DenseRetriever(index, embedder)


def test_bm25_ranks_the_article_that_holds_the_terms_first(parts):
    _, bm25, _ = parts
    hits = bm25.retrieve("领导小组由谁担任组长", top_k=3)
    assert hits[0].chunk.doc_id == "gd.txt"
    assert "省长" in hits[0].chunk.text
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


@pytest.mark.parametrize(
    "question, doc_id",
    [
        ("怎样打破数据烟囱", "data.txt"),  # Simplified question, Traditional article
        ("廣東由誰擔任領導小組組長", "gd.txt"),  # Traditional question, Simplified article
    ],
)
def test_questions_find_articles_in_the_other_script(parts, question, doc_id):
    _, bm25, dense = parts
    assert bm25.retrieve(question, top_k=1)[0].chunk.doc_id == doc_id
    assert dense.retrieve(question, top_k=1)[0].chunk.doc_id == doc_id


def test_doc_filter_restricts_every_retriever(parts):
    _, bm25, dense = parts
    hybrid = HybridRetriever(bm25, dense)
    for retriever in (bm25, dense, hybrid):
        hits = retriever.retrieve("数据共享 数字技能", top_k=10, doc_ids=["talent.txt"])
        assert hits and {h.chunk.doc_id for h in hits} == {"talent.txt"}
        assert retriever.retrieve("数据共享", top_k=5, doc_ids=[]) == []


def test_bm25_returns_only_chunks_that_share_a_term(parts):
    _, bm25, _ = parts
    assert bm25.retrieve("数据共享", top_k=10, doc_ids=["talent.txt"]) == []
    assert all(h.score > 0 for h in bm25.retrieve("数据共享", top_k=50))


def test_hybrid_carries_both_scores_and_respects_top_k(parts):
    _, bm25, dense = parts
    hits = HybridRetriever(bm25, dense, fusion="weighted", bm25_weight=0.6, dense_weight=0.4).retrieve(
        "数据安全 隐私", top_k=2
    )
    assert len(hits) == 2
    names = {name for name, _ in hits[0].scores}
    assert {"bm25", "dense", "weighted"} <= names
    assert hits[0].score >= hits[1].score


def test_unknown_fusion_lists_the_choices(parts):
    _, bm25, dense = parts
    with pytest.raises(ValueError, match=str(sorted(FUSIONS)).replace("[", r"\[").replace("]", r"\]")):
        HybridRetriever(bm25, dense, fusion="magic")


def _list(rows, scores):
    return Candidates(np.array(rows, dtype=np.int64), np.array(scores, dtype=np.float32))


def test_rrf_prefers_items_ranked_well_by_both():
    lexical = _list([0, 1, 3], [3.0, 2.0, 1.0])  # row 2 shares no term: no lexical rank
    dense = _list([1, 2, 3, 0], [0.9, 0.8, 0.2, 0.1])
    fused = fuse_rrf([lexical, dense], (1.0, 1.0), 60)
    assert fused.rows[0] == 1  # 2nd by BM25, 1st by dense
    scores = dict(zip(fused.rows.tolist(), fused.scores.tolist()))
    assert scores[2] < scores[1]


def test_weighted_fusion_normalises_each_list():
    lexical = _list([0, 2, 1], [10.0, 5.0, 1.0])
    dense = _list([1, 2, 0], [0.90, 0.85, 0.80])
    fused = fuse_weighted([lexical, dense], (0.5, 0.5), 60)
    assert np.allclose(fused.scores, [0.5, 0.5, 0.5 * (4 / 9) + 0.25])
    assert fused.rows.tolist() == [0, 1, 2]  # the tie goes to the lower row
    fused = fuse_weighted([lexical, dense], (0.9, 0.1), 60)
    assert fused.rows[0] == 0


def test_weighted_fusion_counts_a_row_missing_from_a_list_as_nothing_there():
    fused = fuse_weighted([_list([7], [2.0]), _list([3, 7], [0.9, 0.1])], (0.6, 0.4), 60)
    scores = dict(zip(fused.rows.tolist(), fused.scores.tolist()))
    assert scores == pytest.approx({7: 0.6, 3: 0.4})


def test_candidates_rank_by_score_then_row_and_keep_border_ties():
    found = Candidates.ranked([5, 1, 3, 2], [0.5, 0.9, 0.5, 0.1], 3)
    assert found.rows.tolist() == [1, 3, 5]


def test_dense_retriever_refuses_vectors_of_another_model(parts):
    index, _, _ = parts

    class Other:
        name, model_id, dim = "other", "other-model", 256

    with pytest.raises(IndexNotReady, match="rebuild"):
        DenseRetriever(index, Other())
