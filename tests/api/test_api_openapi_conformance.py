"""The API answers what its OpenAPI document says: status codes, content types, bodies.

Schemathesis reads /api/openapi.json from the WSGI application and generates requests for
the read endpoints (catalog, units, calendar, dossiers) and the public tracking lookup; every
response must be documented and match its schema. Real 200 answers of the dossier endpoints
are checked against the same document as well (random codes would only ever find 404s).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from motcua.api.models import ApiToken
from motcua.dossiers import services
from motcua.wsgi import application
from tests.factories import at, intake

# Reads only (and the tracking lookup, which changes nothing): generated writes would only
# test the 422s, which the tests of each endpoint do with meaning.
schema = (
    schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    .include(path_regex=r"^/api/v1/(procedures|units|calendar|dossiers|tracking)")
    .exclude(method="POST", path_regex=r"^/api/v1/dossiers")
)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the real WSGI handler, whose end-of-request signal closes the
    database connection, and with it the test's transaction (PostgreSQL). Django's test
    client disconnects the same receiver for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(procedure, people, province):
    d = services.receive_at_counter(
        people["receiver"], province["commune_a_center"], intake(procedure),
        now=at("2026-03-02 09:00"),
    )  # fmt: skip
    services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"))
    return ApiToken.issue(people["head"], "Kiểm thử OpenAPI")[1]


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_calls_match_the_document(case, token):
    # Not `positive_data_acceptance`: a schema cannot say every business rule (a deadline
    # of 0 days, a cursor that is not one), so some schema-valid requests are rightly 422.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[checks.positive_data_acceptance],
    )


def call(path, method="GET", token=None, **parts):
    """One explicit call through the WSGI app, validated against the document."""
    case = schema[path][method].Case(**parts)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return case.call_and_validate(
        headers=headers, excluded_checks=[checks.positive_data_acceptance]
    )


def test_real_dossier_answers_match_the_document(token):
    page = call("/api/v1/dossiers", token=token)
    code = page.json()["items"][0]["code"]
    one = {"path_parameters": {"code": code}}
    assign = {"path_parameters": {"code": code, "action": "assign"}}
    answers = [
        page,
        call("/api/v1/dossiers", token=token, query={"overdue": "true", "limit": 1}),
        call("/api/v1/dossiers/{code}", token=token, **one),
        call("/api/v1/dossiers/{code}/events", token=token, **one),
        call("/api/v1/dossiers/{code}/actions/{action}", "POST", token,
             body={"version": 2, "assignee": "chuyenvien"}, **assign),
        call("/api/v1/dossiers/{code}/actions/{action}", "POST", token,
             body={"version": 2, "assignee": "chuyenvien"}, **assign),
        call("/api/v1/dossiers/{code}/actions/{action}", "POST", token, body={"version": 3},
             path_parameters={"code": code, "action": "fly"}),
        call("/api/v1/tracking", "POST", body={"code": code, "second_factor": "037190000123"}),
        call("/api/v1/tracking", "POST", body={"code": code, "second_factor": "0"}),
        call("/api/v1/dossiers"),
    ]  # fmt: skip
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 200, 409, 404, 200, 404, 401]
    assert answers[1].json()["items"][0]["overdue"] is True


def test_schema_names_are_unique_across_routers():
    """The document names each schema by its class: two routers' ``DossierPage`` classes
    would silently share one definition, and one of them would be documented wrong."""
    from ninja import Schema

    from motcua.api.main import api

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    documented = set(api.get_openapi_schema()["components"]["schemas"])
    ours = {c for c in subclasses(Schema) if c.__module__.startswith("motcua.")}
    names = sorted(c.__name__ for c in ours if c.__name__ in documented)
    assert len(names) == len(set(names)), {n for n in names if names.count(n) > 1}
