import pytest
from django.core.exceptions import ValidationError

from motcua.agencies import scope
from motcua.agencies.models import Counter, Role, RoleAssignment, Unit


def test_tree_paths_follow_the_parent(province):
    div = province["justice_div"]
    assert div.depth == 2
    assert [u.code for u in div.ancestors()] == ["000.00.00.H99", "000.00.12.H99"]
    assert set(province["justice"].subtree()) == {province["justice"], div}
    assert province["root"].contains(div) and not province["commune_a"].contains(div)


def test_moving_a_unit_moves_its_subtree(province):
    justice = province["justice"]
    justice.parent = province["commune_a"]
    justice.save()
    div = Unit.objects.get(pk=province["justice_div"].pk)
    assert div.path.startswith(province["commune_a"].path)
    assert div.depth == 3


def test_a_unit_cannot_become_its_own_ancestor(province):
    justice = province["justice"]
    justice.parent = province["justice_div"]
    with pytest.raises(ValidationError) as exc:
        justice.save()
    assert "vòng lặp" in str(exc.value)
    justice.parent = justice
    with pytest.raises(ValidationError):
        justice.save()


def test_counters_belong_to_one_stop_units(province):
    counter = Counter(unit=province["justice"], number=1, name="Quầy 1")
    with pytest.raises(ValidationError) as exc:
        counter.clean()
    assert "Một cửa" in str(exc.value)
    Counter(unit=province["center"], number=1, name="Quầy 1").full_clean()


def test_roles_cover_the_unit_and_its_subtree(province, make_official):
    head = make_official("truongphong", Role.HEAD, province["justice"])
    assert scope.has_role(head, Role.HEAD, province["justice_div"])
    assert not scope.has_role(head, Role.HEAD, province["commune_a"])
    assert not scope.has_role(head, Role.SPECIALIST, province["justice"])
    assert set(scope.units_in_scope(head)) == {province["justice"], province["justice_div"]}


def test_a_commune_official_sees_only_their_commune(province, make_official):
    clerk = make_official("canbo.xa", Role.RECEIVER, province["commune_a"])
    assert scope.can_see(clerk, province["commune_a_center"])
    assert not scope.can_see(clerk, province["commune_b"])
    assert province["commune_b"] not in scope.units_in_scope(clerk)


def test_province_admin_and_viewers_see_everything(province, make_official):
    admin = make_official("quantri", Role.PROVINCE_ADMIN, province["root"])
    viewer = make_official("lanhdao", Role.LEADER_VIEWER, province["root"])
    assert scope.units_in_scope(admin).count() == Unit.objects.count()
    assert scope.can_see(viewer, province["commune_b"])
    assert not scope.has_role(admin, Role.SPECIALIST, province["commune_b"])


def test_roles_are_read_once_per_request_and_a_change_is_seen_at_once(
    province, make_official, django_assert_num_queries
):
    user = make_official("tiepnhan.kiemtra", "RECEIVER", province["commune_a"])
    with django_assert_num_queries(1):  # the same user object: one read for every check
        assert scope.has_role(user, "RECEIVER", province["commune_a"])
        assert not scope.has_role(user, "HEAD", province["commune_a"])
        assert scope.unit_paths(user) == [province["commune_a"].path]
    RoleAssignment.objects.filter(official=user.official).delete()
    assert not scope.has_role(user, "RECEIVER", province["commune_a"])  # revoked: seen at once
