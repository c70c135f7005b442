"""Migrations are written by hand (versions/); the tables the services write are their records.py rows,
checked against what the migrations make by tests/e2e/test_rows_match_tables.py."""
from backbone.migrations import run_env

run_env(None)
