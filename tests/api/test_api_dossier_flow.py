"""A dossier's whole life through HTTP, as another system would drive it with tokens."""

import re

from motcua.dossiers.models import Dossier, Event

CODE = re.compile(r"^000\.01\.31\.H99-\d{6}-\d{4}$")


def act(client, code, action, version, **params):
    return client.post(f"/api/v1/dossiers/{code}/actions/{action}", {"version": version, **params})


def test_counter_receipt_to_return_over_http(clients, dossier_body, province):
    created = clients["receiver"].post("/api/v1/dossiers", dossier_body())
    assert created.status_code == 201, created.content
    d = created.json()
    assert CODE.match(d["code"])
    assert (d["state"], d["national_code"], d["state_label"]) == ("RECEIVED", 2, "Đã tiếp nhận")
    assert d["procedure"] == {"code": "1.001193", "name": "Đăng ký khai sinh", "version": 1}
    assert d["competent_unit"]["code"] == province["commune_a"].code
    assert d["applicant"]["id_number"] == "037190000123"
    assert d["due_at"].endswith("+07:00") and d["due_at"] == d["original_due_at"]
    assert d["step"]["order"] == 1 and d["step"]["role"] == "RECEIVER"
    assert d["components"] == [{"name": "Tờ khai đăng ký khai sinh", "form": "original",
                                "count": 1, "digitized": False, "reused": False}]  # fmt: skip
    assert "forward" in d["available_actions"] and "resolve" not in d["available_actions"]
    code = d["code"]

    d = act(clients["receiver"], code, "forward", d["row_version"]).json()
    assert (d["state"], d["step"]["order"]) == ("IN_PROCESS", 2)
    assert d["current_unit"]["code"] == province["commune_a"].code
    # The desk's step is done: it may still stop the dossier on request, nothing else.
    seen = clients["receiver"].get(f"/api/v1/dossiers/{code}").json()
    assert seen["available_actions"] == ["withdraw"]
    assert "assign" in clients["head"].get(f"/api/v1/dossiers/{code}").json()["available_actions"]

    d = act(clients["head"], code, "assign", d["row_version"], assignee="chuyenvien").json()
    assert d["assignee"] == "chuyenvien"
    d = act(clients["specialist"], code, "forward", d["row_version"], note="Đủ điều kiện").json()
    assert d["step"]["role"] == "HEAD"
    response = act(clients["head"], code, "resolve", d["row_version"], e_result=True,
                   result_number="15/GKS")  # fmt: skip
    d = response.json()
    assert response.status_code == 200 and d["state"] == "RESOLVED" and d["national_code"] == 9
    assert d["finished_at"] is not None and d["verdict"] in ("EARLY", "ON_TIME")
    d = act(clients["receiver"], code, "return_result", d["row_version"],
            recipient="Nguyễn Thị Ngọc Ánh").json()  # fmt: skip
    assert d["state"] == "RETURNED" and d["returned_at"] and d["available_actions"] == []

    events = clients["head"].get(f"/api/v1/dossiers/{code}/events").json()
    assert [e["action"] for e in events] == [
        "receive", "forward", "assign", "forward", "resolve", "return_result",
    ]  # fmt: skip
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[0]["label"] == "Tiếp nhận hồ sơ" and events[0]["actor_name"] == "tiepnhan"
    assert events[2]["role"] == "HEAD" and events[2]["data"] == {"assignee": "chuyenvien"}
    assert events[3]["note"] == "Đủ điều kiện" and events[3]["to_step_order"] == 3
    assert events[-1]["to_state"] == "RETURNED" and events[-1]["at"].endswith("+07:00")
    assert Dossier.objects.get(code=code).row_version == 6
    assert Event.objects.filter(dossier__code=code).count() == 6


def test_a_receipt_is_answered_from_what_was_written(clients, dossier_body):
    """The answer is built from the dossier the service wrote (its units and version are at
    hand): reading it back would double the receipt's reads (bench/README.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients["receiver"].post("/api/v1/dossiers", dossier_body())  # the token's first use
    with CaptureQueriesContext(connection) as captured:
        created = clients["receiver"].post("/api/v1/dossiers", dossier_body())
    assert created.status_code == 201
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")]
    assert not [sql for sql in reads if 'FROM "dossiers_dossier"' in sql]
    assert not [sql for sql in reads if 'FROM "dossiers_component"' in sql]  # as written
    assert [c["name"] for c in created.json()["components"]] == ["Tờ khai đăng ký khai sinh"]
    assert len([sql for sql in reads if "u.code IN" in sql]) == 1  # both units, one read
    # the caller and their roles; the procedure and its version; the units; the units that
    # resolve the procedure (the competent one, not named in the body)
    assert len(reads) == 4
