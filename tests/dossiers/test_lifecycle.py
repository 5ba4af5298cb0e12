"""Whole lifecycles through the services, with fixed moments in Vietnam's time."""

import pytest
from django.core.exceptions import ValidationError

from motcua.core.errors import Conflict, DomainError, Forbidden
from motcua.dossiers import services
from motcua.dossiers.models import CodeSequence, Dossier, Event
from tests.factories import at, intake


def receive(procedure, people, province, when="2026-03-02 09:00", **extra):
    return services.receive_at_counter(
        people["receiver"], province["commune_a_center"], intake(procedure, **extra), now=at(when)
    )


def test_happy_path_from_counter_to_return(procedure, people, province):
    d = receive(procedure, people, province)
    assert d.code == "000.01.31.H99-260302-0001"
    assert d.state == "RECEIVED" and d.national_code == 2
    assert d.competent_unit == province["commune_a"]
    assert d.due_at == at("2026-03-05 17:00") == d.original_due_at  # Tue, Wed, Thu
    assert d.step_order == 1 and d.step_due_at == at("2026-03-02 15:00")  # 2.5 h + 1.5 h
    assert d.rule_set == "ND118_TT03"

    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    assert (d.state, d.step_order, d.current_unit) == ("IN_PROCESS", 2, province["commune_a"])
    d = services.act(
        d, "assign", people["head"], assignee=people["specialist"], now=at("2026-03-02 10:30")
    )
    assert d.assignee == people["specialist"]
    d = services.act(d, "forward", people["specialist"], now=at("2026-03-02 16:00"))
    assert (d.step_order, d.step_role) == (3, "HEAD")
    d = services.act(
        d,
        "resolve",
        people["head"],
        e_result=True,
        result_number="15/GKS",
        now=at("2026-03-04 10:00"),
    )
    assert d.state == "RESOLVED" and d.national_code == 9 and d.verdict == "EARLY"
    assert (d.step_order, d.current_unit) == (4, province["commune_a_center"])
    d = services.act(
        d,
        "return_result",
        people["receiver"],
        recipient="Nguyễn Thị Ngọc Ánh",
        now=at("2026-03-05 08:00"),
    )
    assert d.state == "RETURNED" and d.returned_at == at("2026-03-05 08:00")

    events = list(d.events.all())
    assert [e.action for e in events] == [
        "receive",
        "forward",
        "assign",
        "forward",
        "resolve",
        "return_result",
    ]
    assert [e.to_state for e in events][-2:] == ["RESOLVED", "RETURNED"]
    assert events[1].verdict == "ON_TIME" and events[1].step_order == 1
    assert events[3].verdict == "EARLY" and events[3].to_step_order == 3
    assert events[2].actor_name == "lanhdao" and events[2].role == "HEAD"


def test_codes_are_sequential_per_agency_and_day(procedure, people, province):
    codes = [
        receive(procedure, people, province, when=w).code
        for w in ("2026-03-02 09:00", "2026-03-02 09:05", "2026-03-03 08:00")
    ]
    assert codes == [
        "000.01.31.H99-260302-0001",
        "000.01.31.H99-260302-0002",
        "000.01.31.H99-260303-0001",
    ]


def test_a_failed_receipt_leaves_nothing_and_no_gap(procedure, people, province):
    bad = intake(procedure)
    bad.applicant["id_number"] = "03719000012"  # 11 digits
    with pytest.raises(DomainError) as exc:
        services.receive_at_counter(
            people["receiver"], province["commune_a_center"], bad, now=at("2026-03-02 09:00")
        )
    assert exc.value.code == "invalid_id_number" and exc.value.field == "applicant.id_number"
    missing = intake(procedure)
    missing.components = []
    with pytest.raises(DomainError) as exc:
        services.receive_at_counter(
            people["receiver"], province["commune_a_center"], missing, now=at("2026-03-02 09:00")
        )
    assert exc.value.code == "components_missing" and "Tờ khai" in exc.value.message
    assert Dossier.objects.count() == 0 and Event.objects.count() == 0
    assert receive(procedure, people, province).code.endswith("-0001")
    assert CodeSequence.objects.get().last == 1


