"""Bytes per review of an SQLite collection (tutor's or Anki's), by pages in use, per table.

    python scripts/storage_size.py bench.db [anki.anki2 ...]

`bytes_per_review(path)` is what the benchmark calls: the file's pages in use (page count less
free pages, times the page size; indexes included) over its review rows (`review` for tutor,
`revlog` for Anki), and each table's and index's share from SQLite's `dbstat`.
"""

from __future__ import annotations

import argparse
import sqlite3
from dataclasses import dataclass
from pathlib import Path

REVIEW_TABLES = ("review", "revlog")  # tutor's, Anki's


@dataclass(frozen=True)
class StorageSize:
    """A collection's pages in use, its reviews, and the bytes each table and index holds."""

    path: Path
    reviews: int
    bytes_in_use: int
    by_object: dict[str, int]

    @property
    def per_review(self) -> float:
        return self.bytes_in_use / self.reviews if self.reviews else float("nan")

    def report(self) -> str:
        lines = [
            f"{self.path}: {self.per_review:.1f} bytes per review "
            f"({self.bytes_in_use / 1e6:.1f} MB in use, {self.reviews} reviews)"
        ]
        for name, size in sorted(self.by_object.items(), key=lambda item: -item[1]):
            share = size / self.reviews if self.reviews else float("nan")
            lines.append(f"  {name:<28} {size / 1e6:9.2f} MB  {share:7.1f} B/review")
        return "\n".join(lines)


def bytes_per_review(path: Path) -> StorageSize:
    """Measure the collection at `path` (its WAL is checkpointed first; nothing else is written)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        table = next((t for t in REVIEW_TABLES if t in names), None)
        reviews = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] if table else 0
        by_object = {
            str(name): int(size)
            for name, size in conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
        }
    finally:
        conn.close()
    return StorageSize(path, int(reviews), (pages - free) * page_size, by_object)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="+", type=Path, help="SQLite collection files")
    args = parser.parse_args()
    for path in args.paths:
        print(bytes_per_review(path).report())


if __name__ == "__main__":
    main()
