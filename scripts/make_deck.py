"""Generate a large, valid Markdown deck (choice, select-all and recall cards) for benchmarks."""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path


def make_deck(cards: int, title: str, seed: int = 1) -> str:
    """Deck text with `cards` cards; every fifth card has an id, every seventh is a recall card."""
    rng = random.Random(seed)
    words = [
        "latency",
        "memory",
        "pruning",
        "weights",
        "tensor",
        "kernel",
        "cache",
        "batch",
        "layer",
        "quantize",
    ]
    out = [f"---\ntitle: {title}\ntags: [generated]\n---\n", f"# {title}\n", "A generated deck.\n"]
    for n in range(cards):
        topic = " ".join(rng.choice(words) for _ in range(4))
        out.append(f"## Question {n}: what is {topic}?")
        if n % 5 == 0:
            out.append(f"<!-- id: gen-{n} -->")
        out.append("")
        if n % 7 == 0:
            out.append(f"The answer to question {n} is *{topic}*.\n")
            continue
        correct = {0, 2} if n % 11 == 0 else {rng.randrange(4)}
        for k in range(4):
            mark = "x" if k in correct else " "
            out.append(
                f"- [{mark}] Option {k} about {rng.choice(words)} — reasoning for option {k}."
            )
        out.append(f"\nExplanation: card {n} is about **{topic}**.\n")
    return "\n".join(out) + "\n"


BUNDLED = Path(__file__).resolve().parent.parent / "decks" / "edge-nn-optimization.md"


def make_bundled_like(cards: int, title: str) -> str:
    """Deck text with `cards` cards copied round-robin from the bundled deck (about 850 bytes
    each: four options with their reasoning and an explanation), questions and ids numbered."""
    body = BUNDLED.read_text(encoding="utf-8").split("\n## ")[1:]
    out = [f"---\ntitle: {title}\ntags: [generated]\n---\n", f"# {title}\n"]
    for n in range(cards):
        heading, rest = body[n % len(body)].split("\n", 1)
        rest = re.sub(r"<!-- id: (\S+) -->", rf"<!-- id: \1-{n} -->", rest, count=1)
        out.append(f"## {heading.rstrip('?')} (case {n})?\n{rest.rstrip()}\n")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--title", default="Generated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="the .md file to write")
    parser.add_argument(
        "--like-bundled", action="store_true", help="cards shaped like the bundled deck's"
    )
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = (
        make_bundled_like(args.cards, args.title)
        if args.like_bundled
        else make_deck(args.cards, args.title, args.seed)
    )
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.cards} cards to {args.out}")


if __name__ == "__main__":
    main()
