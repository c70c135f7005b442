"""What the Virtual School can tell the education service, and what it does: the rules, the write and the
event, in the caller's transaction. HTTP (api.py) and bulk (backbone.bulk) both call these."""

import uuid
from datetime import date

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

import care_register
from backbone.bulk import Command
from backbone.clock import not_in_future
from backbone.errors import InputError
from backbone.outbox import publish
from backbone.requests import StrictBody

from education_service.models import InitialPep, VirtualSchoolNotification

VIRTUAL_SCHOOL_NOTIFIED = "uk.cla.education.virtual-school-notified.v1"
INITIAL_PEP_COMPLETED = "uk.cla.education.initial-pep-completed.v1"


class Notified(StrictBody):
    notified_date: date


class PepCompleted(StrictBody):
    completed_date: date


async def record_notification(session: AsyncSession, child_id: str, body: Notified) -> tuple[int, dict]:
    """The Virtual School was notified that the child became looked after (one notification per period)."""
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
    return 201, notification.model_dump(mode="json")


async def record_initial_pep(session: AsyncSession, child_id: str, body: PepCompleted) -> tuple[int, dict]:
    """The child's initial PEP was completed (answers the latest notification before it)."""
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
    return 201, pep.model_dump(mode="json")


COMMANDS = {
    "virtual-school-notified": Command(record_notification, None, Notified, "virtual_school_notification"),
    "initial-pep": Command(record_initial_pep, None, PepCompleted, "initial_pep"),
}
