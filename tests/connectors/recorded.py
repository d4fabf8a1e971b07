"""What the recorded-response connector tests share (X, Facebook, Instagram, Threads, LinkedIn,
Naver Cafe, YouTube: platforms with no local server to test against).

A recording is ``recordings/<platform>/<name>.json``: ``_source`` (the reference page its shape
comes from, checked against :data:`SOURCES` so a file cannot drift to another platform's docs),
an optional ``request`` and the ``response`` (``status``, ``headers`` and ``json`` or ``text``).
:class:`Recordings` replays them as ``httpx`` answers for ``respx`` routes, or as the
``(headers, body)`` pairs of ``googleapiclient``'s ``HttpMockSequence``; :func:`form`,
:func:`sent_json` read back what a route received; :func:`failure_of` is the
:class:`~socialops.connectors.core.Resolution` a failing call raised."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from socialops.connectors.core import ConnectorFailure, Resolution

__all__ = [
    "ALT",
    "PNG",
    "RECORDINGS",
    "SOURCES",
    "Recordings",
    "failure_of",
    "form",
    "png_file",
    "sent_json",
]

RECORDINGS = Path(__file__).parent / "recordings"
#: what every recording's ``_source`` starts with, per platform folder
SOURCES = {
    "facebook": "https://developers.facebook.com/docs/",
    "instagram": "https://developers.facebook.com/docs/",
    "threads": "https://developers.facebook.com/docs/threads",
    "x": "https://docs.x.com/",
    "linkedin": "https://learn.microsoft.com/en-us/linkedin/",
    "naver-cafe": "https://developers.naver.com/docs/",
    "youtube": "https://developers.google.com/",
}
#: a 1x1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
#: the alt text of the test image (Korean, as a café would write it)
ALT = "하트 모양 라떼 아트가 올라간 흰 컵"


class Recordings:
    """One platform's recordings: ``rec(name)`` is the recorded answer as an ``httpx.Response``
    (``headers`` added to the recorded ones), ``rec.doc(name)`` the whole file."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.folder = RECORDINGS / platform

    def doc(self, name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.folder / f"{name}.json").read_text("utf-8"))
        assert data["_source"].startswith(SOURCES[self.platform])
        return data

    def __call__(self, name: str, **headers: str) -> httpx.Response:
        r = self.doc(name)["response"]
        all_headers = {**r["headers"], **headers}
        if "json" in r:
            return httpx.Response(r["status"], headers=all_headers, json=r["json"])
        return httpx.Response(r["status"], headers=all_headers, text=r.get("text", ""))

    def mock_pair(self, name: str) -> tuple[dict[str, str], str]:
        """The answer as ``HttpMockSequence`` takes it: headers with ``status``, and the body."""
        r = self.doc(name)["response"]
        headers = {"status": str(r["status"]), **r["headers"]}
        return headers, json.dumps(r["json"]) if "json" in r else r.get("text", "")


def png_file(folder: Path, name: str = "latte.png") -> Path:
    """:data:`PNG` written to ``folder/name`` (an image the connector reads from disk)."""
    path = folder / name
    path.write_bytes(PNG)
    return path


def form(route: respx.Route, i: int = -1) -> dict[str, str]:
    """The form fields of the ``i``-th request ``route`` received."""
    return dict(httpx.QueryParams(route.calls[i].request.content.decode()))


def sent_json(route: respx.Route, i: int = -1) -> Any:
    """The JSON body of the ``i``-th request ``route`` received."""
    return json.loads(route.calls[i].request.content)


def failure_of(call: Callable[[], object]) -> Resolution:
    """The resolution of the :class:`ConnectorFailure` that ``call()`` must raise."""
    with pytest.raises(ConnectorFailure) as failed:
        call()
    return failed.value.resolution
