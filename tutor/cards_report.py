"""`tutor cards` as text: the search's table, and one card's info with its every answer."""

from __future__ import annotations

from tutor.card_history import CardInfo
from tutor.card_search import ListedCard, SearchPage
from tutor.text import neutralise

HEADER = (
    f"{'id':>7}  {'question':<40}  {'deck':<16}  {'due':<10}  {'ivl':>5}  {'S':>6}  {'D':>4}  "
    f"{'R':>4}  {'lapses':>6}"
)


def cut(text: str, width: int) -> str:
    """Deck text flattened to one line, made terminal-safe, cut to `width`."""
    flat = neutralise(" ".join(text.split()))
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def number(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def cells(card: ListedCard) -> list[str]:
    """A card's cells: question, deck, due, interval, stability, difficulty, recall, lapses."""
    due = card.due.strftime("%Y-%m-%d") if card.due else card.phase.name.lower()
    flags = [
        name
        for name, on in (
            ("suspended", card.suspended),
            ("buried", card.buried),
            ("leech", card.leech),
            ("retired", card.retired),
        )
        if on
    ]
    return [
        card.question,
        card.deck,
        ", ".join(flags) or due,
        "-" if card.interval_days is None else f"{card.interval_days}d",
        number(card.stability, 1),
        number(card.difficulty, 1),
        "-" if card.recall is None else f"{card.recall:.0%}",
        str(card.lapses),
    ]


def cards_text(page: SearchPage) -> str:
    """The table of a page of cards, and how many matched."""
    if not page.cards:
        return "No card matches.\n"
    lines = [HEADER]
    for card in page.cards:
        question, deck, due, interval, stability, difficulty, recall, lapses = cells(card)
        lines.append(
            f"{card.id:>7}  {cut(question, 40):<40}  {cut(deck, 16):<16}  {due:<10}  "
            f"{interval:>5}  {stability:>6}  {difficulty:>4}  {recall:>4}  {lapses:>6}"
        )
    shown = len(page.cards)
    more = f" (the first {shown}; --limit N shows more)" if page.total > shown else ""
    matched = "1 card matches" if page.total == 1 else f"{page.total} cards match"
    lines.append(f"\n{matched}{more}.")
    return "\n".join(lines) + "\n"


def card_info_text(info: CardInfo) -> str:
    """A card's info: where it lives, its state, its forgetting curve and every answer."""
    card = info.card
    question, _deck, due, interval, stability, difficulty, recall, lapses = cells(card)
    lines = [
        f"Card {card.id}: {cut(question, 200)}",
        f"Deck: {neutralise(card.deck)}   file: {neutralise(card.source_path or '-')}"
        f":{card.source_line}",
        f"Tags: {neutralise(', '.join(info.tags)) or '-'}",
        f"State: {card.phase.name.lower()}   due: {due}   interval: {interval}   "
        f"stability: {stability}   difficulty: {difficulty}   recall now: {recall}   "
        f"lapses: {lapses}   reps: {card.reps}",
    ]
    if info.forgetting:
        curve = "  ".join(f"+{days}d {r:.0%}" for days, r in info.forgetting)
        lines.append(f"Forgetting curve: {curve}")
    lines.append("")
    if not info.answers:
        lines.append("Never answered.")
    else:
        lines.append(
            f"{'date':<16}  {'rating':<6}  {'suggested':<9}  {'secs':>5}  {'R':>4}  chosen"
        )
    for answer in info.answers:
        suggested = "-" if answer.suggested is None else answer.to_json()["suggested"]
        chosen = "; ".join(cut(text, 40) for text in answer.chosen) or "-"
        kind = "  (practice)" if answer.practice else ""
        r = "-" if answer.recall is None else f"{answer.recall:.0%}"
        lines.append(
            f"{answer.at.strftime('%Y-%m-%d %H:%M'):<16}  {answer.rating_name:<6}  "
            f"{suggested!s:<9}  {answer.seconds:>5.1f}  {r:>4}  {chosen}{kind}"
        )
    return "\n".join(lines) + "\n"
