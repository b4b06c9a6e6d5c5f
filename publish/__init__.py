"""Post what the campaign plan says is due, exactly once, and pull engagement back.

Entry point: ``python -m publish --help``. See docs/publisher.md.
"""
