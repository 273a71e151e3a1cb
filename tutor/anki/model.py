"""The Anki note type of an exported card: templates and CSS for Anki's desktop and phone apps."""

from __future__ import annotations

# Fixed for good: Anki recognises the note type of a later export by this id.
MODEL_ID = 1_734_611_285
MODEL_NAME = "tutor question"

FRONT = """\
{{Question}}
{{#Options}}<div class="tutor-options-box">{{Options}}</div>{{/Options}}
"""

BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="tutor-answer">{{Answer}}</div>
{{#Reasoning}}<div class="tutor-section">Why each option</div>{{Reasoning}}{{/Reasoning}}
{{#Explanation}}<div class="tutor-section">Explanation</div>
<div class="tutor-explanation">{{Explanation}}</div>{{/Explanation}}
"""

# Colours come from variables that dark mode (Anki desktop: .nightMode; AnkiDroid:
# .night_mode) swaps; the background is left to the app.
CSS = """\
.card {
  --tutor-muted: #5f6368; --tutor-right: #1a7f37; --tutor-wrong: #b42318;
  --tutor-code: rgba(127, 127, 127, 0.14); --tutor-rule: rgba(127, 127, 127, 0.35);
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif;
  font-size: 19px; line-height: 1.45; text-align: left;
  max-width: 40em; margin: 0 auto; padding: 0 12px;
}
.card.nightMode, .nightMode .card, .night_mode .card, .card.night_mode {
  --tutor-muted: #a8adb3; --tutor-right: #56d364; --tutor-wrong: #ff7b72;
}
.tutor-question { font-size: 1.15em; font-weight: 600; margin: 0.6em 0; }
.tutor-hint { color: var(--tutor-muted); font-style: italic; margin: 0.3em 0; }
.tutor-options, .tutor-right, .tutor-reasons { padding-left: 1.6em; margin: 0.4em 0; }
.tutor-options li, .tutor-reasons li { margin: 0.35em 0; }
.tutor-right { color: var(--tutor-right); font-weight: 600; }
.tutor-mark { font-weight: 700; }
.tutor-reasons .tutor-right .tutor-mark, .tutor-right .tutor-mark { color: var(--tutor-right); }
.tutor-reasons .tutor-wrong .tutor-mark { color: var(--tutor-wrong); }
li.tutor-right { font-weight: normal; color: inherit; }
.tutor-why { color: var(--tutor-muted); margin: 0.15em 0 0.5em; }
.tutor-why p, .tutor-body p, .tutor-explanation p { margin: 0.3em 0; }
.tutor-section {
  color: var(--tutor-muted); font-size: 0.8em; text-transform: uppercase;
  letter-spacing: 0.05em; margin: 1em 0 0.2em;
}
hr#answer { border: none; border-top: 1px solid var(--tutor-rule); margin: 1em 0; }
pre, code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
code { background: var(--tutor-code); border-radius: 4px; padding: 0.05em 0.3em; }
pre { background: var(--tutor-code); border-radius: 6px; padding: 0.6em 0.8em;
  overflow-x: auto; white-space: pre; }
pre code { background: none; padding: 0; }
img { max-width: 100%; height: auto; }
"""
