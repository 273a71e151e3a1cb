"""A database URL as printed: any password in it replaced by *** (stdlib only)."""

from __future__ import annotations

import re

_PASSWORD = re.compile(r"^(?P<scheme>[\w+.-]+://[^:/@]*):[^@/]*@")


def shown_url(url: str) -> str:
    """The URL with its password, if any, replaced by ***."""
    return _PASSWORD.sub(r"\g<scheme>:***@", url, count=1)
