"""Campaign plugin: matching social posts, coupon offers and the publish plan, from each
post's Markdown header. See docs/writing-posts.md (metadata) and docs/settings.md."""

from .plugin import register

__all__ = ["register"]
