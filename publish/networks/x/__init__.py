"""X: its capabilities (plain data) and its adapter."""
