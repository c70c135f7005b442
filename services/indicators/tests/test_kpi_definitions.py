"""The KPI definitions against a real PostgreSQL, fed through the same handler the consumer uses, read
through the engine: the figure, the breakdown and the children behind it. Each test states its arithmetic."""

import itertools
import uuid
from datetime import date, datetime, timezone

import pytest

from backbone.events import Event
from indicators_service.kpis.registry import KPIS
from indicators_service.projections import apply_event, clear
from indicators_service.settings import Settings

pytestmark = pytest.mark.integration
D = date(2025, 3, 31)
_ids = itertools.count(1)


@pytest.fixture
async def facts(sessions, engine):
    async with sessions() as session, session.begin():
        await clear(session)
    return Facts(sessions, engine)


class Facts:
    """Posts events as the domain services would publish them, and reads KPIs through the engine."""

    def __init__(self, sessions, engine):
        self.sessions, self.engine = sessions, engine

    async def event(self, kind: str, data: dict) -> None:
        subject = data.get("child_id") or data["household_id"]  # a household's events are about no child
        event = Event(str(uuid.uuid4()), "/test", f"uk.cla.{kind}.v1", subject, datetime.now(timezone.utc), data)
        async with self.sessions() as session, session.begin():
            await apply_event(session, event)

    async def care_period(self, child, start, end=None, legal_status="C2", born="2012-01-01", version=1, period_id=None,
                          reason="E13"):
        period_id = period_id or f"cp{next(_ids)}"
        await self.event("placements.child-entered-care", {
            "care_period_id": period_id, "child_id": child, "date_of_birth": born, "start_date": start,
            "end_date": end, "legal_status": legal_status, "reason_ceased": reason if end else None,
            "effective_date": end or start, "record_version": version,
        })
        return period_id

    async def placement(self, child, start, end=None, placement_type="U1", carer=None, version=1, placement_id=None,
                        period="cp", provider="PR1", rne=None, **located):
        await self.event("placements.placement-started", {**located, "reason_new_episode": rne,
            "placement_id": placement_id or f"pl{next(_ids)}", "care_period_id": period, "child_id": child,
            "start_date": start, "end_date": end, "placement_type": placement_type, "provider": provider,
            "carer_id": carer, "effective_date": end or start, "record_version": version,
        })

    async def missing(self, child, start, end=None, kind="M", offered=None, held=None):
        await self.event("placements.missing-episode-recorded", {
            "episode_id": f"me{next(_ids)}", "child_id": child, "kind": kind, "start_date": start, "end_date": end,
            "rhi_offered_date": offered, "rhi_held_date": held, "effective_date": end or start, "record_version": 1,
        })

    async def social_worker(self, child, worker, start, end=None):
        await self.event("placements.social-worker-allocated", {
            "allocation_id": f"sw{next(_ids)}", "child_id": child, "worker_id": worker, "start_date": start,
            "end_date": end, "effective_date": end or start, "record_version": 1,
        })

    async def legal_status(self, child, period, start, legal_status):
        await self.event("placements.legal-status-changed", {
            "change_id": f"ls{next(_ids)}", "child_id": child, "care_period_id": period, "start_date": start,
            "legal_status": legal_status, "effective_date": start, "record_version": 1,
        })

    async def review(self, child, day):
        await self.event("placements.review-held", {
            "review_id": f"rv{next(_ids)}", "child_id": child, "review_date": day, "participation": None,
            "effective_date": day, "record_version": 1,
        })

    async def visit(self, child, day):
        await self.event("placements.visit-made", {
            "visit_id": f"vi{next(_ids)}", "child_id": child, "visit_date": day, "seen_alone": True,
            "effective_date": day, "record_version": 1,
        })

    async def conviction(self, child, day, outcome="conviction"):
        await self.event("placements.conviction-recorded", {
            "conviction_id": f"oc{next(_ids)}", "child_id": child, "outcome_date": day, "outcome": outcome,
            "effective_date": day, "record_version": 1,
        })

    async def adoption(self, child, period, placement_order=None, match=None):
        milestones = {"decision_date": None, "placement_order_date": placement_order, "match_date": match,
                      "placed_date": None, "adoption_order_date": None}
        await self.event("placements.adoption-recorded", {
            "adoption_id": f"ad{next(_ids)}", "child_id": child, "care_period_id": period, **milestones,
            "effective_date": max(d for d in milestones.values() if d), "record_version": 1,
        })

    async def kpi(self, kpi_id, as_of=D):
        """The figure, after checking it is its own drill-down aggregated: the two can never disagree."""
        async with self.sessions() as session:
            value = await self.engine.value(session, KPIS[kpi_id], as_of)
            rows = await self.engine.children(session, KPIS[kpi_id], as_of)
        counted = [r for r in rows if r["in_denominator"]]
        assert value.numerator == sum(r["in_numerator"] for r in counted)
        if value.unit in ("percent", "mean_days"):
            assert value.denominator == len(counted)
        if value.unit == "mean_days" and counted:
            assert value.value == round(sum(r["days"] for r in counted) / len(counted), 1)
        return value

    async def children(self, kpi_id, as_of=D) -> dict[str, tuple]:
        async with self.sessions() as session:
            rows = await self.engine.children(session, KPIS[kpi_id], as_of)
        return {r["child_id"]: (r["in_denominator"], r["in_numerator"], r["reason"]) for r in rows}

    async def rows(self, kpi_id, as_of=D) -> list[tuple]:
        """Every row behind the figure (a KPI over events, e.g. reviews, has several per child), sorted."""
        async with self.sessions() as session:
            rows = await self.engine.children(session, KPIS[kpi_id], as_of)
        return sorted((r["child_id"], r["in_numerator"], r["reason"]) for r in rows)


