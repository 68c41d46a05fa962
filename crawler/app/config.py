"""Settings in layers, read and checked once: defaults < config file < environment < CLI flags <
`-s NAME=VALUE`.

`load(...)` reads every layer, converts each value newsdesk knows to its type
(crawler/ingest/config.py) and builds the typed `Config`; a bad value anywhere is a
`ConfigError` naming where it was written (`newsdesk.toml: delay = "fast": expected a number`),
raised before any command touches the network or the archive. The result gives the same values
as Scrapy's `Settings` (for the commands that crawl) or as `PlainSettings` (without Scrapy).
Environment variables are read here and nowhere else.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler import __version__
from crawler.components import settings as defaults
from crawler.components.delay import keep_concurrency_limit
from crawler.ingest.config import BadValue, Config, ConfigError, typed

if TYPE_CHECKING:
    from scrapy.settings import Settings

__all__ = ["OPTIONS", "Config", "ConfigError", "Layers", "PlainSettings", "load"]

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
    "keep_pages": "NEWSDESK_KEEP_PAGES",
    "lock_timeout": "NEWSDESK_LOCK_TIMEOUT",
}
# Scrapy's priorities for "project" and "cmdline", and newsdesk's layers between them.
PRIORITY = {"project": 20, "command": 21, "config_file": 25, "env": 35, "flags": 40, "cmdline": 50}


@dataclass
class Layer:
    """One layer's settings, its Scrapy priority, and how the user wrote each value (for errors)."""

    values: dict[str, Any]
    priority: int
    written: dict[str, str] = field(default_factory=dict)

    def check(self) -> None:
        """Convert every value newsdesk knows to its type, or raise a `ConfigError` saying where
        the bad one was written."""
        for name, value in self.values.items():
            try:
                self.values[name] = typed(name, value)
            except BadValue as exc:
                raise ConfigError(f"{self.written.get(name, name)}: {exc.problem}") from None


def toml_value(value: Any) -> str:
    return json.dumps(value) if isinstance(value, str | bool | int | float) else str(value)


def read_config_file(path: str | Path | None) -> Layer:
    """Options from a TOML file: top-level keys from OPTIONS, plus a [settings] table of raw
    Scrapy settings."""
    layer = Layer({}, PRIORITY["config_file"])
    if path is None:
        return layer
    try:
        data = tomllib.loads(Path(path).read_bytes().decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML (not UTF-8 text)") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    raw = data.pop("settings", {})
    unknown = sorted(set(data) - set(OPTIONS))
    if unknown:
        raise ConfigError(
            f"{path}: unknown option(s) {', '.join(unknown)}; expected one of "
            f"{', '.join(sorted(OPTIONS))} or a [settings] table"
        )
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: settings must be a [settings] table of Scrapy settings")
    for key, value in data.items():
        layer.values[OPTIONS[key]] = value
        layer.written[OPTIONS[key]] = f"{path}: {key} = {toml_value(value)}"
    for name, value in raw.items():
        layer.values[name] = value
        layer.written[name] = f"{path}: [settings] {name} = {toml_value(value)}"
    return layer


def from_env(env: Mapping[str, str]) -> Layer:
    """`NEWSDESK_<OPTION>` variables (NEWSDESK_DB, NEWSDESK_USER_AGENT, ...)."""
    layer = Layer({}, PRIORITY["env"])
    for name, setting in OPTIONS.items():
        variable = f"NEWSDESK_{name.upper()}"
        if variable in env:
            layer.values[setting] = env[variable]
            layer.written[setting] = f"{variable}={env[variable]}"
    return layer


def from_flags(flags: Mapping[str, Any]) -> Layer:
    """CLI flags, by option name (`delay`, `db`, ...); None means not given."""
    given = {name: value for name, value in flags.items() if value is not None}
    return Layer(
        {OPTIONS[name]: value for name, value in given.items()},
        PRIORITY["flags"],
        {OPTIONS[name]: f"--{name.replace('_', '-')} {value}" for name, value in given.items()},
    )


def parse_overrides(overrides: Iterable[str], values: Mapping[str, Any] | None = None) -> Layer:
    """`-s NAME=VALUE` pairs, as `scrapy -s` takes them, and `values` (the Python API's)."""
    layer = Layer({}, PRIORITY["cmdline"])
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"-s {item}: expected NAME=VALUE, e.g. -s DOWNLOAD_DELAY=2")
        layer.values[name.strip()] = value
        layer.written[name.strip()] = f"-s {item}"
    for name, value in (values or {}).items():
        layer.values[name] = value
        layer.written[name] = f"{name}={value}"
    return layer


def settings_layers(
    *,
    config_file: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
    overrides: Iterable[str] = (),
    settings: Mapping[str, Any] | None = None,
    command_defaults: Mapping[str, Any] | None = None,
) -> list[Layer]:
    """Each layer's settings, lowest first, every value checked: crawler/components/settings.py,
    the command's own defaults, the config file, the environment, CLI flags, `-s` overrides (and
    `settings`, the Python API's, as values)."""
    project = {name: getattr(defaults, name) for name in dir(defaults) if name.isupper()}
    layers = [
        Layer(project, PRIORITY["project"]),
        Layer(dict(command_defaults or {}), PRIORITY["command"]),
        read_config_file(config_file),
        from_env(os.environ if env is None else env),
        from_flags(flags or {}),
        parse_overrides(overrides, settings or {}),
    ]
    for layer in layers:
        layer.check()

    # The User-Agent names the contact URL, unless a layer above the contact URL's sets it.
    def top(name: str) -> int:
        return max(i for i, layer in enumerate(layers) if name in layer.values)

    contact = layers[top("NEWSDESK_CONTACT_URL")]
    if top("USER_AGENT") <= top("NEWSDESK_CONTACT_URL"):
        url = contact.values["NEWSDESK_CONTACT_URL"]
        contact.values["USER_AGENT"] = f"newsdesk/{__version__} (+{url})"
    return layers


@dataclass(frozen=True)
class Layers:
    """The settings of one command, read from every layer and checked once. `config` is the
    typed result; `scrapy_settings()` and `plain_settings()` give the same values for Scrapy and
    for code that runs without it."""

    stack: list[Layer]
    config: Config

    def resolved(self) -> dict[str, Any]:
        return merge(self.stack)

    def scrapy_settings(self) -> Settings:
        from scrapy.settings import Settings  # imports Scrapy: only for the commands that run it

        settings = Settings()
        for layer in self.stack:
            settings.update(layer.values, priority=layer.priority)
        keep_concurrency_limit(settings)
        return settings

    def plain_settings(self) -> PlainSettings:
        return PlainSettings(self.resolved())


def merge(stack: list[Layer]) -> dict[str, Any]:
    """Each setting's value from the highest layer that has it."""
    values: dict[str, Any] = {}
    for layer in stack:
        values.update(layer.values)
    return values


def load(**layers: Any) -> Layers:
    """Read and check every layer (keywords of `settings_layers`); raises `ConfigError`."""
    stack = settings_layers(**layers)
    return Layers(stack, Config.from_settings(merge(stack)))


def build_settings(**layers: Any) -> Settings:
    """newsdesk's effective Scrapy settings, layer by layer (see `settings_layers`)."""
    return load(**layers).scrapy_settings()


def plain_settings(**layers: Any) -> PlainSettings:
    """The same settings without importing Scrapy, for `fetch`'s direct path."""
    return load(**layers).plain_settings()


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
