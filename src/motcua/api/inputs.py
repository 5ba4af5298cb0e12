"""Reading request data: ninja's JSON parser, refusing NUL characters.

PostgreSQL text cannot hold a NUL (0x00) character: a query with one fails inside the
database (a 500, and an aborted transaction). Django's forms refuse NUL for the same reason;
this does the same for every API query string and JSON body, before any handler runs.
"""

import json

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser

NUL = "\x00"
MESSAGE = "Không được chứa ký tự NUL (\\u0000)."


def has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


class SafeParser(Parser):
    def parse_body(self, request: HttpRequest):
        data = json.loads(request.body)
        if has_nul(data):
            raise ValueError(MESSAGE)  # ninja answers 400 (api.main: bad_request)
        return data

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest):
        bad = [key for key, values in data.lists() if has_nul(key) or has_nul(values)]
        if bad:
            raise ValidationError([{"loc": ("query", key), "msg": MESSAGE} for key in bad])
        return super().parse_querydict(data, list_fields, request)
