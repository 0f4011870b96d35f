"""The named queries (queries/*.rq): each one's exact answer on the bundled data.

Expected answers come from reading the data (data/*.ttl) and the domain rules
(ontology/rules/*.rq), not from running the queries: five activities, all suggested by the
source ("may be interesting"), none recommended (none meets the whole selection criterion:
yoga covers three of its four capacities, suspension training and Body Foundation strength
alone, by definition of strength training); every activity is allowed in both phases,
pain-limited in the acute one, supports the four goals, and calls for supervision where
possible and an individual assessment. Each statement a row shows has its support level
(DESIGN.md, "Support levels"): the source states yoga improves balance; suspension
training improves strength by the ontology's definitions (entailed), Body Foundation only
through our typing (editorial); the goals, the acute phase, supervision and assessment are
generalizations of what the source says of exercise in general; the chronic phase rests on
our reading of "if we exclude this" (editorial).

Every query file must be covered by a test here (``@covers``), and every header must be
complete: adding a query without a test or a description fails the suite.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from backcare_kg import KnowledgeGraph, ParameterError, Result
from backcare_kg.storage import files
from backcare_kg.vocab import BC, BCR

F = TypeVar("F", bound=Callable[..., Any])

#: The named queries some test below checks (filled in at import by ``@covers``).
COVERED: set[str] = set()


def covers(*names: str) -> Callable[[F], F]:
    """Mark a test as checking the answers of the named queries ``names``."""

    def mark(test: F) -> F:
        COVERED.update(names)
        return test

    return mark


# -- terms and rows ------------------------------------------------------------------------

TRUE = Literal(True)
FALSE = Literal(False)
EXPERT_OPINION = BCR["expert-opinion"]
ARTICLE = "Which exercise helps back pain: two experts' advice (source article)"
EDITORS = "backcare-kg editors"
REQUEJO = "Nestor Requejo"
FUERTES = "Sergio Fuertes"

#: The support levels, strongest first.
STATED, ENTAILED, GENERALIZED, EDITORIAL = BC.Stated, BC.Entailed, BC.Generalized, BC.Editorial
LEVELS = [STATED, ENTAILED, GENERALIZED, EDITORIAL]


def weakest(*levels: URIRef | None) -> URIRef:
    """The weakest of ``levels`` (those given)."""
    return max((level for level in levels if level is not None), key=LEVELS.index)


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def es(text: str) -> Literal:
    return Literal(text, lang="es")


def table(result: Result, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """The rows of a SELECT result as tuples, after checking its columns."""
    assert result.kind == "SELECT"
    assert result.vars == list(columns)
    return [tuple(row[v] for v in columns) for row in result.rows]


ACTIVITIES = {  # slug: English preferred label
    "body-foundation": "Body Foundation",
    "healing-swimming": "healing swimming",
    "pilates": "Pilates",
    "suspension-training": "suspension training",
    "yoga": "yoga",
}
ALL_ACTIVITIES = sorted(ACTIVITIES)
#: Improve strength, flexibility, balance or body stability (one capacity of the criterion).
COVERING = ["body-foundation", "suspension-training", "yoga"]
#: How many of the criterion's four capacities each activity covers (none covers all four).
COVERED_CAPACITIES = {"body-foundation": 1, "suspension-training": 1, "yoga": 3}
TARGETED = ["balance", "body-stability", "flexibility", "strength"]
GOALS = ["analgesia", "kinesiophobia-reduction", "mood-improvement", "neuromuscular-readaptation"]

#: Every claim and editorial reading: English rdfs:label (with the source's hedges), exact quote,
#: sentence positions.
EXCERPTS: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "claim-activity-fits-the-person": (
        "The type of pain and the person determine the ideal activity",
        "The type of pain and the specific characteristics of the person suffering from it "
        "determine the ideal activity for each person.",
        (2,),
    ),
    "claim-bans-instill-fear": (
        "Such bans only instill false beliefs and unnecessary fears that make the patient more "
        "fragile",
        "instill false beliefs in the patient and unnecessary fears that will make him more "
        "fragile.",
        (28,),
    ),
    "claim-benefits-exceed-risks": (
        'If "this" is excluded (the acute phase, in our reading), the benefits of sport exceed '
        "its possible risks",
        "the benefits of sports are higher than the possible risks",
        (7,),
    ),
    "claim-body-foundation-description": (
        "Body Foundation combines functional and strength exercises to improve body biomechanics",
        "A combination of functional and strength exercises designed to deepen understanding "
        "and improve body biomechanics.",
        (21,),
    ),
    "claim-candidate-activities": (
        "The following activities may be interesting",
        "the following actions may be interesting",
        (16,),
    ),
    "claim-case-by-case-assessment": (
        "A case-by-case assessment is needed before recommending specific exercises",
        "a case-by-case assessment is necessary before recommending specific exercises for "
        "back pain",
        (14,),
    ),
    "claim-exercise-goals": (
        "Exercise for back pain can achieve several goals",
        "The goals that can be achieved with exercises for back pain relief are varied",
        (8,),
    ),
    "claim-exercise-helps-back-pain": (
        "Exercise can be very helpful in preventing and treating back pain, if done correctly",
        "Exercise can be very helpful in preventing and treating back pain if done correctly.",
        (1,),
    ),
    "claim-fuertes-hospital-department": (
        "Sergio Fuertes is a member of the pain department of the University Hospital of Burgos",
        "Fuertes, a member of the department of pain at the University Hospital of Brugos",
        (25,),
    ),
    "claim-fuertes-profession": (
        "Sergio Fuertes is a physical medicine and rehabilitation specialist and a member of the "
        "Spanish Society of Pain",
        "Sergio Fuertes, a physical medicine and rehabilitation specialist and member of the "
        "Spanish Society for Pain (SED)",
        (5,),
    ),
    "claim-goal-analgesia": (
        "Goal: an analgesic action similar to that of some drugs",
        "Analgesic action similar to that of some drugs.",
        (10,),
    ),
    "claim-goal-kinesiophobia-reduction": (
        "Goal: a playful tool for reducing fear of movement (kinesiophobia)",
        "A playful tool for reducing fear of movement (kinesophobia).",
        (11,),
    ),
    "claim-goal-mood-improvement": (
        "Goal: improved mood, stress and depression",
        "Improved mood, stress and depression, which are often associated with chronic pain "
        "conditions.",
        (12,),
    ),
    "claim-goal-neuromuscular-readaptation": (
        "Goal: neuromuscular readaptation to improve spinal function",
        "Neuromuscular readaptation to improve spinal function.",
        (9,),
    ),
    "claim-healing-swimming-description": (
        "Healing swimming uses educational water activities for a hygienic and preventive purpose",
        "A program that uses educational water activities for a purely hygienic and preventive "
        "purpose, using the physical properties that the aquatic environment provides.",
        (23,),
    ),
    "claim-no-self-taught-practice": (
        "Self-taught practice of any sport is not recommended: the benefit lies in the technique",
        "the practice of self-study of any sport is not recommended, because the secret of "
        "profit lies in the technique.",
        (25,),
    ),
    "claim-not-an-absolute-contraindication": (
        '"This" (pain in the acute phase, in our reading) is not an absolute contraindication '
        "to exercise",
        "this is not an absolute contraindication",
        (7,),
    ),
    "claim-pain-limits-exercise-in-acute-phase": (
        "Pain should limit exercise during the acute phase (both experts agree)",
        "pain should limit exercise during the acute phase",
        (5,),
    ),
    "claim-pilates-description": (
        "The first activity (Pilates, in our reading) works the whole body, from the deepest "
        "muscles to the most peripheral, with mind and body",
        "This is a very complete physical state in which the whole body works, from the deepest "
        "muscles to the most peripheral, and in which both the mind and the body interfere.",
        (17,),
    ),
    "claim-professional-supervision": (
        "Supervision by a professional is necessary, where possible",
        "he considers “supervision, even if possible, by a professional” necessary",
        (26,),
    ),
    "claim-requejo-membership": (
        "Nestor Requejo is a member of the Professional College of Physiotherapists of the "
        "Community of Madrid",
        "Nestor Requejo, a member of the Professional College of Physiotherapists of the "
        "Community of Madrid",
        (3,),
    ),
    "claim-requejo-profession": (
        "Nestor Requejo is a physical therapist with a degree in physical activity and sports "
        "sciences",
        "This physical therapist with a degree in physical activity and sports sciences",
        (5,),
    ),
    "claim-selection-criterion": (
        "Sports that allow safe exercise to improve strength, flexibility, balance and body "
        "stability, coordinated with adequate breathing, will be recommended",
        "sports that allow safe exercise to improve strength, flexibility, balance and body "
        "stability, coordinated with adequate breathing structure, will be recommended.",
        (15,),
    ),
    "claim-stop-banning-sports": (
        "It is time to stop banning sports culturally associated with back pain",
        "to break the habit of banning certain sports that we have culturally associated with "
        "back pain.",
        (27,),
    ),
    "claim-suspension-training-description": (
        "A suspension training system (the name is ours) uses gravity; muscle strength is "
        "manifested through the load of one's own body weight",
        "A suspension training system that uses gravity. Muscle strength is manifested through "
        "the load from your own body weight.",
        (18, 19),
    ),
    "claim-training-stress-paradox": (
        "Sport can prevent or cause pain depending on the training stress",
        "can be preventive or painful inversely depending, among other things, on the level of "
        "stress the athlete is subjected to.",
        (3,),
    ),
    "claim-yoga-description": (
        "The last activity (yoga, in our reading) improves flexibility, muscle strength and body "
        "balance",
        "Improves flexibility, muscle strength and body balance.",
        (24,),
    ),
    "reading-burgos-spelling": (
        'Editorial reading: "Brugos" is a misspelling of Burgos',
        "Brugos",
        (25,),
    ),
    "reading-chronic-phase": (
        'Editorial reading: "if we exclude this" means outside the acute phase, that is, the '
        "chronic phase",
        "But if we exclude this",
        (7,),
    ),
    "reading-evidence-level": (
        "Editorial reading: every claim of the source is expert opinion",
        "Experts emphasize",
        (14,),
    ),
    "reading-experts-are-the-two": (
        'Editorial reading: "Experts" are the two experts the article quotes',
        "Experts emphasize",
        (14,),
    ),
    "reading-kinesiophobia-spelling": (
        'Editorial reading: "kinesophobia" is a misspelling of kinesiophobia',
        "kinesophobia",
        (11,),
    ),
    "reading-pilates-heading": (
        "Editorial reading: the lost heading of the first activity is Pilates",
        "This is a very complete physical state in which the whole body works, from the deepest "
        "muscles to the most peripheral, and in which both the mind and the body interfere.",
        (17,),
    ),
    "reading-requejo-spelling": (
        'Editorial reading: "Rekejo" is a misspelling of Requejo',
        "Rekejo",
        (27,),
    ),
    "reading-safe-exercise": (
        'Editorial reading: the criterion\'s "safe exercise" is not modelled, since the source '
        "gives no test for it",
        "allow safe exercise",
        (15,),
    ),
    "reading-stray-markup": (
        'Editorial reading: "p>" is debris of HTML markup, not text',
        "p>",
        (4,),
    ),
    "reading-strength-training": (
        "Editorial reading: Body Foundation is strength training",
        "A combination of functional and strength exercises",
        (21,),
    ),
    "reading-suspension-training-heading": (
        "Editorial reading: the lost heading of the second activity is suspension training (TRX)",
        "A suspension training system that uses gravity.",
        (18,),
    ),
    "reading-yoga-heading": (
        "Editorial reading: the lost heading of the last activity is yoga",
        "Improves flexibility, muscle strength and body balance.",
        (24,),
    ),
}

#: Who each claim is attributed to (bc:statedBy, else prov:wasAttributedTo the article).
STATED_BY = {
    "claim-pain-limits-exercise-in-acute-phase": {REQUEJO, FUERTES},
    "claim-case-by-case-assessment": {REQUEJO, FUERTES},
    "claim-selection-criterion": {FUERTES},
    "claim-no-self-taught-practice": {FUERTES},
    "claim-professional-supervision": {FUERTES},
    "claim-training-stress-paradox": {REQUEJO},
    "claim-stop-banning-sports": {REQUEJO},
    "claim-bans-instill-fear": {REQUEJO},
}
#: Claims whose attribution only a reading of ours licenses (data/licenses.ttl), so editorial:
#: "Experts emphasize" read as the two experts (sentence 14, reading-experts-are-the-two),
#: "Rekejo adds" read as Requejo (sentences 27 and 28, reading-requejo-spelling).
ATTRIBUTED_BY_READING = {
    "claim-case-by-case-assessment",
    "claim-stop-banning-sports",
    "claim-bans-instill-fear",
}
RECOMMENDATIONS = {
    "claim-pain-limits-exercise-in-acute-phase",
    "claim-case-by-case-assessment",
    "claim-selection-criterion",
    "claim-no-self-taught-practice",
    "claim-professional-supervision",
    "claim-stop-banning-sports",
}
#: The claims every activity is bc:justifiedBy (one per domain rule that uses a claim; the
#: selection criterion justifies only the coverage of a capacity it targets).
JUSTIFYING_EVERY_ACTIVITY = [
    "claim-benefits-exceed-risks",
    "claim-candidate-activities",
    "claim-case-by-case-assessment",
    "claim-exercise-goals",
    "claim-pain-limits-exercise-in-acute-phase",
    "claim-professional-supervision",
]


def quote(slug: str) -> Literal:
    return en(EXCERPTS[slug][1])


def excerpt_label(slug: str) -> Literal:
    return en(EXCERPTS[slug][0])


def sentence_text(kg: KnowledgeGraph, position: int) -> Literal:
    text = kg.asserted.value(BCR[f"source-article-sentence-{position}"], BC.text)
    assert isinstance(text, Literal)
    return text


def note(kg: KnowledgeGraph, slug: str) -> Literal:
    value = kg.asserted.value(BCR[slug], SKOS.editorialNote)
    assert isinstance(value, Literal)
    return value


# -- activities: the flagship ----------------------------------------------------------------

#: yoga is typed bc:Activity in the data; the others are bc:Activity by their subclasses.
TYPE_SUPPORT = {a: STATED if a == "yoga" else ENTAILED for a in ACTIVITIES}
#: (activity, capacity): how strongly the source supports that the activity improves it.
IMPROVES_SUPPORT = {
    ("yoga", "balance"): STATED,  # sentence 24 (the name yoga is our reading)
    ("yoga", "flexibility"): STATED,
    ("yoga", "strength"): STATED,
    ("suspension-training", "strength"): ENTAILED,  # strength training improves strength
    ("body-foundation", "strength"): EDITORIAL,  # typed strength training by our reading
    ("body-foundation", "biomechanics"): STATED,  # sentence 21
}
#: Each activity is allowed in each phase by a generalization; the chronic phase is our
#: reading of "if we exclude this" (sentence 7).
PHASE_SUPPORT = {"acute-phase": GENERALIZED, "chronic-phase": EDITORIAL}
GOAL_SUPPORT = GENERALIZED  # the goals of exercise in general (sentence 8), for each activity

ACTIVITY_COLUMNS = ["activity", "activityLabel", "support", "improvesSupport", "phaseSupport",
                    "goalSupport", "suggested", "coveredCapacities", "targetCapacities",
                    "recommended"]


def activity_row(slug: str, capacity: str | None = None, phase: str | None = None,
                 goal: str | None = None) -> tuple[Any, ...]:
    """The activities row of ``slug`` asked about ``capacity``, ``phase`` and ``goal``."""
    improves = IMPROVES_SUPPORT[(slug, capacity)] if capacity else None
    allowed = PHASE_SUPPORT[phase] if phase else None
    serves = GOAL_SUPPORT if goal else None
    return (BCR[slug], en(ACTIVITIES[slug]),
            weakest(TYPE_SUPPORT[slug], improves, allowed, serves), improves, allowed, serves,
            TRUE, Literal(COVERED_CAPACITIES.get(slug, 0)), Literal(len(TARGETED)), FALSE)


@covers("activities")
def test_flagship_balance_in_the_chronic_phase_is_yoga(kg: KnowledgeGraph) -> None:
    result = kg.run("activities", capacity="balance", phase="chronic-phase")
    # stated that it improves balance, allowed in the chronic phase by our reading, three
    # of the criterion's four capacities, suggested, not recommended
    assert table(result, ACTIVITY_COLUMNS) == [
        (BCR.yoga, en("yoga"), EDITORIAL, STATED, EDITORIAL, None, TRUE, Literal(3), Literal(4),
         FALSE)]


@pytest.mark.parametrize(
    ("improves", "phase"),
    [
        ("balance", "chronic"),
        ("equilibrio", "fase crónica"),
        ("bcr:balance", "bcr:chronic-phase"),
        (BCR.balance, BCR["chronic-phase"]),
    ],
)
def test_flagship_helper_in_words_and_iris(kg: KnowledgeGraph, improves: Any, phase: Any) -> None:
    result = kg.activities(improves=improves, phase=phase)
    assert [row["activity"] for row in result.rows] == [BCR.yoga]


@covers("activities")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ALL_ACTIVITIES),
        ({"capacity": "strength"}, COVERING),
        ({"capacity": "flexibility"}, ["yoga"]),
        ({"capacity": "biomechanics"}, ["body-foundation"]),
        ({"capacity": "body-stability"}, []),  # targeted, but no activity improves it
        ({"phase": "acute-phase"}, ALL_ACTIVITIES),  # pain-limited is still allowed
        ({"phase": "chronic-phase"}, ALL_ACTIVITIES),
        ({"goal": "analgesia"}, ALL_ACTIVITIES),
        (
            {"capacity": "strength", "phase": "acute-phase", "goal": "kinesiophobia-reduction"},
            COVERING,
        ),
    ],
)
def test_activities_filters(
    kg: KnowledgeGraph, params: dict[str, str], expected: list[str]
) -> None:
    result = kg.run("activities", **params)
    assert table(result, ACTIVITY_COLUMNS) == [activity_row(s, **params) for s in expected]


@pytest.mark.parametrize("query", ["activities", "activities-by-capacity"])
def test_breathing_is_a_condition_of_the_criterion_not_a_capacity(
    kg: KnowledgeGraph, query: str
) -> None:
    # Sentence 15: exercise "coordinated with adequate breathing structure"; no activity is
    # said to improve breathing, so it is not offered as a capacity.
    with pytest.raises(ParameterError) as info:
        kg.run(query, capacity="breathing")
    assert info.value.parameter == "capacity"
    assert "breathing" not in (info.value.accepted or [])


@covers("activities-by-capacity")
@pytest.mark.parametrize(
    ("capacity", "expected"),
    [
        # Both strength trainings improve strength as bc:StrengthTraining (inferred: by
        # definition for suspension training, by our typing for Body Foundation, see
        # bcr:reading-strength-training); their descriptions are about strength too.
        (
            "strength",
            [
                ("body-foundation", "claim-body-foundation-description"),
                ("suspension-training", "claim-suspension-training-description"),
                ("yoga", "claim-yoga-description"),
            ],
        ),
        ("balance", [("yoga", "claim-yoga-description")]),
        ("flexibility", [("yoga", "claim-yoga-description")]),
        ("biomechanics", [("body-foundation", "claim-body-foundation-description")]),
        ("body-stability", []),
    ],
)
def test_activities_by_capacity(
    kg: KnowledgeGraph, capacity: str, expected: list[tuple[str, str | None]]
) -> None:
    result = kg.run("activities-by-capacity", capacity=capacity)
    assert table(result, ["activity", "activityLabel", "support", "recommended", "claim",
                          "quote"]) == [
        (BCR[a], en(ACTIVITIES[a]), IMPROVES_SUPPORT[(a, capacity)], FALSE,
         BCR[c] if c else None, quote(c) if c else None) for a, c in expected
    ]


@covers("activities-by-goal")
@pytest.mark.parametrize("goal", GOALS)
def test_activities_by_goal(kg: KnowledgeGraph, goal: str) -> None:
    result = kg.run("activities-by-goal", goal=goal)
    assert table(result, ["activity", "activityLabel", "support", "claim", "quote"]) == [
        (BCR[a], en(ACTIVITIES[a]), GENERALIZED, BCR["claim-exercise-goals"],
         quote("claim-exercise-goals"))
        for a in ALL_ACTIVITIES
    ]


@covers("activities-by-phase")
@pytest.mark.parametrize(
    ("phase", "how", "claim"),
    [
        # nothing infers bc:recommendedInPhase: the source recommends no activity for a phase
        ("chronic-phase", "allowed", "claim-benefits-exceed-risks"),
        ("acute-phase", "pain-limited", "claim-pain-limits-exercise-in-acute-phase"),
    ],
)
def test_activities_by_phase(kg: KnowledgeGraph, phase: str, how: str, claim: str) -> None:
    result = kg.run("activities-by-phase", phase=phase)
    assert table(result, ["activity", "activityLabel", "how", "support", "claim", "quote"]) == [
        (BCR[a], en(ACTIVITIES[a]), Literal(how), PHASE_SUPPORT[phase], BCR[claim], quote(claim))
        for a in ALL_ACTIVITIES
    ]


@covers("recommended-activities")
def test_recommended_activities_none_meets_the_whole_criterion(kg: KnowledgeGraph) -> None:
    criterion = "claim-selection-criterion"
    requirements = [("capacity", c, en(c.replace("-", " "))) for c in TARGETED]
    requirements.append(("condition", "breathing", en("adequate breathing")))
    covers_support = {  # the coverage of a capacity is as strong as what the activity improves
        (a, c): weakest(level, ENTAILED) for (a, c), level in IMPROVES_SUPPORT.items()
        if c in TARGETED}
    result = kg.run("recommended-activities")
    assert table(
        result,
        ["activity", "activityLabel", "recommended", "kind", "requirement", "requirementLabel",
         "met", "support", "claim", "quote", "expert", "expertLabel"],
    ) == [
        (
            BCR[a],
            en(ACTIVITIES[a]),
            FALSE,
            Literal(kind),
            BCR[r],
            label,
            TRUE if (a, r) in covers_support else FALSE,
            covers_support.get((a, r)),
            BCR[criterion],
            quote(criterion),
            BCR["sergio-fuertes"],
            en(FUERTES),
        )
        for a in ALL_ACTIVITIES
        for kind, r, label in requirements
    ]


@covers("capacities")
def test_capacities(kg: KnowledgeGraph) -> None:
    expected = [  # breathing is a condition of the criterion, not a capacity
        ("balance", "balance", TRUE, "yoga"),
        ("biomechanics", "biomechanics", FALSE, "body-foundation"),
        ("body-stability", "body stability", TRUE, None),
        ("flexibility", "flexibility", TRUE, "yoga"),
        ("strength", "strength", TRUE, "body-foundation"),
        ("strength", "strength", TRUE, "suspension-training"),
        ("strength", "strength", TRUE, "yoga"),
    ]
    result = kg.run("capacities")
    assert table(
        result, ["capacity", "capacityLabel", "targeted", "activity", "activityLabel", "support"]
    ) == [
        (BCR[c], en(label), targeted, BCR[a] if a else None, en(ACTIVITIES[a]) if a else None,
         IMPROVES_SUPPORT[(a, c)] if a else None)
        for c, label, targeted, a in expected
    ]


@covers("supervision-and-assessment")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ALL_ACTIVITIES),
        ({"activity": "yoga"}, ["yoga"]),
        ({"activity": "natación sanitaria"}, ["healing-swimming"]),
    ],
)
def test_supervision_and_assessment(
    kg: KnowledgeGraph, params: dict[str, str], expected: list[str]
) -> None:
    # Both are said of sport in general (sentences 14 and 26) and applied to each activity;
    # supervision keeps the source's hedge, "even if possible".
    supervision, assessment = "claim-professional-supervision", "claim-case-by-case-assessment"
    result = kg.run("supervision-and-assessment", **params)
    assert table(
        result,
        [
            "activity",
            "activityLabel",
            "support",
            "supervisionWherePossible",
            "supervisionSupport",
            "supervisionClaim",
            "supervisionQuote",
            "requiresIndividualAssessment",
            "assessmentSupport",
            "assessmentClaim",
            "assessmentQuote",
        ],
    ) == [
        (
            BCR[a],
            en(ACTIVITIES[a]),
            GENERALIZED,
            TRUE,
            GENERALIZED,
            BCR[supervision],
            quote(supervision),
            TRUE,
            GENERALIZED,
            BCR[assessment],
            quote(assessment),
        )
        for a in expected
    ]


@covers("contraindications-by-phase")
@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({}, True),
        ({"phase": "acute-phase"}, True),
        ({"phase": "fase aguda"}, True),
        ({"phase": "chronic-phase"}, False),
    ],
)
def test_contraindications_by_phase(
    kg: KnowledgeGraph, params: dict[str, str], found: bool
) -> None:
    result = kg.run("contraindications-by-phase", **params)
    expected = [
        (
            BCR["acute-pain"],
            en("acute pain"),
            Literal("relative"),  # sentence 7: not an absolute contraindication
            BCR["acute-phase"],
            en("acute phase"),
            STATED,
            Literal(len(ACTIVITIES)),
            GENERALIZED,  # said of exercise in general, applied to each activity
        )
    ]
    assert table(
        result,
        ["contraindication", "contraindicationLabel", "kind", "phase", "phaseLabel", "support",
         "activities", "activitiesSupport"],
    ) == (expected if found else [])


# -- goals -----------------------------------------------------------------------------------


@covers("goals")
def test_goals(kg: KnowledgeGraph) -> None:
    goals = {
        "analgesia": (
            "analgesia",
            "An analgesic action similar to that of some drugs.",
            "claim-goal-analgesia",
        ),
        "kinesiophobia-reduction": (
            "kinesiophobia reduction",
            "Reducing fear of movement, through exercise as a playful tool.",
            "claim-goal-kinesiophobia-reduction",
        ),
        "mood-improvement": (
            "mood improvement",
            "Improved mood, stress and depression, often associated with chronic pain.",
            "claim-goal-mood-improvement",
        ),
        "neuromuscular-readaptation": (
            "neuromuscular readaptation",
            "Neuromuscular readaptation to improve spinal function.",
            "claim-goal-neuromuscular-readaptation",
        ),
    }
    expected = []
    for goal in GOALS:
        label, definition, item = goals[goal]
        for claim in ("claim-exercise-goals", item):  # sentence 8 introduces the list
            expected.append(
                (
                    BCR[goal],
                    en(label),
                    en(definition),
                    Literal(len(ACTIVITIES)),
                    GENERALIZED,  # said of exercise in general, applied to each activity
                    BCR[claim],
                    quote(claim),
                    Literal(EXCERPTS[claim][2][0]),
                    STATED,
                )
            )
    result = kg.run("goals")
    assert (
        table(
            result, ["goal", "goalLabel", "definition", "activities", "activitiesSupport",
                     "claim", "quote", "sentence", "support"]
        )
        == expected
    )


# -- experts ---------------------------------------------------------------------------------


@covers("experts")
def test_experts_with_affiliations_inferred_through_the_pain_department(
    kg: KnowledgeGraph,
) -> None:
    requejo = (BCR["nestor-requejo"], en(REQUEJO), BCR.physiotherapist, en("physiotherapist"))
    fuertes = (
        BCR["sergio-fuertes"],
        en(FUERTES),
        BCR["physical-medicine-and-rehabilitation-specialist"],
        en("physical medicine and rehabilitation specialist"),
    )
    department = (
        BCR["burgos-pain-department"],
        en("Pain Department of the University Hospital of Burgos"),
    )
    # The professions are stated; every affiliation follows from a stated membership by the
    # ontology (memberOf is a subproperty of affiliatedWith, memberOf o partOf a chain).
    levels = (ENTAILED, STATED, ENTAILED)
    result = kg.run("experts")
    assert table(
        result,
        [
            "expert",
            "expertLabel",
            "profession",
            "professionLabel",
            "organization",
            "organizationLabel",
            "via",
            "viaLabel",
            "support",
            "professionSupport",
            "affiliationSupport",
        ],
    ) == [
        (
            *requejo,
            BCR["college-of-physiotherapists-of-madrid"],
            en("Professional College of Physiotherapists of the Community of Madrid"),
            None,
            None,
            *levels,
        ),
        (*fuertes, *department, None, None, *levels),
        (*fuertes, BCR["spanish-society-of-pain"], en("Spanish Society of Pain"), None, None,
         *levels),
        (
            *fuertes,
            BCR["university-hospital-of-burgos"],
            en("University Hospital of Burgos"),
            *department,
            *levels,
        ),
    ]


@covers("claims-by-expert")
@pytest.mark.parametrize(
    ("expert", "claims"),
    [
        (
            "nestor-requejo",
            [
                "claim-training-stress-paradox",
                "claim-pain-limits-exercise-in-acute-phase",
                "claim-case-by-case-assessment",
                "claim-stop-banning-sports",
                "claim-bans-instill-fear",
            ],
        ),
        (
            "Sergio Fuertes",
            [
                "claim-pain-limits-exercise-in-acute-phase",
                "claim-case-by-case-assessment",
                "claim-selection-criterion",
                "claim-no-self-taught-practice",
                "claim-professional-supervision",
            ],
        ),
        (
            "Rekejo",
            [
                "claim-training-stress-paradox",
                "claim-pain-limits-exercise-in-acute-phase",
                "claim-case-by-case-assessment",
                "claim-stop-banning-sports",
                "claim-bans-instill-fear",
            ],
        ),  # the source's misspelling, an altLabel
    ],
)
def test_claims_by_expert(kg: KnowledgeGraph, expert: str, claims: list[str]) -> None:
    result = kg.run("claims-by-expert", expert=expert)
    assert table(
        result,
        [
            "claim",
            "claimLabel",
            "quote",
            "recommendation",
            "evidenceLevel",
            "evidenceLevelLabel",
            "sentence",
            "support",
        ],
    ) == [
        (
            BCR[c],
            excerpt_label(c),
            quote(c),
            TRUE if c in RECOMMENDATIONS else FALSE,
            EXPERT_OPINION,
            en("expert opinion"),
            Literal(EXCERPTS[c][2][0]),
            # stated where the source names the expert
            EDITORIAL if c in ATTRIBUTED_BY_READING else STATED,
        )
        for c in claims
    ]


@covers("expert-agreements")
def test_expert_agreements(kg: KnowledgeGraph) -> None:
    pair = (BCR["nestor-requejo"], en(REQUEJO), BCR["sergio-fuertes"], en(FUERTES))
    result = kg.run("expert-agreements")
    assert table(
        result, ["expert", "expertLabel", "other", "otherLabel", "claim", "quote", "sentence",
                 "support", "agreementSupport", "claimSupport"]
    ) == [
        # sentence 5: Requejo agrees with Fuertes (stated in that direction); both state the
        # claim of sentence 5, and the "Experts" of sentence 14 are both in our reading
        (*pair, BCR[c], quote(c), Literal(EXCERPTS[c][2][0]), weakest(STATED, claim), STATED,
         claim)
        for c, claim in (("claim-pain-limits-exercise-in-acute-phase", STATED),
                         ("claim-case-by-case-assessment", EDITORIAL))
    ]


# -- provenance ------------------------------------------------------------------------------

PROVENANCE_COLUMNS = [
    "kind",
    "relation",
    "excerpt",
    "excerptLabel",
    "quote",
    "attributedTo",
    "evidenceLevel",
    "note",
    "sentence",
    "sentenceText",
]


def provenance_rows(
    kg: KnowledgeGraph, about: Iterable[str], justifying: Iterable[str], readings: Iterable[str]
) -> list[tuple[Any, ...]]:
    """The expected rows, one per excerpt, relation and sentence, in the query's order."""
    rows = []
    for relation, slugs in (("about", about), ("justifies", justifying)):
        for slug in slugs:
            for position in EXCERPTS[slug][2]:
                rows.append(
                    (
                        Literal("claim"),
                        Literal(relation),
                        BCR[slug],
                        excerpt_label(slug),
                        quote(slug),
                        frozenset(STATED_BY.get(slug, {ARTICLE})),
                        EXPERT_OPINION,
                        None,
                        Literal(position),
                        sentence_text(kg, position),
                    )
                )
    for slug in readings:
        for position in EXCERPTS[slug][2]:
            rows.append(
                (
                    Literal("editorial reading"),
                    Literal("about"),
                    BCR[slug],
                    excerpt_label(slug),
                    quote(slug),
                    frozenset({EDITORS}),
                    None,
                    note(kg, slug),
                    Literal(position),
                    sentence_text(kg, position),
                )
            )
    return sorted(rows, key=lambda r: (int(r[8]), str(r[0]), str(r[1]), str(r[2])))


