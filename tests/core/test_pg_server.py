"""The throwaway PostgreSQL server the city-on-PostgreSQL tests run against."""

from __future__ import annotations

import os

from pg_server import ThrowawayServer


def test_server_answers_and_is_not_run_as_root(pg_server: ThrowawayServer, pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        data_dir = conn.execute("SELECT pg_postmaster_start_time() IS NOT NULL").fetchone()
    assert version is not None and version[0]
    assert data_dir == (True,)
    owner = os.stat(pg_server.data_dir).st_uid
    assert owner != 0 or os.geteuid() != 0


def test_each_test_gets_an_empty_database(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert tables == (0,)
