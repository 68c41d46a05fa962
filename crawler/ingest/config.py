"""newsdesk's settings, typed: the one place that reads `NEWSDESK_*` settings.

`Config.from_settings(settings)` reads newsdesk's own settings and the Scrapy settings newsdesk
relies on from any mapping with `.get()` (Scrapy's `Settings`, crawler/app/config.py's
`PlainSettings`, a dict) into one typed, frozen object; components hold that object, not the
settings. `typed(name, value)` checks and converts one value: crawler/app/config.py runs it on
every layer (config file, environment, flags, `-s`) before any command starts, so a bad value is
one line and exit 1, never a traceback half-way through a crawl. No Scrapy in here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class ConfigError(ValueError):
    """A config file, environment variable, flag or `-s` override newsdesk cannot use."""


class BadValue(ConfigError):
    """One setting's value is wrong; `problem` says what is expected."""

    def __init__(self, setting: str, value: Any, problem: str) -> None:
        super().__init__(f"{setting}={value}: {problem}")
        self.setting, self.value, self.problem = setting, value, problem


class SettingsLike(Protocol):
    def get(self, name: str, default: Any = None) -> Any: ...


# -- values ------------------------------------------------------------------------------------
def parse_duration(text: str | float) -> int:
    """Seconds in "90", "90s", "5m", "6h" or "3d"."""
    if isinstance(text, int | float) and not isinstance(text, bool) and text >= 0:
        return int(text)
    match = DURATION.match(text) if isinstance(text, str) else None
    if not match:
        raise ConfigError(f"{text!r} is not a duration; use e.g. 90s, 5m, 6h or 3d")
    return int(float(match[1]) * UNITS[match[2] or "s"])


def parse_checks(value: str | list[str] | tuple[str, ...]) -> tuple[int, ...]:
    """Revision checks ("1h,6h,24h,72h"), in seconds after first seen; "off" or "" for none."""
    items = value.split(",") if isinstance(value, str) else list(value)
    items = [i.strip() if isinstance(i, str) else i for i in items if str(i).strip()]
    if items in ([], ["off"]):
        return ()
    return tuple(sorted(parse_duration(i) for i in items))