def provenance_table(result: Result) -> list[tuple[Any, ...]]:
    """The rows, with the joined attributions as a set (GROUP_CONCAT has no fixed order)."""
    return [
        (*row[:5], frozenset(str(row[5]).split(", ")), *row[6:])
        for row in table(result, PROVENANCE_COLUMNS)
    ]


@covers("provenance")
@pytest.mark.parametrize(
    ("subject", "about", "justifying", "readings"),
    [
        (
            "yoga",
            ["claim-candidate-activities", "claim-yoga-description"],
            [*JUSTIFYING_EVERY_ACTIVITY, "claim-selection-criterion"],
            ["reading-yoga-heading"],
        ),
        (
            "suspension-training",
            ["claim-candidate-activities", "claim-suspension-training-description"],
            [*JUSTIFYING_EVERY_ACTIVITY, "claim-selection-criterion"],
            # strength training by its class, not by reading-strength-training (Body
            # Foundation's typing only)
            ["reading-suspension-training-heading"],
        ),
        (
            "body-foundation",
            ["claim-candidate-activities", "claim-body-foundation-description"],
            [*JUSTIFYING_EVERY_ACTIVITY, "claim-selection-criterion"],
            ["reading-strength-training"],
        ),
        (
            "healing-swimming",
            ["claim-candidate-activities", "claim-healing-swimming-description"],
            JUSTIFYING_EVERY_ACTIVITY,
            [],
        ),
        # about by bc:targetCapacity, a subproperty of bc:about
        (
            "strength",
            [
                "claim-selection-criterion",
                "claim-suspension-training-description",
                "claim-body-foundation-description",
                "claim-yoga-description",
            ],
            [],
            ["reading-strength-training"],
        ),
        ("educational-water-activities", ["claim-healing-swimming-description"], [], []),
        ("chronic-phase", ["claim-benefits-exceed-risks"], [], ["reading-chronic-phase"]),
        (
            "acute-pain",
            ["claim-pain-limits-exercise-in-acute-phase", "claim-not-an-absolute-contraindication"],
            [],
            [],
        ),
        (
            "nestor-requejo",
            ["claim-requejo-membership", "claim-requejo-profession"],
            [],
            ["reading-experts-are-the-two", "reading-requejo-spelling"],
        ),
        (
            "sergio-fuertes",
            ["claim-fuertes-profession", "claim-fuertes-hospital-department"],
            [],
            ["reading-experts-are-the-two"],
        ),
        ("claim-benefits-exceed-risks", [], [], ["reading-chronic-phase"]),
        ("claim-selection-criterion", [], [], ["reading-safe-exercise"]),
        ("source-article", [], [], ["reading-stray-markup"]),
        ("flexibility", ["claim-selection-criterion", "claim-yoga-description"], [], []),
        ("body-stability", ["claim-selection-criterion"], [], []),
        # every claim's evidence level; no claim is about it, the reading that grades them is
        ("expert-opinion", [], [], ["reading-evidence-level"]),
    ],
)
def test_provenance(
    kg: KnowledgeGraph,
    subject: str,
    about: list[str],
    justifying: list[str],
    readings: list[str],
) -> None:
    result = kg.run("provenance", subject=subject)
    assert provenance_table(result) == provenance_rows(kg, about, justifying, readings)


