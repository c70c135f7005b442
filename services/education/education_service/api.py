"""HTTP entrypoints for the Virtual School."""

import uuid
from datetime import date

from fastapi import APIRouter, Request
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

import care_register
from backbone.audit import record_access
from backbone.auth import ApiClient, require_scope
from backbone.clock import not_in_future
from backbone.errors import NOT_KNOWN_YET_RESPONSE, InputError
from backbone.idempotency import write_once
from backbone.outbox import publish
from backbone.requests import ChildId, IdempotencyKey, Purpose, StrictBody

from education_service.models import InitialPep, VirtualSchoolNotification

VIRTUAL_SCHOOL_NOTIFIED = "uk.cla.education.virtual-school-notified.v1"
INITIAL_PEP_COMPLETED = "uk.cla.education.initial-pep-completed.v1"

router = APIRouter(tags=["education"], responses=NOT_KNOWN_YET_RESPONSE)
WRITE = "education:write"


class Notified(StrictBody):
    notified_date: date


class PepCompleted(StrictBody):
    completed_date: date


@router.post("/children/{child_id}/virtual-school-notifications", status_code=201)
async def virtual_school_notified(
    child_id: ChildId, body: Notified, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """The Virtual School was notified that the child became looked after."""

    async def write(session: AsyncSession):
        not_in_future("notified_date", body.notified_date)
        period = await care_register.require_period_started_by(session, child_id, body.notified_date, "notified_date")
        already = (await session.exec(
            select(VirtualSchoolNotification).where(VirtualSchoolNotification.care_period_id == period.care_period_id)
        )).first()
        if already:
            raise InputError("notified_date", f"the Virtual School was already notified of this period of care ({already.notified_date})")
        notification = VirtualSchoolNotification(
            notification_id=str(uuid.uuid4()), child_id=child_id, care_period_id=period.care_period_id,
            notified_date=body.notified_date,
        )
        session.add(notification)
        publish(session, VIRTUAL_SCHOOL_NOTIFIED, {
            "notification_id": notification.notification_id,
            "child_id": child_id,
            "notified_date": body.notified_date.isoformat(),
            "effective_date": body.notified_date.isoformat(),
            "record_version": notification.record_version,
        })
        record_access(session, client, "write", "virtual_school_notification", child_id, purpose)
        return 201, notification.model_dump(mode="json")

    return await write_once(request, client, idempotency_key, body, write)


@router.post("/children/{child_id}/initial-peps", status_code=201)
async def initial_pep_completed(
    child_id: ChildId, body: PepCompleted, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """The child's initial Personal Education Plan was completed (answers the latest notification before it)."""

    async def write(session: AsyncSession):
        not_in_future("completed_date", body.completed_date)
        await care_register.require_known_child(session, child_id)
        notification = (await session.exec(
            select(VirtualSchoolNotification)
            .where(VirtualSchoolNotification.child_id == child_id, VirtualSchoolNotification.notified_date <= body.completed_date)
            .order_by(VirtualSchoolNotification.notified_date.desc())
        )).first()
        if notification is None:
            raise InputError("completed_date", "no Virtual School notification on or before this date: record the notification first")
        if (await session.exec(select(InitialPep).where(InitialPep.notification_id == notification.notification_id))).first():
            raise InputError("completed_date", "an initial PEP is already recorded for the latest notification")
        pep = InitialPep(
            pep_id=str(uuid.uuid4()), notification_id=notification.notification_id, child_id=child_id,
            completed_date=body.completed_date,
        )
        session.add(pep)
        publish(session, INITIAL_PEP_COMPLETED, {
            "pep_id": pep.pep_id,
            "notification_id": notification.notification_id,
            "child_id": child_id,
            "completed_date": body.completed_date.isoformat(),
            "effective_date": body.completed_date.isoformat(),
            "record_version": pep.record_version,
        })
        record_access(session, client, "write", "initial_pep", child_id, purpose)
        return 201, pep.model_dump(mode="json")

    return await write_once(request, client, idempotency_key, body, write)
