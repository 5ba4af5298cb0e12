"""The list's rows are built from plain values and reference data kept per process, and
rendered without a second pass through the schema: they must say exactly what the detail
says of the same dossier, with exactly the values the schema would render."""

import json

import pytest
from ninja.responses import NinjaJSONEncoder

from motcua.api.dossiers import DossierList, DossierSummary
from motcua.dossiers import services
from tests.factories import at, intake

SUMMARY_FIELDS = list(DossierSummary.model_fields)


@pytest.fixture
def variety(procedure, people, province):
    """Dossiers in every shape a row can take: at the desk, overdue in process and assigned,
    paused for a supplement, re-appointed after an apology, resolved late, finished early,
    submitted online (no dates yet)."""
    desk, head, specialist = people["receiver"], people["head"], people["specialist"]
    center = province["commune_a_center"]

    def receive(day):
        return services.receive_at_counter(desk, center, intake(procedure), now=at(day))

    def act(d, action, who, day, **params):
        return services.act(d, action, who, now=at(day), **params)

    found = {"at_desk": receive("2026-03-09 08:00")}
    d = act(receive("2026-03-02 09:00"), "forward", desk, "2026-03-02 09:30")
    found["assigned"] = act(d, "assign", head, "2026-03-02 10:00", assignee=specialist)
    d = act(receive("2026-03-02 09:15:30.250001"), "forward", desk, "2026-03-02 09:45")
    d = act(d, "assign", head, "2026-03-02 10:00", assignee=specialist)
    found["paused"] = act(d, "request_supplement", specialist, "2026-03-03 08:00",
                          reason="Thiếu bản sao", items=["Giấy chứng sinh"])  # fmt: skip
    d = act(receive("2026-03-02 10:00"), "forward", desk, "2026-03-02 10:30")
    found["apologized"] = act(d, "apologize", head, "2026-03-05 08:00", reason="Chờ xác minh",
                              new_due=at("2026-03-12 16:00"))  # fmt: skip
    d = act(receive("2026-03-02 11:00"), "forward", desk, "2026-03-02 11:30")
    d = act(d, "forward", specialist, "2026-03-04 08:00")
    found["late"] = act(d, "resolve", head, "2026-03-09 08:00", e_result=True)
    found["withdrawn"] = act(receive("2026-03-03 14:00"), "withdraw", desk, "2026-03-03 15:00",
                           reason="Công dân xin rút")  # fmt: skip
    found["online"] = services.submit_online(
        people["citizen"], center, intake(procedure), idempotency_key="k-rows"
    )
    return found


@pytest.fixture
def people(people, django_user_model):
    return {**people, "citizen": django_user_model.objects.create_user("congdan.rows")}


def test_every_row_says_what_the_detail_says(variety, clients):
    body = clients["admin"].get("/api/v1/dossiers?limit=200").json()
    rows = {item["code"]: item for item in body["items"]}
    assert set(rows) == {d.code for d in variety.values()}
    shapes = {
        (r["step"] is None, r["assignee"], r["due_at"] is None, r["overdue"], r["needs_apology"],
         r["rescheduled_due_at"] is None, r["finished_at"] is None, r["state"])
        for r in rows.values()
    }  # fmt: skip
    assert len(shapes) == len(rows)  # each a shape of its own
    for code, row in rows.items():
        detail = clients["admin"].get(f"/api/v1/dossiers/{code}").json()
        assert row == {k: detail[k] for k in SUMMARY_FIELDS}, code


def test_the_answer_is_what_the_schema_renders(variety, clients):
    response = clients["admin"].get("/api/v1/dossiers?limit=3")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content.decode("utf-8"))
    assert body["next"] and len(body["items"]) == 3
    # validated and rendered by the schema, as ninja would: the same values, none changed
    rendered = DossierList.model_validate(body).model_dump()
    assert json.loads(json.dumps(rendered, cls=NinjaJSONEncoder)) == body
    # a time with microseconds is answered to the millisecond, as ninja writes it
    paused = variety["paused"]
    row = clients["admin"].get("/api/v1/dossiers", {"q": paused.code}).json()["items"][0]
    assert row["received_at"] == "2026-03-02T09:15:30.250+07:00"


def test_reference_data_is_read_once_and_follows_renames(
    variety, clients, province, procedure, django_assert_max_num_queries
):
    admin = clients["admin"]
    admin.get("/api/v1/dossiers")  # the token's last use, the units and versions kept
    with django_assert_max_num_queries(4):  # token + official, roles, the page's keys, its rows
        admin.get("/api/v1/dossiers")
    center = province["commune_a_center"]
    center.name = "Trung tâm Phục vụ hành chính công xã Gia Viễn (mới)"
    center.save()
    code = procedure.procedure
    code.code = "1.009999"
    code.save()
    item = admin.get("/api/v1/dossiers").json()["items"][0]
    assert item["receiving_unit"]["name"].endswith("(mới)")
    assert item["procedure"]["code"] == "1.009999"
