"""The partners' datasets: columns, aliases, types, allowed values and keys (DESIGN.md §2).

This module is the single contract shared by the readers, the validation, the database models,
the templates and the documentation. It is plain Python: no polars, no database.

Canonical values are short ASCII codes (``adult``, ``complex``, ``orp_to_cms``...) or the
official acronyms (``ORP``, ``BIP/OASI``); the user interface translates them through the i18n
catalogue. Files may spell them in French, German or English, in any case, with or without
accents: :func:`normalize_label` makes those spellings comparable.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["text", "pseudonym", "choice", "date", "integer", "year", "money", "number", "boolean"]

INSTITUTIONS = ("ORP", "OAI", "CMS", "OSP", "OASI")
"""Institutions whose follow-up episodes are linked (order of the report)."""

SOURCES = (*INSTITUTIONS, "T1", "CII")
"""Who sends a file: an institution, the Plateforme T1, or the Bureau CII."""

REGIONS = ("Haut-Valais", "Sierre", "Sion", "Martigny", "Monthey")
"""The five CII regions; Haut-Valais is German-speaking, the four others form the Valais romand."""


def normalize_label(text: str) -> str:
    """Fold a header or a value for comparison: no accents, case-folded, punctuation as spaces.

    >>> normalize_label("  Date de DÉBUT ")
    'date de debut'
    >>> normalize_label("start_date") == normalize_label("Start-Date")
    True
    """
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Arrows are meaningful in directions (ORP→CMS): keep them as a word.
    without_accents = without_accents.replace("→", " to ").replace("->", " to ").replace(">", " to ")
    return re.sub(r"[^0-9a-z]+", " ", without_accents.casefold()).strip()


@dataclass(frozen=True)
class Column:
    """One column of a dataset as the partners send it."""

    name: str
    kind: ColumnKind
    aliases: tuple[str, ...] = ()
    required: bool = True  # the column must be in the file
    nullable: bool = False  # its cells may be empty
    # canonical value -> accepted spellings (the canonical value itself is always accepted)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    minimum: int | None = None
    maximum: int | None = None

    def header_spellings(self) -> set[str]:
        return {normalize_label(self.name)} | {normalize_label(a) for a in self.aliases}

    def choice_lookup(self) -> dict[str, str]:
        """Normalised spelling -> canonical value."""
        lookup: dict[str, str] = {}
        for canonical, spellings in self.choices.items():
            for spelling in (canonical, *spellings):
                lookup[normalize_label(spelling)] = canonical
        return lookup


@dataclass(frozen=True)
class Dataset:
    """One dataset of DESIGN.md §2: what one row is, its columns and rules."""

    name: str
    row_is: str  # documentation: what one row is
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # unique key columns; empty = rows may repeat
    sources: tuple[str, ...] = ("CII",)  # who may send it
    date_order: tuple[tuple[str, str], ...] = ()  # (earlier, later) pairs, later >= earlier
    # Columns that place a row in time, to warn about rows outside the reporting year:
    # one date, a (start, end) pair, or a year column.
    period: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


# --- shared columns and value lists -------------------------------------------------------

_INSTITUTION_CHOICES = {
    "ORP": ("RAV", "office regional de placement", "regionales arbeitsvermittlungszentrum"),
    "OAI": ("AI", "IV", "IV-Stelle", "office AI", "office de l'assurance invalidite"),
    "CMS": ("SMZ", "centre medico-social", "sozialmedizinisches zentrum"),
    "OSP": ("BSL", "BSLB", "orientation scolaire et professionnelle"),
    "OASI": ("office de l'asile", "Asylamt", "Amt fur Asylwesen"),
}

_REGION_CHOICES = {
    "Haut-Valais": ("Oberwallis", "Upper Valais", "HVS"),
    "Sierre": ("Siders",),
    "Sion": ("Sitten",),
    "Martigny": ("Martinach",),
    "Monthey": (),
}

_REGION = Column("region", "choice", ("région", "Region", "région CII"), choices=_REGION_CHOICES)

_KIND = Column(
    "kind",
    "choice",
    ("type", "type de situation", "Typ", "Art", "Situationstyp"),
    choices={
        "network": ("reseau", "CII reseau", "Netzwerk", "IIZ Netzwerk"),
        "complex": ("complexe", "CII complexe", "komplex", "IIZ komplex"),
    },
)

_YEAR = Column("year", "year", ("année", "annee", "Jahr", "exercice"), minimum=2000, maximum=2100)

_SITUATION_ID = Column(
    "situation_id", "text", ("situation", "id situation", "no situation", "numéro de situation", "Situations-ID", "Fall-Nr", "Situation")
)

DATASETS: dict[str, Dataset] = {}


def _register(dataset: Dataset) -> Dataset:
    DATASETS[dataset.name] = dataset
    return dataset


FOLLOWUPS = _register(
    Dataset(
        name="followups",
        row_is="one follow-up episode of one person at one institution",
        columns=(
            Column("person_id", "pseudonym", ("id personne", "pseudonyme", "personne", "Personen-ID", "Pseudonym", "person")),
            # Optional in an institution's own file: it is then that institution.
            Column("institution", "choice", ("dispositif", "Stelle", "Einrichtung"), required=False, choices=_INSTITUTION_CHOICES),
            _REGION,
            Column("start_date", "date", ("date de début", "début", "début du suivi", "Beginn", "Startdatum", "Beginndatum", "start")),
            Column("end_date", "date", ("date de fin", "fin", "fin du suivi", "Ende", "Enddatum", "end"), nullable=True),
        ),
        key=("person_id", "institution", "start_date"),
        sources=(*INSTITUTIONS, "CII"),
        date_order=(("start_date", "end_date"),),
        period=("start_date", "end_date"),
    )
)

SITUATIONS = _register(
    Dataset(
        name="situations",
        row_is="one situation announced to the Bureau CII",
        columns=(
            _SITUATION_ID,
            Column("announced_on", "date", ("date d'annonce", "annoncée le", "date du signalement", "Meldedatum", "gemeldet am", "announced")),
            Column(
                "public",
                "choice",
                ("public cible", "Zielgruppe", "Publikum", "audience"),
                choices={
                    "adult": ("adulte", "adultes", "Erwachsene", "Erwachsener", "adults"),
                    "youth": ("jeune", "jeunes", "Jugendliche", "Jugendlicher", "junge Erwachsene", "young"),
                },
            ),
            _KIND,
            Column(
                "announcer",
                "choice",
                ("annonceur", "dispositif annonceur", "meldende Stelle", "Melder"),
                choices={
                    "ORP": ("RAV",),
                    "CMS": ("SMZ",),
                    "BIP/OASI": ("BIP", "OASI", "BIP OASI"),
                    "OAI": ("AI", "IV", "IV-Stelle"),
                    "OSP/SHE": ("OSP", "SHE", "BSL"),
                    "T1/SFOP": ("T1", "SFOP", "Plateforme T1", "Plattform T1"),
                    "other": ("autre", "autres", "andere", "anderer", "LVCC"),
                },
            ),
            _REGION,
            Column(
                "followup_start",
                "date",
                ("début du suivi", "date de début du suivi", "Beginn der Betreuung", "Betreuungsbeginn", "followup start date"),
                required=False,
                nullable=True,
            ),
        ),
        key=("situation_id",),
        date_order=(("followup_start", "announced_on"),),
        period=("announced_on",),
    )
)

SERVICES = _register(
    Dataset(
        name="services",
        row_is="one service delivered for a situation",
        columns=(
            _SITUATION_ID,
            Column(
                "service",
                "choice",
                ("prestation", "Leistung", "Angebot"),
                choices={
                    "tro": ("TRO", "table ronde", "Runder Tisch"),
                    "assessment": ("Assessment",),
                    "coaching_orp_cms": ("coaching ORP-CMS", "coaching", "mesure coaching ORP-CMS", "Coaching RAV-SMZ"),
                    "cm_cii": ("CM CII", "CMCII", "case management CII", "Case Management IIZ", "CM IIZ"),
                    "medical_mandate": ("mandat médical", "mandat medical CII", "medizinisches Mandat", "Arztmandat"),
                },
            ),
            Column("date", "date", ("date de la prestation", "Datum")),
            _REGION,
        ),
        key=("situation_id", "service", "date"),
        period=("date",),
    )
)

T1_SITUATIONS = _register(
    Dataset(
        name="t1_situations",
        row_is="one situation handled by the Plateforme T1 (youth)",
        columns=(
            _SITUATION_ID,
            Column("received_on", "date", ("reçue le", "date de réception", "date du signalement", "Eingangsdatum", "eingegangen am", "received")),
            Column(
                "provenance",
                "choice",
                ("origine", "Herkunft"),
                choices={
                    "institutional": ("annonce institutionnelle", "annonces institutionnelles", "institutionnel", "institutionelle Meldung", "institutionell"),
                    "private": ("signalement privé", "signalements privés", "privé", "private Meldung", "privat"),
                    "osp_survey": ("enquête OSP", "enquete OSP jeunes liberes scolarite obligatoire", "BSL-Umfrage", "Umfrage OSP", "OSP survey"),
                    "medical_network": ("réseau médical", "medizinisches Netzwerk", "Arztnetz", "medical network"),
                },
            ),
            Column(
                "provenance_institution",
                "choice",
                ("institution de provenance", "institution", "Herkunftsinstitution", "meldende Institution"),
                required=False,
                nullable=True,
                choices={
                    "ORP": ("RAV",),
                    "CIO/OSP": ("CIO et OSP", "CIO", "OSP", "BIZ/BSL", "BSL"),
                    "SFOP": ("DBB", "Dienststelle für Berufsbildung"),
                    "OAI": ("AI", "IV", "IV-Stelle"),
                    "CMS": ("SMZ",),
                    "OASI": ("Asylamt",),
                    "circle_2_3": (
                        "membres CII 2ème et 3ème cercle",
                        "membres CII 2e et 3e cercle",
                        "2eme et 3eme cercle",
                        "IIZ-Mitglieder 2. und 3. Kreis",
                        "2. und 3. Kreis",
                        "circle 2/3",
                    ),
                },
            ),
            _KIND,
            _REGION,
        ),
        key=("situation_id",),
        sources=("T1", "CII"),
        period=("received_on",),
    )
)

COACHING = _register(
    Dataset(
        name="coaching",
        row_is="one ORP-CMS coaching case (tandem or intensive coaching)",
        columns=(
            Column("case_id", "text", ("id cas", "cas", "numéro de cas", "Fall-ID", "Fall", "Fallnummer", "case")),
            _REGION,
            Column(
                "modality",
                "choice",
                ("modalité", "mesure", "Modalität", "Form"),
                choices={
                    "tandem": ("Tandem",),
                    "intensive": ("coaching intensif", "intensif", "Intensivcoaching", "intensives Coaching", "intensive coaching"),
                },
            ),
            Column("started_on", "date", ("date de début", "début", "Beginn", "Startdatum", "started")),
            Column("closed_on", "date", ("date de clôture", "clôture", "clôturé le", "Abschluss", "Abschlussdatum", "closed"), nullable=True),
            Column(
                "outcome",
                "choice",
                ("résultat", "issue", "Ergebnis", "Resultat"),
                nullable=True,
                choices={
                    "employment": ("emploi", "Arbeit", "Anstellung", "Stelle", "job"),
                    "training": ("formation", "Ausbildung"),
                    "no_reinsertion": ("pas de réinsertion", "sans réinsertion", "keine Wiedereingliederung", "no reinsertion"),
                    "dropped_out": ("abandon", "Abbruch", "dropped out"),
                },
            ),
        ),
        key=("case_id",),
        sources=("ORP", "CMS", "CII"),
        date_order=(("started_on", "closed_on"),),
        period=("started_on", "closed_on"),
    )
)

TRANSITIONS = _register(
    Dataset(
        name="transitions",
        row_is="one person handed over between ORP and CMS",
        columns=(
            Column("date", "date", ("date du transfert", "Datum", "Übergabedatum")),
            Column(
                "direction",
                "choice",
                ("sens", "Richtung"),
                choices={
                    "orp_to_cms": ("ORP→CMS", "ORP vers CMS", "de l'ORP au CMS", "RAV→SMZ", "RAV zu SMZ"),
                    "cms_to_orp": ("CMS→ORP", "CMS vers ORP", "du CMS à l'ORP", "SMZ→RAV", "SMZ zu RAV"),
                },
            ),
            _REGION,
        ),
        sources=("ORP", "CMS", "CII"),
        period=("date",),
    )
)

PROTECTED_PERSONS = _register(
    Dataset(
        name="protected_persons",
        row_is="persons with S permit registered at ORP, for one year, region and entitlement",
        columns=(
            _YEAR,
            _REGION,
            Column("with_ic", "boolean", ("avec IC", "avec droit aux IC", "droit aux IC", "mit ALE", "Anspruch auf ALE", "with ic")),
            Column("count", "integer", ("nombre", "personnes", "Anzahl", "Personen"), minimum=0),
        ),
        key=("year", "region", "with_ic"),
        sources=("ORP", "OASI", "CII"),
        period=("year",),
    )
)

TRAININGS = _register(
    Dataset(
        name="trainings",
        row_is="one CII training session",
        columns=(
            Column("date", "date", ("date de la formation", "Datum")),
            Column("kind", "text", ("type", "type de formation", "formation", "Art", "Kursart")),
            Column(
                "language_region",
                "choice",
                ("région linguistique", "Sprachregion", "language region"),
                choices={
                    "valais_romand": ("Valais romand", "romand", "Unterwallis", "französischsprachiges Wallis"),
                    "haut_valais": ("Haut-Valais", "Oberwallis"),
                },
            ),
            Column("participants", "integer", ("nombre de participants", "Teilnehmende", "Teilnehmer", "Anzahl Teilnehmende"), minimum=0),
        ),
        key=("date", "kind", "language_region"),
        period=("date",),
    )
)

BUDGET = _register(
    Dataset(
        name="budget",
        row_is="one line of CII structural costs",
        columns=(
            _YEAR,
            Column("category", "text", ("catégorie", "poste", "Kategorie", "Posten")),
            Column("amount_chf", "money", ("montant", "montant CHF", "montant (Frs.)", "Betrag", "Betrag CHF", "amount")),
        ),
        key=("year", "category"),
        period=("year",),
    )
)

PUBLISHED = _register(
    Dataset(
        name="published",
        row_is="one figure from a published annual report",
        columns=(
            Column("indicator", "text", ("indicateur", "Indikator")),
            _YEAR,
            # "key=value;key=value", sorted by key; empty for a whole-canton figure
            Column("dimensions", "text", ("Dimensionen",), required=False, nullable=True),
            Column("value", "number", ("valeur", "Wert")),
            Column("note", "text", ("remarque", "Bemerkung", "Anmerkung"), required=False, nullable=True),
        ),
        key=("indicator", "year", "dimensions"),
        # Published reports carry figures of earlier years: no period warning.
    )
)
