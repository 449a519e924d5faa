"""The access matrix as data: every URL of the site, who may use it, and how to build its URL.

One row per URL name (the browser pages, the REST API) and one per admin model; the generated test
(tests/access/test_matrix.py) runs each row for every persona against the objects of the user's
own township and of another one, and checks that exactly the allowed cells succeed:

- allowed role, own township (or a county-wide role): success (`ok`, 200 unless the row says);
- allowed role, another township's object: 404 (out of scope, docs/interfaces.md §5);
- role not allowed: 403 — or 404 for another township's object, which says nothing either;
- anonymous and inactive users: the log-in page (browser, admin), 401/403 (API);
- a user without a role: 403 (the dashboard says the account has no role yet).

A POST row (a workflow step, a form's target) refused to a role changes nothing (row counts and
the object's status are compared before and after). `test_every_url_has_a_row` fails naming
every URL pattern and every admin model without a row here: a new page needs its row.

Objects are named by their key in `tests.access.world.Side.objects`; `kwargs` builds the URL's
arguments from that object. A row without `obj` is not tied to one township's object (a list, a
create page): it runs once per persona, and lists are searched and filtered for the other
township's people (`search`)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from sunwu_relief.roles import Role

CW, TR, BR, AU, PO = (
    Role.CASEWORKER.value,
    Role.TOWNSHIP_REVIEWER.value,
    Role.BUREAU_REVIEWER.value,
    Role.AUDITOR.value,
    Role.POVERTY_OFFICE.value,
)
ROLES = (CW, TR, BR, AU, PO)
TOWNSHIP_ROLES = frozenset({CW, TR})
COUNTY_ROLES = frozenset({BR, AU, PO})
# Everyone who works cases (the poverty office reads the API and the statistics only).
CASE_STAFF = frozenset({CW, TR, BR, AU})
EVERY_ROLE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()
# The personas: the five roles, a logged-in user without a role, nobody, a deactivated caseworker.
PERSONAS = (*ROLES, "stranger", "anonymous", "inactive")


@dataclass(frozen=True)
class Row:
    name: str  # the URL name, "households:detail"; admin rows: "admin:<app>.<model>"
    allowed: frozenset[str]
    action: str = "view"  # list, view, create, change, step, export, import, download
    obj: str | None = None  # the object's key in world.Side.objects (None: not one township's object)
    kwargs: Callable | None = None  # obj -> URL kwargs
    method: str = "GET"
    query: dict = field(default_factory=dict)
    ok: tuple[int, ...] = (200,)
    search: bool = False  # a list: search and filter it for the other township's people
    public: str = ""  # why the row is open to anyone (no log-in)
    note: str = ""
    county: bool = False  # the object is county-wide (the same object for both townships)
    url: Callable | None = None  # (world, side) -> URL, when `reverse(name, kwargs)` does not do
    model: str = ""  # admin rows: the model's label, "households.household"
    channel: str = ""  # "ui", "api", "admin"; "" = by the URL name's namespace
    # What an allowed user's response shows of the own township (a check that the page is the
    # real one): the names of these people, and the full ID number of `full_id` to FULL_ID_ROLES.
    shows: tuple[str, ...] = ()
    full_id: str = ""
    staff_only: bool = False  # an admin page asked only of the admin's users (see _admin_rows)


def pk(o) -> dict:
    return {"pk": o.pk}


def ui(name, allowed, **kwargs) -> Row:
    return Row(name=name, allowed=frozenset(allowed), **kwargs)


def lst(name, allowed, **kwargs) -> Row:
    return Row(name=name, allowed=frozenset(allowed), **{"action": "list", "search": True, **kwargs})


def obj(name, allowed, key, *, kwargs=pk, **extra) -> Row:
    county = key in COUNTY_OBJECTS
    return Row(name=name, allowed=frozenset(allowed), obj=key, kwargs=kwargs, county=county, **extra)


def post(name, allowed, key=None, *, kwargs=pk, **extra) -> Row:
    """A form's target: refused roles change nothing; an allowed role's empty POST is not refused."""
    return Row(
        name=name,
        allowed=frozenset(allowed),
        obj=key,
        kwargs=kwargs if key else None,
        method="POST",
        action=extra.pop("action", "step"),
        ok=extra.pop("ok", (200, 302, 400, 409)),
        **extra,
    )


def step(name: str, slug: str, allowed, key: str, *, kwarg: str = "pk") -> Row:
    return post(
        name,
        allowed,
        key,
        kwargs=lambda o, slug=slug, kwarg=kwarg: {kwarg: o.pk, "step": slug},
        note=f"step {slug}",
    )


# Objects of the whole county (the same for both townships' runs).
COUNTY_OBJECTS = {"ledger_job", "campaign"}

PUBLIC = {
    "healthz": "load balancer and monitoring (docs/interfaces.md §5): database and broker state only",
    "login": "the log-in page",
    "logout": "POST only; logs out nobody when nobody is logged in",
    "admin:login": "the admin's log-in page",
    "admin:logout": "logs out nobody when nobody is logged in",
    "api:not-found": "the JSON 404 for unknown API paths, no data",
    "public:home": "the public page (docs/interfaces.md §8): policy data and office contacts, no person's data",
    "public:complaint": "the public page's complaint form (POST only, CSRF, flood-limited)",
}

APPLICATION_STEPS = {
    "submit": {CW},
    "resubmit": {CW},
    "start_investigation": {CW},
    "finish_investigation": {CW},
    "record_evaluation": {CW},
    "finish_evaluation": {CW},
    "township_approve": {TR},
    "township_return": {TR},
    "record_objection": {CW, TR},
    "resolve_objection": {TR},
    "add_obligor": {CW},
    "remove_obligor": {CW},
    "notice_complete": {CW, TR},
    "extend_deadline": {TR},
    "withdraw": {CW},
}
TEMPORARY_STEPS = {
    "start-investigation": {CW},
    "assessment": {CW},
    "review": {TR},
    "objection": {TR},
    "approve": {TR},
    "to-county": {TR},
    "reject": {TR},
    "supplement": {CW},
}
REVIEW_STEPS = {"start": {CW}, "propose": {CW}, "approve": {TR}, "return": {TR, BR}, "decide": {BR}}
INTAKE_STEPS = {"application": {CW}, "link": {CW}, "refer": {CW, TR}, "answer": {CW, TR}, "close": {CW, TR}}
CARE_STEPS = ("assess", "at-home", "carer", "end")

ROWS: list[Row] = [
    # --- the public and the plumbing ---
    ui("healthz", EVERY_ROLE, public=PUBLIC["healthz"]),
    ui("login", EVERY_ROLE, public=PUBLIC["login"], ok=(200, 302)),
    ui("logout", EVERY_ROLE, public=PUBLIC["logout"], method="POST", ok=(200, 302)),
    ui("public:home", EVERY_ROLE, public=PUBLIC["public:home"]),
    ui("public:complaint", EVERY_ROLE, public=PUBLIC["public:complaint"], method="POST", ok=(400,)),
    ui("dashboard", EVERY_ROLE, action="list", note="a user without a role sees that the account has none"),
    # --- households (registry) ---
    lst("households:list", CASE_STAFF, shows=("head",)),
    lst("households:list", CASE_STAFF, action="export", query={"format": "xlsx"}, note="the list's xlsx download"),
    ui("households:create", {CW}, action="create"),
    obj("households:detail", CASE_STAFF, "household", shows=("head", "member"), full_id="head"),
    obj("households:edit", {CW}, "household", action="change"),
    obj("households:member-add", {CW}, "household", action="create"),
    obj("households:member-edit", {CW}, "member", action="change"),
    obj("households:member-move", {CW}, "member", action="change"),
    obj("households:member-remove", {CW}, "member", action="change"),
    # --- assessments ---
    obj("assessments:household", CASE_STAFF, "household"),
    post("assessments:start", {CW}, "household"),
    obj("assessments:detail", CASE_STAFF, "assessment"),
    obj("assessments:income-add", {CW}, "assessment", action="create"),
    obj("assessments:asset-add", {CW}, "assessment", action="create"),
    post("assessments:declaration-remove", {CW}, "income", kwargs=lambda o: {"kind": "income", "pk": o.pk}),
    obj("assessments:authorisation", {CW}, "assessment", action="create"),
    post("assessments:cross-check", {CW}, "assessment"),
    post("assessments:finish", {CW}, "assessment"),
    obj("assessments:visit-new", {CW}, "assessment", action="create"),
    obj("assessments:visit", CASE_STAFF, "visit"),
    post("assessments:visit-sign", {CW}, "visit"),
    post("assessments:visit-correct", {CW}, "visit"),
    post("assessments:visit-attach", {CW}, "visit"),
    obj("assessments:visit-print", CASE_STAFF, "visit"),
    obj("assessments:labour-new", {CW}, "member", action="create"),
    post("assessments:township-cross-check", {CW}),
    obj("assessments:job", TOWNSHIP_ROLES, "job"),
    obj(
        "assessments:file",
        CASE_STAFF,
        "authorisation",
        kwargs=lambda o: {"kind": "authorisation", "pk": o.pk},
        action="download",
    ),
    obj("assessments:file", CASE_STAFF, "labour", kwargs=lambda o: {"kind": "labour", "pk": o.pk}, action="download"),
    # --- applications ---
    lst("benefits:applications", CASE_STAFF, shows=("head",)),
    lst(
        "benefits:applications", CASE_STAFF, action="export", query={"format": "xlsx"}, note="the list's xlsx download"
    ),
    obj("benefits:application", CASE_STAFF, "application"),
    *[
        obj(
            "benefits:application-paper",
            CASE_STAFF,
            "application",
            kwargs=lambda o, paper=paper: {"pk": o.pk, "paper": paper},
            note=f"paper {paper}",
        )
        for paper in ("application", "authorisation", "approval")
    ],
    *[step("benefits:application-step", slug, roles, "draft") for slug, roles in APPLICATION_STEPS.items()],
    obj("benefits:application-create", {CW}, "household", kwargs=lambda o: {"household_pk": o.pk}, action="create"),
    lst("benefits:notices", CASE_STAFF),
    lst("benefits:notices", CASE_STAFF, action="export", query={"format": "xlsx"}, note="the list's xlsx download"),
    lst("benefits:standing-list", CASE_STAFF),
    lst(
        "benefits:standing-list", CASE_STAFF, action="export", query={"format": "xlsx"}, note="the list's xlsx download"
    ),
    # --- written notices ---
    lst("benefits:written-notices", CASE_STAFF),
    lst(
        "benefits:written-notices",
        CASE_STAFF,
        action="export",
        query={"format": "xlsx"},
        note="the list's xlsx download",
    ),
    obj("benefits:written-notice", CASE_STAFF, "written_notice"),
    obj("benefits:written-notice-receipt", CASE_STAFF, "written_notice"),
    obj("benefits:written-notice-deliver", {CW, TR, BR}, "written_notice", action="change"),
    # --- payments ---
    obj("benefits:payee", {CW}, "benefit", kwargs=lambda o: {"benefit_pk": o.pk}, action="change"),
    lst("benefits:failed-payments", CASE_STAFF, shows=("supported",)),
    lst(
        "benefits:failed-payments",
        CASE_STAFF,
        action="export",
        query={"format": "xlsx"},
        note="the list's xlsx download",
    ),
    obj("benefits:one-off-payee", {CW}, "one_off", action="change"),
    # --- medical claims ---
    lst("benefits:medical-claims", CASE_STAFF, shows=("supported",)),
    lst(
        "benefits:medical-claims",
        CASE_STAFF,
        action="export",
        query={"format": "xlsx"},
        note="the list's xlsx download",
    ),
    ui("benefits:medical-claim-create", {CW, BR}, action="create"),
    # --- temporary assistance ---
    lst("benefits:temporary-list", CASE_STAFF),
    lst(
        "benefits:temporary-list",
        CASE_STAFF,
        action="export",
        query={"format": "xlsx"},
        note="the list's xlsx download",
    ),
    ui("benefits:temporary-create", {CW}, action="create"),
    obj("benefits:temporary", CASE_STAFF, "temporary"),
    *[step("benefits:temporary-step", slug, roles, "temporary") for slug, roles in TEMPORARY_STEPS.items()],
    # --- intake (one door) and referrals ---
    lst("benefits:intake-list", CASE_STAFF),
    lst("benefits:intake-list", CASE_STAFF, action="export", query={"format": "xlsx"}, note="the list's xlsx download"),
    ui("benefits:intake-create", {CW}, action="create"),
    obj("benefits:intake", CASE_STAFF, "intake"),
    obj("benefits:intake", CASE_STAFF, "referred", note="a referred request"),
    obj("benefits:intake-receipt", CASE_STAFF, "intake"),
    *[step("benefits:intake-step", slug, roles, "intake") for slug, roles in INTAKE_STEPS.items()],
    # --- dynamic management: re-verifications and campaigns ---
    lst("benefits:review-list", CASE_STAFF),
    lst("benefits:review-list", CASE_STAFF, action="export", query={"format": "xlsx"}, note="the list's xlsx download"),
    post("benefits:review-open", {CW}, action="create", ok=(302, 404)),
    post("benefits:review-batch-approve", {TR}, ok=(302,)),
    obj("benefits:review", CASE_STAFF, "review"),
    *[step("benefits:review-step", slug, roles, "review") for slug, roles in REVIEW_STEPS.items()],
    lst("benefits:campaign-list", CASE_STAFF),
    obj("benefits:campaign", CASE_STAFF, "campaign"),
    obj("benefits:campaign-report", CASE_STAFF, "campaign"),
    *[step("benefits:campaign-step", slug, {BR}, "campaign") for slug in ("launch", "checker", "accept")],
    obj(
        "benefits:written-notices-village-print",
        CASE_STAFF,
        "village",
        kwargs=lambda o: {"village_pk": o.pk},
        action="download",
        note="a village's undelivered written notices, printed at once",
    ),
    # --- care homes and placements (特困) ---
    lst("benefits:care-list", CASE_STAFF),
    lst("benefits:care-list", CASE_STAFF, action="export", query={"format": "xlsx"}, note="the list's xlsx download"),
    obj("benefits:care-person", CASE_STAFF, "supported"),
    *[step("benefits:care-step", slug, {CW}, "supported") for slug in CARE_STEPS],
    # --- reconciliation findings ---
    lst("audits:findings", CASE_STAFF, query={"status": ""}),
    lst("audits:findings", CASE_STAFF, action="export", query={"format": "xlsx"}, note="the list's xlsx download"),
    obj("audits:finding", CASE_STAFF, "finding"),
    post("audits:finding", {CW, TR, BR}, "finding", action="change", note="resolve"),
    # --- complaints ---
    lst("audits:complaints", CASE_STAFF),
    lst("audits:complaints", CASE_STAFF, action="export", query={"format": "xlsx"}, note="the list's xlsx download"),
    ui("audits:complaint-create", CASE_STAFF, action="create"),
    obj("audits:complaint", CASE_STAFF, "complaint"),
    # --- integrity findings ---
    lst("audits:integrity-findings", CASE_STAFF),
    lst(
        "audits:integrity-findings",
        CASE_STAFF,
        action="export",
        query={"format": "xlsx"},
        note="the list's xlsx download",
    ),
    obj("audits:integrity-finding", CASE_STAFF, "integrity_finding"),
    # --- statistics and performance ---
    # The report takes only ?month=: a township user's report is the own township's (the leak
    # check looks for the other township's people in it like in every response).
    ui("statistics:monthly", EVERY_ROLE, action="list"),
    ui("statistics:download", EVERY_ROLE, action="export"),
    lst("performance:table", {BR, AU}),
    *[
        obj(
            "performance:detail",
            {BR, AU},
            "township",
            kwargs=lambda o, metric=metric: {"township_pk": o.pk, "metric": metric},
            note=f"metric {metric}",
        )
        for metric in ("decisions", "starts", "discrepancies", "reviews_overdue", "findings_open", "payments_failed")
    ],
    # --- the REST API (docs/interfaces.md §5) ---
    ui("api:schema", EVERY_ROLE),
    ui("api:docs", EVERY_ROLE, channel="ui", note="a browser page (log-in session)"),
    ui("api:not-found", EVERY_ROLE, public=PUBLIC["api:not-found"], ok=(404,)),
    lst("api:household-list", EVERY_ROLE, shows=("head",)),
    obj("api:household-detail", EVERY_ROLE, "household", shows=("head",), full_id="head"),
    obj("api:household-payments", EVERY_ROLE, "household"),
    post("api:ledger-import-list", {PO}, action="import", ok=(400,)),
    obj("api:ledger-import-detail", {PO, BR, AU}, "ledger_job", note="county-wide: a ledger import job"),
    lst("api:medical-coverage", {BR}, action="export"),
    lst("api:statistics-monthly", EVERY_ROLE, query={"month": "2026-01"}),
    obj(
        "api:assistance-status",
        EVERY_ROLE,
        "head",
        kwargs=lambda o: {"id_number": o.id_number},
        note="by the full ID number",
    ),
    post("api:assistance-status-bulk", EVERY_ROLE, action="view", ok=(200, 400)),
    lst("api:finding-list", EVERY_ROLE),
]


# --- the admin (county staff only: sunwu_relief/roles.py ADMIN_ROLES) ---------------------------
# model label: (roles that may view it, roles that may add, extra named admin URLs of the model)
ADMIN_VIEW = frozenset({BR, AU})


@dataclass(frozen=True)
class AdminModel:
    view: frozenset[str] = ADMIN_VIEW
    add: frozenset[str] = NOBODY
    change: frozenset[str] | None = None  # None: as view (a read-only change page)
    delete: frozenset[str] = NOBODY
    history: bool = True
    simple_history: bool = False
    note: str = ""


ADMIN_MODELS: dict[str, AdminModel] = {
    "knox.authtoken": AdminModel(view=NOBODY, note="superusers only"),
    "benefits.review": AdminModel(),
    "benefits.campaign": AdminModel(),
    "axes.accessattempt": AdminModel(view=frozenset({BR})),
    "axes.accesslog": AdminModel(view=NOBODY),
    "axes.accessfailurelog": AdminModel(view=NOBODY),
    "django_celery_beat.periodictask": AdminModel(view=NOBODY),
    "django_celery_beat.clockedschedule": AdminModel(view=NOBODY),
    "django_celery_beat.crontabschedule": AdminModel(view=NOBODY),
    "django_celery_beat.solarschedule": AdminModel(view=NOBODY),
    "django_celery_beat.intervalschedule": AdminModel(view=NOBODY),
    "auth.group": AdminModel(view=NOBODY),
    "auth.user": AdminModel(view=NOBODY),
    "sunwu_relief.auditevent": AdminModel(),
    "sunwu_relief.accesslog": AdminModel(),
    "households.household": AdminModel(simple_history=True),
    "households.member": AdminModel(simple_history=True),
    "households.countysettings": AdminModel(simple_history=True),
    "households.township": AdminModel(simple_history=True),
    "households.village": AdminModel(),
    "households.membermove": AdminModel(),
    "households.ledgerrecord": AdminModel(),
    "assessments.policylimits": AdminModel(
        simple_history=True,
        add=frozenset({BR}),
    ),
    "assessments.assessment": AdminModel(simple_history=True),
    "assessments.householdvisit": AdminModel(simple_history=True),
    "assessments.labourassessment": AdminModel(simple_history=True),
    "assessments.departmentrecord": AdminModel(),
    "assessments.departmentimport": AdminModel(),
    "benefits.bank": AdminModel(
        simple_history=True,
        add=frozenset({BR}),
    ),
    "benefits.paymentbatch": AdminModel(),
    "benefits.temporarycase": AdminModel(),
    "benefits.medicalclaim": AdminModel(),
    "benefits.application": AdminModel(simple_history=True),
    "benefits.benefit": AdminModel(simple_history=True),
    "benefits.writtennotice": AdminModel(),
    "benefits.standard": AdminModel(
        simple_history=True,
        add=frozenset({BR}),
    ),
    "benefits.holiday": AdminModel(
        simple_history=True,
        add=frozenset({BR}),
        delete=frozenset({BR}),
    ),
    "benefits.carehome": AdminModel(add=frozenset({BR})),
    "benefits.placement": AdminModel(),
    "benefits.selfcareassessment": AdminModel(),
    "benefits.livinglevel": AdminModel(add=frozenset({BR})),
    "benefits.department": AdminModel(add=frozenset({BR})),
    "benefits.intakerequest": AdminModel(),
    "benefits.referral": AdminModel(),
    "audits.finding": AdminModel(),
    "audits.spotcheckbatch": AdminModel(),
    "audits.complaint": AdminModel(add=frozenset({BR, AU}), note="county staff record complaints too"),
    "audits.registeredperson": AdminModel(add=frozenset({BR})),
    "audits.registeredrelative": AdminModel(add=frozenset({BR})),
    "audits.relationkind": AdminModel(add=frozenset({BR})),
    "audits.integritysettings": AdminModel(),
    "audits.integrityfinding": AdminModel(),
}


def _content_type(label: str) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_by_natural_key(*label.split(".")).pk


def _first(label: str):
    from django.apps import apps

    return apps.get_model(label).objects.order_by("pk").first()


def _admin_url(label: str, page: str, *, version: bool = False) -> Callable:
    app, model = label.split(".")

    def build(world, side):
        if page in ("changelist", "add"):
            return reverse(f"admin:{app}_{model}_{page}")
        obj = world.admin_objects.get(label) or _first(label)
        if obj is None:
            return None
        if version:
            entry = obj.history.order_by("history_id").first()
            if entry is None:
                return None
            return reverse(f"admin:{app}_{model}_{page}", args=[obj.pk, entry.history_id])
        return reverse(f"admin:{app}_{model}_{page}", args=[obj.pk])

    return build


def _admin_rows() -> list[Row]:
    rows = []
    for label, spec in ADMIN_MODELS.items():
        app, model = label.split(".")
        change = spec.view if spec.change is None else spec.change
        pages = [("changelist", spec.view, "list"), ("add", spec.add, "create"), ("change", change, "view")]
        pages += [("delete", spec.delete, "change")]
        if spec.history:
            pages.append(("history", spec.view, "view"))
        for page, allowed, action in pages:
            rows.append(
                Row(
                    # The admin wraps every page of a model in its log-in check (admin_view), as
                    # the changelist: a non-staff persona (township users among them) is refused
                    # the changelist, the change and the history page of each model; the add and
                    # delete pages are asked only of the county staff.
                    staff_only=page not in ("changelist", "change", "history"),
                    name=f"admin:{app}_{model}_{page}",
                    allowed=frozenset(allowed),
                    action=action,
                    url=_admin_url(label, page),
                    model=label,
                    county=True,
                    note=spec.note,
                )
            )
        if spec.simple_history:
            rows.append(
                Row(
                    staff_only=True,
                    name=f"admin:{app}_{model}_simple_history",
                    allowed=spec.view,
                    url=_admin_url(label, "simple_history", version=True),
                    model=label,
                    county=True,
                    note="one past version",
                )
            )
    return rows


def admin_page(name: str, allowed, **kwargs) -> Row:
    return Row(name=name, allowed=frozenset(allowed), county=True, **kwargs)


ADMIN_ROWS: list[Row] = [
    *_admin_rows(),
    admin_page("admin:index", ADMIN_VIEW),
    admin_page("admin:app_list", ADMIN_VIEW, url=lambda w, s: reverse("admin:app_list", args=["households"])),
    admin_page(
        "admin:view_on_site",
        ADMIN_VIEW,
        url=lambda w, s: reverse(
            "admin:view_on_site", args=[_content_type("households.household"), w.own["household"].pk]
        ),
        ok=(302, 404),
        note="the admin's redirect to an object's own page",
    ),
    admin_page("admin:catch-all", ADMIN_VIEW, url=lambda w, s: "/admin/no-such-page/", ok=(404,)),
    admin_page(
        "admin:auth_user_password_change",
        NOBODY,
        action="change",
        url=lambda w, s: reverse("admin:auth_user_password_change", args=[w.users["caseworker"].pk]),
        note="superusers only",
    ),
    admin_page("admin:login", EVERY_ROLE, public=PUBLIC["admin:login"], ok=(200, 302)),
    admin_page("admin:logout", EVERY_ROLE, public=PUBLIC["admin:logout"], method="POST", ok=(200, 302)),
    admin_page("admin:jsi18n", ADMIN_VIEW, note="the admin's JavaScript catalogue (behind the admin's log-in)"),
    admin_page("admin:password_change", ADMIN_VIEW),
    admin_page("admin:password_change_done", ADMIN_VIEW),
    admin_page(
        "admin:autocomplete",
        ADMIN_VIEW,
        query={"app_label": "audits", "model_name": "complaint", "field_name": "household", "term": "王"},
        note="households by the complaint's field: the admin's search, masked for auditors",
    ),
    admin_page("admin:assessments_departmentimport_upload", {BR}, action="import"),
    admin_page(
        "admin:assessments_departmentimport_job",
        {BR},
        url=lambda w, s: reverse("admin:assessments_departmentimport_job", args=[w.county["department_job"].pk]),
    ),
    admin_page("admin:benefits_paymentbatch_prepare", {BR}, action="step"),
    admin_page("admin:benefits_paymentbatch_import", {BR}, action="import"),
    admin_page(
        "admin:benefits_paymentbatch_job",
        {BR, AU},
        url=lambda w, s: reverse("admin:benefits_paymentbatch_job", args=[w.county["payment_job"].pk]),
    ),
    admin_page("admin:benefits_paymentbatch_close", {BR, AU}, note="the month-end check's page (auditors read it)"),
    *[
        admin_page(
            f"admin:benefits_paymentbatch_{page}",
            {BR},
            action="step",
            ok=(200, 302),
            url=lambda w, s, page=page: reverse(f"admin:benefits_paymentbatch_{page}", args=[w.county["batch"].pk]),
        )
        for page in ("approve", "discard", "download")
    ],
    admin_page(
        "admin:benefits_paymentbatch_review",
        {BR, AU},
        url=lambda w, s: reverse("admin:benefits_paymentbatch_review", args=[w.county["batch"].pk]),
    ),
    admin_page(
        "admin:benefits_temporarycase_decide",
        {BR, AU},
        note="auditors read the page; only the bureau decides",
        action="step",
        url=lambda w, s: reverse("admin:benefits_temporarycase_decide", args=[w.own["temporary"].pk]),
    ),
    admin_page(
        "admin:benefits_application_decide",
        {BR, AU},
        note="auditors record county visits here; only the bureau decides",
        action="step",
        url=lambda w, s: reverse("admin:benefits_application_decide", args=[w.own["application"].pk]),
    ),
    admin_page(
        "admin:benefits_benefit_decide",
        {BR},
        action="step",
        url=lambda w, s: reverse("admin:benefits_benefit_decide", args=[w.own["benefit"].pk]),
    ),
    admin_page(
        "admin:audits_spotcheckbatch_draw",
        {BR, AU},
        action="step",
        method="POST",
        ok=(200, 302),
        note="county staff draw",
    ),
    admin_page("admin:benefits_placement_place", {BR}, action="create"),
    admin_page(
        "admin:benefits_placement_change_place",
        {BR},
        action="change",
        url=lambda w, s: reverse("admin:benefits_placement_change_place", args=[w.own["placement"].pk]),
    ),
    admin_page(
        "admin:benefits_livinglevel_standard",
        {BR},
        action="change",
        url=lambda w, s: reverse("admin:benefits_livinglevel_standard", args=[w.county["standard"].pk]),
    ),
]