async def test_cla_count_is_children_looked_after_on_the_date_except_short_breaks(facts):
    await facts.care_period("a", "2024-01-01")
    await facts.care_period("b", "2025-03-31")              # entered on D: looked after on D
    await facts.care_period("c", "2024-01-01", "2025-03-31")  # left on D: not looked after on D
    await facts.care_period("d", "2024-01-01", legal_status="V3")
    await facts.care_period("e", "2025-04-01")              # after D
    kpi = await facts.kpi("cla_count")
    assert (kpi.value, kpi.numerator) == (2, 2)


async def test_cla_rate_per_10k_uses_the_configured_population(facts):
    for n in range(7):
        await facts.care_period(f"r{n}", "2024-01-01")
    kpi = await facts.kpi("cla_rate_per_10k")
    assert kpi.value == round(7 / Settings.model_fields["population_0_17"].default * 10_000, 1)


async def test_stability_counts_placements_in_the_window_including_the_one_current_at_its_start(facts):
    # Three placements touching the window (1 April 2024 - 31 March 2025): counted.
    await facts.care_period("three", "2023-01-01")
    await facts.placement("three", "2023-01-01", "2024-06-01")
    await facts.placement("three", "2024-06-01", "2024-12-01")
    await facts.placement("three", "2024-12-01")
    # The first ended on the window's first day (moved that day): only two in the window.
    await facts.care_period("two", "2023-01-01")
    await facts.placement("two", "2023-01-01", "2024-04-01")
    await facts.placement("two", "2024-04-01", "2024-08-01")
    await facts.placement("two", "2024-08-01")
    # 1 of 2 children looked after on D: 50%.
    kpi = await facts.kpi("placement_stability_3plus")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 2, 50.0)
    rows = await facts.children("placement_stability_3plus")
    assert rows == {"three": (True, True, "3 placements in the 12 months"), "two": (True, False, "2 placements in the 12 months")}


async def test_temporary_placements_and_returns_to_the_same_carer_are_not_moves(facts):
    await facts.care_period("respite", "2024-05-01")
    await facts.placement("respite", "2024-05-01", "2024-07-01", carer="K1")
    await facts.placement("respite", "2024-07-01", "2024-07-08", placement_type="T1", carer="K9")
    await facts.placement("respite", "2024-07-08", "2024-10-01", carer="K1")
    await facts.placement("respite", "2024-10-01", carer="K2")
    kpi = await facts.kpi("placement_stability_3plus")
    assert (kpi.numerator, kpi.denominator) == (0, 1)  # carers K1 and K2: two placements


async def test_a_kpi_with_no_children_has_no_value_rather_than_zero(facts):
    kpi = await facts.kpi("placement_stability_3plus")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (None, 0, 0)


async def test_duplicate_and_out_of_order_events_do_not_change_the_kpi(facts):
    await facts.care_period("late", "2024-01-01", end="2024-06-01", version=2, period_id="cp-late")
    await facts.care_period("late", "2024-01-01", version=1, period_id="cp-late")  # older state, arriving late
    await facts.care_period("late", "2024-01-01", end="2024-06-01", version=2, period_id="cp-late")  # duplicate
    assert (await facts.kpi("cla_count")).value == 0


