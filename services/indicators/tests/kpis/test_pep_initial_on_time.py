"""Initial PEPs on time (pep_initial_on_time), fed events through ``facts`` (../conftest.py)."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration


async def notified(facts, child, on, pep_completed=None):
    await facts.event("education.virtual-school-notified", {
        "notification_id": f"n-{child}", "child_id": child, "notified_date": on, "effective_date": on, "record_version": 1})
    if pep_completed:
        await facts.event("education.initial-pep-completed", {
            "pep_id": f"p-{child}", "notification_id": f"n-{child}", "child_id": child, "completed_date": pep_completed,
            "effective_date": pep_completed, "record_version": 1})


async def test_initial_pep_due_ten_school_days_after_the_virtual_school_was_notified(facts):
    # Notified Fri 24 Oct 2025, before half term (27-31 Oct): the 10th school day is Fri 14 Nov.
    # On time (14 Nov), late (17 Nov), not done: 1 of 3 = 33.3%.
    for n, completed in enumerate(["2025-11-14", "2025-11-17", None]):
        await facts.care_period(f"pep{n}", "2025-10-23")
        await notified(facts, f"pep{n}", "2025-10-24", completed)
    kpi = await facts.kpi("pep_initial_on_time", as_of=date(2025, 12, 31))
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 3, 33.3)
    assert (await facts.children("pep_initial_on_time", as_of=date(2025, 12, 31)))["pep1"] == (
        True, False, "initial PEP due 2025-11-14, completed 1 school day late")


async def test_initial_pep_population_follows_the_catalogue(facts):
    # All notified Fri 24 Oct 2025, due Fri 14 Nov 2025; as of 31 Dec 2025.
    await facts.care_period("counted", "2025-10-23")
    await notified(facts, "counted", "2025-10-24", "2025-11-10")                 # on time: 1 / 1
    await facts.care_period("short-break", "2025-10-23", legal_status="V3")
    await notified(facts, "short-break", "2025-10-24")                           # short breaks: outside
    await facts.care_period("left-early", "2025-10-23", end="2025-11-07")
    await notified(facts, "left-early", "2025-10-24")                            # left before due, no PEP: outside
    await facts.care_period("pep-after-leaving", "2025-10-23", end="2025-11-20")
    await notified(facts, "pep-after-leaving", "2025-10-24", "2025-11-25")       # in, but a PEP after leaving: not done
    await facts.care_period("never-notified", "2025-10-23")                      # reported separately
    await facts.care_period("notified-later", "2025-10-23")
    await notified(facts, "notified-later", "2026-01-05")                        # after D: as of D, not notified
    kpi = await facts.kpi("pep_initial_on_time", as_of=date(2025, 12, 31))
    assert (kpi.numerator, kpi.denominator, kpi.reported_separately) == (1, 2, 2)
    rows = await facts.children("pep_initial_on_time", as_of=date(2025, 12, 31))
    assert set(rows) == {"counted", "pep-after-leaving", "never-notified", "notified-later"}
    assert rows["pep-after-leaving"] == (True, False, "initial PEP due 2025-11-14, not done")
    assert rows["never-notified"][:2] == (False, False)
