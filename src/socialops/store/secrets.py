"""Profile credentials encrypted at rest (Fernet from ``cryptography``: AES-128-CBC + HMAC).

The key comes from the environment (``SOCIALOPS_SECRET_KEY``, a Fernet key) or from a key file
(``SOCIALOPS_SECRET_KEY_FILE``, default ``<workspace>/secret.key``, created ``0600`` with a new
key on first use). Secrets are decrypted only to build a connector; they are never logged, never
printed and never returned by the API."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from socialops.errors import PublishError
from socialops.store.private import private_file

__all__ = ["decrypt", "encrypt", "key_for"]


def key_for(root: Path) -> bytes:
    env = os.environ.get("SOCIALOPS_SECRET_KEY", "").strip()
    if env:
        return env.encode("ascii")
    path = Path(os.environ.get("SOCIALOPS_SECRET_KEY_FILE") or root / "secret.key")
    if not path.exists():
        private_file(path)
        path.write_bytes(Fernet.generate_key())
    return path.read_bytes().strip()


def encrypt(root: Path, secrets: dict[str, str]) -> str:
    return Fernet(key_for(root)).encrypt(json.dumps(secrets).encode("utf-8")).decode("ascii")


def decrypt(root: Path, token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        data = Fernet(key_for(root)).decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError) as exc:
        raise PublishError("profile.secret_key") from exc
    out: dict[str, str] = json.loads(data)
    return out
