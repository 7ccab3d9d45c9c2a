"""Duplicates: byte copies indexed once, near copies reported and skipped unless allowed,
and a new version of a known document replacing the old one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.ingest.dedupe import NEAR_THRESHOLD, screen_duplicates, shingles
from rag.ingest.load import load_documents, parse_document

pytestmark = pytest.mark.unit

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
SEED = "001_53608c2ad2291062.txt"


def near_copy(text: str) -> str:
    """A reposted copy: a changed header, one term reworded throughout, the last paragraph
    dropped and a repost notice appended."""
    text = text.replace("数字政府", "数字化政府").replace("數字政府", "數字化政府")
    lines = text.rstrip("\n").split("\n")[:-1]
    return "（转载）" + "\n".join(lines) + "\n\n本文转载自网络，如有侵权请联系删除。\n"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    shutil.copytree(SEEDS, folder)
    shutil.copy(SEEDS / SEED, folder / "copy_of_001.txt")
    source = (SEEDS / SEED).read_text(encoding="utf-8")
    (folder / "repost" ).mkdir()
    (folder / "repost" / "near_001.md").write_text(near_copy(source), encoding="utf-8")
    return folder


def test_seeds_have_no_duplicates() -> None:
    result = load_documents(SEEDS)
    assert len(result.documents) == 4 and result.duplicates == ()


def test_byte_copy_indexed_once_and_near_copy_skipped(library: Path) -> None:
    result = load_documents(library)
    assert [d.doc_id for d in result.documents] == sorted(p.name for p in SEEDS.iterdir())
    exact, near = result.duplicates
    assert str(exact) == f"copy_of_001.txt: byte-identical copy of {SEED}, indexed once (as {SEED})"
    assert (near.doc_id, near.of, near.kind, near.indexed) == ("repost/near_001.md", SEED, "near", False)
    assert NEAR_THRESHOLD <= near.similarity < 1
    assert str(near) == (
        f"repost/near_001.md: near-duplicate of {SEED} (similarity {near.similarity:.3f}), "
        "skipped (use --allow-duplicate to index it)"
    )
    assert result.skipped == ()


def test_allow_duplicate_indexes_the_near_copy_but_still_reports_it(library: Path) -> None:
    result = load_documents(library, allow_duplicate=True)
    ids = [d.doc_id for d in result.documents]
    assert "repost/near_001.md" in ids and "copy_of_001.txt" not in ids
    assert [(d.doc_id, d.kind, d.indexed) for d in result.duplicates] == [
        ("copy_of_001.txt", "identical", False),
        ("repost/near_001.md", "near", True),
    ]


def test_different_articles_are_far_apart() -> None:
    documents = load_documents(SEEDS).documents
    screening = screen_duplicates(documents, threshold=0.2)
    assert screening.duplicates == () and len(screening.kept) == 4


def test_adding_against_an_existing_library() -> None:
    existing = load_documents(SEEDS).documents
    other = "000_589b525eb0b99189.txt"
    source = (SEEDS / other).read_text(encoding="utf-8")
    new_version_bytes = near_copy((SEEDS / SEED).read_text(encoding="utf-8")).encode("utf-8")
    candidates = [
        parse_document("new/copy.txt", (SEEDS / other).read_bytes()),
        parse_document("new/near.txt", near_copy(source).encode("utf-8")),
        parse_document(SEED, new_version_bytes),  # same path: a new version
    ]
    screening = screen_duplicates(candidates, existing=existing)
    # The new version replaces its old self and is never reported as a copy of it.
    assert [d.doc_id for d in screening.kept] == [SEED]
    assert screening.replaced == (SEED,)
    assert [(d.doc_id, d.of, d.kind, d.indexed) for d in screening.duplicates] == [
        ("new/copy.txt", other, "identical", False),
        ("new/near.txt", other, "near", False),
    ]


def test_a_new_version_is_screened_before_other_candidates() -> None:
    existing = load_documents(SEEDS).documents
    changed = near_copy((SEEDS / SEED).read_text(encoding="utf-8")).encode("utf-8")
    # A copy of the new version listed before it: the new version still wins.
    screening = screen_duplicates(
        [parse_document("zz/copy.txt", changed), parse_document(SEED, changed)], existing=existing
    )
    assert [d.doc_id for d in screening.kept] == [SEED]
    assert [(d.doc_id, d.of, d.kind) for d in screening.duplicates] == [("zz/copy.txt", SEED, "identical")]


def test_same_bytes_same_id_is_unchanged_not_replaced() -> None:
    existing = load_documents(SEEDS).documents
    again = parse_document(SEED, (SEEDS / SEED).read_bytes())
    screening = screen_duplicates([again], existing=existing)
    assert [d.doc_id for d in screening.kept] == [SEED]
    assert screening.replaced == () and screening.duplicates == ()


def test_shingles_fold_script_and_width() -> None:
    assert shingles("數字政府建設") == shingles("数字 政府\n建设")
    assert shingles("") == set() and shingles("数字") == {"数字"}


def test_threshold_is_checked() -> None:
    with pytest.raises(ValueError, match="threshold=1.5"):
        screen_duplicates([], threshold=1.5)
