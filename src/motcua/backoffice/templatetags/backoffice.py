"""Small filters for the back-office templates."""

from django import template

from motcua.dossiers.transitions import TRANSITIONS

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """The Vietnamese name of an event's action, from the transition table."""
    t = TRANSITIONS.get(action)
    return t.label if t else action


@register.filter
def indent(depth) -> str:
    """Non-breaking spaces showing a unit's depth in a select of the unit tree."""
    return "\u00a0\u00a0" * int(depth or 0)


@register.filter
def field_error(form, name: str) -> str:
    return form.error_for(name)