async def test_iha_timeliness_uses_twenty_working_days_and_the_national_population(facts):
    # Entered Fri 19 Dec 2025: due Wed 21 Jan 2026 after the Christmas bank holidays.
    await facts.care_period("on-time", "2025-12-19")
    await facts.event("health.initial-health-assessment-completed", {
        "assessment_id": "a1", "child_id": "on-time", "completed_date": "2026-01-21", "effective_date": "2026-01-21", "record_version": 1})
    await facts.care_period("late", "2025-12-19")
    await facts.event("health.initial-health-assessment-completed", {
        "assessment_id": "a2", "child_id": "late", "completed_date": "2026-01-22", "effective_date": "2026-01-22", "record_version": 1})
    await facts.care_period("not-done", "2025-12-19")
    # Left care before the IHA fell due and never had it: outside the population.
    await facts.care_period("left", "2025-12-19", end="2026-01-05")
    # Short breaks are not in the population.
    await facts.care_period("short-break", "2025-12-19", legal_status="V4")
    # In the population: on-time, late and not-done; 1 of 3 on time.
    kpi = await facts.kpi("iha_within_20_working_days", as_of=date(2026, 2, 28))
    assert (kpi.numerator, kpi.denominator) == (1, 3)
    rows = await facts.children("iha_within_20_working_days", as_of=date(2026, 2, 28))
    assert rows["late"][2] == "IHA due 2026-01-21, completed 1 working day late"
    assert rows["not-done"][2] == "IHA due 2026-01-21, not done"
    # On 20 January nothing had fallen due yet.
    assert (await facts.kpi("iha_within_20_working_days", as_of=date(2026, 1, 20))).denominator == 0


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


async def test_pa_allocated_covers_care_leavers_and_eligible_children_from_17_years_4_months(facts):
    async def young_person(child, born, status, looked_after, role=None):
        await facts.care_period(child, "2020-01-01", None if looked_after else "2024-06-01", born=born)
        await facts.event("leaving-care.care-leaver-status-recorded", {
            "status_id": f"s-{child}", "child_id": child, "status": status, "effective_date": "2024-01-01", "record_version": 1})
        if role:
            await facts.event("leaving-care.personal-adviser-allocated", {
                "allocation_id": f"al-{child}", "child_id": child, "role": role, "start_date": "2024-01-01",
                "end_date": None, "effective_date": "2024-01-01", "record_version": 1})

    await young_person("leaver-with-pa", "2006-01-01", "former_relevant", False, "personal_adviser")
    await young_person("leaver-without", "2006-01-01", "former_relevant", False)
    await young_person("leaver-with-sw-only", "2006-01-01", "former_relevant", False, "social_worker")
    await young_person("eligible-with-sw", "2007-10-01", "eligible", True, "social_worker")  # 17y5m on D
    await young_person("eligible-too-young", "2008-01-01", "eligible", True)  # 17y2m on D: not counted
    # Counted: the three former relevant (19 on D) and the eligible 17-year-old; with a PA or (still looked
    # after) a social worker: 2 of 4.
    kpi = await facts.kpi("pa_allocated")
    assert (kpi.numerator, kpi.denominator) == (2, 4)
    # By age on D: 17-18 holds the eligible child (1 of 1); 19-21 the three leavers (1 of 3).
    assert {band: (f.numerator, f.denominator) for band, f in kpi.breakdown.items()} == {"17-18": (1, 1), "19-21": (1, 3)}
    assert (await facts.children("pa_allocated"))["leaver-with-sw-only"] == (
        True, False, "former relevant, no personal adviser allocated")


async def test_started_and_ceased_in_the_window_count_each_child_once_by_reason(facts):
    # Window: 1 April 2024 to 31 March 2025.
    await facts.care_period("new", "2024-05-01")                                     # started in it
    await facts.care_period("before", "2023-05-01")                                  # started before it
    await facts.care_period("short", "2024-06-01", legal_status="V3")                # short breaks: never counted
    await facts.care_period("twice", "2024-04-10", "2024-06-01")                     # started twice: counted once
    await facts.care_period("twice", "2024-09-01")
    started = await facts.kpi("cla_started_12m")
    assert started.value == 2  # "new" and "twice"
    assert (await facts.children("cla_started_12m"))["twice"][2] == "started to be looked after 2024-04-10"

    async def ceased(child, end, reason):
        await facts.event("placements.child-left-care", {
            "care_period_id": f"cp-{child}-{end}", "child_id": child, "date_of_birth": "2012-01-01",
            "start_date": "2022-01-01", "end_date": end, "legal_status": "C2", "reason_ceased": reason,
            "effective_date": end, "record_version": 1})

    await ceased("adopted", "2024-08-01", "E11")
    await ceased("sgo", "2024-09-01", "E45")
    await ceased("home", "2025-03-31", "E4A")      # ceased on D itself: in the window
    await ceased("old", "2024-03-31", "E11")       # the day before the window: out
    # Ceased: twice (1 June, E13 by facts.care_period), adopted, sgo, home = 4; 1 adopted of 4 = 25%.
    kpi = await facts.kpi("cla_ceased_12m")
    assert kpi.value == 4
    assert {g: f.numerator for g, f in kpi.breakdown.items()} == {
        "adopted": 1, "living with relatives": 1, "returned home": 1, "special guardianship": 1}
    adopted = await facts.kpi("adopted_pct_of_ceased")
    assert (adopted.numerator, adopted.denominator, adopted.value) == (1, 4, 25.0)


