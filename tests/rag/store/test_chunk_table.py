"""The memory-mapped chunk table reads the build's own chunks.jsonl, one line per row."""

from __future__ import annotations

import pytest

from rag.store.chunk_table import ChunkTable, write_chunk_lines
from rag.types import Chunk

pytestmark = pytest.mark.unit


def test_table_gives_each_row_as_a_chunk(tmp_path):
    chunks = [Chunk(f"c{i}", "d", "标题", "", 0, 3, f"第{i}段\n含换行", ordinal=i) for i in range(5)]
    assert write_chunk_lines(tmp_path / "chunks.jsonl", chunks) == 5
    table = ChunkTable(tmp_path / "chunks.jsonl").load()
    assert len(table) == 5
    assert table[3] == chunks[3] and list(table) == chunks
    with pytest.raises(IndexError, match="row 5 is outside the table's 5 chunks"):
        table[5]
    table.close()


def test_table_reads_a_build_and_drops_its_extra_fields(tiny_index):
    from rag.store.index import load_index

    index = load_index(tiny_index)
    table = ChunkTable(index.path / "chunks.jsonl").load()
    assert len(table) == len(index.chunks)
    assert all(table[i] == chunk for i, chunk in enumerate(index.chunks))


def test_empty_file_is_an_empty_table(tmp_path):
    (tmp_path / "chunks.jsonl").write_text("", encoding="utf-8")
    assert len(ChunkTable(tmp_path / "chunks.jsonl").load()) == 0
