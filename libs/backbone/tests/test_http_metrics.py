"""Request metrics: every answer counted, 5xx included, with a bounded set of label values."""

import httpx
from fastapi import FastAPI

from backbone.http import REQUEST_SECONDS, create_service_app
from backbone.runtime import ServiceRuntime
from backbone.settings import ServiceSettings


def series() -> set[tuple]:
    return {tuple(s.labels.values()) for m in REQUEST_SECONDS.collect() for s in m.samples if s.name.endswith("_count")}


async def test_an_exception_is_counted_as_500_and_made_up_methods_share_one_series():
    runtime = ServiceRuntime(ServiceSettings(service_name="metrics-test", database_url="postgresql://unused/x", environment="test"))

    def configure(app: FastAPI):
        @app.get("/boom")
        async def boom():
            raise RuntimeError("a bug")

    app = create_service_app(runtime, "metrics test", configure, audit_refusals=False)  # no database here
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/boom")).status_code == 500
        before = len(series())
        for n in range(20):
            await client.request(f"MADEUP{n}", f"/children/CH-{n}")
    assert ("GET", "/boom", "500") in series()
    assert len(series()) - before <= 1  # twenty made-up methods on twenty paths: at most one new series
    assert ("other", "unmatched", "405") in series() or ("other", "unmatched", "404") in series()
    assert not any("CH-" in value for labels in series() for value in labels)  # never a child id in a label
    await runtime.engine.dispose()
