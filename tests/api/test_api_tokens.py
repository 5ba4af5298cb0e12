"""`python -m motcua create-api-token`: prints the token once, stores only its hash."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from motcua.agencies import scope
from motcua.agencies.models import RoleAssignment
from motcua.api.models import LAST_USED_PRECISION, ApiToken, digest


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


def test_the_caller_is_loaded_as_the_orm_would_load_it(people, django_assert_num_queries):
    """``user_for`` reads token, user and official record by a written-out statement: the
    same values and types as the ORM's (SQLite's text times and 0/1 booleans converted),
    loaded (not new) instances, and no further query for the official record."""
    from django.utils import timezone

    user = people["receiver"]
    user.last_login = timezone.now()
    user.save()
    row, token = ApiToken.issue(user, "Kiểm thử")
    row.touch()
    with django_assert_num_queries(1):
        found = ApiToken.user_for(token)
        name = found.official.full_name
    assert name == user.official.full_name
    expected = get_user_model().objects.get(pk=user.pk)
    for field in get_user_model()._meta.concrete_fields:
        value = getattr(found, field.attname)
        assert value == getattr(expected, field.attname), field.name
        assert type(value) is type(getattr(expected, field.attname)), field.name
    assert not found._state.adding and found.official.user_id == user.pk
    admin = get_user_model().objects.create_superuser("quantri.he.thong", password="pw-x-1")
    _row, token = ApiToken.issue(admin, "Không phải cán bộ")
    found = ApiToken.user_for(token)
    with django_assert_num_queries(0):
        assert not hasattr(found, "official")


def test_a_stale_last_use_is_noted_once(people):
    row, token = ApiToken.issue(people["receiver"], "Kiểm thử")
    ApiToken.user_for(token)
    row.refresh_from_db()
    first = row.last_used
    assert first is not None
    ApiToken.objects.filter(pk=row.pk).update(last_used=first - LAST_USED_PRECISION)
    ApiToken.user_for(token)
    row.refresh_from_db()
    assert row.last_used > first


def test_the_callers_roles_come_with_the_token(people, province, django_assert_num_queries):
    user = people["receiver"]
    RoleAssignment.objects.create(official=user.official, unit=province["commune_b"],
                                  role="LEADER_VIEWER")  # fmt: skip
    _row, token = ApiToken.issue(user, "Kiểm thử")
    found = ApiToken.user_for(token)
    with django_assert_num_queries(0):
        assert sorted(scope.held(found)) == [
            ("LEADER_VIEWER", province["commune_b"].path),
            ("RECEIVER", province["commune_a_center"].path),
        ]
    admin = get_user_model().objects.create_superuser("quantri.he.thong", password="pw-x-1")
    _row, token = ApiToken.issue(admin, "Không phải cán bộ")
    found = ApiToken.user_for(token)
    with django_assert_num_queries(0):
        assert scope.held(found) == [] and scope.unit_paths(found) == ["/"]
