"""Keeping Python's cycle collector off the web process's long-lived objects.

A web process holds a large, settled heap once it has started: the modules, the triage and
sentiment models, the analyser, the warm caches. Python's cyclic garbage collector walks all of
it in every full (generation 2) collection; with this heap one took 100-300 ms, with the
interpreter held, so every request in flight waited that long (the inbox's conversation page:
p99 312 ms against a p50 of 14 ms, 20 agents; a 20-second bench window once reached a p95 of
485 ms). :func:`freeze_heap` collects once, then moves every object alive into the permanent
generation (:func:`gc.freeze`, as Instagram does for its web workers): later collections walk
only what was allocated since. Objects frozen are still freed by reference counting when the
last reference goes; only cycles among them wait, and they are the start-up's own, meant to
live as long as the process.

The web app calls it once the inbox's models are loaded and again after the warm-up
(``socialops.web.app``); ``SOCIALOPS_GC_FREEZE=0`` turns it off."""

from __future__ import annotations

import gc
import os

__all__ = ["freeze_heap", "freezing"]


def freezing() -> bool:
    """Whether the web process freezes its heap after start-up (``SOCIALOPS_GC_FREEZE``,
    default on)."""
    return os.environ.get("SOCIALOPS_GC_FREEZE", "1").strip().lower() not in ("0", "false", "no")


def freeze_heap() -> int:
    """Collect, then freeze what is left alive; returns how many objects are frozen in all."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
