"""A throwaway PostgreSQL cluster for the tests: found on the machine, started on a free loopback port."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

USER = "app"


def _find_bin_dir() -> Path | None:
    explicit = os.environ.get("SCHOOL_OFFICE_PG_BIN")
    if explicit:
        return Path(explicit)
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    bin_dir: Path
    data_dir: Path
    port: int
    run_as: list[str]
    _counter: itertools.count = field(default_factory=itertools.count)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        name = f"t{next(self._counter)}_{uuid.uuid4().hex[:8]}"
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [*self.run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )


def _let_traverse(path: Path) -> None:
    """Let other users (the postgres user) pass through `path` and its parents, without listing them."""
    for folder in (path, *path.parents):
        if folder == Path(folder.anchor):
            break
        mode = folder.stat().st_mode
        if mode & 0o001 == 0:
            try:
                folder.chmod(mode | 0o011)
            except OSError:
                break


def start_postgres(base: Path) -> PostgresServer | str:
    """Start a cluster under `base`; returns the server, or the reason why none could be started."""
    bin_dir = _find_bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        return "не найдены программы PostgreSQL (initdb, pg_ctl); установите пакет postgresql"
    run_as: list[str] = []
    data_dir = base / "data"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # initdb refuses to run as root: run the cluster as the postgres user.
        if shutil.which("runuser") is None:
            return "тесты запущены от root, а runuser не найден"
        import pwd  # not on Windows, where the tests never run as root

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "тесты запущены от root, а пользователя postgres нет (его создаёт пакет postgresql)"
        run_as = ["runuser", "-u", "postgres", "--"]
        _let_traverse(base)
    data_dir.mkdir()
    if run_as:
        shutil.chown(data_dir, "postgres")
    port = _free_port()
    init = subprocess.run(
        [
            *run_as,
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if init.returncode != 0:
        return f"initdb не сработал: {init.stderr.strip()[-500:]}"
    log = data_dir / "log.txt"
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data_dir} -c fsync=off -c full_page_writes=off"
    start = subprocess.run(
        [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-o", options, "-l", str(log), "-w", "start"],
        capture_output=True,
        text=True,
        check=False,
    )
    if start.returncode != 0:
        server_log = log.read_text(errors="replace").strip()[-500:] if log.exists() else ""
        return f"pg_ctl start не сработал: {start.stderr.strip()[-500:]} {server_log}".strip()
    return PostgresServer(bin_dir, data_dir, port, run_as)