@covers("editorial-readings")
def test_editorial_readings(kg: KnowledgeGraph) -> None:
    expected = [  # (reading, about, English label of what it is about), by sentence
        ("reading-stray-markup", "source-article", ARTICLE),
        ("reading-chronic-phase", "chronic-phase", "chronic phase"),
        (
            "reading-chronic-phase",
            "claim-benefits-exceed-risks",
            EXCERPTS["claim-benefits-exceed-risks"][0],
        ),
        ("reading-kinesiophobia-spelling", "kinesiophobia-reduction", "kinesiophobia reduction"),
        ("reading-evidence-level", "expert-opinion", "expert opinion"),
        (
            "reading-experts-are-the-two",
            "claim-case-by-case-assessment",
            EXCERPTS["claim-case-by-case-assessment"][0],
        ),
        ("reading-experts-are-the-two", "nestor-requejo", REQUEJO),
        ("reading-experts-are-the-two", "sergio-fuertes", FUERTES),
        # no longer about supervision: the reading now says safety is not modelled
        (
            "reading-safe-exercise",
            "claim-selection-criterion",
            EXCERPTS["claim-selection-criterion"][0],
        ),
        ("reading-pilates-heading", "pilates", "Pilates"),
        ("reading-suspension-training-heading", "suspension-training", "suspension training"),
        ("reading-strength-training", "body-foundation", "Body Foundation"),
        ("reading-strength-training", "strength", "strength"),  # Body Foundation's typing only
        ("reading-yoga-heading", "yoga", "yoga"),
        (
            "reading-burgos-spelling",
            "university-hospital-of-burgos",
            "University Hospital of Burgos",
        ),
        ("reading-requejo-spelling", "nestor-requejo", REQUEJO),
    ]
    result = kg.run("editorial-readings")
    assert table(
        result, ["reading", "readingLabel", "about", "aboutLabel", "note", "quote", "sentence"]
    ) == [
        (
            BCR[r],
            excerpt_label(r),
            BCR[a],
            en(label),
            note(kg, r),
            quote(r),
            Literal(EXCERPTS[r][2][0]),
        )
        for r, a, label in expected
    ]


