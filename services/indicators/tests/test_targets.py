"""The council's targets: read from its file, direction respected, no data is not a breach."""

import pytest

from indicators_service.kpis.registry import KPIS
from indicators_service.targets import DEFAULT_TARGETS, Target, load_targets


def test_the_shipped_targets_name_real_kpis_with_a_direction():
    targets = load_targets(DEFAULT_TARGETS, set(KPIS))
    assert targets["placement_stability_3plus"] == Target(10.0, "lower")
    assert targets["iha_within_20_working_days"] == Target(90.0, "higher")


def test_worse_than_the_target_depends_on_which_way_is_better():
    higher, lower = Target(90.0, "higher"), Target(10.0, "lower")
    assert [higher.breached_by(v) for v in (89.9, 90.0, 95.0)] == [True, False, False]
    assert [lower.breached_by(v) for v in (10.1, 10.0, 4.0)] == [True, False, False]
    assert higher.breached_by(None) is None  # a denominator of 0 is no data, not a breach


def test_a_misspelt_kpi_or_direction_is_refused(tmp_path):
    misspelt = tmp_path / "targets.toml"
    misspelt.write_text('[placement_stability]\ntarget = 10\ndirection = "lower"\n')
    with pytest.raises(ValueError, match="no KPI is called 'placement_stability'"):
        load_targets(misspelt, set(KPIS))
    wrong_way = tmp_path / "way.toml"
    wrong_way.write_text('[pa_allocated]\ntarget = 100\ndirection = "up"\n')
    with pytest.raises(ValueError, match="direction"):
        load_targets(wrong_way, set(KPIS))
