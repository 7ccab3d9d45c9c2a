"""The Milvus store, through pymilvus `MilvusClient`: milvus-lite (a local `.db` folder) for tests
and single machines, a `milvus_uri` (+ token) for Milvus Standalone or Distributed.

One collection per build holds, per chunk-table row: the document id, the dense vector and the
lexical field. Lexical search has two modes (measured in docs/scale.md):
- "terms": the project's own jieba/OpenCC tokens as sparse vectors whose weights are the build's
  BM25 term scores, searched by inner product — the same scores bm25s gives;
- "bm25": Milvus's BM25 function over the normalised text with the `jieba` analyzer.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Sequence

import numpy as np

from rag.store.vectors import Candidates

LEXICAL_MODES = ("terms", "bm25")
MAX_TEXT_CHARS = 8192
# Milvus stores no empty sparse vector: a row without terms gets this id, which no query has.
NO_TERM = {2**32 - 2: 1.0}
_NAME = re.compile(r"[^0-9A-Za-z_]")


def collection_name(prefix: str, build_id: str) -> str:
    """A valid Milvus collection name for one build (letters, digits and `_` only)."""
    return _NAME.sub("_", f"{prefix}_{build_id}")


class MilvusStore:
    """`VectorStore` (and, through `lexical()`, `LexicalStore`) over one Milvus collection."""

    name = "milvus"

    def __init__(self, uri: str, collection: str, dim: int, *, token: str = "",
                 lexical_mode: str = "terms") -> None:
        if lexical_mode not in LEXICAL_MODES:
            raise ValueError(
                f"unknown Milvus lexical mode {lexical_mode!r}; choose one of {list(LEXICAL_MODES)}"
            )
        self.uri = uri
        self.token = token
        self.collection = collection
        self.dim = dim
        self.lexical_mode = lexical_mode
        self.client = None
        self._next_row = 0

    # connection and schema ------------------------------------------------------------------
    def load(self, create: bool = False) -> "MilvusStore":
        """Connect; with `create`, (re)create the collection, else it must exist."""
        from pymilvus import MilvusClient

        if self.client is None:
            self.client = MilvusClient(self.uri, token=self.token) if self.token else MilvusClient(self.uri)
        exists = self.client.has_collection(self.collection)
        if create:
            if exists:
                self.client.drop_collection(self.collection)
            self._create()
        elif not exists:
            raise LookupError(f"no Milvus collection {self.collection!r} at {self.uri}")
        self.client.load_collection(self.collection)
        self._next_row = self.count()
        return self

    def _create(self) -> None:
        from pymilvus import DataType, Function, FunctionType

        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("row", DataType.INT64, is_primary=True)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=512)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field("lexical", DataType.SPARSE_FLOAT_VECTOR)
        index = self.client.prepare_index_params()
        index.add_index("vector", index_type="AUTOINDEX", metric_type="IP")
        if self.lexical_mode == "bm25":
            schema.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT_CHARS,
                             enable_analyzer=True, analyzer_params={"tokenizer": "jieba"})
            schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                         input_field_names=["text"], output_field_names=["lexical"]))
            index.add_index("lexical", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        else:
            index.add_index("lexical", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
        self.client.create_collection(self.collection, schema=schema, index_params=index)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def drop(self) -> None:
        if self.client is not None and self.client.has_collection(self.collection):
            self.client.drop_collection(self.collection)

    # VectorStore ------------------------------------------------------------------------------
    def add(self, doc_ids: Sequence[str], vectors: np.ndarray, lexical: Sequence | None = None,
            rows: Sequence[int] | None = None, batch_size: int = 2000) -> np.ndarray:
        """Insert rows; `lexical` holds texts ("bm25" mode) or {term id: weight} ("terms")."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if len(vectors) != len(doc_ids):
            raise ValueError(f"{len(vectors)} vectors for {len(doc_ids)} document ids")
        if lexical is not None and len(lexical) != len(doc_ids):
            raise ValueError(f"{len(lexical)} lexical entries for {len(doc_ids)} document ids")
        if rows is None:
            rows = np.arange(self._next_row, self._next_row + len(vectors), dtype=np.int64)
        rows = np.asarray(rows, dtype=np.int64)
        for start in range(0, len(rows), batch_size):
            batch = []
            for i in range(start, min(start + batch_size, len(rows))):
                entity = {"row": int(rows[i]), "doc_id": doc_ids[i], "vector": vectors[i].tolist()}
                if self.lexical_mode == "bm25":
                    entity["text"] = (lexical[i] if lexical is not None else "")[:MAX_TEXT_CHARS]
                else:
                    entity["lexical"] = (dict(lexical[i]) if lexical is not None else {}) or NO_TERM
                batch.append(entity)
            self.client.insert(self.collection, batch)
        if len(rows):
            self._next_row = max(self._next_row, int(rows.max()) + 1)
        return rows

    def delete(self, doc_id: str) -> int:
        result = self.client.delete(self.collection, filter=f"doc_id == {json.dumps(doc_id)}")
        return int(result["delete_count"] if isinstance(result, dict) else len(result))

    def count(self) -> int:
        result = self.client.query(self.collection, filter="", output_fields=["count(*)"])
        return int(result[0]["count(*)"])

    def search(self, vector: np.ndarray, k: int, doc_ids: Collection[str] | None = None) -> Candidates:
        data = [np.asarray(vector, dtype=np.float32).tolist()]
        return self._search(data, "vector", "IP", k, doc_ids)

    # LexicalStore -------------------------------------------------------------------------------
    def lexical(self, tokenizer=None, vocab: dict[str, int] | None = None) -> "MilvusLexical":
        """The lexical side of this collection as a `LexicalStore`."""
        return MilvusLexical(self, tokenizer, vocab)

    def _lexical_query(self, query: str, tokenizer, vocab) -> object | None:
        if self.lexical_mode == "bm25":
            return query if query.strip() else None
        ids = Counter(vocab[t] for t in tokenizer.tokenize(query) if t in vocab)
        return {i: float(n) for i, n in ids.items()} or None

    # hybrid ---------------------------------------------------------------------------------------
    def hybrid(self, vector: np.ndarray, lexical_query, k: int, depth: int, fusion: str,
               weights: tuple[float, float], rrf_k: int = 60,
               doc_ids: Collection[str] | None = None) -> Candidates:
        """One `hybrid_search`: lexical and dense top-`depth` lists fused by Milvus's ranker
        ("rrf": Σ 1/(rrf_k + rank); "weighted": Milvus's WeightedRanker, which normalises each
        list with an arctan, weights (lexical, dense))."""
        from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker

        if k <= 0:
            return Candidates.empty()
        expr = self._filter(doc_ids)
        requests = []
        if lexical_query is not None:
            requests.append(AnnSearchRequest([lexical_query], "lexical", {"metric_type": self._lexical_metric()},
                                             depth, expr=expr or None))
        requests.append(AnnSearchRequest([np.asarray(vector, dtype=np.float32).tolist()], "vector",
                                         {"metric_type": "IP"}, depth, expr=expr or None))
        if fusion == "rrf":
            ranker = RRFRanker(rrf_k)
        else:
            chosen = weights if lexical_query is not None else weights[1:]
            ranker = WeightedRanker(*chosen)
        result = self.client.hybrid_search(self.collection, requests, ranker, limit=k,
                                           output_fields=["doc_id"])
        return self._candidates(result, k, negate=False)

    # helpers -----------------------------------------------------------------------------------
    def _lexical_metric(self) -> str:
        return "BM25" if self.lexical_mode == "bm25" else "IP"

    @staticmethod
    def _filter(doc_ids: Collection[str] | None) -> str:
        if doc_ids is None:
            return ""
        return f"doc_id in {json.dumps(sorted(set(doc_ids)), ensure_ascii=False)}"

    def _search(self, data, field: str, metric: str, k: int, doc_ids) -> Candidates:
        if k <= 0 or (doc_ids is not None and not doc_ids):
            return Candidates.empty()
        result = self.client.search(self.collection, data=data, anns_field=field, limit=k,
                                    filter=self._filter(doc_ids), output_fields=["doc_id"],
                                    search_params={"metric_type": metric})
        return self._candidates(result, k, negate=metric == "BM25")

    @staticmethod
    def _candidates(result, k: int, negate: bool) -> Candidates:
        hits = result[0] if len(result) else []
        rows = [int(h["row"]) for h in hits]
        # milvus-lite reports BM25 as a negative distance (Milvus proper as a positive score);
        # BM25 scores are never negative, so the magnitude is the score in both.
        scores = [abs(float(h["distance"])) if negate else float(h["distance"]) for h in hits]
        return Candidates.ranked(rows, scores, k)


