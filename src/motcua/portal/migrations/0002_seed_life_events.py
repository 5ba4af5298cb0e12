"""The life events the national portal groups procedures by, with their national codes."""

from django.db import migrations

EVENTS = [
    ("sinh-con", "Sinh con", "Khai sinh, nhận cha, mẹ, con",
     ["1.001193", "1.000689", "1.001022", "1.004884"]),
    ("ket-hon", "Kết hôn", "Xác nhận tình trạng hôn nhân, đăng ký kết hôn",
     ["1.004873", "1.000894", "1.000593"]),
    ("nguoi-than-qua-doi", "Người thân qua đời", "Khai tử, mai táng phí, chế độ thờ cúng",
     ["1.000656", "1.005461", "1.001731", "1.010803"]),
    ("xay-sua-nha", "Xây dựng, sửa chữa nhà ở", "Cấp, điều chỉnh, gia hạn giấy phép xây dựng",
     ["1.013225", "1.013226", "1.013227", "1.013228"]),
    ("nha-dat", "Mua bán, tặng cho, thừa kế nhà đất",
     "Đăng ký biến động, cấp đổi, cấp lại Giấy chứng nhận, tách thửa",
     ["1.013831", "1.012786", "1.012784", "1.012783", "1.011441", "1.012789"]),
    ("khoi-su-kinh-doanh", "Khởi sự kinh doanh", "Hộ kinh doanh, doanh nghiệp, giấy phép con",
     ["1.001612", "2.001610", "2.002036", "2.002040", "2.000620", "1.001029"]),
    ("viec-lam", "Tìm việc làm, mất việc làm",
     "Lý lịch tư pháp, bản sao văn bằng, trợ cấp thất nghiệp",
     ["2.000505", "2.001914", "1.014748"]),
    ("tro-giup-xa-hoi", "Người cao tuổi, người khuyết tật",
     "Trợ cấp xã hội, hưu trí xã hội, xác định mức độ khuyết tật",
     ["1.014027", "1.001776", "1.001699"]),
]  # fmt: skip


def seed(apps, schema_editor):
    LifeEvent = apps.get_model("portal", "LifeEvent")
    for order, (slug, name, description, codes) in enumerate(EVENTS, start=1):
        LifeEvent.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name, "description": description, "order": order,
                "procedure_codes": codes,
            },
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_drafts_life_events")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
