"""Return home interviews offered within 72 hours (rhi_within_72h), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_return_home_interviews_are_on_time_when_offered_within_72_hours_of_the_return(facts):
    await facts.care_period("a", "2023-06-01")
    await facts.missing("a", "2024-05-01", "2024-05-02", offered="2024-05-05")  # 3 days after: 72 hours, on time
    await facts.missing("a", "2024-06-01", "2024-06-02", offered="2024-06-06")  # 4 days: late
    await facts.missing("a", "2024-07-01", "2024-07-02")                         # never offered
    await facts.missing("a", "2024-08-01", "2024-08-02", kind="A")               # away: outside it
    await facts.missing("a", "2025-03-30")                                       # not returned yet: outside it
    kpi = await facts.kpi("rhi_within_72h")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (33.3, 1, 3)


async def test_rhi_within_72h_counts_hours_where_the_times_of_the_return_and_the_offer_are_both_known(facts):
    # As of 2025-03-31, missing (M) episodes that ended in the window from 2024-04-01:
    #   returned 2024-05-02 08:00, offered 2024-05-05 16:00: 80 hours, late (by dates, the third day: on time);
    #   returned 2024-06-02 22:00, offered 2024-06-05 22:00: 72 hours exactly, on time;
    #   returned 2024-10-26 12:00 BST, offered 2024-10-29 11:30 GMT (the clocks went back on the 27th): 72.5
    #     hours, late (by the clock on the wall, 71.5);
    #   returned 2024-07-02 (no time), offered 2024-07-05 09:00: one time only, so by dates, the third day: on time.
    # On time: 2 of 4 = 50.0%.
    await facts.care_period("a", "2023-06-01")
    for end, end_time, offered, offered_time in [("2024-05-02", "08:00:00", "2024-05-05", "16:00:00"),
                                                 ("2024-06-02", "22:00:00", "2024-06-05", "22:00:00"),
                                                 ("2024-10-26", "12:00:00", "2024-10-29", "11:30:00"),
                                                 ("2024-07-02", None, "2024-07-05", "09:00:00")]:
        await facts.event("placements.missing-episode-recorded", {
            "episode_id": f"me-{end}", "child_id": "a", "kind": "M", "start_date": end, "end_date": end,
            "end_time": end_time, "rhi_offered_date": offered, "rhi_offered_time": offered_time, "rhi_held_date": None,
            "effective_date": end, "record_version": 1})
    kpi = await facts.kpi("rhi_within_72h")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (50.0, 2, 4)
    reasons = [reason for _, _, reason in await facts.rows("rhi_within_72h")]
    assert "returned 2024-05-02 08:00, interview offered 2024-05-05 16:00 (80.0 hours later)" in reasons
    assert "returned 2024-07-02, interview offered 2024-07-05 (3 days later)" in reasons
