"""The link from a list page to its download (sunwu_relief/exports.py)."""

from django import template

from sunwu_relief.exports import download_query

register = template.Library()


@register.simple_tag(takes_context=True)
def xlsx_query(context) -> str:
    """The page's filters (no page number) with `format=xlsx`, for `href="?…"`."""
    return download_query(context["request"])
