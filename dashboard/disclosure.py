"""Small-count suppression: the one place where disclosive counts are hidden (DESIGN.md §5).

For ``presenter`` and every public export, counts from 1 to ``threshold - 1`` are *primary*
suppressions, shown as ``< 5``. Hiding them alone is not enough when totals are published: a
row ``3, X, 12 | total 16`` gives the hidden 1 back by subtraction. *Complementary suppression*
therefore hides further cells until every hidden cell is protected.

Protection, precisely: an attacker knows every published cell and total and that counts are
non-negative. For each hidden cell, the values it can take in a table consistent with that
knowledge form an interval; the cell is protected when that interval is at least ``threshold``
wide. The interval is computed exactly, not by the usual "two hidden cells per line" rule of
thumb, which misses a cell that joins two suppression patterns (a bridge, see
``_feasible_width``): a two-way table with its margins is a network (each cell a flow from its
row to its column, every line summing to zero once totals are negated), and so is a
hierarchical table whose parent rows add up their children (:func:`suppress_tree`, e.g. the T1
provenances, the institutional ones by institution); the largest change of one cell is a
maximum flow through the other hidden cells. Real and integer bounds agree because network
matrices are totally unimodular.

Two tables that share a count (the same total in both) are one network, not two: suppress them
together (as one hierarchy) or the second can give back what the first hid.

Choices, documented because they are policy rather than arithmetic:

- Zero is not suppressed: "nobody" in a group is not disclosive here, and hiding zeros would
  blank most of the sparse tables of the report. Zeros may still be hidden as a last-resort
  complement.
- Totals are counts too: a row total of 2 is a primary suppression like any cell.
- Complements prefer, in order, a cell that protects the failing cell at once (wherever it
  is: with one region selected, the region's column and the canton's are the same numbers,
  and the cell that closes the pattern sits in the other one), a cell in a line of the failing
  cell, an interior cell over a total, a non-zero cell, and the smallest value (the least
  information lost).
- The attacker model ignores what the label ``< 5`` itself says (the value is 1 to 4); that
  range is the published statement, the protection is that the totals do not narrow it to a
  single value.

Shown tables carry their flags in a :class:`TableFlags` (``< 5`` for a small count, ``X`` for a
complement, the BFS flag of a value hidden for confidentiality), beside a table that holds null
at those cells: the exports write the flags and :func:`note` (``dashboard.exports``), and the
hidden value itself is never in the table, the figure or the text (``dashboard.public``).

Pure polars and Python; no streamlit.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from dashboard.formatting import Language, format_count
from dashboard.i18n import t

SUPPRESSED = "X"
"""The BFS flag of a value hidden for confidentiality."""

DEFAULT_THRESHOLD = 5
"""Counts from 1 to ``DEFAULT_THRESHOLD - 1`` are small (DESIGN.md §5)."""

_INFINITE = 10**15  # an unbounded capacity: far above any count of the dashboard


def public_threshold() -> int:
    """The threshold of everything public: ``CII_SUPPRESSION_THRESHOLD``, else 5.

    Below 2 nothing would be hidden, so 2 is the least it can be configured to; a value that
    is not a number is a configuration error, raised rather than guessed around.
    """
    configured = os.environ.get("CII_SUPPRESSION_THRESHOLD", "").strip()
    return max(int(configured), 2) if configured else DEFAULT_THRESHOLD


def is_small(value: int | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Whether the count `value` must be hidden on its own (1 to ``threshold - 1``)."""
    return value is not None and 1 <= value < threshold