def test_supplement_pauses_the_clock_e7(long_procedure, people, province):
    d = receive(long_procedure, people, province, when="2026-03-02 09:00")
    assert d.due_at == at("2026-03-16 17:00")
    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    with pytest.raises(DomainError) as exc:
        services.act(d, "request_supplement", people["specialist"], now=at("2026-03-05 09:00"))
    assert exc.value.code == "reason_required"
    d = services.act(
        d,
        "request_supplement",
        people["specialist"],
        reason="Thiếu bản sao CCCD",
        items=["Bản sao căn cước"],
        now=at("2026-03-05 09:00"),
    )
    assert d.state == "WAITING_SUPPLEMENT" and d.national_code == 5
    d = services.act(d, "complete_supplement", people["receiver"], now=at("2026-03-12 09:00"))
    assert d.state == "IN_PROCESS"
    assert d.due_at == at("2026-03-23 17:00")  # 5 paused working days later (E7)
    assert d.original_due_at == at("2026-03-16 17:00")
    event = d.events.last()
    assert event.due_before == at("2026-03-16 17:00") and event.due_after == at("2026-03-23 17:00")
    assert event.data["paused_hours"] == 40


def test_second_supplement_warns_it_counts_late(long_procedure, people, province):
    d = receive(long_procedure, people, province)
    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    d = services.act(
        d,
        "request_supplement",
        people["specialist"],
        reason="Thiếu giấy tờ",
        now=at("2026-03-03 09:00"),
    )
    d = services.act(d, "complete_supplement", people["receiver"], now=at("2026-03-04 09:00"))
    with pytest.raises(DomainError) as exc:
        services.act(
            d,
            "request_supplement",
            people["specialist"],
            reason="Thiếu tiếp",
            now=at("2026-03-05 09:00"),
        )
    assert exc.value.code == "second_supplement_counts_late" and "quá hạn" in exc.value.message
    d = services.act(
        d,
        "request_supplement",
        people["specialist"],
        reason="Thiếu tiếp",
        acknowledge_late=True,
        now=at("2026-03-05 09:00"),
    )
    d = services.act(d, "complete_supplement", people["receiver"], now=at("2026-03-05 10:00"))
    d = services.act(d, "forward", people["specialist"], now=at("2026-03-06 09:00"))
    d = services.act(d, "resolve", people["head"], e_result=True, now=at("2026-03-06 10:00"))
    assert d.verdict == "LATE"  # early by the dates, late by the 766 rule


def test_online_refusal_needs_a_reason(procedure, people, province, make_official):
    citizen = make_official("congdan", "LEADER_VIEWER", province["commune_b"])
    d = services.submit_online(
        citizen, province["commune_a_center"], intake(procedure), now=at("2026-03-02 20:00")
    )
    assert d.state == "SUBMITTED" and d.national_code == 1 and d.received_at is None
    with pytest.raises(DomainError) as exc:
        services.act(d, "refuse", people["receiver"], reason="  ")
    assert exc.value.code == "reason_required"
    d = services.act(
        d, "refuse", people["receiver"], reason="Không thuộc thẩm quyền", now=at("2026-03-03 08:00")
    )
    assert d.state == "REJECTED" and d.national_code == 3
    with pytest.raises(Conflict) as exc:
        services.act(d, "receive", people["receiver"])
    assert exc.value.code == "illegal_transition"


def test_online_receipt_starts_the_clock_at_receipt(procedure, people, province):
    d = services.submit_online(
        None,
        province["commune_a_center"],
        intake(procedure),
        idempotency_key="abc-1",
        now=at("2026-03-06 20:00"),
    )
    again = services.submit_online(
        None,
        province["commune_a_center"],
        intake(procedure),
        idempotency_key="abc-1",
        now=at("2026-03-06 20:00"),
    )
    assert again.pk == d.pk and Dossier.objects.count() == 1
    d = services.act(d, "receive", people["receiver"], now=at("2026-03-09 08:00"))
    assert d.state == "RECEIVED" and d.received_at == at("2026-03-09 08:00")
    assert d.due_at == at("2026-03-12 17:00")


