"""A known tag, defined once: one the browser's `tag:` finds on a card not retired (stdlib).

Study, review, stats, export, `tutor cards` and the browser all ask this before saying
"no card has the tag"; a tag only retired cards still carry is not known.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tutor.config import Settings
from tutor.errors import NotFoundError
from tutor.queue import Reader


def no_such_tag(tag: str) -> NotFoundError:
    """The error for a `--tag` no card has (stats, study, review, export and cards say it alike)."""
    return NotFoundError(
        f"no card has the tag {tag!r}; tags come from a deck's front matter and its cards' "
        "`Tags:` lines (`tutor cards tag:TAG` searches them)"
    )


def is_known(reader: Reader, tag: str, settings: Settings, now: datetime) -> bool:
    """Whether a card not retired has `tag` (its own `Tags:` line or its deck's), any case."""
    from tutor.card_query import CardQuery  # the search's imports are not free for `stats`
    from tutor.card_search import compile_query

    compiled = compile_query(reader, CardQuery(tags=(tag,)), settings, now)
    sql = f"SELECT 1 FROM card c WHERE {compiled.where} LIMIT 1"
    values = {k: v for k, v in compiled.values.items() if f":{k}" in sql}
    return bool(reader.rows(sql, values))


def require_known(reader: Reader, tags: Sequence[str], settings: Settings, now: datetime) -> None:
    """NotFoundError (`no_such_tag`) for the first of `tags` that is not known."""
    for tag in tags:
        if not is_known(reader, tag, settings, now):
            raise no_such_tag(tag)
