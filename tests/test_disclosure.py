"""Small-count suppression: hand-made tables, and property tests against an independent LP.

The oracle computes each hidden count's feasible interval from what is published by exact
rational linear programming, written here without the max-flow of the engine; over a network
(two-way tables, hierarchies) the real and the integer bounds agree, so an interval at least
`threshold` wide means no integer table narrows the count further.
"""

from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from dashboard.disclosure import (
    TableFlags,
    describe,
    display,
    mark,
    note,
    suppress_counts,
    suppress_share,
    suppress_tree,
)
from tests.golden import report_2025 as report

REGIONS = ["Haut-Valais", "Sierre", "Sion", "Martigny", "Monthey"]


def _table(interior, *, row_total=True, total_row=True):
    """A frame `label`, [`total`], `c0..` from an interior matrix, the total row first."""
    names = [f"c{j}" for j in range(len(interior[0]))]
    rows = [[f"r{i}", *line] for i, line in enumerate(interior)]
    if total_row:
        rows.insert(0, ["total", *map(sum, zip(*interior, strict=True))])
    frame = pl.DataFrame(rows, schema=["label", *names], orient="row")
    if row_total:
        frame = frame.with_columns(total=pl.sum_horizontal(names))
    return frame, names


# --- an exact LP, written independently of the max-flow engine ---------------------------------


def _simplex_max(a, b, c):
    """max c·x s.t. a x = b, x >= 0 (exact, Bland's rule); None when unbounded."""
    m, n = len(a), len(c)
    rows = [[Fraction(v) for v in line] + [Fraction(int(i == k)) for k in range(m)] + [Fraction(rhs)]
            for i, (line, rhs) in enumerate(zip(a, b, strict=True))]
    for line in rows:
        if line[-1] < 0:
            line[:] = [-v for v in line]
            line[n + rows.index(line)] = Fraction(1)
    basis = list(range(n, n + m))

    def run(cost):
        while True:
            duals = [cost[basis[i]] for i in range(m)]
            reduced = [cost[k] - sum(duals[i] * rows[i][k] for i in range(m)) for k in range(n + m)]
            entering = next((k for k in range(n + m) if reduced[k] > 0 and k not in basis), None)
            if entering is None:
                return True
            ratios = [(rows[i][-1] / rows[i][entering], basis[i], i) for i in range(m) if rows[i][entering] > 0]
            if not ratios:
                return False
            _, _, pivot = min(ratios)
            rows[pivot] = [v / rows[pivot][entering] for v in rows[pivot]]
            for i in range(m):
                if i != pivot and rows[i][entering] != 0:
                    factor = rows[i][entering]
                    rows[i] = [v - factor * p for v, p in zip(rows[i], rows[pivot], strict=True)]
            basis[pivot] = entering

    run([Fraction(0)] * n + [Fraction(-1)] * m)  # phase 1: drive the artificials out
    assert all(rows[i][-1] == 0 for i in range(m) if basis[i] >= n), "infeasible: the true table fits"
    for i in range(m):  # a degenerate artificial left in the basis: pivot it out where possible
        if basis[i] >= n:
            k = next((k for k in range(n) if rows[i][k] != 0), None)
            if k is not None:
                rows[i] = [v / rows[i][k] for v in rows[i]]
                for other in range(m):
                    if other != i and rows[other][k] != 0:
                        factor = rows[other][k]
                        rows[other] = [v - factor * p for v, p in zip(rows[other], rows[i], strict=True)]
                basis[i] = k
    for line in rows:
        for k in range(n, n + m):
            line[k] = Fraction(0) if k not in basis else line[k]
    if not run([Fraction(v) for v in c] + [Fraction(-(10**9))] * m):
        return None
    return sum(rows[i][-1] * Fraction(c[basis[i]]) for i in range(m) if basis[i] < n)


