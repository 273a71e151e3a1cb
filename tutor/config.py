"""Where things live (platformdirs), the database URL (--db, TUTOR_DB) and the settings file."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from tutor.errors import ConfigError

APP_NAME = "tutor"
DB_ENV = "TUTOR_DB"
CONFIG_ENV = "TUTOR_CONFIG"


def data_dir() -> Path:
    """The user's data directory for tutor (the default database lives here)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    """The settings file: $TUTOR_CONFIG, else config.toml in the user config directory."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def default_database_path() -> Path:
    return data_dir() / "tutor.db"


def database_url(option: str | None = None) -> str:
    """The collection's SQLAlchemy URL from --db, else $TUTOR_DB, else the default file."""
    value = option or os.environ.get(DB_ENV) or str(default_database_path())
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def bundled_decks_dir() -> Path:
    """The decks that ship with tutor (inside the wheel, or decks/ in a source checkout)."""
    here = Path(__file__).resolve().parent
    installed = here / "bundled_decks"
    return installed if installed.is_dir() else here.parent / "decks"


# --- settings -------------------------------------------------------------------------------

STEP = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
STEP_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAXIMUM_INTERVAL_DAYS = 36500
STEP_RANGE = (1, MAXIMUM_INTERVAL_DAYS * 86400)  # seconds: 1s up to the longest interval


def parse_step(value: str) -> timedelta:
    """'1m', '10m', '1h', '1d' (1s to 36500d) -> timedelta; raise ValueError otherwise."""
    match = STEP.match(value)
    if not match:
        raise ValueError(value)
    seconds = float(match.group(1)) * STEP_UNITS[match.group(2)]
    if not STEP_RANGE[0] <= seconds <= STEP_RANGE[1]:
        raise ValueError(value)
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class DeckSettings:
    """How one deck is scheduled and shown; global defaults, overridden per deck."""

    new_per_day: int = 20
    reviews_per_day: int = 200
    desired_retention: float = 0.90
    learning_steps: tuple[str, ...] = ("1m", "10m")
    relearning_steps: tuple[str, ...] = ("10m",)
    maximum_interval: int = 36500
    fuzz: bool = True
    leech_threshold: int = 8
    leech_action: str = "suspend"
    recall_first: bool = False
    shuffle: bool = True

    def learning_deltas(self) -> tuple[timedelta, ...]:
        return tuple(parse_step(s) for s in self.learning_steps)

    def relearning_deltas(self) -> tuple[timedelta, ...]:
        return tuple(parse_step(s) for s in self.relearning_steps)


@dataclass(frozen=True)
class Settings:
    """Everything from the settings file: collection-wide values and per-deck settings."""

    day_starts_at: int = 4
    timezone: str | None = None
    defaults: DeckSettings = field(default_factory=DeckSettings)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None

    def for_deck(self, name: str, front_matter: dict[str, Any] | None = None) -> DeckSettings:
        """Settings for deck `name`: defaults, then parent decks, the deck, and its front matter."""
        result = self.defaults
        parts = name.split("::")
        for depth in range(1, len(parts) + 1):
            override = self.overrides.get("::".join(parts[:depth]))
            if override:
                result = replace(result, **override)
        for key in ("desired_retention", "shuffle"):
            value = (front_matter or {}).get(key)
            if value is not None:
                result = replace(result, **{key: value})
        return result

    def tzinfo(self) -> Any:
        """The learner's time zone: the configured one, or None for the system's."""
        if self.timezone is None:
            return None
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)


def _int(low: int, high: int) -> Any:
    def check(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            raise ValueError(f"a whole number from {low} to {high}")
        return v

    return check


def _float(low: float, high: float) -> Any:
    def check(v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float) or not low <= v <= high:
            raise ValueError(f"a number from {low:.2f} to {high:.2f}")
        return float(v)

    return check


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError("true or false")
    return v


def _steps(v: Any) -> tuple[str, ...]:
    allowed = (
        f'a list of durations from 1s to {MAXIMUM_INTERVAL_DAYS}d like ["1m", "10m"] (s, m, h or d)'
    )
    if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
        raise ValueError(allowed)
    for step in v:
        try:
            parse_step(step)
        except ValueError:
            raise ValueError(allowed) from None
    return tuple(v)


def _leech_action(v: Any) -> str:
    if v not in ("suspend", "tag"):
        raise ValueError('"suspend" or "tag"')
    return str(v)


def _timezone(v: Any) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(v))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError('an IANA time zone name like "Europe/Paris"') from None
    return str(v)


DECK_CHECKS: dict[str, Any] = {
    "new_per_day": _int(0, 9999),
    "reviews_per_day": _int(0, 99999),
    "desired_retention": _float(0.70, 0.99),
    "learning_steps": _steps,
    "relearning_steps": _steps,
    "maximum_interval": _int(1, MAXIMUM_INTERVAL_DAYS),
    "fuzz": _bool,
    "leech_threshold": _int(1, 99),
    "leech_action": _leech_action,
    "recall_first": _bool,
    "shuffle": _bool,
}
GLOBAL_CHECKS: dict[str, Any] = {"day_starts_at": _int(0, 23), "timezone": _timezone}


def _checked(
    path: Path,
    table: dict[str, Any],
    section: str,
    checks: dict[str, Any],
    known: tuple[str, ...] = (),
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{section}.{key}" if section else key
        if key not in checks:
            names = ", ".join(sorted({*checks, *known}))
            raise ConfigError(f"{path}: unknown setting {where!r}; known settings: {names}")
        try:
            result[key] = checks[key](value)
        except ValueError as exc:
            shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
            raise ConfigError(f"{path}: {where} = {shown} is not allowed; use {exc}") from None
    return result


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file (a missing file means the defaults); raise ConfigError if bad."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(path=path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the settings file: {exc}") from None
    import tomllib  # only with a settings file: 5 ms of imports for every command

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    decks = raw.pop("decks", {})
    if not isinstance(decks, dict):
        raise ConfigError(f'{path}: [decks] must hold tables like [decks."Deck name"]')
    global_values = _checked(
        path, {k: v for k, v in raw.items() if k in GLOBAL_CHECKS}, "", GLOBAL_CHECKS
    )
    deck_defaults = _checked(
        path,
        {k: v for k, v in raw.items() if k not in GLOBAL_CHECKS},
        "",
        DECK_CHECKS,
        (*GLOBAL_CHECKS, "decks"),
    )
    overrides: dict[str, dict[str, Any]] = {}
    for name, table in decks.items():
        if not isinstance(table, dict):
            raise ConfigError(f'{path}: decks.{name} must be a table like [decks."{name}"]')
        overrides[name] = _checked(path, table, f'decks."{name}"', DECK_CHECKS)
    return Settings(
        day_starts_at=global_values.get("day_starts_at", 4),
        timezone=global_values.get("timezone"),
        defaults=replace(DeckSettings(), **deck_defaults),
        overrides=overrides,
        path=path,
    )
