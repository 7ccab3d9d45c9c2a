"""One-off migration: doc ids were file stems (`000_589b525eb0b99189`); they are now paths
relative to the library folder with the extension (`000_589b525eb0b99189.txt`).

Rewrites every `"doc_id": "<stem>"` in the given files whose stem names exactly one file of
the library folder, and nothing else, so the files stay byte-identical apart from the ids.

    python -m eval.migrate_doc_ids --seeds seeds eval/*.jsonl tests/integration/*.py
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from rag.ingest.load import walk_library


def stem_map(seeds: Path) -> dict[str, str]:
    """Old stem id → new path id, for stems that name exactly one file."""
    found, _ = walk_library(seeds)
    by_stem: dict[str, list[str]] = {}
    for doc_id, _ in found:
        by_stem.setdefault(doc_id.rsplit(".", 1)[0], []).append(doc_id)
    return {stem: ids[0] for stem, ids in by_stem.items() if len(ids) == 1}


def migrate(text: str, ids: dict[str, str]) -> tuple[str, int]:
    """`text` with quoted old ids replaced; returns the new text and the number replaced."""
    pattern = re.compile(r"([\"'])(" + "|".join(map(re.escape, sorted(ids))) + r")\1")
    return pattern.subn(lambda m: m.group(1) + ids[m.group(2)] + m.group(1), text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args()
    ids = stem_map(args.seeds)
    for path in args.files:
        text = path.read_text(encoding="utf-8")
        new, count = migrate(text, ids)
        if count:
            path.write_text(new, encoding="utf-8")
        print(f"{path}: {count} ids migrated")


if __name__ == "__main__":
    main()
