"""A small OpenID Connect provider for tests, speaking the real protocol over HTTP.

It stands in for the national identity provider (VNeID / Cổng DVCQG): discovery document,
authorization endpoint (code flow with state, nonce and PKCE S256), token endpoint with
client authentication (HTTP Basic or form) returning an RS256-signed ID token, JWKS and
userinfo. It runs in a thread on 127.0.0.1 with a free port; nothing leaves the machine.

The person who "signs in" is ``identity`` (claims); with ``auto_approve`` the authorization
endpoint redirects at once, otherwise it shows a consent page with a button.
"""

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    def __init__(self, *, client_id: str, client_secret: str, identity: dict,
                 auto_approve: bool = True):  # fmt: skip
        self.client_id, self.client_secret = client_id, client_secret
        self.identity = identity
        self.auto_approve = auto_approve
        self.key = RSAKey.generate_key(2048, parameters={"kid": "vneid-test-1", "use": "sig"})
        self.signing_key = self.key  # a test sets another key here to forge tokens
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.pending: dict[str, dict] = {}
        self.log: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- protocol ------------------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "phone"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "name", "email", "phone_number", "address", "id_number"],
        }

    def authorize(self, q: dict) -> tuple[int, dict, str]:
        """(status, headers, body) for a GET on the authorization endpoint."""
        redirect_uri = q.get("redirect_uri", "")
        if q.get("client_id") != self.client_id or not redirect_uri.startswith("http"):
            return 400, {}, "unknown client or redirect_uri"  # never redirect to an unknown URI
        if q.get("response_type") != "code" or "openid" not in q.get("scope", "").split():
            return self._redirect(redirect_uri, error="invalid_request", state=q.get("state"))
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return self._redirect(redirect_uri, error="invalid_request", state=q.get("state"))
        request_id = secrets.token_urlsafe(16)
        self.pending[request_id] = q
        if self.auto_approve:
            return self.approve(request_id)
        page = (
            "<!doctype html><html lang='vi'><meta charset='utf-8'><title>VNeID thử nghiệm</title>"
            f"<h1>Đăng nhập bằng tài khoản định danh điện tử</h1>"
            f"<p>{html.escape(self.identity.get('name', ''))}</p>"
            f"<form method='post' action='/approve'><input type='hidden' name='request' "
            f"value='{request_id}'><button type='submit'>Đồng ý đăng nhập</button></form>"
        )
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page

    def approve(self, request_id: str) -> tuple[int, dict, str]:
        q = self.pending.pop(request_id, None)
        if q is None:
            return 400, {}, "unknown request"
        code = secrets.token_urlsafe(24)
        self.codes[code] = {**q, "issued": time.time()}
        return self._redirect(q["redirect_uri"], code=code, state=q.get("state"))

    def _redirect(self, uri: str, **params) -> tuple[int, dict, str]:
        query = urlencode({k: v for k, v in params.items() if v is not None})
        sep = "&" if "?" in uri else "?"
        return 302, {"Location": f"{uri}{sep}{query}"}, ""

    def token(self, form: dict, auth_header: str) -> tuple[int, dict]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if auth_header.startswith("Basic "):
            decoded = base64.b64decode(auth_header[6:]).decode()
            client_id, _, secret = decoded.partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        grant = self.codes.pop(form.get("code", ""), None)  # a code is used once
        if grant is None or time.time() - grant["issued"] > 60:
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = form.get("code_verifier", "")
        if _b64(hashlib.sha256(verifier.encode()).digest()) != grant["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        access_token = secrets.token_urlsafe(32)
        self.tokens[access_token] = self.identity
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.identity["sub"],
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": grant.get("nonce"),
            "at_hash": _b64(hashlib.sha256(access_token.encode()).digest()[:16]),
            "name": self.identity.get("name"),
        }
        id_token = jwt.encode(
            {"alg": "RS256", "kid": self.signing_key.kid}, claims, self.signing_key
        )
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": grant.get("scope", "openid"),
            "id_token": id_token,
        }

    def userinfo(self, auth_header: str) -> tuple[int, dict]:
        identity = self.tokens.get(auth_header.removeprefix("Bearer ").strip())
        if not auth_header.startswith("Bearer ") or identity is None:
            return 401, {"error": "invalid_token"}
        return 200, dict(identity)

    def jwks(self) -> dict:
        return {"keys": [{**self.key.as_dict(private=False), "alg": "RS256"}]}

    # --- HTTP -----------------------------------------------------------------------------

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt, *args):
                provider.log.append(fmt % args)

            def _send(self, status: int, body, headers: dict | None = None):
                headers = dict(headers or {})
                if isinstance(body, dict):
                    body = json.dumps(body)
                    headers.setdefault("Content-Type", "application/json")
                    headers.setdefault("Cache-Control", "no-store")
                data = (body or "").encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                q = {k: v[-1] for k, v in parse_qs(url.query).items()}
                auth = self.headers.get("Authorization", "")
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, provider.discovery())
                elif url.path == "/jwks":
                    self._send(200, provider.jwks())
                elif url.path == "/authorize":
                    status, headers, body = provider.authorize(q)
                    self._send(status, body, headers)
                elif url.path == "/userinfo":
                    status, body = provider.userinfo(auth)
                    self._send(status, body)
                else:
                    self._send(404, "not found")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                url = urlparse(self.path)
                if url.path == "/token":
                    status, body = provider.token(form, self.headers.get("Authorization", ""))
                    self._send(status, body)
                elif url.path == "/approve":
                    status, headers, body = provider.approve(form.get("request", ""))
                    self._send(status, body, headers)
                elif url.path == "/userinfo":
                    status, body = provider.userinfo(self.headers.get("Authorization", ""))
                    self._send(status, body)
                else:
                    self._send(404, "not found")

        return Handler
