"""The test client the API tests call with."""

from django.test import Client


class BearerClient(Client):
    """A test client that sends ``Authorization: Bearer <token>`` and JSON bodies."""

    def __init__(self, token: str | None, **kwargs):
        super().__init__(**kwargs)
        self.token = token

    def _auth(self, extra: dict) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **extra} if self.token else extra

    def get(self, path, data=None, **extra):
        return super().get(path, data, **self._auth(extra))

    def post(self, path, data=None, **extra):
        return super().post(path, data or {}, content_type="application/json", **self._auth(extra))
