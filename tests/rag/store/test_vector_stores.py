"""The same store tests against FAISS and milvus-lite (a real embedded Milvus, in tmp_path)."""

from __future__ import annotations

import numpy as np
import pytest

from rag.store.faiss_store import FaissStore, recall_at_k
from rag.store.milvus_store import MilvusStore
from rag.store.vectors import Candidates, VectorStore

pytestmark = pytest.mark.unit

DIM = 16


def _unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(params=["faiss", "milvus-lite"])
def store(request, tmp_path):
    if request.param == "faiss":
        yield FaissStore(DIM)
        return
    milvus = MilvusStore(str(tmp_path / "milvus.db"), "test_store", DIM).load(create=True)
    yield milvus
    milvus.close()


@pytest.fixture
def filled(store):
    vectors = _unit(30, seed=1)
    doc_ids = ["a"] * 10 + ["b"] * 10 + ["c"] * 10
    rows = store.add(doc_ids, vectors)
    return store, vectors, rows


def test_store_is_a_vector_store(store):
    assert isinstance(store, VectorStore)
    assert store.count() == 0


def test_add_numbers_rows_in_order_and_counts_them(filled):
    store, vectors, rows = filled
    assert list(rows) == list(range(30))
    assert store.count() == 30
    more = store.add(["d", "d"], _unit(2, seed=2))
    assert list(more) == [30, 31] and store.count() == 32


def test_search_returns_the_exact_nearest_rows_best_first(filled):
    store, vectors, _ = filled
    query = vectors[7] + 0.05 * vectors[3]
    query /= np.linalg.norm(query)
    found = store.search(query, 5)
    expected = np.argsort(-(vectors @ query))[:5]
    assert found.rows.tolist() == expected.tolist()
    assert np.allclose(found.scores, (vectors @ query)[expected], atol=1e-5)
    assert list(found.scores) == sorted(found.scores, reverse=True)


def test_doc_filter_restricts_the_search(filled):
    store, vectors, _ = filled
    found = store.search(vectors[0], 8, doc_ids=["b"])
    assert len(found) == 8 and set(found.rows.tolist()) <= set(range(10, 20))
    assert len(store.search(vectors[0], 8, doc_ids=["c", "a"])) == 8
    assert store.search(vectors[0], 5, doc_ids=["b", "unknown"]).rows.min() >= 10
    assert len(store.search(vectors[0], 5, doc_ids=[])) == 0
    assert len(store.search(vectors[0], 5, doc_ids=["unknown"])) == 0


def test_delete_by_document_removes_its_rows_from_search_and_count(filled):
    store, vectors, _ = filled
    assert store.delete("a") == 10
    assert store.count() == 20
    found = store.search(vectors[0], 30)
    assert len(found) == 20 and found.rows.min() >= 10
    assert store.delete("a") == 0


def test_k_zero_and_empty_store_give_no_candidates(store):
    assert len(store.search(_unit(1, seed=3)[0], 5)) == 0
    store.add(["a"], _unit(1, seed=3))
    assert len(store.search(_unit(1, seed=3)[0], 0)) == 0


def test_faiss_switches_to_hnsw_above_the_threshold_and_recall_is_measured():
    vectors = _unit(3000, seed=4)
    small = FaissStore.from_vectors(vectors[:500], ["d"] * 500, flat_max_rows=1000)
    large = FaissStore.from_vectors(vectors, ["d"] * 3000, flat_max_rows=1000)
    assert (small.layout, large.layout) == ("flat", "hnsw")
    queries = _unit(50, seed=5)
    assert recall_at_k(small, queries, 10) == 1.0
    recall = recall_at_k(large, queries, 10)
    assert 0.9 <= recall <= 1.0


def test_filtered_hnsw_search_is_exact_on_few_rows():
    vectors = _unit(3000, seed=6)
    doc_ids = [f"d{i // 100}" for i in range(3000)]
    store = FaissStore.from_vectors(vectors, doc_ids, flat_max_rows=1000)
    found = store.search(vectors[250], 10, doc_ids=["d2"])
    expected = 200 + np.argsort(-(vectors[200:300] @ vectors[250]))[:10]
    assert found.rows.tolist() == expected.tolist()


