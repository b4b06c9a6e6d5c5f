"""Bluesky: capabilities (plain data) and the adapter."""
