"""The SQL store (SQLAlchemy 2.0): models, engine/session, crawler writes and analyst queries."""