def _feasible_intervals(interior, hidden_cells, *, row_total, total_row):
    """For each hidden grid cell: (min, max) over tables that fit everything published."""
    n, w = len(interior), len(interior[0])
    grid = [[*line, sum(line)] for line in interior] + [[*map(sum, zip(*interior, strict=True)), sum(map(sum, interior))]]
    unknown = set(hidden_cells)
    unknown |= {(i, w) for i in range(n + 1) if not row_total} | {(n, j) for j in range(w + 1) if not total_row}
    variables = sorted(unknown)
    index = {cell: k for k, cell in enumerate(variables)}
    a, b = [], []
    lines = [[(i, j) for j in range(w)] + [(i, w)] for i in range(n + 1)]
    lines += [[(i, j) for i in range(n)] + [(n, j)] for j in range(w + 1)]
    for line in lines:  # parts sum to the last cell: sum(parts) - total = 0
        coefficients, rhs = [0] * len(variables), 0
        for position, cell in enumerate(line):
            sign = -1 if position == len(line) - 1 else 1
            if cell in index:
                coefficients[index[cell]] += sign
            else:
                rhs -= sign * grid[cell[0]][cell[1]]
        a.append(coefficients)
        b.append(rhs)
    intervals = {}
    for cell in hidden_cells:
        objective = [int(k == index[cell]) for k in range(len(variables))]
        high = _simplex_max(a, b, objective)
        low = -_simplex_max(a, b, [-v for v in objective])
        intervals[cell] = (low, high)
    return intervals


def _hidden_grid_cells(result, interior, names, *, row_total, total_row):
    """The hidden cells of a `_table` frame, in grid coordinates (total row last)."""
    n, w = len(interior), len(interior[0])
    cells = set()
    for r, line in enumerate(result.hidden.iter_rows()):
        i = (n if r == 0 else r - 1) if total_row else r
        for name, is_hidden in zip(result.hidden.columns, line, strict=True):
            if is_hidden:
                cells.add((i, w if name == "total" else names.index(name)))
    return cells


def test_the_lp_oracle_recovers_a_lone_suppression():
    # 1 hidden alone in a row with its total shown: the oracle must see it is exactly 1
    assert _feasible_intervals([[1, 9], [7, 8]], {(0, 0)}, row_total=True, total_row=True) == {(0, 0): (1, 1)}
    # the classic rectangle: each cell moves with the other three
    intervals = _feasible_intervals([[1, 9], [7, 8]], {(0, 0), (0, 1), (1, 0), (1, 1)}, row_total=True, total_row=True)
    assert intervals[(0, 0)] == (0, 8)


# --- hand-made tables ---------------------------------------------------------------------------


def test_list_with_total_hides_the_small_count_and_the_smallest_other():
    counts = pl.DataFrame({"announcer": ["ORP", "CMS", "OAI", "other", "total"], "n": [11, 7, 2, 0, 20]})
    result = suppress_counts(counts, ["n"], total_row=pl.col("announcer") == "total")
    expected = pl.DataFrame({"announcer": ["ORP", "CMS", "OAI", "other", "total"], "n": [11, None, None, 0, 20]})
    assert_frame_equal(result.table, expected)
    assert_frame_equal(
        result.labels("de"),
        pl.DataFrame({"announcer": ["ORP", "CMS", "OAI", "other", "total"], "n": ["11", "X", "< 5", "0", "20"]}),
    )
    assert result.applied


def test_nothing_small_nothing_hidden():
    frame, names = _table([[5, 0], [6, 12]])
    result = suppress_counts(frame, names, row_total="total", total_row=pl.col("label") == "total")
    assert_frame_equal(result.table, frame)
    assert not result.applied
    assert_frame_equal(result.flags, pl.DataFrame({c: [None] * frame.height for c in frame.columns}, schema=dict.fromkeys(frame.columns, pl.String)))


def test_without_totals_only_the_small_counts_go():
    frame, names = _table([[3, 7], [6, 12]], row_total=False, total_row=False)
    result = suppress_counts(frame, names)
    assert_frame_equal(result.table, frame.with_columns(c0=pl.Series([None, 6], dtype=pl.Int64)))


