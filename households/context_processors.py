from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import contacts_for


def county(request: HttpRequest) -> dict:
    """`contacts`: the county's particulars for every page footer (one query, only when a
    template uses them). Pages of one township pass their own `contacts_for(township)`."""
    return {"contacts": SimpleLazyObject(contacts_for)}
