"""dossiers endpoints."""

from ninja import Router

router = Router(tags=["Hồ sơ"])
