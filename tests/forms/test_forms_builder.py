"""The builder pages: who may use them, and building a form through them."""

import pytest
from django.test import Client

from motcua.forms import services
from motcua.forms.models import FormDefinition


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(version, tail=""):
    return f"/can-bo/bieu-mau/{version.procedure.code}/{version.number}/{tail}"


# --- permissions ----------------------------------------------------------------------------


def test_a_commune_admin_cannot_touch_a_province_department_form(online, department, admins):
    client = client_for(admins["commune"])
    assert client.get(url(department)).status_code == 403
    assert client.get(url(department, "xem-truoc/")).status_code == 403
    assert client.post(url(department, "bat-dau/"), {"mau": "trong"}).status_code == 403
    assert not FormDefinition.objects.exists()
    # … while the department's own administrator and the province administrator may.
    assert client_for(admins["justice"]).get(url(department)).status_code == 200
    assert client_for(admins["province"]).get(url(department)).status_code == 200


def test_another_communes_admin_cannot_edit_this_communes_draft(online, admins):
    draft = services.start(online, admins["commune"], from_default=True)
    field = draft.fields.first()
    other = client_for(admins["other_commune"])
    assert other.post(url(online, f"truong/{field.pk}/xoa/")).status_code == 403
    assert other.post(url(online, "cong-bo/")).status_code == 403
    assert draft.fields.filter(pk=field.pk).exists()


def test_only_administrators_see_the_list_and_only_their_procedures(online, department, admins):
    assert client_for(admins["receiver"]).get("/can-bo/bieu-mau/").status_code == 403
    page = client_for(admins["commune"]).get("/can-bo/bieu-mau/").content.decode()
    assert "Đăng ký thường trú" in page and "Cấp Phiếu lý lịch tư pháp" not in page
    assert "Chưa xây dựng (đang dùng biểu mẫu mặc định)" in page
    everything = client_for(admins["province"]).get("/can-bo/bieu-mau/", {"q": "ly lich"})
    text = everything.content.decode()
    assert "Cấp Phiếu lý lịch tư pháp" in text and "Đăng ký thường trú" not in text


def test_anonymous_visitors_are_sent_to_log_in(online, settings):
    response = Client().get(url(online))
    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)


def test_the_procedure_address_opens_its_current_version(online, admins):
    response = client_for(admins["commune"]).get(f"/can-bo/bieu-mau/{online.procedure.code}/")
    assert response.status_code == 302 and response["Location"] == url(online)


# --- building through the pages -------------------------------------------------------------


@pytest.fixture
def builder(online, admins):
    client = client_for(admins["commune"])
    assert client.post(url(online, "bat-dau/"), {"mau": "trong"}).status_code == 302
    return client


def add(client, version, **data):
    payload = {"type": "text", "prefill": "none", **data}
    return client.post(url(version, "truong/them/"), payload)


def test_a_refused_field_comes_back_with_the_message_and_what_was_typed(builder, online):
    response = add(builder, online, label="Loại giấy tờ tùy thân", type="select",
                   options="Căn cước", help_text="Chọn loại giấy tờ")  # fmt: skip
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nhập ít nhất hai lựa chọn, mỗi lựa chọn một dòng." in html
    assert 'value="Loại giấy tờ tùy thân"' in html and "Căn cước</textarea>" in html
    assert 'value="Chọn loại giấy tờ"' in html
    assert 'aria-describedby="them_options_helptext them_options_loi"' in html
    assert services.draft_definition(online).fields.count() == 0