#: The excerpts quoting each sentence of the source (data/claims.ttl, bc:sentence).
SENTENCE_EXCERPTS: dict[int, list[str]] = {
    1: ["claim-exercise-helps-back-pain"],
    2: ["claim-activity-fits-the-person"],
    3: ["claim-requejo-membership", "claim-training-stress-paradox"],
    4: ["reading-stray-markup"],
    5: [
        "claim-fuertes-profession",
        "claim-pain-limits-exercise-in-acute-phase",
        "claim-requejo-profession",
    ],
    6: [],  # heading "Goals Achievable Through Exercise"
    7: [
        "claim-benefits-exceed-risks",
        "claim-not-an-absolute-contraindication",
        "reading-chronic-phase",
    ],
    8: ["claim-exercise-goals"],
    9: ["claim-goal-neuromuscular-readaptation"],
    10: ["claim-goal-analgesia"],
    11: ["claim-goal-kinesiophobia-reduction", "reading-kinesiophobia-spelling"],
    12: ["claim-goal-mood-improvement"],
    13: [],  # heading "Most Relevant Activities"
    14: [
        "claim-case-by-case-assessment",
        "reading-evidence-level",
        "reading-experts-are-the-two",
    ],
    15: ["claim-selection-criterion", "reading-safe-exercise"],
    16: ["claim-candidate-activities"],
    17: ["claim-pilates-description", "reading-pilates-heading"],
    18: ["claim-suspension-training-description", "reading-suspension-training-heading"],
    19: ["claim-suspension-training-description"],
    20: [],  # heading "Body Foundation"
    21: ["claim-body-foundation-description", "reading-strength-training"],
    22: [],  # heading "Healing Swimming"
    23: ["claim-healing-swimming-description"],
    24: ["claim-yoga-description", "reading-yoga-heading"],
    25: [
        "claim-fuertes-hospital-department",
        "claim-no-self-taught-practice",
        "reading-burgos-spelling",
    ],
    26: ["claim-professional-supervision"],
    27: ["claim-stop-banning-sports", "reading-requejo-spelling"],
    28: ["claim-bans-instill-fear"],
    29: [],
    30: [],
    31: [],  # the comment form of the web page
}


