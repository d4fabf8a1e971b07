"""The one base class of the connectors that talk to a platform over a single ``httpx`` client
(X, Facebook, Instagram, Threads, LinkedIn, Naver Cafe): the client made on first use with the
profile's bearer token, one call that turns a transport error into the connector's
:class:`~socialops.connectors.core.Resolution`, the post remembered under each key for ``find``,
and dropping the client when a refresh changed the token.

Why a base class and not a helper: every one of those connectors repeated the same session lines
(``_client``, ``_call``, ``resolve``); what differs is data (the base URL, extra headers, whether
a 401 asks for a refresh), which a subclass states in a few lines. ``expires_at``/``refresh``
stay in the subclasses: their presence is what makes a connector
:class:`~socialops.connectors.core.CanRefresh`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from socialops.connectors import oauth
from socialops.connectors.core import Connector, ConnectorFailure, OutgoingPost, Resolution

__all__ = ["HttpConnector"]


class HttpConnector(Connector):
    """A connector over one ``httpx`` client (:func:`socialops.connectors.oauth.client`).

    A subclass names :attr:`api` (or overrides :meth:`_base_url`), may add :meth:`_headers`, and
    sets :attr:`can_refresh` when a 401 means "refresh the token" rather than "connect again"."""

    #: the platform's API root (the client's ``base_url``)
    api: ClassVar[str] = ""
    #: a 401 asks for a token refresh (``refresh_auth``) instead of ``disconnect``
    can_refresh: ClassVar[bool] = False

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self._http: httpx.Client | None = None
        #: the post sent under each key by this object (what ``find`` matches)
        self._sent: dict[str, OutgoingPost] = {}

    # -- session -------------------------------------------------------------------------------
    def _base_url(self) -> str:
        return self.api

    def _headers(self) -> Mapping[str, str] | None:
        return None

    def _client(self) -> httpx.Client:
        if self._http is None:
            self._http = oauth.client(
                self._base_url(),
                token=self._secrets.get("access_token", ""),
                headers=self._headers(),
            )
        return self._http

    def _drop_client(self) -> None:
        """Close the client (after a refresh: the next call uses the new token)."""
        if self._http is not None:
            self._http.close()
            self._http = None

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; a transport error raises :class:`ConnectorFailure` (:meth:`resolve`)."""
        try:
            return self._client().request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One request → its JSON body (``{}`` when empty); a failed answer raises
        :class:`ConnectorFailure` (:func:`socialops.connectors.oauth.checked`)."""
        return oauth.checked(self._send(method, path, **kwargs), can_refresh=self.can_refresh)

    def _wanted(self, key: str, post: OutgoingPost | None) -> OutgoingPost | None:
        """What ``find`` looks for: the post given, else the one this object sent under ``key``."""
        return post if post is not None else self._sent.get(key)

    # -- errors → decisions ----------------------------------------------------------------
    def resolve(self, exc: BaseException) -> Resolution:
        return oauth.resolve_http(exc, can_refresh=self.can_refresh)