class MilvusLexical:
    """The lexical field of a `MilvusStore` as a `LexicalStore`."""

    def __init__(self, store: MilvusStore, tokenizer=None, vocab: dict[str, int] | None = None) -> None:
        if store.lexical_mode == "terms" and (tokenizer is None or vocab is None):
            raise ValueError("the 'terms' lexical mode needs the build's tokenizer and vocabulary")
        self.store = store
        self.tokenizer = tokenizer
        self.vocab = vocab
        self.name = f"milvus-{store.lexical_mode}"

    def query(self, query: str):
        """The query in the collection's lexical form, or None when it has no known term."""
        return self.store._lexical_query(query, self.tokenizer, self.vocab)

    def delete(self, doc_id: str) -> int:
        return self.store.delete(doc_id)

    def count(self) -> int:
        return self.store.count()

    def search(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> Candidates:
        data = self.query(query)
        if data is None:
            return Candidates.empty()
        found = self.store._search([data], "lexical", self.store._lexical_metric(), k, doc_ids)
        keep = found.scores > 0
        return Candidates(found.rows[keep], found.scores[keep])


def fill_from_build(store: MilvusStore, index, prefix: str | None = None,
                    batch_size: int = 2000) -> MilvusStore:
    """(Re)create `store`'s collection from a loaded build, row i = chunk i, with the build's
    own vectors and lexical form; then drop other collections named `<prefix>_*`."""
    from rag.store.build import indexed_text
    from rag.store.faiss_store import faiss_store_of
    from rag.store.lexical_store import row_term_weights, sparse_rows

    store.load(create=True)
    vectors = faiss_store_of(index).vectors
    doc_ids = [index.doc_names[code] for code in index.doc_codes]
    weights = row_term_weights(index.bm25) if store.lexical_mode == "terms" else None
    for start in range(0, len(doc_ids), batch_size):
        stop = min(start + batch_size, len(doc_ids))
        if weights is not None:
            lexical = sparse_rows(weights, start, stop)
        else:
            lexical = [indexed_text(c) for c in index.chunks[start:stop]]
        store.add(doc_ids[start:stop], vectors[start:stop], lexical, rows=range(start, stop))
    if prefix:
        for name in store.client.list_collections():
            if name.startswith(prefix + "_") and name != store.collection:
                store.client.drop_collection(name)
    return store