def sentence_rows(kg: KnowledgeGraph, positions: Iterable[int]) -> list[tuple[Any, ...]]:
    rows = []
    for position in positions:
        sentence = BCR[f"source-article-sentence-{position}"]
        head = (sentence, Literal(position), sentence_text(kg, position))
        if not SENTENCE_EXCERPTS[position]:
            rows.append((*head, None, None, None))
        for slug in SENTENCE_EXCERPTS[position]:  # claims before readings, then by IRI
            kind = "claim" if slug.startswith("claim-") else "editorial reading"
            rows.append((*head, BCR[slug], Literal(kind), quote(slug)))
    return rows


@covers("source-sentences")
@pytest.mark.parametrize(
    ("params", "positions"),
    [
        ({}, range(1, 32)),
        ({"position": 24}, [24]),
        ({"position": "6"}, [6]),
        ({"position": 32}, []),
    ],
)
def test_source_sentences(
    kg: KnowledgeGraph, params: dict[str, Any], positions: Iterable[int]
) -> None:
    result = kg.run("source-sentences", **params)
    assert table(result, ["sentence", "position", "text", "excerpt", "kind", "quote"]) == (
        sentence_rows(kg, positions)
    )


def test_every_excerpt_quotes_the_sentences_listed() -> None:
    """The two tables above agree with each other (a check on the test's own data)."""
    by_sentence = {(p, s) for p, slugs in SENTENCE_EXCERPTS.items() for s in slugs}
    by_excerpt = {(p, s) for s, (_, _, positions) in EXCERPTS.items() for p in positions}
    assert by_sentence == by_excerpt


