"""A few weeks of dossiers for the demo, made through the real services.

Every dossier is received at a counter and moved along its procedure's internal process by
the officials who hold each step's role, at plausible moments in the past; some wait for a
supplement, some are late, some are withdrawn, most are returned and many are rated. The
inboxes, the tracking page and the monitoring dashboards then show something real.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from motcua.agencies.models import RoleAssignment, Unit
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Intake
from motcua.portal import notifications
from motcua.ratings.services import rate
from motcua.workdays import deadlines
from motcua.workdays.services import calendar_for

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thu", "Hữu", "Thanh", "Quang", "Bảo"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vân",
    "Yến",
]
STREETS = ["Trần Hưng Đạo", "Lê Lợi", "Đinh Tiên Hoàng", "Lý Thái Tổ", "Tràng An", "Xuân Thành"]


class History:
    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.holders = {
            (a.role, a.unit_id): a.official.user
            for a in RoleAssignment.objects.select_related("official__user")
        }
        self.centre = Unit.objects.filter(one_stop=True).order_by("depth", "pk").first()

    def holder(self, role: str, unit: Unit):
        """The demo official holding ``role`` at ``unit`` or the nearest unit above it."""
        for u in [unit, *reversed(unit.ancestors())]:
            if (role, u.pk) in self.holders:
                return self.holders[(role, u.pk)]
        return None

    def desks(self, version: ProcedureVersion) -> tuple[Unit, Unit]:
        """(receiving one-stop unit, competent unit) for a dossier of ``version``."""
        competent = self.rng.choice(list(version.implementing_units.all()))
        desk = competent.subtree().filter(one_stop=True).first() or self.centre
        return desk, competent

    def applicant(self) -> dict:
        name = f"{self.rng.choice(FAMILY)} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"
        return {
            "name": name,
            "id_number": f"0371{self.rng.randrange(10**8):08d}",
            "phone": f"09{self.rng.randrange(10**8):08d}",
            "address": f"Số {self.rng.randint(1, 200)} {self.rng.choice(STREETS)}, Ninh Bình",
        }

    def moment(self, day, cal) -> datetime:
        start = cal.opening(day)
        return start + timedelta(minutes=self.rng.randrange(0, 8 * 60, 7))

    def later(self, t: datetime, hours: float, cal) -> datetime:
        return deadlines.add_working_time(t, timedelta(hours=hours), cal)


def create_history(days: int = 30, per_day: int = 5, seed: int = 2026) -> int:
    """Create the demo dossiers unless some exist; returns how many were made."""
    if Dossier.objects.exists():
        return 0
    h = History(seed)
    versions = list(
        ProcedureVersion.objects.filter(status="PUBLISHED")
        .prefetch_related("implementing_units", "documents", "steps")
        .order_by("pk")
    )
    cal = calendar_for(None)
    made = 0
    day = h.now.date() - timedelta(days=days)
    with notifications.suppressed():
        while day < h.now.date():
            if cal.is_working_day(day):
                for _ in range(per_day):
                    made += _one_dossier(h, h.rng.choice(versions), h.moment(day, cal), cal)
            day += timedelta(days=1)
    return made


def _one_dossier(h: History, version, received_at, cal) -> int:
    desk, competent = h.desks(version)
    receiver = h.holder("RECEIVER", desk)
    if receiver is None or received_at > h.now:
        return 0
    documents = [
        {"document": d.pk, "form": "original", "digitized": True}
        for d in version.documents.all()
        if not d.optional
    ]
    intake = Intake(version, h.applicant(), documents, competent_unit=competent)
    d = services.receive_at_counter(receiver, desk, intake, now=received_at)
    _walk(h, d, received_at, cal)
    return 1


def _walk(h: History, d: Dossier, t: datetime, cal) -> None:
    """Move ``d`` along its steps until the present, the way people really do it."""
    steps = list(d.version.steps.order_by("order"))
    rng = h.rng
    if rng.random() < 0.03:
        services.act(d, "withdraw", h.holder("RECEIVER", d.receiving_unit), now=h.later(t, 2, cal))
        return
    supplemented = False
    while d.state in ("RECEIVED", "IN_PROCESS"):
        step = next(s for s in steps if s.order == d.step_order)
        t = h.later(t, float(step.hours) * rng.uniform(0.3, 1.25), cal)
        if t > h.now:
            return
        actor = h.holder(d.step_role, d.current_unit)
        if actor is None:
            return
        if step.role == "SPECIALIST" and not supplemented and rng.random() < 0.08:
            supplemented = True
            d = services.act(
                d,
                "request_supplement",
                actor,
                now=t,
                reason="Thiếu bản sao giấy tờ tùy thân có chứng thực.",
            )
            t = h.later(t, rng.uniform(8, 40), cal)
            if t > h.now:
                return
            d = services.act(
                d, "complete_supplement", h.holder("RECEIVER", d.receiving_unit), now=t
            )
            continue
        following = [s for s in steps if s.order > step.order]
        if not following or (len(following) == 1 and following[0].role == "RECEIVER"):
            d = services.act(
                d, "resolve", actor, e_result=True, now=t, result_number=f"{rng.randint(1, 999)}/KQ"
            )
        else:
            d = services.act(d, "forward", actor, now=t)
    if d.state == "RESOLVED":
        _hand_over(h, d, t, cal)


def _hand_over(h: History, d: Dossier, t: datetime, cal) -> None:
    t = h.later(t, h.rng.uniform(1, 12), cal)
    if t > h.now:
        return
    receiver = h.holder("RECEIVER", d.receiving_unit)
    d = services.act(d, "return_result", receiver, recipient=d.applicant_name, now=t)
    if h.rng.random() < 0.6:
        good = h.rng.random() < 0.9
        scores = {
            k: h.rng.choice([4, 5] if good else [2, 3])
            for k in ("access", "procedure", "official", "result", "feedback")
        }
        rate(d, scores=scores, liked=good, user=receiver, now=t)
