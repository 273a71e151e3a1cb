"""Markdown deck text -> Deck, reporting every problem as `path:line: message`.

A careful line-based parser (see docs/deck-format.md): it tracks code fences so that
`## ` or `- [x]` inside a code block stay text, and it never interprets card text.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tutor.deck.limits import MAX_OPTIONS
from tutor.deck.models import SLUG, Card, Deck, Option, short
from tutor.errors import DeckError, Problem

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
OPTION = re.compile(r" {0,3}[-*+][ \t]+\[([ xX])\](?:[ \t]+(.*))?$")
PLAIN_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+")
COMMENT_OPEN = re.compile(r"^ {0,3}<!--")
TAGS_LINE = re.compile(
    r"^Tags:(.*)$"
)  # a card's own tags: the first line under the heading (and id)
TAG = re.compile(r"^[^\s,\[\]]+$")
ID_COMMENT = re.compile(r"^\s*<!--\s*id\s*:\s*(.*?)\s*-->\s*$", re.IGNORECASE)
REASONING_SEPARATOR = re.compile(r" (?:—|--) ")
EXPLANATION_LABEL = re.compile(
    r"^\s*(?:\*\*|__)?explanation(?::(?:\*\*|__)|(?:\*\*|__)?:)\s*", re.IGNORECASE
)
FRONT_MATTER_KEYS = ("title", "tags", "shuffle", "desired_retention", "converted_from")
RETENTION_RANGE = (0.70, 0.99)
FRONT_MATTER_LINE = re.compile(r"^([^\s:#][^:]*):(?:[ \t]+(.*?))?[ \t]*$")


@dataclass(slots=True)
class _Line:
    number: int
    text: str
    fenced: bool  # inside (or opening/closing) a code fence
    option: re.Match[str] | None = None  # a task-list item outside code fences


@dataclass
class _RawCard:
    line: int
    question: str
    lines: list[_Line] = field(default_factory=list)


def parse_file(path: str | Path) -> Deck:
    """Read and parse one deck file; raise DeckError listing every problem in it."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise DeckError.single(file, 0, "no such file") from None
    except OSError as exc:
        raise DeckError.single(file, 0, f"cannot read the file: {exc.strerror}") from None
    return parse_bytes(data, file)


def parse_bytes(data: bytes, path: str | Path) -> Deck:
    """Parse a deck from the bytes of a file (UTF-8, with or without BOM, any line ends)."""
    return parse_text(decode(data, path), path, source_hash=hashlib.sha256(data).hexdigest())


