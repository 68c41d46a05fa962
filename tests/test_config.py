"""Settings precedence: defaults < config file < environment < flags < -s."""

from __future__ import annotations

import pytest

from crawler.app.config import ConfigError, build_settings, plain_settings


def test_defaults_are_polite():
    settings = build_settings(env={})
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings["USER_AGENT"].startswith("newsdesk/")
    assert settings["NEWSDESK_DB"] == "news.db"


def test_layers_in_order(tmp_path):
    config = tmp_path / "newsdesk.toml"
    config.write_text(
        'db = "from-file.db"\ndelay = 3\ncontact_url = "https://me.example"\n'
        "[settings]\nRETRY_TIMES = 7\n"
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
    config = tmp_path / "newsdesk.toml"
    config.write_text('dbpath = "x.db"\n')
    with pytest.raises(ConfigError, match=r"unknown option\(s\) dbpath; expected one of .*db"):
        build_settings(config_file=config, env={})


def test_bad_override_says_how():
    with pytest.raises(ConfigError, match="expected NAME=VALUE"):
        build_settings(env={}, overrides=["DOWNLOAD_DELAY"])


def test_plain_settings_resolve_as_scrapy_settings_do(tmp_path):
    config = tmp_path / "newsdesk.toml"
    config.write_text(
        'delay = 3\ncontact_url = "https://me.example"\n[settings]\nRETRY_TIMES = 7\n'
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
    assert plain.getlist("RETRY_HTTP_CODES") == scrapy.getlist("RETRY_HTTP_CODES")
    assert plain["USER_AGENT"] == "newsdesk/0.1.0 (+https://me.example)"


def test_scrapy_extensions_are_scrapys_less_telnet_and_remote_control():
    from scrapy.settings import default_settings

    from crawler.components import settings

    left_out = set(default_settings.EXTENSIONS_BASE) - set(settings.EXTENSIONS_BASE)
    assert {name.rsplit(".", 1)[1] for name in left_out} == {"TelnetConsole", "RemoteControl"}
    assert set(settings.EXTENSIONS_BASE) <= set(default_settings.EXTENSIONS_BASE)
