from celery import shared_task

from .services import members_refresh_initials


@shared_task(acks_late=True)
def refresh_name_initials(township_id: int | None = None) -> int:
    """Recompute members' pinyin initials (after the surname override map changes)."""
    return members_refresh_initials(township_id=township_id)
