"""`make backup` and `make restore` on PostgreSQL: a seeded demo county is dumped by the command
`make backup` runs, restored into a new database by the command `make restore` runs, and the copy
has the same rows in every table and gives the same payment roll, cell for cell.

Needs PostgreSQL (DATABASE_URL) and its client tools (pg_dump, pg_restore, psql, createdb): skips
without them on a developer's machine and fails on CI, where they are installed."""

import os
import shutil
import subprocess
import sys
import time
import uuid
from io import StringIO
from pathlib import Path

import openpyxl
import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sunwu_relief.backup import check_folder
from sunwu_relief.models import AuditEvent
from tests.prerequisites import prerequisite_missing

pytestmark = pytest.mark.integration

ROLL_MONTH = "2026-06"  # the demo's "today" (seed_demo.DEMO_TODAY): benefits in force
SEED_HOUSEHOLDS = 5
PROGRAMMES = ("dibao", "tekun")
MAIN_TABLES = [
    "households_household",
    "households_member",
    "households_ledgerrecord",
    "benefits_application",
    "benefits_benefit",
    "benefits_paymentbatch",
    "benefits_paymentitem",
    "sunwu_relief_auditevent",
    "auth_user",
]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        prerequisite_missing("backup and restore need PostgreSQL (DATABASE_URL=postgres://…)")
    for tool in ("pg_dump", "pg_restore", "psql", "createdb", "dropdb"):
        if shutil.which(tool) is None:
            prerequisite_missing(f"{tool} is not installed (apt-get install postgresql-client)")
    return connection.settings_dict


def _connect(db: dict, name: str):
    return psycopg2.connect(
        dbname=name, host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"], password=db["PASSWORD"] or None
    )


def _row_counts(db: dict, name: str) -> dict[str, int]:
    """Rows of every table of the public schema."""
    with _connect(db, name) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  (names from the catalogue)
            counts[table] = cursor.fetchone()[0]
    conn.close()
    return counts


def _url(db: dict, name: str) -> str:
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _export_rolls_elsewhere(db: dict, name: str, folder: Path) -> subprocess.Popen:
    """The operators' `export_roll` against the database `name`, in a process of its own: what the
    restored database gives the application, not what this test's connection sees."""
    folder.mkdir()
    calls = "; ".join(
        f"call_command('export_roll', programme='{programme}', month='{ROLL_MONTH}', output='{folder / programme}.xlsx')"
        for programme in PROGRAMMES
    )
    env = {
        **os.environ,
        "DATABASE_URL": _url(db, name),
        "DJANGO_SETTINGS_MODULE": "sunwu_relief.test_settings",
        "CELERY_BROKER_URL": "",
    }
    code = f"import django; django.setup(); from django.core.management import call_command; {calls}"
    return subprocess.Popen(  # noqa: S603  (our own fixed command line)
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _export_rolls_here(folder: Path) -> None:
    folder.mkdir()
    for programme in PROGRAMMES:
        call_command(
            "export_roll",
            programme=programme,
            month=ROLL_MONTH,
            output=str(folder / f"{programme}.xlsx"),
            stdout=StringIO(),
        )


def _cells(path: Path) -> list[tuple]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # pg_dump sees only committed rows
def test_a_backup_restores_into_a_new_database_with_the_same_rows_and_roll(postgres, tmp_path):
    db = postgres
    source = db["NAME"]
    target = f"{source}_restore_{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    call_command("seed_demo", households=SEED_HOUSEHOLDS, stdout=StringIO())
    seeded = time.monotonic()
    before = _row_counts(db, source)
    assert all(before[table] > 0 for table in MAIN_TABLES), {t: before[t] for t in MAIN_TABLES}

    out = StringIO()
    call_command("backup_database", output_dir=tmp_path / "backups", stdout=out)
    dump = Path(out.getvalue().strip().splitlines()[-1])
    assert dump.parent == tmp_path / "backups"
    assert dump.suffix == ".dump"
    assert dump.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    assert AuditEvent.objects.filter(action="backup.create", detail__file=dump.name).exists()

    try:
        call_command("restore_database", str(dump), target_db=target, stdout=StringIO())
        restored = time.monotonic()
        assert _row_counts(db, target) == before

        elsewhere = _export_rolls_elsewhere(db, target, tmp_path / target)
        _export_rolls_here(tmp_path / source)
        _stdout, stderr = elsewhere.communicate(timeout=120)
        assert elsewhere.returncode == 0, f"export_roll on the restored database: {stderr.decode()[-2000:]}"
        for programme in PROGRAMMES:
            original = _cells(tmp_path / source / f"{programme}.xlsx")
            copy = _cells(tmp_path / target / f"{programme}.xlsx")
            assert copy == original
        assert len(_cells(tmp_path / source / "dibao.xlsx")) > 3  # title, header, households, totals

        # A restore never lands on an existing database.
        with pytest.raises(CommandError, match="exists"):
            call_command("restore_database", str(dump), target_db=target, stdout=StringIO())
    finally:
        subprocess.run(["dropdb", "--if-exists", target], env=_pg_env(db), check=False)  # noqa: S603, S607
    print(  # noqa: T201  (the durations, for the record: pytest -s)
        f"seed {seeded - started:.1f} s, backup+restore+count {restored - seeded:.1f} s, "
        f"total {time.monotonic() - started:.1f} s"
    )


def _pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PGHOST=db["HOST"] or "127.0.0.1", PGPORT=str(db["PORT"] or 5432), PGUSER=db["USER"])
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def test_a_backup_is_never_written_into_the_projects_files(settings):
    project = Path(settings.BASE_DIR)
    for folder in (project, project / "docs", project / "sunwu_relief"):
        with pytest.raises(Exception, match="refusing"):
            check_folder(folder)
    assert check_folder(project / "backups") == (project / "backups").resolve()
    ignored = subprocess.run(  # noqa: S603, S607
        ["git", "check-ignore", "-q", "backups/x.dump"], cwd=project, check=False
    )
    if (project / ".git").exists():
        assert ignored.returncode == 0, "backups/ must be in .gitignore"


def test_the_backup_command_refuses_the_tracked_tree(settings):
    with pytest.raises(CommandError, match="refusing"):
        call_command("backup_database", output_dir=Path(settings.BASE_DIR) / "docs", stdout=StringIO())
