"""Every action of the transition table, taken through HTTP by the one who may take it."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.transitions import TRANSITIONS
from tests.api.api_client import BearerClient
from tests.factories import at, intake


class Actor:
    """Takes actions with the row_version it last saw, as a screen would."""

    def __init__(self, client, taken: set):
        self.client, self.taken = client, taken

    def __call__(self, d: dict, action: str, **params) -> dict:
        response = self.client.post(
            f"/api/v1/dossiers/{d['code']}/actions/{action}",
            {"version": d["row_version"], **params},
        )
        assert response.status_code == 200, (action, response.content)
        self.taken.add(action)
        return response.json()


@pytest.fixture
def citizen(db):
    """A citizen's browser session (CSRF is tested in test_api_dossier_access)."""
    user = get_user_model().objects.create_user("congdan", password="pw-for-tests-only")
    client = BearerClient(None)
    client.force_login(user)
    return client


def test_every_action_of_the_table(clients, citizen, dossier_body, people, procedure, province):
    taken = set()
    a = {key: Actor(c, taken) for key, c in clients.items()}
    applicant = Actor(citizen, taken)

    # Online: intake supplement, resubmission, receipt, then the whole processing side.
    submitted = citizen.post("/api/v1/dossiers/online", dossier_body(), HTTP_IDEMPOTENCY_KEY="x-1")
    assert submitted.status_code == 201
    d = submitted.json()
    d = a["receiver"](d, "request_intake_supplement", reason="Tờ khai chưa ký",
                      items=["Tờ khai (có chữ ký)"])  # fmt: skip
    assert d["state"] == "SUBMITTED" and d["available_actions"] == [
        "receive", "request_intake_supplement", "refuse", "withdraw",
    ]  # fmt: skip
    assert "resubmit" in citizen.get(f"/api/v1/dossiers/{d['code']}").json()["available_actions"]
    d = applicant(d, "resubmit", note="Đã ký tờ khai")
    d = a["receiver"](d, "receive")
    assert d["state"] == "RECEIVED" and d["due_at"]
    d = a["receiver"](d, "forward")
    d = a["head"](d, "assign", assignee="chuyenvien")
    d = a["specialist"](d, "request_supplement", reason="Thiếu giấy chứng sinh",
                        items=["Giấy chứng sinh"])  # fmt: skip
    assert (d["state"], d["supplement_requests"], d["paused_at"] is not None) == (
        "WAITING_SUPPLEMENT", 1, True,
    )  # fmt: skip
    d = applicant(d, "complete_supplement", note="Đã nộp bổ sung")
    assert d["state"] == "IN_PROCESS" and d["paused_at"] is None
    d = a["specialist"](d, "request_payment", reason="Lệ phí", amount=8000)
    assert d["state"] == "WAITING_PAYMENT"
    d = a["receiver"](d, "confirm_payment", paid_online=True)
    assert d["state"] == "IN_PROCESS" and d["paid_online"] is True
    d = a["specialist"](d, "transfer", to_unit=province["justice_div"].code, hours=8,
                        reason="Xin ý kiến Sở Tư pháp")  # fmt: skip
    assert d["current_unit"]["code"] == province["justice_div"].code
    d = a["justice"](d, "forward", note="Nhất trí")
    assert (d["step"]["order"], d["current_unit"]["code"]) == (2, province["commune_a"].code)
    d = a["specialist"](d, "forward")
    d = a["head"](d, "send_back", to_step=2, reason="Xác minh lại")
    assert d["step"]["order"] == 2
    d = a["specialist"](d, "forward")
    d = a["head"](d, "not_eligible", reason="Không thuộc thẩm quyền")
    assert d["state"] == "STOPPED" and d["national_code"] == 8 and d["available_actions"] == []

    # Received in March, overdue now: apology with a new date, then withdrawal on request.
    late = services.receive_at_counter(people["receiver"], province["commune_a_center"],
                                       intake(procedure), now=at("2026-03-02 09:00"))  # fmt: skip
    d = clients["head"].get(f"/api/v1/dossiers/{late.code}").json()
    assert d["overdue"] and d["needs_apology"] and "apologize" in d["available_actions"]
    new_due = (timezone.localtime() + timedelta(days=7)).replace(microsecond=0)
    d = a["head"](d, "apologize", reason="Chờ xác minh", new_due=new_due.isoformat())
    assert d["rescheduled_due_at"] == new_due.isoformat() and d["needs_apology"] is False
    d = a["receiver"](d, "withdraw", reason="Người nộp xin rút")
    assert d["state"] == "WITHDRAWN"

    # Refused at intake; stopped when the supplement lapsed.
    d = citizen.post("/api/v1/dossiers/online", dossier_body(), HTTP_IDEMPOTENCY_KEY="x-2").json()
    assert a["receiver"](d, "refuse", reason="Không thuộc thẩm quyền")["state"] == "REJECTED"
    d = clients["receiver"].post("/api/v1/dossiers", dossier_body()).json()
    d = a["receiver"](d, "forward")
    d = a["specialist"](d, "request_supplement", reason="Thiếu giấy tờ")
    assert a["receiver"](d, "lapse_supplement", reason="Quá hạn bổ sung")["state"] == "STOPPED"

    # resolve and return_result: test_api_dossier_flow.
    assert taken | {"resolve", "return_result", "submit"} == set(TRANSITIONS)
