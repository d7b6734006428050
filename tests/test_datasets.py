"""The dataset contract is unambiguous: no header or value spelling maps to two things."""

import pytest

from dashboard.datasets import DATASETS, REGIONS, normalize_label


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_header_spellings_do_not_collide_within_a_dataset(name):
    seen: dict[str, str] = {}
    for column in DATASETS[name].columns:
        for spelling in column.header_spellings():
            assert seen.setdefault(spelling, column.name) == column.name, (
                f"{name}: '{spelling}' names both {seen[spelling]} and {column.name}"
            )


@pytest.mark.parametrize(
    ("dataset", "column"),
    [(d.name, c.name) for d in DATASETS.values() for c in d.columns if c.choices],
)
def test_value_spellings_do_not_collide_within_a_column(dataset, column):
    seen: dict[str, str] = {}
    for canonical, spellings in DATASETS[dataset].column(column).choices.items():
        for spelling in (canonical, *spellings):
            key = normalize_label(spelling)
            assert seen.setdefault(key, canonical) == canonical, f"{dataset}.{column}: '{spelling}'"


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_keys_date_order_and_period_name_real_columns(name):
    dataset = DATASETS[name]
    named = set(dataset.key) | {c for pair in dataset.date_order for c in pair} | set(dataset.period)
    assert named <= set(dataset.column_names)


def test_every_region_column_accepts_exactly_the_five_regions():
    for dataset in DATASETS.values():
        if "region" in dataset.column_names:
            assert tuple(dataset.column("region").choices) == REGIONS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Date de DÉBUT", "date de debut"),
        ("start_date", "start date"),
        ("ORP→CMS", "orp to cms"),
        ("ORP->CMS", "orp to cms"),
        ("Übergabedatum", "ubergabedatum"),
        ("  Frs.  ", "frs"),
    ],
)
def test_normalize_label(text, expected):
    assert normalize_label(text) == expected
