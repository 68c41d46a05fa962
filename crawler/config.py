"""Settings in layers: defaults < config file < environment < CLI flags < `-s NAME=VALUE`."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

from crawler import __version__

# Friendly option names (config file keys, env vars, CLI flags) and the settings they set.
OPTIONS = {
    "db": "NEWSDESK_DB",
    "contact_url": "NEWSDESK_CONTACT_URL",
    "user_agent": "USER_AGENT",
    "delay": "DOWNLOAD_DELAY",
    "workers": "NEWSDESK_WORKERS",
    "min_chars": "NEWSDESK_MIN_CHARS",
    "concurrency_per_domain": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "obey_robots": "ROBOTSTXT_OBEY",
    "autothrottle": "AUTOTHROTTLE_ENABLED",
    "retries": "RETRY_TIMES",
    "timeout": "DOWNLOAD_TIMEOUT",
    "log_level": "LOG_LEVEL",
    "poll_min": "NEWSDESK_POLL_MIN",
    "poll_max": "NEWSDESK_POLL_MAX",
    "revision_checks": "NEWSDESK_REVISION_CHECKS",
}
PRIORITY = {"config_file": 25, "env": 35, "flags": 40}


class ConfigError(ValueError):
    """A config file, environment variable or `-s` override newsdesk cannot use."""


def read_config_file(path: str | Path | None) -> dict[str, Any]:
    """Options from a TOML file: top-level keys from OPTIONS, plus a [settings] table of raw
    Scrapy settings."""
    if path is None:
        return {}
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    raw = data.pop("settings", {})
    unknown = sorted(set(data) - set(OPTIONS))
    if unknown:
        raise ConfigError(
            f"{path}: unknown option(s) {', '.join(unknown)}; expected one of "
            f"{', '.join(sorted(OPTIONS))} or a [settings] table"
        )
    return {OPTIONS[k]: v for k, v in data.items()} | dict(raw)


def from_env(env: Mapping[str, str]) -> dict[str, str]:
    """`NEWSDESK_<OPTION>` variables (NEWSDESK_DB, NEWSDESK_USER_AGENT, ...)."""
    return {
        setting: env[f"NEWSDESK_{name.upper()}"]
        for name, setting in OPTIONS.items()
        if f"NEWSDESK_{name.upper()}" in env
    }


def parse_overrides(overrides: Iterable[str]) -> dict[str, str]:
    """`-s NAME=VALUE` pairs, as `scrapy -s` takes them."""
    pairs = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"-s {item}: expected NAME=VALUE, e.g. -s DOWNLOAD_DELAY=2")
        pairs[name.strip()] = value
    return pairs


def build_settings(
    *,
    config_file: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
    overrides: Iterable[str] = (),
) -> Settings:
    """newsdesk's effective Scrapy settings, layer by layer."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    layers = {
        "config_file": read_config_file(config_file),
        "env": from_env(os.environ if env is None else env),
        "flags": {OPTIONS[k]: v for k, v in (flags or {}).items() if v is not None},
    }
    for layer, values in layers.items():
        settings.update(values, priority=PRIORITY[layer])
    settings.update(parse_overrides(overrides), priority="cmdline")
    contact_priority = settings.getpriority("NEWSDESK_CONTACT_URL") or 0
    if (settings.getpriority("USER_AGENT") or 0) <= contact_priority:
        contact = settings.get("NEWSDESK_CONTACT_URL")
        settings.set(
            "USER_AGENT", f"newsdesk/{__version__} (+{contact})", priority=contact_priority
        )
    return settings


def effective(settings: Settings) -> dict[str, Any]:
    """The settings a user can change, as plain values (for `newsdesk settings`)."""
    names = sorted(
        set(OPTIONS.values())
        | {
            "AUTOTHROTTLE_MAX_DELAY",
            "AUTOTHROTTLE_START_DELAY",
            "CONCURRENT_REQUESTS",
            "DOWNLOAD_MAXSIZE",
            "RETRY_HTTP_CODES",
        }
    )
    return {name: settings[name] for name in names}