async def test_placement_type_mix_puts_every_child_looked_after_in_one_group(facts):
    for child, placement_type, provider in [("a", "U4", "PR1"), ("b", "U4", "PR4"), ("c", "R1", None), ("f", "K2", "PR3")]:
        period = await facts.care_period(child, "2024-01-01")
        await facts.placement(child, "2024-01-01", placement_type=placement_type, provider=provider, period=period)
    period = await facts.care_period("d", "2024-01-01")
    await facts.placement("d", "2024-01-01", "2025-03-31", placement_type="U4", period=period)  # ended on D
    await facts.care_period("e", "2024-01-01", legal_status="V3")  # short breaks: not looked after
    kpi = await facts.kpi("placement_type_mix")
    # 5 children looked after on D; residential (R1, K2 whatever the provider) 2 of 5 = 40.0 %.
    assert (kpi.value, kpi.numerator, kpi.denominator) == (40.0, 2, 5)
    # Each group's share of all 5: the mix adds up to 100 %. d's placement ended on D: "other".
    assert {group: figure.value for group, figure in kpi.breakdown.items()} == {
        "agency foster care": 20.0, "in-house foster care": 20.0, "other": 20.0, "residential": 40.0}
    assert (await facts.children("placement_type_mix"))["d"][2] == "no placement recorded on D"


async def test_long_term_stability_counts_two_years_with_one_carer_after_two_and_a_half_in_care(facts):
    # D = 2025-03-31: the cohort entered care on or before 2022-09-30 (2.5 years) and is under 16 on D;
    # the numerator has lived with the current carer since 2023-03-31 or earlier (2 years).
    g = await facts.care_period("g", "2022-01-01")
    await facts.placement("g", "2022-01-01", carer="X", period=g)                      # 3 years with X: yes
    h = await facts.care_period("h", "2022-01-01")
    await facts.placement("h", "2022-01-01", "2024-01-01", carer="X", period=h)
    await facts.placement("h", "2024-01-01", carer="Y", period=h)                      # Y since 2024: no
    i = await facts.care_period("i", "2022-01-01")
    await facts.placement("i", "2022-01-01", "2023-01-01", carer="Z", period=i)
    await facts.placement("i", "2023-01-01", carer="Z", period=i)                      # the same carer: one run, yes
    j = await facts.care_period("j", "2022-10-01")                                     # 2.5 years on 2025-04-01: out
    await facts.placement("j", "2022-10-01", carer="X", period=j)
    k = await facts.care_period("k", "2020-01-01", born="2009-01-01")                  # 16 on D: out
    await facts.placement("k", "2020-01-01", carer="X", period=k)
    # Placed for adoption in 2024; with the foster placement before it, 2021-06-01 onwards: yes.
    m = await facts.care_period("m", "2021-06-01")
    await facts.placement("m", "2021-06-01", "2024-06-01", placement_type="U4", carer="F", period=m)
    await facts.placement("m", "2024-06-01", placement_type="A5", carer="G", period=m)
    kpi = await facts.kpi("placement_stability_long_term")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (75.0, 3, 4)  # g, i, m of g, h, i, m
    rows = await facts.children("placement_stability_long_term")
    assert rows["h"] == (True, False, "with the same carer since 2024-01-01")
    assert rows["m"][2] == "placed for adoption; adoptive and previous placement since 2021-06-01"


async def test_placed_outside_20_miles_needs_both_and_keeps_unknown_distances_in_the_denominator(facts):
    for child, located in [("a", {"distance_miles": 20.1, "outside_boundary": True}),   # outside, more than 20: yes
                           ("b", {"distance_miles": 20.0, "outside_boundary": True}),   # exactly 20.0 is not more
                           ("c", {"distance_miles": 35.2, "outside_boundary": False}),  # far, but inside the boundary
                           ("d", {"distance_miles": None, "outside_boundary": True}),   # a postcode unknown
                           ("e", {})]:                                                  # recorded before distances
        period = await facts.care_period(child, "2024-01-01")
        await facts.placement(child, "2024-01-01", period=period, **located)
    kpi = await facts.kpi("placed_outside_20_miles")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (20.0, 1, 5)  # a, of all 5
    assert {group: figure.numerator for group, figure in kpi.breakdown.items()} == {
        "distance unknown": 2, "inside the boundary": 1, "outside, 20 miles or less": 1, "outside, more than 20 miles": 1}
    assert (await facts.children("placed_outside_20_miles"))["b"][2] == "outside, 20 miles or less, 20.0 miles from home"


