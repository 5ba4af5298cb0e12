"""Forms are versioned with the procedure: a default until one is built, frozen once
published, changed through a revision, carried over to a new procedure version."""

import pytest
from django.core.exceptions import ValidationError

from motcua.catalog import services as catalog
from motcua.catalog.models import PublicationDecision, RequiredDocument
from motcua.core.errors import Conflict
from motcua.forms import services
from motcua.forms.models import FormDefinition, FormField
from tests.factories import make_version


def build(version, user):
    """A small form: a select, a field shown for one of its options, attachment flags."""
    draft = services.start(version, user, from_default=False)
    services.save_field(draft, FormField(label="Họ và tên", type="text", required=True,
                                         prefill="name"), user)  # fmt: skip
    services.save_field(draft, FormField(label="Nơi đăng ký", type="select", required=True,
                                         options=["Xã Gia Viễn", "Nơi khác"]), user)  # fmt: skip
    services.save_field(draft, FormField(label="Ghi rõ nơi đăng ký", type="text", required=True,
                                         show_if_field="noi_dang_ky",
                                         show_if_value="nơi khác"), user)  # fmt: skip
    docs = {d.order: d.pk for d in version.documents.all()}
    services.save_attachments(draft, user, {
        docs[2]: {"requirement": "optional", "accept_reuse": True},
        docs[3]: {"requirement": "required", "show_if_field": "noi_dang_ky",
                  "show_if_value": "Nơi khác"},
    })  # fmt: skip
    return services.publish(draft, user)


def shape(definition):
    fields = [
        (f.order, f.key, f.type, f.required, f.options, f.show_if_field, f.show_if_value)
        for f in definition.all_fields
    ]
    attachments = [
        (a.document.name, a.requirement, a.accept_reuse, a.show_if_field, a.show_if_value)
        for a in definition.all_attachments
    ]
    return fields, attachments


def test_without_a_built_form_citizens_get_one_derived_from_the_procedure(online):
    definition = services.definition_for(online)
    assert definition.is_default and definition.pk is None
    assert [f.key for f in definition.all_fields] == [
        "name", "id_number", "address", "phone", "email", "summary",
    ]  # fmt: skip
    assert [(a.label, a.required, a.accept_reuse) for a in definition.all_attachments] == [
        ("Tờ khai đăng ký khai sinh", True, False),
        ("Giấy tờ chứng minh chỗ ở hợp pháp", True, True),
        ("Văn bản ủy quyền", False, False),
    ]
    assert not FormDefinition.objects.exists(), "asking for a form writes nothing"
    cleaned, errors = services.validate_submission(
        definition,
        {"name": "Nguyễn Văn An", "id_number": "037190000123", "address": "Thôn Đông",
         "phone": "0912345678", "giay_to_1__ref": "a", "giay_to_2__ref": "b"},
    )  # fmt: skip
    assert errors == {}
    assert services.applicant_data(definition, cleaned) == {
        "type": "citizen", "name": "Nguyễn Văn An", "id_number": "037190000123",
        "address": "Thôn Đông", "phone": "0912345678",
    }  # fmt: skip


def test_the_default_for_citizens_and_organisations_asks_which_one(province, decision):
    version = make_version(code="1.000999", units=[province["commune_a"]])
    version.subject_types = ["citizen", "organization"]
    version.save()
    definition = services.default_definition(version)
    keys = {f.key: f for f in definition.all_fields}
    assert keys["type"].options == ["Công dân", "Tổ chức, doanh nghiệp"]
    assert keys["tax_code"].show_if_field == "type"
    data = {"type": "Tổ chức, doanh nghiệp", "name": "Công ty TNHH Hoa Lư",
            "tax_code": "2700123456", "address": "Ninh Bình", "phone": "0229388888",
            "giay_to_1__ref": "kho-1"}  # fmt: skip
    cleaned, errors = services.validate_submission(definition, data)
    assert errors == {} and "id_number" not in cleaned
    applicant = services.applicant_data(definition, cleaned)
    assert applicant["type"] == "organization" and applicant["id_number"] == "2700123456"


