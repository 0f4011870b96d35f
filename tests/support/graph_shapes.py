"""Generated graphs shaped like ours, for comparing reasoners (not a test module).

``generate(units, seed)`` writes Turtle for ``units`` clusters of experts, organizations,
activities and claims, using the classes and properties of the ontology so that every
construct it uses fires: subclass and subproperty hierarchies, inverses (memberOf/hasMember,
improves/improvedBy, statedBy/states), a symmetric property (agreesWith), a transitive one
(partOf, three levels deep), the chain memberOf ∘ partOf, the owl:hasValue restrictions
(typed activities get a value; an activity with the value is typed), domains and ranges
(some nodes are typed only by them), blank-node selectors and literals of several
datatypes. A unit is about 44 asserted triples. The same arguments give the same text.
"""

from __future__ import annotations

import random

PREFIXES = """\
@prefix bc: <https://w3id.org/backcare-kg/ontology#> .
@prefix bcr: <https://w3id.org/backcare-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
"""

#: What the domain rules read besides the ontology (the claims and phases of the data):
#: enough for every rule to fire on generated graphs without the 2,000 bundled triples.
#: Generated activities improve one or two capacities, so one fixed activity meets the
#: whole selection criterion (every targeted capacity, and the breathing condition).
RULE_INPUTS = PREFIXES + """
bcr:claim-selection-criterion bc:targetCapacity bcr:strength , bcr:flexibility ,
    bcr:balance , bcr:body-stability ;
    bc:hasCondition bcr:breathing .
bcr:claim-exercise-goals bc:about bcr:analgesia , bcr:mood-improvement .
bcr:analgesia a bc:TherapeuticGoal . bcr:mood-improvement a bc:TherapeuticGoal .
bcr:chronic-phase a bc:PainPhase . bcr:acute-phase a bc:PainPhase .
bcr:claim-benefits-exceed-risks bc:about bcr:chronic-phase .
bcr:acute-pain a bc:RelativeContraindication ; bc:appliesInPhase bcr:acute-phase .
bcr:claim-candidate-activities bc:about bcr:g-activity-0 , bcr:g-activity-1 ,
    bcr:g-all-round .
bcr:g-all-round a bc:Activity ;
    bc:improves bcr:strength , bcr:flexibility , bcr:balance , bcr:body-stability ;
    bc:meetsCondition bcr:breathing .
"""

ACTIVITY_CLASSES = (
    "bc:Activity",
    "bc:MindBodyActivity",
    "bc:AquaticActivity",
    "bc:StrengthTraining",
    "bc:SuspensionTraining",
    "bc:FunctionalTraining",
    None,  # untyped: an Activity by the domain of bc:improves
)
CAPACITIES = ("strength", "flexibility", "balance", "body-stability", "breathing", "biomechanics")
FEATURES = (
    "mind-body-involvement",
    "aquatic-environment",
    "whole-body-work",
    "gravity",
    "own-body-weight-load",
)
PROFESSIONS = ("physiotherapist", "physical-medicine-and-rehabilitation-specialist")
ORG_CLASSES = ("bc:ScientificSociety", "bc:ProfessionalCollege", "bc:Organization")