async def test_missing_children_and_episodes_count_missing_and_away_separately(facts):
    # Window: 2024-04-01 to D = 2025-03-31.
    for child in "abcde":
        await facts.care_period(child, "2023-06-01")
    await facts.care_period("f", "2024-01-01", legal_status="V3")    # short breaks: not looked after
    await facts.missing("a", "2024-06-01", "2024-06-02")               # missing
    await facts.missing("a", "2024-09-01", "2024-09-03")               # missing again: still one child
    await facts.missing("b", "2024-07-01", "2024-07-01", kind="A")     # away only
    await facts.missing("c", "2024-03-30", "2024-04-02")               # began before the window, ran into it
    await facts.missing("d", "2024-03-01", "2024-03-05")               # before the window
    await facts.missing("f", "2024-06-01", "2024-06-02")               # not looked after
    kpi = await facts.kpi("missing_children_12m")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (40.0, 2, 5)  # a, c of a-e
    assert {g: f.numerator for g, f in kpi.breakdown.items()} == {"away only": 1, "missing": 2, "neither": 2}
    assert (await facts.children("missing_children_12m"))["a"][2] == "2 missing, 0 away in the 12 months"
    episodes = await facts.kpi("missing_episodes_12m")
    # Started in the window while looked after: a's two missing and b's away; c's began before the window.
    # The figure is the missing ones; the breakdown counts each kind.
    assert episodes.value == 2
    assert {g: f.value for g, f in episodes.breakdown.items()} == {"away": 1, "missing": 2}


async def test_return_home_interviews_are_on_time_when_offered_within_72_hours_of_the_return(facts):
    await facts.care_period("a", "2023-06-01")
    await facts.missing("a", "2024-05-01", "2024-05-02", offered="2024-05-05")  # 3 days after: 72 hours, on time
    await facts.missing("a", "2024-06-01", "2024-06-02", offered="2024-06-06")  # 4 days: late
    await facts.missing("a", "2024-07-01", "2024-07-02")                         # never offered
    await facts.missing("a", "2024-08-01", "2024-08-02", kind="A")               # away: outside it
    await facts.missing("a", "2025-03-30")                                       # not returned yet: outside it
    kpi = await facts.kpi("rhi_within_72h")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (33.3, 1, 3)


async def test_social_worker_changes_count_new_workers_in_the_window_not_the_first_or_a_return(facts):
    # Window 2024-04-01 to D = 2025-03-31.
    for child in "abc":
        await facts.care_period(child, "2023-01-01")
    await facts.social_worker("a", "W1", "2023-01-01", "2024-05-01")
    await facts.social_worker("a", "W2", "2024-05-01", "2024-09-01")   # change 1
    await facts.social_worker("a", "W3", "2024-09-01")                 # change 2: 2 changes
    await facts.social_worker("b", "W1", "2023-01-01", "2024-03-01")
    await facts.social_worker("b", "W2", "2024-03-01", "2024-06-01")   # before the window: not counted
    await facts.social_worker("b", "W1", "2024-06-01", "2024-07-01")   # change 1 (back to W1: another worker)
    await facts.social_worker("b", "W1", "2024-07-01")                 # the same worker again: not a change
    await facts.social_worker("c", "W5", "2024-06-01")                 # the first allocation: not a change
    kpi = await facts.kpi("social_worker_changes_12m")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (33.3, 1, 3)
    rows = await facts.children("social_worker_changes_12m")
    assert [rows[c][2] for c in "abc"] == ["2 changes of social worker in the 12 months",
                                           "1 change of social worker in the 12 months",
                                           "0 changes of social worker in the 12 months"]


async def test_a_legal_status_change_to_or_from_short_breaks_moves_a_child_out_of_or_into_looked_after(facts):
    a = await facts.care_period("a", "2024-01-01")
    await facts.legal_status("a", a, "2025-01-01", "V3")           # short breaks on D: not looked after
    b = await facts.care_period("b", "2024-01-01", legal_status="V3")
    await facts.legal_status("b", b, "2025-02-01", "C2")           # a care order on D: looked after
    c = await facts.care_period("c", "2024-01-01")
    await facts.legal_status("c", c, "2025-04-10", "V4")           # after D: still looked after on D
    kpi = await facts.kpi("cla_count")
    assert (kpi.value, set(await facts.children("cla_count"))) == (2, {"b", "c"})