def boolean(value: Any) -> bool:
    """True/False, 1/0 or their strings, as Scrapy's `getbool` reads them (any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "0", "false"):
        return value.strip().lower() in ("1", "true")
    raise ValueError("expected true or false")


def as_float(value: Any, kind: str) -> float:
    """`value` as a finite float (not a bool), or `ValueError("expected <kind>")`."""
    try:
        parsed = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        parsed = math.nan
    if not math.isfinite(parsed):
        raise ValueError(f"expected {kind}")
    return parsed


def number(low: float = 0, *, above: bool = False) -> Callable[[Any], float]:
    """A number, at least `low` (more than `low` with `above`)."""

    def parse(value: Any) -> float:
        parsed = as_float(value, "a number")
        if parsed < low or (above and parsed == low):
            raise ValueError(f"expected a number {'above' if above else 'of at least'} {low:g}")
        return value if isinstance(value, int) else parsed  # 30 stays 30

    return parse


def whole(low: int = 0) -> Callable[[Any], int]:
    """A whole number, at least `low`."""

    def parse(value: Any) -> int:
        parsed = as_float(value, "a whole number")
        if not parsed.is_integer():
            raise ValueError("expected a whole number")
        if parsed < low:
            raise ValueError(f"expected a whole number of at least {low}")
        return int(parsed)

    return parse


def codes(value: Any) -> list[int]:
    """HTTP status codes: a list, or "500,502,503"."""
    items = value.split(",") if isinstance(value, str) else value
    try:
        parsed = [int(str(item).strip()) for item in items]
    except (TypeError, ValueError):
        raise ValueError("expected HTTP status codes, e.g. 500,503") from None
    if not all(100 <= code <= 599 for code in parsed):
        raise ValueError("expected HTTP status codes, e.g. 500,503")
    return parsed


def text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value


def log_level(value: Any) -> str | int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().upper() in LOG_LEVELS:
        return value.strip().upper()
    raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")


def duration(value: Any) -> Any:
    """Checked, kept as written ("5m"): `newsdesk settings` shows it so."""
    try:
        parse_duration(value)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None
    return value


def checks(value: Any) -> Any:
    """Checked, kept as written ("1h,6h,24h,72h")."""
    try:
        parse_checks(value)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None
    except TypeError:
        raise ValueError('expected durations, e.g. "1h,6h,24h,72h", or "off"') from None
    return value


# Every setting newsdesk reads or relies on, and how its value is read. Others (any Scrapy
# setting, given with `-s` or a [settings] table) pass as they are.
SETTINGS: dict[str, Callable[[Any], Any]] = {
    # newsdesk's own
    "NEWSDESK_DB": text,
    "NEWSDESK_CONTACT_URL": text,
    "NEWSDESK_WORKERS": whole(0),
    "NEWSDESK_MIN_CHARS": whole(0),
    "NEWSDESK_EXTRACT_INLINE": boolean,
    "NEWSDESK_EXTRACT_MAXSIZE": whole(0),
    "NEWSDESK_EXTRACT_MAX_ELEMENTS": whole(0),
    "NEWSDESK_KEEP_PAGES": boolean,
    "NEWSDESK_DIRECT_MAX_URLS": whole(0),
    "NEWSDESK_INCREMENTAL": boolean,
    "NEWSDESK_POLL_MIN": duration,
    "NEWSDESK_POLL_MAX": duration,
    "NEWSDESK_REVISION_CHECKS": checks,
    "NEWSDESK_DISABLE_AFTER": whole(0),
    "NEWSDESK_SITEMAP_MAX_AGE": duration,
    "NEWSDESK_ROBOTS_MAX_AGE": duration,
    "NEWSDESK_RETRY_AFTER_MAX": duration,
    "NEWSDESK_STOP_GRACE": number(0),
    "NEWSDESK_STOP_AT": number(0),
    "NEWSDESK_PROGRESS": boolean,
    "NEWSDESK_PROGRESS_INTERVAL": number(0),
    "NEWSDESK_RUN_UPDATE_INTERVAL": number(0),
    "NEWSDESK_RUN_ID": whole(0),
    "NEWSDESK_REDIS_LEASE": number(0, above=True),
    "NEWSDESK_REDIS_PATIENCE": number(0),
    "NEWSDESK_LOCK_TIMEOUT": number(0),
    # Scrapy's, as newsdesk uses them (crawler/components/settings.py and the direct fetch)
    "USER_AGENT": text,
    "ROBOTSTXT_OBEY": boolean,
    "DOWNLOAD_DELAY": number(0),
    "DOWNLOAD_TIMEOUT": number(0, above=True),
    "DOWNLOAD_MAXSIZE": whole(0),
    "DOWNLOAD_WARNSIZE": whole(0),
    "CONCURRENT_REQUESTS": whole(1),
    "CONCURRENT_REQUESTS_PER_DOMAIN": whole(1),
    "CONCURRENT_ITEMS": whole(1),
    "AUTOTHROTTLE_ENABLED": boolean,
    "AUTOTHROTTLE_START_DELAY": number(0),
    "AUTOTHROTTLE_MAX_DELAY": number(0),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": number(0, above=True),
    "RETRY_ENABLED": boolean,
    "RETRY_TIMES": whole(0),
    "RETRY_HTTP_CODES": codes,
    "REDIRECT_ENABLED": boolean,
    "REDIRECT_MAX_TIMES": whole(0),
    "COOKIES_ENABLED": boolean,
    "HTTPERROR_ALLOW_ALL": boolean,
    "CLOSESPIDER_TIMEOUT": number(0),
    "CLOSESPIDER_ITEMCOUNT": whole(0),
    "CLOSESPIDER_PAGECOUNT": whole(0),
    "LOG_LEVEL": log_level,
}


def typed(name: str, value: Any) -> Any:
    """`value` as setting `name` takes it (2.0 for "2", False for "false"); raises `BadValue`."""
    parse = SETTINGS.get(name)
    if parse is None:
        return value
    try:
        return parse(value)
    except ValueError as exc:
        raise BadValue(name, value, str(exc)) from None


# -- the object ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Config:
    """newsdesk's settings, read once (`from_settings`). Durations are in seconds."""

    db_path: str
    contact_url: str
    workers: int  # extraction processes; 0: one per core
    min_chars: int  # shorter article text is a failure
    extract_inline: bool
    direct_max_urls: int  # `fetch` of more URLs goes through Scrapy
    extract_max_size: int  # bytes of HTML extraction is given (crawler/ingest/bounds.py); 0: any
    extract_max_elements: int  # elements of a page extraction is given; 0: any
    keep_pages: bool  # each article's raw page kept, compressed, in `pages`
    incremental: bool
    poll_min: int
    poll_max: int
    revision_checks: tuple[int, ...]
    disable_after: int  # consecutive failed polls that switch a source off; 0: never
    sitemap_max_age: int  # older sitemap entries are not followed
    robots_max_age: int  # a site's robots.txt is read again after this long
    retry_after_max: int  # a longer Retry-After is obeyed by a later run, a shorter one within
    stop_grace: float  # a stop lets the downloads in flight run this long, then cuts them off
    stop_at: float  # when the run must end (time.monotonic(), set by --max-runtime); 0: never
    progress: bool  # a live status line when stderr is a terminal
    progress_interval: float  # else an INFO line with the counts this often; 0: none
    run_update_interval: float  # the run's crawl_runs row is updated this often
    run_id: int  # the crawl_runs row `crawl` keeps for this run (set by crawl); 0: none
    redis_lease: float  # a worker's jobs stay its own this long without a sign of life
    redis_patience: float  # how long a worker or the ingester waits for a Redis gone away
    lock_timeout: float  # how long a write waits for another process's lock on the archive
    user_agent: str
    obey_robots: bool
    delay: float
    timeout: float
    max_size: int
    concurrency: int
    concurrency_per_domain: int
    retry_enabled: bool
    retries: int
    retry_http_codes: tuple[int, ...]
    max_redirects: int
    log_level: str | int

    @classmethod
    def from_settings(cls, settings: SettingsLike | Mapping[str, Any]) -> Config:
        """Read and check every setting of `Config`; raises `BadValue` naming the first bad one."""

        def get(name: str) -> Any:
            value = settings.get(name)
            if value is None:  # newsdesk's settings are in crawler/components/settings.py
                raise BadValue(name, value, "not set")
            return typed(name, value)

        return cls(
            db_path=get("NEWSDESK_DB"),
            contact_url=get("NEWSDESK_CONTACT_URL"),
            workers=get("NEWSDESK_WORKERS"),
            min_chars=get("NEWSDESK_MIN_CHARS"),
            extract_inline=get("NEWSDESK_EXTRACT_INLINE"),
            direct_max_urls=get("NEWSDESK_DIRECT_MAX_URLS"),
            extract_max_size=get("NEWSDESK_EXTRACT_MAXSIZE"),
            extract_max_elements=get("NEWSDESK_EXTRACT_MAX_ELEMENTS"),
            keep_pages=get("NEWSDESK_KEEP_PAGES"),
            incremental=get("NEWSDESK_INCREMENTAL"),
            poll_min=parse_duration(get("NEWSDESK_POLL_MIN")),
            poll_max=parse_duration(get("NEWSDESK_POLL_MAX")),
            revision_checks=parse_checks(get("NEWSDESK_REVISION_CHECKS")),
            disable_after=get("NEWSDESK_DISABLE_AFTER"),
            sitemap_max_age=parse_duration(get("NEWSDESK_SITEMAP_MAX_AGE")),
            robots_max_age=parse_duration(get("NEWSDESK_ROBOTS_MAX_AGE")),
            retry_after_max=parse_duration(get("NEWSDESK_RETRY_AFTER_MAX")),
            stop_grace=get("NEWSDESK_STOP_GRACE"),
            stop_at=get("NEWSDESK_STOP_AT"),
            progress=get("NEWSDESK_PROGRESS"),
            progress_interval=get("NEWSDESK_PROGRESS_INTERVAL"),
            run_update_interval=get("NEWSDESK_RUN_UPDATE_INTERVAL"),
            run_id=get("NEWSDESK_RUN_ID"),
            redis_lease=get("NEWSDESK_REDIS_LEASE"),
            redis_patience=get("NEWSDESK_REDIS_PATIENCE"),
            lock_timeout=get("NEWSDESK_LOCK_TIMEOUT"),
            user_agent=get("USER_AGENT"),
            obey_robots=get("ROBOTSTXT_OBEY"),
            delay=get("DOWNLOAD_DELAY"),
            timeout=get("DOWNLOAD_TIMEOUT"),
            max_size=get("DOWNLOAD_MAXSIZE"),
            concurrency=get("CONCURRENT_REQUESTS"),
            concurrency_per_domain=get("CONCURRENT_REQUESTS_PER_DOMAIN"),
            retry_enabled=get("RETRY_ENABLED"),
            retries=get("RETRY_TIMES"),
            retry_http_codes=tuple(get("RETRY_HTTP_CODES")),
            max_redirects=get("REDIRECT_MAX_TIMES"),
            log_level=get("LOG_LEVEL"),
        )

    @property
    def poll_bounds(self) -> tuple[int, int]:
        """Shortest and longest poll interval (the longest never below the shortest)."""
        return self.poll_min, max(self.poll_min, self.poll_max)
