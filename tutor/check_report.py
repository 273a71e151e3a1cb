"""The report of `tutor check` as text: one line per check and per finding, then a verdict."""

from __future__ import annotations

from collections.abc import Sequence

from tutor.check import FILE_KINDS, CheckReport, CheckResult, Finding
from tutor.urls import shown_url

LISTED = 20  # ids shown on one line (--json lists them all)


def _ids(ids: Sequence[int | str]) -> str:
    shown = ", ".join(str(i) for i in ids[:LISTED])
    return shown + (f" and {len(ids) - LISTED} more" if len(ids) > LISTED else "")


def finding_line(finding: Finding) -> str:
    """`  what: count — ids (repairable)` or `... — ids; advice`; a finding on the whole file
    (damaged, refused) is its message, which names the file and what to do."""
    if finding.kind in FILE_KINDS:
        return f"  {finding.what}"
    line = f"  {finding.what}: {len(finding.ids)} — {_ids(finding.ids)}"
    if finding.repairable:
        return line + "  (repairable)"
    return line + (f"; {finding.advice}" if finding.advice else "")


def _results(results: Sequence[CheckResult]) -> list[str]:
    lines = []
    for result in results:
        if result.skipped:
            lines.append(f"{result.name}: skipped ({result.skipped})")
        elif result.findings:
            count = len(result.findings)
            lines.append(f"{result.name}: {count} problem{'s' if count > 1 else ''}")
            lines += [finding_line(f) for f in result.findings]
        else:
            lines.append(f"{result.name}: {result.note or 'ok'}")
    return lines


def verdict(report: CheckReport) -> str:
    """The last line: clean, or how many problems and what to do about them."""
    problems = report.problems
    repairable = sum(1 for f in problems if f.repairable)
    fixed = f"repaired {len(report.repaired)} problem{'s' if len(report.repaired) != 1 else ''}"
    if not problems:
        if report.repaired:
            return f"verdict: {fixed}; the collection is clean now"
        return "verdict: clean, no problems found"
    head = f"verdict: {fixed}; " if report.repaired else "verdict: "
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    if report.repair or not repairable:
        return f"{head}{count} that --repair cannot fix (see above)"
    return f"{head}{count}, {repairable} repairable: run `tutor check --repair`"


def render(report: CheckReport) -> str:
    """The whole report, ending with a newline."""
    lines = [f"collection: {shown_url(report.database)}", *_results(report.results)]
    if report.repaired:
        lines.append("repaired:")
        lines += [f"  {f.what}: {len(f.ids)} — {_ids(f.ids)}" for f in report.repaired]
        lines.append("after repair:")
        lines += _results(report.final)
    lines.append(verdict(report))
    return "\n".join(lines) + "\n"
