"""What monitoring keeps: one fact row per dossier, tallies summed from them, and the
versioned formula configuration of the Decision 766 index.

- ``PendingChange`` notes, in the transaction of every change of a dossier (the
  ``dossier_changed`` signal) or of its rating, *that* the dossier changed; ``rollup`` turns
  those notes into facts and tallies in batches, and every reader rolls up first.
- ``DossierFact``: the dossier's days, the flags the figures count, and the 0/1 counters of
  ``counters.COUNTERS``, rebuilt from the dossier's committed state by ``rollup``.
- ``UnitTally`` and ``ProcedureTally`` hold the counters summed per unit subtree (a dossier is
  counted in every unit above its resolving unit and above its receiving desk), per day /
  month / year, so a province's five years are a few hundred rows, never millions.
- ``FormulaConfig`` holds the weights and formulas (domain.md §3.2, R-766-2) as data.

Facts and tallies are derived data (rebuilt and proved by ``consistency``), so their foreign
keys carry no database constraint: with constraints, every roll-up would take key-share locks
on the dossiers, units, procedures and officials that lifecycle transactions lock for update,
and the two would deadlock; each fact written would also cost nine look-ups. Deleting a
referenced row is still cascaded or refused by Django.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now

from motcua.agencies.models import Unit
from motcua.catalog.models import Field, Procedure, ProcedureVersion
from motcua.dossiers.models import Dossier

from .counters import COUNTERS


class Grain(models.TextChoices):
    DAY = "D", "Ngày"
    MONTH = "M", "Tháng"
    YEAR = "Y", "Năm"


class FormulaConfig(models.Model):
    """A version of the 766 formulas: groups, indicators, maximum points, scoring shape.

    The version in force for a period is the one with the latest ``valid_from`` on or before
    the period's first day; without any row the built-in ``qd766-v1`` applies.
    """

    code = models.CharField(
        "mã phiên bản", max_length=40, unique=True, help_text="Ví dụ qd766-v1, qd766-v2."
    )
    name = models.CharField("tên", max_length=300)
    valid_from = models.DateField(
        "áp dụng cho kỳ bắt đầu từ", help_text="Kỳ đánh giá bắt đầu từ ngày này dùng phiên bản này."
    )
    config = models.JSONField(
        "công thức",
        help_text="Nhóm chỉ số, chỉ số thành phần, điểm tối đa, ngưỡng đạt điểm tối đa "
        "(full_at), cách tính khi mẫu số bằng 0 (if_empty).",
    )
    note = models.TextField("ghi chú, căn cứ", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phiên bản công thức chỉ số 766"
        verbose_name_plural = "phiên bản công thức chỉ số 766"
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.code} (từ {self.valid_from:%d/%m/%Y})"

    def clean(self):
        from .formulas import check_config

        try:
            check_config(self.config)
        except ValueError as exc:
            raise ValidationError({"config": str(exc)}) from exc


class Counters(models.Model):
    """The counter columns, generated from ``counters.COUNTERS`` (one list, no drift)."""

    class Meta:
        abstract = True


class TallyCounters(models.Model):
    class Meta:
        abstract = True


for _c in COUNTERS:
    Counters.add_to_class(_c.name, models.IntegerField(_c.label, default=0, db_default=0))
    # 32 bits hold a province's five years of any count; minutes of work need 64.
    kind = models.BigIntegerField if _c.name == "work_minutes" else models.IntegerField
    TallyCounters.add_to_class(_c.name, kind(_c.label, default=0, db_default=0))


class PendingChange(models.Model):
    """A dossier changed and its fact and tallies have not been rolled up yet.

    Written in the dossier's own transaction (committed or rolled back with the change) and
    append-only: no unique key and no foreign key, so concurrent receipts never wait on each
    other or on the dossier row here. The same dossier may be noted many times; the roll-up
    rebuilds it once from its current state and deletes the notes it took."""

    id = models.BigAutoField(primary_key=True)
    dossier_id = models.BigIntegerField("hồ sơ")
    at = models.DateTimeField("thời điểm thay đổi", db_default=Now())

    class Meta:
        verbose_name = "thay đổi chờ tổng hợp"
        verbose_name_plural = "thay đổi chờ tổng hợp"

    def __str__(self) -> str:
        return f"Hồ sơ #{self.dossier_id} thay đổi lúc {self.at}"


class DossierFact(Counters):
    """A dossier as the figures see it, rebuilt from the dossier by ``rollup``."""

    dossier = models.OneToOneField(
        Dossier,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="fact",
        db_constraint=False,
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="cơ quan giải quyết",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    unit_path = models.CharField(max_length=500)
    receiving_unit = models.ForeignKey(
        Unit,
        verbose_name="nơi tiếp nhận",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    receiving_path = models.CharField(max_length=500)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    channel = models.CharField(max_length=10)
    online_level = models.CharField(max_length=10, blank=True)
    state = models.CharField(max_length=20)
    day = models.DateField("ngày tiếp nhận (hoặc ngày nộp, nếu chưa tiếp nhận)")
    end_day = models.DateField("ngày kết thúc xử lý", null=True, blank=True)
    return_day = models.DateField("ngày trả kết quả", null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(
        "hạn giải quyết (đã cộng thời gian tạm dừng)", null=True, blank=True
    )
    end_at = models.DateTimeField(
        "thời điểm kết thúc xử lý theo chỉ số 766",
        null=True,
        blank=True,
        help_text="Đã xử lý xong, hoặc dừng / từ chối / rút; nếu kết thúc khi đang chờ bổ sung "
        "thì là lúc yêu cầu bổ sung (thời gian bổ sung không tính).",
    )
    late_from = models.DateTimeField(
        "quá hạn kể từ",
        null=True,
        blank=True,
        help_text="Hồ sơ bị tính quá hạn trong một kỳ khi thời điểm đánh giá (cuối kỳ hoặc hiện "
        "tại) sau mốc này; trống nếu không bao giờ quá hạn.",
    )
    is_open = models.BooleanField("đang giải quyết", default=False)
    imported = models.BooleanField("nhập từ hệ thống cũ", default=False)
    late_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị để quá hạn",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    late_official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ để quá hạn",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    late_step = models.CharField("bước phát sinh quá hạn", max_length=300, blank=True)
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ tiếp nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    resolver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ hoàn thành giải quyết",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = "dữ liệu thống kê hồ sơ"
        verbose_name_plural = "dữ liệu thống kê hồ sơ"
        indexes = [
            # Covering: the edge days of a range cut mid-month (which procedures of each of
            # 120 communes had online / paid / fee / VNeID dossiers; the worst procedures) are
            # read from the index alone, not from fact rows scattered over the table.
            models.Index(
                fields=["day"],
                include=[
                    "unit",
                    "receiving_unit",
                    "procedure",
                    "submitted_online",
                    "paid_online",
                    "fee_due",
                    "vneid",
                    "received",
                    "e_result",
                ],
                name="fact_day_cover",
            ),
            models.Index(
                fields=["end_day"],
                include=[
                    "unit",
                    "receiving_unit",
                    "procedure",
                    "fin_early",
                    "fin_on_time",
                    "fin_late",
                ],
                name="fact_end_day_cover",
            ),
            models.Index(fields=["return_day"], name="fact_return_day"),
            models.Index(
                fields=["unit_path", "day"],
                name="fact_unit_path_day",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(
                fields=["receiving_path", "day"],
                name="fact_recv_path_day",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(
                fields=["late_from", "day"],
                name="fact_late_final",
                condition=models.Q(late_final=1),
            ),
            # dossiers ended late after a moment: "in progress, late at the end of a period"
            models.Index(
                fields=["end_day", "late_from"],
                name="fact_late_end_from",
                condition=models.Q(late_final=1),
            ),
            # open dossiers past their due moment: the few that move with the clock
            models.Index(
                fields=["late_from", "day"],
                name="fact_open_late",
                condition=models.Q(is_open=True),
            ),
            models.Index(fields=["procedure", "day"], name="fact_procedure_day"),
        ]

    def __str__(self) -> str:
        return f"Thống kê hồ sơ #{self.dossier_id}"


class ScopePair(models.Model):
    """For each pair of unit paths facts carry (resolving unit, receiving desk), the units
    whose subtree holds them — so tallies can be summed from facts in one SQL statement."""

    unit_path = models.CharField(max_length=500)
    receiving_path = models.CharField(max_length=500)
    scope = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "phạm vi tổng hợp"
        verbose_name_plural = "phạm vi tổng hợp"
        constraints = [
            models.UniqueConstraint(
                fields=["unit_path", "receiving_path", "scope"], name="scope_pair_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} + {self.receiving_path} → {self.scope_id}"


class UnitTally(TallyCounters):
    """Counters of the dossiers of one unit's subtree for one day, month or year."""

    scope = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField("ngày đầu của kỳ")

    class Meta:
        verbose_name = "số liệu tổng hợp theo đơn vị"
        verbose_name_plural = "số liệu tổng hợp theo đơn vị"
        constraints = [
            models.UniqueConstraint(fields=["scope", "grain", "start"], name="unit_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope_id} {self.grain} {self.start}"


class ProcedureTally(TallyCounters):
    """Counters per unit subtree and procedure (and its field), per month or year."""

    scope = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    field = models.ForeignKey(
        Field, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField("ngày đầu của kỳ")

    class Meta:
        verbose_name = "số liệu tổng hợp theo thủ tục"
        verbose_name_plural = "số liệu tổng hợp theo thủ tục"
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "procedure", "field", "grain", "start"], name="proc_tally_key"
            )
        ]
        indexes = [
            # Covering: "which procedures of each unit had online / paid / fee / VNeID
            # dossiers in the period" (766 3.2, 3.5, 3.5b, 4.5a for a ranking of 120 communes)
            # is read from the index alone, not from rows scattered over the table.
            models.Index(
                fields=["scope", "grain", "start"],
                include=["procedure", "submitted_online", "paid_online", "fee_due", "vneid"],
                name="proc_tally_presence",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope_id} {self.procedure_id} {self.grain} {self.start}"
