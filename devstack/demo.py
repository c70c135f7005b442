"""A small, made-up demo data set posted through the partner APIs, so the KPIs show numbers.

All children are fictional and identified only by pseudonymous ids (DEMO-001...). Dates are relative to
today, so the figures look live whenever it is run. Deterministic: the same seed gives the same data.
"""

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from devstack.partners import Partner

PLACEMENT_TYPES = ["U1", "U1", "U2", "U4", "U4", "U5", "K2", "U3", "P1", "R1", "A4"]


# Real postcodes (the ONS data): homes in Kirklees (the demo council); placements in Kirklees, nearby
# (Leeds, Bradford), more than 20 miles away (Manchester, Sheffield), and one unknown (ZZ99: not a place).
HOMES = ["HD1 1AA", "HD5 0AA", "WF13 1AA", "HD9 1AA"]
PLACED_AT = ["HD5 0AA", "HD9 1AA", "WF13 1AA", "HD1 1AA", "LS1 1AA", "BD1 1AA", "M1 1AA", "S1 1AA", "ZZ99 9ZZ"]

CHILDREN = 40


def is_loaded(urls: dict[str, str], children: int = CHILDREN) -> bool:
    """True when the last demo child is already recorded (the data of an earlier make run was kept)."""
    case_system = Partner(urls["placements"], "case-system")
    try:
        response = case_system.http.get(f"/children/DEMO-{children:03d}", headers={"X-Purpose": "make run: is the demo loaded"})
        return response.status_code == 200
    finally:
        case_system.close()


def load(urls: dict[str, str], today: date, children: int = CHILDREN, seed: int = 903) -> int:
    rng = random.Random(seed)
    case_system = Partner(urls["placements"], "case-system")
    health = Partner(urls["health"], "health-provider")
    virtual_school = Partner(urls["education"], "virtual-school")
    leaving_care = Partner(urls["leaving_care"], "leaving-care-team")
    try:
        for n in range(1, children + 1):
            child = f"DEMO-{n:03d}"
            # Some long enough ago (2.5 years) for long-term stability; nobody 18 or over today.
            entered = today - timedelta(days=rng.randint(20, 1500))
            # Every eighth child is nearly 18 (a care leaver to be, for the leaving-care KPIs).
            age = rng.randint(6390, 6500) if n % 8 == 0 else rng.randint((today - entered).days + 200, 6500)
            born = today - timedelta(days=age)
            period = case_system.post_ok(f"/children/{child}/care-periods",
                                         {"date_of_birth": born.isoformat(), "start_date": entered.isoformat(), "legal_status": "C2"},
                                         key=f"demo-{child}-period")
            day, home = entered, rng.choice(HOMES)
            for move in range(rng.choice([1, 1, 1, 1, 2, 2, 3, 4])):
                case_system.post_ok(f"/children/{child}/placements",
                                    {"start_date": day.isoformat(), "placement_type": rng.choice(PLACEMENT_TYPES),
                                     "provider": rng.choice(["PR1", "PR1", "PR4"]), "carer_id": f"CARER-{rng.randint(1, 30)}",
                                     "home_postcode": home, "placement_postcode": rng.choice(PLACED_AT)},
                                    key=f"demo-{child}-placement-{move}")
                day = min(today, day + timedelta(days=rng.randint(20, 200)))
            if rng.random() < 0.3 and (today - entered).days > 30:  # a missing or away episode, and its interview
                went = today - timedelta(days=rng.randint(10, min(300, (today - entered).days - 1)))
                back = went + timedelta(days=rng.randint(0, 3))
                offered = back + timedelta(days=rng.choice([1, 2, 3, 5]))
                case_system.post_ok(f"/children/{child}/missing-episodes", {
                    "kind": rng.choice(["M", "M", "A"]), "start_date": went.isoformat(), "end_date": back.isoformat(),
                    **({"rhi_offered_date": offered.isoformat()} if offered <= today else {})}, key=f"demo-{child}-missing")
            worker_from = entered
            for change in range(rng.choice([1, 2, 3, 3])):  # social workers: the first, then changes
                if worker_from > today:
                    break
                case_system.post_ok(f"/children/{child}/social-worker-allocations",
                                    {"worker_id": f"SW-{rng.randint(1, 12)}", "start_date": worker_from.isoformat()},
                                    key=f"demo-{child}-sw-{change}")
                worker_from += timedelta(days=rng.randint(30, 150))
            iha = entered + timedelta(days=rng.choice([10, 18, 25, 27, 40]))
            if iha <= today:
                health.post_ok(f"/children/{child}/initial-health-assessments", {"completed_date": iha.isoformat()},
                               key=f"demo-{child}-iha")
            notified = entered + timedelta(days=rng.randint(0, 3))
            if notified <= today:
                virtual_school.post_ok(f"/children/{child}/virtual-school-notifications",
                                       {"notified_date": notified.isoformat()}, key=f"demo-{child}-vs")
                pep = notified + timedelta(days=rng.choice([7, 10, 12, 16, 30]))
                if pep <= today:
                    virtual_school.post_ok(f"/children/{child}/initial-peps", {"completed_date": pep.isoformat()},
                                           key=f"demo-{child}-pep")
            sixteenth = born + relativedelta(years=16)
            if sixteenth <= today:
                leaving_care.post_ok(f"/children/{child}/leaving-care-status",
                                     {"status": "eligible", "effective_date": max(entered, sixteenth).isoformat()},
                                     key=f"demo-{child}-status")
                if rng.random() < 0.8:
                    leaving_care.post_ok(f"/children/{child}/adviser-allocations",
                                         {"role": "personal_adviser", "start_date": today.isoformat()}, key=f"demo-{child}-pa")
            _reviews_visits_and_convictions(case_system, child, entered, born, today, random.Random(f"{seed}-{child}"))
            if rng.random() < 0.15 and period["start_date"] < (today - timedelta(days=60)).isoformat():
                case_system.post_ok(f"/children/{child}/care-periods/{period['care_period_id']}/end",
                                    {"end_date": today.isoformat(), "reason_ceased": rng.choice(["E13", "E11", "E41"])},
                                    key=f"demo-{child}-left")
        for adopted in ADOPTED:
            _adopted(case_system, today, **adopted)
        _foster_households(case_system, today, random.Random(f"{seed}-households"))
        return children
    finally:
        for partner in (case_system, health, virtual_school, leaving_care):
            partner.close()


