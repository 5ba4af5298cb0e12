"""monitoring endpoints."""

from ninja import Router

router = Router(tags=["Giám sát, đánh giá"])
