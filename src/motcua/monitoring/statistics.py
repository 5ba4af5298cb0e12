"""Statistics of a unit subtree for a period, as the provinces' one-stop reports count them.

- received in the period, by channel (trực tiếp, bưu chính, trực tuyến một phần / toàn trình);
- carried over from before the period (received earlier, not yet ended when it began);
- resolved in the period (by the day processing ended) before / on / after the due date;
- in progress at the end of the period (or now), within or past the due date;
- returned, refused, withdrawn, stopped, supplement requests, apologies, pending online;
- digitisation of dossiers and results, online payment, ratings, online-service coverage.

Everything comes from the tallies; only the split of dossiers still in progress into
"within / past the due date" reads fact rows (few, through partial indexes).
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.utils import timezone

from motcua.agencies.models import Level, Unit
from motcua.catalog.models import Field, Procedure

from . import formulas, index, registry, rollup, sums
from .counters import NAMES
from .models import DossierFact
from .periods import EPOCH, Period

BREAKDOWNS = {
    "unit": "Đơn vị",
    "field": "Lĩnh vực",
    "procedure": "Thủ tục hành chính",
    "official": "Cán bộ",
    "level": "Cấp",
}
INTERVALS = {"day": "Ngày", "month": "Tháng", "quarter": "Quý", "year": "Năm"}


def pct(num: float, den: float) -> float | None:
    return formulas.round2(100 * num / den) if den else None


def figures(t: dict, before: dict | None, end: dict | None, late_open: int | None) -> dict:
    """One row of figures from summed counters (``before``/``end``: cumulative counters up
    to the period's start / end; None when not computed)."""
    resolved = t["fin_early"] + t["fin_on_time"] + t["fin_late"]
    carried = None if before is None else before["received"] - before["closed"]
    in_progress = None if end is None else end["received"] - end["closed"]
    late_open = late_open or 0
    return {
        "received": t["received"],
        "received_direct": t["ch_direct"],
        "received_postal": t["ch_postal"],
        "received_online": t["ch_online_partial"] + t["ch_online_full"],
        "received_online_partial": t["ch_online_partial"],
        "received_online_full": t["ch_online_full"],
        "carried_over": carried,
        "to_process": None if carried is None else carried + t["received"],
        "resolved": resolved,
        "resolved_early": t["fin_early"],
        "resolved_on_time": t["fin_on_time"],
        "resolved_late": t["fin_late"],
        "resolved_on_time_rate": pct(t["fin_early"] + t["fin_on_time"], resolved),
        "in_progress": in_progress,
        "in_progress_on_time": None if in_progress is None else in_progress - late_open,
        "in_progress_late": None if in_progress is None else late_open,
        "returned": t["returned"],
        "returned_desk": t["ret_desk"],
        "returned_post": t["ret_post"],
        "returned_online": t["ret_online"],
        "refused": t["refused"],
        "withdrawn": t["withdrawn"],
        "stopped": t["stopped"],
        "supplemented": t["supplemented"],
        "supplement_requests": t["supplement_requests"],
        "apologized": t["apologized"],
        "pending": t["pending"],
        "digitized": t["digitized"],
        "digitized_rate": pct(t["digitized"], t["received"]),
        "e_result": t["e_result"],
        "e_result_rate": pct(t["e_result"], t["resolved_r"]),
        "fee_due": t["fee_due"],
        "paid_online": t["paid_online"],
        "paid_online_rate": pct(t["paid_online"], t["fee_due"]),
        "online_rate": pct(t["ch_online_partial"] + t["ch_online_full"], t["received"]),
        "rated": t["rated"],
        "liked": t["liked"],
        "disliked": t["disliked"],
        "rating_average": formulas.round2(t["rating_sum"] / t["rated"]) if t["rated"] else None,
        "average_days": (
            formulas.round2(t["work_minutes"] / 60 / 8 / t["work_count"])
            if t["work_count"]
            else None
        ),
    }


LABELS = {
    "received": "Tiếp nhận trong kỳ",
    "received_direct": "Tiếp nhận trực tiếp",
    "received_postal": "Tiếp nhận qua bưu chính công ích",
    "received_online": "Tiếp nhận trực tuyến",
    "received_online_partial": "… trực tuyến một phần",
    "received_online_full": "… trực tuyến toàn trình",
    "carried_over": "Kỳ trước chuyển qua",
    "to_process": "Tổng số phải giải quyết",
    "resolved": "Đã giải quyết",
    "resolved_early": "Đã giải quyết trước hạn",
    "resolved_on_time": "Đã giải quyết đúng hạn",
    "resolved_late": "Đã giải quyết quá hạn",
    "resolved_on_time_rate": "Tỷ lệ giải quyết đúng hạn (%)",
    "in_progress": "Đang giải quyết (cuối kỳ)",
    "in_progress_on_time": "Đang giải quyết trong hạn",
    "in_progress_late": "Đang giải quyết quá hạn",
    "returned": "Đã trả kết quả",
    "refused": "Từ chối tiếp nhận",
    "withdrawn": "Rút hồ sơ",
    "stopped": "Dừng xử lý",
    "supplemented": "Hồ sơ yêu cầu bổ sung",
    "supplement_requests": "Lượt yêu cầu bổ sung",
    "apologized": "Xin lỗi, hẹn lại",
    "pending": "Chờ tiếp nhận (trực tuyến)",
    "digitized_rate": "Số hóa hồ sơ (%)",
    "e_result_rate": "Kết quả điện tử (%)",
    "paid_online_rate": "Thanh toán trực tuyến (%)",
    "online_rate": "Nộp trực tuyến (%)",
    "rated": "Lượt đánh giá",
    "liked": "Hài lòng",
    "disliked": "Không hài lòng",
    "rating_average": "Điểm đánh giá bình quân",
    "average_days": "Thời gian giải quyết bình quân (ngày làm việc)",
}


def late_open_at(units: list[Unit], period: Period, judged: datetime) -> dict[int, int]:
    """Per unit: dossiers received by the end of the period, still in progress at
    ``judged`` and past their due moment by then."""
    counts = {u.pk: 0 for u in units}
    base = DossierFact.objects.filter(
        sums.scope_q(units), day__lte=period.last, late_from__lt=judged
    )
    still_open = base.filter(is_open=True)
    ended_after = base.filter(is_open=False, late_final=1, end_day__gt=period.last)
    for qs in (still_open, ended_after):
        for uid, n in sums.count_by_scope(qs, units).items():
            counts[uid] += n
    return counts


def _before(period: Period):
    return EPOCH, period.first - timedelta(days=1)


# what "carried over" and "in progress at the end" are computed from
OPEN_NAMES = ("received", "closed")


def for_units(units: list[Unit], period: Period, *, now=None) -> dict[int, dict]:
    """The figures of several unit subtrees (one query per kind, whatever their number)."""
    rollup.catch_up()  # figures include every change committed before this call
    judged = period.judged_at(now or timezone.now())
    ids = [u.pk for u in units]
    t = sums.units_totals(ids, period.first, period.last)
    before = sums.units_totals(ids, *_before(period), OPEN_NAMES) if period.first > EPOCH else None
    end = sums.units_totals(ids, EPOCH, period.last, OPEN_NAMES)
    late = late_open_at(units, period, judged)
    return {
        uid: figures(t[uid], before[uid] if before else _zero(), end[uid], late[uid]) for uid in ids
    }


def _zero() -> dict:
    return dict.fromkeys(NAMES, 0)


def statistics(unit: Unit, period: Period, *, now=None) -> dict:
    now = now or timezone.now()
    row = for_units([unit], period, now=now)[unit.pk]
    empty = row["received"] == 0 and not row["resolved"] and not row["in_progress"]
    return {
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "period": {
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "label": period.label,
        },
        "judged_at": period.judged_at(now).isoformat(),
        "empty": empty,
        "message": (
            f"Không có hồ sơ trong kỳ ({period.label}): mọi số liệu bằng 0." if empty else ""
        ),
        "figures": row,
        "online_coverage": coverage(unit, period),
    }


def coverage(unit: Unit, period: Period) -> dict:
    """Procedures offered online (full / partial) out of all procedures of the subtree."""
    items = registry.snapshot(period.first, period.last).in_scope(unit)
    full = sum(1 for i in items if i.online_level == "FULL")
    partial = sum(1 for i in items if i.online_level == "PARTIAL")
    return {
        "procedures": len(items),
        "online_full": full,
        "online_partial": partial,
        "online": full + partial,
        "online_rate": pct(full + partial, len(items)),
        "online_full_rate": pct(full, len(items)),
    }


# --- breakdowns ---------------------------------------------------------------------------------


def breakdown(unit: Unit, period: Period, by: str, *, now=None) -> list[dict]:
    """Rows of figures per child unit, level, field, procedure or official."""
    rollup.catch_up()
    now = now or timezone.now()
    if by == "unit":
        children = list(unit.children.filter(active=True).order_by("path")) or [unit]
        rows = for_units(children, period, now=now)
        return [_row(u.code, u.name, rows[u.pk], unit=u) for u in children]
    if by == "level":
        return _by_level(unit, period, now)
    if by in ("field", "procedure"):
        return _by_catalog(unit, period, by, now)
    if by == "official":
        return _by_official(unit, period)
    raise ValueError(by)


def _row(key, name, figs, **extra) -> dict:
    return {"key": key, "name": name, **figs, **extra}


def _by_level(unit: Unit, period: Period, now) -> list[dict]:
    out = []
    for level, label in Level.choices:
        units = [u for u in index.peers(level) if u.path.startswith(unit.path)]
        if not units:
            continue
        rows = for_units(units, period, now=now)
        summed: dict = {}
        for figs in rows.values():
            for k, v in figs.items():
                if k.endswith("_rate") or k in ("rating_average", "average_days"):
                    continue
                summed[k] = (summed.get(k) or 0) + (v or 0)
        _rates(summed)
        out.append(_row(level, f"{label} ({len(units)} đơn vị)", summed))
    return out


def _rates(f: dict) -> None:
    f["resolved_on_time_rate"] = pct(f["resolved_early"] + f["resolved_on_time"], f["resolved"])
    f["digitized_rate"] = pct(f["digitized"], f["received"])
    f["online_rate"] = pct(f["received_online"], f["received"])
    f["paid_online_rate"] = pct(f["paid_online"], f["fee_due"])
    f["e_result_rate"] = None
    f["rating_average"] = None
    f["average_days"] = None


def _by_catalog(unit: Unit, period: Period, by: str, now) -> list[dict]:
    group = ("procedure_id",) if by == "procedure" else ("field_id",)
    judged = period.judged_at(now)
    current = sums.procedure_rows(unit, period.first, period.last, group)
    before = (
        sums.procedure_rows(unit, *_before(period), group, ["received", "closed"])
        if period.first > EPOCH
        else {}
    )
    end = sums.procedure_rows(unit, EPOCH, period.last, group, ["received", "closed"])
    late = _late_open_by(unit, period, judged, group[0])
    keys = set(current) | {k for k, v in end.items() if v["received"] - v["closed"]}
    names = _names(by, [k[0] for k in keys])
    rows = []
    for key in keys:
        t = current.get(key) or _zero()
        figs = figures(
            {**_zero(), **t},
            {**_zero(), **before.get(key, {})},
            {**_zero(), **end.get(key, {})},
            late.get(key[0], 0),
        )
        code, name = names.get(key[0], ("", ""))
        rows.append(_row(code, name, figs, id=key[0]))
    return sorted(rows, key=lambda r: (-r["received"], r["key"]))


def _late_open_by(unit: Unit, period: Period, judged: datetime, field: str) -> dict[int, int]:
    base = sums.facts(unit).filter(day__lte=period.last, late_from__lt=judged)
    q = Q(is_open=True) | Q(is_open=False, late_final=1, end_day__gt=period.last)
    return dict(base.filter(q).values(field).annotate(n=Count("pk")).values_list(field, "n"))


def _names(by: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    if by == "field":
        return {f.pk: (f.code, f.name) for f in Field.objects.filter(pk__in=ids)}
    found = {}
    for p in Procedure.objects.filter(pk__in=ids).select_related("current_version"):
        name = p.current_version.name if p.current_version_id else ""
        if not name:
            last = p.versions.exclude(status="DRAFT").order_by("-number").first()
            name = last.name if last else ""
        found[p.pk] = (p.code, name)
    return found


def _by_official(unit: Unit, period: Period) -> list[dict]:
    facts = sums.facts(unit)
    acc: dict[int, dict] = defaultdict(
        lambda: {"received": 0, "resolved": 0, "resolved_early": 0, "resolved_on_time": 0,
                 "resolved_late": 0, "late_caused": 0}
    )  # fmt: skip
    received = (
        facts.filter(day__range=(period.first, period.last), received=1, receiver__isnull=False)
        .values("receiver_id")
        .annotate(n=Count("pk"))
    )
    for r in received:
        acc[r["receiver_id"]]["received"] += r["n"]
    resolved = (
        facts.filter(end_day__range=(period.first, period.last), resolver__isnull=False)
        .values("resolver_id")
        .annotate(e=Sum("fin_early"), o=Sum("fin_on_time"), late=Sum("fin_late"))
    )
    for r in resolved:
        row = acc[r["resolver_id"]]
        row["resolved_early"] += r["e"] or 0
        row["resolved_on_time"] += r["o"] or 0
        row["resolved_late"] += r["late"] or 0
        row["resolved"] += (r["e"] or 0) + (r["o"] or 0) + (r["late"] or 0)
    caused = (
        facts.filter(
            day__range=(period.first, period.last), late_final=1, late_official__isnull=False
        )
        .values("late_official_id")
        .annotate(n=Count("pk"))
    )
    for r in caused:
        acc[r["late_official_id"]]["late_caused"] += r["n"]
    users = get_user_model().objects.filter(pk__in=list(acc)).select_related("official")
    names = {u.pk: getattr(getattr(u, "official", None), "full_name", "") or u.username
             for u in users}  # fmt: skip
    rows = [
        {
            "key": uid,
            "name": names.get(uid, ""),
            **figs,
            "resolved_on_time_rate": pct(
                figs["resolved_early"] + figs["resolved_on_time"], figs["resolved"]
            ),
        }
        for uid, figs in acc.items()
    ]
    return sorted(rows, key=lambda r: (-r["resolved"], -r["received"], r["name"]))


def trend(unit: Unit, period: Period, interval: str = "month") -> list[dict]:
    """Received, resolved on time / late, returned per day, month, quarter or year."""
    rollup.catch_up()
    out = []
    for start, t in sums.series(unit, period, interval):
        resolved = t["fin_early"] + t["fin_on_time"] + t["fin_late"]
        out.append(
            {
                "start": start.isoformat(),
                "label": _bucket_label(start, interval),
                "short": _bucket_label(start, interval, short=True),
                "received": t["received"],
                "received_online": t["ch_online_partial"] + t["ch_online_full"],
                "resolved": resolved,
                "resolved_on_time": t["fin_early"] + t["fin_on_time"],
                "resolved_late": t["fin_late"],
                "returned": t["returned"],
                "on_time_rate": pct(t["fin_early"] + t["fin_on_time"], resolved),
            }
        )
    return out


def _bucket_label(start, interval: str, short: bool = False) -> str:
    if interval == "day":
        return f"{start:%d/%m}" if short else f"{start:%d/%m/%Y}"
    if interval == "month":
        return f"{start:%m/%y}" if short else f"{start:%m/%Y}"
    if interval == "quarter":
        return (
            f"Q{(start.month - 1) // 3 + 1}/{start:%y}"
            if short
            else (f"Quý {(start.month - 1) // 3 + 1}/{start.year}")
        )
    return str(start.year)


def worst_procedures(unit: Unit, period: Period, limit: int = 10) -> list[dict]:
    """The procedures with the most dossiers resolved late in the period."""
    rollup.catch_up()
    rows = sums.procedure_rows(
        unit, period.first, period.last, ("procedure_id",), ["fin_early", "fin_on_time", "fin_late"]
    )
    ranked = sorted(
        ((pid, v) for (pid,), v in rows.items() if v["fin_late"]),
        key=lambda kv: (-kv[1]["fin_late"], kv[0]),
    )[:limit]
    names = _names("procedure", [pid for pid, _ in ranked])
    return [
        {
            "id": pid,
            "code": names.get(pid, ("", ""))[0],
            "name": names.get(pid, ("", ""))[1],
            "late": v["fin_late"],
            "resolved": v["fin_early"] + v["fin_on_time"] + v["fin_late"],
            "late_rate": pct(v["fin_late"], v["fin_early"] + v["fin_on_time"] + v["fin_late"]),
        }
        for pid, v in ranked
    ]
