"""Small named exceptions that carry where the trouble is."""

from __future__ import annotations


class VaultfuError(Exception):
    """Base of every error vaultfu reports to the user as one line."""


class NoteError(VaultfuError):
    """A note vaultfu cannot use: carries its path and, when known, the line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message
        self.application: str | None = None  # an interview note's, when that still reads

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ConfigError(VaultfuError):
    """A `.vaultfu.toml` that cannot be used."""


class VaultError(VaultfuError):
    """The vault itself cannot be used (missing, not a folder)."""


class WriteConflict(VaultfuError):
    """The file changed between vaultfu's read and its write."""


class Refused(VaultfuError):
    """vaultfu will not write this file (outside the vault, hard-linked, too large)."""