def test_prefill_takes_the_applicant_profile(online, admins):
    definition = build(online, admins["commune"])
    assert services.initial_values(definition, {"name": "Lê Thị Hoa", "phone": "0912"}) == {
        "ho_va_ten": "Lê Thị Hoa"
    }


def test_a_published_form_is_what_citizens_get_and_it_is_frozen(online, admins):
    user = admins["commune"]
    published = build(online, user)
    assert services.definition_for(online) == published
    assert published.status == "PUBLISHED" and published.published_by == user
    field = published.fields.first()
    field.label = "Tên khác"
    with pytest.raises(ValidationError):
        field.save()
    with pytest.raises(ValidationError):
        field.delete()
    with pytest.raises(Conflict):
        services.save_field(published, FormField(label="Thêm", type="text"), user)
    with pytest.raises(Conflict):
        services.publish(published, user)


def test_a_change_is_a_revision_that_supersedes_the_published_form(online, admins):
    user = admins["commune"]
    first = build(online, user)
    draft = services.new_revision(online, user)
    assert draft.revision == 2 and draft.copied_from == first
    assert shape(draft) == shape(first)
    services.save_field(draft, FormField(label="Số điện thoại", type="phone"), user)
    assert services.definition_for(online) == first, "the draft is not live yet"
    services.publish(draft, user)
    first.refresh_from_db()
    assert first.status == "SUPERSEDED"
    live = services.definition_for(online)
    assert live.pk == draft.pk and live.all_fields[-1].key == "so_dien_thoai"
    assert [f.key for f in first.all_fields] == ["ho_va_ten", "noi_dang_ky", "ghi_ro_noi_dang_ky"]


def test_a_new_procedure_version_gets_a_copy_of_the_form(online, admins):
    user = admins["commune"]
    first = build(online, user)
    amendment = catalog.new_draft(online.procedure)
    # The amendment renames nothing but adds a document and drops the optional one.
    amendment.documents.get(order=3).delete()
    RequiredDocument.objects.create(version=amendment, order=3, name="Giấy xác nhận cư trú")
    decision = PublicationDecision.objects.create(
        number="200/QĐ-UBND", date="2026-01-05", level="province"
    )
    v2 = catalog.publish(amendment, decision)

    copy = services.definition_for(v2)
    assert copy.pk and copy.version == v2 and copy.status == "PUBLISHED"
    assert copy.copied_from == first
    fields, attachments = shape(copy)
    assert fields == shape(first)[0]
    assert attachments == [
        ("Tờ khai đăng ký khai sinh", "required", False, "", ""),
        ("Giấy tờ chứng minh chỗ ở hợp pháp", "optional", True, "", ""),
        ("Giấy xác nhận cư trú", "required", False, "", ""),  # new: the catalog's flags
    ]
    assert all(a.document.version_id == v2.pk for a in copy.all_attachments)
    assert services.definition_for(v2) == copy, "copied once"
    assert FormDefinition.objects.filter(version=v2).count() == 1
    assert services.definition_for(online) == first, "the old version keeps its form"


def test_the_builder_carries_a_draft_in_progress_to_the_new_version(online, admins, decision):
    user = admins["commune"]
    draft = services.start(online, user, from_default=True)
    services.save_field(draft, FormField(label="Lý do đăng ký", type="textarea"), user)
    v2 = catalog.publish(catalog.new_draft(online.procedure), PublicationDecision.objects.create(
        number="201/QĐ-UBND", date="2026-01-06", level="province"))  # fmt: skip
    published, carried = services.open_for_builder(v2, user)
    assert published is None
    assert carried.status == "DRAFT" and carried.version == v2
    assert carried.all_fields[-1].label == "Lý do đăng ký"


def test_abolishing_a_procedure_with_a_draft_version_takes_its_form_along(online, admins):
    user = admins["commune"]
    build(online, user)
    amendment = catalog.new_draft(online.procedure)
    services.start(amendment, user, from_default=True)
    catalog.abolish(online.procedure, PublicationDecision.objects.create(
        number="300/QĐ-UBND", date="2026-02-01", level="province"))  # fmt: skip
    assert not FormDefinition.objects.filter(version=amendment.pk).exists()
