"""PostgreSQL 15 for the cluster: a primary (wal_level=replica, hot standby, a replication line in
pg_hba.conf) and a streaming replica made from it with ``pg_basebackup -R``, each in a data folder
of the cluster's temporary folder, run by the ``postgres`` user (initdb refuses root)."""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from pathlib import Path

import psycopg
from scripts.cluster.processes import run, wait_until

BIN = Path("/usr/lib/postgresql/15/bin")
DATABASE = "fenxiao"

# Settings a throwaway test cluster can afford: nothing here must survive a power cut.
PRIMARY_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
wal_level = replica
max_wal_senders = 5
wal_keep_size = '256MB'
hot_standby = on
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
track_counts = on
log_min_messages = warning
"""


def as_postgres(argv: list[str]) -> list[str]:
    """Run as the ``postgres`` user when we are root (initdb and postgres refuse root)."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.getuid() == 0 else argv


def own(path: Path) -> None:
    if os.getuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(path, user.pw_uid, user.pw_gid)


@dataclass
class Instance:
    name: str
    data: Path
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def connect(self, dbname: str = DATABASE) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True)

    def start(self) -> None:
        run(as_postgres([str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"]))

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            run(as_postgres([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]), timeout=60)


@dataclass
class Replication:
    primary: Instance
    replica: Instance

    def lag(self) -> dict[str, object]:
        """What the primary says of its standby: state, bytes not yet replayed, replay lag."""
        with self.primary.connect() as conn:
            row = conn.execute(
                "SELECT state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint, "
                "coalesce(extract(epoch FROM replay_lag), 0)::float FROM pg_stat_replication"
            ).fetchone()
        if row is None:
            return {"state": "absent", "bytes": None, "seconds": None}
        return {"state": row[0], "bytes": int(row[1] or 0), "seconds": float(row[2])}

    def wait_caught_up(self, timeout: float = 30.0) -> dict[str, object]:
        return wait_until(
            "the replica replays everything",
            lambda: (lag := self.lag())["state"] == "streaming" and lag["bytes"] == 0 and lag,
            timeout=timeout,
        )

    def stop(self) -> None:
        for instance in (self.replica, self.primary):
            try:
                instance.stop()
            except Exception as exc:  # teardown goes on: the folder is removed anyway
                print(f"  could not stop PostgreSQL {instance.name}: {exc}")


def start_replication(base: Path, *, primary_port: int, replica_port: int) -> Replication:
    """initdb + start the primary, create the database, pg_basebackup -R the replica, start it and
    wait until the primary reports it streaming."""
    pg = base / "pg"
    pg.mkdir(mode=0o755)
    own(pg)
    primary = Instance("primary", pg / "primary", primary_port, pg / "primary.log")
    replica = Instance("replica", pg / "replica", replica_port, pg / "replica.log")
    replication = Replication(primary, replica)
    run(
        as_postgres(
            [str(BIN / "initdb"), "-D", str(primary.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]
        )
    )
    with (primary.data / "postgresql.conf").open("a") as conf:
        conf.write(PRIMARY_CONF.format(port=primary_port, sockets=pg))
    with (primary.data / "pg_hba.conf").open("a") as hba:
        hba.write("host replication postgres 127.0.0.1/32 trust\n")
    primary.start()
    with primary.connect("postgres") as conn:
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    run(
        as_postgres(
            [
                str(BIN / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary_port),
                "-U",
                "postgres",
                "-D",
                str(replica.data),
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
                "--no-sync",
            ]
        )
    )
    with (replica.data / "postgresql.conf").open("a") as conf:
        conf.write(f"port = {replica_port}\n")  # the last setting wins over the primary's copy
    replica.start()
    wait_until("the replica streams", lambda: replication.lag()["state"] == "streaming", timeout=60)
    return replication
