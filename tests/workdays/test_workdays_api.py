"""GET /api/v1/calendar/deadline and /working-days, and ``python -m motcua deadline``."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.workdays import services

pytestmark = pytest.mark.django_db

DEADLINE = "/api/v1/calendar/deadline"
WORKING_DAYS = "/api/v1/calendar/working-days"


@pytest.fixture(autouse=True)
def fresh_cache():
    services.invalidate()
    yield
    services.invalidate()


def test_deadline_in_working_days_e1(client):
    response = client.get(DEADLINE, {"start": "2026-02-12T10:00:00+07:00", "working_days": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2026-02-26T17:00:00+07:00"
    assert body["unit"] == "WORKING_DAY"
    assert body["label"] == "5 ngày làm việc"
    assert body["appointment"] == "17 giờ 00 phút, ngày 26 tháng 02 năm 2026"


def test_deadline_hour_mode_and_naive_start_read_as_vietnam_time(client):
    query = {"start": "2026-02-12T10:00", "working_days": 5, "hour_mode": "true"}
    body = client.get(DEADLINE, query).json()
    assert body["due"] == "2026-02-26T10:00:00+07:00"
    assert body["start"] == "2026-02-12T10:00:00+07:00"


def test_deadline_converts_other_offsets(client):
    body = client.get(DEADLINE, {"start": "2026-02-12T03:00:00Z", "working_hours": 2}).json()
    assert body["due"] == "2026-02-12T14:00:00+07:00"  # 10:00-11:30, then 13:30-14:00


@pytest.mark.parametrize(
    ("query", "due"),
    [
        ({"days": 10, "start": "2026-02-06T09:00:00+07:00"}, "2026-02-23T17:00:00+07:00"),
        ({"days": 15, "start": "2026-02-10T09:00:00+07:00"}, "2026-02-25T17:00:00+07:00"),
        ({"same_day": "true", "start": "2026-02-13T16:00:00+07:00"}, "2026-02-23T17:00:00+07:00"),
        (
            {"same_day": "true", "cutoff": "16:30", "start": "2026-02-13T16:00:00+07:00"},
            "2026-02-13T17:00:00+07:00",
        ),
        (
            {"working_days": "0.5", "start": "2026-03-02T09:00:00+07:00"},
            "2026-03-02T15:00:00+07:00",
        ),
    ],
)
def test_deadline_other_limit_kinds(client, query, due):
    response = client.get(DEADLINE, query)
    assert response.status_code == 200, response.content
    assert response.json()["due"] == due


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"working_days": -1}, "time_limit_not_positive"),
        ({"working_days": 0}, "time_limit_not_positive"),
        ({"working_days": 100000}, "time_limit_too_large"),
        ({"days": 100000}, "time_limit_too_large"),
        ({"working_hours": 99999}, "time_limit_too_large"),
        ({}, "time_limit_missing"),
        ({"working_days": 3, "days": 3}, "time_limit_ambiguous"),
        ({"working_days": 3, "same_day": "true"}, "time_limit_ambiguous"),
    ],
)
def test_deadline_refuses_bad_limits_in_vietnamese(client, query, code):
    response = client.get(DEADLINE, {"start": "2026-03-02T09:00:00+07:00", **query})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code
    assert any(c in body["message"] for c in "ạảấầẩậắằẳặẹẻếềểệịọỏốồổộớờởợụủứừửựỳỷ")


def test_deadline_missing_or_malformed_start(client):
    missing = client.get(DEADLINE, {"working_days": 3})
    assert missing.status_code == 422
    assert missing.json()["code"] == "validation_error"
    assert client.get(DEADLINE, {"start": "hôm qua", "working_days": 3}).status_code == 422


def test_deadline_for_a_unit_uses_its_windows(client, province):
    from datetime import time

    from motcua.workdays.models import WorkingWindow

    WorkingWindow.objects.create(unit=province["justice"], afternoon_end=time(16, 30))
    query = {"start": "2026-03-02T09:00:00+07:00", "working_days": 1}
    assert client.get(DEADLINE, query).json()["due"] == "2026-03-03T17:00:00+07:00"
    body = client.get(DEADLINE, {**query, "unit": province["justice_div"].code}).json()
    assert body["due"] == "2026-03-03T16:30:00+07:00"
    unknown = client.get(DEADLINE, {**query, "unit": "không-có"})
    assert unknown.status_code == 404


def test_working_days_in_february_2026(client):
    response = client.get(WORKING_DAYS, {"from": "2026-02-01", "to": "2026-02-28"})
    assert response.status_code == 200
    assert response.json() == {"count": 15, "from": "2026-02-01", "to": "2026-02-28"}


def test_working_days_counts_makeup_saturday_and_skips_swap_day(client):
    response = client.get(WORKING_DAYS, {"from": "2026-08-22", "to": "2026-08-31"})
    assert response.json()["count"] == 6  # Sat 22 (làm bù) + 24-28; Mon 31 is off


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"from": "2026-03-01", "to": "2026-02-01"}, "date_range_reversed"),
        ({"from": "2000-01-01", "to": "2099-01-01"}, "date_range_too_long"),
        ({"from": "2026-03-01"}, "validation_error"),
    ],
)
def test_working_days_refuses_bad_ranges(client, query, code):
    response = client.get(WORKING_DAYS, query)
    assert response.status_code == 422
    assert response.json()["code"] == code


def test_openapi_documents_both_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    deadline = schema["paths"]["/api/v1/calendar/deadline"]["get"]
    names = {p["name"] for p in deadline["parameters"]}
    assert {"start", "working_days", "days", "working_hours", "same_day", "cutoff"} <= names
    assert "422" in deadline["responses"]
    counting = schema["paths"]["/api/v1/calendar/working-days"]["get"]
    assert {p["name"] for p in counting["parameters"]} >= {"from", "to"}


def run(*args) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def test_cli_deadline_e1():
    output = run("--start", "2026-02-12T10:00", "--working-days", "5")
    assert output.splitlines()[0] == "2026-02-26T17:00:00+07:00"
    assert "Hẹn trả kết quả: 17 giờ 00 phút, ngày 26 tháng 02 năm 2026" in output


def test_cli_other_kinds():
    assert run("--start", "2026-02-12T10:00", "--working-days", "5", "--hour-mode").startswith(
        "2026-02-26T10:00:00+07:00"
    )
    assert run("--start", "2026-02-13T16:00+07:00", "--same-day").startswith(
        "2026-02-23T17:00:00+07:00"
    )
    assert run("--start", "2026-02-06T09:00", "--days", "10").startswith("2026-02-23T17:00")


def test_cli_refuses_negative_counts_in_vietnamese():
    with pytest.raises(CommandError, match=r"lớn hơn 0.*time_limit_not_positive"):
        run("--start", "2026-02-12T10:00", "--working-days", "-1")


def test_cli_through_python_dash_m(capsys):
    from motcua.__main__ import main

    main(["motcua", "deadline", "--start", "2026-08-20T09:00", "--working-days", "3"])
    assert capsys.readouterr().out.startswith("2026-08-24T17:00:00+07:00")


def test_seed_calendar_command_is_idempotent():
    out = StringIO()
    call_command("seed_calendar", stdout=out)
    assert "Năm 2026: giữ nguyên 14 ngày." in out.getvalue()
    assert "đã nạp" not in out.getvalue()
