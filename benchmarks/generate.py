#!/usr/bin/env python3
"""Generate graphs shaped like backcare-kg's, of about a requested size, for benchmarks.

    python benchmarks/generate.py --triples 10000 --seed 1 --out DIR [--turtle]

writes ``DIR/bench-10000-seed1.nt`` (and ``.ttl`` with ``--turtle``): generated articles,
experts with professions and memberships in organizations (departments part of hospitals,
hospitals part of health services, so ``partOf`` chains), activities typed with the
ontology's classes and improving its capacities, and claims with exact quotes, who states
them, what they are about, an evidence level, and the sentence of the article holding each
quote with Web Annotation selectors, as in ``data/claims.ttl``.

The file holds the generated triples only; with the bundled ontology and data they make
about ``--triples`` asserted triples (the generator stops at the first entity boundary past
that count). Generated IRIs live under ``https://example.org/bench/``, apart from
backcare-kg's and any user's; they point at the bundled capacities, phases, features,
professions and evidence level. The same ``--triples`` and ``--seed`` give the same bytes.
"""

from __future__ import annotations

import argparse
import functools
import random
import sys
from collections.abc import Iterator
from pathlib import Path

BENCH = "https://example.org/bench/resource/"
BC = "https://w3id.org/backcare-kg/ontology#"
BCR = "https://w3id.org/backcare-kg/resource/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"

#: Prefixes of the Turtle output.
PREFIXES = {"bench": BENCH, "bc": BC, "bcr": BCR, "rdfs": RDFS, "skos": SKOS, "xsd": XSD,
            "schema": SCHEMA, "prov": PROV, "dcterms": DCTERMS, "oa": OA}

CAPACITIES = ("strength", "flexibility", "balance", "body-stability", "breathing",
              "biomechanics")
FEATURES = ("whole-body-work", "gravity", "own-body-weight-load", "educational-water-activities",
            "hygienic-and-preventive-purpose")
BUNDLED_PROFESSIONS = ("physiotherapist", "physical-medicine-and-rehabilitation-specialist")
PROFESSIONS = (("sports physician", "médico deportivo"), ("rheumatologist", "reumatólogo"),
               ("orthopaedic surgeon", "cirujano ortopédico"), ("nurse", "enfermero"),
               ("occupational therapist", "terapeuta ocupacional"),
               ("anaesthesiologist", "anestesiólogo"), ("osteopath", "osteópata"),
               ("exercise physiologist", "fisiólogo del ejercicio"))
#: Activity classes (a second class with some probability), English and Spanish names.
ACTIVITY_KINDS = (
    (("MindBodyActivity",), ("yoga", "Pilates", "tai chi", "qigong"),
     ("yoga", "Pilates", "taichí", "chi kung")),
    (("AquaticActivity",), ("swimming", "aquagym", "water walking"),
     ("natación", "aquagym", "marcha acuática")),
    (("StrengthTraining",), ("weight training", "kettlebell training", "band training"),
     ("entrenamiento con pesas", "entrenamiento con kettlebell", "entrenamiento con bandas")),
    (("SuspensionTraining",), ("suspension training", "ring training"),
     ("entrenamiento en suspensión", "entrenamiento con anillas")),
    (("FunctionalTraining", "StrengthTraining"), ("functional circuit", "cross training"),
     ("circuito funcional", "entrenamiento cruzado")),
    (("Activity",), ("walking", "cycling", "Nordic walking", "dance"),
     ("caminar", "ciclismo", "marcha nórdica", "baile")),
)
STYLES = (("gentle", "suave"), ("therapeutic", "terapéutico"), ("postural", "postural"),
          ("guided", "guiado"), ("core", "de core"), ("restorative", "reparador"))
FIRST = ("Ana", "Luis", "Marta", "Javier", "Lucía", "Pablo", "Elena", "Carlos", "Sara", "Diego",
         "Nuria", "Andrés", "Irene", "Raúl", "Carmen", "Óscar")
LAST = ("García", "Martín", "López", "Sánchez", "Pérez", "Gómez", "Ruiz", "Díaz", "Moreno",
        "Álvarez", "Romero", "Navarro", "Torres", "Domínguez", "Vázquez", "Gil")
CITIES = ("Madrid", "Burgos", "Sevilla", "Valencia", "Bilbao", "Zaragoza", "Málaga", "Oviedo",
          "Murcia", "Granada", "León", "Salamanca", "Cádiz", "Vigo", "Toledo", "Girona")