async def test_a_change_recorded_as_the_same_carer_is_not_a_new_placement(facts):
    # No carer ids: the case system's RNE alone says whether the carer changed.
    same = await facts.care_period("same", "2023-01-01")
    await facts.placement("same", "2023-01-01", "2024-06-01", "U6", period=same, rne="S")
    await facts.placement("same", "2024-06-01", "2024-12-01", "U6", period=same, rne="P")   # new carer
    await facts.placement("same", "2024-12-01", None, "A4", period=same, rne="T")           # same carer, now adopting
    new = await facts.care_period("new", "2023-01-01")
    await facts.placement("new", "2023-01-01", "2024-06-01", "U6", period=new, rne="S")
    await facts.placement("new", "2024-06-01", "2024-12-01", "U6", period=new, rne="P")
    await facts.placement("new", "2024-12-01", None, "U6", period=new, rne="B")             # new carer
    # "same": 2 placements in the window, "new": 3. 1 of 2 children: 50%.
    kpi = await facts.kpi("placement_stability_3plus")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 2, 50.0)
    assert (await facts.children("placement_stability_3plus"))["same"][2] == "2 placements in the 12 months"


async def test_reviews_are_due_20_working_days_then_3_then_6_months_after_the_one_actually_held(facts):
    # Entered care Wed 1 May 2024; 6 and 27 May are bank holidays, so the 20th working day is Fri 31 May.
    await facts.care_period("r", "2024-05-01")
    await facts.review("r", "2024-05-31")   # review 1, due 31 May: on time
    await facts.review("r", "2024-09-02")   # review 2, due 3 months after 31 May = 31 Aug: 2 days late
    await facts.review("r", "2025-03-01")   # review 3, due 6 months after 2 Sep = 2 Mar 2025: on time
    await facts.care_period("breaks", "2024-05-01", legal_status="V3")
    await facts.review("breaks", "2024-06-01")   # a short-break period: outside
    await facts.care_period("old", "2023-01-02")
    await facts.review("old", "2024-03-01")  # review 1, before the window: not counted, but the next is due from it
    await facts.review("old", "2024-08-01")  # review 2, due 1 Jun 2024: 61 days late
    # Placed for adoption Tue 1 Oct 2024: the intervals start again (20th working day after: Tue 29 Oct).
    adopt = await facts.care_period("adopt", "2023-06-01")
    await facts.placement("adopt", "2023-06-01", "2024-10-01", "U6", period=adopt)
    await facts.placement("adopt", "2024-10-01", None, "A5", period=adopt)
    await facts.review("adopt", "2024-06-01")  # review 1 of the period, due 29 Jun 2023: late
    await facts.review("adopt", "2024-10-20")  # review 1 since placed for adoption, due 29 Oct: on time
    # Short breaks from 2020 until a care order on Mon 3 Jun 2024: the intervals run from then (due Mon 1 Jul).
    breaks = await facts.care_period("breaks_then_care", "2020-01-01", legal_status="V3")
    await facts.legal_status("breaks_then_care", breaks, "2024-06-03", "C2")
    await facts.review("breaks_then_care", "2024-06-20")  # review 1 since 3 Jun: on time
    # 7 reviews held in the window, 4 on time: 57.1%.
    kpi = await facts.kpi("reviews_on_time")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (4, 7, 57.1)
    rows = await facts.rows("reviews_on_time")
    assert ("r", False, "review 2 held 2024-09-02, due 2024-08-31 (2 days late)") in rows
    assert ("old", False, "review 2 held 2024-08-01, due 2024-06-01 (61 days late)") in rows
    assert ("adopt", True, "review 1 since 2024-10-01 held 2024-10-20, due 2024-10-29") in rows
    assert ("breaks_then_care", True, "review 1 since 2024-06-03 held 2024-06-20, due 2024-07-01") in rows


