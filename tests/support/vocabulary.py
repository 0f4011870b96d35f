"""The core vocabulary of the design contract (DESIGN.md): the local names of the classes
and properties the ontology must define, its documentation must describe and the server
must serve."""

from __future__ import annotations

#: The core vocabulary of the design contract (DESIGN.md).
CORE_CLASSES = (
    "Expert", "Profession", "Organization", "ProfessionalCollege", "ScientificSociety",
    "Hospital", "HospitalDepartment", "Activity", "MindBodyActivity", "AquaticActivity",
    "StrengthTraining", "SuspensionTraining", "FunctionalTraining", "PhysicalCapacity",
    "TherapeuticGoal", "PainPhase", "Contraindication", "AbsoluteContraindication",
    "RelativeContraindication", "Claim", "Recommendation", "SourceDocument", "EvidenceLevel",
    "RecommendedActivity")
CORE_PROPERTIES = (
    "improves", "supportsGoal", "allowedInPhase", "recommendedInPhase", "painLimitedInPhase",
    "hasContraindication", "appliesInPhase", "requiresSupervision",
    "requiresIndividualAssessment", "memberOf", "hasMember", "partOf", "affiliatedWith",
    "hasProfession", "statedBy", "agreesWith", "about", "quote", "source", "evidenceLevel",
    "justifiedBy")
