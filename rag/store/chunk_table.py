"""Rows straight from a JSON-lines file, memory-mapped: no Python object per row.

A `ChunkTable` is what serving needs at a million passages: `table[row]` parses one line into a
`Chunk` when a hit is shown; the line offsets are one int64 array (8 bytes a row). `LineTable`
is the same for any JSON-lines file (the answer sentences use it for their embed hashes).
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from rag.types import Chunk

_FIELDS = set(Chunk.__dataclass_fields__)


class LineTable:
    """Read-only rows of a JSON-lines file by number (one JSON value per line)."""

    unit = "rows"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._file = None
        self._map = None
        self.offsets = np.zeros(1, dtype=np.int64)

    def load(self):
        """Map the file and find its line starts (a vectorised scan for newlines)."""
        self._file = open(self.path, "rb")
        if self.path.stat().st_size == 0:
            return self
        self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
        ends = np.flatnonzero(np.frombuffer(self._map, dtype=np.uint8) == 10) + 1
        if ends.size == 0 or ends[-1] != len(self._map):
            ends = np.append(ends, len(self._map))
        self.offsets = np.concatenate([[0], ends]).astype(np.int64)
        return self

    def __len__(self) -> int:
        return int(self.offsets.size - 1)

    def raw(self, row: int) -> bytes:
        """The bytes of line `row` (its newline included)."""
        if not 0 <= row < len(self):
            raise IndexError(f"row {row} is outside the table's {len(self)} {self.unit}")
        return self._map[self.offsets[row] : self.offsets[row + 1]]

    def line(self, row: int) -> dict:
        return json.loads(self.raw(row))

    def lines(self) -> Iterator[bytes]:
        """Every line's bytes, in order (one pass over the mapped file)."""
        data, offsets = self._map, self.offsets
        return (data[offsets[i] : offsets[i + 1]] for i in range(len(self)))

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
        if self._file is not None:
            self._file.close()


class ChunkTable(LineTable):
    """Read-only sequence of `Chunk`s over a JSON-lines file (one chunk per line)."""

    unit = "chunks"

    def load(self) -> "ChunkTable":
        super().load()
        return self

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        return Chunk(**{k: v for k, v in self.line(int(row)).items() if k in _FIELDS})

    def __iter__(self) -> Iterator[Chunk]:
        return (self[i] for i in range(len(self)))


def write_chunk_lines(path: Path, chunks: Iterable[Chunk]) -> int:
    """Write chunks as JSON lines (the `chunks.jsonl` shape); returns how many."""
    from dataclasses import asdict

    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
            count += 1
    return count
