"""The social posts: items, texts, their lengths, links, and the plan document."""