def test_faiss_store_round_trips_with_memory_mapped_vectors(tmp_path):
    vectors = _unit(40, seed=7)
    doc_ids = ["a"] * 20 + ["b"] * 20
    FaissStore.from_vectors(vectors, doc_ids).save(tmp_path)
    opened = FaissStore.open(tmp_path, doc_ids)
    assert isinstance(opened.vectors, np.memmap)
    assert np.array_equal(np.asarray(opened.vectors), vectors)
    assert opened.search(vectors[3], 3).rows[0] == 3
    with pytest.raises(ValueError, match="40 indexed vectors"):
        FaissStore.open(tmp_path, doc_ids[:5])


def test_candidates_ranked_keeps_the_k_best():
    found = Candidates.ranked(np.arange(6), np.array([0.1, 0.6, 0.3, 0.6, 0.2, 0.9]), 3)
    assert found.rows.tolist() == [5, 1, 3]


def test_milvus_rejects_an_unknown_lexical_mode(tmp_path):
    with pytest.raises(ValueError, match=r"\['terms', 'bm25'\]"):
        MilvusStore(str(tmp_path / "m.db"), "x", DIM, lexical_mode="chinese")


# -- the stores behind a build and a pipeline ---------------------------------------------------------
QUESTIONS = ["领导小组由谁担任组长", "怎样打破数据烟囱", "數據共享", "数字人才 培训", "数据安全 隐私"]


@pytest.fixture(scope="module")
def milvus_tiny(tiny_index, tmp_path_factory):
    """The tiny build copied into milvus-lite (terms mode) and the same build's FAISS stores."""
    from rag.settings import Settings
    from rag.store.index import load_index
    from rag.wiring import fill_milvus, make_stores

    uri = str(tmp_path_factory.mktemp("milvus") / "milvus.db")
    settings = Settings(index_dir=tiny_index, embedder="hash", vector_store="milvus", milvus_uri=uri,
                        refusal_threshold=0.0)
    fill_milvus(settings)
    index = load_index(tiny_index)
    return settings, index, make_stores(settings, index), make_stores(settings.replace(vector_store="faiss"), index)


def test_build_keeps_vectors_beside_faiss_for_reuse(tiny_index):
    from rag.store.index import load_index

    index = load_index(tiny_index)
    vectors = index.vectors()
    assert isinstance(vectors, np.memmap) and vectors.shape == (len(index.chunks), index.faiss_index.d)
    assert np.allclose(vectors, index.faiss_index.reconstruct_n(0, index.faiss_index.ntotal))


def test_milvus_terms_lexical_scores_equal_bm25s(milvus_tiny):
    _, index, milvus, faiss = milvus_tiny
    for question in QUESTIONS:
        ours, theirs = faiss.lexical.search(question, 10), milvus.lexical.search(question, 10)
        assert ours.rows.tolist() == theirs.rows.tolist(), question
        assert np.allclose(ours.scores, theirs.scores, rtol=1e-4), question


def test_milvus_hybrid_search_ranks_as_the_embedded_fusion(milvus_tiny):
    from rag.embed import make_embedder
    from rag.retrieve.dense import DenseRetriever
    from rag.retrieve.hybrid import HybridRetriever, MilvusHybridRetriever
    from rag.retrieve.lexical import Bm25Retriever

    _, index, milvus, faiss = milvus_tiny
    embedder = make_embedder("hash").load()
    for fusion, weights in (("weighted", (0.6, 0.4)), ("rrf", (1.0, 1.0))):
        made = [kind(Bm25Retriever(index, stores.lexical), DenseRetriever(index, embedder, stores.vector),
                     fusion=fusion, bm25_weight=weights[0], dense_weight=weights[1])
                for kind, stores in ((HybridRetriever, faiss), (MilvusHybridRetriever, milvus))]
        for question in QUESTIONS:
            ours, theirs = (r.retrieve(question, top_k=5) for r in made)
            assert [h.chunk.chunk_id for h in ours] == [h.chunk.chunk_id for h in theirs], (fusion, question)
            assert np.allclose([h.score for h in ours], [h.score for h in theirs], rtol=1e-4)
        assert made[1].native() == (fusion == "rrf")  # RRF runs as one Milvus hybrid_search
        filtered = made[1].retrieve("数据共享 数字技能", top_k=10, doc_ids=["talent.txt"])
        assert filtered and {h.chunk.doc_id for h in filtered} == {"talent.txt"}


