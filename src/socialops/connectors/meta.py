"""What the Meta connectors (Facebook Pages, Instagram, Threads) share, so that each platform
module keeps only what differs:

- :class:`GraphConnector`: a Graph API client whose version is a profile setting, deleting an
  object (one already gone is fine), reading ``/insights``, and matching the account's own recent
  posts by their text for ``find`` (:meth:`GraphConnector._match`).
- :class:`ContainerConnector` (Instagram, Threads): the two-step publish (make a media container,
  wait until it is ``FINISHED``, publish it), a container remembered per key so a lost answer
  never makes a second one, and ``find`` that asks that container first.
- :func:`insight_values`, :func:`public_media_url`, :func:`wait_for_container`: the pure parts.

Each platform's module docstring says what its ``find`` does and does not guarantee."""

from __future__ import annotations

import abc
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from socialops.connectors import oauth
from socialops.connectors.core import (
    ConnectorFailure,
    Media,
    OutgoingPost,
    PostMetrics,
    Published,
    Resolution,
    tid_time,
)
from socialops.connectors.http_base import HttpConnector

__all__ = [
    "CLOCK_SKEW_S",
    "GRAPH",
    "GRAPH_VERSION",
    "POLL_S",
    "ContainerConnector",
    "GraphConnector",
    "insight_values",
    "public_media_url",
    "wait_for_container",
]

GRAPH = "https://graph.facebook.com"
GRAPH_VERSION = "v21.0"
#: how far before the key's time a post may have been created and still match (clock skew)
CLOCK_SKEW_S = 300.0
#: seconds between two looks at a container that is not ready yet
POLL_S = 3.0


class GraphConnector(HttpConnector):
    """A Meta Graph API connector: ``{api}/{version}``, the version from the setting
    :attr:`version_setting` (else :attr:`api_version`)."""

    api: ClassVar[str] = GRAPH
    api_version: ClassVar[str] = GRAPH_VERSION
    version_setting: ClassVar[str] = "graph_version"

    def _base_url(self) -> str:
        return f"{self.api}/{self.settings.get(self.version_setting) or self.api_version}"

    def delete(self, remote_id: str) -> None:
        try:
            self._call("DELETE", f"/{remote_id}")
        except ConnectorFailure as exc:
            if exc.resolution.action == "fail" and "does not exist" in exc.resolution.detail:
                return  # already gone
            raise

    def _insights(self, object_id: str, metric: str) -> dict[str, int] | None:
        """``/{object_id}/insights`` as ``name → value``; ``None`` when the Graph refuses
        (the object is gone, not this account's, or has no insights)."""
        try:
            body = self._call("GET", f"/{object_id}/insights", params={"metric": metric})
        except ConnectorFailure as exc:
            if exc.resolution.action == "fail":
                return None
            raise
        return insight_values(body)

    @staticmethod
    def _since(key: str) -> datetime | None:
        """The oldest creation time a post published under ``key`` can have (``None``: the key
        is not a TID, so any time)."""
        made = tid_time(key)
        return (made - timedelta(seconds=CLOCK_SKEW_S)).astimezone(UTC) if made else None

    def _match(
        self,
        path: str,
        params: dict[str, Any],
        *,
        field: str,
        text: str,
        scan: int,
        stop_before: datetime | None = None,
    ) -> dict[str, Any] | None:
        """The oldest of the newest ``scan`` items of ``GET path`` whose ``field`` matches
        ``text`` (:func:`~socialops.connectors.oauth.comparable` on both sides). Reading stops
        at an item whose ``timestamp`` is before ``stop_before``."""
        wanted = oauth.comparable(text)
        match: dict[str, Any] | None = None
        seen = 0
        while seen < scan:
            body = self._call("GET", path, params=params)
            for item in body.get("data") or []:
                seen += 1
                at = _time(item.get("timestamp"))
                if stop_before is not None and at is not None and at < stop_before:
                    return match
                if oauth.comparable(str(item.get(field) or "")) == wanted:
                    match = item  # newest first: the last match is the oldest
            after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (body.get("paging") or {}).get("next"):
                break
            params["after"] = after
        return match