def test_report_section_8_table():
    rows = [["total", *report.COMPLEX_TOTAL_2025[1]]] + [[a, *c] for a, c in report.COMPLEX_BY_ANNOUNCER_2025.items()]
    frame = (
        pl.DataFrame(rows, schema=["announcer", *REGIONS], orient="row")
        .with_columns(total=pl.sum_horizontal(REGIONS))
        .select("announcer", "total", *REGIONS)
    )
    result = suppress_counts(frame, REGIONS, row_total="total", total_row=pl.col("announcer") == "total")
    # The small counts, and complements in the ORP and CMS rows that close each of them in a
    # cycle of hidden cells: every total stays published (18 cells hidden, 65 situations)
    expected = pl.DataFrame(
        [
            ["total", "87", "18", "10", "26", "15", "18"],
            ["ORP", "50", "7", "X", "17", "X", "8"],
            ["CMS", "27", "< 5", "X", "X", "< 5", "X"],
            ["BIP/OASI", "< 5", "< 5", "0", "< 5", "0", "0"],
            ["OAI", "< 5", "< 5", "0", "0", "0", "0"],
            ["OSP/SHE", "< 5", "< 5", "0", "0", "0", "< 5"],
            ["T1/SFOP", "< 5", "< 5", "0", "0", "0", "< 5"],
        ],
        schema=["announcer", "total", *REGIONS],
        orient="row",
    )
    assert_frame_equal(result.labels("fr"), expected)
    interior = [list(c) for c in report.COMPLEX_BY_ANNOUNCER_2025.values()]
    hidden = _hidden_grid_cells(result, interior, REGIONS, row_total=True, total_row=True)
    for low, high in _feasible_intervals(interior, hidden, row_total=True, total_row=True).values():
        assert high is None or high - low >= 5


def test_inconsistent_totals_are_refused():
    frame, names = _table([[3, 7], [6, 12]])
    with pytest.raises(ValueError, match="not the sum"):
        suppress_counts(frame.with_columns(total=pl.col("total") + 1), names, row_total="total")
    with pytest.raises(ValueError, match="exactly one"):
        suppress_counts(frame, names, total_row=pl.col("label") == "nothing")


# --- the property ------------------------------------------------------------------------------

_tables = st.integers(1, 3).flatmap(
    lambda n: st.integers(1, 3).flatmap(
        lambda w: st.lists(st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 9, 14]), min_size=w, max_size=w), min_size=n, max_size=n)
    )
)


@settings(max_examples=120, deadline=None)
@given(interior=_tables, threshold=st.sampled_from([3, 5]), row_total=st.booleans(), total_row=st.booleans())
def test_no_suppressed_cell_can_be_narrowed_below_the_threshold(interior, threshold, row_total, total_row):
    frame, names = _table(interior, row_total=row_total, total_row=total_row)
    result = suppress_counts(
        frame, names, threshold=threshold,
        row_total="total" if row_total else None, total_row=pl.col("label") == "total" if total_row else None,
    )
    shown = result.table.select(names + (["total"] if row_total else []))
    # (a) every shown count is 0 or at least the threshold
    assert all(v is None or v == 0 or v >= threshold for line in shown.iter_rows() for v in line)
    # (b) every hidden cell's feasible interval, from what is shown, is at least threshold wide
    hidden = _hidden_grid_cells(result, interior, names, row_total=row_total, total_row=total_row)
    for cell, (low, high) in _feasible_intervals(interior, hidden, row_total=row_total, total_row=total_row).items():
        assert high is None or high - low >= threshold, (cell, low, high)


# --- rates and single values --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (33, 100, 0.33),
        (0, 40, 0.0),  # nobody: not disclosive
        (3, 100, None),  # small numerator
        (97, 100, None),  # small complement: 3 persons did not
        (4, 4, None),  # small denominator
        (None, 10, None),
        (5, 10, 0.5),
    ],
)
def test_suppress_share(numerator, denominator, expected):
    assert suppress_share(numerator, denominator) == expected


