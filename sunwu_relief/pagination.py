from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 500


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M`, M from 1 to 500; a bad page_size is a 400, not a silent clamp."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise exceptions.ValidationError(
                {"page_size": [_("page_size must be a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}]}
            )
        return size

    def get_page_number(self, request, paginator) -> str:
        # `?page=` (empty) is not page 1: like any page that is not a whole number, a 404.
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not raw.strip():
            raise exceptions.NotFound(_("Invalid page."))
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
        return parameters

    def get_paginated_response_schema(self, schema: dict) -> dict:
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "next", "previous", "results"]
        return response
