"""`python -m motcua create-api-token`: prints the token once, stores only its hash."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from motcua.api.models import ApiToken, digest


def create(*args) -> str:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    assert "không hiển thị lại" in err.getvalue()
    return out.getvalue().strip()


def test_the_command_prints_a_working_token(people):
    token = create("tiepnhan", "--name", "Cổng dịch vụ công quốc gia")
    row = ApiToken.objects.get()
    assert row.name == "Cổng dịch vụ công quốc gia" and row.user == people["receiver"]
    assert row.key_hash == digest(token) and token not in str(row.__dict__)
    response = Client().get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json() == {"items": [], "next": None}


def test_the_command_refuses_unknown_users_and_citizens(people):
    with pytest.raises(CommandError, match="Không có tài khoản"):
        create("khong-co", "--name", "X")
    get_user_model().objects.create_user("congdan", password="pw-for-tests-only")
    with pytest.raises(CommandError, match="không phải cán bộ"):
        create("congdan", "--name", "X")
    assert ApiToken.objects.count() == 0