def generate(units: int, seed: int = 0) -> str:
    """Turtle text for ``units`` generated clusters (deterministic in ``units`` and ``seed``)."""
    rnd = random.Random(seed)
    out = [PREFIXES]
    societies = max(1, units // 20)
    for k in range(societies):
        out.append(
            f"bcr:g-society-{k} a {ORG_CLASSES[k % 3]} ; "
            f'rdfs:label "Society {k}"@en , "Sociedad {k}"@es .\n'
        )
    for i in range(units):
        out.append(_unit(i, units, societies, rnd))
    return "".join(out)


def _unit(i: int, units: int, societies: int, rnd: random.Random) -> str:
    e, a, c = f"bcr:g-expert-{i}", f"bcr:g-activity-{i}", f"bcr:g-claim-{i}"
    hospital, dept, team = f"bcr:g-hospital-{i}", f"bcr:g-dept-{i}", f"bcr:g-team-{i}"
    lines = []
    # organizations: team partOf dept partOf hospital (transitive), typed or only by range
    lines.append(f'{hospital} a bc:Hospital ; rdfs:label "Hospital {i}"@en .')
    lines.append(f"{dept} a bc:HospitalDepartment ; bc:partOf {hospital} .")
    team_type = "" if rnd.random() < 0.5 else "a bc:Organization ; "
    lines.append(f"{team} {team_type}bc:partOf {dept} .")
    # the expert: memberOf (inverse, subproperties, chain), agreesWith (symmetric)
    typed = "a bc:Expert ; " if rnd.random() < 0.8 else ""
    other = f"bcr:g-expert-{rnd.randrange(units)}"
    lines.append(
        f'{e} {typed}rdfs:label "Expert {i}"@en , "Experto {i}"@es ; schema:name "Expert {i}" ;'
        f" bc:hasProfession bcr:{PROFESSIONS[i % 2]} ;"
        f" bc:memberOf {team} , bcr:g-society-{rnd.randrange(societies)} ;"
        f" bc:agreesWith {other} ."
    )
    # the activity: a subclass (hasValue restrictions), improves (inverse), features
    cls = ACTIVITY_CLASSES[rnd.randrange(len(ACTIVITY_CLASSES))]
    improves = rnd.sample(CAPACITIES, rnd.randrange(1, 3))
    objects = " , ".join(f"bcr:{x}" for x in improves)
    feature = FEATURES[rnd.randrange(len(FEATURES))]
    lines.append(
        f"{a} {'a ' + cls + ' ; ' if cls else ''}"
        f'skos:prefLabel "Activity {i}"@en ; rdfs:label "Activity {i}"@en , "Actividad {i}"@es ;'
        f" bc:improves {objects} ; bc:hasFeature bcr:{feature} ."
    )
    # the claim: statedBy (inverse, subproperty), about/targetCapacity, a sentence,
    # a Web Annotation target with blank-node selectors, typed literals
    kind = "bc:Recommendation" if rnd.random() < 0.3 else "bc:Claim"
    start = rnd.randrange(10_000)
    quote = f"Activity {i} helps, says expert {i}."
    target = (
        f" bc:targetCapacity bcr:{CAPACITIES[i % len(CAPACITIES)]} ;"
        if kind == "bc:Recommendation"
        else ""
    )
    lines.append(
        f'{c} a {kind} ; rdfs:label "Claim {i}"@en ; bc:statedBy {e} ; bc:about {a} ;{target}'
        f' bc:quote "{quote}"@en ; bc:source bcr:source-article ;'
        f" bc:sentence bcr:g-sentence-{i} ; bc:evidenceLevel bcr:expert-opinion ;"
        f" oa:hasTarget [ a oa:SpecificResource ; oa:hasSource bcr:source-article ;"
        f' oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{quote}" ;'
        f' oa:prefix "before {i} " ; oa:suffix " after {i}" ] ,'
        f" [ a oa:TextPositionSelector ; oa:start {start} ; oa:end {start + len(quote)} ] ] ."
    )
    lines.append(
        f'bcr:g-sentence-{i} a bc:Sentence ; bc:text "{quote}"^^xsd:string ;'
        f" bc:position {i + 1} ; dcterms:isPartOf bcr:source-article ."
    )
    if rnd.random() < 0.1:  # a decimal and a date, for the datatypes
        lines.append(
            f'{a} schema:duration "{rnd.randrange(10, 90)}.5"^^xsd:decimal ;'
            f' dcterms:created "2024-0{rnd.randrange(1, 10)}-1{rnd.randrange(10)}"^^xsd:date .'
        )
    return "\n".join(lines) + "\n"
