"""The two references `make bench-writes` measures beside the placements service, under the same load:

- ``nodb``: FastAPI on the same server stack, validating the same body and answering 201, no database: what
  HTTP and the framework cost on their own.
- ``asyncpg``: the same HTTP endpoint doing the SQL an "entered care" write does (the per-child lock, the
  idempotency-key and child reads, the child, period, outbox, audit and idempotency-key inserts, one durable
  commit) on a bare asyncpg pool: what the database work costs without our layers.

Run as ``uvicorn --factory bench.references:nodb`` (or ``:asyncpg_app``, with BENCH_DATABASE_URL set).
"""

import json
import os
import uuid
from contextlib import asynccontextmanager
from datetime import date
from typing import Literal

import asyncpg
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict


class CarePeriodStart(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date_of_birth: date
    start_date: date
    legal_status: Literal["C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"]


def nodb() -> FastAPI:
    app = FastAPI()

    @app.post("/children/{child_id}/care-periods", status_code=201)
    async def enter_care(child_id: str, body: CarePeriodStart, idempotency_key: str = Header(alias="Idempotency-Key")):
        return {"care_period_id": str(uuid.uuid4()), "child_id": child_id, **body.model_dump(mode="json")}

    return app


def asyncpg_app() -> FastAPI:
    pool: list[asyncpg.Pool] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        pool.append(await asyncpg.create_pool(os.environ["BENCH_DATABASE_URL"], min_size=16, max_size=16))
        yield
        await pool[0].close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/children/{child_id}/care-periods", status_code=201)
    async def enter_care(child_id: str, body: CarePeriodStart, idempotency_key: str = Header(alias="Idempotency-Key")):
        period_id = str(uuid.uuid4())
        record = {"care_period_id": period_id, "child_id": child_id, **body.model_dump(mode="json")}
        async with pool[0].acquire() as db, db.transaction():
            await db.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"child:{child_id}")
            if await db.fetchrow("SELECT status_code, response FROM idempotency_keys WHERE client_id = $1 AND key = $2",
                                 "case-system", idempotency_key):
                return JSONResponse({"detail": "replayed"}, 200)
            await db.fetchrow("SELECT * FROM children WHERE child_id = $1", child_id)
            await db.fetch("SELECT * FROM care_periods WHERE child_id = $1 AND NOT withdrawn", child_id)
            await db.execute("INSERT INTO children (child_id, date_of_birth) VALUES ($1, $2)", child_id, body.date_of_birth)
            await db.execute("INSERT INTO care_periods (care_period_id, child_id, start_date, legal_status, record_version, "
                             "withdrawn) VALUES ($1, $2, $3, $4, 1, false)", period_id, child_id, body.start_date,
                             body.legal_status)
            await db.execute("INSERT INTO outbox (id, topic, event_type, subject, data, attempts) VALUES ($1, $2, $3, $4, $5, 0)",
                             uuid.uuid4(), "bench.reference", "ChildEnteredCare", child_id, json.dumps(record))
            await db.execute("INSERT INTO audit_log (client_id, action, resource, child_id, outcome) VALUES ($1, $2, $3, $4, $5)",
                             "case-system", "write", "care_period", child_id, "ok")
            await db.execute("INSERT INTO idempotency_keys (client_id, key, request_fingerprint, status_code, response) "
                             "VALUES ($1, $2, $3, $4, $5)", "case-system", idempotency_key, "-", 201, json.dumps(record))
        return record

    return app
