"""dossiers endpoints."""

from ninja import Router

router = Router(tags=["Hồ sơ"])
tracking_router = Router(tags=["Tra cứu hồ sơ"])
