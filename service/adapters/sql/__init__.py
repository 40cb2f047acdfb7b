"""The SQL adapter: engine and sessions (SQLite by default, PostgreSQL by URL), the ORM models,
Alembic migrations, and one repository per port (``*_repo.py``). The only package that imports
SQLAlchemy, apart from the wiring."""