# -- labels and descriptions -----------------------------------------------------------------


def expected_labels(kg: KnowledgeGraph, lang: str) -> list[tuple[URIRef, Literal]]:
    """Each bc:/bcr: IRI's skos:prefLabel in ``lang``, else its rdfs:label in ``lang``."""
    labels: dict[URIRef, list[Literal]] = {}
    for prop in (SKOS.prefLabel, RDFS.label):
        for s, o in kg.graph.subject_objects(prop):
            if not (isinstance(s, URIRef) and isinstance(o, Literal) and o.language == lang):
                continue
            if not (str(s).startswith(str(BC)) or str(s).startswith(str(BCR))):
                continue
            if prop == SKOS.prefLabel or s not in labels:
                labels.setdefault(s, []).append(o)
    return sorted({(s, o) for s, os in labels.items() for o in os})


@covers("labels")
def test_labels_default_to_spanish(kg: KnowledgeGraph) -> None:
    rows = table(kg.run("labels"), ["resource", "label"])
    assert rows == expected_labels(kg, "es")
    for pinned in [
        (BC.Activity, es("actividad")),
        (BCR.balance, es("equilibrio")),
        (BCR["chronic-phase"], es("fase crónica")),
        (BCR["kinesiophobia-reduction"], es("reducción de la kinesiofobia")),
        (
            BCR["claim-yoga-description"],
            es(
                "La última actividad (yoga, según nuestra lectura) mejora la flexibilidad, "
                "la fuerza muscular y el equilibrio corporal"
            ),
        ),
    ]:
        assert pinned in rows
    assert len({r for r, _ in rows}) == len(rows)  # one label per resource


