"""What the nightly run does (the `complete_public_notices` task and the `close_notices` command)."""

import datetime

from .tekun_stops import stop_notices_complete
from .township import notices_complete_by_township


def public_notices_complete(*, actor, on: datetime.date | None = None) -> tuple[dict[int, int], int]:
    """Close the notices that are over: each case whose notice ran without open objection goes to
    county review, each 特困 stop whose notice ran is decided. Idempotent. (The cases moved per
    township id, the stops decided.)"""
    moved = notices_complete_by_township(actor=actor, on=on)
    return moved, stop_notices_complete(actor=actor, on=on)
