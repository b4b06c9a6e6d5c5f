"""What the campaign adds to the site: offers, redirects, most shared, future posts,
output collisions, each URL worked out once."""
