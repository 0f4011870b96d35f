"""IRIs of the project and of the vocabularies it reuses, as rdflib namespaces."""

from __future__ import annotations

from rdflib import Namespace, URIRef

BASE = "https://w3id.org/backcare-kg/"

BC = Namespace(BASE + "ontology#")
BCR = Namespace(BASE + "resource/")
ONTOLOGY = URIRef(BASE + "ontology")
ASSERTED_GRAPH = URIRef(BASE + "graph/asserted")
INFERRED_GRAPH = URIRef(BASE + "graph/inferred")
#: The support levels of the statements whose level is not their graph's default.
SUPPORT_GRAPH = URIRef(BASE + "graph/support")

SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
MESH = Namespace("http://id.nlm.nih.gov/mesh/")
OBO = Namespace("http://purl.obolibrary.org/obo/")

#: Prefixes bound on every graph and query the library makes.
PREFIXES: dict[str, str] = {
    "bc": str(BC),
    "bcr": str(BCR),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "org": str(ORG),
    "oa": str(OA),
    "void": str(VOID),
    "dcat": str(DCAT),
    "mesh": str(MESH),
    "obo": str(OBO),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}
