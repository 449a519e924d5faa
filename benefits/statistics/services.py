"""The monthly statistics report split by township: one part per township computes its row (the
same `monthly_report`, for that township only) on whichever worker takes it; the job's counts are
the rows in the townships' order and their total, from which the xlsx is written.

Nothing is written but the job's record: a part run twice computes the same row. Each township's
row depends on that township's rolls and records only, so the rows are those of the one-process
report, and the total is their sum, as there."""

import datetime

from households.models import Township
from sunwu_relief.authz import require
from sunwu_relief.jobs import job_fan_out
from sunwu_relief.models import Job

from .selectors import MonthlyReport, StatisticsRow, monthly_report, row_counts, row_from_counts

STATISTICS_JOB = "statistics"


def statistics_report_start(*, actor, month: datetime.date, township_ids: list[int] | None = None) -> Job:
    """The report of `month` as a job of one part per township (all of them, or `township_ids`).
    The system runs it (the `export_statistics --split` command)."""
    require(actor, roles=())
    townships = Township.objects.order_by("code")
    if township_ids is not None:
        townships = townships.filter(pk__in=township_ids)
    return job_fan_out(
        kind=STATISTICS_JOB,
        actor=actor,
        township_ids=list(townships.values_list("pk", flat=True)),
        part_task="benefits.statistics.tasks.statistics_report_part",
        params={"month": f"{month:%Y-%m}"},
        combine="benefits.statistics.services.statistics_report_combine",
    )


def statistics_report_part(part: Job) -> tuple[dict, list]:
    """One township's row of the month (a part's work)."""
    month = datetime.date.fromisoformat(f"{part.params['month']}-01")
    township = Township.objects.get(pk=part.township_id)
    (row,) = monthly_report(month=month, townships=[township]).rows
    return {"row": row_counts(row)}, []


def statistics_report_combine(parent: Job, parts: list[Job]) -> tuple[dict, list]:
    """The parts' rows in the townships' order (by code, as the one-process report) and their total."""
    order = {pk: rank for rank, pk in enumerate(Township.objects.order_by("code").values_list("pk", flat=True))}
    rows = [row_from_counts(part.counts["row"]) for part in sorted(parts, key=lambda p: order[p.township_id])]
    month = datetime.date.fromisoformat(f"{parent.params['month']}-01")
    report = MonthlyReport(month=month, rows=rows, total=StatisticsRow(township=""))
    for row in rows:
        report.total.add(row)
    return {
        "month": parent.params["month"],
        "rows": [row_counts(row) for row in rows],
        "total": row_counts(report.total),
    }, []
