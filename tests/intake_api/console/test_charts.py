"""The chart geometry, without a browser: shapes where the numbers say."""

from intake_api.console import charts


def test_bars_are_as_tall_as_their_values_on_a_round_axis() -> None:
    chart = charts.bars([0, 5, 10], ["a", "b", "c"])
    assert chart.marks == 3
    heights = [rect.height for rect in chart.rects]
    assert heights[0] == 0
    assert heights[2] == 2 * heights[1] > 0
    assert chart.rects[2].y + chart.rects[2].height == charts.HEIGHT - charts.BOTTOM
    assert [text.text for text in chart.texts if text.anchor == "end"][-1] == "10"


def test_the_rate_bar_is_green_when_it_meets_its_target_and_red_otherwise() -> None:
    met = charts.rate_against_target(0.99, 0.98, labels=("actual", "target"))
    missed = charts.rate_against_target(0.5, 0.98, labels=("actual", "target"))
    assert met.rects[0].fill == charts.GOOD
    assert missed.rects[0].fill == charts.LATE
    assert missed.rects[0].width == met.rects[0].width * 0.5 / 0.99
    assert any(line.dashed for line in met.lines)
    assert charts.rate_against_target(None, 0.98, labels=("a", "t")).marks == 0


def test_a_split_divides_one_bar_by_share_and_skips_empty_parts() -> None:
    chart = charts.split([("yes", 3, "#0f0"), ("no", 1, "#f00"), ("none", 0, "#000")])
    assert [rect.fill for rect in chart.rects] == ["#0f0", "#f00"]
    assert chart.rects[0].width == 3 * chart.rects[1].width
    assert chart.rects[1].x == chart.rects[0].x + chart.rects[0].width
    assert charts.split([("yes", 0, "#0f0")]).marks == 0


def test_the_pareto_line_climbs_to_the_top_at_the_last_cause() -> None:
    chart = charts.pareto([6, 3, 1], ["fees", "service", "other"])
    assert chart.marks == 6  # three bars, three points
    ys = [point.y for point in chart.points]
    assert ys == sorted(ys, reverse=True)
    assert ys[-1] == charts.TOP
    assert chart.polyline.count(",") == 3


def test_the_heat_map_colours_cells_from_pale_to_dark() -> None:
    chart = charts.heatmap(["BR-001", "BR-002"], ["cards", "loans"], [[0, 2], [4, 1]])
    assert chart.marks == 4
    fills = {rect.title.split(": ")[1]: rect.fill for rect in chart.rects}
    assert fills["0"] == "#eef4fb"
    assert fills["4"] == "#08306b"
    assert charts.heat_colour(0, 0) == "#eef4fb"


def test_long_category_names_alternate_lines_and_are_shortened_to_fit() -> None:
    names = [f"原因{i}服务态度及服务质量" for i in range(12)]

    chart = charts.pareto([12 - i for i in range(12)], names)

    under = [text for text in chart.texts if text.text.startswith("原因")]
    assert len({text.y for text in under}) == 2
    assert all(text.text.endswith("…") and len(text.text) < len(names[0]) for text in under)
    assert [rect.title.split(":")[0] for rect in chart.rects if rect.mark] == names
