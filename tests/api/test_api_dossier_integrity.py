"""Conflicts, retries and bad input: each refused with a stable code, nothing changed."""

import pytest
from django.test import Client

from motcua.dossiers.models import CodeSequence, Dossier, Event
from motcua.dossiers.signals import dossier_changed


@pytest.fixture
def received(clients, dossier_body):
    response = clients["receiver"].post("/api/v1/dossiers", dossier_body())
    assert response.status_code == 201
    return response.json()


def act(client, code, action, **body):
    return client.post(f"/api/v1/dossiers/{code}/actions/{action}", body)


def unchanged(code, row_version=1, events=1, state="RECEIVED"):
    d = Dossier.objects.get(code=code)
    assert (d.state, d.row_version, d.events.count()) == (state, row_version, events)


def test_two_officials_with_the_same_version_exactly_one_succeeds(received, clients, people):
    code, seen = received["code"], received["row_version"]
    first = act(clients["receiver"], code, "forward", version=seen)
    assert first.status_code == 200 and first.json()["row_version"] == seen + 1
    second = act(clients["receiver"], code, "withdraw", version=seen, reason="Người nộp xin rút")
    assert second.status_code == 409
    assert second.json()["code"] == "dossier_changed"
    assert second.json()["message"].startswith("Hồ sơ đã thay đổi")
    unchanged(code, row_version=2, events=2, state="IN_PROCESS")
    assert [e.action for e in Event.objects.filter(dossier__code=code)] == ["receive", "forward"]


def test_version_is_required(received, clients):
    response = act(clients["receiver"], received["code"], "forward")
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert "version" in response.json()["message"]
    unchanged(received["code"])


def test_the_same_online_submission_twice_makes_one_dossier(clients, dossier_body, people):
    citizen = clients["receiver_b"]  # any authenticated caller may file online
    key = {"HTTP_IDEMPOTENCY_KEY": "3f1c8a52-7c1e-4c53-9a0e-6f1f1b2d8e11"}
    first = citizen.post("/api/v1/dossiers/online", dossier_body(), **key)
    assert first.status_code == 201, first.content
    again = citizen.post("/api/v1/dossiers/online", dossier_body(), **key)
    assert again.status_code == 200 and again.json()["code"] == first.json()["code"]
    assert first.json()["state"] == "SUBMITTED" and first.json()["channel"] == "online"
    assert Dossier.objects.count() == 1 and Event.objects.count() == 1
    # Another account cannot replay someone else's key to read their dossier.
    stolen = clients["head"].post("/api/v1/dossiers/online", dossier_body(), **key)
    assert stolen.status_code == 409 and stolen.json()["code"] == "idempotency_key_reused"
    missing = citizen.post("/api/v1/dossiers/online", dossier_body())
    assert missing.status_code == 422 and "Idempotency-Key" in missing.json()["message"]
    assert Dossier.objects.count() == 1
    # The desk sees the submission and receives it.
    code = first.json()["code"]
    d = act(clients["receiver"], code, "receive", version=first.json()["row_version"]).json()
    assert d["state"] == "RECEIVED" and d["due_at"]


@pytest.mark.parametrize(
    ("applicant", "code", "field"),
    [
        ({"id_number": "03719000012"}, "invalid_id_number", "applicant.id_number"),
        ({"type": "organization", "name": "Công ty TNHH Hoa Lư", "id_number": "01012345"},
         "invalid_tax_code", "applicant.id_number"),
        ({"phone": "12345"}, "invalid_phone", "applicant.phone"),
    ],
)  # fmt: skip
def test_bad_applicants_are_refused_and_use_no_number(
    clients, dossier_body, applicant, code, field
):
    body = dossier_body()
    body["applicant"].update(applicant)
    response = clients["receiver"].post("/api/v1/dossiers", body)
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["field"] == field
    assert Dossier.objects.count() == 0 and CodeSequence.objects.filter(last__gt=0).count() == 0


def test_a_company_with_a_branch_tax_code_is_received(clients, dossier_body):
    body = dossier_body()
    body["applicant"].update(type="organization", name="Công ty TNHH Hoa Lư",
                             id_number="0101234567-001")  # fmt: skip
    response = clients["receiver"].post("/api/v1/dossiers", body)
    assert response.status_code == 201 and response.json()["applicant"]["type"] == "organization"


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"procedure": "9.999999"}, 422, "unknown_procedure"),
        ({"receiving_unit": "khong-co"}, 422, "unknown_unit"),
        ({"components": []}, 422, "components_missing"),
        ({"components": [{"document": 7}]}, 422, "unknown_document"),
        ({"return_method": "post"}, 422, "return_address_required"),
        ({"receiving_unit": "000.01.32.H99"}, 403, "forbidden"),  # not this receiver's desk
    ],
)
def test_bad_receipts(clients, dossier_body, change, status, code):
    response = clients["receiver"].post("/api/v1/dossiers", dossier_body(**change))
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["message"]
    assert Dossier.objects.count() == 0


