"""The access matrix (tests/access/matrix.py), generated: every row × persona × own/other township.

The world is built once per module (tests/access/world.py) inside a transaction that is rolled
back at the end; each test runs in its own savepoint, so a POST that does change something is
undone before the next test."""

import io
import re
import zipfile
from collections import Counter
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sunwu_relief.roles import FULL_ID_ROLES

from .matrix import ADMIN_ROWS, PERSONAS, ROWS, TOWNSHIP_ROLES, Row
from .world import World, build_world, grow_other

# Named URL patterns that are not pages of their own.
NOT_PAGES = {
    "two_factor:enrol": "the second factor's enrolment: only for users who must use one (off in the test settings, a 404), tests/sunwu_relief/test_two_factor.py",
    "two_factor:verify": "the second factor's code: as two_factor:enrol",
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            built = build_world()
            built.sessions = {}
            for persona, user in built.users.items():
                client = Client()
                client.force_login(user)
                built.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield built
            transaction.set_rollback(True)
    if TALLY:  # shown with `pytest -s`: what the run checked
        print(f"\naccess matrix: {dict(TALLY)}")


# --- completeness ----------------------------------------------------------------------------


def _names(patterns, namespace: str = "", route: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry.url_patterns, inner, route + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            if entry.name:
                yield namespace + entry.name
            elif route.startswith("api/"):
                yield "api:not-found"  # the catch-all of unknown API paths
            elif route.startswith("admin/") and entry.callback.__name__ == "catch_all_view":
                yield "admin:catch-all"  # the admin's 404 for unknown admin paths
            elif route.startswith("admin/"):
                yield "admin:(unnamed) " + str(entry.pattern)
            else:
                yield "(unnamed) " + route + str(entry.pattern)


def _admin_model_names() -> set[str]:
    return {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}


def test_every_url_has_a_row():
    covered = {row.name for row in ROWS} | {row.name for row in ADMIN_ROWS} | set(NOT_PAGES)
    names = set(_names(get_resolver().url_patterns))
    # The admin's per-object redirect (`<app>/<model>/<id>/` → its change page) has no name.
    names = {n for n in names if not n.startswith("admin:(unnamed) <path:object_id>/")}
    missing = sorted(names - covered)
    assert not missing, f"URL patterns without a row in tests/access/matrix.py: {missing}"
    stale = sorted({row.name for row in ROWS} - names)
    assert not stale, f"rows for URL names that no longer exist: {stale}"


def test_every_admin_model_has_rows():
    covered = {row.model for row in ADMIN_ROWS if row.model}
    missing = sorted(_admin_model_names() - covered)
    assert not missing, f"admin models without rows in tests/access/matrix.py: {missing}"


# --- the cells ----------------------------------------------------------------------------------


def _channel(row: Row) -> str:
    if row.channel:
        return row.channel
    return "api" if row.name.startswith("api:") else "admin" if row.name.startswith("admin:") else "ui"


def _client(world: World, persona: str, channel: str) -> Client:
    """A client of `persona`: the API with its token, the browser and the admin with its log-in
    session (made once per module, see `world`)."""
    client = _CLIENTS.get((persona, channel))
    if client is None:  # one per persona and channel: its request handler is loaded once
        client = _CLIENTS[(persona, channel)] = Client()
    client.cookies = SimpleCookie()
    if persona == "anonymous":
        return client
    if channel == "api":
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens[persona]}"
    else:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    return client


_CLIENTS: dict[tuple[str, str], Client] = {}
TALLY: Counter = Counter()


def _url(row: Row, world: World, side: str) -> str | None:
    if row.name == "api:not-found":
        return "/api/v1/no-such-endpoint/"
    if row.url is not None:
        return row.url(world, side)
    kwargs = row.kwargs(world.side(side)[row.obj]) if row.obj else {}
    return reverse(row.name, kwargs=kwargs)


def _body(response) -> str:
    content = getattr(response, "content", None)
    if content is None:
        content = b"".join(response.streaming_content)
    if content[:2] == b"PK":  # an xlsx: its sheets and shared strings
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    return content.decode(errors="replace")


def _expected(row: Row, persona: str, side: str) -> tuple[tuple[int, ...], str, bool]:
    """The statuses that pass, the redirect target a 302 must have ("" = any), and whether the
    cell is a refusal (then a POST must change nothing)."""
    channel = _channel(row)
    if row.public:
        return row.ok, "", False
    if persona in ("anonymous", "inactive"):
        if channel == "api":
            return (401, 403), "", True
        return (302,), "/admin/login/" if channel == "admin" else "/accounts/login/", True
    role = None if persona == "stranger" else persona
    if channel == "admin" and role not in ("bureau_reviewer", "auditor"):
        return (302,), "/admin/login/", True  # not staff: the admin's own log-in page
    if role is None:
        return ((200,), "", False) if row.name == "dashboard" else ((403,), "", True)
    if role in row.allowed:
        if side == "other" and row.obj and role in TOWNSHIP_ROLES and not row.county:
            return (404,), "", True
        return row.ok, "", False
    return ((403,) if side == "own" or not row.obj else (403, 404)), "", True


MODELS = ("households", "assessments", "benefits", "audits", "sunwu_relief")
UNCOUNTED = {"sunwu_relief.AuditEvent", "sunwu_relief.AccessLog"}  # a refusal leaves its trace there


def _tables() -> list[tuple[str, str, str]]:
    tables = []
    for model in apps.get_models():
        if model._meta.app_label in MODELS and model._meta.label not in UNCOUNTED:
            tables.append((model._meta.label, model._meta.db_table, model._meta.pk.column))
    return tables


def _fingerprint(target=None) -> dict:
    """The highest key of every table (one query: a new row anywhere shows) and the target
    object's own fields (a changed status shows)."""
    tables = _tables()
    sql = " UNION ALL ".join(
        f"SELECT '{label}', (SELECT MAX({connection.ops.quote_name(pk)}) FROM {connection.ops.quote_name(table)})"
        for label, table, pk in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = dict(cursor.fetchall())
    if target is not None:
        row = type(target)._default_manager.filter(pk=target.pk).values().first()
        found["target"] = {k: v for k, v in (row or {}).items() if k not in ("updated", "modified")}
    return found


def _leaks(world: World, persona: str, body: str, row: Row, sent: str = "") -> list[str]:
    """The other township's people (names, ID numbers) a response shows to `persona`, and any
    full ID number shown to a role that may not see them. What the caller sent itself (a search
    term echoed in the search box, the ID number asked about) is not counted."""
    found = []
    if persona in TOWNSHIP_ROLES or persona in ("stranger", "anonymous", "inactive"):
        hidden = world.other.names + world.other.id_numbers
        if persona not in TOWNSHIP_ROLES and not row.public:
            hidden += world.own.names + world.own.id_numbers
        found += [value for value in hidden if value in body]
    # Full ID numbers: only to FULL_ID_ROLES, and never in a township page's list or its download
    # (CONTRIBUTING.md: lists mask). The API's lists give them to those roles for matching, the
    # admin's to the bureau, each list access-logged (sunwu_relief.admin_base).
    masked_list = _channel(row) == "ui" and row.action in ("list", "export")
    if persona not in FULL_ID_ROLES or masked_list:
        found += [n for n in world.own.id_numbers + world.other.id_numbers if n in body]
    if row.public:
        found += [
            v for v in world.own.names + world.own.id_numbers + world.other.names + world.other.id_numbers if v in body
        ]
    return sorted({value for value in found if value not in sent})


def _shown(world: World, persona: str, body: str, row: Row, where: str) -> list[str]:
    """The positive control: an allowed user sees the own township's people the row names."""
    own = world.own
    problems = [f"{where}: {own[key].name} is not shown" for key in row.shows if own[key].name not in body]
    if row.full_id and persona in FULL_ID_ROLES and own[row.full_id].id_number not in body:
        problems.append(f"{where}: the full ID number of {own[row.full_id].name} is not shown to {persona}")
    return problems


def _cell(world: World, row: Row, persona: str, side: str) -> list[str]:
    channel = _channel(row)
    client = _client(world, persona, channel)
    url = _url(row, world, side)
    if url is None:  # every row's object is built: an admin page that is not asked fails here
        return [f"{row.name} [{persona}]: the world builds no object for it (tests/access/world.py)"]
    allowed_statuses, target, refusal = _expected(row, persona, side)
    TALLY["cells"] += 1
    TALLY["refused cells" if refusal else "allowed cells"] += 1
    subject = world.side(side)[row.obj] if row.obj else None
    before = _fingerprint(subject) if row.method == "POST" and refusal else None
    if row.method == "POST" and channel == "api":
        response = client.post(url, row.query, content_type="application/json")
    elif row.method == "POST":
        response = client.post(url, row.query)
    else:
        response = client.get(url, row.query)
    problems = []
    where = f"{row.name} {row.note} [{persona}, {side}] {url}"
    if response.status_code not in allowed_statuses:
        problems.append(f"{where}: {response.status_code}, expected {allowed_statuses}")
    elif response.status_code == 302 and target and not response["Location"].startswith(target):
        problems.append(f"{where}: redirected to {response['Location']}, expected {target}")
    body = _body(response)
    leaks = _leaks(world, persona, body, row, sent=url)
    if leaks:
        problems.append(f"{where}: the response shows {leaks}")
    if not refusal and response.status_code == 200 and side == "own":
        problems += _shown(world, persona, body, row, where)
    if before is not None:
        after = _fingerprint(subject)
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        if changed:
            problems.append(f"{where}: a refused POST changed {changed}")
    if refusal and row.method == "GET" and row.action in FORM_ACTIONS:
        # The page's form, sent by a user who may not open it: refused the same way, nothing written.
        before = _fingerprint(subject)
        TALLY["refused form POSTs"] += 1
        response = client.post(url, row.query)
        if response.status_code not in allowed_statuses:
            problems.append(f"{where} POST: {response.status_code}, expected {allowed_statuses}")
        after = _fingerprint(subject)
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        if changed:
            problems.append(f"{where} POST: a refused POST changed {changed}")
    return problems


FORM_ACTIONS = {"create", "change", "step", "import"}


def _search_cells(world: World, row: Row, persona: str) -> list[str]:
    """A township user searches and filters a list for the other township's people."""
    other = world.other
    head = other["head"]
    # The lists' search boxes (q, the API's search) and filters (township, village, status).
    probes = [
        {"q": head.name, "search": head.id_number},
        {"q": head.id_number, "search": head.name},
        {"township": other.township.name, "village": str(other["household"].village_id), "status": ""},
        {"township": str(other.township.pk)},
    ]
    client = _client(world, persona, _channel(row))
    url = _url(row, world, "own")
    problems = []
    for probe in probes:
        TALLY["search and filter probes"] += 1
        response = client.get(url, {**row.query, **probe})
        if response.status_code >= 500:
            problems.append(f"{row.name} [{persona}] {probe}: {response.status_code}")
        leaks = _leaks(world, persona, _body(response), row, sent=" ".join(probe.values()))
        if leaks:
            problems.append(f"{row.name} [{persona}] {probe}: the response shows {leaks}")
    return problems


def _id(row: Row) -> str:
    return f"{row.name}{'-' + row.note.replace(' ', '_') if row.note else ''}{'-' + row.method if row.method != 'GET' else ''}"


ALL_ROWS = ROWS + ADMIN_ROWS
STAFF = ("bureau_reviewer", "auditor")
CELLS = [(row, p) for row in ALL_ROWS for p in PERSONAS if not row.staff_only or p in STAFF]


@pytest.mark.parametrize(("row", "persona"), CELLS, ids=[f"{_id(r)}-{p}" for r, p in CELLS])
def test_cell(world, db, row, persona):
    problems = []
    # Both townships' objects for the township roles, and for a county role that may use the row
    # (it sees every township); a county role refused the row is refused it for any object.
    both = persona in TOWNSHIP_ROLES or (
        persona in row.allowed and persona not in ("stranger", "anonymous", "inactive")
    )
    sides = ("own", "other") if row.obj and both else ("own",)
    for side in sides:
        problems += _cell(world, row, persona, side)
    if row.search and persona in TOWNSHIP_ROLES and row.method == "GET":
        problems += _search_cells(world, row, persona)
    assert not problems, "\n".join(problems)


def test_public_page_shows_no_person(world, db):
    response = Client().get(reverse("public:home"))
    assert response.status_code == 200
    body = _body(response)
    every = world.own.names + world.own.id_numbers + world.other.names + world.other.id_numbers
    assert not [value for value in every if value in body]
    assert not re.search(r"\b\d{17}[\dX]\b", body), "an ID number on the public page"


_VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(r'nonce="[^"]*"'),
    re.compile(r"\d{2}:\d{2}(:\d{2})?"),
]


def _normalised(body: str) -> str:
    for pattern in _VOLATILE:
        body = pattern.sub("", body)
    return body


COUNTED = [row for row in ROWS if row.action == "list" and not row.obj and row.method == "GET" and not row.public]


def test_township_pages_do_not_change_with_the_other_townships_work(world, db):
    """Counts, pages, dashboards: what a township user sees is the same before and after the
    other township records more work (nothing of it may show, not even as a number)."""
    before = {}
    for row in COUNTED:
        for persona in TOWNSHIP_ROLES:
            client = _client(world, persona, _channel(row))
            before[row.name, persona] = _normalised(_body(client.get(_url(row, world, "own"), row.query)))
    grow_other(world)
    changed = []
    for row in COUNTED:
        for persona in TOWNSHIP_ROLES:
            client = _client(world, persona, _channel(row))
            after = _normalised(_body(client.get(_url(row, world, "own"), row.query)))
            if after != before[row.name, persona]:
                changed.append(f"{row.name} [{persona}]")
    assert not changed, f"pages that change with the other township's work: {changed}"
