"""The connector registry: platform name → :class:`~socialops.connectors.core.Connector` class.

A connector registers itself when its module is imported (``REGISTRY.add(MyConnector)`` at the
bottom of the module); :func:`load_builtin` imports every module of this package, so adding a
platform is adding a file."""

from __future__ import annotations

import importlib
import pkgutil

from socialops.connectors.core import Connector

__all__ = ["REGISTRY", "Registry", "load_builtin"]


class Registry:
    def __init__(self) -> None:
        self._classes: dict[str, type[Connector]] = {}

    def add(self, cls: type[Connector]) -> type[Connector]:
        if cls.platform in self._classes and self._classes[cls.platform] is not cls:
            raise ValueError(f"two connectors for {cls.platform!r}")
        self._classes[cls.platform] = cls
        return cls

    def get(self, platform: str) -> type[Connector] | None:
        load_builtin()
        return self._classes.get(platform)

    def platforms(self) -> list[str]:
        load_builtin()
        return sorted(self._classes)


REGISTRY = Registry()
_loaded = False


def load_builtin() -> None:
    """Import every connector module of this package once (each registers itself)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    import socialops.connectors as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name not in ("core", "registry"):
            importlib.import_module(f"socialops.connectors.{mod.name}")
