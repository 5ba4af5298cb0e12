"""The Decision 766 index (domain.md §3, R-766-1..5) of a unit subtree for a period.

Every indicator is reported with its numerator, denominator, ratio, points and maximum, the
inputs of its formula and a note; dossier indicators carry the population their numerator
and denominator count (``drill.py`` lists those dossiers). Several units are computed
together (a ranking) with the same number of queries as one.

Dossiers are counted by day of receipt in the period; a dossier still open at the end of the
period is judged at that moment (``Period.judged_at``), see ``facts``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from motcua.agencies.models import Kind, Unit

from . import formulas, registry, rollup, sums, together
from .models import DossierFact
from .periods import Period
from .tallies import path_ids

PAKN_NOTE = (
    "Chưa có nguồn dữ liệu phản ánh, kiến nghị (PAKN) trong hệ thống: không phát sinh PAKN, "
    "tính đủ điểm theo quy tắc «6 điểm nếu không có PAKN»."
)
SYNC_NOTE = (
    "Mọi hồ sơ được ghi nhận trong hệ thống một cửa điện tử (nguồn đồng bộ lên Cổng DVCQG); "
    "chưa có nhật ký đồng bộ riêng, tỷ lệ đồng bộ tính bằng 100% số hồ sơ tiếp nhận."
)
PROCEDURE_SETS = ["submitted_online", "paid_online", "fee_due", "vneid"]
CERTIFIED = ["received", "e_result"]  # counted over the certified-copy procedures (group 6)


@dataclass
class Indicator:
    id: str
    metric: str
    name: str
    max: float
    numerator: float
    denominator: float
    ratio: float | None
    score: float
    formula: str
    inputs: dict = field(default_factory=dict)
    note: str = ""
    unit_of_count: str = "hồ sơ"  # hồ sơ | thủ tục
    procedures: dict[str, frozenset[int]] = field(default_factory=dict)  # TTHC drill-down

    @property
    def percent(self) -> float | None:
        return None if self.ratio is None else formulas.round2(100 * self.ratio)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "metric": self.metric,
            "name": self.name,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "ratio": None if self.ratio is None else round(self.ratio, 6),
            "percent": self.percent,
            "score": self.score,
            "max": self.max,
            "formula": self.formula,
            "counts": self.unit_of_count,
            "inputs": self.inputs,
            "note": self.note,
        }


@dataclass
class Group:
    id: str
    code: str
    name: str
    max: float
    score: float
    indicators: list[Indicator]

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "score": self.score,
            "max": self.max,
            "indicators": [i.as_dict() for i in self.indicators],
        }


@dataclass
class Result:
    unit: Unit
    period: Period
    judged_at: datetime
    formula: str
    groups: list[Group]
    received: int

    @property
    def total(self) -> float:
        return formulas.round2(sum(g.score for g in self.groups))

    @property
    def empty(self) -> bool:
        return self.received == 0

    @property
    def message(self) -> str:
        if self.empty:
            return (
                f"Không có hồ sơ tiếp nhận trong kỳ ({self.period.label}); các chỉ số theo hồ sơ "
                "bằng 0 hoặc N/A."
            )
        return ""

    def indicator(self, ind_id: str) -> Indicator:
        for g in self.groups:
            for i in g.indicators:
                if i.id == ind_id:
                    return i
        raise KeyError(ind_id)

    def as_dict(self) -> dict:
        return {
            "unit": {"code": self.unit.code, "name": self.unit.name, "level": self.unit.level},
            "period": {
                "from": self.period.first.isoformat(),
                "to": self.period.last.isoformat(),
                "label": self.period.label,
            },
            "judged_at": self.judged_at.isoformat(),
            "formula_version": self.formula,
            "total": self.total,
            "max": 100,
            "received": self.received,
            "empty": self.empty,
            "message": self.message,
            "groups": [g.as_dict() for g in self.groups],
        }


# --- the computation ------------------------------------------------------------------------


def compute(unit: Unit, period: Period, *, now: datetime | None = None) -> Result:
    return compute_many([unit], period, now=now)[unit.pk]


def compute_many(units: list[Unit], period: Period, *, now=None) -> dict[int, Result]:
    rollup.catch_up()  # figures include every change committed before this call
    now = now or timezone.now()
    judged = period.judged_at(now)
    config = formulas.for_period(period.first)
    params = _params(config)
    snap = registry.snapshot(period.first, period.last, params["registry"])
    wanted = _certified_ids(snap, params["certified_words"])
    first, last = period.first, period.last
    # three independent reads, at the same time on one snapshot (``together``); the edge
    # days' fact rows serve both the presence sets and the certified copies
    found = together.run(
        {
            "units": lambda: _unit_counts(units, period, judged),
            "edges": lambda: sums.edge_presence(
                units, first, last, PROCEDURE_SETS, wanted, CERTIFIED
            ),
            "procedures": lambda: (
                sums.procedures_with(units, first, last, PROCEDURE_SETS, edges=[]),
                _certified_copies(units, period, wanted, edges=[]),
            ),
        }
    )
    totals, late = found["units"]
    used, certified = found["procedures"]
    edge_used, edge_copies = found["edges"]
    for n in PROCEDURE_SETS:
        for scope, procedure_ids in edge_used[n].items():
            used[n][scope] |= procedure_ids
    for scope, values in edge_copies.items():
        for name, v in values.items():
            certified[scope][name] += v
    groups = _prepared(config)
    results = {}
    for unit in units:
        ctx = _Context(
            unit=unit,
            totals=totals[unit.pk],
            late=late[unit.pk],
            used={n: frozenset(used[n].get(unit.pk, ())) for n in PROCEDURE_SETS},
            sets=snap.sets(unit),
            certified=certified[unit.pk],
        )
        results[unit.pk] = Result(
            unit,
            period,
            judged,
            config["code"],
            [g.compute(ctx) for g in groups],
            ctx.totals["received"],
        )
    return results


@dataclass(frozen=True)
class _Spec:
    """An indicator of the configuration, with what does not depend on the unit worked out
    once per computation (a ranking evaluates each of them for 121 units)."""

    raw: dict
    id: str
    name: str
    max: float
    metric: object
    formula: str

    @classmethod
    def of(cls, spec: dict) -> "_Spec":
        return cls(
            raw=spec,
            id=spec["id"],
            name=spec.get("name", spec["metric"]),
            max=spec.get("max", 0),
            metric=METRICS[spec["metric"]],
            formula=formulas.describe(spec),
        )


@dataclass(frozen=True)
class _GroupSpec:
    raw: dict
    indicators: tuple[_Spec, ...]

    def compute(self, ctx: "_Context") -> Group:
        g = self.raw
        indicators = [_indicator(spec, ctx) for spec in self.indicators]
        raw = sum(i.score for i in indicators)
        cap = g.get("cap")
        score = formulas.round2(min(raw, cap) if cap is not None else raw)
        return Group(g["id"], g.get("code", ""), g["name"], g["max"], score, indicators)


def _prepared(config: dict) -> list[_GroupSpec]:
    return [
        _GroupSpec(g, tuple(_Spec.of(spec) for spec in g["indicators"])) for g in config["groups"]
    ]


def _params(config: dict) -> dict:
    by_metric = {
        i["metric"]: i.get("params", {}) for g in config["groups"] for i in g["indicators"]
    }
    return {
        "registry": {
            "publish": by_metric.get("PUBLISH_ON_TIME", {}),
            "public": by_metric.get("PUBLIC_UPDATE_ON_TIME", {}),
        },
        "certified_words": by_metric.get("ELECTRONIC_CERTIFIED_COPY", {}).get(
            "procedure_name_words", ["chung thuc", "ban sao", "dien tu"]
        ),
    }


@dataclass
class _Context:
    unit: Unit
    totals: dict
    late: int
    used: dict[str, frozenset[int]]  # procedures with such dossiers in the period
    sets: registry.Sets  # the subtree's procedures in force, by kind
    certified: dict


def late_counts(
    units: list[Unit], period: Period, judged: datetime, totals: dict | None = None
) -> dict[int, int]:
    """Dossiers received in the period and late when judged at ``judged``, per unit.

    = the tallied ``late_final`` (ended late, or a second supplement request) − those whose
    due moment is after ``judged`` (late only after the period) + open dossiers overdue at
    ``judged``. Both corrections read few fact rows through partial indexes.
    """
    ids = [u.pk for u in units]
    if totals is None:
        totals = sums.units_totals(ids, period.first, period.last)
    counts = {uid: totals[uid]["late_final"] for uid in ids}
    base = DossierFact.objects.filter(sums.scope_q(units), day__range=(period.first, period.last))
    later = base.filter(late_final=1, late_from__gte=judged)
    overdue = base.filter(is_open=True, late_final=0, late_from__lt=judged)
    for qs, sign in ((later, -1), (overdue, +1)):
        for uid, n in sums.count_by_scope(qs, units).items():
            counts[uid] += sign * n
    return counts


def certified_procedure_ids(period: Period) -> list[int]:
    """The electronic certified-copy procedures in force in the period (indicator 4.6)."""
    params = _params(formulas.for_period(period.first))
    snap = registry.snapshot(period.first, period.last, params["registry"])
    return sorted(_certified_ids(snap, params["certified_words"]))


def _certified_ids(snap, words: list[str]) -> set[int]:
    """Procedures whose (diacritic-folded) name holds every configured word."""
    words = [w for w in words if w]
    return {
        pid for pid, item in snap.items.items()
        if words and all(w in item.folded_name for w in words)
    }  # fmt: skip


def _unit_counts(units, period, judged) -> tuple[dict, dict]:
    totals = sums.units_totals([u.pk for u in units], period.first, period.last)
    return totals, late_counts(units, period, judged, totals)


def _certified_copies(units, period, wanted: set[int], edges) -> dict[int, dict]:
    """Dossiers of the electronic certified-copy procedures (766 group 6): received, and with
    an electronic result (``edges``: the edge days' rows, or [] to add them later)."""
    found = {u.pk: {"received": 0, "e_result": 0, "procedures": sorted(wanted)} for u in units}
    if not wanted:
        return found
    rows = sums.scope_rows(
        units, period.first, period.last, ("procedure_id",), CERTIFIED,
        procedure_ids=sorted(wanted), edges=edges,
    )  # fmt: skip
    for scope, per_procedure in rows.items():
        for values in per_procedure.values():
            found[scope]["received"] += values["received"]
            found[scope]["e_result"] += values["e_result"]
    return found


def _indicator(spec: _Spec, ctx: _Context) -> Indicator:
    num, den, extra = spec.metric(ctx)
    ratio, points = formulas.score(spec.raw, num, den)
    if not spec.max:
        ratio = None  # an information indicator: its value is in ``inputs``
    note = extra.get("note", "")
    if ratio is None and not note and spec.max:
        note = "Mẫu số bằng 0 (không phát sinh): N/A."
    return Indicator(
        spec.id,
        spec.raw["metric"],
        spec.name,
        spec.max,
        num,
        den,
        ratio,
        points if spec.max else 0.0,
        spec.formula,
        extra.get("inputs", {}),
        note,
        extra.get("counts", "hồ sơ"),
        extra.get("procedures", {}),
    )


# --- one function per metric code: (numerator, denominator, extras) -------------------------


def _procedure_ratio(numerator: frozenset[int], denominator: frozenset[int], note=""):
    """TTHC counts; the id sets go with the indicator for its drill-down page."""
    return (
        len(numerator),
        len(denominator),
        {
            "counts": "thủ tục",
            "procedures": {"numerator": numerator, "denominator": denominator},
            "note": note,
        },
    )


def _publish_on_time(ctx):
    s = ctx.sets
    skipped = len(s.published) - len(s.assessable)
    note = (
        f"{skipped} TTHC chưa có ngày hiệu lực của văn bản quy định, không đánh giá được."
        if skipped
        else ""
    )
    return _procedure_ratio(s.publish_on_time, s.assessable, note)


def _public_on_time(ctx):
    return _procedure_ratio(ctx.sets.public_on_time, ctx.sets.published)


def _content_full(ctx):
    return _procedure_ratio(ctx.sets.complete, ctx.sets.all)


def _sync(ctx):
    n = ctx.totals["received"]
    return n, n, {"note": SYNC_NOTE, "inputs": {"received": n}}


def _on_time(ctx):
    received = ctx.totals["received"]
    late = max(0, ctx.late)
    return (
        received - late,
        received,
        {
            "inputs": {
                "received": received,
                "late": late,
                "late_final": ctx.totals["late_final"],
                "supplemented": ctx.totals["supplemented"],
            }
        },
    )


def _average_time(ctx):
    count = ctx.totals["work_count"]
    days = ctx.totals["work_minutes"] / 60 / 8
    return (
        formulas.round2(days),
        count,
        {
            "inputs": {
                "completed": count,
                "working_minutes": ctx.totals["work_minutes"],
                "average_working_days": formulas.round2(days / count) if count else None,
            },
            "note": "Tổng thời gian giải quyết (ngày làm việc, trừ thời gian bổ sung) ÷ số hồ sơ "
            "đã giải quyết xong trong kỳ.",
        },
    )


def _online_procedures(ctx):
    s = ctx.sets
    num, den, extra = _procedure_ratio(s.online, s.all)
    extra["inputs"] = {
        "online": len(s.online),
        "full_online": len(s.full),
        "partial_online": len(s.partial),
        "eligible_for_full": len(s.eligible),
        "full_among_eligible": len(s.full & s.eligible),
    }
    return num, den, extra


def _online_used(ctx):
    return _procedure_ratio(ctx.sets.online & ctx.used["submitted_online"], ctx.sets.online)


def _online_dossiers(ctx):
    t = ctx.totals
    return (
        t["online_counted"],
        t["received"],
        {
            "inputs": {
                "online": t["ch_online_partial"] + t["ch_online_full"],
                "online_counted": t["online_counted"],
                "direct": t["ch_direct"],
                "postal": t["ch_postal"],
                "sync_rate": 1,
            },
            "note": "Hồ sơ trực tuyến được tính khi có kết quả điện tử (nếu TTHC yêu cầu kết quả "
            "bằng văn bản).",
        },
    )


def _payment_dossiers(ctx):
    t = ctx.totals
    return t["paid_online"], t["fee_due"], {}


def _payment_procedures(ctx):
    return _procedure_ratio(ctx.sets.fees & ctx.used["paid_online"], ctx.sets.fees)


def _fee_procedures(ctx):
    return _procedure_ratio(ctx.sets.fees & ctx.used["fee_due"], ctx.sets.fees)


def _no_pakn(ctx):
    return 0, 0, {"note": PAKN_NOTE, "counts": "phản ánh, kiến nghị"}


def _satisfaction(ctx):
    t = ctx.totals
    received = t["received"]
    late = max(0, ctx.late)
    disliked = t["disliked"]
    num = max(0, received - late - disliked)
    return (
        num,
        received,
        {
            "inputs": {
                "received": received,
                "late": late,
                "disliked": disliked,
                "pakn": 0,
                "rated": t["rated"],
                "liked": t["liked"],
            },
            "note": "r = 100% − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ có PAKN hoặc đánh giá "
            "không hài lòng).",
        },
    )


def _counter_ratio(num_name, den_name):
    def metric(ctx):
        return ctx.totals[num_name], ctx.totals[den_name], {}

    return metric


def _citizen_procedures(ctx):
    return _procedure_ratio(ctx.sets.citizens & ctx.used["vneid"], ctx.sets.citizens)


def _certified(ctx):
    c = ctx.certified
    note = (
        "Hồ sơ các TTHC chứng thực bản sao điện tử từ bản chính có kết quả điện tử ÷ hồ sơ "
        "các TTHC đó."
    )
    if not c["procedures"]:
        note = "Không có TTHC chứng thực bản sao điện tử từ bản chính trong danh mục: N/A."
    return c["e_result"], c["received"], {"note": note, "procedures": {}}


METRICS = {
    "PUBLISH_ON_TIME": _publish_on_time,
    "PUBLIC_UPDATE_ON_TIME": _public_on_time,
    "PUBLIC_CONTENT_FULL": _content_full,
    "DOSSIER_SYNC": _sync,
    "ON_TIME_RATE": _on_time,
    "AVERAGE_TIME": _average_time,
    "ONLINE_PROCEDURES": _online_procedures,
    "ONLINE_PROCEDURES_USED": _online_used,
    "ONLINE_DOSSIERS": _online_dossiers,
    "ONLINE_PAYMENT_DOSSIERS": _payment_dossiers,
    "ONLINE_PAYMENT_PROCEDURES": _payment_procedures,
    "FEE_DATA_PROCEDURES": _fee_procedures,
    "PETITION_CLASSIFICATION": _no_pakn,
    "PETITION_PROCESSING_ON_TIME": _no_pakn,
    "PETITION_HANDLING_SATISFACTION": _no_pakn,
    "DOSSIER_RECEIVING_SATISFACTION": _satisfaction,
    "ORIGINAL_RESULT_AVAILABLE": _counter_ratio("written_e_result", "written_resolved"),
    "SO_HOA_GIAY_TO_GIAI_QUYET": _counter_ratio("digitized_full", "received"),
    "REUSED_DIGITIZED_DATA": _counter_ratio("reused", "received"),
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": _counter_ratio("repo_linked", "received"),
    "CITIZEN_DATA_CONNECTED_DOSSIER": _counter_ratio("vneid", "received"),
    "CITIZEN_DATA_CONNECTED_FORMALITY": _citizen_procedures,
    "ELECTRONIC_CERTIFIED_COPY": _certified,
}
assert set(METRICS) == formulas.METRICS


# --- ranking (R-766-5) --------------------------------------------------------------------


def competition_ranks(values: list[float]) -> list[int]:
    """1-2-2-4: equal values share a rank, the next rank skips the tied places."""
    ordered = sorted(values, reverse=True)
    first_place = {}
    for place, v in enumerate(ordered, start=1):
        first_place.setdefault(v, place)
    return [first_place[v] for v in values]


def peers(level: str) -> list[Unit]:
    """The units ranked against each other at ``level``: the top-most unit of that level on
    each branch, one-stop centres excluded (they receive for others)."""
    units = list(Unit.objects.filter(level=level, active=True).exclude(kind=Kind.SERVICE_CENTER))
    by_id = {u.pk: u for u in units}
    top = []
    for u in units:
        above = path_ids(u.path)[:-1]
        if not any(a in by_id for a in above):
            top.append(u)
    return sorted(top, key=lambda u: u.path)


def ranking(
    level: str, period: Period, *, now=None, results: dict | None = None, also: list[Unit] = ()
) -> list[dict]:
    """The units of ``level`` by total (and by group), competition ranking. ``results``,
    if given, receives every unit's Result (a page showing one of them needs no second
    computation), and those of ``also``: units computed in the same pass, unranked (the
    province's page reads the tallies and the edge days once for itself and its ranking)."""
    units = peers(level)
    if not units:
        return []
    ranked = {u.pk for u in units}
    extra = [u for u in also if u.pk not in ranked] if results is not None else []
    computed = compute_many(units + extra, period, now=now)
    if results is not None:
        results.update(computed)
    results = computed
    totals = [results[u.pk].total for u in units]
    ranks = competition_ranks(totals)
    group_ranks = defaultdict(dict)
    group_ids = [g.id for g in results[units[0].pk].groups]
    for gid in group_ids:
        scores = [next(g.score for g in results[u.pk].groups if g.id == gid) for u in units]
        for u, r in zip(units, competition_ranks(scores), strict=True):
            group_ranks[u.pk][gid] = r
    rows = [
        {
            "unit": u,
            "code": u.code,
            "name": u.name,
            "total": results[u.pk].total,
            "rank": rank,
            "received": results[u.pk].received,
            "groups": [
                {"id": g.id, "score": g.score, "rank": group_ranks[u.pk][g.id]}
                for g in results[u.pk].groups
            ],
        }
        for u, rank in zip(units, ranks, strict=True)
    ]
    return sorted(rows, key=lambda r: (r["rank"], r["name"]))