def test_display_describe_and_note():
    assert [display(v) for v in (0, 1, 4, 5, 1234)] == ["0", "< 5", "< 5", "5", "1'234"]
    assert display(4, threshold=3) == "4" and display(2, threshold=3) == "< 3"
    assert describe(2, "fr") == "moins de 5" and describe(2, "de") == "weniger als 5"
    assert "1 bis 4" in note("de") and "«\u00a0<\u00a05\u00a0»" in note("fr")  # no line break inside the quoted sign


# --- two-way tables with every total ---------------------------------------------------------------

_full_tables = st.integers(2, 4).flatmap(
    lambda n: st.integers(2, 4).flatmap(
        lambda w: st.lists(st.lists(st.sampled_from([0, 1, 2, 3, 4, 6, 8, 13, 30]), min_size=w, max_size=w), min_size=n, max_size=n)
    )
)


@settings(max_examples=60, deadline=None)
@given(interior=_full_tables)
def test_with_row_column_and_grand_totals_no_hidden_cell_can_be_recovered(interior):
    frame, names = _table(interior)
    result = suppress_counts(frame, names, row_total="total", total_row=pl.col("label") == "total")

    shown = result.table.select(*names, "total")
    assert all(v is None or not 1 <= v < 5 for line in shown.iter_rows() for v in line)
    hidden = _hidden_grid_cells(result, interior, names, row_total=True, total_row=True)
    for cell, (low, high) in _feasible_intervals(interior, hidden, row_total=True, total_row=True).items():
        assert high is None or high - low >= 5, (cell, low, high)


def test_a_complement_anywhere_that_closes_the_pattern_beats_a_total():
    # One region selected: its column and the canton's are the same numbers. The ORP's 8 hidden
    # in both closes a cycle with the two small counts; no total needs to go.
    frame = pl.DataFrame(
        {"announcer": ["total", "ORP", "CMS", "OSP/SHE", "T1/SFOP"], "Monthey": [18, 8, 8, 1, 1]}
    ).with_columns(total=pl.col("Monthey"))
    result = suppress_counts(frame, ["Monthey"], row_total="total", total_row=pl.col("announcer") == "total")

    assert result.labels().rows() == [
        ("total", "18", "18"),
        ("ORP", "X", "X"),
        ("CMS", "8", "8"),
        ("OSP/SHE", "< 5", "< 5"),
        ("T1/SFOP", "< 5", "< 5"),
    ]


# --- hierarchies -----------------------------------------------------------------------------------


def _tree_intervals(nodes, hidden):
    """For each hidden node: (min, max) over hierarchies that fit every published count.

    `nodes` are (id, parent, value) with each parent the sum of its children.
    """
    values = {node: value for node, _, value in nodes}
    variables = sorted(hidden)
    index = {node: k for k, node in enumerate(variables)}
    a, b = [], []
    for parent in {parent for _, parent, _ in nodes if parent is not None}:
        coefficients, rhs = [0] * len(variables), 0
        for node, sign in [*((node, 1) for node, up, _ in nodes if up == parent), (parent, -1)]:
            if node in index:
                coefficients[index[node]] += sign
            else:
                rhs -= sign * values[node]
        a.append(coefficients)
        b.append(rhs)
    intervals = {}
    for node in hidden:
        objective = [int(k == index[node]) for k in range(len(variables))]
        if not a:  # no sum at all: nothing bounds a hidden count from above
            intervals[node] = (0, None)
            continue
        high = _simplex_max(a, b, objective)
        intervals[node] = (-_simplex_max(a, b, [-v for v in objective]), high)
    return intervals


def _hierarchy(draw_children, leaves):
    """Nodes (id, parent, value): a root, its children, and some children's own children."""
    nodes, children_values = [], []
    for i, grandchildren in enumerate(draw_children):
        if grandchildren:
            value = sum(grandchildren)
            nodes += [(f"c{i}g{j}", f"c{i}", v) for j, v in enumerate(grandchildren)]
        else:
            value = leaves[i % len(leaves)]
        nodes.append((f"c{i}", "root", value))
        children_values.append(value)
    return [("root", None, sum(children_values)), *nodes]


