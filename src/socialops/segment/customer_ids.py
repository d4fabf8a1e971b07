"""The identifiers of imported customers (the ``customers`` stream keeps them per customer in
one Fernet-encrypted ``private`` column, the same format as ``segment_members.private``), so
that a segment made without e-mail or phone — a targeting model's scores of ``bank.csv``, an
RFM segment of transactions — still carries them when the workspace knows those customers.

The table's ids and tokens are read once (still encrypted); a token is decrypted only for a
customer asked for."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from cryptography.fernet import Fernet, InvalidToken

from socialops.errors import SettingsError
from socialops.sources.streams.customers import customers_path
from socialops.store.secrets import key_for

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

__all__ = ["CustomerIdentifiers"]


class CustomerIdentifiers:
    """Look up imported customers' identifiers by customer id (``{}`` for one unknown, or
    without identifiers, or when the workspace has no customer table)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws
        self._tokens: dict[str, str] | None = None
        self._cipher: Fernet | None = None

    def _load(self) -> dict[str, str]:
        if self._tokens is None:
            self._tokens = {}
            path = customers_path(self._ws)
            if path.exists() and "private" in pq.read_schema(path).names:
                table = pq.read_table(path, columns=["customer_id", "private"])
                table = table.filter(pc.not_equal(table["private"], ""))
                ids = pc.cast(table["customer_id"], pa.string()).to_pylist()
                self._tokens = dict(zip(ids, table["private"].to_pylist(), strict=True))
        return self._tokens

    def __len__(self) -> int:
        return len(self._load())

    def token(self, customer_id: str) -> str:
        """The customer's identifiers still encrypted (``segment_members.private``'s format,
        same key), ``""`` when there are none."""
        return self._load().get(customer_id, "")

    def get(self, customer_id: str) -> dict[str, str]:
        token = self._load().get(customer_id)
        if not token:
            return {}
        if self._cipher is None:
            self._cipher = Fernet(key_for(self._ws.root))
        try:
            out: dict[str, str] = json.loads(self._cipher.decrypt(token.encode("ascii")))
        except (InvalidToken, ValueError):
            raise SettingsError(code="segments.secret_key") from None
        return out
