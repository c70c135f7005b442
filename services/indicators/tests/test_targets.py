"""What KPIs are compared with: read from the council's file, direction from the KPI, RAG, no data."""

import pytest

from indicators_service.kpis.registry import KPIS
from indicators_service.targets import DEFAULT_TARGETS, Target, load_targets

DIRECTIONS = {k.id: k.direction.value for k in KPIS.values()}


def test_the_shipped_targets_name_real_kpis_and_take_their_direction_from_the_kpi():
    targets = load_targets(DEFAULT_TARGETS, DIRECTIONS)
    assert targets["placement_stability_3plus"].value == 10.0
    assert targets["placement_stability_3plus"].direction == "lower"
    assert targets["iha_within_20_working_days"].direction == "higher"
    england = targets["cla_rate_per_10k"].benchmarks[0]
    assert (england.name, england.value, england.year) == ("England", 65.0, "2019")
    # The care leavers' England and statistical-neighbour figures are annual readings for 19-21-year-olds: they
    # go beside the annual reading's 19-21 band, not the live all-ages figure.
    for kpi, values in {"care_leavers_suitable_accommodation_annual": (84.0, 90.7), "care_leavers_eet_annual": (51.0, 51.1)}.items():
        assert [(b.name, b.value, b.band) for b in targets[kpi].benchmarks] == [
            ("England", values[0], "19-21"), ("Statistical neighbours", values[1], "19-21")]
        assert kpi.removesuffix("_annual") not in targets


def test_worse_than_the_target_depends_on_which_way_is_better():
    higher, lower = Target(90.0, "higher"), Target(10.0, "lower")
    assert [higher.breached_by(v) for v in (89.9, 90.0, 95.0)] == [True, False, False]
    assert [lower.breached_by(v) for v in (10.1, 10.0, 4.0)] == [True, False, False]
    assert higher.breached_by(None) is None  # a denominator of 0 is no data, not a breach


def test_red_amber_green_respects_the_direction_and_the_amber_band():
    higher, lower = Target(90.0, "higher", amber_within=5), Target(10.0, "lower", amber_within=2)
    # 90 meets it; 85 is 5 points short (amber); 84.9 is further (red).
    assert [higher.rag(v) for v in (90.0, 85.0, 84.9, None)] == ["green", "amber", "red", None]
    assert [lower.rag(v) for v in (9.0, 12.0, 12.1)] == ["green", "amber", "red"]
    assert Target(None, "higher").rag(50.0) is None  # benchmarks only: nothing to be red against
    assert Target(50.0, "neither").rag(50.0) is None  # a count of demand has no good direction


def test_a_misspelt_kpi_or_setting_is_refused(tmp_path):
    misspelt = tmp_path / "targets.toml"
    misspelt.write_text('[placement_stability]\ntarget = 10\n')
    with pytest.raises(ValueError, match="no KPI is called 'placement_stability'"):
        load_targets(misspelt, DIRECTIONS)
    wrong_key = tmp_path / "way.toml"
    wrong_key.write_text('[pa_allocated]\ntarget = 100\ndirection = "up"\n')
    with pytest.raises(ValueError, match="unknown settings"):
        load_targets(wrong_key, DIRECTIONS)
    no_source = tmp_path / "source.toml"
    no_source.write_text('[cla_rate_per_10k]\nbenchmarks = [{ name = "England", value = 65.0, year = "2019" }]\n')
    with pytest.raises(ValueError, match="source"):
        load_targets(no_source, DIRECTIONS)
