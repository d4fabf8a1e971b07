"""Signals between the processes of one server: "a workspace's inbox has new events", "its data
or topics changed", "it was removed". A signal carries no data — the database stays the one
truth — it only tells the other processes to look now instead of at their next poll.

Within one process (the default: ``socialops serve`` on SQLite, no setting) signals reach the
subscribers of this process directly. With ``SOCIALOPS_REDIS_URL`` set they also go through
Redis pub/sub to every process of the server (the web processes of ``serve --processes N``,
``socialops worker``, the CLI), on one channel per database (URL and schema prefix), so two
servers sharing one Redis do not wake each other.

Why Redis rather than PostgreSQL ``LISTEN/NOTIFY``: a listening process holds a database
connection of its own outside the pool for good (a pooler in transaction mode breaks it), and
``NOTIFY`` in a transaction takes a database-wide lock at commit that serialises every
notifying transaction; here signals stay off the database, which the soak and fault suites
restart while Redis keeps going. Nothing depends on a signal arriving: a process that missed
some (Redis down, reconnecting) still polls — inbox streams every
:data:`socialops.web.inbox_stream.POLL_S`, caches every second — and after a reconnect every
subscriber is told ``resync``.

Signals are published after the transaction that wrote what they announce has committed
(:func:`after_commit`: when its connection goes back to the pool), so a woken reader finds it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, event, text

from socialops import settings
from socialops.errors import SettingsError
from socialops.store.db import Database, database_url, redacted_url, schema_prefix

__all__ = [
    "RESYNC",
    "Bus",
    "after_commit",
    "bus",
    "conn_key",
    "database_key",
    "redis_url",
    "reset",
]

log = logging.getLogger(__name__)
RESYNC = "resync"  # told after each (re)connection to Redis: signals may have been missed
Callback = Callable[[str, bool], None]  # (key, from this process)
_PENDING = "socialops_signals"  # pool record info: signals waiting for the commit
RETRY_S = 2.0  # seconds between attempts to reach Redis again
CONFIRM_S = 5.0  # seconds Redis has to confirm a subscription before the bus tries again
QUIET_S = 5.0  # after a failed publish, seconds of not trying (a write must not wait on Redis)


def database_key(db: Database) -> str:
    """The key of a workspace's signals: its database (URL without password) and schema."""
    return f"{redacted_url(str(db.engine.url))}#{db.schema or ''}"


def conn_key(conn: Connection) -> str:
    """:func:`database_key` of the database ``conn`` works in (its current schema)."""
    schema = ""
    if conn.dialect.name == "postgresql":
        schema = str(conn.execute(text("SELECT current_schema()")).scalar() or "")
    return f"{redacted_url(str(conn.engine.url))}#{schema}"