class ContainerConnector(GraphConnector):
    """Instagram and Threads: publishing makes a container at ``/{user}/{edge}`` and publishes
    it with ``/{user}/{edge}_publish``; posts are read back from ``/{user}/{edge}``."""

    #: the user's edge where containers are made and posts listed (``media``, ``threads``)
    edge: ClassVar[str]
    #: the field of a post that holds its text (``caption``, ``text``)
    text_field: ClassVar[str]
    #: the fields of a container's status read (the first is the state ``find`` asks)
    status_fields: ClassVar[str]
    #: extra fields of one image's container (Threads names ``media_type``)
    image_fields: ClassVar[Mapping[str, str]] = {}
    #: the URL of a post whose permalink could not be read
    home_url: ClassVar[str]
    #: how many of the account's newest posts ``find`` reads at most
    find_scan: ClassVar[int] = 100
    #: the insights metrics asked of a post
    insights: ClassVar[str]

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self._containers: dict[str, str] = {}  # key -> the container made for it
        #: seconds between two looks at a container that is not ready yet
        self.poll_s = POLL_S

    @abc.abstractmethod
    def _uid(self) -> str:
        """The account's id on the platform (the containers are made under it)."""

    @abc.abstractmethod
    def _post_metrics(self, values: Mapping[str, int]) -> PostMetrics:
        """The platform's insight values of one post as :class:`PostMetrics`."""

    # -- publishing ----------------------------------------------------------------------------
    def _image(self, url: str, m: Media, form: Mapping[str, str]) -> dict[str, str]:
        out = {**self.image_fields, "image_url": url, **form}
        if m.alt.strip():
            out["alt_text"] = m.alt
        return out

    def _container(self, post: OutgoingPost) -> str:
        path = f"/{self._uid()}/{self.edge}"
        base = self.settings.get("media_base_url", "")
        urls = [public_media_url(base, m.path) for m in post.media]
        text = {self.text_field: post.text}
        if not urls:
            form = {"media_type": "TEXT", **text}
        elif len(urls) == 1:
            form = self._image(urls[0], post.media[0], text)
        else:
            child = {"is_carousel_item": "true"}
            children = [
                str(self._call("POST", path, data=self._image(url, m, child))["id"])
                for url, m in zip(urls, post.media, strict=True)
            ]
            form = {"media_type": "CAROUSEL", "children": ",".join(children), **text}
        return str(self._call("POST", path, data=form)["id"])

    def _status(self, container: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/{container}", params={"fields": self.status_fields}))

    def publish(self, post: OutgoingPost, key: str) -> Published:
        self._sent[key] = post
        container = self._containers.get(key)
        if container is None:
            container = self._container(post)
            self._containers[key] = container
        wait_for_container(lambda: self._status(container), every_s=self.poll_s)
        path = f"/{self._uid()}/{self.edge}_publish"
        body = self._call("POST", path, data={"creation_id": container})
        return self._published(str(body["id"]))

    def _published(self, media_id: str, permalink: str = "") -> Published:
        if not permalink:
            try:
                got = self._call("GET", f"/{media_id}", params={"fields": "permalink"})
                permalink = str(got.get("permalink") or "")
            except ConnectorFailure:
                permalink = ""  # published all the same; the link can be read later
        return Published(remote_id=media_id, url=permalink or self.home_url)

    def _unpublished(self, key: str) -> bool:
        """The container made under ``key`` exists and was never published."""
        container = self._containers.get(key)
        if container is None:
            return False
        state = self._status(container).get(self.status_fields.split(",")[0])
        return str(state or "") in ("FINISHED", "IN_PROGRESS")

    def _find_since(self, key: str, params: dict[str, Any]) -> datetime | None:
        """Limit the listing to the key's time: as a parameter (``None`` returned), or as the
        time reading stops at."""
        return self._since(key)

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        """The post published under ``key`` (see the platform module's docstring for what this
        does and does not guarantee)."""
        wanted = self._wanted(key, post)
        if wanted is None:
            return None
        if self._unpublished(key):
            return None  # made but never published: the next publish uses it
        fields = f"id,{self.text_field},permalink,timestamp"
        params: dict[str, Any] = {"fields": fields, "limit": 50}
        stop_before = self._find_since(key, params)
        item = self._match(
            f"/{self._uid()}/{self.edge}",
            params,
            field=self.text_field,
            text=wanted.text,
            scan=self.find_scan,
            stop_before=stop_before,
        )
        if item is None:
            return None
        return self._published(str(item["id"]), str(item.get("permalink") or ""))

    # -- metrics -------------------------------------------------------------------------------
    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]:
        out: dict[str, PostMetrics] = {}
        for media_id in dict.fromkeys(remote_ids):
            values = self._insights(media_id, self.insights)
            if values is not None:  # else gone, or not this account's
                out[media_id] = self._post_metrics(values)
        return out