def test_building_editing_reordering_and_publishing_through_the_pages(builder, online):
    assert add(builder, online, label="Họ và tên", required="on", prefill="name").status_code == 302
    add(builder, online, label="Quan hệ với người đăng ký", type="radio",
        options="Chủ hộ\nThành viên khác")  # fmt: skip
    add(builder, online, label="Ghi rõ quan hệ", show_if_field="quan_he_voi_nguoi_dang_ky",
        show_if_value="thành viên khác", required="on")  # fmt: skip
    draft = services.draft_definition(online)
    _, quan_he, ghi_ro = draft.fields.order_by("order")
    assert ghi_ro.show_if_value == "Thành viên khác", "the option's own spelling is kept"

    # The controlling field cannot go while something depends on it.
    response = builder.post(url(online, f"truong/{quan_he.pk}/xoa/"), follow=True)
    assert "Không xóa được: «Ghi rõ quan hệ» chỉ hiện theo trường" in response.content.decode()

    # Renaming its key keeps the condition pointing at it.
    edit = builder.get(url(online, f"truong/{quan_he.pk}/"))
    assert edit.status_code == 200 and 'value="quan_he_voi_nguoi_dang_ky"' in edit.content.decode()
    response = builder.post(url(online, f"truong/{quan_he.pk}/"), {
        "label": "Quan hệ với chủ hộ", "type": "radio", "options": "Chủ hộ\nThành viên khác",
        "key": "quan_he", "prefill": "none",
    })  # fmt: skip
    assert response.status_code == 302
    ghi_ro.refresh_from_db()
    assert ghi_ro.show_if_field == "quan_he"

    # An option another field waits for cannot disappear.
    response = builder.post(url(online, f"truong/{quan_he.pk}/"), {
        "label": "Quan hệ với chủ hộ", "type": "radio", "options": "Chủ hộ\nKhác",
        "key": "quan_he", "prefill": "none",
    })  # fmt: skip
    assert response.status_code == 422
    assert "«Ghi rõ quan hệ» chỉ hiện khi trường này là «Thành viên khác»" in (
        response.content.decode()
    )

    builder.post(url(online, f"truong/{ghi_ro.pk}/di-chuyen/"), {"huong": "len"})
    assert list(draft.fields.order_by("order").values_list("key", flat=True)) == [
        "ho_va_ten", "ghi_ro_quan_he", "quan_he",
    ]  # fmt: skip

    docs = list(online.documents.order_by("order"))
    response = builder.post(url(online, "giay-to/"), {
        f"req-{docs[0].pk}": "required",
        f"req-{docs[1].pk}": "optional", f"reuse-{docs[1].pk}": "1",
        f"req-{docs[2].pk}": "required", f"cond-{docs[2].pk}": "quan_he",
        f"condval-{docs[2].pk}": "Không có lựa chọn này",
    })  # fmt: skip
    assert response.status_code == 422
    html = response.content.decode()
    assert "«Không có lựa chọn này» không phải một lựa chọn của «Quan hệ với chủ hộ»." in html
    assert 'value="Không có lựa chọn này"' in html, "what was typed is kept"
    builder.post(url(online, "giay-to/"), {
        f"req-{docs[0].pk}": "required",
        f"req-{docs[1].pk}": "optional", f"reuse-{docs[1].pk}": "1",
        f"req-{docs[2].pk}": "required", f"cond-{docs[2].pk}": "quan_he",
        f"condval-{docs[2].pk}": "Thành viên khác",
    })  # fmt: skip

    preview = builder.post(url(online, "xem-truoc/"), {"quan_he": "Thành viên khác"})
    assert preview.status_code == 422
    text = preview.content.decode()
    assert "Vui lòng nhập «Họ và tên»." in text and "Vui lòng nhập «Ghi rõ quan hệ»." in text
    assert "Vui lòng đính kèm «Văn bản ủy quyền»." in text

    response = builder.post(url(online, "cong-bo/"), follow=True)
    assert "Đã công bố biểu mẫu (lần 1)" in response.content.decode()
    live = services.definition_for(online)
    assert [f.key for f in live.all_fields] == ["ho_va_ten", "ghi_ro_quan_he", "quan_he"]
    assert [(a.requirement, a.accept_reuse, a.show_if_field) for a in live.all_attachments] == [
        ("required", False, ""), ("optional", True, ""), ("required", False, "quan_he"),
    ]  # fmt: skip

    # A published form is changed through a revision only.
    assert add(builder, online, label="Muộn").status_code == 302
    assert live.fields.count() == 3
    builder.post(url(online, "sua-doi/"))
    assert services.draft_definition(online).revision == 2


def test_publishing_an_empty_form_is_refused_with_the_reason(builder, online):
    response = builder.post(url(online, "cong-bo/"), follow=True)
    assert "Biểu mẫu phải có ít nhất một trường." in response.content.decode()
    assert services.published_definition(online) is None


def test_a_procedure_not_offered_online_has_no_form_to_build(online, admins):
    type(online).objects.filter(pk=online.pk).update(online_level="NONE")
    client = client_for(admins["commune"])
    page = client.get(url(online)).content.decode()
    assert "không cung cấp dịch vụ công trực tuyến" in page
    response = client.post(url(online, "bat-dau/"), {"mau": "trong"}, follow=True)
    assert "không cung cấp dịch vụ công trực tuyến" in response.content.decode()
    assert not FormDefinition.objects.exists()
