"""Deck files for the Anki tests: nesting, tags, unicode, a code block, select-all, recall, HTML."""

from __future__ import annotations

PYTHON_DECK = """\
---
title: Languages::Python
tags: [python, code review]
---

Cards about *Python*.

## What does this print? ünïcödé 日本語
<!-- id: py-print -->

```python
print("<b>hi</b>" if 1 < 2 else '&')
```

- [x] `<b>hi</b>` — the condition `1 < 2` holds, so the string prints as it is.
- [ ] `&` — printed only if 1 < 2 were false.
- [ ] Nothing — print always writes a line.

Explanation: A conditional expression reads `a if c else b`; émoji 🐍 stay.

## Which of these are prime numbers?

- [x] 2 — the only even prime.
- [x] 3 — divisible by 1 and 3 only.
- [ ] 4 — it is 2 × 2.

Explanation: A prime has exactly **two** divisors.
"""

FRENCH_DECK = """\
---
title: Languages::French
tags: [french]
---

## How do you say "cat" in French?

*le chat* (masculine), *la chatte* (feminine).
"""

HOSTILE_DECK = """\
---
title: Hostile
---

## <script>alert('q')</script> [sound:evil.mp3] <img src=x onerror=alert(1)>

Answer with <b onclick="alert(2)">html</b>, [a link](javascript:alert(3)) and [latex]x[/latex].
"""
