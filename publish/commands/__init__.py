"""Commands whose body is more than a call: the cycle and the daemon."""
