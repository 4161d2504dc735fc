"""vaultfu: interview follow-ups, on time, inside your Markdown vault."""

__version__ = "0.1.0"