def _reviews_visits_and_convictions(case_system: Partner, child: str, entered: date, born: date, today: date,
                                    rng: random.Random) -> None:
    """Reviews (the first 15-30 days in, then about 3 and 6 months apart, some late), visits every 4-8 weeks,
    and now and then a youth caution or conviction of a child aged 10 or over."""
    day, gaps = entered + timedelta(days=rng.randint(15, 30)), [92, 183]
    while day <= today:
        case_system.post_ok(f"/children/{child}/reviews", {"review_date": day.isoformat()}, key=f"demo-{child}-review-{day}")
        day += timedelta(days=(gaps.pop(0) if gaps else 183) + rng.choice([-10, -5, 0, 0, 12]))
    day = entered + timedelta(days=rng.randint(3, 9))
    while day <= today:
        case_system.post_ok(f"/children/{child}/visits", {"visit_date": day.isoformat(), "seen_alone": rng.random() < 0.7},
                            key=f"demo-{child}-visit-{day}")
        day += timedelta(days=rng.randint(28, 56))
    tenth = born + relativedelta(years=10)
    if rng.random() < 0.12 and max(entered, tenth) < today - timedelta(days=40):
        outcome_day = today - timedelta(days=rng.randint(1, min(330, (today - max(entered, tenth)).days)))
        case_system.post_ok(f"/children/{child}/convictions", {"outcome_date": outcome_day.isoformat(),
                                                               "outcome": rng.choice(["youth_caution", "conviction"])},
                            key=f"demo-{child}-conviction")