@covers("labels")
def test_labels_every_resource_in_both_languages(kg: KnowledgeGraph) -> None:
    english = table(kg.run("labels", lang="en"), ["resource", "label"])
    assert english == expected_labels(kg, "en")
    spanish = table(kg.run("labels", lang="es"), ["resource", "label"])
    assert [r for r, _ in english] == [r for r, _ in spanish]
    assert len(english) > 150  # every term, entity, claim, reading and sentence


@covers("labels")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"resource": "balance"}, [(BCR.balance, es("equilibrio"))]),
        ({"resource": "balance", "lang": "en"}, [(BCR.balance, en("balance"))]),
        ({"resource": "bc:Activity"}, [(BC.Activity, es("actividad"))]),
        ({"resource": "Rekejo", "lang": "en"}, [(BCR["nestor-requejo"], en(REQUEJO))]),
        ({"resource": "balance", "lang": "fr"}, []),
    ],
)
def test_labels_of_one_resource(
    kg: KnowledgeGraph, params: dict[str, str], expected: list[tuple[URIRef, Literal]]
) -> None:
    assert table(kg.run("labels", **params), ["resource", "label"]) == expected


@covers("describe")
@pytest.mark.parametrize("resource", ["yoga", "chronic-phase", "bc:Activity"])
def test_describe(kg: KnowledgeGraph, resource: str) -> None:
    iri = kg.resolve(resource)
    result = kg.run("describe", resource=resource)
    assert result.kind == "DESCRIBE" and result.graph is not None
    described = set(result.graph)
    # Every triple about the resource, asserted and inferred; the rest only for blank nodes.
    assert {t for t in described if t[0] == iri} == set(kg.graph.triples((iri, None, None)))
    assert all(s == iri or isinstance(s, BNode) for s, _, _ in described)


def test_describe_includes_inferences(kg: KnowledgeGraph) -> None:
    graph = kg.run("describe", resource="yoga").graph
    assert graph is not None
    for triple in [
        (BCR.yoga, RDF.type, BC.SuggestedActivity),
        (BCR.yoga, BC.coversTargetCapacity, BCR.balance),
        (BCR.yoga, BC.allowedInPhase, BCR["acute-phase"]),
        (BCR.yoga, BC.allowedInPhase, BCR["chronic-phase"]),
        (BCR.yoga, BC.painLimitedInPhase, BCR["acute-phase"]),
        (BCR.yoga, BC.supportsGoal, BCR.analgesia),
        (BCR.yoga, BC.requiresSupervision, TRUE),
        (BCR.yoga, BC.justifiedBy, BCR["claim-selection-criterion"]),
    ]:
        assert triple in graph
    # what the rules no longer conclude: the whole criterion is not met, and nothing is
    # recommended for a phase
    assert (BCR.yoga, RDF.type, BC.RecommendedActivity) not in graph
    assert not list(graph.triples((BCR.yoga, BC.recommendedInPhase, None)))


@covers("statements")
@pytest.mark.parametrize("resource", ["yoga", "suspension-training", "body-foundation",
                                      "claim-selection-criterion", "bc:Activity"])
def test_statements_give_every_statement_its_level(kg: KnowledgeGraph, resource: str) -> None:
    iri = kg.resolve(resource)
    result = kg.run("statements", resource=resource)
    rows = table(result, ["predicate", "object", "inferred", "support"])
    # every statement about it, in the asserted or the inferred graph
    expected = {(p, o, FALSE) for _, p, o in kg.asserted.triples((iri, None, None))} | {
        (p, o, TRUE) for _, p, o in kg.inferred.triples((iri, None, None))}
    assert {row[:3] for row in rows} == expected and len(rows) == len(expected)
    # each with the level the library gives it
    for p, o, _, level in rows:
        assert level == kg.support(iri, p, o).iri, (p, o)  # type: ignore[union-attr]


def test_statements_of_the_flagship_levels(kg: KnowledgeGraph) -> None:
    def level(resource: str, p: URIRef, o: Node) -> Node | None:
        rows = kg.run("statements", resource=resource).rows  # about the resource
        [found] = [r["support"] for r in rows if (r["predicate"], r["object"]) == (p, o)]
        return found

    assert level("yoga", BC.improves, BCR.balance) == STATED  # sentence 24
    assert level("yoga", BC.allowedInPhase, BCR["chronic-phase"]) == EDITORIAL  # sentence 7
    assert level("yoga", BC.supportsGoal, BCR.analgesia) == GENERALIZED  # sentence 8
    assert level("suspension-training", BC.improves, BCR.strength) == ENTAILED  # definition
    assert level("body-foundation", BC.improves, BCR.strength) == EDITORIAL  # our typing


# -- support columns against the Python API ---------------------------------------------------

