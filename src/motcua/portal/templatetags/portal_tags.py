"""Small display helpers for the portal's templates."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def vnd(value) -> str:
    """An amount of đồng the Vietnamese way: 1.500.000 (Django's vi locale sets no grouping)."""
    try:
        number = int(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return f"{number:,}".replace(",", ".")
