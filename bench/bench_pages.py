"""The `pages` job of bench/run.py: every HTML page of the URLconf, for every role, at county scale.

The pages are the URLconf's named patterns; how to build each one's URL, which roles may open it
and which object it shows come from the access matrix (tests/access/matrix.py, whose test fails
for a URL pattern without a row there), so a new page is measured without a change here. A name
without a row stops the job. The representative objects are the access matrix's world
(tests/access/world.py: a case of every kind in 孙吴镇 and 辰清镇, made through the services),
built into the county database inside a transaction that is rolled back after the runs (the
county's own rows stay as they were). Township users are 孙吴镇's (≈4,200 of the 46,700 households).

Each (page, role) is asked once to warm it, then `runs` times, every page once per round with the
floor (/public/, a page of the same stack that reads no cases) at the start of each round; the
median of each, the queries and their SQL time (Django's execute wrapper) of the last round.
"""

import statistics
import sys
import tempfile
import time
from collections import defaultdict

TARGET_MS = 200.0
# A page whose first request takes longer is measured by that one request, not `runs` more (it is
# far over the target either way, and a county's unpaged list of 28,000 rows takes 10-40 s a time).
SLOW_S = 2.0

# What is not walked, and why.
SKIPPED_NAMESPACES = {
    "admin": "the stock Django admin (django.contrib.admin, our ModelAdmins registered): reference data for county"
    " staff, its pages are Django's changelists",
    "api": "the JSON API: measured by the api_sql and http jobs",
}
SKIPPED_NAMES = {
    "healthz": "the load balancer's probe (JSON), not a page",
    "two_factor:enrol": "the second factor, off in the benchmark (OTP_REQUIRED=false)",
    "two_factor:verify": "the second factor, off in the benchmark (OTP_REQUIRED=false)",
}
# Matrix rows (actions) that are not pages: the lists' xlsx downloads, files, printed batches.
DOWNLOADS = {"export", "download"}