def below_threshold(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The label of a suppressed small count, ``< 5``: a symbol, the same in both languages."""
    return f"< {threshold}"


def display(value: int | None, lang: Language = "fr", *, threshold: int = DEFAULT_THRESHOLD) -> str:
    """A single count as published: ``< 5`` when small, else formatted as a count.

    For a count shown on its own (a KPI card); a table with totals needs
    :func:`suppress_counts`, whose complementary cells this function cannot know about.

    >>> display(3), display(0), display(1234, "de"), display(4, threshold=3)
    ('< 5', '0', "1'234", '4')
    """
    return below_threshold(threshold) if is_small(value, threshold) else format_count(value, lang)


def describe(value: int | None, lang: Language = "fr", *, threshold: int = DEFAULT_THRESHOLD) -> str:
    """The words for a count in a hover text or a screen-reader text ("moins de 5")."""
    if is_small(value, threshold):
        return t("disclosure.below_threshold", lang, threshold=threshold)
    return format_count(value, lang)


def suppress_share(
    numerator: int | None, denominator: int | None, *, threshold: int = DEFAULT_THRESHOLD
) -> float | None:
    """The rate ``numerator / denominator``, or None when publishing it would disclose.

    Hidden when the denominator is under the threshold, when the numerator is a small count,
    and when ``denominator - numerator`` is (98 % of 100 tells that two persons did not).

    >>> suppress_share(33, 100), suppress_share(3, 100), suppress_share(0, 40), suppress_share(4, 4)
    (0.33, None, 0.0, None)
    """
    if numerator is None or denominator is None or denominator < threshold:
        return None
    if is_small(numerator, threshold) or is_small(denominator - numerator, threshold):
        return None
    return numerator / denominator


@dataclass(frozen=True)
class Suppressed:
    """A count table after suppression.

    Attributes
    ----------
    table
        The input table with every hidden value set to null (same columns, rows and order).
    hidden
        Boolean frame of the same shape: True where the value is hidden (primary or
        complementary); always False in the label columns.
    primary
        Boolean frame of the same shape: True where the value itself is a small count.
    threshold
        The threshold applied.
    """

    table: pl.DataFrame
    hidden: pl.DataFrame
    primary: pl.DataFrame
    threshold: int

    @property
    def applied(self) -> bool:
        """Whether anything was hidden (exports then carry :func:`note`)."""
        return any(self.hidden.select(pl.any_horizontal(pl.all().any())).row(0))

    @property
    def flags(self) -> pl.DataFrame:
        """``X`` where a value is hidden, null elsewhere, one String column per column."""
        return self.hidden.select(
            pl.when(pl.col(name)).then(pl.lit(SUPPRESSED)).otherwise(pl.lit(None, pl.String)).alias(name)
            for name in self.hidden.columns
        )

    def labels(self, lang: Language = "fr") -> pl.DataFrame:
        """The table as shown: counts formatted, ``< 5`` for small counts, ``X`` for complements.

        Label columns (those never hidden and not numeric) are kept as they are.
        """
        columns = {}
        for name in self.table.columns:
            if not self.table.schema[name].is_integer():
                columns[name] = self.table[name]
                continue
            columns[name] = pl.Series(
                name,
                [
                    below_threshold(self.threshold) if primary else SUPPRESSED if hidden else format_count(value, lang)
                    for value, hidden, primary in zip(self.table[name], self.hidden[name], self.primary[name], strict=True)
                ],
                pl.String,
            )
        return pl.DataFrame(columns)


def note(lang: Language = "fr", *, threshold: int = DEFAULT_THRESHOLD) -> str:
    """The sentence an export carries when suppression was applied."""
    return t("disclosure.note", lang, threshold=threshold, largest_small=threshold - 1)


def suppress_counts(
    table: pl.DataFrame,
    value_columns: Sequence[str],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    row_total: str | None = None,
    total_row: pl.Expr | None = None,
) -> Suppressed:
    """Hide the small counts of `table` and enough other cells to protect them.

    Parameters
    ----------
    table
        A count table: one row per category, label columns, integer `value_columns`.
    value_columns
        The interior count columns (the report's regions).
    threshold
        Counts from 1 to ``threshold - 1`` are hidden.
    row_total
        The column holding each row's sum of `value_columns`, when the table shows one.
    total_row
        A boolean expression selecting the one row that holds the column sums (and, in
        `row_total`, the grand total), when the table shows one.

    Returns
    -------
    Suppressed
        The masked table and its masks. Every hidden value's feasible interval, given the
        published values, totals and non-negativity, is at least `threshold` wide.

    Raises
    ------
    ValueError
        When a value is null or negative, `total_row` does not select exactly one row, or a
        total does not equal the sum it stands for (the arithmetic of protection needs it).

    Examples
    --------
    A list with its total: hiding the 2 alone would give it back as 20 - 18, so the smallest
    other count goes too.

    >>> counts = pl.DataFrame({"announcer": ["ORP", "CMS", "OAI", "total"], "n": [11, 7, 2, 20]})
    >>> result = suppress_counts(counts, ["n"], total_row=pl.col("announcer") == "total")
    >>> result.labels()["n"].to_list()
    ['11', 'X', '< 5', '20']
    """
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, got {threshold}")
    value_columns = list(value_columns)
    if total_row is None:
        is_total = [False] * table.height
    else:
        is_total = table.select(total_row.fill_null(False)).to_series().to_list()
        if sum(is_total) != 1:
            raise ValueError(f"total_row selects {sum(is_total)} rows, expected exactly one")
    counted = [*value_columns, *([row_total] if row_total else [])]
    if table.select(pl.any_horizontal(pl.col(counted).is_null().any() | (pl.col(counted) < 0).any())).item():
        raise ValueError(f"counts must be non-negative and present in {counted}")

    # The extended grid: interior rows then the total row, value columns then the row totals;
    # a total the table does not show is still part of the arithmetic, as unpublished.
    rows = [r for r, total in enumerate(is_total) if not total]
    all_values = table.select(value_columns).rows()
    values = [[int(v) for v in all_values[r]] for r in rows]
    width = len(value_columns)
    column_sums = [sum(row[j] for row in values) for j in range(width)]
    grid = [[*row, sum(row)] for row in values] + [[*column_sums, sum(column_sums)]]
    published = [[True] * width + [row_total is not None] for _ in rows]
    published.append([total_row is not None] * width + [total_row is not None and row_total is not None])
    _check_totals(table, value_columns, row_total, rows, is_total, grid)

    primary = {
        (i, j) for i, line in enumerate(grid) for j, v in enumerate(line) if published[i][j] and is_small(v, threshold)
    }
    hidden = _protect(_grid_network(grid, published), primary, threshold)

    # Back from grid coordinates to the table's rows and columns.
    positions = {i: r for i, r in enumerate(rows)}
    if total_row is not None:
        positions[len(rows)] = is_total.index(True)
    columns = {j: name for j, name in enumerate(value_columns)}
    if row_total is not None:
        columns[width] = row_total
    hidden_mask = _mask(table, {(positions[i], columns[j]) for i, j in hidden if published[i][j]})
    primary_mask = _mask(table, {(positions[i], columns[j]) for i, j in primary})
    masked = table.with_columns(
        pl.when(hidden_mask[name]).then(None).otherwise(pl.col(name)).alias(name) for name in counted
    )
    return Suppressed(table=masked, hidden=hidden_mask, primary=primary_mask, threshold=threshold)


def suppress_tree(
    table: pl.DataFrame,
    value: str,
    *,
    node: str,
    parent: str,
    threshold: int = DEFAULT_THRESHOLD,
) -> Suppressed:
    """Hide the small counts of a hierarchical table and enough other rows to protect them.

    Each row is a count; a row that other rows name as their `parent` is their sum (a total or
    a subtotal), every row is published. The T1 provenances are one such table: the situations
    received (the root), by provenance, and the institutional ones by institution; suppressing
    the two report tables apart would let the shared "institutional" count undo either.

    Parameters
    ----------
    table
        One row per count: `node` (a unique id), `parent` (the id of the row it adds up into;
        null for a root) and the integer `value`.
    value
        The count column.
    node, parent
        The id columns.
    threshold
        Counts from 1 to ``threshold - 1`` are hidden.

    Returns
    -------
    Suppressed
        As :func:`suppress_counts`, the masks True in the `value` column only.

    Raises
    ------
    ValueError
        When an id is null or repeated, a parent is unknown, the parents form a cycle, a count
        is null or negative, or a parent is not the sum of its children.

    Examples
    --------
    The 2 takes its smallest sibling with it: the subtotal 21 then says only that the two hidden
    counts add up to 9, so each lies anywhere from 0 to 9.

    >>> rows = pl.DataFrame({"id": ["all", "inst", "private", "ORP", "OAI", "CMS"],
    ...     "parent": [None, "all", "all", "inst", "inst", "inst"], "n": [29, 21, 8, 12, 7, 2]})
    >>> suppress_tree(rows, "n", node="id", parent="parent").labels()["n"].to_list()
    ['29', '21', '8', '12', 'X', '< 5']
    """
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, got {threshold}")
    ids = table.get_column(node).to_list()
    parents = table.get_column(parent).to_list()
    counts = table.get_column(value).to_list()
    if None in ids or len(set(ids)) != len(ids):
        raise ValueError(f"{node} must be unique and present")
    if any(count is None or count < 0 for count in counts):
        raise ValueError(f"counts must be non-negative and present in {value}")
    position = {name: r for r, name in enumerate(ids)}
    unknown = [name for name in parents if name is not None and name not in position]
    if unknown:
        raise ValueError(f"unknown {parent}: {unknown}")
    for r in range(len(ids)):  # walking up from every row must end at a root
        seen, current = set(), r
        while parents[current] is not None:
            if current in seen:
                raise ValueError(f"{parent} forms a cycle through {ids[r]!r}")
            seen.add(current)
            current = position[parents[current]]
    children: dict[int, list[int]] = {}
    for r, name in enumerate(parents):
        if name is not None:
            children.setdefault(position[name], []).append(r)
    for r, members in children.items():
        if sum(counts[c] for c in members) != counts[r]:
            raise ValueError(f"{ids[r]!r} is not the sum of its children")

    # Vertex 0 is the ground; a parent row r is vertex r + 1.
    edges = {
        (r, 0): _Edge(
            tail=r + 1 if r in children else 0,
            head=position[parents[r]] + 1 if parents[r] is not None else 0,
            value=int(counts[r]),
            published=True,
            total=r in children,
        )
        for r in range(len(ids))
    }
    primary = {key for key, edge in edges.items() if is_small(edge.value, threshold)}
    hidden = _protect(edges, primary, threshold)
    hidden_mask = _mask(table, {(r, value) for r, _ in hidden})
    primary_mask = _mask(table, {(r, value) for r, _ in primary})
    masked = table.with_columns(
        pl.when(hidden_mask[value]).then(None).otherwise(pl.col(value)).alias(value)
    )
    return Suppressed(table=masked, hidden=hidden_mask, primary=primary_mask, threshold=threshold)


def mark(hidden: bool, primary: bool, threshold: int = DEFAULT_THRESHOLD) -> str | None:
    """The flag of a hidden cell as shown: ``< 5`` for a small count, ``X`` for any other.

    >>> mark(True, True), mark(True, False), mark(False, False)
    ('< 5', 'X', None)
    """
    if not hidden:
        return None
    return below_threshold(threshold) if primary else SUPPRESSED


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames do not compare with ==
class TableFlags:
    """The hidden cells of a shown table and the flag each one reads.

    Carried beside a table whose hidden cells are null (``ChartSpec.flags``), so that every
    export writes the flags and the :func:`note` without the page having to remember it.

    Attributes
    ----------
    cells
        A frame of the table's height with one String column per table column that has
        hidden cells (same name): the flag (``< 5`` or ``X``, see :func:`mark`) where a cell
        is hidden, null elsewhere.
    threshold
        The threshold applied.
    """

    cells: pl.DataFrame
    threshold: int = DEFAULT_THRESHOLD

    @property
    def applied(self) -> bool:
        """Whether any cell is flagged (the export then carries :func:`note`)."""
        return any(self.cells.get_column(name).is_not_null().any() for name in self.cells.columns)


def _check_totals(table, value_columns, row_total, rows, is_total, grid) -> None:
    """Refuse tables whose published totals are not the sums they claim to be."""
    if row_total is not None:
        sums = table.select(pl.sum_horizontal(value_columns) == pl.col(row_total)).to_series()
        if not sums.all():
            raise ValueError(f"{row_total} is not the sum of {value_columns} in every row")
    if True in is_total:
        shown = table.row(is_total.index(True), named=True)
        if [shown[name] for name in value_columns] != grid[-1][: len(value_columns)]:
            raise ValueError("the total row is not the sum of the other rows")


def _mask(table: pl.DataFrame, cells: set[tuple[int, str]]) -> pl.DataFrame:
    """A boolean frame shaped like `table`, True at `cells` (row position, column name)."""
    return pl.DataFrame(
        {name: [(r, name) in cells for r in range(table.height)] for name in table.columns},
        schema={name: pl.Boolean for name in table.columns},
    )


# --- the protection engine, on a network --------------------------------------------------------
#
# Every table the dashboard publishes with totals is a network: each sum constraint is a vertex,
# each count an edge, oriented so that every vertex conserves flow (what enters is what leaves).
# A two-way table: cell (i, j) flows from row vertex i to column vertex j; a margin, stored as
# the sum of its line, flows back from its column vertex to its row vertex (it leaves the row
# and the column it closes); the grand total flows from the total row to the total column. A
# hierarchy: a row flows from its own vertex (or the ground, for a leaf) to its parent's vertex
# (or the ground, for a root). A change of the hidden counts that keeps every published number is
# then a circulation on the hidden edges: each can grow without limit and shrink by its value.


@dataclass(frozen=True)
class _Edge:
    tail: int
    head: int
    value: int
    published: bool
    total: bool  # a sum of other counts: complements prefer the counts it adds up


def _grid_network(
    grid: list[list[int]], published: list[list[bool]]
) -> dict[tuple[int, int], _Edge]:
    """The extended grid of a two-way table as a network; keys are grid cells (i, j)."""
    n_rows, last_row, last_column = len(grid), len(grid) - 1, len(grid[0]) - 1
    edges = {}
    for i, line in enumerate(grid):
        for j, value in enumerate(line):
            row, column = i, n_rows + j
            margin = (i == last_row) != (j == last_column)
            tail, head = (column, row) if margin else (row, column)
            total = i == last_row or j == last_column
            edges[i, j] = _Edge(tail, head, value, published[i][j], total)
    return edges


def _protect(edges: dict[tuple[int, int], _Edge], primary: set, threshold: int) -> set:
    """The hidden edges: `primary`, unpublished ones, and complements until all are protected."""
    hidden = set(primary) | {key for key, edge in edges.items() if not edge.published}
    order = sorted(edges)
    while True:
        failing = sorted(
            (key for key in hidden if edges[key].published
             and _feasible_width(edges, hidden, key, threshold) < threshold),
            key=lambda key: (key not in primary, key),
        )
        if not failing:
            return hidden
        key = failing[0]
        ends = {edges[key].tail, edges[key].head}
        candidates = [other for other in order if edges[other].published and other not in hidden]
        if not candidates:
            return hidden  # everything published is hidden: nothing more can be done

        def cost(candidate, key=key):
            edge = edges[candidate]
            fixes = _feasible_width(edges, hidden | {candidate}, key, threshold) >= threshold
            adjacent = bool(ends & {edge.tail, edge.head})
            return (not fixes, not adjacent, edge.total, edge.value == 0, edge.value, candidate)

        hidden.add(min(candidates, key=cost))


def _feasible_width(
    edges: dict[tuple[int, int], _Edge], hidden: set, key: tuple[int, int], enough: int
) -> int:
    """The width of `key`'s feasible interval, or any number >= `enough` once that is certain.

    Raising the count by d needs d units of flow back from its head to its tail through the
    other hidden edges; lowering it, from its tail to its head. A hidden edge that is a bridge
    of the hidden edges' graph (on no cycle) gets width 0: subtraction recovers it. An edge in
    no sum at all (a loop) is unconstrained.
    """
    edge = edges[key]
    if edge.tail == edge.head:
        return enough
    size = 1 + max(max(other.tail, other.head) for other in edges.values())
    capacity = [[0] * size for _ in range(size)]
    for other_key in hidden:
        if other_key != key:
            other = edges[other_key]
            capacity[other.tail][other.head] += _INFINITE
            capacity[other.head][other.tail] += other.value
    fall = min(edge.value, _max_flow([line[:] for line in capacity], edge.tail, edge.head, enough))
    rise = _max_flow(capacity, edge.head, edge.tail, max(enough - fall, 0))
    return fall + rise


def _max_flow(capacity: list[list[int]], source: int, sink: int, enough: int) -> int:
    """Edmonds–Karp maximum flow, stopping once `enough` is reached (modifies `capacity`)."""
    flow = 0
    while flow < enough:
        parent = {source: source}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for v, c in enumerate(capacity[u]):
                if c > 0 and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            return flow
        path, v = [], sink
        while v != source:
            path.append((parent[v], v))
            v = parent[v]
        push = min(capacity[u][v] for u, v in path)
        for u, v in path:
            capacity[u][v] -= push
            capacity[v][u] += push
        flow += push
    return flow