async def test_visits_are_due_a_week_into_a_placement_then_every_6_weeks_or_3_months_when_long_term(facts):
    p = await facts.care_period("new", "2025-03-27")
    await facts.placement("new", "2025-03-27", period=p, placement_type="U6")         # first due 3 Apr: not yet
    p = await facts.care_period("late_first", "2025-03-01")
    await facts.placement("late_first", "2025-03-01", period=p, placement_type="U6")  # first due 8 Mar: overdue
    p = await facts.care_period("six", "2024-12-01")
    await facts.placement("six", "2024-12-01", period=p, placement_type="U6")
    await facts.visit("six", "2024-12-05")
    await facts.visit("six", "2025-02-20")                                            # next due 3 Apr: on time
    p = await facts.care_period("long", "2022-01-01")
    await facts.placement("long", "2023-01-01", period=p, placement_type="U4")        # long-term, over a year old
    await facts.visit("long", "2025-01-15")                                           # next due 15 Apr: on time
    p = await facts.care_period("short", "2022-01-01")
    await facts.placement("short", "2023-01-01", period=p, placement_type="U6")
    await facts.visit("short", "2025-01-15")                                          # next due 26 Feb: overdue
    p = await facts.care_period("moved", "2024-01-01")
    await facts.placement("moved", "2024-01-01", "2025-03-20", period=p, placement_type="U6")
    await facts.placement("moved", "2025-03-20", period=p, placement_type="U6")
    await facts.visit("moved", "2025-03-10")           # in the last placement: the new one's first due 27 Mar
    p = await facts.care_period("same_carer", "2024-01-01")
    await facts.placement("same_carer", "2024-01-01", "2025-02-01", period=p, placement_type="U6", rne="S", carer="X")
    await facts.placement("same_carer", "2025-02-01", "2025-02-03", period=p, placement_type="T1", rne="P",
                          carer="respite")
    await facts.placement("same_carer", "2025-02-03", "2025-03-25", period=p, placement_type="U6", rne="P",
                          carer="X")  # back with X: P, as the carer differs from the respite one
    await facts.placement("same_carer", "2025-03-25", period=p, placement_type="U4", rne="U")  # same carer, long-term
    # The clock runs on with carer X since 2024-01-01 (not from the respite, nor the change to U4), so at the
    # visit the placement was over a year old and is now long-term: next due 3 months later, 10 Apr.
    await facts.visit("same_carer", "2025-01-10")
    # On time: new, six, long, same_carer. 4 of 7: 57.1%.
    kpi = await facts.kpi("visits_on_time")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (4, 7, 57.1)
    children = await facts.children("visits_on_time")
    assert children["long"] == (True, True, "last visited 2025-01-15, next due 2025-04-15")
    assert children["short"] == (True, False, "last visited 2025-01-15, next due 2025-02-26 (33 days overdue)")
    assert children["moved"] == (True, False, "placed 2025-03-20, no visit since; first due 2025-03-27 (4 days overdue)")
    assert children["same_carer"] == (True, True, "last visited 2025-01-10, next due 2025-04-10")


async def test_convictions_count_over_the_oc2_cohort_aged_10_and_looked_after_all_year(facts):
    await facts.care_period("c1", "2020-01-01", born="2010-01-01")
    await facts.conviction("c1", "2024-06-01")                              # convicted in the window
    await facts.care_period("c2", "2020-01-01", born="2010-01-01")
    await facts.conviction("c2", "2024-02-01", outcome="youth_caution")     # before the window
    await facts.care_period("young", "2020-01-01", born="2016-01-01")       # 9 on D: outside the cohort
    await facts.care_period("recent", "2024-04-02", born="2010-01-01")      # not looked after all year: outside
    await facts.conviction("recent", "2024-06-01")
    await facts.care_period("edge", "2024-04-01", born="2010-01-01")        # from the window's first day: in it
    breaks = await facts.care_period("breaks", "2020-01-01", born="2010-01-01")
    await facts.legal_status("breaks", breaks, "2024-07-01", "V3")        # short breaks in the window: outside,
    await facts.legal_status("breaks", breaks, "2024-09-01", "C2")        # though looked after again on D
    await facts.conviction("breaks", "2024-10-01")
    # Cohort: c1, c2, edge. 1 of 3: 33.3%.
    kpi = await facts.kpi("cla_convicted_12m")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 3, 33.3)
    assert (await facts.children("cla_convicted_12m"))["c1"] == (True, True, "1 conviction in the 12 months")


