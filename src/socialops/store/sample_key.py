"""A post's sample key: a 63-bit hash of its platform and post id, stored with each cached topic
match (column ``sample_key``), so analyses can read a uniform, deterministic random sample of a
big topic with one integer filter (``sample_key < p × 2⁶³`` keeps each post with probability
``p``) on any engine, and so the same post gets the same key wherever it appears.

The hash is SplitMix64's finaliser folded over the UTF-8 bytes (8 at a time, little-endian,
zero-padded, the length first), vectorised with numpy over Arrow string columns: a function of
the values alone, not of row order, engine or process (unlike Python's ``hash``).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["KEY_SPACE", "hash_strings", "mix", "sample_keys", "seed_hash"]

KEY_SPACE = 1 << 63  # sample keys lie in [0, 2**63)
_U64 = np.uint64
_MASK64 = (1 << 64) - 1
_BYTE_MASKS = np.array([(1 << (8 * b)) - 1 for b in range(8)] + [_MASK64], dtype=_U64)
_PLATFORM_SEED = 0x5EED_50C1_A105_0001


def mix(h: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser over uint64 (wrapping arithmetic)."""
    h = h ^ (h >> _U64(30))
    h = h * _U64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> _U64(27))
    h = h * _U64(0x94D049BB133111EB)
    return h ^ (h >> _U64(31))


def seed_hash(seed: int) -> np.uint64:
    """A uint64 derived from an integer seed."""
    out: np.uint64 = mix(np.array([seed & _MASK64], dtype=_U64))[0]
    return out


def hash_strings(arr: pa.Array | pa.ChunkedArray, h: np.ndarray) -> np.ndarray:
    """``h`` folded with each string's length and UTF-8 bytes, 8 bytes at a time, each step
    through :func:`mix` — vectorised over the rows (a null is hashed as the empty string)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = pc.fill_null(arr, "").cast(pa.large_string())
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    buf = arr.buffers()[2]
    raw = np.frombuffer(buf, dtype=np.uint8) if buf is not None else np.zeros(0, np.uint8)
    padded = np.zeros(len(raw) + 8, dtype=np.uint8)
    padded[: len(raw)] = raw
    # every byte position read as the start of a little-endian uint64 (unaligned view)
    words = np.ndarray((len(raw) + 1,), dtype="<u8", buffer=padded.data, strides=(1,))
    start = offsets[:-1].astype(np.int64)
    length = np.diff(offsets).astype(np.int64)
    h = mix(h ^ length.astype(_U64))
    longest = int(length.max()) if n else 0
    for k in range(0, longest, 8):
        left = np.clip(length - k, 0, 8)
        w = words[np.minimum(start + k, len(raw))] & _BYTE_MASKS[left]
        h = np.where(left > 0, mix(h ^ w), h)
    return h


def sample_keys(
    platform: pa.Array | pa.ChunkedArray, post_id: pa.Array | pa.ChunkedArray
) -> pa.Array:
    """The ``sample_key`` (int64 in ``[0, 2**63)``) of each (platform, post id)."""
    n = len(platform)
    h = hash_strings(platform, np.full(n, seed_hash(_PLATFORM_SEED), dtype=_U64))
    h = hash_strings(post_id, h)
    return pa.array((h >> _U64(1)).astype(np.int64), pa.int64())