def _time(value: Any) -> datetime | None:
    """A Graph timestamp (``2026-12-04T09:00:05+0000``) as an aware datetime."""
    if not isinstance(value, str):
        return None
    try:
        at = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None
    return at.astimezone(UTC)


def insight_values(body: Any) -> dict[str, int]:
    """The ``name → value`` of a Graph API ``/insights`` answer (Instagram, Threads, Facebook):
    ``{"data": [{"name": "likes", "values": [{"value": 3}]}]}`` or ``"total_value"``."""
    out: dict[str, int] = {}
    rows = body.get("data") if isinstance(body, dict) else None
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            continue
        value: Any = None
        values = row.get("values")
        if isinstance(values, list) and values and isinstance(values[-1], dict):
            value = values[-1].get("value")
        total = row.get("total_value")
        if value is None and isinstance(total, dict):
            value = total.get("value")
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[row["name"]] = int(value)
    return out


def public_media_url(base_url: str, path: str) -> str:
    """Where a platform that fetches images itself (Instagram, Threads) finds the file at
    ``path``: ``path`` itself when it is an ``https://`` URL, else ``base_url`` + its file name.
    Raises :class:`ConnectorFailure` (``fail`` ``media_url``) when there is no public base."""
    if path.startswith(("https://", "http://")):
        return path
    base = (base_url or "").strip()
    if not base.startswith(("https://", "http://")):
        raise ConnectorFailure(Resolution("fail", "media_url", detail=path.rsplit("/", 1)[-1]))
    return base.rstrip("/") + "/" + path.replace("\\", "/").rsplit("/", 1)[-1]


def wait_for_container(
    status: Callable[[], Mapping[str, Any]],
    *,
    tries: int = 10,
    every_s: float = 3.0,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Wait until a Meta media container (Instagram, Threads) is ready to publish: ``status()``
    reads it (``status_code`` on Instagram, ``status`` on Threads). ``FINISHED`` (or
    ``PUBLISHED``) returns; ``ERROR``/``EXPIRED`` raise ``fail`` ``media_failed``; still
    ``IN_PROGRESS`` after ``tries`` raises ``retry`` ``media_processing`` (nothing was published:
    the next try makes a new container)."""
    for i in range(max(1, tries)):
        body = status()
        state = str(body.get("status_code") or body.get("status") or "").upper()
        if state in ("FINISHED", "PUBLISHED"):
            return
        if state in ("ERROR", "EXPIRED"):
            detail = str(body.get("error_message") or body.get("status") or state)[:300]
            raise ConnectorFailure(Resolution("fail", "media_failed", detail=detail))
        if i + 1 < tries:
            sleep(every_s)
    raise ConnectorFailure(Resolution("retry", "media_processing", 30.0, "IN_PROGRESS"))
