"""Requests as JSON, never pickle: scrapy-redis' SCHEDULER_SERIALIZER (a module with `loads` and
`dumps`), so that workers and the ingester may run different Python versions.

`dumps` takes the dict of `Request.to_dict(spider=...)` (callbacks by method name), `loads` gives
one back for `request_from_dict`. Bytes (the body, header names and values) travel as Latin-1
text and come back as the same bytes; a `FeedEntry` in `cb_kwargs` travels tagged. Anything else
JSON cannot hold raises `TypeError` naming it.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from crawler.ingest.items import FeedEntry

TAG = "__newsdesk__"
TYPES: dict[str, type] = {"FeedEntry": FeedEntry}


def dumps(request: dict[str, Any]) -> str:
    data = dict(request)
    if "body" in data:
        data["body"] = _text(data["body"])
    if "headers" in data:
        data["headers"] = {
            _text(name): [_text(v) for v in (values if isinstance(values, list) else [values])]
            for name, values in data["headers"].items()
        }
    return json.dumps(data, default=_tagged, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text, object_hook=_untagged)
    if "body" in data:
        data["body"] = data["body"].encode("latin-1")
    if "headers" in data:
        data["headers"] = {
            name.encode("latin-1"): [v.encode("latin-1") for v in values]
            for name, values in data["headers"].items()
        }
    return data


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _tagged(value: Any) -> Any:
    name = type(value).__name__
    if isinstance(value, FeedEntry):
        return {TAG: name, **dataclasses.asdict(value)}
    raise TypeError(f"a request holds a {name}, which cannot travel as JSON: {value!r}")


def _untagged(data: dict[str, Any]) -> Any:
    name = data.pop(TAG, None)
    return data if name is None else TYPES[name](**data)
