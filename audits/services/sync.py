"""One way to keep a work list of findings equal to what a run found (reconciliation and the
integrity checks): record what is new, refresh what changed, clear what is gone, reopen what
comes back — and write nothing else.

A finding model has a unique `key`, the recorded fields the run computes, `first_found`,
`last_found`, `present`, `status` (open / resolved), `resolution`, `note`, `resolved_by`,
`resolved_at` and `reopened_count`; its event model (append-only history) has `finding`,
`action` (found / cleared / reopened), `resolution` and `created`.

What one run writes, whatever the size of the list: the new findings and their `found` events;
the recorded fields of the findings whose values changed; one set-based UPDATE per change of
state (came back, reopened, gone, cleared); and the events of those. A finding found again
unchanged is not written at all. Existing findings are read as plain rows (their recorded fields
only), never as model instances, and compared with what was found as JSON would store it.

`last_found` is therefore written when a finding is found new, changed or back, and when it goes
(then: the time of the previous run, the last one that found it). While a finding is present the
last run found it: `shown_last_found` answers that run's time (the run's audit event), which is
what the pages and the admin show (`audits.selectors.findings`).
"""

import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Model, Q

BATCH = 1000
OPEN, RESOLVED, CLEARED = "open", "resolved", "cleared"


@dataclass
class SyncResult:
    new: dict[str, int] = field(default_factory=dict)
    reopened: int = 0
    cleared: int = 0
    refreshed: int = 0  # findings whose recorded values changed


def _stored(value: Any) -> Any:
    """A value as the database gives it back (a JSON field's tuples are lists, its keys text)."""
    if isinstance(value, dict | list | tuple):
        return json.loads(json.dumps(value))
    return value


def sync_findings(
    *,
    model: type[Model],
    event_model: type[Model],
    found: dict[str, Any],
    recorded: tuple[str, ...],
    now,
    previous_run=None,
    lock: bool = False,
    scope: Q | None = None,
) -> SyncResult:
    """Make `model`'s rows match `found` ({key: an object with the `recorded` attributes}).
    `previous_run`: when the run before this one ran (`last_run_at`), the last time a finding
    that goes now was found. `scope`: only the rows it selects are compared (a run that computed
    only part of the list; it must select every row of a key in `found`); the others are left
    as they are.

    The caller holds the run's lock and its transaction; `lock` also locks the existing rows."""
    result = SyncResult()
    existing = model.objects.all() if scope is None else model.objects.filter(scope)
    if lock:
        existing = existing.select_for_update()
    # key → (pk, present, status, recorded values...)
    rows = existing.order_by().values_list("key", "pk", "present", "status", *recorded)
    back, reopen, gone, clear, changed = [], [], [], [], []
    known: set[str] = set()
    for key, pk, present, status, *values in rows.iterator(chunk_size=2000):
        known.add(key)
        data = found.get(key)
        if data is None:
            if present:
                (clear if status == OPEN else gone).append(pk)
            continue
        if not present:
            (reopen if status == RESOLVED else back).append(pk)
        new_values = [getattr(data, name) for name in recorded]
        # Equal as they are (the usual case), or else equal as JSON would store them.
        if new_values != values and [_stored(value) for value in new_values] != values:
            changed.append(model(pk=pk, last_found=now, **dict(zip(recorded, new_values, strict=True))))
    new = [
        model(key=key, first_found=now, last_found=now, **{name: getattr(data, name) for name in recorded})
        for key, data in found.items()
        if key not in known
    ]
    for finding in new:
        result.new[finding.kind] = result.new.get(finding.kind, 0) + 1
    result.refreshed = len(changed)
    if changed:
        model.objects.bulk_update(changed, [*recorded, "last_found"], batch_size=BATCH)
    if back:
        model.objects.filter(pk__in=back).update(present=True, last_found=now)
    if reopen:
        # It came back after it had gone: somebody must look at it again.
        model.objects.filter(pk__in=reopen).update(
            present=True,
            last_found=now,
            status=OPEN,
            resolution="",
            note="",
            resolved_by=None,
            resolved_at=None,
            reopened_count=F("reopened_count") + 1,
        )
    gone_found = {"last_found": previous_run} if previous_run is not None else {}
    if gone:
        model.objects.filter(pk__in=gone).update(present=False, **gone_found)
    if clear:
        model.objects.filter(pk__in=clear).update(
            present=False, status=RESOLVED, resolution=CLEARED, resolved_at=now, resolved_by=None, **gone_found
        )
    created = model.objects.bulk_create(new, batch_size=BATCH)
    if not all(f.pk for f in created):  # backends that return no keys (none we use): fetch them
        created = list(model.objects.filter(key__in=[f.key for f in new]))
    Action = event_model.Action
    events = [event_model(finding_id=pk, action=Action.REOPENED, created=now) for pk in reopen]
    events += [event_model(finding_id=pk, action=Action.CLEARED, resolution=CLEARED, created=now) for pk in clear]
    events += [event_model(finding=f, action=Action.FOUND, created=now) for f in created]
    event_model.objects.bulk_create(events, batch_size=BATCH)
    result.reopened = len(reopen)
    result.cleared = len(clear)
    return result
