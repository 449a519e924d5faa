"""Backups of the PostgreSQL database (`make backup`, `make restore`; README "Backup and restore").

A backup is `pg_dump --format=custom` of the configured database (DATABASE_URL) into
`backups/<UTC timestamp>.dump` (or another folder outside the project): the file holds every
resident's ID number, income and health data, so it is written with mode 0600 in a 0700 folder,
never into the project's tracked files (only its git-ignored `backups/`), and under a temporary
name until pg_dump has finished and the archive reads back. A restore is `pg_restore` into a
database that does not exist yet (never over a live one).

Connection details go to the PostgreSQL tools through PG* environment variables, never on the
command line (where `ps` would show the password)."""

import datetime
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import connections

from .audit import record_event
from .events import BaseEvent

POSTGRES_ENGINES = ("django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis")


class BackupError(Exception):
    """The backup or restore cannot be made; the message says why (for the operator)."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    entries: int  # objects in the archive's table of contents (pg_restore --list)


def default_folder() -> Path:
    return Path(settings.BASE_DIR) / "backups"


def _pg_env(db: dict) -> dict[str, str]:
    if db.get("ENGINE") not in POSTGRES_ENGINES:
        raise BackupError(
            f"the database is not PostgreSQL ({db.get('ENGINE')}): set DATABASE_URL to the PostgreSQL database"
        )
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    if os.environ.get("PGPASSWORD") and "PGPASSWORD" not in env:
        env["PGPASSWORD"] = os.environ["PGPASSWORD"]  # the operator's own, as for psql
    return env


def _run(command: list[str], *, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    try:
        kwargs.setdefault("stdout", subprocess.PIPE)
        result = subprocess.run(command, env=env, stderr=subprocess.PIPE, check=False, **kwargs)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)") from exc
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace").strip() if isinstance(result.stderr, bytes) else result.stderr
        raise BackupError(f"{command[0]} failed ({result.returncode}): {stderr}")
    return result


def check_folder(folder: Path) -> Path:
    """The folder a backup may be written to: outside the project, or its git-ignored `backups/`."""
    folder = folder.expanduser().resolve()
    project = Path(settings.BASE_DIR).resolve()
    allowed = default_folder().resolve()
    if folder.is_relative_to(project) and not folder.is_relative_to(allowed):
        raise BackupError(
            f"refusing to write a backup into the project's tracked files ({folder}): "
            f"use {allowed} (git-ignored) or a folder outside {project}"
        )
    return folder


def backup_create(*, actor, folder: Path | None = None, using: str = "default") -> Backup:
    """Dump the database `using` into `folder` (default `backups/`); audited (`backup.create`,
    recorded after the dump, so it is not in the file it names)."""
    folder = check_folder(folder or default_folder())
    env = _pg_env(connections[using].settings_dict)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{stamp}.dump"
    partial = folder / f".{stamp}.dump.partial"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            _run(["pg_dump", "--format=custom", "--compress=6", "--no-password"], env=env, stdout=out)
        listing = _run(["pg_restore", "--list", str(partial)], env=env, text=True).stdout
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    entries = sum(1 for line in listing.splitlines() if line and not line.startswith(";"))
    backup = Backup(path=path, size=path.stat().st_size, entries=entries)
    record_event(actor=actor, action=BaseEvent.BACKUP_CREATE, file=path.name, size=backup.size, entries=entries)
    return backup


def target_settings(target: str, *, using: str = "default") -> dict:
    """The connection of the restore's target: a database name on the same server as `using`, or a
    full postgres:// URL."""
    source = dict(connections[using].settings_dict)
    if "://" in target:
        return {**source, **dj_database_url.parse(target)}
    if not target or "/" in target:
        raise BackupError(f"not a database name: {target!r}")
    return {**source, "NAME": target}


def backup_restore(*, path: Path, target: str, using: str = "default") -> dict:
    """Restore the archive `path` into the new database `target` (created here; refused when it
    exists, so that a restore never lands on a live database). Returns the target's settings."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup file {path}")
    db = target_settings(target, using=using)
    env = _pg_env(db)
    name = db["NAME"]
    maintenance = {**env, "PGDATABASE": "postgres"}
    # psql interpolates :'name' (quoted as a literal) only in what it reads, not in -c.
    exists = _run(
        ["psql", "--no-password", "-Atq", "-v", f"name={name}"],
        env=maintenance,
        text=True,
        input="SELECT 1 FROM pg_database WHERE datname = :'name';\n",
    )
    if exists.stdout.strip() == "1":
        raise BackupError(f"the database {name!r} exists: restore into a new database (or drop it first)")
    _run(["createdb", "--no-password", name], env=maintenance)
    try:
        _run(
            [
                "pg_restore",
                "--no-password",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                name,
                str(path),
            ],
            env=env,
        )
    except BackupError:
        _run(["dropdb", "--no-password", "--if-exists", name], env=maintenance)
        raise
    return db
