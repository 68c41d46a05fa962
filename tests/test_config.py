"""Settings: the layers and their precedence (defaults < config file < environment < flags < -s),
the typed `Config`, and every command refusing a bad value in one line before it does anything.

In-process (click's CliRunner): a command stopped by its settings never starts Scrapy."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.app.cli import cli
from crawler.app.config import ConfigError, build_settings, load, plain_settings
from crawler.ingest.config import BadValue, Config, parse_checks, parse_duration, typed

# Every command, with the arguments it needs besides the shared options.
COMMANDS = {
    "crawl": ["crawl", "--feed", "http://127.0.0.1:9/feed.xml"],
    "fetch": ["fetch", "http://127.0.0.1:9/story.html"],
    "settings": ["settings"],
    "feeds add": ["feeds", "add", "http://127.0.0.1:9/feed.xml"],
    "feeds list": ["feeds", "list"],
    "feeds remove": ["feeds", "remove", "http://127.0.0.1:9/feed.xml"],
    "serve": ["serve", "--port", "9"],
}


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# -- layers -------------------------------------------------------------------------------------
def test_defaults_are_polite():
    settings = build_settings(env={})
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings["USER_AGENT"].startswith("newsdesk/")
    assert settings["NEWSDESK_DB"] == "news.db"


def test_layers_in_order(tmp_path):
    config = write(
        tmp_path / "newsdesk.toml",
        'db = "from-file.db"\ndelay = 3\ncontact_url = "https://me.example"\n'
        "[settings]\nRETRY_TIMES = 7\n",
    )
    settings = build_settings(
        config_file=config,
        env={"NEWSDESK_DB": "from-env.db"},
        flags={"delay": 1.5},
        overrides=["RETRY_TIMES=9"],
    )
    assert settings["NEWSDESK_DB"] == "from-env.db"
    assert settings.getfloat("DOWNLOAD_DELAY") == 1.5
    assert settings.getint("RETRY_TIMES") == 9
    assert settings["USER_AGENT"] == "newsdesk/0.1.0 (+https://me.example)"


def test_explicit_user_agent_wins_over_contact_url():
    settings = build_settings(
        env={"NEWSDESK_CONTACT_URL": "https://me.example"}, flags={"user_agent": "archive-bot/2"}
    )
    assert settings["USER_AGENT"] == "archive-bot/2"


def test_unknown_config_key_names_the_valid_ones(tmp_path):
    config = write(tmp_path / "newsdesk.toml", 'dbpath = "x.db"\n')
    with pytest.raises(ConfigError, match=r"unknown option\(s\) dbpath; expected one of .*db"):
        build_settings(config_file=config, env={})


def test_bad_override_says_how():
    with pytest.raises(ConfigError, match="expected NAME=VALUE"):
        build_settings(env={}, overrides=["DOWNLOAD_DELAY"])


def test_plain_settings_resolve_as_scrapy_settings_do(tmp_path):
    config = write(
        tmp_path / "newsdesk.toml",
        'delay = 3\ncontact_url = "https://me.example"\n[settings]\nRETRY_TIMES = 7\n',
    )
    layers = {
        "config_file": config,
        "env": {"NEWSDESK_DB": "from-env.db", "NEWSDESK_OBEY_ROBOTS": "False"},
        "flags": {"delay": 1.5},
        "overrides": ["DOWNLOAD_MAXSIZE=1000", "RETRY_HTTP_CODES=500,503"],
        "command_defaults": {"LOG_LEVEL": "WARNING"},
    }
    scrapy, plain = build_settings(**layers), plain_settings(**layers)
    for name, value in plain.items():
        if not isinstance(value, dict):
            assert scrapy[name] == value, name
    assert plain.getbool("ROBOTSTXT_OBEY") is scrapy.getbool("ROBOTSTXT_OBEY") is False
    assert plain.getint("DOWNLOAD_MAXSIZE") == scrapy.getint("DOWNLOAD_MAXSIZE") == 1000
    assert plain.getlist("RETRY_HTTP_CODES") == scrapy.getlist("RETRY_HTTP_CODES") == [500, 503]
    assert plain["USER_AGENT"] == "newsdesk/0.1.0 (+https://me.example)"


def test_scrapy_extensions_are_scrapys_less_telnet_and_remote_control():
    from scrapy.settings import default_settings

    from crawler.components import settings

    left_out = set(default_settings.EXTENSIONS_BASE) - set(settings.EXTENSIONS_BASE)
    assert {name.rsplit(".", 1)[1] for name in left_out} == {"TelnetConsole", "RemoteControl"}
    assert set(settings.EXTENSIONS_BASE) <= set(default_settings.EXTENSIONS_BASE)


# -- the typed Config ---------------------------------------------------------------------------
def test_config_reads_every_setting_typed_the_same_from_scrapy_and_plain_settings():
    layers = load(
        env={"NEWSDESK_WORKERS": "3", "NEWSDESK_POLL_MIN": "10m"},
        overrides=["DOWNLOAD_DELAY=2", "ROBOTSTXT_OBEY=false", "NEWSDESK_REVISION_CHECKS=off"],
    )
    config = layers.config
    assert (config.workers, config.delay, config.obey_robots) == (3, 2.0, False)
    assert (config.poll_min, config.poll_max, config.revision_checks) == (600, 86400, ())
    assert config.min_chars == 200 and config.db_path == "news.db"
    assert Config.from_settings(layers.scrapy_settings()) == config
    assert Config.from_settings(layers.plain_settings()) == config


def test_every_newsdesk_setting_has_a_type():
    """A NEWSDESK_* setting added to crawler/components/settings.py is checked like the others."""
    from crawler.components import settings as defaults
    from crawler.ingest.config import SETTINGS

    own = {name for name in dir(defaults) if name.startswith("NEWSDESK_")}
    assert own - set(SETTINGS) == set()
    for name in own:
        typed(name, getattr(defaults, name))  # every default is a good value


def test_poll_bounds_never_cross():
    config = load(env={"NEWSDESK_POLL_MIN": "2h", "NEWSDESK_POLL_MAX": "1h"}).config
    assert config.poll_bounds == (7200, 7200)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DOWNLOAD_DELAY", "2", 2.0),
        ("DOWNLOAD_DELAY", 3, 3),
        ("DOWNLOAD_TIMEOUT", "7.5", 7.5),
        ("ROBOTSTXT_OBEY", "False", False),
        ("ROBOTSTXT_OBEY", "1", True),
        ("AUTOTHROTTLE_ENABLED", 0, False),
        ("CONCURRENT_REQUESTS", "32", 32),
        ("NEWSDESK_WORKERS", 2.0, 2),
        ("RETRY_HTTP_CODES", "500, 503", [500, 503]),
        ("LOG_LEVEL", "debug", "DEBUG"),
        ("NEWSDESK_POLL_MIN", "5m", "5m"),  # checked, shown as written
        ("SOME_OTHER_SETTING", "anything", "anything"),  # any Scrapy setting passes as is
    ],
)
def test_values_are_converted_to_their_type(name, value, expected):
    converted = typed(name, value)
    assert converted == expected and type(converted) is type(expected)


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("DOWNLOAD_DELAY", "fast", "expected a number"),
        ("DOWNLOAD_DELAY", "-1", "expected a number of at least 0"),
        ("DOWNLOAD_DELAY", True, "expected a number"),
        ("DOWNLOAD_TIMEOUT", 0, "expected a number above 0"),
        ("ROBOTSTXT_OBEY", "maybe", "expected true or false"),
        ("CONCURRENT_REQUESTS", "0", "expected a whole number of at least 1"),
        ("NEWSDESK_WORKERS", "1.5", "expected a whole number"),
        ("RETRY_HTTP_CODES", "500,oops", "expected HTTP status codes, e.g. 500,503"),
        ("LOG_LEVEL", "loud", "expected one of CRITICAL, ERROR, WARNING, INFO, DEBUG"),
        ("NEWSDESK_DB", "", "expected a non-empty string"),
        ("NEWSDESK_POLL_MIN", "soon", "'soon' is not a duration; use e.g. 90s, 5m, 6h or 3d"),
        ("NEWSDESK_REVISION_CHECKS", "1h,later", "'later' is not a duration"),
    ],
)
def test_bad_values_say_what_is_expected(name, value, problem):
    with pytest.raises(BadValue) as raised:
        typed(name, value)
    assert raised.value.problem.startswith(problem)


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("90s", 90), ("5m", 300), ("6h", 21600), ("1.5d", 129600)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_a_bad_duration_says_what_to_write():
    with pytest.raises(ConfigError, match=r"'soon' is not a duration; use e\.g\. 90s, 5m"):
        parse_duration("soon")


def test_revision_checks_are_sorted_and_can_be_off():
    assert parse_checks("24h, 1h,6h,72h") == (3600, 21600, 86400, 259200)
    assert parse_checks("off") == parse_checks("") == ()


# -- where a bad value was written ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("layers", "message"),
    [
        ({"config_file": 'delay = "fast"\n'}, '{file}: delay = "fast": expected a number'),
        (
            {"config_file": "[settings]\nCONCURRENT_REQUESTS = 0\n"},
            "{file}: [settings] CONCURRENT_REQUESTS = 0: expected a whole number of at least 1",
        ),
        ({"config_file": "settings = 3\n"}, "{file}: settings must be a [settings] table"),
        ({"config_file": "db = [\n"}, "{file}: not valid TOML (Invalid value"),
        ({"env": {"NEWSDESK_POLL_MIN": "soon"}}, "NEWSDESK_POLL_MIN=soon: 'soon' is not a"),
        ({"env": {"NEWSDESK_OBEY_ROBOTS": "yes"}}, "NEWSDESK_OBEY_ROBOTS=yes: expected true"),
        ({"flags": {"db": ""}}, "--db : expected a non-empty string"),
        ({"overrides": ["DOWNLOAD_DELAY=x"]}, "-s DOWNLOAD_DELAY=x: expected a number"),
        # a bad value is refused even where a higher layer hides it
        (
            {"config_file": 'delay = "fast"\n', "overrides": ["DOWNLOAD_DELAY=1"]},
            '{file}: delay = "fast": expected a number',
        ),
    ],
)
def test_a_bad_value_names_where_it_was_written(layers, message, tmp_path):
    file = tmp_path / "newsdesk.toml"
    if "config_file" in layers:
        layers["config_file"] = write(file, layers["config_file"])
    with pytest.raises(ConfigError) as raised:
        load(**{"env": {}, **layers})
    assert str(raised.value).startswith(message.format(file=file))


def test_a_config_file_that_is_not_text_is_one_line(tmp_path):
    binary = tmp_path / "newsdesk.toml"
    binary.write_bytes(b"\xff\xfe\x00db")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(config_file=binary, env={})


# -- every command alike ------------------------------------------------------------------------
BAD = {
    "delay in the config file": (["--config", "bad.toml"], {}, 'bad.toml: delay = "fast"'),
    "-s": (["-s", "DOWNLOAD_DELAY=x"], {}, "-s DOWNLOAD_DELAY=x: expected a number"),
    "environment": ([], {"NEWSDESK_POLL_MIN": "soon"}, "NEWSDESK_POLL_MIN=soon: 'soon'"),
    "unknown key": (["--config", "unknown.toml"], {}, "unknown.toml: unknown option(s) dbpath"),
    "missing file": (["--config", "none.toml"], {}, "none.toml: cannot read config file"),
    "not TOML": (["--config", "broken.toml"], {}, "broken.toml: not valid TOML"),
}


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """An empty working folder with a few config files, and no NEWSDESK_* variables."""
    monkeypatch.chdir(tmp_path)
    for name in [v for v in os.environ if v.startswith("NEWSDESK_")]:
        monkeypatch.delenv(name)
    write(tmp_path / "bad.toml", 'delay = "fast"\n')
    write(tmp_path / "unknown.toml", 'dbpath = "x.db"\n')
    write(tmp_path / "broken.toml", "db = [\n")
    return tmp_path


@pytest.mark.parametrize("case", BAD)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_refuses_a_bad_value_in_one_line_before_doing_anything(command, case, folder):
    args, env, message = BAD[case]
    before = sorted(folder.iterdir())
    result = CliRunner().invoke(cli, [*COMMANDS[command], *args], env=env)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(f"Error: {message}")
    assert sorted(folder.iterdir()) == before  # no archive, no lock file


@pytest.mark.parametrize("command", ["feeds list", "feeds remove", "serve"])
def test_commands_that_only_read_never_create_an_archive(command, folder):
    result = CliRunner().invoke(cli, [*COMMANDS[command], "--db", "typo.db"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no archive at typo.db; `newsdesk crawl` or `newsdesk feeds add` creates one\n"
    )
    assert list(folder.glob("*.db")) == []


def test_db_comes_from_the_same_layers_for_every_command(folder, monkeypatch, site_url):
    write(folder / "newsdesk.toml", 'db = "from-file.db"\n')
    runner = CliRunner()
    feed = f"{site_url}/rss.xml"

    def db_of(*args: str) -> str:
        shown = runner.invoke(cli, ["settings", "--config", "newsdesk.toml", *args])
        assert shown.exit_code == 0, shown.output
        added = runner.invoke(cli, ["feeds", "add", feed, "--config", "newsdesk.toml", *args])
        assert added.exit_code == 0, added.output
        listed = runner.invoke(cli, ["feeds", "list", "--config", "newsdesk.toml", *args])
        assert feed in listed.stdout, listed.output
        made = {path.name for path in folder.glob("*.db")}
        db: str = json.loads(shown.stdout)["NEWSDESK_DB"]
        assert db in made
        return db

    assert db_of() == "from-file.db"
    monkeypatch.setenv("NEWSDESK_DB", "from-env.db")
    assert db_of() == "from-env.db"
    assert db_of("--db", "from-flag.db") == "from-flag.db"
    assert db_of("--db", "from-flag.db", "-s", "NEWSDESK_DB=from-s.db") == "from-s.db"
    assert {path.name for path in folder.glob("*.db")} == {
        "from-file.db",
        "from-env.db",
        "from-flag.db",
        "from-s.db",
    }


def test_settings_prints_typed_values(folder):
    result = CliRunner().invoke(
        cli, ["settings", "-s", "DOWNLOAD_DELAY=2", "-s", "ROBOTSTXT_OBEY=false"]
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert (shown["DOWNLOAD_DELAY"], shown["ROBOTSTXT_OBEY"]) == (2.0, False)
    assert shown["NEWSDESK_POLL_MIN"] == "5m"
