"""Who is acting: users, roles, API tokens (stored only as hashes)."""