_counts = st.sampled_from([0, 1, 2, 3, 4, 6, 9, 14])


@settings(max_examples=80, deadline=None)
@given(
    children=st.lists(st.lists(_counts, min_size=0, max_size=3), min_size=1, max_size=4),
    leaves=st.lists(_counts, min_size=1, max_size=4),
    threshold=st.sampled_from([3, 5]),
)
def test_no_hidden_count_of_a_hierarchy_can_be_recovered(children, leaves, threshold):
    nodes = _hierarchy(children, leaves)
    frame = pl.DataFrame(nodes, schema={"id": pl.String, "parent": pl.String, "n": pl.Int64}, orient="row")

    result = suppress_tree(frame, "n", node="id", parent="parent", threshold=threshold)

    shown = [v for v in result.table.get_column("n").to_list() if v is not None]
    assert all(v == 0 or v >= threshold for v in shown)
    hidden = {node for node, is_hidden in zip(frame["id"], result.hidden["n"], strict=True) if is_hidden}
    for node, (low, high) in _tree_intervals(nodes, hidden).items():
        assert high is None or high - low >= threshold, (node, low, high)


def test_t1_provenance_of_2025_as_one_hierarchy():
    # The report's two tables: the 2 of the medical network takes the OSP survey's 39 with it;
    # the institutions are all 5 or more, and the institutional total stays published.
    nodes = [
        ("all", None, 727), ("institutional", "all", 606), ("private", "all", 80),
        ("osp_survey", "all", 39), ("medical_network", "all", 2),
        ("ORP", "institutional", 97), ("CIO/OSP", "institutional", 57), ("SFOP", "institutional", 32),
        ("OAI", "institutional", 17), ("CMS", "institutional", 7), ("OASI", "institutional", 5),
        ("circle_2_3", "institutional", 391),
    ]
    frame = pl.DataFrame(nodes, schema={"id": pl.String, "parent": pl.String, "n": pl.Int64}, orient="row")

    result = suppress_tree(frame, "n", node="id", parent="parent")

    assert result.labels().get_column("n").to_list() == [
        "727", "606", "80", "X", "< 5", "97", "57", "32", "17", "7", "5", "391",
    ]


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        ([("a", None, 3), ("a", None, 3)], "unique"),
        ([("a", "b", 3)], "unknown"),
        ([("a", "b", 3), ("b", "a", 3)], "cycle"),
        ([("a", None, 5), ("b", "a", 3), ("c", "a", 3)], "not the sum"),
        ([("a", None, -1)], "non-negative"),
    ],
)
def test_inconsistent_hierarchies_are_refused(nodes, message):
    frame = pl.DataFrame(nodes, schema={"id": pl.String, "parent": pl.String, "n": pl.Int64}, orient="row")
    with pytest.raises(ValueError, match=message):
        suppress_tree(frame, "n", node="id", parent="parent")


# --- flags ---------------------------------------------------------------------------------------


def test_marks_and_table_flags():
    assert [mark(True, True), mark(True, False), mark(False, False)] == ["< 5", "X", None]
    assert mark(True, True, threshold=3) == "< 3"
    assert TableFlags(pl.DataFrame({"n": [None, "X"]}, schema={"n": pl.String})).applied
    assert not TableFlags(pl.DataFrame({"n": [None, None]}, schema={"n": pl.String})).applied


def test_the_public_threshold_is_configured_but_never_below_two(monkeypatch):
    from dashboard.disclosure import public_threshold

    monkeypatch.delenv("CII_SUPPRESSION_THRESHOLD", raising=False)
    assert public_threshold() == 5
    monkeypatch.setenv("CII_SUPPRESSION_THRESHOLD", "3")
    assert public_threshold() == 3
    monkeypatch.setenv("CII_SUPPRESSION_THRESHOLD", "1")
    assert public_threshold() == 2
    monkeypatch.setenv("CII_SUPPRESSION_THRESHOLD", "five")
    with pytest.raises(ValueError):
        public_threshold()
