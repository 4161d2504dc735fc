"""The cache file's format: JSON read back by msgspec into the frozen values of the declared
types, so that loading a cache file can never run code (pure: values in, bytes out, and back).

Anything that does not fit the types exactly raises `ValueError`, and the caller ignores the
whole cache.
"""

from __future__ import annotations

from typing import TypeVar

import msgspec

T = TypeVar("T")

_ENCODER = msgspec.json.Encoder()
_PACKER = msgspec.msgpack.Encoder()


def dumps(value: object) -> bytes:
    """A value as compact JSON bytes."""
    return _ENCODER.encode(value)


def loads(data: bytes, kind: type[T]) -> T:
    """The value of type `kind` that `dumps` wrote; ValueError for anything else."""
    try:
        found: T = msgspec.json.decode(data, type=kind)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise ValueError(str(exc)) from None
    return found


def pack(value: object) -> bytes:
    """A value as msgpack, for a worker process to send back (never kept on disk)."""
    return _PACKER.encode(value)


def unpack(data: bytes, kind: type[T]) -> T:
    """The value of type `kind` that `pack` made."""
    found: T = msgspec.msgpack.decode(data, type=kind)
    return found
