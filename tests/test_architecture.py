"""The shape of the code, checked from its syntax trees (no import of the code, no dependency).

Rules (each a `rule` name in the reports):
- `upward-import`: apps depend one way, audits → benefits → assessments → households →
  sunwu_relief; production code never imports `bench` or `tests`.
- `services-import-tasks`: a services module never imports a tasks module (tasks call services;
  services queue tasks by name, `sunwu_relief.jobs.enqueue_task`), so the two never form a cycle.
- `objects-in-entry-point`: views, API, admin and forms read through selectors and write through
  services, never `Model.objects`.
- `write-outside-services`: rows are saved, created, updated and deleted only in services
  (modules or packages), migrations and demo builders.
- `raw-literal`: a status, programme or relationship is compared or filtered by its `TextChoices`
  member, not by a string literal, outside models, migrations and the workflow map.
- `literal-action`: an audit action is a member of an app's event vocabulary (`events.py`).
- `local-import`: no import inside a function, except in `AppConfig.ready()` and for the heavy
  libraries listed in `LAZY_OK` (imported where they are used, to keep start-up light).
- `long-module`: no production module over `MAX_LINES` lines; split it by topic.

Today's known exceptions are listed per app in `tests/architecture/known_<app>.txt` (one
`rule<TAB>path<TAB>detail` per line, `#` comments say why). The test fails on a violation that is
not listed, and on a listed one that is gone (delete its line: the list only shrinks).
"""

import ast
import functools
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest layer first: an app may import only the apps before it.
APPS = ["sunwu_relief", "households", "assessments", "benefits", "audits"]
RANK = {app: rank for rank, app in enumerate(APPS)}
KNOWN_DIR = Path(__file__).resolve().parent / "architecture"
MAX_LINES = 400
# The project package is also the base app; its URL root and Celery app wire every app together.
PROJECT_WIRING = frozenset({"sunwu_relief/urls.py", "sunwu_relief/celery.py", "sunwu_relief/settings.py"})

LAZY_OK = frozenset(
    {
        "openpyxl",
        "weasyprint",
        "playwright",
        "pypinyin",
        "rapidfuzz",
        "knox",
        "axes",
        "celery",
        "importlib",
        "chinese_calendar",
        "tracemalloc",
        "resource",
        "drf_spectacular",
        "schemathesis",
        "simple_history",
    }
)
ENTRY_POINT_STEMS = frozenset({"views", "api", "admin", "forms", "admin_base"})
WRITE_CALLS = frozenset({"save", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"})
QUERY_WRITE_CALLS = frozenset({"create", "update"})
MANAGERS = frozenset({"objects", "all_objects"})
# Receivers whose save/delete is not a row's: a workbook, a session, a file storage.
NOT_ROWS = frozenset({"workbook", "wb", "book", "storage", "session", "image"})
# Field names whose values are a vocabulary (their choices), and the vocabulary itself: every
# value of a TextChoices class that such a field uses. Collected from the models' source.
VOCABULARY_FIELDS = frozenset({"status", "programme", "relationship"})


class Violation(NamedTuple):
    rule: str
    path: str
    detail: str

    def line(self) -> str:
        return f"{self.rule}\t{self.path}\t{self.detail}"


def production_files() -> list[Path]:
    files = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or "__pycache__" in path.parts:
                continue
            files.append(path)
    return files


@functools.cache
def vocabulary() -> frozenset[str]:
    """Every value of a TextChoices class named *Status, *Programme or *Relationship (or a class
    nested as `Status`/`Programme`/`Relationship`) in the apps' model modules."""
    values: set[str] = set()
    for path in production_files():
        if not _is_model_module(_relative(path)):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith(("Status", "Programme", "Relationship")):
                for statement in node.body:
                    if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple | ast.Constant):
                        first = statement.value.elts[0] if isinstance(statement.value, ast.Tuple) else statement.value
                        if isinstance(first, ast.Constant) and isinstance(first.value, str):
                            values.add(first.value)
    return frozenset(values)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _parts(relative: str) -> list[str]:
    return relative.removesuffix(".py").split("/")


def _is_model_module(relative: str) -> bool:
    parts = _parts(relative)
    return parts[-1] in {"models", "models_payments"} or "models" in parts[:-1] or parts[-1].startswith("models_")


def _is_services(relative: str) -> bool:
    parts = _parts(relative)
    return "services" in parts


def _is_write_module(relative: str) -> bool:
    parts = _parts(relative)
    if "services" in parts or "migrations" in parts:
        return True
    if any("demo" in part for part in parts):
        return True
    # The base app's own writers: the audit trail, job records, refusal traces.
    return relative in {"sunwu_relief/audit.py", "sunwu_relief/jobs.py"}


def _is_entry_point(relative: str) -> bool:
    parts = _parts(relative)
    stem = parts[-1]
    return (
        stem in ENTRY_POINT_STEMS
        or stem.endswith(("_views", "_api", "_admin", "_forms"))
        or stem.startswith(("views_", "api_", "admin_"))
        or any(part in {"views", "admin", "api"} for part in parts[:-1])
    )


def _module_of(relative: str) -> str:
    parts = _parts(relative)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, relative: str) -> str:
    """The absolute module an import names (relative imports resolved against the file)."""
    if node.level == 0:
        return node.module or ""
    package = _module_of(relative).split(".")
    if not relative.endswith("__init__.py"):
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, node.module] if node.module else base)