def test_lien_thong_to_another_unit_and_back(procedure, people, province):
    d = receive(procedure, people, province)
    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    d = services.act(
        d,
        "transfer",
        people["specialist"],
        to_unit="000.01.12.H99",
        hours=8,
        reason="Xác minh lý lịch tư pháp",
        now=at("2026-03-02 13:30"),
    )
    assert d.current_unit == province["justice_div"] and d.step_role == "SPECIALIST"
    assert d.step_due_at == at("2026-03-03 11:30")
    with pytest.raises(Forbidden):
        services.act(d, "forward", people["specialist"], now=at("2026-03-03 09:00"))
    d = services.act(d, "forward", people["justice"], now=at("2026-03-03 09:00"))
    assert (d.current_unit, d.step_order) == (province["commune_a"], 2)
    transfer, back = d.events.filter(action__in=["transfer", "forward"]).order_by("seq")[1:]
    assert transfer.to_unit == province["justice_div"]
    assert back.unit == province["justice_div"] and back.verdict == "ON_TIME"


def test_send_back_to_an_earlier_step(procedure, people, province):
    d = receive(procedure, people, province)
    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    d = services.act(d, "forward", people["specialist"], now=at("2026-03-03 10:00"))
    with pytest.raises(DomainError) as exc:
        services.act(d, "send_back", people["head"], to_step=3, reason="x")
    assert exc.value.code == "invalid_step"
    d = services.act(
        d,
        "send_back",
        people["head"],
        to_step=2,
        reason="Thẩm định lại",
        now=at("2026-03-03 11:00"),
    )
    assert d.step_order == 2 and d.events.last().to_step_order == 2


def test_late_dossier_demands_one_apology_e8(long_procedure, people, province):
    d = receive(long_procedure, people, province)  # due Mon 16/03 17:00
    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    assert not services.needs_apology(d, at("2026-03-12 16:00"))
    with pytest.raises(DomainError) as exc:
        services.act(
            d,
            "apologize",
            people["head"],
            reason="Chờ xác minh",
            new_due="2026-03-20T17:00:00+07:00",
            now=at("2026-03-12 16:00"),
        )
    assert exc.value.code == "apology_too_early"
    assert services.needs_apology(d, at("2026-03-13 08:00"))  # one working day before
    d = services.act(
        d,
        "apologize",
        people["head"],
        reason="Chờ xác minh",
        new_due="2026-03-20T17:00:00+07:00",
        now=at("2026-03-13 08:00"),
    )
    assert d.apologies == 1 and d.rescheduled_due_at == at("2026-03-20 17:00")
    assert d.due_at == at("2026-03-16 17:00")  # statistics keep the original
    assert not services.needs_apology(d, at("2026-03-13 09:00"))
    with pytest.raises(DomainError) as exc:
        services.act(
            d,
            "apologize",
            people["head"],
            reason="Lần nữa",
            new_due="2026-03-27T17:00:00+07:00",
            now=at("2026-03-17 08:00"),
        )
    assert exc.value.code == "reappointment_limit"
    d = services.act(d, "forward", people["specialist"], now=at("2026-03-18 09:00"))
    d = services.act(d, "resolve", people["head"], e_result=True, now=at("2026-03-18 10:00"))
    assert d.verdict == "LATE" and services.is_overdue(d)


def test_applicant_stop_request(procedure, people, province, make_official):
    owner = make_official("congdan", "LEADER_VIEWER", province["commune_b"])
    d = services.submit_online(
        owner, province["commune_a_center"], intake(procedure), now=at("2026-03-02 09:00")
    )
    d = services.act(d, "withdraw", owner, reason="Không còn nhu cầu", now=at("2026-03-02 10:00"))
    assert d.state == "WITHDRAWN" and d.national_code == 7

    d = receive(procedure, people, province)
    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    d = services.act(d, "withdraw", people["receiver"], now=at("2026-03-02 11:00"))
    assert d.state == "WITHDRAWN" and d.finished_at == at("2026-03-02 11:00")


