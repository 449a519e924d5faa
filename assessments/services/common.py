"""What every write of the economic-status check shares: the check of uploaded documents, and
the lock on an assessment that is still open."""

from django.utils.translation import gettext as _

from households.models import Member
from households.services import require_registry_editor
from sunwu_relief.errors import InvalidInput, WorkflowError

from ..models import Assessment

MAX_UPLOAD = 10 * 1024 * 1024
_MAGIC = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def check_document(upload, *, field: str = "file") -> None:
    """A scan or photo: PDF, JPEG or PNG by content, at most 10 MiB."""
    name = (getattr(upload, "name", "") or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if upload is None or suffix not in _MAGIC:
        raise InvalidInput(field_errors={field: [_("Upload a PDF, JPEG or PNG file.")]})
    if upload.size > MAX_UPLOAD:
        raise InvalidInput(field_errors={field: [_("The file is larger than 10 MB.")]})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in _MAGIC[suffix]):
        raise InvalidInput(field_errors={field: [_("The file's content does not match its type.")]})


def lock_open_assessment(*, actor, assessment: Assessment) -> Assessment:
    """Lock the assessment, check that the actor may edit it and that it is still open."""
    assessment = Assessment.objects.select_for_update().select_related("household").get(pk=assessment.pk)
    require_registry_editor(actor, township_id=assessment.household.township_id)
    if not assessment.is_open:
        raise WorkflowError(
            _("This investigation is finished and cannot change; start a new assessment."), code="assessment.finished"
        )
    return assessment


def ensure_member(assessment: Assessment, member: Member) -> None:
    if member.household_id != assessment.household_id:
        raise InvalidInput(field_errors={"member": [_("This person is not a member of the household.")]})
