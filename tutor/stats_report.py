"""The statistics report as plain-text sections with text charts (for pipes and the TUI alike)."""

from __future__ import annotations

import shutil
import unicodedata
from datetime import date

from tutor.stats_data import (
    Bucket,
    Calendar,
    CalibrationReport,
    CardCounts,
    Distractor,
    Distributions,
    Forecast,
    Guessing,
    Hardest,
    Misconceptions,
    StatsReport,
    TimeSpent,
    Today,
    TrueRetention,
)
from tutor.text import neutralise

BLOCKS = " ▁▂▃▄▅▆▇█"
SHADES = " ░▒▓█"
CUT_TO_WIDTH = ("Hardest cards", "Most tempting distractors")
OPTION_CELLS = 40  # a distractor's text is cut here so the question it belongs to stays in view


def cut_to_width(title: str) -> bool:
    """Whether a section's lines are rows ending in card text: cut to the width, never wrapped."""
    return title.startswith(CUT_TO_WIDTH)


def _cells(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def fit(text: str, width: int) -> str:
    """The text cut to `width` terminal cells, ending in "…" when something was cut."""
    if sum(_cells(c) for c in text) <= width:
        return text
    out, used = "", 0
    for char in text:
        if used + _cells(char) > width - 1:
            break
        out += char
        used += _cells(char)
    return out + "…"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _bar(value: float, largest: float, width: int) -> str:
    if largest <= 0 or value <= 0:
        return ""
    cells = value / largest * width
    return "█" * int(cells) + ("▌" if cells - int(cells) >= 0.5 else "")


def _column_chart(values: list[int], height: int = 5) -> list[str]:
    """Rows (top first) of a column chart, two characters a column."""
    top = max(values) if values else 0
    rows = []
    for level in range(height, 0, -1):
        row = ""
        for value in values:
            eighths = round(value / top * height * 8) if top else 0
            filled = eighths - (level - 1) * 8
            row += BLOCKS[max(0, min(filled, 8))] * 2
        rows.append(row.rstrip())
    return rows


def sections(stats: StatsReport) -> list[tuple[str, list[str]]]:
    """(title, lines) for every part of the report, in reading order; card text neutralised."""
    return [
        (neutralise(title), [neutralise(line) for line in lines]) for title, lines in _parts(stats)
    ]


def _parts(stats: StatsReport) -> list[tuple[str, list[str]]]:
    return [
        ("Today", _today(stats.today)),
        (
            "True retention  (first answer of each day; Again fails, Hard/Good/Easy pass)",
            _retention(stats.true_retention),
        ),
        (
            f"Forecast  (cards due per day, next 30 days; overdue now: {stats.forecast.overdue})",
            _forecast(stats.forecast),
        ),
        (_calendar_title(stats.calendar), _calendar(stats.calendar)),
        ("Cards", _counts(stats.counts)),
        ("Distributions", _distributions(stats.distributions)),
        (_calibration_title(stats.calibration), _calibration(stats.calibration)),
        ("Hardest cards", _hardest(stats.hardest)),
        (
            "Most tempting distractors  (wrong options picked, per card)",
            _distractors(stats.distractors),
        ),
        (_time_title(stats.time), _time(stats.time)),
        (
            "Guessing  (true retention by kind of card; a blind guess's share taken out)",
            _guessing(stats.guessing),
        ),
        (
            "Misconceptions  (a card missed at least twice through the same wrong option)",
            _misconceptions(stats.misconceptions),
        ),
    ]


def render(stats: StatsReport, width: int | None = None) -> str:
    """The whole report as text; card text cut to `width` (default: $COLUMNS, the terminal, 80)."""
    width = width or shutil.get_terminal_size().columns
    deck = neutralise(stats.deck or "all decks")
    if stats.tag is not None:
        deck += f", tag {neutralise(stats.tag)}"
    out = [f"Statistics: {deck}  (range: {stats.span})", ""]
    for title, lines in sections(stats):
        out.append(title)
        cut = cut_to_width(title)
        out.extend(
            fit("  " + line, width) if cut else "  " + line if line else "" for line in lines
        )
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _today(today: Today) -> list[str]:
    if not today.reviews:
        return ["No reviews yet today."]
    minutes, seconds = divmod(int(today.seconds), 60)
    return [
        f"{_count(today.reviews, 'review')}, {today.correct} right ({_pct(today.accuracy)}), "
        f"{minutes} min {seconds:02d} s, new cards learned: {today.new_learned}"
    ]


def _retention(retention: TrueRetention) -> list[str]:
    kinds = ("young", "mature", "total")
    counts = {
        (values.name, kind): f"{values.rates()[kind].passed}/{values.rates()[kind].reviews}"
        for values in retention.periods
        for kind in kinds
    }
    width = max(9, *(len(c) for c in counts.values())) + 9  # and " 100.0%"
    lines = [f"{'':<10}" + "".join(f"{kind:>{width}}" for kind in kinds)]
    for values in retention.periods:
        cells = "".join(
            f"{counts[values.name, kind]:>{width - 8}} {_pct(values.rates()[kind].rate):>7}"
            for kind in kinds
        )
        lines.append(f"{values.name:<10}{cells}")
    return lines


def _forecast(forecast: Forecast) -> list[str]:
    values = [d.due for d in forecast.days]
    if not any(values):
        return ["Nothing is scheduled in the next 30 days."]
    lines = [f"{row}" for row in _column_chart(values)]
    first, last = forecast.days[0].date[5:], forecast.days[-1].date[5:]
    lines.append(f"{first}{' ' * (len(values) * 2 - len(first) - len(last))}{last}")
    lines.append(
        f"today {values[0]}, tomorrow {values[1]}, next 7 days {sum(values[:7])}, "
        f"30 days {sum(values)} (peak {max(values)})"
    )
    return lines


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _calendar_title(calendar: Calendar) -> str:
    return (
        f"Calendar  (reviews per day, last year; streak {_days(calendar.streak)}, longest "
        f"{_days(calendar.longest_streak)}, studied on {_days(calendar.days_studied)}"
        ")"
    )


def _calendar(calendar: Calendar) -> list[str]:
    days = calendar.days
    top = max((d.reviews for d in days), default=0)
    if not top:
        return ["No reviews in the last year."]
    first = date.fromisoformat(days[0].date)
    days = days[(7 - first.weekday()) % 7 :]  # whole weeks from a Monday: the rows line up
    weeks = (len(days) + 6) // 7
    grid = [[" "] * weeks for _ in range(7)]
    for slot, entry in enumerate(days):
        level = 0 if not entry.reviews else 1 + min(3, entry.reviews * 4 // (top + 1))
        grid[slot % 7][slot // 7] = SHADES[level] if level else "·"
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    lines = [f"{names[row]} {''.join(grid[row])}" for row in range(7)]
    lines.append(f"    {days[0].date} … {days[-1].date}   · none  ░▒▓█ more (most: {top})")
    return lines


def _counts(counts: CardCounts) -> list[str]:
    return ["  ".join(f"{name} {value}" for name, value in counts.to_json().items())]


def _distribution(name: str, buckets: tuple[Bucket, ...]) -> list[str]:
    top = max((b.count for b in buckets), default=0)
    if not top:
        return [f"{name}: none yet"]
    lines = [f"{name}:"]
    for bucket in buckets:
        lines.append(f"  {bucket.label:>8} {bucket.count:>7}  {_bar(bucket.count, top, 40)}")
    return lines


def _distributions(dist: Distributions) -> list[str]:
    lines = [
        f"Average predicted recall now {_pct(dist.average_retrievability)}; "
        f"cards you know now (sum of recall) ≈ {dist.known}",
        "",
    ]
    for buckets, name in (
        (dist.intervals, "Intervals"),
        (dist.stability, "Stability (days)"),
        (dist.difficulty, "Difficulty (1-10)"),
        (dist.retrievability, "Predicted recall now"),
    ):
        lines += _distribution(name, buckets)
    return lines


def _calibration_title(calibration: CalibrationReport) -> str:
    return (
        f"Calibration  (predicted recall at each review against what happened; "
        f"RMSE(bins) {_pct(calibration.rmse_bins)}, log loss "
        f"{calibration.log_loss if calibration.log_loss is not None else '—'}, "
        f"{_count(calibration.reviews, 'review')})"
    )


def _calibration(calibration: CalibrationReport) -> list[str]:
    bins = [b for b in calibration.bins if b.reviews]
    if not bins:
        return ["No reviews with a prediction yet (a card's first answer has none)."]
    lines = [f"{'predicted':>12} {'':>9} {'actual':>8} {'reviews':>9}   actual ▒ / predicted │"]
    for b in bins:
        width = 30
        actual = round((b.actual or 0) * width)
        predicted = round((b.predicted or 0) * width)
        chart = "".join("▒" if i < actual else " " for i in range(width))
        chart = (
            chart[:predicted] + "│" + chart[predicted + 1 :] if predicted < width else chart + "│"
        )
        lines.append(
            f"{int(b.lower * 100):>3}-{int(b.upper * 100):<3}% {_pct(b.predicted):>9} "
            f"{_pct(b.actual):>9} {b.reviews:>9}   {chart}"
        )
    return lines


def _hardest(hardest: Hardest) -> list[str]:
    lines = []
    for entry in hardest.lapses:
        lines.append(
            f"{entry.lapses:>3} lapses  recall {_pct(entry.retrievability):>6}  {entry.question}"
        )
    if not lines:
        lines.append("No card has lapsed yet.")
    lines.append("Lowest predicted recall now:")
    for entry in hardest.lowest_retrievability:
        lines.append(f"  {_pct(entry.retrievability):>6}  {entry.question}")
    return lines


def _distractors(distractors: tuple[Distractor, ...]) -> list[str]:
    if not distractors:
        return ["No wrong option has been picked yet."]
    lines = []
    for d in distractors:
        lines.append(
            f"{d.picked:>4} of {d.answers:<4} ({_pct(d.share):>6})  "
            f"“{fit(d.option, OPTION_CELLS)}”  ← {d.question}"
        )
    return lines


def _time_title(time: TimeSpent) -> str:
    per_card = time.seconds_per_card
    return f"Time  ({per_card if per_card is not None else '—'} s per card on average)"


def _time(time: TimeSpent) -> list[str]:
    by_hour = {h.hour: h for h in time.by_hour}
    counts = [by_hour[h].reviews if h in by_hour else 0 for h in range(24)]
    if not any(counts):
        return ["No reviews in this range."]
    lines = ["Reviews by hour of day:"]
    lines += [row for row in _column_chart(counts, height=4)]
    lines.append("".join(f"{h:<2}" if h % 3 == 0 else "  " for h in range(24)))
    rates = [by_hour[h].pass_rate or 0 for h in range(24) if h in by_hour and by_hour[h].reviews]
    best = max((h for h in by_hour if by_hour[h].reviews), key=lambda h: by_hour[h].pass_rate or 0)
    lines.append(
        f"Pass rate by hour ranges {_pct(min(rates))}-{_pct(max(rates))}; "
        f"best at {best}:00 ({_pct(by_hour[best].pass_rate)})"
    )
    return lines


KINDS = {"one_right": "one right option", "select_all": "select all", "recall": "recall"}


def _guessing(guessing: Guessing) -> list[str]:
    rows = [row for row in guessing.rows if row.reviews]
    if not rows:
        return ["No review card has been answered in this range."]
    lines = [f"{'':<17}{'answers':>13} {'retention':>10} {'by chance':>10} {'corrected':>10}"]
    for row in rows:
        chance = "—" if row.chance is None else _pct(row.chance)
        corrected = "(as is)" if row.chance is None else _pct(row.corrected)
        answers = f"{row.passed}/{row.reviews}"
        lines.append(
            f"{KINDS.get(row.kind, row.kind):<17}{answers:>13} {_pct(row.rate):>10} "
            f"{chance:>10} {corrected:>10}"
        )
    return lines


def _misconceptions(misconceptions: Misconceptions) -> list[str]:
    found = misconceptions.top
    if not found:
        return ["None: no card has been missed twice through the same wrong option."]
    more = misconceptions.total - len(found)
    tail = [f"… and {more} more ({misconceptions.total} on {misconceptions.cards} cards)"]
    return [
        f"{m.times:>4}x  “{m.option[:30]}”  ← {m.question[:36]}  "
        f"({m.deck[:20]}, last {m.last_picked})"
        for m in found
    ] + (tail if more else [])
