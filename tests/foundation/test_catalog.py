from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from motcua.catalog import services
from motcua.catalog.models import Fee, Procedure, ProcessStep, PublicationDecision
from motcua.core.errors import Conflict, DomainError
from tests.factories import make_version


def test_publishing_freezes_the_version(published):
    assert published.status == "PUBLISHED"
    assert published.procedure.current_version == published
    assert published.procedure.publication_status == "DANG_CONG_KHAI"
    published.name = "Tên khác"
    with pytest.raises(ValidationError, match="không được sửa"):
        published.save()
    with pytest.raises(ValidationError, match="không được sửa"):
        Fee.objects.create(version=published, kind="LE_PHI", name="Lệ phí", amount=8000)
    with pytest.raises(ValidationError):
        published.steps.first().delete()


def test_publishing_twice_is_refused(published, decision):
    with pytest.raises(Conflict) as exc:
        services.publish(published, decision)
    assert exc.value.code == "already_published"


def test_amendment_is_a_new_version_and_keeps_the_old(published, decision):
    draft = services.new_draft(published.procedure)
    assert draft.pk != published.pk and draft.number == 2
    assert list(draft.documents.values_list("name", flat=True)) == ["Tờ khai đăng ký khai sinh"]
    assert draft.steps.count() == 3
    Fee.objects.create(version=draft, kind="LE_PHI", name="Lệ phí đăng ký", amount=8000)
    second = PublicationDecision.objects.create(
        number="200/QĐ-UBND", date="2026-01-05", level="province"
    )
    services.publish(draft, second)
    published.refresh_from_db()
    procedure = Procedure.objects.get(pk=published.procedure_id)
    assert published.status == "SUPERSEDED" and published.fees.count() == 0
    assert procedure.current_version.number == 2 and procedure.current_version.has_fees
    assert procedure.publication_status == "DANG_CONG_KHAI_SUA_DOI"


def test_steps_must_sum_to_the_legal_time(province, decision):
    version = make_version(
        days=3, steps=[("RECEIVER", "@receiving", 4), ("SPECIALIST", "@competent", 12)]
    )
    with pytest.raises(DomainError) as exc:
        services.publish(version, decision)
    assert exc.value.code == "steps_time_mismatch" and exc.value.field == "steps"
    assert "16 giờ làm việc" in exc.value.message and "24 giờ" in exc.value.message
    version.refresh_from_db()
    assert version.status == "DRAFT"


def test_a_step_naming_an_unknown_unit_is_refused(province, decision):
    version = make_version(
        days=1, steps=[("RECEIVER", "@receiving", 4), ("SPECIALIST", "000.99.99.H99", 4)]
    )
    errors = services.check_version(version)
    assert [e.field for e in errors] == ["steps[2].unit"]
    assert "000.99.99.H99" in errors[0].message


def test_same_day_steps_fit_in_one_working_day(province, decision):
    version = make_version(days=1, steps=[("RECEIVER", "@receiving", 6), ("HEAD", "@competent", 3)])
    version.time_limit_unit = "SAME_DAY"
    version.save()
    assert [e.code for e in services.check_version(version)] == ["steps_time_mismatch"]
    ProcessStep.objects.filter(version=version, order=1).update(hours=Decimal(5))
    assert services.check_version(version) == []


def test_duplicate_procedure_code_is_refused(published):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Procedure.objects.create(code=published.procedure.code)


def test_abolished_procedure_keeps_history_and_accepts_nothing(published, decision):
    procedure = published.procedure
    assert services.accepting_dossiers(procedure)
    services.abolish(procedure, decision)
    procedure.refresh_from_db()
    published.refresh_from_db()
    assert published.status == "ABOLISHED" and procedure.publication_status == "BAI_BO"
    assert not services.accepting_dossiers(procedure)
    assert procedure.versions.count() == 1
    assert list(services.search("khai sinh")) == []
    with pytest.raises(DomainError) as exc:
        services.publish(make_version(code=procedure.code), decision)
    assert exc.value.code == "procedure_abolished"


def test_replacement_abolishes_the_old_code(published, decision, province):
    new = make_version(code="1.009999", name="Đăng ký khai sinh (thay thế)")
    services.replace(published.procedure, new, decision)
    old = Procedure.objects.get(pk=published.procedure_id)
    assert old.abolished and old.replaced_by.code == "1.009999"
    assert Procedure.objects.get(code="1.009999").current_version.change_type == "REPLACED"


@pytest.mark.parametrize(
    "query",
    ["dang ky khai sinh", "Đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH", "khai  sinh", "1.001193"],
)
def test_search_ignores_diacritics_and_case(published, query):
    assert [v.procedure.code for v in services.search(query)] == ["1.001193"]


def test_search_ranks_name_matches_before_description_matches(province, decision):
    a = make_version(code="1.000001", name="Cấp bản sao trích lục hộ tịch")
    a.description = "Dành cho người đã đăng ký khai sinh"
    a.save()
    b = make_version(code="1.000002", name="Đăng ký khai sinh có yếu tố nước ngoài")
    c = make_version(code="1.000003", name="Đăng ký kết hôn")
    c.description, c.result_name = "Kết hôn giữa công dân Việt Nam", "Giấy chứng nhận kết hôn"
    c.save()
    for v in (a, b, c):
        services.publish(v, decision)
    names = [v.name for v in services.search("dang ky khai sinh")]
    assert names == ["Đăng ký khai sinh có yếu tố nước ngoài", "Cấp bản sao trích lục hộ tịch"]
    assert [v.name for v in services.search("ket hon")] == ["Đăng ký kết hôn"]
    assert list(services.search("xay dung")) == []
