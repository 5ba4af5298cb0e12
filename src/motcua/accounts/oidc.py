"""Sign-in through an OpenID Connect identity provider (the national VNeID / Cổng DVCQG
account, or the province's own), with Authlib.

Off unless configured. Settings (Django settings of the same name win over the environment):

- ``MOTCUA_OIDC_ISSUER``        the provider's issuer URL; its discovery document is read
                                from ``<issuer>/.well-known/openid-configuration``
- ``MOTCUA_OIDC_CLIENT_ID``     this portal's client id at the provider
- ``MOTCUA_OIDC_CLIENT_SECRET`` its secret (sent with HTTP Basic to the token endpoint)
- ``MOTCUA_OIDC_SCOPE``         default ``openid profile email phone``
- ``MOTCUA_OIDC_ID_CLAIM``      the claim carrying the 12-digit identity number (default
                                ``id_number``)
- ``MOTCUA_OIDC_LABEL``         the button text (default "Đăng nhập bằng tài khoản định danh
                                điện tử")

The flow is the authorization-code flow with PKCE, state and nonce; the ID token is checked
(RS256 signature against the provider's JWKS, issuer, audience, expiry, nonce) by Authlib.
"""

import os
from dataclasses import dataclass

from authlib.integrations.django_client import OAuth
from django.conf import settings

_clients: dict = {}


@dataclass(frozen=True)
class Config:
    issuer: str
    client_id: str
    client_secret: str
    scope: str
    id_claim: str
    label: str


def _setting(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    return str(value) if value is not None else os.environ.get(name, default)


def config() -> Config | None:
    issuer = _setting("MOTCUA_OIDC_ISSUER").rstrip("/")
    client_id = _setting("MOTCUA_OIDC_CLIENT_ID")
    if not issuer or not client_id:
        return None
    return Config(
        issuer=issuer,
        client_id=client_id,
        client_secret=_setting("MOTCUA_OIDC_CLIENT_SECRET"),
        scope=_setting("MOTCUA_OIDC_SCOPE", "openid profile email phone"),
        id_claim=_setting("MOTCUA_OIDC_ID_CLAIM", "id_number"),
        label=_setting("MOTCUA_OIDC_LABEL", "Đăng nhập bằng tài khoản định danh điện tử"),
    )


def client(cfg: Config):
    """The Authlib client for ``cfg`` (kept, so discovery and JWKS are fetched once)."""
    if cfg not in _clients:
        oauth = OAuth()
        _clients[cfg] = oauth.register(
            "identity",
            client_id=cfg.client_id,
            client_secret=cfg.client_secret,
            server_metadata_url=f"{cfg.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": cfg.scope, "code_challenge_method": "S256", "timeout": 10},
        )
    return _clients[cfg]
