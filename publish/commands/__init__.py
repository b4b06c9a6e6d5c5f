"""One module per command (`<name>_command.py`: NAME, DESCRIPTION, EXAMPLES, add_arguments,
run), assembled by publish/cli.py; what several share (options.py, posting_setup.py,
listing.py); the cycle's order (cycle_order.py) and the daemon's loop (daemon_loop.py)."""