def test_no_stop_once_a_decision_exists(procedure, people, province):
    d = receive(procedure, people, province)
    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    d = services.act(d, "resolve", people["head"], e_result=True, now=at("2026-03-02 11:00"))
    with pytest.raises(Conflict) as exc:
        services.act(d, "withdraw", people["receiver"], now=at("2026-03-02 12:00"))
    assert exc.value.code == "decision_exists"


def test_not_eligible_stops_with_a_reasoned_notice(procedure, people, province):
    d = receive(procedure, people, province)
    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    d = services.act(
        d,
        "not_eligible",
        people["head"],
        reason="Không đủ điều kiện theo Điều 16",
        now=at("2026-03-03 10:00"),
    )
    assert d.state == "STOPPED" and d.national_code == 8 and d.verdict == "EARLY"


def test_written_result_requires_an_e_result(procedure, people, province):
    d = receive(procedure, people, province)
    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    with pytest.raises(DomainError) as exc:
        services.act(d, "resolve", people["head"])
    assert exc.value.code == "e_result_required"


def test_financial_obligation_pauses_the_clock(procedure, people, province):
    d = receive(procedure, people, province)
    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    d = services.act(
        d,
        "request_payment",
        people["specialist"],
        reason="Nộp thuế",
        amount=500000,
        now=at("2026-03-03 09:00"),
    )
    assert d.state == "WAITING_PAYMENT" and d.national_code == 6
    d = services.act(
        d, "confirm_payment", people["receiver"], paid_online=True, now=at("2026-03-04 09:00")
    )
    assert d.due_at == at("2026-03-06 17:00") and d.paid_online


def test_who_may_act(procedure, people, province):
    d = receive(procedure, people, province)
    with pytest.raises(Forbidden):
        services.act(d, "forward", people["other_receiver"])
    with pytest.raises(Forbidden):
        services.receive_at_counter(
            people["other_receiver"], province["commune_a_center"], intake(procedure)
        )
    assert [t.action for t in services.available_actions(d, people["receiver"])] == [
        "forward",
        "withdraw",
    ]
    assert services.available_actions(d, people["other_receiver"]) == []
    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    d = services.act(d, "assign", people["head"], assignee=people["specialist"])
    other = people["justice"]
    with pytest.raises(DomainError) as exc:
        services.act(d, "assign", people["head"], assignee=other)
    assert exc.value.code == "invalid_assignee"


def test_stale_version_is_a_conflict(procedure, people, province):
    d = receive(procedure, people, province)
    seen = d.row_version
    services.act(d, "forward", people["receiver"], expected_version=seen)
    with pytest.raises(Conflict) as exc:
        services.act(d, "forward", people["receiver"], expected_version=seen)
    assert exc.value.code == "dossier_changed" and "đã thay đổi" in exc.value.message


def test_events_cannot_be_rewritten_or_deleted(procedure, people, province):
    event = receive(procedure, people, province).events.get()
    event.note = "sửa"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_corrections_are_audited_events(procedure, people, province, make_official):
    d = receive(procedure, people, province)
    with pytest.raises(Forbidden):
        services.correct(d, people["receiver"], reason="Sai số", applicant_phone="0987654321")
    admin = make_official("quantri.xa", "UNIT_ADMIN", province["commune_a"])
    with pytest.raises(DomainError) as exc:
        services.correct(d, admin, reason="Sai", applicant_id_number="012345678901")
    assert exc.value.code == "not_correctable"
    with pytest.raises(DomainError) as exc:
        services.correct(d, admin, reason="Sai số", applicant_phone="12")
    assert exc.value.code == "invalid_phone"
    assert Dossier.objects.get(pk=d.pk).applicant_phone == "0912345678"
    d = services.correct(d, admin, reason="Người nộp đổi số", applicant_phone="0987654321")
    event = d.events.last()
    assert event.action == "correct" and event.note == "Người nộp đổi số"
    assert event.data["changes"]["applicant_phone"] == {"old": "0912345678", "new": "0987654321"}
    assert d.events.count() == 2 and d.events.first().action == "receive"
