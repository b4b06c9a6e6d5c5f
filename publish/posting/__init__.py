"""Posting: the runner, the ledger, pins, link checks, header write-back, locks."""