def test_pipeline_answers_the_same_over_milvus(milvus_tiny, tiny_pipeline):
    from rag.pipeline import Pipeline
    from rag.store.milvus_store import MilvusStore

    settings, _, _, _ = milvus_tiny
    pipeline = Pipeline.from_settings(settings).load()
    assert isinstance(pipeline.stores.vector, MilvusStore)
    for question in QUESTIONS[:3]:
        ours, theirs = tiny_pipeline.run(question), pipeline.run(question)
        assert ours.refused == theirs.refused
        assert [h.chunk.chunk_id for h in ours.trace.retrieved] == [
            h.chunk.chunk_id for h in theirs.trace.retrieved]


def test_milvus_store_of_another_build_is_not_ready(milvus_tiny):
    from rag.store.index import IndexNotReady
    from rag.wiring import make_stores

    settings, index, _, _ = milvus_tiny
    other = settings.replace(milvus_collection="never_built")
    with pytest.raises(IndexNotReady, match="vector_store"):
        make_stores(other, index)


def test_unknown_store_names_list_the_allowed_ones(tiny_index):
    from rag.pipeline import Pipeline
    from rag.settings import Settings

    with pytest.raises(ValueError, match=r"\['faiss', 'milvus'\]"):
        Pipeline.from_settings(Settings(index_dir=tiny_index, vector_store="qdrant"))
    with pytest.raises(ValueError, match=r"\['bm25', 'terms'\]"):
        Pipeline.from_settings(Settings(index_dir=tiny_index, milvus_lexical="chinese"))


def test_milvus_bm25_function_with_the_jieba_analyzer_finds_the_article(tmp_path, tiny_index):
    from rag.store.build import indexed_text
    from rag.store.index import load_index
    from rag.store.milvus_store import fill_from_build

    index = load_index(tiny_index)
    store = MilvusStore(str(tmp_path / "m.db"), "bm25_mode", index.faiss_index.d, lexical_mode="bm25")
    fill_from_build(store, index)
    lexical = store.lexical()
    found = lexical.search("领导小组 组长 省长", 3)
    assert len(found) and index.chunks[int(found.rows[0])].doc_id == "gd.txt"
    assert (found.scores > 0).all()
    assert "省长" in indexed_text(index.chunks[int(found.rows[0])])


@pytest.mark.parametrize("side", ["faiss", "milvus"])
def test_lexical_stores_filter_count_and_skip_rows_without_terms(milvus_tiny, side):
    from rag.store.vectors import LexicalStore

    _, index, milvus, faiss = milvus_tiny
    lexical = (faiss if side == "faiss" else milvus).lexical
    assert isinstance(lexical, LexicalStore)
    assert lexical.count() == len(index.chunks)
    found = lexical.search("数据共享 数字技能", 20, doc_ids=["talent.txt"])
    assert len(found) and {index.chunks[int(r)].doc_id for r in found.rows} == {"talent.txt"}
    assert (found.scores > 0).all()
    assert len(lexical.search("数据共享", 5, doc_ids=[])) == 0
    assert len(lexical.search("量子纠缠", 5)) == 0


def test_build_refuses_an_unknown_store_before_building(tmp_path):
    from rag.settings import Settings
    from rag.wiring import build_from_settings

    settings = Settings(seeds_dir=tmp_path / "none", index_dir=tmp_path / "index", embedder="hash",
                        vector_store="qdrant")
    with pytest.raises(ValueError, match=r"unknown vector_store 'qdrant'; choose one of \['faiss', 'milvus'\]"):
        build_from_settings(settings, progress=False)
    assert not (tmp_path / "index").exists()
