"""Database access: engine, sessions and migrations."""