UNITS = (("Pain Department", "Unidad del Dolor"),
         ("Rehabilitation Department", "Servicio de Rehabilitación"),
         ("Physiotherapy Unit", "Unidad de Fisioterapia"))
FIELDS = (("Pain", "del Dolor"), ("Rehabilitation", "de Rehabilitación"),
          ("Sports Medicine", "de Medicina del Deporte"), ("Spine Care", "de la Columna"))


def _iri(iri: str) -> str:
    return f"<{iri}>"


def _text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


def _en(value: str) -> str:
    return _text(value) + "@en"


def _es(value: str) -> str:
    return _text(value) + "@es"


def _int(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


A = _iri(RDF + "type")
LABEL = _iri(RDFS + "label")
PREF = _iri(SKOS + "prefLabel")


class _Group(list[str]):
    """The N-Triples lines of one entity (emitted whole, so the output is consistent)."""

    def add(self, s: str, p: str, o: str) -> None:
        self.append(f"{s} {p} {o} .\n")


class _World:
    """The generated resources so far, and the random choices that make the next ones."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.professions = [BCR + slug for slug in BUNDLED_PROFESSIONS]
        self.member_orgs: list[str] = []  # organizations an expert may be a member of
        self.org_names: dict[str, str] = {}
        self.memberships: dict[str, list[str]] = {}
        self.networks: list[str] = []
        self.experts: list[tuple[str, str]] = []
        self.counter = 0
        self.blank = 0

    def mint(self, kind: str) -> str:
        self.counter += 1
        return f"{BENCH}{kind}-{self.counter}"

    def bnode(self) -> str:
        self.blank += 1
        return f"_:g{self.blank}"

    def groups(self) -> Iterator[_Group]:
        """Entities forever: the professions, then one generated article after another."""
        for en, es in PROFESSIONS:
            profession = self.mint("profession")
            self.professions.append(profession)
            yield self.concept(profession, "Profession", en, es)
        article = 0
        while True:
            article += 1
            yield from self.article(article)

    def concept(self, iri: str, cls: str, en: str, es: str) -> _Group:
        g = _Group()
        s = _iri(iri)
        g.add(s, A, _iri(BC + cls))
        for p in (PREF, LABEL):
            g.add(s, p, _en(en))
            g.add(s, p, _es(es))
        return g

    # -- one article: organizations, experts, activities, then the claims it makes ----------

    def article(self, number: int) -> Iterator[_Group]:
        rng = self.rng
        doc = self.mint("article")
        yield from self.organizations()
        experts = [self.expert() for _ in range(rng.randint(1, 3))]
        for group, _ in experts:
            yield group
        activities = [self.activity() for _ in range(rng.randint(2, 4))]
        for group, *_ in activities:
            yield group
        said: list[tuple[str, str, str, str, list[str], str]] = []
        for _, iri, name, improves, features in activities:
            expert, expert_name = rng.choice([(e, n) for (_, (e, n)) in experts])
            if improves:
                caps = [c.replace("-", " ") for c in improves]
                quote = f"{name} improves {', '.join(caps)}"
                about = [iri] + [BCR + c for c in improves]
                said.append(("Claim", f"According to {expert_name}, ", quote, ".", about, expert))
            elif features:
                quote = f"{name} relies on {features[0].replace('-', ' ')}"
                said.append(("Claim", f"{expert_name} explains that ", quote, ".",
                             [iri], expert))
            if rng.random() < 0.6:
                if rng.random() < 0.7:
                    quote, phase = f"{name} is advisable in the chronic phase", "chronic-phase"
                else:
                    quote, phase = f"pain should limit {name} in the acute phase", "acute-phase"
                said.append(("Recommendation", f"{expert_name} considers that ", quote,
                             ", under supervision.", [iri, BCR + phase], expert))
        for _, (expert, name) in experts:
            for org in self.memberships[expert]:
                said.append(("Claim", "We spoke with ",
                             f"{name}, a member of the {self.org_names[org]}",
                             ", about exercise for back pain.", [expert, org], ""))
        yield from self.claims(doc, number, said)

    def organizations(self) -> Iterator[_Group]:
        """Zero or more new organizations: a hospital with departments (and maybe a new
        health service it is part of), or a professional college, or a scientific society."""
        rng = self.rng
        city = rng.choice(CITIES)
        kind = rng.random()
        if kind < 0.45 or not self.member_orgs:
            if not self.networks or rng.random() < 0.15:
                network = self.mint("health-service")
                self.networks.append(network)
                yield self.organization(network, "Organization", f"{city} Health Service",
                                        f"Servicio de Salud de {city}", member=False)
            hospital = self.mint("hospital")
            part_of = rng.choice(self.networks) if rng.random() < 0.7 else None
            yield self.organization(hospital, "Hospital", f"University Hospital of {city}",
                                    f"Hospital Universitario de {city}", part_of, member=False)
            for en, es in rng.sample(UNITS, rng.randint(1, 2)):
                yield self.organization(
                    self.mint("department"), "HospitalDepartment",
                    f"{en} of the University Hospital of {city}",
                    f"{es} del Hospital Universitario de {city}", hospital)
        elif kind < 0.7:
            yield self.organization(self.mint("college"), "ProfessionalCollege",
                                    f"College of Physiotherapists of {city}",
                                    f"Colegio de Fisioterapeutas de {city}")
        elif kind < 0.85:
            en, es = rng.choice(FIELDS)
            yield self.organization(self.mint("society"), "ScientificSociety",
                                    f"{city} Society of {en}", f"Sociedad {es} de {city}")

    def organization(self, iri: str, cls: str, en: str, es: str, part_of: str | None = None,
                     member: bool = True) -> _Group:
        """An organization; experts may be ``member``s of it."""
        group = self.concept(iri, cls, en, es)
        if part_of is not None:
            group.add(_iri(iri), _iri(BC + "partOf"), _iri(part_of))
        if member:
            self.member_orgs.append(iri)
            self.org_names[iri] = en
        return group

    def expert(self) -> tuple[_Group, tuple[str, str]]:
        rng = self.rng
        iri = self.mint("expert")
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        g = _Group()
        s = _iri(iri)
        g.add(s, A, _iri(BC + "Expert"))
        for p in (PREF, LABEL):
            g.add(s, p, _en(name))
        g.add(s, _iri(SCHEMA + "name"), _text(name))
        g.add(s, _iri(BC + "hasProfession"), _iri(rng.choice(self.professions)))
        orgs = rng.sample(self.member_orgs, min(len(self.member_orgs), rng.randint(1, 2)))
        for org in orgs:
            g.add(s, _iri(BC + "memberOf"), _iri(org))
        if self.experts and rng.random() < 0.3:
            g.add(s, _iri(BC + "agreesWith"), _iri(rng.choice(self.experts)[0]))
        self.experts.append((iri, name))
        self.memberships[iri] = orgs
        return g, (iri, name)

    def activity(self) -> tuple[_Group, str, str, list[str], list[str]]:
        rng = self.rng
        classes, names_en, names_es = rng.choice(ACTIVITY_KINDS)
        if len(classes) > 1 and rng.random() < 0.5:
            classes = classes[:1]
        which = rng.randrange(len(names_en))
        style_en, style_es = rng.choice(STYLES)
        iri = self.mint("activity")
        number = self.counter
        name = f"{style_en} {names_en[which]} {number}"
        g = _Group()
        s = _iri(iri)
        for cls in classes:
            g.add(s, A, _iri(BC + cls))
        for p in (PREF, LABEL):
            g.add(s, p, _en(name))
            g.add(s, p, _es(f"{names_es[which]} {style_es} {number}"))
        g.add(s, _iri(SKOS + "definition"),
              _en(f"A {style_en} form of {names_en[which]} for people with back pain."))
        improves = rng.sample(CAPACITIES, rng.choice((0, 1, 1, 2, 2, 3)))
        for capacity in improves:
            g.add(s, _iri(BC + "improves"), _iri(BCR + capacity))
        features = rng.sample(FEATURES, rng.choice((0, 0, 1, 1, 2)))
        for feature in features:
            g.add(s, _iri(BC + "hasFeature"), _iri(BCR + feature))
        return g, iri, name, improves, features

    def claims(self, doc: str, number: int,
               said: list[tuple[str, str, str, str, list[str], str]]) -> Iterator[_Group]:
        sentences = [lead + quote + tail for _, lead, quote, tail, _, _ in said]
        text = " ".join(sentences)
        title = f"Exercise for back pain: expert advice (generated article {number})"
        g = _Group()
        d = _iri(doc)
        g.add(d, A, _iri(BC + "SourceDocument"))
        g.add(d, LABEL, _en(title))
        g.add(d, _iri(DCTERMS + "language"), _text("en"))
        g.add(d, _iri(BC + "characterCount"), _int(len(text)))
        yield g
        offset = 0
        for position, ((cls, lead, quote, _, about, expert), sentence) in enumerate(
                zip(said, sentences, strict=True), start=1):
            s_iri = _iri(f"{doc}-sentence-{position}")
            g = _Group()
            g.add(s_iri, A, _iri(BC + "Sentence"))
            g.add(s_iri, LABEL, _en(f"sentence {position} of generated article {number}"))
            g.add(s_iri, _iri(BC + "position"), _int(position))
            g.add(s_iri, _iri(BC + "text"), _text(sentence))
            g.add(s_iri, _iri(DCTERMS + "isPartOf"), d)
            start = offset + len(lead)
            end = start + len(quote)
            c = _iri(self.mint("claim"))
            g.add(c, A, _iri(BC + cls))
            g.add(c, LABEL, _en(quote[:1].upper() + quote[1:]))
            if expert:
                g.add(c, _iri(BC + "statedBy"), _iri(expert))
            else:
                g.add(c, _iri(PROV + "wasAttributedTo"), d)
            for thing in about:
                g.add(c, _iri(BC + "about"), _iri(thing))
            g.add(c, _iri(BC + "quote"), _en(quote))
            g.add(c, _iri(BC + "source"), d)
            g.add(c, _iri(BC + "sentence"), s_iri)
            g.add(c, _iri(BC + "evidenceLevel"), _iri(BCR + "expert-opinion"))
            target, by_quote, by_position = self.bnode(), self.bnode(), self.bnode()
            g.add(c, _iri(OA + "hasTarget"), target)
            g.add(target, A, _iri(OA + "SpecificResource"))
            g.add(target, _iri(OA + "hasSource"), d)
            g.add(target, _iri(OA + "hasSelector"), by_quote)
            g.add(target, _iri(OA + "hasSelector"), by_position)
            g.add(by_quote, A, _iri(OA + "TextQuoteSelector"))
            g.add(by_quote, _iri(OA + "exact"), _text(quote))
            g.add(by_quote, _iri(OA + "prefix"), _text(text[max(0, start - 32):start]))
            g.add(by_quote, _iri(OA + "suffix"), _text(text[end:end + 32]))
            g.add(by_position, A, _iri(OA + "TextPositionSelector"))
            g.add(by_position, _iri(OA + "start"), _int(start))
            g.add(by_position, _iri(OA + "end"), _int(end))
            offset += len(sentence) + 1
            yield g


@functools.cache
def bundled_triple_count() -> int:
    """The number of asserted triples of the bundled ontology and data."""
    from rdflib import Graph

    from backcare_kg.storage import files

    graph = Graph()
    for path in files.asserted_files():
        graph.parse(path)
    return len(graph)


def generate(triples: int, seed: int) -> Iterator[str]:
    """N-Triples lines (each ending in a newline) that, with the bundled ontology and data,
    make about ``triples`` asserted triples; the same arguments give the same lines."""
    budget = triples - bundled_triple_count()
    emitted = 0
    for group in _World(seed).groups():
        if emitted >= budget:
            return
        yield from group
        emitted += len(group)


def write(directory: Path, triples: int, seed: int, turtle: bool = False) -> tuple[Path, int]:
    """Write ``bench-<triples>-seed<seed>.nt`` (and ``.ttl``) in ``directory``: its path and
    number of triples."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"bench-{triples}-seed{seed}.nt"
    partial = path.with_suffix(".nt.part")
    count = 0
    with partial.open("w", encoding="utf-8", newline="\n") as out:
        for line in generate(triples, seed):
            out.write(line)
            count += 1
    partial.replace(path)
    if turtle:
        from rdflib import Graph

        graph = Graph()
        graph.parse(path, format="nt")
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        graph.serialize(path.with_suffix(".ttl"), format="turtle", encoding="utf-8")
    return path, count


def parse_size(text: str) -> int:
    """``10000``, ``10k``, ``1M`` (or ``1m``) as a number of triples."""
    value = text.strip().lower().replace("_", "").replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(value[-1:], 1)
    number = value[:-1] if scale > 1 else value
    try:
        size = int(float(number) * scale)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of triples: {text!r}") from None
    if size <= 0:
        raise argparse.ArgumentTypeError(f"not a positive number of triples: {text!r}")
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, required=True,
                        help="asserted triples wanted, the bundled ones included (10000, 10k, 1M)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, default=Path("."), help="output directory")
    parser.add_argument("--turtle", action="store_true", help="also write Turtle (slower)")
    args = parser.parse_args(argv)
    bundled = bundled_triple_count()
    if args.triples <= bundled:
        parser.error(f"--triples must exceed the {bundled} bundled triples")
    path, count = write(args.out, args.triples, args.seed, args.turtle)
    print(f"{path}: {count} generated triples + {bundled} bundled = {count + bundled}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
