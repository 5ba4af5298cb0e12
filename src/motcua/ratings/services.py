"""Rating a dossier's service (R-SAT-1) and the SIPAS figures read from ratings.

One rating per dossier, once it has an outcome (resolved, returned, or stopped), by its
owner signed in, by whoever holds the link printed on the receipt (a signed token), or at
the desk's rating device by the one-stop unit's receiver.
"""

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from motcua.agencies import scope
from motcua.agencies.models import Role
from motcua.core.errors import Conflict, DomainError, Forbidden
from motcua.dossiers.models import Dossier, State

from .models import ELEMENTS, Channel, Rating
from .signals import rated

RATEABLE = {State.RESOLVED, State.RETURNED, State.STOPPED}
_SALT = "motcua.ratings.dossier"


class InvalidRating(DomainError):
    def __init__(self, errors: dict[str, str]):
        field, message = next(iter(errors.items()))
        super().__init__(message, code="invalid_rating", field=field)
        self.errors = errors


def token_for(dossier: Dossier) -> str:
    """The secret part of the rating link on the receipt: whoever holds it may rate."""
    return signing.Signer(salt=_SALT).signature(dossier.code or "")


def token_valid(dossier: Dossier, token: str | None) -> bool:
    return bool(token) and constant_time_compare(token, token_for(dossier))


def can_rate(dossier: Dossier, *, user=None, token: str | None = None) -> bool:
    """Whether the rating form should be offered (the state allows it, none exists yet)."""
    if dossier.state not in RATEABLE or Rating.objects.filter(dossier=dossier).exists():
        return False
    try:
        _channel(dossier, user, token, None)
    except Forbidden:
        return False
    return True


def _channel(dossier: Dossier, user, token, asked: str | None) -> str:
    is_owner = dossier.owner_id is not None and getattr(user, "pk", None) == dossier.owner_id
    if asked in (None, Channel.ONLINE) and is_owner:
        return Channel.ONLINE
    if asked in (None, Channel.QR) and token_valid(dossier, token):
        return Channel.QR
    if asked in (None, Channel.DESK) and scope.has_role(
        user, Role.RECEIVER, dossier.receiving_unit
    ):
        return Channel.DESK
    raise Forbidden(
        "Chỉ người nộp hồ sơ (hoặc người có đường dẫn đánh giá trên Giấy tiếp nhận) mới đánh "
        "giá được hồ sơ này.",
        code="rating_forbidden",
    )


def _clean_scores(scores: dict, liked) -> dict[str, str]:
    errors = {}
    for key, label in ELEMENTS:
        value = scores.get(key)
        if str(value) not in {"1", "2", "3", "4", "5"}:
            errors[key] = f"Vui lòng chọn mức đánh giá cho «{label}»."
    if liked not in (True, False):
        errors["liked"] = "Vui lòng chọn Hài lòng hoặc Không hài lòng."
    return errors


def rate(
    dossier: Dossier,
    *,
    scores: dict,
    liked: bool | None,
    comment: str = "",
    channel: str | None = None,
    user=None,
    token: str | None = None,
    now=None,
) -> Rating:
    """Record the rating of ``dossier``; raise Forbidden, Conflict or InvalidRating."""
    channel = _channel(dossier, user, token, channel)
    if dossier.state not in RATEABLE:
        raise DomainError(
            "Chỉ đánh giá được khi hồ sơ đã có kết quả giải quyết.", code="not_rateable_yet"
        )
    if errors := _clean_scores(scores, liked):
        raise InvalidRating(errors)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=dossier,
                **{key: int(scores[key]) for key, _ in ELEMENTS},
                liked=liked,
                comment=comment.strip()[:2000],
                channel=channel,
                rated_by=user if getattr(user, "is_authenticated", False) else None,
                receiving_path=dossier.receiving_path,
                competent_path=dossier.competent_path,
                created_at=now or timezone.now(),
            )
            rated.send(sender=Rating, rating=rating)
    except IntegrityError:
        raise Conflict("Hồ sơ này đã được đánh giá.", code="already_rated") from None
    return rating


def summary(ratings: QuerySet[Rating] | None = None) -> dict:
    """SIPAS-style figures: per element the share of "Hài lòng" + "Rất hài lòng" answers (%),
    the overall index (their average), and the share of overall likes (766)."""
    ratings = Rating.objects.all() if ratings is None else ratings
    agg = ratings.aggregate(
        n=Count("id"),
        liked=Count("id", filter=Q(liked=True)),
        **{f"{k}_ok": Count("id", filter=Q(**{f"{k}__gte": 4})) for k, _ in ELEMENTS},
        **{f"{k}_avg": Avg(k) for k, _ in ELEMENTS},
    )
    n = agg["n"]
    elements = [
        {
            "key": key,
            "label": label,
            "satisfied_pct": round(100 * agg[f"{key}_ok"] / n, 2) if n else None,
            "average": round(float(agg[f"{key}_avg"]), 2) if n else None,
        }
        for key, label in ELEMENTS
    ]
    index = round(sum(e["satisfied_pct"] for e in elements) / len(elements), 2) if n else None
    return {
        "count": n,
        "elements": elements,
        "sipas_pct": index,
        "liked_pct": round(100 * agg["liked"] / n, 2) if n else None,
    }
