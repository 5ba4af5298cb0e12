import pytest
from django.core.management import call_command
from django.test import Client

from motcua.agencies.models import Counter, Official, Unit
from motcua.catalog.models import Procedure, ProcedureVersion


@pytest.fixture
def demo(db):
    call_command("load_demo", "--quiet")


def test_demo_province_is_realistic(demo):
    assert Unit.objects.filter(depth__gte=2).exists(), "at least three levels of units"
    assert Counter.objects.count() >= 8
    published = ProcedureVersion.objects.filter(status="PUBLISHED")
    assert published.count() >= 40
    assert published.values("field").distinct().count() >= 6
    assert all(v.steps.exists() for v in published)
    assert Official.objects.filter(roles__role="RECEIVER").exists()


def test_loading_the_demo_twice_changes_nothing(demo):
    before = (Unit.objects.count(), ProcedureVersion.objects.count(), Official.objects.count())
    call_command("load_demo", "--quiet")
    after = (Unit.objects.count(), ProcedureVersion.objects.count(), Official.objects.count())
    assert before == after


def test_catalog_pages_list_and_show_demo_procedures(demo):
    client = Client()
    home = client.get("/")
    assert home.status_code == 200 and "Hộ tịch" in home.content.decode()
    listing = client.get("/thu-tuc/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in listing
    code = Procedure.objects.filter(versions__name__icontains="khai sinh").first().code
    page = client.get(f"/thu-tuc/{code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Thành phần hồ sơ" in text and "Quy trình nội bộ" in text
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert client.get("/thu-tuc/0.000000/").status_code == 404


def test_demo_history_goes_through_the_services(demo, settings, mailoutbox):
    from motcua.demo.history import create_history
    from motcua.dossiers.models import Dossier, Event

    made = create_history(days=6, per_day=3)
    assert made > 0 and Dossier.objects.count() == made
    assert create_history() == 0, "a second run keeps the existing dossiers"
    assert Event.objects.filter(action="receive").count() == made
    assert Dossier.objects.exclude(state="RECEIVED").exists()
    assert mailoutbox == [], "history sends no messages"
