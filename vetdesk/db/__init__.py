"""The local SQLite database: models, engine set-up and migrations."""