class Bus:
    """This process's end of the signals (see the module)."""

    def __init__(self, url: str = "", channel: str = "socialops") -> None:
        self.url = url
        self.channel = channel
        self.origin = secrets.token_hex(8)
        self._subs: dict[str, list[Callback]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._listener: threading.Thread | None = None
        self._sender: threading.Thread | None = None
        self._outbox: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._quiet_until = 0.0

    @property
    def remote(self) -> bool:
        """Signals of other processes arrive now (Redis set and listened to)."""
        return self._connected.is_set()

    # -- publishing ----------------------------------------------------------------------------
    def publish(self, topic: str, key: str) -> None:
        """Tell every subscriber of ``topic`` (here at once, elsewhere through Redis)."""
        self._dispatch(topic, key, local=True)
        if self.url:
            message = json.dumps({"o": self.origin, "t": topic, "k": key})
            self._start_sender()
            self._outbox.put(message)

    def _start_sender(self) -> None:
        with self._lock:
            if self._sender is None:
                self._sender = threading.Thread(
                    target=self._send_loop, daemon=True, name="socialops-bus-send"
                )
                self._sender.start()

    def _send_loop(self) -> None:
        client: Any = None
        while True:
            message = self._outbox.get()
            if message is None:
                return
            if time.monotonic() < self._quiet_until:
                continue  # Redis was down a moment ago: the readers' polls cover this one
            try:
                if client is None:
                    client = _client(self.url)
                client.publish(self.channel, message)
            except Exception as exc:  # redis.RedisError, OSError: never the writer's problem
                client = None
                self._quiet_until = time.monotonic() + QUIET_S
                log.warning("signals: Redis unreachable (%s); readers poll", type(exc).__name__)

    # -- subscribing ---------------------------------------------------------------------------
    def subscribe(self, topic: str, callback: Callback) -> Callable[[], None]:
        """Call ``callback(key, local)`` for each signal of ``topic`` (:data:`RESYNC`: key
        ``*``, after each connection to Redis); returns what unsubscribes. The callback runs
        on a bus thread or the publisher's: it must be quick and must not raise."""
        with self._lock:
            self._subs.setdefault(topic, []).append(callback)
            start = self.url and self._listener is None
            if start:
                self._listener = threading.Thread(
                    target=self._listen_loop, daemon=True, name="socialops-bus-listen"
                )
        if start and self._listener is not None:
            self._listener.start()

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._subs.get(topic, []).remove(callback)

        return unsubscribe

    def _dispatch(self, topic: str, key: str, *, local: bool) -> None:
        with self._lock:
            callbacks = list(self._subs.get(topic, ()))
        for callback in callbacks:
            try:
                callback(key, local)
            except Exception:  # one subscriber's bug must not stop the others
                log.exception("signal subscriber failed")

    def _listen_loop(self) -> None:
        while not self._stop.is_set():
            client: Any = None
            try:
                client = _client(self.url)
                pubsub = client.pubsub()
                pubsub.subscribe(self.channel)
                self._confirm(pubsub)
                self._connected.set()
                self._dispatch(RESYNC, "*", local=False)  # what was missed while away
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "message":
                        self._received(message.get("data"))
            except Exception as exc:  # redis.RedisError, OSError: try again in a moment
                if self._connected.is_set():
                    log.warning("signals: lost Redis (%s); polling until it is back", exc)
                self._connected.clear()
                self._stop.wait(RETRY_S)
            finally:
                if client is not None:
                    with contextlib.suppress(Exception):
                        client.close()
        self._connected.clear()

    def _confirm(self, pubsub: Any) -> None:
        """Wait until Redis confirmed the subscription: only then does every signal published
        after :meth:`wait_connected` returned reach this bus."""
        deadline = time.monotonic() + CONFIRM_S
        while not self._stop.is_set():
            message = pubsub.get_message(timeout=0.5)
            if message is not None and message.get("type") == "subscribe":
                return
            if message is not None and message.get("type") == "message":
                self._received(message.get("data"))
            if time.monotonic() > deadline:
                raise TimeoutError("Redis did not confirm the subscription")

    def _received(self, data: Any) -> None:
        try:
            body = json.loads(data)
            origin, topic, key = str(body["o"]), str(body["t"]), str(body["k"])
        except (TypeError, ValueError, KeyError):
            return  # not ours
        if origin != self.origin:
            self._dispatch(topic, key, local=False)

    def wait_connected(self, timeout: float) -> bool:
        """Wait until signals of other processes arrive (tests, start-up)."""
        return self._connected.wait(timeout)

    def close(self) -> None:
        self._stop.set()
        self._outbox.put(None)
        for thread in (self._listener, self._sender):
            if thread is not None and thread.is_alive():
                thread.join(timeout=3)


def _client(url: str) -> Any:
    # lazy: only a server with SOCIALOPS_REDIS_URL loads the client
    import redis

    return redis.Redis.from_url(
        url, socket_connect_timeout=1.0, socket_timeout=5.0, health_check_interval=30
    )


def _channel() -> str:
    """One channel per server: its database (URL, schema prefix), or this machine's SQLite."""
    url = database_url()
    where = f"{url}|{schema_prefix()}" if url else "sqlite"
    return "socialops:" + hashlib.sha256(where.encode()).hexdigest()[:16]


_bus: Bus | None = None
_bus_lock = threading.Lock()


def redis_url() -> str:
    """``SOCIALOPS_REDIS_URL`` (``""``: none), refused when it is not a Redis address."""
    url = settings.get("redis_url").strip()
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(code="team.bad_redis_url", value=redacted_url_of(url))
    return url


def bus() -> Bus:
    """This process's bus (made on first use from the settings)."""
    global _bus
    with _bus_lock:
        if _bus is None:
            _bus = Bus(redis_url(), _channel())
        return _bus


def redacted_url_of(url: str) -> str:
    """``url`` without a password (``scheme://user:***@host``), for a message."""
    head, sep, tail = url.partition("@")
    if not sep or ":" not in head.partition("://")[2]:
        return url
    scheme, _, auth = head.partition("://")
    return f"{scheme}://{auth.partition(':')[0]}:***@{tail}"


def reset() -> None:
    """Forget this process's bus (after a fork, and in tests that change the settings)."""
    global _bus
    with _bus_lock:
        old, _bus = _bus, None
    if old is not None:
        old.close()


def _after_fork() -> None:
    global _bus
    _bus = None  # the parent's threads are not here: a fresh bus on first use


os.register_at_fork(after_in_child=_after_fork)


def after_commit(conn: Connection, topic: str, key: str) -> None:
    """Publish ``topic``/``key`` once ``conn``'s transaction has committed: when the connection
    goes back to the pool (a rolled-back one sends it too — a signal only makes readers look)."""
    engine = conn.engine
    _watch(engine)
    pending: set[tuple[str, str]] = conn.connection.info.setdefault(_PENDING, set())
    pending.add((topic, key))


_watched: set[int] = set()
_watched_lock = threading.Lock()


def _watch(engine: Engine) -> None:
    with _watched_lock:
        if id(engine) in _watched:  # engines live as long as the process (store.db)
            return
        _watched.add(id(engine))

    def _checkin(_dbapi: Any, record: Any) -> None:
        if record is None:
            return
        pending = record.info.pop(_PENDING, None)
        for topic, key in sorted(pending or ()):
            try:
                bus().publish(topic, key)
            except Exception:  # returning the connection must not fail: readers poll
                log.exception("signal %s not sent", topic)

    event.listen(engine, "checkin", _checkin)
