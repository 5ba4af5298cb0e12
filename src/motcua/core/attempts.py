"""Failed attempts at a secret, counted per key in the shared cache.

The public tracking lookup is a dossier code plus the applicant's phone or identity number:
whoever knows a code could guess the number, and whoever knows a number could walk the
codes of a desk and day. Counting failures per code and per client, in the cache every
worker process shares (Redis with ``MOTCUA_CACHE_URL``; in-process in the embedded
default), keeps both guesses slow. Only failures count, so a citizen who looks up their
dossier many times is never refused.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    # hashed: codes come from strangers (any length, any character) and the cache must
    # not keep the numbers people typed
    return f"misses:{kind}:{hashlib.blake2b(value.encode(), digest_size=16).hexdigest()}"


def blocked(limit: int, **keys: str) -> bool:
    """Whether any of ``keys`` (kind → value) reached ``limit`` failures in its window."""
    counts = cache.get_many([_key(k, v) for k, v in keys.items()])
    return any(n >= limit for n in counts.values())


def missed(window: int, **keys: str) -> None:
    """Count one failure against each of ``keys`` for ``window`` seconds from the first."""
    for kind, value in keys.items():
        key = _key(kind, value)
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:  # expired between the two calls
                cache.add(key, 1, window)


def client_address(request) -> str:
    """The address the request came from. Behind ``MOTCUA_PROXY_HOPS`` reverse proxies
    (nginx, a load balancer) every request arrives from the proxy: the client is the entry
    that many hops from the end of ``X-Forwarded-For``, the one the nearest trusted proxy
    saw — entries before it are whatever the client chose to send."""
    hops = settings.MOTCUA_PROXY_HOPS
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if hops and len(forwarded) >= hops and forwarded[-hops]:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
