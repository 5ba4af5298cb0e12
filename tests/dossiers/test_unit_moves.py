"""A unit moved under another parent (communes merged, a division moved) takes its dossiers
with it: the officials above its new place see them, those above its old place no longer."""

from motcua.dossiers import queries
from motcua.dossiers.models import Dossier
from tests.dossiers.test_lifecycle import receive


def test_a_moved_units_dossiers_follow_it(procedure, people, province, make_official):
    d = receive(procedure, people, province)  # at commune A's centre, resolved by commune A
    merged_into = make_official("lanhdao.yenmo", "HEAD", province["commune_b"])
    before = make_official("lanhdao.giavien", "HEAD", province["commune_a"])
    assert not queries.visible_to(merged_into).filter(pk=d.pk).exists()

    commune_a = province["commune_a"]
    commune_a.parent = province["commune_b"]  # xã Gia Viễn merged into xã Yên Mô
    commune_a.save()

    d = Dossier.objects.get(pk=d.pk)
    centre = province["commune_a_center"]
    centre.refresh_from_db()
    assert d.receiving_path == d.current_path == centre.path
    assert d.competent_path == commune_a.path
    assert d.receiving_path.startswith(province["commune_b"].path)
    assert queries.visible_to(merged_into).filter(pk=d.pk).exists()
    assert queries.visible_to(before).filter(pk=d.pk).exists()  # still under commune A


def test_only_the_moved_subtrees_dossiers_change(procedure, people, province):
    d = receive(procedure, people, province)
    paths = Dossier.objects.values_list("receiving_path", "competent_path").get(pk=d.pk)
    province["justice_div"].parent = province["center"]
    province["justice_div"].save()
    assert Dossier.objects.values_list("receiving_path", "competent_path").get(pk=d.pk) == paths
