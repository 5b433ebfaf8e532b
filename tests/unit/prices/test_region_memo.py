"""The live check's memo: a region's value is computed again only when its key moves."""
from services.prices.region_memo import RegionMemo


def test_a_value_is_kept_while_its_key_stands_and_computed_again_when_it_moves():
    memo, computed = RegionMemo(), []
    memo.setup()

    def compute(value):
        return lambda: computed.append(value) or value

    assert memo.get("36.71", ("2026-12-01", 3), compute("a")) == "a"
    assert memo.get("36.71", ("2026-12-01", 3), compute("b")) == "a"  # kept: same day and revision
    assert memo.get("36.03", ("2026-12-01", 3), compute("c")) == "c"  # each region its own
    assert memo.get("36.71", ("2026-12-01", 4), compute("d")) == "d"  # another sheet applied
    assert computed == ["a", "c", "d"]
