"""Mastodon-API servers: capabilities (plain data) and the adapter."""