def test_online_submissions_go_to_a_one_stop_desk(clients, dossier_body):
    response = clients["receiver"].post(
        "/api/v1/dossiers/online", dossier_body(unit="000.00.31.H99"), HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert response.status_code == 422 and response.json()["code"] == "not_a_one_stop_unit"
    assert Dossier.objects.count() == 0


def test_bad_actions_change_nothing(received, clients):
    code = received["code"]
    receiver = clients["receiver"]

    def refused(client, action, status, error, **body):
        response = act(client, code, action, version=1, **body)
        assert response.status_code == status, response.content
        assert response.json()["code"] == error
        unchanged(code)
        return response.json()

    assert refused(receiver, "fly", 404, "unknown_action")["message"] == "Không có thao tác «fly»."
    refused(receiver, "submit", 404, "unknown_action")
    illegal = refused(receiver, "return_result", 409, "illegal_transition", recipient="A")
    assert "Đã tiếp nhận" in illegal["message"]
    refused(receiver, "refuse", 409, "illegal_transition", reason="Thiếu giấy tờ")
    refused(clients["head"], "assign", 422, "invalid_assignee", assignee="khong-co-ai")
    refused(clients["head"], "assign", 422, "invalid_assignee", assignee="chuyenvien")
    refused(clients["head"], "assign", 422, "assignee_required")
    refused(clients["head"], "apologize", 422, "reason_required")
    refused(clients["receiver_b"], "forward", 404, "dossier_not_found")

    # In process at the specialist's step: a refusal or supplement without reason, a step
    # that is not in the process.
    forward = act(receiver, code, "forward", version=1)
    assert forward.status_code == 200
    specialist = clients["specialist"]
    for action in ("request_supplement", "not_eligible", "send_back", "transfer"):
        client = clients["head"] if action == "not_eligible" else specialist
        response = act(client, code, action, version=2, reason="   ")
        assert response.status_code == 422 and response.json()["code"] == "reason_required"
        assert response.json()["field"] == "reason"
    for to_step in (2, 5, 0):
        response = act(specialist, code, "send_back", version=2, reason="Xem lại", to_step=to_step)
        assert response.status_code == 422 and response.json()["code"] == "invalid_step"
    response = act(specialist, code, "resolve", version=2)
    assert response.status_code == 422 and response.json()["code"] == "e_result_required"
    unchanged(code, row_version=2, events=2, state="IN_PROCESS")
    response = act(specialist, code, "resolve", version=2, e_result=True)
    assert response.status_code == 200
    unchanged(code, row_version=3, events=3, state="RESOLVED")


def test_nul_characters_are_refused_before_the_database(received, clients):
    """PostgreSQL text cannot hold NUL: without this each of these would be a 500."""
    receiver = clients["receiver"]
    query = receiver.get("/api/v1/dossiers", {"q": "a\x00b"})
    assert query.status_code == 422 and query.json()["code"] == "validation_error"
    assert "q" in query.json()["message"]
    body = receiver.post("/api/v1/tracking", {"code": "\x00", "second_factor": "037190000123"})
    assert body.status_code == 400 and body.json()["code"] == "bad_request"
    path = receiver.get("/api/v1/dossiers/%00")
    assert path.status_code == 404 and path.json()["code"] == "dossier_not_found"
    procedure = receiver.get("/api/v1/procedures/%00")
    assert procedure.status_code == 404 and procedure.json()["code"] == "not_found"
    unchanged(received["code"])


def test_a_failure_mid_service_leaves_no_partial_change(received, clients):
    """A listener of the change fails after the state and the event were written: the whole
    change is rolled back, and the caller gets a 500, not half a transition."""

    def broken(**kwargs):
        raise RuntimeError("mất kết nối giữa chừng")

    token = clients["receiver"].token
    dossier_changed.connect(broken, dispatch_uid="test.broken")
    try:
        response = Client(raise_request_exception=False).post(
            f"/api/v1/dossiers/{received['code']}/actions/forward",
            {"version": received["row_version"]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    finally:
        dossier_changed.disconnect(dispatch_uid="test.broken")
    assert response.status_code == 500
    unchanged(received["code"])
    d = Dossier.objects.get(code=received["code"])
    assert (d.step_order, d.current_unit_id) == (1, d.receiving_unit_id)
