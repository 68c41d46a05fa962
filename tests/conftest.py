"""Pytest's hooks and shared fixtures: the test site over real HTTP for the whole session.

Helpers live in tests/helpers.py and the server in tests/newsroom.py; import them from there.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# Kept importable from here for branches written before tests/helpers.py; new code imports
# them from tests.helpers.
from tests.helpers import FAST, ROOT, SHARED_DATA, SITE, run_newsdesk, shared_data  # noqa: F401
from tests.newsroom import Newsroom


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the expected metadata in tests/golden/*.json from the extractor's output",
    )


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """Serve tests/site/ on a free 127.0.0.1 port for the whole session."""
    server = Newsroom.start(SITE)
    yield server.url
    server.shutdown()


@pytest.fixture
def site(tmp_path) -> Iterator[Newsroom]:
    """A copy of tests/site/ for one test, which it may edit, script and count requests on."""
    server = Newsroom.copy_of_site(tmp_path)
    yield server
    server.shutdown()