def decode(data: bytes, path: str | Path) -> str:
    """The text of a deck file's bytes; DeckError naming the line of a byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DeckError.single(
            path,
            line,
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at column {column}); "
            "save the file as UTF-8",
        ) from None


def parse_text(text: str, path: str | Path, source_hash: str | None = None) -> Deck:
    """Parse deck text; `path` names the file in errors and gives the fallback deck name."""
    if source_hash is None:
        source_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _Parser(text, str(path)).parse(source_hash)


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        self.lines = text.split("\n")
        self.path = path
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def parse(self, source_hash: str) -> Deck:
        settings, body_start = self._front_matter()
        title, description, raw_cards = self._split(body_start)
        cards = [c for c in (self._card(raw) for raw in raw_cards) if c is not None]
        self._check_unique(cards)
        name = self._deck_name(settings, title)
        if self.problems:
            raise DeckError(sorted(self.problems, key=lambda p: p.line))
        return Deck(
            name=name,
            path=self.path,
            source_hash=source_hash,
            description=description,
            tags=tuple(settings.get("tags", ())),
            shuffle=settings.get("shuffle"),
            desired_retention=settings.get("desired_retention"),
            cards=tuple(cards),
            converted_from=settings.get("converted_from"),
        )

    # --- front matter -------------------------------------------------------------------

    def _front_matter(self) -> tuple[dict[str, Any], int]:
        if not self.lines or self.lines[0].rstrip() != "---":
            return {}, 0
        end = next(
            (i for i in range(1, len(self.lines)) if self.lines[i].rstrip() in ("---", "...")),
            None,
        )
        if end is None:
            self.error(1, "front matter starts with --- but has no closing --- line")
            return {}, len(self.lines)
        return self._settings("\n".join(self.lines[1:end]), first_line=2), end + 1

    def _settings(self, source: str, first_line: int) -> dict[str, Any]:
        import yaml

        lines = source.split("\n")
        for number, text in enumerate(lines):
            if not text.strip() or text.lstrip().startswith("#") or text[:1] in " \t-":
                continue
            match = FRONT_MATTER_LINE.match(text)
            if match is None:
                self.error(
                    first_line + number,
                    f"front matter line {text.strip()[:40]!r} is not `key: value`; "
                    "put a colon and a space after the key",
                )
                return {}
            value = match.group(2) or ""
            if ":" in value and value[:1] not in "\"'[{":  # `title: Web::` is text, not a mapping
                lines[number] = f"{match.group(1)}: {json.dumps(value)}"
        source = "\n".join(lines)
        try:
            node = yaml.compose(source, Loader=yaml.SafeLoader)
            values = yaml.safe_load(source)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = first_line + (mark.line if mark is not None else 0)
            problem = getattr(exc, "problem", None) or "not valid YAML"
            self.error(line, f"front matter: {problem}; write it as `key: value` lines")
            return {}
        if values is None:
            return {}
        if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode):
            self.error(first_line, "front matter must be `key: value` lines")
            return {}
        key_lines = {str(k.value): first_line + k.start_mark.line for k, _ in node.value}
        settings: dict[str, Any] = {}
        for key, value in values.items():
            line = key_lines.get(str(key), first_line)
            checked = self._setting(str(key), value, line)
            if checked is not None:
                settings[str(key)] = checked
        return settings

    def _setting(self, key: str, value: Any, line: int) -> Any:
        if key not in FRONT_MATTER_KEYS:
            self.error(
                line,
                f"unknown front matter key {key!r}; allowed keys: {', '.join(FRONT_MATTER_KEYS)}",
            )
            return None
        if key == "title":
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                self.error(line, "title must be text (put it in quotes)")
                return None
            if not str(value).strip():
                self.error(line, "title is empty")
                return None
            return str(value).strip()
        if key == "tags":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(
                isinstance(t, str | int | float) and not isinstance(t, bool) for t in value
            ):
                self.error(
                    line, "tags must be a list of words, like `tags: [edge-ai, compression]`"
                )
                return None
            return [str(t) for t in value]
        if key == "converted_from":
            if not isinstance(value, str) or not value.strip():
                self.error(line, "converted_from must be a quiz text's path (put it in quotes)")
                return None
            return value
        if key == "shuffle":
            if not isinstance(value, bool):
                self.error(line, "shuffle must be true or false")
                return None
            return value
        low, high = RETENTION_RANGE
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (low <= value <= high)
        ):
            self.error(line, f"desired_retention must be a number from {low:.2f} to {high:.2f}")
            return None
        return float(value)

    # --- structure ----------------------------------------------------------------------

    def _split(self, start: int) -> tuple[tuple[int, str] | None, str, list[_RawCard]]:
        """Split the body into the `# ` title, the description and the raw cards."""
        title: tuple[int, str] | None = None
        description: list[str] = []
        cards: list[_RawCard] = []
        fence: str | None = None
        for index in range(start, len(self.lines)):
            number, text = index + 1, self.lines[index]
            fenced = fence is not None
            first = text.lstrip()[:1]
            if fence is None:
                opening = FENCE_OPEN.match(text) if first in ("`", "~") else None
                if opening:
                    fence, fenced = opening.group(1), True
                elif first == "#":
                    heading = HEADING.match(text)
                    if heading and len(heading.group(1)) == 2:
                        cards.append(_RawCard(number, (heading.group(2) or "").strip()))
                        continue
                    if heading and len(heading.group(1)) == 1 and not cards and title is None:
                        title = (number, (heading.group(2) or "").strip())
                        continue
            elif first == fence[0] and _closes(text, fence):
                fence = None
            if cards:
                option = OPTION.match(text) if not fenced and first in ("-", "*", "+") else None
                cards[-1].lines.append(_Line(number, text, fenced, option))
            else:
                description.append(text)
        return title, "\n".join(description).strip("\n").strip(), cards

    def _deck_name(self, settings: dict[str, Any], title: tuple[int, str] | None) -> str:
        line = 1
        if settings.get("title"):
            name = settings["title"]
        elif title is not None and title[1]:
            line, name = title
        else:
            name = Path(self.path).stem
        parts = [p.strip() for p in str(name).split("::")]
        if any(not p for p in parts):
            self.error(line, f"deck name {name!r} has an empty part around '::'")
        return "::".join(parts)

    # --- cards --------------------------------------------------------------------------

    def _card(self, raw: _RawCard) -> Card | None:
        label = f'card "{short(raw.question)}"'
        if not raw.question:
            self.error(raw.line, "card heading is empty; write the question after '## '")
            return None
        lines = list(raw.lines)
        slug = self._slug(lines, raw.line)
        for ln in lines:
            if _is_id_comment(ln):
                self.error(
                    ln.number, f"{label}: the id comment must be the line right under the heading"
                )
        lines = _without_comments(lines)
        tags = self._tags(lines, label)
        first_option = next((i for i, ln in enumerate(lines) if _is_option(ln)), None)
        if first_option is None:
            answer = _block(lines)
            if not answer:
                self.error(
                    raw.line,
                    f"{label} has no options and no answer; add a task list "
                    "(- [x] right, - [ ] wrong) or write the answer under the heading",
                )
                return None
            return Card(question=raw.question, slug=slug, answer=answer, line=raw.line, tags=tags)
        options, rest = self._options(lines[first_option:], label)
        for ln in rest:
            if _is_option(ln):
                self.error(
                    ln.number,
                    f"{label} has a second task list; put all options in one list, "
                    "before the explanation",
                )
                break
        if len(options) > MAX_OPTIONS:
            self.error(
                raw.line,
                f"{label} has {len(options)} options; at most {MAX_OPTIONS} can be answered "
                "with the keys 1-9: split the card or drop options",
            )
        if options and not any(o.correct for o in options):
            self.error(raw.line, f"{label} has options but none is marked [x]")
        elif options and all(o.correct for o in options):
            self.error(raw.line, f"{label} has no wrong option; mark at least one option [ ]")
        explanation = EXPLANATION_LABEL.sub("", _block(rest), count=1).strip()
        return Card(
            question=raw.question,
            body=_block(lines[:first_option]),
            slug=slug,
            options=tuple(options),
            explanation=explanation,
            line=raw.line,
            tags=tags,
        )

    def _tags(self, lines: list[_Line], label: str) -> tuple[str, ...]:
        """Take a `Tags: a, b` line standing first under the heading (and id), if there is one."""
        first = next((i for i, ln in enumerate(lines) if ln.text.strip()), None)
        if first is None or lines[first].fenced:
            return ()
        match = TAGS_LINE.match(lines[first].text)
        if match is None:
            return ()
        number = lines[first].number
        del lines[: first + 1]
        tags = [t for t in re.split(r"[,\s]+", match.group(1).strip()) if t]
        bad = [t for t in tags if not TAG.match(t)]
        if not tags or bad:
            self.error(
                number,
                f"{label}: write its tags as words separated by commas, like "
                "`Tags: pruning, edge-ai`",
            )
            return ()
        return tuple(dict.fromkeys(tags))

    def _slug(self, lines: list[_Line], heading_line: int) -> str | None:
        """Take the `<!-- id: ... -->` line right under the heading, if there is one."""
        for index, ln in enumerate(lines):
            if not ln.text.strip():
                continue
            match = _is_id_comment(ln)
            if match is None:
                return None
            del lines[: index + 1]
            slug = match.group(1)
            if not SLUG.match(slug):
                self.error(
                    ln.number,
                    f"id {slug!r} is not valid; use letters, digits and - _ . : / "
                    "(like `<!-- id: pruning-basics -->`)",
                )
                return None
            return slug
        return None

    def _options(self, lines: list[_Line], label: str) -> tuple[list[Option], list[_Line]]:
        """Read the task list at the start of `lines`; return the options and what follows."""
        options: list[Option] = []
        items: list[tuple[_Line, bool, str, list[str]]] = []
        index = 0
        while index < len(lines):
            ln = lines[index]
            match = _is_option(ln)
            if match:
                items.append((ln, match.group(1) != " ", (match.group(2) or "").strip(), []))
            elif not ln.text.strip():
                following = next(
                    (lines[k] for k in range(index + 1, len(lines)) if lines[k].text.strip()), None
                )
                if following is None or not (_is_option(following) or _indented(following.text)):
                    break
                items[-1][3].append("")
            elif _indented(ln.text) or ln.fenced:
                items[-1][3].append(ln.text)
            elif PLAIN_ITEM.match(ln.text):
                self.error(
                    ln.number,
                    f"{label}: list item among the options has no checkbox; "
                    "write `- [ ]` for a wrong option or `- [x]` for a right one",
                )
            else:
                break
            index += 1
        seen: dict[str, int] = {}
        for ln, correct, text, extra in items:
            option_text, inline = _split_reasoning(text)
            if not option_text:
                self.error(ln.number, f"{label} has an option with no text")
            folded = " ".join(option_text.casefold().split())
            if folded in seen:
                self.error(
                    ln.number,
                    f"{label} lists the option {short(option_text)!r} twice "
                    f"(also line {seen[folded]})",
                )
            seen.setdefault(folded, ln.number)
            paragraph = textwrap.dedent("\n".join(extra)).strip() if extra else ""
            reasoning = f"{inline}\n\n{paragraph}" if inline and paragraph else inline or paragraph
            options.append(Option(text=option_text, correct=correct, reasoning=reasoning))
        return options, lines[index:]

    def _check_unique(self, cards: list[Card]) -> None:
        slugs: dict[str, int] = {}
        keys: dict[str, int] = {}
        for card in cards:
            if card.slug is not None:
                if card.slug in slugs:
                    self.error(
                        card.line,
                        f"id {card.slug!r} is used twice (also line {slugs[card.slug]}); "
                        "ids must be unique",
                    )
                slugs.setdefault(card.slug, card.line)
            if card.key in keys and card.slug is None:
                self.error(
                    card.line,
                    f'card "{short(card.question)}" repeats the question of line '
                    f"{keys[card.key]}; reword one or give each an `<!-- id: ... -->`",
                )
            keys.setdefault(card.key, card.line)


def _closes(text: str, fence: str) -> bool:
    stripped = text.strip()
    return (
        len(text) - len(text.lstrip(" ")) <= 3
        and stripped == fence[0] * len(stripped)
        and (len(stripped) >= len(fence))
    )


def _is_option(line: _Line) -> re.Match[str] | None:
    return line.option


def _is_id_comment(line: _Line) -> re.Match[str] | None:
    if line.fenced or "<!--" not in line.text:
        return None
    return ID_COMMENT.match(line.text)


def _without_comments(lines: list[_Line]) -> list[_Line]:
    """Drop HTML comments that stand on lines of their own: notes for the author, not card text."""
    if not any("<!--" in ln.text for ln in lines):
        return lines
    kept: list[_Line] = []
    index = 0
    while index < len(lines):
        ln = lines[index]
        if not ln.fenced and COMMENT_OPEN.match(ln.text):
            start = ln.text.index("<!--") + 4
            end = next(
                (
                    k
                    for k in range(index, len(lines))
                    if "-->" in (lines[k].text[start:] if k == index else lines[k].text)
                ),
                None,
            )
            if end is not None and lines[end].text.rstrip().endswith("-->"):
                index = end + 1
                continue
        kept.append(ln)
        index += 1
    return kept


def _indented(text: str) -> bool:
    return text.startswith(("  ", "\t"))


def _split_reasoning(text: str) -> tuple[str, str]:
    parts = REASONING_SEPARATOR.split(text, maxsplit=1)
    if len(parts) == 1:
        return text.strip(), ""
    return parts[0].strip(), parts[1].strip()


def _block(lines: list[_Line]) -> str:
    return "\n".join(ln.text for ln in lines).strip("\n").strip()
