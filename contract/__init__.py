"""Facts the build (plugins/campaign) and the publisher (publish/) both need, as small modules
that import neither of them (docs/contract.md)."""
