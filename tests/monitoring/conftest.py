"""A known history of one commune in March 2026, built through the real services.

Procedure: 3 working days (desk 4 h → specialist 12 h → head 4 h → desk 4 h), resolved by
xã Gia Viễn (commune_a), received at its centre (commune_a_center). The expected figures
in the tests are computed by hand from the moments below (no holidays in March 2026).

| dossier | received | due | what happens | 766 verdict (March, judged 01/04 00:00) |
|---|---|---|---|---|
| D1 | Mon 02/03 09:00 | Thu 05/03 17:00 | resolved Wed 04/03, returned Thu 05/03 | early |
| D2 | 02/03 09:05 | 05/03 17:00 | resolved Thu 05/03 16:00 | on time |
| D3 | 02/03 09:10 | 05/03 17:00 | apology 04/03 (new date 10/03), resolved Fri 06/03 | late |
| D4 | Tue 03/03 08:00 | 06/03 → 11/03 | supplement 04/03 → 09/03, resolved 11/03 | on time |
| D5 | 03/03 08:05 | — | two supplement requests, resolved 04/03 | late |
| D6 | Wed 04/03 08:00 | 09/03 | withdrawn 04/03 09:00 | on time |
| D7 | Mon 30/03 09:00 | Thu 02/04 17:00 | open at the end of March, resolved 03/04 | on time |
| D8 | Wed 25/03 09:00 | Mon 30/03 17:00 | open at the end of March, resolved 02/04 | late |
| D9 | Tue 10/03 09:00 | Fri 13/03 17:00 | liên thông to Sở Tư pháp (late there), resolved 16/03 |
  late |
| D10 | online 05/03 | — | refused at intake 05/03 | not received |
| D11 | online 20/03 | — | still waiting for reception | not received |
"""

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import services
from tests.factories import at, intake

NOW = at("2026-04-10 10:00")


@pytest.fixture
def people(people, province, make_official):
    return {
        **people,
        "province_leader": make_official("lanhdao.tinh", "LEADER_VIEWER", province["root"]),
        "commune_b_head": make_official("lanhdao.b", "HEAD", province["commune_b"]),
    }


@pytest.fixture
def citizen(db):
    return get_user_model().objects.create_user("congdan", password="pw-for-tests-only")


class History:
    def __init__(self, procedure, people, province):
        self.procedure, self.people, self.province = procedure, people, province
        self.d = {}

    def receive(self, key, when):
        p = self.people
        self.d[key] = services.receive_at_counter(
            p["receiver"], self.province["commune_a_center"], intake(self.procedure), now=at(when)
        )
        return self.d[key]

    def act(self, key, action, who, when, **params):
        self.d[key] = services.act(self.d[key], action, self.people[who], now=at(when), **params)
        return self.d[key]

    def flow(self, key, received, forward1, forward2, resolve, returned=None):
        self.receive(key, received)
        self.act(key, "forward", "receiver", forward1)
        self.act(key, "forward", "specialist", forward2)
        self.act(key, "resolve", "head", resolve, e_result=True)
        if returned:
            self.act(key, "return_result", "receiver", returned, recipient="Nguyễn Thị Ngọc Ánh")


@pytest.fixture
def march(procedure, people, province, citizen):
    h = History(procedure, people, province)
    h.flow("D1", "2026-03-02 09:00", "2026-03-02 09:30", "2026-03-02 14:00",
           "2026-03-04 10:00", "2026-03-05 08:00")  # fmt: skip
    h.flow("D2", "2026-03-02 09:05", "2026-03-02 09:30", "2026-03-03 10:00", "2026-03-05 16:00")

    h.receive("D3", "2026-03-02 09:10")
    h.act("D3", "forward", "receiver", "2026-03-02 09:30")
    h.act("D3", "apologize", "head", "2026-03-04 10:00", reason="Cần xác minh thêm",
          new_due="2026-03-10T17:00:00+07:00")  # fmt: skip
    h.act("D3", "forward", "specialist", "2026-03-06 08:00")
    h.act("D3", "resolve", "head", "2026-03-06 09:00", e_result=True)

    h.receive("D4", "2026-03-03 08:00")
    h.act("D4", "forward", "receiver", "2026-03-03 09:00")
    h.act("D4", "request_supplement", "specialist", "2026-03-04 10:00", reason="Thiếu giấy tờ")
    h.act("D4", "complete_supplement", "receiver", "2026-03-09 10:00")
    h.act("D4", "forward", "specialist", "2026-03-10 10:00")
    h.act("D4", "resolve", "head", "2026-03-11 10:00", e_result=True)

    h.receive("D5", "2026-03-03 08:05")
    h.act("D5", "forward", "receiver", "2026-03-03 09:00")
    h.act("D5", "request_supplement", "specialist", "2026-03-03 10:00", reason="Thiếu tờ khai")
    h.act("D5", "complete_supplement", "receiver", "2026-03-03 14:00")
    h.act("D5", "request_supplement", "specialist", "2026-03-03 15:00", reason="Sai thông tin",
          acknowledge_late=True)  # fmt: skip
    h.act("D5", "complete_supplement", "receiver", "2026-03-04 08:00")
    h.act("D5", "forward", "specialist", "2026-03-04 09:00")
    h.act("D5", "resolve", "head", "2026-03-04 10:00", e_result=True)

    h.receive("D6", "2026-03-04 08:00")
    h.act("D6", "withdraw", "receiver", "2026-03-04 09:00", reason="Người nộp xin rút")

    h.receive("D9", "2026-03-10 09:00")
    h.act("D9", "forward", "receiver", "2026-03-10 09:30")
    h.act("D9", "transfer", "specialist", "2026-03-10 10:00", to_unit="000.01.12.H99", hours=4,
          reason="Xin ý kiến Sở Tư pháp")  # fmt: skip
    h.act("D9", "forward", "justice", "2026-03-12 09:00")
    h.act("D9", "forward", "specialist", "2026-03-12 10:00")
    h.act("D9", "resolve", "head", "2026-03-16 09:00", e_result=True)

    h.receive("D8", "2026-03-25 09:00")
    h.act("D8", "forward", "receiver", "2026-03-25 09:30")
    h.receive("D7", "2026-03-30 09:00")
    h.act("D7", "forward", "receiver", "2026-03-30 09:30")
    h.act("D7", "forward", "specialist", "2026-03-31 10:00")

    center = province["commune_a_center"]
    h.d["D10"] = services.submit_online(
        citizen, center, intake(procedure), now=at("2026-03-05 10:00")
    )
    h.act("D10", "refuse", "receiver", "2026-03-05 11:00", reason="Hồ sơ không đúng thủ tục")
    h.d["D11"] = services.submit_online(
        citizen, center, intake(procedure), now=at("2026-03-20 10:00")
    )

    # April: the two dossiers open at the end of March end, both late.
    h.act("D8", "forward", "specialist", "2026-04-01 08:00")
    h.act("D8", "resolve", "head", "2026-04-02 09:00", e_result=True)
    h.act("D7", "resolve", "head", "2026-04-03 09:00", e_result=True)
    return h