# Two adopted children (days counted from entering care), for the Adoption Scorecard's A1 and A2: one placed
# with new adopters, one adopted by the foster carer they had lived with since their fourth month in care.
ADOPTED = [
    {"child": "DEMO-A01", "age": 1300, "in_care": 1000, "foster_moves": [], "placed": 400, "same_carer": False,
     "milestones": {"decision_date": 150, "placement_order_date": 200, "match_date": 330, "placed_date": 400},
     "adopted_days_ago": 60},
    {"child": "DEMO-A02", "age": 1600, "in_care": 1200, "foster_moves": [90], "placed": 700, "same_carer": True,
     "milestones": {"decision_date": 420, "placement_order_date": 450, "match_date": 640, "placed_date": 700},
     "adopted_days_ago": 200},
]


def _adopted(case_system: Partner, today: date, child: str, age: int, in_care: int, foster_moves: list[int],
             placed: int, same_carer: bool, milestones: dict[str, int], adopted_days_ago: int) -> None:
    entered = today - timedelta(days=in_care)
    on = lambda days: (entered + timedelta(days=days)).isoformat()  # noqa: E731
    period = case_system.post_ok(f"/children/{child}/care-periods", {
        "date_of_birth": (today - timedelta(days=age)).isoformat(), "start_date": entered.isoformat(),
        "legal_status": "C2"}, key=f"demo-{child}-period")["care_period_id"]
    for move, days in enumerate([0, *foster_moves]):
        case_system.post_ok(f"/children/{child}/placements", {
            "start_date": on(days), "placement_type": "U6", "provider": "PR1", "carer_id": f"CARER-A{move}",
            "reason_new_episode": "S" if days == 0 else "P"}, key=f"demo-{child}-foster-{move}")
    case_system.post_ok(f"/children/{child}/legal-status-changes", {
        "care_period_id": period, "start_date": on(milestones["placement_order_date"]), "legal_status": "E1"},
        key=f"demo-{child}-placement-order")
    case_system.post_ok(f"/children/{child}/placements", {
        "start_date": on(placed), "placement_type": "A6" if same_carer else "A5", "provider": "PR1",
        "reason_new_episode": "T" if same_carer else "P"}, key=f"demo-{child}-adoptive")
    adoption = case_system.post_ok(f"/children/{child}/adoptions", {
        "care_period_id": period, **{name: on(days) for name, days in milestones.items()}}, key=f"demo-{child}-adoption")
    adopted = (today - timedelta(days=adopted_days_ago)).isoformat()
    response = case_system.http.patch(f"/children/{child}/adoptions/{adoption['adoption_id']}",
                                      json={"record_version": adoption["record_version"], "adoption_order_date": adopted},
                                      headers={"Idempotency-Key": f"demo-{child}-adoption-order"})
    response.raise_for_status()
    case_system.post_ok(f"/children/{child}/care-periods/{period}/end", {"end_date": adopted, "reason_ceased": "E11"},
                        key=f"demo-{child}-adopted")


def _foster_households(case_system: Partner, today: date, rng: random.Random, households: int = 12) -> None:
    """The council's foster households: most approved years ago, a few in the last year, two de-registered and
    one moved to long-term fostering."""
    categories = ["short_term", "short_term", "long_term", "long_term", "short_breaks", "connected_persons",
                  "parent_and_child"]
    for n in range(1, households + 1):
        household = f"DEMO-HH-{n:02d}"
        approved = today - timedelta(days=rng.choice([60, 200, 500, 900, 1500, 2500]))
        approval = case_system.post_ok(f"/foster-households/{household}/approvals", {
            "category": rng.choice(categories), "start_date": approved.isoformat()}, key=f"demo-{household}")
        if n % 6 == 0 and approved < today - timedelta(days=100):
            response = case_system.http.patch(f"/foster-households/{household}/approvals/{approval['approval_id']}", json={
                "record_version": 1, "end_date": (today - timedelta(days=rng.randint(10, 90))).isoformat()},
                headers={"Idempotency-Key": f"demo-{household}-deregistered"})
            response.raise_for_status()
        elif n == 5 and approved < today - timedelta(days=30):
            case_system.post_ok(f"/foster-households/{household}/approvals", {
                "category": "long_term", "start_date": (today - timedelta(days=30)).isoformat()},
                key=f"demo-{household}-long-term")