#: (query, parameters, support column, the row's statement): each support column of each
#: row is the level kg.support gives that statement (a second computation of the same
#: definition, through the support graph's SPARQL of sparql/support_query.py).
Row = dict[str, Any]
SUPPORT_COLUMNS: list[tuple[str, dict[str, str], str, Callable[[Row, KnowledgeGraph], Any]]] = [
    *[("activities-by-capacity", {"capacity": c}, "support",
       lambda r, kg, c=c: [(r["activity"], BC.improves, kg.resolve(c))])
      for c in ("strength", "balance", "flexibility", "biomechanics")],
    *[("activities-by-phase", {"phase": p}, "support",
       lambda r, kg, p=p: [(r["activity"], BC.allowedInPhase, kg.resolve(p))])
      for p in ("acute-phase", "chronic-phase")],
    ("activities-by-goal", {"goal": "analgesia"}, "support",
     lambda r, kg: [(r["activity"], BC.supportsGoal, BCR.analgesia)]),
    ("capacities", {}, "support", lambda r, kg: [(r["activity"], BC.improves, r["capacity"])]
     if r["activity"] else []),
    ("recommended-activities", {}, "support", lambda r, kg: [(
        r["activity"], BC.coversTargetCapacity if str(r["kind"]) == "capacity"
        else BC.meetsCondition, r["requirement"])] if r["met"].toPython() else []),
    ("supervision-and-assessment", {}, "supervisionSupport",
     lambda r, kg: [(r["activity"], BC.requiresSupervision, r["supervisionWherePossible"])]),
    ("supervision-and-assessment", {}, "assessmentSupport", lambda r, kg: [
        (r["activity"], BC.requiresIndividualAssessment, r["requiresIndividualAssessment"])]),
    ("supervision-and-assessment", {}, "support", lambda r, kg: [
        (r["activity"], BC.requiresSupervision, r["supervisionWherePossible"]),
        (r["activity"], BC.requiresIndividualAssessment, r["requiresIndividualAssessment"])]),
    ("contraindications-by-phase", {}, "support", lambda r, kg: [
        (r["contraindication"], RDF.type, BC.RelativeContraindication),
        (r["contraindication"], BC.appliesInPhase, r["phase"])]),
    ("contraindications-by-phase", {}, "activitiesSupport", lambda r, kg: [
        (a, BC.hasContraindication, r["contraindication"])
        for a in kg.graph.subjects(BC.hasContraindication, r["contraindication"])]),
    ("goals", {}, "activitiesSupport", lambda r, kg: [
        (a, BC.supportsGoal, r["goal"]) for a in kg.graph.subjects(BC.supportsGoal, r["goal"])]),
    ("goals", {}, "support", lambda r, kg: [(r["claim"], BC.about, r["goal"])]),
    *[("claims-by-expert", {"expert": e}, "support",
       lambda r, kg, e=e: [(r["claim"], BC.statedBy, kg.resolve(e))])
      for e in ("nestor-requejo", "sergio-fuertes")],
    ("expert-agreements", {}, "agreementSupport",
     lambda r, kg: [(r["expert"], BC.agreesWith, r["other"])]),
    ("expert-agreements", {}, "claimSupport", lambda r, kg: [
        (r["claim"], BC.statedBy, r["expert"]), (r["claim"], BC.statedBy, r["other"])]),
    ("experts", {}, "professionSupport",
     lambda r, kg: [(r["expert"], BC.hasProfession, r["profession"])]),
    ("experts", {}, "affiliationSupport",
     lambda r, kg: [(r["expert"], BC.affiliatedWith, r["organization"])]),
    ("experts", {}, "support", lambda r, kg: [
        (r["expert"], BC.hasProfession, r["profession"]),
        (r["expert"], BC.affiliatedWith, r["organization"])]),
    *[("activities", params, "support", lambda r, kg, params=params: [
        (r["activity"], RDF.type, BC.Activity),
        *[(r["activity"], p, kg.resolve(params[k])) for k, p in (
            ("capacity", BC.improves), ("phase", BC.allowedInPhase), ("goal", BC.supportsGoal))
          if k in params]])
      for params in ({}, {"capacity": "balance", "phase": "chronic-phase"},
                     {"capacity": "strength", "phase": "acute-phase", "goal": "analgesia"})],
]


@pytest.mark.parametrize(("name", "params", "column", "statements"), SUPPORT_COLUMNS,
                         ids=[f"{n}-{c}-{p}" for n, p, c, _ in SUPPORT_COLUMNS])
def test_support_columns_agree_with_the_python_api(
    kg: KnowledgeGraph, name: str, params: dict[str, str], column: str,
    statements: Callable[[Row, KnowledgeGraph], Any],
) -> None:
    rows = kg.run(name, **params).rows
    assert rows
    checked = 0
    for row in rows:
        found = [kg.support(*statement) for statement in statements(row, kg)]
        assert None not in found  # the graph holds every statement a row shows
        assert row[column] == (max(found).iri if found else None), row
        checked += bool(found)
    assert checked


# -- the files themselves --------------------------------------------------------------------

QUERY_FILES = files.query_files()
QUERY_NAMES = [p.stem for p in QUERY_FILES]
#: IRI parameters that take any resource, so declare no class.
ANY_RESOURCE = {("describe", "resource"), ("labels", "resource"), ("provenance", "subject"),
                ("statements", "resource")}


def test_every_query_file_is_tested() -> None:
    assert len(QUERY_NAMES) >= 13
    assert sorted(set(QUERY_NAMES) - COVERED) == [], "named queries without an answer test"
    assert sorted(COVERED - set(QUERY_NAMES)) == [], "tests of named queries that do not exist"


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_names_are_kebab_case(name: str) -> None:
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_header_is_complete(kg: KnowledgeGraph, name: str) -> None:
    query = kg.named_queries[name]
    assert query.summary and query.description and query.tags
    for p in query.parameters:
        assert p.description, f"{name}: parameter {p.name} has no description"
        assert p.example is not None, f"{name}: parameter {p.name} has no example"
        if p.type == "iri" and (name, p.name) not in ANY_RESOURCE:
            assert p.cls is not None, f"{name}: parameter {p.name} declares no class"
        if p.cls is not None:
            assert p.cls.startswith(str(BC))
            assert (p.cls, RDF.type, OWL.Class) in kg.asserted, f"{p.cls} is not in the ontology"


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_examples_answer_something(kg: KnowledgeGraph, name: str) -> None:
    query = kg.named_queries[name]
    params = {p.name: p.example for p in query.parameters}
    for p in query.parameters:
        if p.cls is not None:  # the example is an instance of the declared class
            assert p.example is not None
            assert (kg.resolve(p.example, p.cls), RDF.type, p.cls) in kg.graph
    result = kg.run(name, **params)
    if result.kind == "SELECT":
        assert result.rows
    else:
        assert result.graph is not None and len(result.graph) > 0


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_run_without_parameters(kg: KnowledgeGraph, name: str) -> None:
    """A query with no required parameter answers without any; otherwise the call fails."""
    if any(p.required for p in kg.named_queries[name].parameters):
        with pytest.raises(ParameterError):
            kg.run(name)
    else:
        assert kg.run(name).rows


_PREFIXED_NAME = re.compile(r"(?<![\w:/#<.-])([A-Za-z][\w-]*):(?=[A-Za-z_])")


@pytest.mark.parametrize("path", QUERY_FILES, ids=QUERY_NAMES)
def test_prefixes_are_declared(path: Path) -> None:
    """Each file runs on any SPARQL engine, without the library's predeclared prefixes."""
    text = path.read_text(encoding="utf-8")
    body = re.sub(r"#.*", "", text)
    body = re.sub(r"<[^>\s]*>", "", body)
    body = re.sub(r'"[^"\n]*"', '""', body)
    declared = set(re.findall(r"PREFIX\s+([\w-]*):", body, flags=re.I))
    used = set(_PREFIXED_NAME.findall(re.sub(r"PREFIX\s+[\w-]*:", "", body, flags=re.I)))
    assert used <= declared, f"undeclared prefixes: {sorted(used - declared)}"
