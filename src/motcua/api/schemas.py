"""Schemas shared by every router."""

from ninja import Schema


class Error(Schema):
    code: str
    message: str
    field: str | None = None
