"""Settings in layers: defaults < config file < environment < CLI flags < `-s NAME=VALUE`."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler import __version__
from crawler.components import settings as defaults

if TYPE_CHECKING:
    from scrapy.settings import Settings

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
    "disable_after": "NEWSDESK_DISABLE_AFTER",
    "sitemap_max_age": "NEWSDESK_SITEMAP_MAX_AGE",
    "progress_interval": "NEWSDESK_PROGRESS_INTERVAL",
}
# Scrapy's priorities for "project" and "cmdline", and newsdesk's layers between them.
PRIORITY = {"project": 20, "command": 21, "config_file": 25, "env": 35, "flags": 40, "cmdline": 50}


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


def settings_layers(
    *,
    config_file: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
    overrides: Iterable[str] = (),
    settings: Mapping[str, Any] | None = None,
    command_defaults: Mapping[str, Any] | None = None,
) -> list[tuple[dict[str, Any], int]]:
    """Each layer's settings with its Scrapy priority, lowest first:
    crawler/components/settings.py, the
    command's own defaults, the config file, the environment, CLI flags, `-s` overrides (and
    `settings`, the Python API's, as values)."""
    project = {name: getattr(defaults, name) for name in dir(defaults) if name.isupper()}
    layers = [
        (project, PRIORITY["project"]),
        (dict(command_defaults or {}), PRIORITY["command"]),
        (read_config_file(config_file), PRIORITY["config_file"]),
        (from_env(os.environ if env is None else env), PRIORITY["env"]),
        ({OPTIONS[k]: v for k, v in (flags or {}).items() if v is not None}, PRIORITY["flags"]),
        (parse_overrides(overrides) | dict(settings or {}), PRIORITY["cmdline"]),
    ]

    # The User-Agent names the contact URL, unless a layer above the contact URL's sets it.
    def top(name: str) -> int:
        return max(i for i, (values, _) in enumerate(layers) if name in values)

    contact_layer = top("NEWSDESK_CONTACT_URL")
    if top("USER_AGENT") <= contact_layer:
        contact = layers[contact_layer][0]["NEWSDESK_CONTACT_URL"]
        layers[contact_layer][0]["USER_AGENT"] = f"newsdesk/{__version__} (+{contact})"
    return layers


def build_settings(**layers: Any) -> Settings:
    """newsdesk's effective Scrapy settings, layer by layer (see `settings_layers`)."""
    from scrapy.settings import Settings  # imports Scrapy: only for the commands that run it

    settings = Settings()
    for values, priority in settings_layers(**layers):
        settings.update(values, priority=priority)
    return settings


def plain_settings(**layers: Any) -> PlainSettings:
    """The same settings without importing Scrapy, for `fetch`'s direct path."""
    resolved: dict[str, Any] = {}
    for values, _ in settings_layers(**layers):
        resolved.update(values)
    return PlainSettings(resolved)


class PlainSettings(dict[str, Any]):
    """Resolved settings with the typed getters of Scrapy's `Settings`, for code that runs
    without Scrapy; values given as strings (`-s`, environment) are converted the same way."""

    def getbool(self, name: str) -> bool:
        value = self[name]
        if isinstance(value, str):
            if value.strip().lower() not in ("0", "1", "true", "false"):
                raise ConfigError(f"{name}={value}: expected True or False")
            return value.strip().lower() in ("1", "true")
        return bool(value)

    def getint(self, name: str) -> int:
        return int(self.number(name))

    def getfloat(self, name: str) -> float:
        return self.number(name)

    def getlist(self, name: str) -> list[Any]:
        value = self[name]
        return value.split(",") if isinstance(value, str) else list(value)

    def number(self, name: str) -> float:
        try:
            return float(self[name])
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{name}={self[name]}: expected a number") from exc


def effective(settings: Settings | PlainSettings) -> dict[str, Any]:
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
