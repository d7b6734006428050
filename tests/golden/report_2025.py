"""The figures of the published 2025 annual report (shared/seed), transcribed once, here only.

Counts are exact; shares are as printed (whole percent), compared at that precision.
Section numbers refer to the report.
"""

from decimal import Decimal

# §2 L'année en bref (2024 column, 2025 column)
SITUATIONS_ANNOUNCED = {2024: 302, 2025: 302}
SITUATIONS_BY_PUBLIC_2025 = {"adult": 87, "youth": 215}
SIMULTANEOUS_PERSONS = {2024: 6887, 2025: 6418}
SIMULTANEOUS_SHARE_TOTAL_2025 = 0.15
SIMULTANEOUS_SHARE = {
    2024: {"ORP": 0.28, "OAI": 0.26, "CMS": 0.47, "OSP": 0.35, "OASI": 0.07},
    2025: {"ORP": 0.24, "OAI": 0.26, "CMS": 0.45, "OSP": 0.35, "OASI": 0.08},
}
TRAINING_PARTICIPANTS = {2024: 52, 2025: 52}
TRAINING_PARTICIPANTS_2025 = {"valais_romand": 43, "haut_valais": 9}
BUDGET_CHF = {2024: Decimal("434206.70"), 2025: Decimal("416406.90")}

# §5 CII Jeunes: 727 situations in 2025, 265 more than the year before
T1_SITUATIONS = {2024: 462, 2025: 727}
T1_PROVENANCE_2025 = {"institutional": 606, "private": 80, "osp_survey": 39, "medical_network": 2}
T1_INSTITUTIONAL_PROVENANCE_2025 = {
    "ORP": 97, "CIO/OSP": 57, "SFOP": 32, "OAI": 17, "CMS": 7, "OASI": 5, "circle_2_3": 391,
}

# §7 CII réseau
PROTECTED_PERSONS = {2022: 38, 2023: 67, 2024: 77, 2025: 143}
TRANSITIONS_2025 = {"orp_to_cms": 76, "cms_to_orp": 85}
TRANSITIONS_NOT_RECORDED_2025 = ("Monthey",)  # footnote 3

# §8 CII complexe: announcer -> (Haut-Valais, Sierre, Sion, Martigny, Monthey); empty cells are 0
COMPLEX_BY_ANNOUNCER_2025 = {
    "ORP": (7, 5, 17, 13, 8),
    "CMS": (4, 5, 8, 2, 8),
    "BIP/OASI": (1, 0, 1, 0, 0),
    "OAI": (3, 0, 0, 0, 0),
    "OSP/SHE": (1, 0, 0, 0, 1),
    "T1/SFOP": (2, 0, 0, 0, 1),
}
COMPLEX_TOTAL_2025 = (87, (18, 10, 26, 15, 18))
SERVICES_2025 = {"tro": 23, "coaching_orp_cms": 49, "medical_mandate": 0, "cm_cii": 0}
COACHING_REINSERTION_RATE_2025 = 0.33
EARLY_DETECTION_SHARE = {2024: 0.36, 2025: 0.25}
