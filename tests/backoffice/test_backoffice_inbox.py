"""Inboxes sorted by urgency, the due-soon/overdue panel, warnings by e-mail, my figures."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from motcua.backoffice import alerts, inbox, stats
from motcua.dossiers import services
from tests.factories import at, intake

pytestmark = pytest.mark.django_db


def receive(proc, staff, province, when):
    return services.receive_at_counter(
        staff["receiver"], province["commune_a_center"], intake(proc), now=when
    )


def test_mine_follows_the_dossier_from_desk_to_specialist(received, staff, client_for):
    desk = client_for(staff["receiver"])
    assert received.code in desk.get("/can-bo/").text
    specialist = client_for(staff["specialist"])
    assert received.code not in specialist.get("/can-bo/").text
    assert received.code in specialist.get("/can-bo/?pham-vi=tat-ca").text
    services.act(received, "forward", staff["receiver"], now=at("2026-03-02 10:00"))
    assert received.code in specialist.get("/can-bo/").text
    assert received.code not in desk.get("/can-bo/").text
    assert received.code in client_for(staff["head"]).get("/can-bo/").text  # to assign


def test_rows_are_sorted_by_urgency_and_coloured(proc, staff, province, client_for):
    now = timezone.now()
    late = receive(proc, staff, province, now - timedelta(days=30))
    fresh = receive(proc, staff, province, now)
    page = client_for(staff["receiver"]).get("/can-bo/").text
    assert page.index(late.code) < page.index(fresh.code)
    assert '<tr class="late">' in page and "quá hạn" in page
    rows = inbox.decorate(
        inbox.ordered(inbox.mine(staff["receiver"]), "toi").select_related(
            "current_unit", "competent_unit"
        ),
        now,
    )
    assert [r.code for r in rows] == [late.code, fresh.code]
    assert rows[0].worst_clock.urgency == "OVERDUE"
    assert rows[1].dossier_clock.urgency == "ON_TIME" and rows[1].dossier_clock.remaining


def test_filters(proc, staff, province, client_for):
    now = timezone.now()
    a = receive(proc, staff, province, now)
    b = receive(proc, staff, province, now - timedelta(days=30))
    c = client_for(staff["receiver"])

    def table(query: str) -> str:
        r = c.get(f"/can-bo/?{query}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ket-qua")
        assert "<html" not in r.text  # the partial only
        return r.text

    assert a.code in table(f"pham-vi=tat-ca&q={a.code}")
    assert b.code not in table(f"pham-vi=tat-ca&q={a.code}")
    by_id = table("pham-vi=tat-ca&q=037190000123")
    assert a.code in by_id and b.code in by_id
    assert a.code in table("pham-vi=tat-ca&q=Ngọc Ánh")
    assert a.code not in table("pham-vi=tat-ca&q=Trần Văn Không")
    assert a.code in table("pham-vi=tat-ca&thu-tuc=1.001193")
    overdue = table("pham-vi=toi&han=qua-han")
    assert b.code in overdue and a.code not in overdue
    day = timezone.localdate(now).isoformat()
    today = table(f"pham-vi=tat-ca&tu-ngay={day}&den-ngay={day}")
    assert a.code in today and b.code not in today
    assert a.code in table("pham-vi=tat-ca&trang-thai=RECEIVED")
    assert a.code not in table("pham-vi=tat-ca&trang-thai=RETURNED")


def test_warning_panel_counts(proc, staff, province):
    now = timezone.now()
    receive(proc, staff, province, now - timedelta(days=30))
    receive(proc, staff, province, now)
    w = inbox.warnings(staff["receiver"], now)
    assert w["mine_overdue"] == 1 and w["unit_overdue"] == 1


def test_inbox_query_count_does_not_grow_with_rows(proc, staff, province, client_for,
                                                  django_assert_max_num_queries):  # fmt: skip
    now = timezone.now()
    for i in range(12):
        receive(proc, staff, province, now - timedelta(days=i))
    c = client_for(staff["receiver"])
    c.get("/can-bo/")  # warm the calendar cache
    with django_assert_max_num_queries(20):
        r = c.get("/can-bo/")
    assert r.text.count("/can-bo/ho-so/") >= 12


def test_warn_due_emails_handlers_and_heads(proc, staff, province, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user in (staff["specialist"], staff["head"], staff["receiver"]):
        user.email = f"{user.username}@example.vn"
        user.save()
    now = timezone.now()
    d = receive(proc, staff, province, now - timedelta(days=30))
    services.act(d, "forward", staff["receiver"], now=now - timedelta(days=29))
    receive(proc, staff, province, now + timedelta(days=40))  # far from due: nobody warned
    found = alerts.collect(now)
    assert set(found) == {staff["specialist"], staff["head"]}
    # The step and the dossier are both late: two alerts each, none repeated.
    assert sorted(a.what for a in found[staff["head"]]) == ["bước xử lý", "hồ sơ"]
    call_command("warn_due")
    assert {tuple(m.to) for m in mail.outbox} == {
        ("chuyenvien@example.vn",),
        ("lanhdao@example.vn",),
    }
    body = mail.outbox[0].body
    assert d.code in body and "Quá hạn" in body and "quá hạn" in mail.outbox[0].subject


def test_my_work_figures(received, staff, client_for):
    now = timezone.now()
    services.act(received, "forward", staff["receiver"], now=now)
    services.act(received, "assign", staff["head"], assignee=staff["specialist"], now=now)
    mine = stats.mine(staff["receiver"], now)
    assert (mine.actions, mine.dossiers, mine.on_time + mine.late) == (1, 1, 1)
    total, people = stats.unit(staff["head"], now)
    assert total.actions >= 1 and any(p["name"] == "lanhdao" for p in people)
    assert stats.unit(staff["specialist"], now) is None
    page = client_for(staff["head"]).get("/can-bo/cong-viec/").text
    assert "Đơn vị tôi phụ trách" in page and "lanhdao" in page
    assert (
        "Đơn vị tôi phụ trách" not in client_for(staff["specialist"]).get("/can-bo/cong-viec/").text
    )


def test_duration_text():
    day = timedelta(hours=8)
    assert inbox.duration_text(timedelta(hours=11, minutes=30), day) == "còn 1 ngày 3 giờ"
    assert inbox.duration_text(timedelta(minutes=-135), day, True) == "quá hạn 2 giờ 15 phút"
    assert inbox.duration_text(timedelta(0), day, True) == "đã quá hạn"  # a weekend after
