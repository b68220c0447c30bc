"""Use cases: each opens one transaction, records what changed, and returns plain data."""