def _imported_modules(node: ast.Import | ast.ImportFrom, relative: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    module = _resolve(node, relative)
    # `from benefits import tasks` imports the module benefits.tasks.
    return [module, *(f"{module}.{alias.name}" for alias in node.names)]


def _name_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _chain_has_query(node: ast.AST) -> bool:
    """Whether a call's receiver is a queryset or manager (`X.objects…`, `….filter(…)`)."""
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr in MANAGERS:
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            name = _name_of(node.func)
            if name in {"filter", "exclude", "all", "select_for_update", "order_by", "none"}:
                return True
            node = node.func
        else:
            return False


def _string_values(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [value for element in node.elts for value in _string_values(element)]
    return []


def _vocabulary_name(node: ast.AST) -> str | None:
    name = _name_of(node)
    if name is None:
        return None
    for field in VOCABULARY_FIELDS:
        if name == field or name.endswith("_" + field):
            return field
    return None


class _Checker(ast.NodeVisitor):
    def __init__(self, relative: str, words: frozenset[str]) -> None:
        self.relative = relative
        self.app = relative.split("/")[0]
        self.words = words
        self.functions: list[str] = []
        self.found: set[Violation] = set()

    def add(self, rule: str, detail: str) -> None:
        self.found.add(Violation(rule, self.relative, detail))

    @property
    def where(self) -> str:
        return ".".join(self.functions) or "<module>"

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        modules = _imported_modules(node, self.relative)
        tops = {module.split(".")[0] for module in modules if module}
        for top in sorted(tops):
            if top in RANK and RANK[top] > RANK.get(self.app, len(APPS)) and self.relative not in PROJECT_WIRING:
                self.add("upward-import", f"{self.where}: {top}")
            if top in {"bench", "tests"}:
                self.add("upward-import", f"{self.where}: {top}")
        if _is_services(self.relative) and any(module.split(".")[-1] == "tasks" for module in modules if module):
            self.add("services-import-tasks", f"{self.where}: {modules[0]}")
        in_function = any(name for name in self.functions if not name[:1].isupper())
        if in_function and not (self.relative.endswith("apps.py") and self.functions[-1] == "ready"):
            if not tops <= LAZY_OK:
                self.add("local-import", f"{self.where}: {modules[0]}")

    visit_Import = _import
    visit_ImportFrom = _import

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in MANAGERS and _is_entry_point(self.relative) and isinstance(node.value, ast.Name):
            self.add("objects-in-entry-point", f"{self.where}: {node.value.id}.{node.attr}")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _name_of(node.func)
        if isinstance(node.func, ast.Attribute) and not _is_write_module(self.relative):
            if name in WRITE_CALLS and _name_of(node.func.value) not in NOT_ROWS:
                self.add("write-outside-services", f"{self.where}: .{name}()")
            elif name in QUERY_WRITE_CALLS and _chain_has_query(node.func.value):
                self.add("write-outside-services", f"{self.where}: .{name}()")
        if name == "record_event":
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    self.add("literal-action", f"{self.where}: {keyword.value.value}")
        if not self._literal_exempt():
            for keyword in node.keywords:
                if keyword.arg is None:
                    continue
                lookups = keyword.arg.split("__")
                if VOCABULARY_FIELDS & set(lookups):
                    for value in _string_values(keyword.value):
                        if value in self.words:
                            self.add("raw-literal", f"{self.where}: {keyword.arg}={value}")
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        if not self._literal_exempt():
            sides = [node.left, *node.comparators]
            if any(_vocabulary_name(side) for side in sides):
                for side in sides:
                    for value in _string_values(side):
                        if value in self.words:
                            self.add("raw-literal", f"{self.where}: {value}")
        self.generic_visit(node)

    def _literal_exempt(self) -> bool:
        return _is_model_module(self.relative) or _parts(self.relative)[-1] == "workflow"


def check_source(relative: str, source: str, words: frozenset[str] | None = None) -> set[Violation]:
    """Every violation in one module, `relative` being its path from the repository root."""
    if "migrations" in _parts(relative):
        return set()  # migrations are history: they import what they imported when written
    checker = _Checker(relative, vocabulary() if words is None else words)
    checker.visit(ast.parse(source))
    if source.count("\n") > MAX_LINES:
        checker.add("long-module", f"over {MAX_LINES} lines")
    return checker.found


def violations() -> dict[str, set[Violation]]:
    by_app: dict[str, set[Violation]] = defaultdict(set)
    for path in production_files():
        relative = _relative(path)
        by_app[relative.split("/")[0]] |= check_source(relative, path.read_text(encoding="utf-8"))
    return by_app


def known(app: str) -> set[str]:
    path = KNOWN_DIR / f"known_{app}.txt"
    if not path.exists():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line.strip() and not line.startswith("#")}


@functools.cache
def _all_violations() -> dict[str, set[Violation]]:
    return violations()


@pytest.mark.parametrize("app", APPS)
def test_no_new_violation(app):
    found = {violation.line() for violation in _all_violations()[app]}
    new = sorted(found - known(app))
    assert not new, "new architecture violations (fix them; see this module's docstring):\n" + "\n".join(new)


@pytest.mark.parametrize("app", APPS)
def test_known_list_holds_only_what_still_exists(app):
    found = {violation.line() for violation in _all_violations()[app]}
    gone = sorted(known(app) - found)
    assert not gone, f"fixed, so delete from tests/architecture/known_{app}.txt:\n" + "\n".join(gone)


# The checker catches what it should: one planted violation per rule.
PLANTED = [
    ("upward-import", "households/services.py", "from benefits.models import Benefit\n"),
    ("upward-import", "households/selectors.py", "def f():\n    from audits import selectors\n"),
    ("upward-import", "benefits/demo.py", "from bench.synthetic import make_id_number\n"),
    ("upward-import", "assessments/services.py", "from ..benefits import rules\n"),
    ("services-import-tasks", "benefits/services/notices.py", "from benefits.tasks import close_notices\n"),
    ("services-import-tasks", "households/services.py", "from . import tasks\n"),
    ("objects-in-entry-point", "benefits/views.py", "def v(request):\n    return Application.objects.all()\n"),
    ("objects-in-entry-point", "audits/views/findings.py", "def v(r):\n    return Finding.all_objects.first()\n"),
    ("write-outside-services", "benefits/views.py", "def v(request, form):\n    form.save()\n"),
    ("write-outside-services", "audits/tasks.py", "def t():\n    Finding.objects.filter(pk=1).update(x=1)\n"),
    ("write-outside-services", "households/admin.py", "def a(obj):\n    Member.objects.create(name='x')\n"),
    ("raw-literal", "benefits/selectors.py", "def s(a):\n    return a.status == 'approved'\n"),
    ("raw-literal", "audits/dashboard.py", "def d(qs):\n    return qs.filter(benefit__status__in=['running'])\n"),
    ("raw-literal", "households/views.py", "def v(m):\n    return m.relationship in ('head',)\n"),
    ("literal-action", "households/services.py", "def s(actor):\n    record_event(actor=actor, action='x.y')\n"),
    ("local-import", "benefits/selectors.py", "def s():\n    from benefits.models import Benefit\n"),
    ("long-module", "benefits/services.py", "x = 1\n" * (MAX_LINES + 1)),
]
WORDS = frozenset({"approved", "running", "head"})


@pytest.mark.parametrize(("rule", "relative", "source"), PLANTED, ids=[f"{r}:{p}" for r, p, _ in PLANTED])
def test_checker_catches_a_planted_violation(rule, relative, source):
    assert rule in {violation.rule for violation in check_source(relative, source, WORDS)}


CLEAN = [
    ("benefits/services/notices.py", "from django.db import transaction\n\ndef s(a):\n    a.save()\n"),
    ("benefits/tasks.py", "from benefits import services\n"),
    ("benefits/models.py", "def m(self):\n    return self.status == 'approved'\n"),
    ("benefits/roll.py", "def w(workbook, path):\n    workbook.save(path)\n"),
    ("households/apps.py", "class C:\n    def ready(self):\n        from . import signals\n"),
    ("sunwu_relief/xlsx.py", "def r():\n    import openpyxl\n"),
    ("audits/views.py", "def v(request, a):\n    return a.status == Status.APPROVED\n"),
    ("benefits/migrations/0001_initial.py", "from audits.models import X\n"),
    ("audits/selectors.py", "from benefits.models import Benefit\n"),
]


@pytest.mark.parametrize(("relative", "source"), CLEAN, ids=[path for path, _ in CLEAN])
def test_checker_passes_what_is_allowed(relative, source):
    assert check_source(relative, source, WORDS) == set()


def test_vocabulary_is_read_from_the_models():
    words = vocabulary()
    # A few values every part of the system uses, read from the TextChoices in the models.
    assert {"county_review", "dibao", "tekun", "head"} <= words