async def test_adoption_a1_counts_to_the_adoptive_placement_or_the_foster_carer_who_adopted_and_a2_to_the_match(facts):
    a = await facts.care_period("a", "2021-01-01", "2024-06-01", reason="E11")
    await facts.placement("a", "2021-01-01", "2022-01-01", "U6", carer="x", period=a)
    await facts.placement("a", "2022-01-01", "2024-06-01", "A5", carer="y", period=a, rne="P")
    await facts.adoption("a", a, placement_order="2021-06-01", match="2021-11-01")      # A2: 153 days
    # Adopted by their own foster carer: A1 runs to the start of the placement with that carer.
    f = await facts.care_period("f", "2021-01-01", "2024-01-01", reason="E12")
    await facts.placement("f", "2021-01-01", "2021-03-01", "U6", carer="x", period=f)
    await facts.placement("f", "2021-03-01", "2022-08-01", "U6", carer="z", period=f)
    await facts.placement("f", "2022-08-01", "2022-08-05", "T1", carer="r", period=f)       # respite: not a move
    await facts.placement("f", "2022-08-05", "2023-01-01", "U6", carer="z", period=f, rne="P")  # back with z
    await facts.placement("f", "2023-01-01", "2024-01-01", "A6", period=f, rne="T")
    await facts.adoption("f", f, placement_order="2022-06-01", match="2022-05-01")      # matched first: 0 days
    n = await facts.care_period("n", "2023-01-01", "2024-02-01", reason="E11")          # no adoptive placement
    await facts.placement("n", "2023-01-01", "2024-02-01", "U6", period=n)
    old = await facts.care_period("old", "2018-01-01", "2021-06-01", reason="E11")      # over 3 years before D
    await facts.placement("old", "2018-01-01", "2021-06-01", "A3", period=old)
    # A1: a 365 days (1 Jan 2021 to 1 Jan 2022), f 59 days (1 Jan to 1 Mar 2021): mean 212.0, both within 426.
    a1 = await facts.kpi("adoption_a1_days")
    assert (a1.value, a1.numerator, a1.denominator, a1.reported_separately) == (212.0, 2, 2, 1)
    assert (await facts.children("adoption_a1_days"))["f"][2] == \
        "entered care 2021-01-01, moved in with their foster carer, who adopted them, 2021-03-01: 59 days"
    # A2: a 153, f 0: mean 76.5; only f within 121 days; n has no order or match (reported separately).
    a2 = await facts.kpi("adoption_a2_days")
    assert (a2.value, a2.numerator, a2.denominator, a2.reported_separately) == (76.5, 1, 2, 1)


async def test_a_child_who_left_and_came_back_counts_every_placement_in_the_window_and_the_one_from_d(facts):
    first = await facts.care_period("back", "2023-01-01", "2024-06-01")
    await facts.placement("back", "2023-01-01", "2024-06-01", "U6", carer="A", period=first)   # touches the window: 1
    again = await facts.care_period("back", "2024-09-01")
    await facts.placement("back", "2024-09-01", "2025-03-31", "U6", carer="B", period=again)   # 2; ends on D
    await facts.placement("back", "2025-03-31", None, "U6", carer="C", period=again,           # 3; the one on D
                          distance_miles=25.0, outside_boundary=True)
    assert (await facts.children("placement_stability_3plus"))["back"] == (True, True, "3 placements in the 12 months")
    in_d, outside, _ = (await facts.children("placed_outside_20_miles"))["back"]
    assert (in_d, outside) == (True, True)  # the placement that started on D, not the one that ended on it


async def test_foster_households_count_those_approved_on_d_by_category_with_the_years_approvals_and_deregistrations(facts):
    async def approval(household_id, category, start, end=None):
        await facts.event("placements.foster-household-approval-recorded", {
            "approval_id": f"fa{next(_ids)}", "household_id": household_id, "category": category, "start_date": start,
            "end_date": end, "effective_date": end or start, "record_version": 1})

    await approval("h1", "long_term", "2020-01-01")                         # approved on D
    await approval("h2", "short_term", "2024-06-01")                        # approved on D, in the 12 months
    await approval("h3", "short_term", "2019-01-01", "2024-09-01")          # de-registered in the 12 months
    await approval("h4", "short_breaks", "2019-01-01", "2024-03-01")        # de-registered before the window
    await approval("h5", "long_term", "2025-04-02")                         # approved after D
    await approval("h6", "parent_and_child", "2025-03-31", "2025-03-31")    # approved and de-registered on D
    await approval("h7", "short_term", "2018-01-01", "2024-10-01")          # new terms: long term from 1 Oct,
    await approval("h7", "long_term", "2024-10-01")                         # neither an approval nor a de-registration
    await approval("h8", "short_term", "2018-01-01", "2023-01-01")          # left, and came back in the 12 months
    await approval("h8", "short_term", "2024-11-01")
    # On D: h1, h2, h7 (long term), h8. In the 12 months: approved h2, h6, h8; de-registered h3, h6.
    kpi = await facts.kpi("foster_households")
    assert (kpi.value, kpi.tallies) == (4, {"approved_in_the_12_months": 3, "deregistered_in_the_12_months": 2})
    # h4 left before the window: not a row at all; h7's short-term approval ended in it (outside the figure).
    assert {group: f.value for group, f in kpi.breakdown.items()} == {"long term": 2, "short term": 2, "parent and child": 0}
    rows = await facts.rows("foster_households")
    assert ("h7", False, "short term from 2018-01-01 to 2024-10-01 (new terms)") in rows
    assert ("h3", False, "short term from 2019-01-01 to 2024-09-01 (de-registered)") in rows
