"""The list page read unit by unit (``queries.first_visible``) is exactly the permission
filter's page: same dossiers, same order, whatever the scope, filter, page size or cursor."""

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import queries, services
from motcua.dossiers.models import Dossier
from tests.factories import at, intake

DAYS = ["2026-03-02 09:00", "2026-03-02 09:00", "2026-03-05 14:00", "2026-02-10 08:00",
        "2026-03-20 10:00"]  # fmt: skip


@pytest.fixture
def spread(procedure, people, province, commune_b_center, make_official):
    """Receipts in communes A and B on several days (two with the same due date), one
    forwarded on, and a citizen's online submission (no due date yet)."""
    for day in DAYS:
        services.receive_at_counter(
            people["receiver"], province["commune_a_center"], intake(procedure), now=at(day)
        )
    receiver_b = make_official("tiepnhan.b.desk", "RECEIVER", commune_b_center)
    for day in DAYS[2:]:
        services.receive_at_counter(receiver_b, commune_b_center, intake(procedure), now=at(day))
    citizen = get_user_model().objects.create_user("congdan", password="pw-for-tests-only")
    services.submit_online(
        citizen, province["commune_a_center"], intake(procedure), idempotency_key="k-1"
    )
    return {**people, "receiver_b": receiver_b, "citizen": citizen}


def test_every_scope_gets_the_permission_filters_page(spread):
    assert Dossier.objects.filter(due_at__isnull=True).exists()
    for user in spread.values():
        expected = list(
            queries.visible_to(user).order_by(*queries.DUE_ORDER).values_list("pk", flat=True)
        )
        for count in range(1, len(expected) + 2):
            assert queries.first_visible(user, Dossier.objects.all(), count) == expected[:count]
        received = Dossier.objects.filter(state="RECEIVED")
        assert queries.first_visible(user, received, 100) == [
            pk for pk in expected if pk in set(received.values_list("pk", flat=True))
        ]


def test_the_api_pages_through_a_narrow_scope_without_gaps(spread, client):
    client.force_login(spread["receiver"])
    seen, url = [], "/api/v1/dossiers?limit=2"
    while url:
        body = client.get(url).json()
        seen += [d["code"] for d in body["items"]]
        url = body["next"] and f"/api/v1/dossiers?limit=2&cursor={body['next']}"
    expected = queries.visible_to(spread["receiver"]).order_by(*queries.DUE_ORDER)
    assert seen == list(expected.values_list("code", flat=True))
    assert len(seen) == len(DAYS) + 1  # commune A's receipts and the online one at its desk


FILTERS = [
    {"state": ["RECEIVED", "SUBMITTED"]},
    {"procedure": "1.001193"},
    {"unit": "000.00.31.H99"},
    {"q": "Ngọc Ánh"},  # a name fragment: LIKE with its own % signs
    {"q": "037190000123"},
    {"received_from": "2026-03-02", "received_to": "2026-03-05"},
    {"due_to": "2026-03-10", "overdue": True},
    {"overdue": False},
]


@pytest.mark.parametrize("params", FILTERS)
def test_filters_and_cursors_keep_the_permission_filters_page(spread, params):
    """The merged statement takes the filter as SQL of its own: any filter, and the cursor's
    condition on top of it, must still give the permission filter's page."""
    from django.utils import timezone

    from motcua.api.dossiers import DossierFilter, _after, _filtered

    now = timezone.now()
    filtered = _filtered(Dossier.objects.all(), DossierFilter(**params), now)
    for user in spread.values():
        expected = list(
            (queries.visible_to(user) & filtered)
            .order_by(*queries.DUE_ORDER)
            .values_list("due_at", "pk")
        )
        assert queries.first_visible(user, filtered, 100) == [pk for _, pk in expected]
        for due, pk in expected:
            after = filtered.filter(_after(due, pk))
            rest = [k for _, k in expected[expected.index((due, pk)) + 1 :]]
            assert queries.first_visible(user, after, 2) == rest[:2]


def test_a_narrow_scope_is_read_unit_by_unit_and_a_wide_one_walks(spread, province):
    """Which scopes are read unit by unit (PostgreSQL; elsewhere every scope walks). Only the
    plan depends on it (both give the permission filter's page), so it is kept a while —
    but not past a change of units in this process."""
    from django.db import connection

    from motcua.agencies import scope
    from motcua.agencies.models import Unit

    def narrow(user):
        return queries._narrow(scope.unit_paths(user))

    if connection.vendor != "postgresql":
        pytest.skip("the merged statement is PostgreSQL's")
    assert narrow(spread["head"]) and narrow(spread["citizen"]) and not narrow(spread["admin"])
    for i in range(queries.NARROW_SCOPE - 2):  # commune A and its centre are two
        Unit.objects.create(code=f"000.{i:02d}.31.H98", name=f"Thôn {i}", level="commune",
                            kind="division", parent=province["commune_a"])  # fmt: skip
    assert narrow(spread["head"])
    test_every_scope_gets_the_permission_filters_page(spread)
    Unit.objects.create(code="000.99.31.H98", name="Thôn cuối", level="commune",
                        kind="division", parent=province["commune_a"])  # fmt: skip
    assert not narrow(spread["head"])
    test_every_scope_gets_the_permission_filters_page(spread)
