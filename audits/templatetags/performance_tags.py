from django import template

register = template.Library()


@register.filter
def figure(figures: dict, name: str):
    """`row.figures|figure:"decisions"`: one figure of a performance row."""
    return figures.get(name)