def url_names() -> list[str]:
    """Every named URL pattern of the URLconf, namespaced (as reverse() takes it), in order."""
    from django.urls import URLPattern, URLResolver, get_resolver

    names: list[str] = []

    def walk(patterns, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name and namespace + entry.name not in names:
                names.append(namespace + entry.name)

    walk(get_resolver().url_patterns, "")
    return names


def plan() -> tuple[list, dict[str, str]]:
    """The matrix rows to measure (GET pages) and the URL names skipped with the reason."""
    from tests.access.matrix import ROWS

    rows_by_name = defaultdict(list)
    for row in ROWS:
        rows_by_name[row.name].append(row)
    pages, skipped = [], {}
    for name in url_names():
        namespace = name.split(":", 1)[0] if ":" in name else ""
        if name in SKIPPED_NAMES:
            skipped[name] = SKIPPED_NAMES[name]
            continue
        if namespace in SKIPPED_NAMESPACES and not any(r.channel == "ui" for r in rows_by_name.get(name, [])):
            skipped[name] = SKIPPED_NAMESPACES[namespace]
            continue
        rows = rows_by_name.get(name)
        if not rows:
            raise SystemExit(f"{name}: a URL pattern without a row in tests/access/matrix.py")
        gets = [r for r in rows if r.method == "GET" and r.action not in DOWNLOADS]
        if gets:
            pages.extend(gets)
        elif all(r.method == "POST" for r in rows):
            skipped[name] = "POST only (a form's target or a workflow step)"
        else:
            skipped[name] = "a download (xlsx, a file, a print batch)"
    return pages, skipped


def _label(row, pages: list) -> str:
    """The URL name, with the row's note when the name has several pages (a paper, a metric)."""
    several = sum(1 for other in pages if other.name == row.name) > 1
    return row.name + (f" ({row.note})" if several and row.note else "")


def job_pages(runs: int, *, count_queries, rss_mb) -> dict:
    from django.db import transaction
    from django.test import Client, override_settings
    from django.urls import reverse

    from tests.access.matrix import ROLES
    from tests.access.world import build_world

    pages, skipped = plan()
    out: dict = {"skipped": skipped}
    with tempfile.TemporaryDirectory(prefix="pages-media-") as media, override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            started = time.perf_counter()
            world = build_world()
            out["world_s"] = time.perf_counter() - started
            clients = {}
            for role in ROLES:
                clients[role] = Client()
                clients[role].force_login(world.users[role])
            cells = []
            for row in pages:
                for role in ROLES:
                    if role not in row.allowed:
                        continue
                    if row.url is not None:
                        url = row.url(world, "own")
                    else:
                        url = reverse(row.name, kwargs=row.kwargs(world.own[row.obj]) if row.obj else {})
                    cells.append(
                        {"page": _label(row, pages), "role": role, "url": url, "query": row.query, "ok": row.ok}
                    )
            floor_client = clients[ROLES[0]]

            def ask(cell) -> tuple[float, dict, int]:
                with count_queries() as counter:
                    started = time.perf_counter()
                    response = clients[cell["role"]].get(cell["url"], cell["query"])
                    if getattr(response, "streaming", False):
                        b"".join(response.streaming_content)
                    elapsed = time.perf_counter() - started
                return elapsed, counter, response.status_code

            for cell in cells:  # warm: templates, the per-process caches, the user's session
                elapsed, counter, status = ask(cell)
                print(f"  {elapsed * 1000:8,.0f} ms  {cell['page']} as {cell['role']}", file=sys.stderr, flush=True)
                if status not in cell["ok"]:
                    raise SystemExit(f"{cell['page']} as {cell['role']}: {cell['url']} answered {status}")
                cell["slow"] = elapsed > SLOW_S
                # Far over the target: this one run is its measurement (its queries too).
                cell["times"] = [elapsed] if cell["slow"] else []
                if cell["slow"]:
                    cell["queries"], cell["sql_s"], cell["status"] = counter["n"], counter["seconds"], status
            floor_times = []
            for _ in range(runs):
                started = time.perf_counter()
                assert floor_client.get("/public/").status_code == 200
                floor_times.append(time.perf_counter() - started)
                for cell in cells:
                    if cell["slow"]:
                        continue  # measured once, above (the job's time stays modest)
                    elapsed, counter, status = ask(cell)
                    cell["times"].append(elapsed)
                    cell["queries"], cell["sql_s"], cell["status"] = counter["n"], counter["seconds"], status
            transaction.set_rollback(True)
    for cell in cells:
        cell["ms"] = statistics.median(cell["times"]) * 1000
        cell["sql_ms"] = cell.pop("sql_s") * 1000
        cell["times"] = [t * 1000 for t in cell["times"]]
        del cell["ok"]
    out.update(
        cells=cells,
        floor_ms=statistics.median(floor_times) * 1000,
        floor_runs=[t * 1000 for t in floor_times],
        runs=runs,
        rss_mb=rss_mb(),
    )
    return out


def table(out: dict, *, slowest: int = 20) -> list[str]:
    """bench/results.md's section of the pages job."""
    cells = sorted(out["cells"], key=lambda c: -c["ms"])
    over = [c for c in cells if c["ms"] > TARGET_MS]
    pages = {c["page"] for c in cells}
    lines = [
        "## Pages (every page for every role, Django test client, in-process)",
        "",
        f"{len(pages)} pages × the roles that may open them = {len(cells)} (page, role) cells, each the median of"
        f" {out['runs']} runs (rounds over all cells, after one warming request; a cell whose first request took over"
        f" {SLOW_S:.0f} s: that one run); target ≤ {TARGET_MS:.0f} ms server"
        f" time. **{len(over)} over {TARGET_MS:.0f} ms**; the slowest {min(slowest, len(cells))}"
        f" (floor: /public/, {out['floor_ms']:,.0f} ms; the world of objects built in {out['world_s']:.1f} s):",
        "",
        "| page | role | URL | median | runs | SQL | queries |",
        "|---|---|---|---:|---|---:|---:|",
    ]
    for c in cells[:slowest]:
        query = "?" + "&".join(f"{k}={v}" for k, v in c["query"].items()) if c["query"] else ""
        lines.append(
            f"| {c['page']} | {c['role']} | `{c['url']}{query}` | {c['ms']:,.0f} ms |"
            f" {', '.join(f'{t:,.0f}' for t in c['times'])} | {c['sql_ms']:,.0f} ms | {c['queries']} |"
        )
    most = max(cells, key=lambda c: c["queries"])
    lines += [
        "",
        f"All cells: median of the medians {statistics.median([c['ms'] for c in cells]):,.0f} ms; the most queries:"
        f" {most['page']} as {most['role']} ({most['queries']}). Township users are 孙吴镇's; the objects are the"
        " access matrix's (tests/access/world.py), built in the county database and rolled back after.",
        "",
        "Not walked: "
        + "; ".join(
            f"{', '.join(f'`{n}`' for n in names)}: {reason}" for reason, names in _by_reason(out["skipped"]).items()
        )
        + ".",
        "",
    ]
    return lines


def _by_reason(skipped: dict[str, str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for name, reason in skipped.items():
        namespace = name.split(":", 1)[0]
        if namespace in SKIPPED_NAMESPACES and reason == SKIPPED_NAMESPACES[namespace]:
            name = f"{namespace}:*"
        if name not in grouped[reason]:
            grouped[reason].append(name)
    return grouped
