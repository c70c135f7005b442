"""Clients that post as the partner systems do (used by the demo loader, the tests and the benchmarks)."""

import json
import time
import uuid

import httpx

from backbone.settings import DEV_CLIENTS_FILE

# Development tokens (production refuses the development client list).
DEV_TOKENS = {c["client_id"]: c["dev_token_hint"] for c in json.loads(DEV_CLIENTS_FILE.read_text())}


class Partner:
    def __init__(self, base_url: str, client_id: str, timeout: float = 10):
        self.http = httpx.Client(base_url=base_url, timeout=timeout,
                                 headers={"Authorization": f"Bearer {DEV_TOKENS[client_id]}"})

    def post(self, path: str, body: dict, key: str | None = None) -> httpx.Response:
        return self.http.post(path, json=body, headers={"Idempotency-Key": key or str(uuid.uuid4())})

    def post_ok(self, path: str, body: dict, key: str | None = None, wait_for_child: float = 15) -> dict:
        """Post and insist on success. A service that learns children from events may not know a new child
        for a moment after the placements service recorded it (503 with Retry-After): retry until ``wait_for_child``."""
        key = key or str(uuid.uuid4())
        deadline = time.monotonic() + wait_for_child
        while True:
            response = self.post(path, body, key)
            if response.status_code == 503 and "Retry-After" in response.headers and time.monotonic() < deadline:
                time.sleep(0.1)
                continue
            if response.status_code >= 300:
                raise RuntimeError(f"POST {path} -> {response.status_code}: {response.text}")
            return response.json()

    def get(self, path: str, purpose: str | None = None, **params) -> httpx.Response:
        return self.http.get(path, params=params, headers={"X-Purpose": purpose} if purpose else {})

    def close(self) -> None:
        self.http.close()
