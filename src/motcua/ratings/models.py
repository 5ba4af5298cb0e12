"""Per-dossier satisfaction ratings (R-SAT-1): the five SIPAS elements on a five-level scale,
plus the overall like/dislike that the 766 index counts."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

# The five elements of public administrative service provision (QĐ 1001/QĐ-BNV, domain §6.2).
ELEMENTS = [
    ("access", "Tiếp cận dịch vụ"),
    ("procedure", "Thủ tục hành chính"),
    ("official", "Công chức trực tiếp giải quyết công việc"),
    ("result", "Kết quả dịch vụ"),
    ("feedback", "Việc tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị"),
]
SCALE = [
    (1, "Rất không hài lòng"),
    (2, "Không hài lòng"),
    (3, "Bình thường"),
    (4, "Hài lòng"),
    (5, "Rất hài lòng"),
]


class Channel(models.TextChoices):
    ONLINE = "online", "Trực tuyến (tài khoản trên Cổng)"
    QR = "qr", "Mã QR / đường dẫn trên Giấy tiếp nhận"
    DESK = "desk", "Thiết bị đánh giá tại Bộ phận Một cửa"


def _score(label: str):
    return models.PositiveSmallIntegerField(
        label, choices=SCALE, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class Rating(models.Model):
    dossier = models.OneToOneField(
        "dossiers.Dossier", verbose_name="hồ sơ", on_delete=models.PROTECT, related_name="rating"
    )
    access = _score("tiếp cận dịch vụ")
    procedure = _score("thủ tục hành chính")
    official = _score("công chức trực tiếp giải quyết")
    result = _score("kết quả dịch vụ")
    feedback = _score("tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị")
    liked = models.BooleanField(
        "hài lòng chung", help_text="Đánh giá chung Hài lòng / Không hài lòng (chỉ số 766)."
    )
    comment = models.TextField("ý kiến khác", blank=True, max_length=2000)
    channel = models.CharField("kênh đánh giá", max_length=10, choices=Channel.choices)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    # Copied from the dossier so monitoring can group ratings by unit without a join.
    receiving_path = models.CharField(max_length=500, db_index=True, default="")
    competent_path = models.CharField(max_length=500, db_index=True, default="")
    created_at = models.DateTimeField("thời điểm đánh giá", db_index=True)

    class Meta:
        verbose_name = "đánh giá sự hài lòng"
        verbose_name_plural = "đánh giá sự hài lòng"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(access__range=(1, 5), procedure__range=(1, 5),
                                   official__range=(1, 5), result__range=(1, 5),
                                   feedback__range=(1, 5)),
                name="rating_scores_1_to_5",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Đánh giá hồ sơ {self.dossier}"

    def scores(self) -> dict[str, int]:
        return {key: getattr(self, key) for key, _ in ELEMENTS}
