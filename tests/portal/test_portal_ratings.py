"""Rating a dossier's service (R-SAT-1): five SIPAS elements and an overall like."""

import pytest
from django.urls import reverse

from motcua.core.errors import Conflict, DomainError, Forbidden
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier
from motcua.ratings import services as ratings
from motcua.ratings.models import Rating
from tests.portal.conftest import make_citizen
from tests.portal.test_portal_dossiers import process
from tests.portal.test_portal_submission import form, start

pytestmark = pytest.mark.django_db
GOOD = {"access": 5, "procedure": 4, "official": 5, "result": 4, "feedback": 3}


@pytest.fixture
def returned(client, citizen, online_procedure, province, officials):
    client.post(start(client, citizen, online_procedure), form(province))
    d = process(Dossier.objects.get(owner=citizen), officials)
    return dossiers.act(d, "return_result", officials["receiver"], method="online")


def test_owner_rates_after_return(client, citizen, returned):
    url = reverse("portal:rate", args=[returned.code])
    page = client.get(url).content.decode()
    for label in ("Tiếp cận dịch vụ", "Thủ tục hành chính", "Kết quả dịch vụ",
                  "Công chức trực tiếp giải quyết công việc", "Rất hài lòng"):  # fmt: skip
        assert label in page
    # Half-filled: every missing element is named next to it, the chosen ones stay chosen.
    response = client.post(url, {"access": "5", "comment": "Nhanh gọn"})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Vui lòng chọn mức đánh giá cho «Thủ tục hành chính»." in page
    assert "Vui lòng chọn Hài lòng hoặc Không hài lòng." in page
    assert 'id="access-5" name="access" value="5" checked' in page and "Nhanh gọn" in page
    response = client.post(url, {**{k: str(v) for k, v in GOOD.items()}, "liked": "1",
                                 "comment": "Nhanh gọn"})  # fmt: skip
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=returned)
    assert rating.scores() == GOOD and rating.liked and rating.channel == "online"
    assert rating.rated_by == citizen and rating.competent_path == returned.competent_path
    assert "đã được đánh giá" in client.get(url).content.decode()


def test_not_before_a_result_and_only_once(citizen, client, online_procedure, province):
    client.post(start(client, citizen, online_procedure), form(province))
    d = Dossier.objects.get(owner=citizen)
    with pytest.raises(DomainError, match="đã có kết quả"):
        ratings.rate(d, scores=GOOD, liked=True, user=citizen)
    assert not ratings.can_rate(d, user=citizen)


def test_once_only(returned, citizen):
    ratings.rate(returned, scores=GOOD, liked=True, user=citizen)
    with pytest.raises(Conflict):
        ratings.rate(returned, scores=GOOD, liked=False, user=citizen)


def test_a_stranger_may_not_rate_but_the_receipt_link_holder_may(client, returned):
    stranger = make_citizen("037190000456")
    with pytest.raises(Forbidden):
        ratings.rate(returned, scores=GOOD, liked=True, user=stranger)
    client.force_login(stranger)
    url = reverse("portal:rate", args=[returned.code])
    assert client.get(url).status_code == 404
    assert client.get(url, {"t": "sai-ma"}).status_code == 404
    client.logout()
    token = ratings.token_for(returned)
    response = client.post(url + f"?t={token}", {**GOOD, "liked": "0", "t": token})
    assert response.status_code == 302
    assert Rating.objects.get(dossier=returned).channel == "qr"


def test_tracking_page_offers_the_rating_link(client, returned):
    client.logout()
    page = client.get(
        reverse("portal:track"), {"ma": returned.code, "xac-minh": "037190000123"}
    ).content.decode()
    assert f"/danh-gia/{returned.code}/?t={ratings.token_for(returned)}" in page


def test_desk_device_rating_by_the_receiver(returned, officials, make_official, province):
    rating = ratings.rate(returned, scores=GOOD, liked=True, user=officials["receiver"],
                          channel="desk")  # fmt: skip
    assert rating.channel == "desk"
    other_desk = make_official("tiepnhan.tinh", "RECEIVER", province["center"])
    with pytest.raises(Forbidden):
        ratings.rate(returned, scores=GOOD, liked=True, user=other_desk, channel="desk")


def test_summary_gives_sipas_percentages(returned, citizen, online_procedure, province, client):
    ratings.rate(returned, scores=GOOD, liked=True, user=citizen)
    figures = ratings.summary()
    by_key = {e["key"]: e for e in figures["elements"]}
    assert figures["count"] == 1 and figures["liked_pct"] == 100
    assert by_key["access"]["satisfied_pct"] == 100 and by_key["feedback"]["satisfied_pct"] == 0
    assert figures["sipas_pct"] == 80  # 4 of 5 elements "hài lòng" or better
    assert ratings.summary(Rating.objects.none())["sipas_pct"] is None
