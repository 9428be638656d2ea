"""The anonymisation aid: which details it marks, which it leaves alone, and how it shows them."""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.editorial.anonymise import (
    KIND_LABELS,
    Finding,
    find_identifying_details,
    highlight,
    lexicon,
    suggest_replacements,
)
from app.editorial.anonymise.wordset import WordScores, WordSet
from app.models import Question
from tests.asking import send_letter
from tests.editing import log_in
from tests.helpers import soup

SAMPLE = (
    "Dear Ethics Consult,\n\n"
    "Last week she rang me on 07700 900123 and wrote from sarah.jones@example.com. "
    "Her page is https://example.org/about. I told Sarah that Dr. Okafor and my colleague "
    "Jo Marsh would both be there. She is a 34-year-old nurse and her mother, aged 70, "
    "lives in Leeds. We met on 12 March 2025 and again on 03/04/2024 at St. Mary's clinic, "
    "near Northgate Primary School.\n\n"
    "I am not sure what to do. Should I tell anyone?"
)
EXPECTED = {
    ("phone", "07700 900123"),
    ("email", "sarah.jones@example.com"),
    ("url", "https://example.org/about"),
    ("name", "Sarah"),
    ("name", "Dr. Okafor"),
    ("name", "Jo Marsh"),
    ("age", "34-year-old"),
    ("age", "aged 70"),
    ("date", "12 March 2025"),
    ("date", "03/04/2024"),
    ("place", "Leeds"),
    ("workplace", "St. Mary's clinic"),
    ("workplace", "Northgate Primary School"),
}


def _marked(text: str, *, pen_name: bool = False) -> list[str]:
    return [f.text for f in find_identifying_details(text, pen_name=pen_name)]


def test_every_kind_of_identifying_detail_is_found() -> None:
    found = {(f.kind, f.text) for f in find_identifying_details(SAMPLE)}
    assert found == EXPECTED


def test_findings_are_in_order_point_at_their_text_and_do_not_overlap() -> None:
    findings = find_identifying_details(SAMPLE)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert all(SAMPLE[f.start : f.end] == f.text for f in findings)
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))


@pytest.mark.parametrize(
    "word",
    ["Dear", "Ethics", "Consult", "Last", "She", "Her", "I", "Should", "We"],
)
def test_ordinary_words_are_not_marked(word: str) -> None:
    assert not any(word in text.split() for text in _marked(SAMPLE))


@pytest.mark.parametrize(
    "text",
    [
        "Dear Ethics Consult,\n\nMy client keeps asking to meet for coffee.",
        "Last week she cancelled again. Then I wondered whether to call.",
        "Dear Ethics Consult, I think I made a mistake and I want to put it right.",
        "The session was 50 minutes long.",
        '"Maybe later," she said.',
    ],
)
def test_near_misses_are_not_marked(text: str) -> None:
    assert _marked(text) == []


def test_a_known_first_name_is_marked_even_at_the_start_of_a_sentence() -> None:
    assert _marked("Dear Ethics Consult,\n\nSarah rang me again.") == ["Sarah"]


def test_highlight_wraps_each_finding_in_mark_and_keeps_paragraphs() -> None:
    html = highlight(SAMPLE, find_identifying_details(SAMPLE))
    doc = soup(html)
    marks = doc.find_all("mark")
    assert {(m["data-kind"], m.get_text()) for m in marks} == EXPECTED
    assert len(doc.find_all("p", recursive=False)) == 3
    assert doc.get_text() == SAMPLE.replace("\n\n", "")


def test_highlight_escapes_html_in_the_letter() -> None:
    letter = "Dear Ethics Consult,\n\n<script>alert('x')</script> Sarah & <b>Tom</b> disagree."
    html = highlight(letter, find_identifying_details(letter))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    doc = soup(html)
    assert doc.find("script") is None
    assert [m.get_text() for m in doc.find_all("mark")] == ["Sarah", "Tom"]


def test_a_mark_never_spans_two_paragraphs() -> None:
    letter = "Dear Ethics Consult,\n\nIt began in 2019.\n\n18 months later she came back."
    findings = find_identifying_details(letter)
    assert all("\n" not in f.text for f in findings)
    paragraphs = soup(highlight(letter, findings)).find_all("p", recursive=False)
    assert [p.get_text() for p in paragraphs][1:] == [
        "It began in 2019.",
        "18 months later she came back.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I saw Will on Friday and Will said he was fine.", ["Will", "Will"]),
        ("Hope said she would come back. Hope this helps.", ["Hope"]),
        ("Mark my words: Mark has been here before.", ["Mark"]),
        ("My client Grace turned 34 in June.", ["Grace", "34"]),
        ("In June we met again; June Castillo was late.", ["June Castillo"]),
        ("She asked me to call her Mrs Okonkwo-Adeyemi.", ["Mrs Okonkwo-Adeyemi"]),
        ("Everyone calls him Sunny.", ["Sunny"]),
        ("Her son, 7, and her mother, aged 70, live in Tralee.", ["7", "aged 70", "Tralee"]),
        ("A thirty-four-year-old in her late sixties? No.", ["thirty-four-year-old"]),
        (
            "She works at Zenith Logistics on 14 Maple Drive.",
            ["Zenith Logistics", "14 Maple Drive"],
        ),
        ("Reach her at +353 87 412 9036 or @maya.draws.things.", ["+353 87 412 9036"]),
        ("See facebook.com/jo.counsels for the post.", ["facebook.com/jo.counsels"]),
        ("Her address is 2210 E Speedway Blvd, Tucson, AZ 85719.", ["2210 E Speedway Blvd"]),
        ("My licence number is LPC-004521.", ["LPC-004521"]),
    ],
)
def test_names_that_are_words_ages_and_addresses_are_found(text: str, expected: list[str]) -> None:
    marked = _marked(text)
    assert marked[: len(expected)] == expected or all(e in marked for e in expected)


@pytest.mark.parametrize(
    "text",
    [
        "We use CBT, EMDR and DBT, and meet on Zoom or WhatsApp every Tuesday in March.",
        "She has Asperger's, and her Instagram is private; NHS rules and HIPAA apply.",
        "Christmas was hard. The fee is £60 for 50 minutes, and we had 12 sessions.",
        "Honestly, Mum and Dad never understood. Will this breach confidentiality?",
        "My client is Nigerian and speaks Yoruba at home; he sits his GCSEs in Year 11.",
        "She trained in Internal Family Systems and Acceptance and Commitment Therapy.",
    ],
)
def test_everyday_capitals_and_numbers_are_not_marked(text: str) -> None:
    assert _marked(text) == []


def test_a_pen_name_is_left_alone_but_its_place_is_marked() -> None:
    letter = "Dear Ethics Consult,\n\nWhat now?\n\n—Out of My Lane\n"
    assert _marked(letter) == []
    assert _marked("Dear Ethics Consult,\n\nWhat now?\n\n—Rattled in Peckham\n") == ["Peckham"]
    assert _marked("Out of My Lane", pen_name=True) == []  # the sign-off field on its own
    assert _marked("knackered, Leeds", pen_name=True) == ["Leeds"]
    # An ordinary word after "in" is part of the pen name, not a place.
    assert _marked("Foot Firmly in Mouth", pen_name=True) == []
    assert _marked("Going Round in Circles", pen_name=True) == []
    assert _marked("Lost in Castletroy", pen_name=True) == ["Castletroy"]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Margaret Ellison's last session", "Margaret Ellison"),
        ("What Tomasz told me", "Tomasz"),
        ("When Grace stopped coming", "Grace"),
    ],
)
def test_a_title_or_alt_text_of_a_few_words_is_read_as_prose_not_as_a_pen_name(
    title: str, name: str
) -> None:
    assert _marked(title) == [name]
    assert _marked("The client who would not leave") == []


def test_names_in_a_letter_typed_in_lower_case_are_found() -> None:
    letter = (
        "dear ethics consult, i see a client, Amber, and i think amber's mum knows. "
        "i found out from astrid herself. should i tell mrs k?\n\n— phone-typing in belfast"
    )
    assert _marked(letter) == ["Amber", "amber", "astrid", "mrs k", "belfast"]


def test_every_kind_has_a_label_and_two_to_four_replacements() -> None:
    samples = {
        "name": "Dr. Okafor",
        "place": "Kilkenny",
        "workplace": "Northgate Primary School",
        "age": "34-year-old",
        "date": "12 March 2025",
        "phone": "07700 900123",
        "email": "a@example.com",
        "url": "example.org",
        "handle": "@maya",
        "postcode": "E8 3RH",
        "number": "LPC-004521",
    }
    assert set(KIND_LABELS) == set(samples)
    for kind, text in samples.items():
        options = suggest_replacements(Finding(0, len(text), kind, text))
        assert 2 <= len(options) <= 4 and all(options), kind
        assert options == suggest_replacements(Finding(0, len(text), kind, text))


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("name", "Maya", "M."),
        ("name", "Dr. Okafor", "the doctor"),
        ("place", "Abbey Street", "a street nearby"),
        ("place", "Boulder", "a nearby town"),
        ("workplace", "Northgate Primary School", "a local school"),
        ("workplace", "Beaumont Hospital", "a local clinic"),
        ("age", "34-year-old", "thirty-something"),
        ("age", "aged 70", "in her seventies"),
        ("age", "in his mid-thirties", "in his thirties"),
        ("age", "7", "a child of primary-school age"),
        ("date", "12 March 2025", "one day last spring"),
        ("date", "2019", "a few years ago"),
        ("handle", "@maya", "their social media account"),
    ],
)
def test_replacements_fit_what_they_replace(kind: str, text: str, expected: str) -> None:
    assert expected in suggest_replacements(Finding(0, len(text), kind, text))


def test_the_word_lists_load_from_the_installed_packages() -> None:
    names = ("Siobhan", "Aoife", "Priya", "Wei", "Tomasz", "Kofi")
    assert all(name in lexicon.given_names() for name in names)
    places = ("Duluth", "Kilkenny", "Tralee", "Fife", "Hackney", "Waikato", "Munster")
    assert all(place in lexicon.place_names() for place in places)
    assert "Poland" not in lexicon.place_names()
    assert "Poland" in lexicon.nations()
    assert all(word in lexicon.ordinary_words() for word in ("hope", "will", "grace"))
    assert "sarah" not in lexicon.ordinary_words()
    assert lexicon.word_zipf().get("the", 0) > lexicon.word_zipf().get("therapist", 0) > 0
    assert {"Polish", "Nigerian", "English", "Welsh"} <= lexicon.nationalities()
    assert {"NSW", "ON", "TX"} <= lexicon.state_codes()


def test_a_word_set_answers_membership_without_keeping_the_words() -> None:
    words = WordSet(f"word{i}" for i in range(10_000))
    assert len(words) == 10_000
    assert "word0" in words and "word9999" in words
    assert "word10000" not in words and "" not in words
    scores = WordScores([("rare", 25), ("common", 60), ("rare", 25)])
    assert len(scores) == 2
    assert (scores.get("rare"), scores.get("common"), scores.get("absent")) == (25, 60, 0)


def _body(text: str) -> list[str]:
    """What is marked in a letter with this body and a plain sign-off."""
    return _marked(f"Dear Ethics Consult,\n\n{text}\n\n—Unsure\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I practise in Geelong, Vic., and see couples.", ["Geelong", "Vic"]),
        ("She grew up in Sherbrooke, Que., then moved.", ["Sherbrooke", "Que"]),
        ("My rooms are in Lethbridge, Alta. It is quiet.", ["Lethbridge", "Alta"]),
        ("He drives in from Mackay, Qld, every week.", ["Mackay", "Qld"]),
        ("Most of my clients live across NSW and some in Qld.", ["NSW", "Qld"]),
        ("I work in Nanaimo, B.C., with teenagers.", ["Nanaimo", "B.C"]),
        ("The clinic moved to Eugene, OR, last spring.", ["Eugene", "OR"]),
        ("Her office is at 12 Elm Road, Dayton, OH 45402.", ["12 Elm Road", "Dayton", "OH 45402"]),
        ("I see her in Queanbeyan, NSW 2620 on Fridays.", ["Queanbeyan", "NSW 2620"]),
    ],
)
def test_state_and_province_codes_are_marked_after_a_town_or_in(
    text: str, expected: list[str]
) -> None:
    assert _body(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I trained in ACT, and I use ACT with most clients.",
        "We could meet, OR we could speak by phone.",
        "I wrote to my supervisor, Jo Marsh, MA, about it.",
        "Should I say IN or OUT on the form?",
    ],
)
def test_codes_that_are_words_or_therapies_are_not_marked_as_states(text: str) -> None:
    assert not any(code in _body(text) for code in ("ACT", "OR", "MA", "IN"))


@pytest.mark.parametrize(
    ("signoff", "expected"),
    [
        ("—Far From Home, WA", ["WA"]),
        ("—Puzzled, Moncton, N.B.", ["Moncton", "N.B"]),
        ("—Ballarat Counsellor", ["Ballarat"]),
        ("—Lost in the Manawatu", ["Manawatu"]),
        ("—Wimmera Therapist", ["Wimmera"]),
        ("—Caught in the Middle", []),
        ("—Border Counsellor", []),
        ("—Night Shift Nurse", []),
    ],
)
def test_places_in_a_sign_off_are_marked_but_the_pen_name_is_not(
    signoff: str, expected: list[str]
) -> None:
    assert _marked(f"Dear Ethics Consult,\n\nWhat now?\n\n{signoff}\n") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I work for a service in the West Midlands.", ["West Midlands"]),
        ("She was raised in the South West and moved north.", ["South West"]),
        ("He has a cottage in the Chilterns and drives in.", ["Chilterns"]),
        ("They farm near the Wolds, miles from anyone.", ["Wolds"]),
        ("She retired to the Sunshine Coast last year.", ["Sunshine Coast"]),
        ("My client grew up in the Black Country.", ["Black Country"]),
        (
            "He moved back to Northern Ireland and then to North Wales.",
            ["Northern Ireland", "North Wales"],
        ),
        ("Her family is from Leinster and his from Connaught.", ["Leinster", "Connaught"]),
        ("I practise in Southland and see clients from Taranaki.", ["Southland", "Taranaki"]),
        ("He farms out in the Wimmera, alone, since his wife died.", ["Wimmera"]),
        ("They are moving to the Highlands in the new year.", ["Highlands"]),
    ],
)
def test_regions_and_provinces_are_marked(text: str, expected: list[str]) -> None:
    assert _body(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "She worked in the Philippines and then in the Netherlands.",
        "He spent two years in the States before coming home.",
        "I work for NHS Talking Therapies and we offer CBT.",
        "She describes her upbringing in East Africa with warmth.",
        "He grew up in South America and speaks Spanish.",
        "She reported it to the Gardaí and rang the Samaritans.",
        "We met in the Zoom room again.",
    ],
)
def test_countries_continents_and_services_are_not_regions(text: str) -> None:
    assert _body(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("His National Insurance number is JT 48 21 90 B, I think.", ["JT 48 21 90 B"]),
        ("It was on a payslip with ZX482190A printed on it.", ["ZX482190A"]),
        ("Her practitioner code is PSY.0048213 on the register.", ["PSY.0048213"]),
        ("The van, plate WKD482, was outside again.", ["WKD482"]),
        ("The parking permit said RB-20931 in big letters.", ["RB-20931"]),
    ],
)
def test_national_insurance_numbers_and_licence_codes_are_marked(
    text: str, expected: list[str]
) -> None:
    assert _body(text) == expected


def test_clinical_scales_and_diagnosis_codes_are_not_marked_as_numbers() -> None:
    text = (
        "We use the PHQ-9, GAD-7, CORE-10, DASS-21, PCL-5, K10 and SCL-90-R. Since COVID-19 "
        "she has had an F43.10 diagnosis, per ICD-10 and the DSM-5-TR."
    )
    assert _body(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My client is 15 and frightened.", ["15"]),
        ("Her grandfather turned 83 in the spring.", ["83"]),
        ("At 19 she left home with nothing.", ["19"]),
        ("She was widowed at 44, after a long illness.", ["44"]),
        ("His daughter, 6, sits in the waiting room.", ["6"]),
        ("He is a plasterer, 37, and newly sober.", ["37"]),
        ("She describes a man of 60 who follows her.", ["60"]),
        ("He is a retired postman of 81, and lonely.", ["81"]),
        ("Her boyfriend is 24; she is 16.", ["24", "16"]),
        ("Oisín is 12 and very bright.", ["Oisín", "12"]),
    ],
)
def test_bare_ages_are_marked_where_the_context_says_age(text: str, expected: list[str]) -> None:
    assert _body(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "She scored 15 on the PHQ-9 last week.",
        "The session ran 15 minutes over, and she was 10 minutes late.",
        "We finished at 3pm, and at 7, she rang.",
        "We met in room 12, and the fee is 60.",
        "She is a mother of three and was 2 hours early.",
        "It was 10. I capped the sessions at 20.",
    ],
)
def test_scores_durations_times_and_fees_are_not_ages(text: str) -> None:
    assert _body(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Her office is in Fresno, CA 93721, near the park.", ["Fresno", "CA 93721"]),
        ("She moved to a flat in SE22 with her partner.", ["SE22"]),
        ("Everyone in the BS5 area knows the family.", ["BS5"]),
        ("He rents a room in Salford M6 from a friend.", ["Salford", "M6"]),
        ("She crashed on Route 9 near the river.", ["Route 9"]),
    ],
)
def test_zips_and_uk_postcode_districts_are_marked_in_an_address(
    text: str, expected: list[str]
) -> None:
    assert _body(text) == expected


def test_vitamins_gases_and_motorways_are_not_postcode_districts() -> None:
    assert _body("She is low in B12, drives the M6, and worries about CO2 emissions.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rose told me she was leaving.", ["Rose"]),
        ("Will said nothing for ten minutes.", ["Will"]),
        ("Dawn has been my client for a year.", ["Dawn"]),
        ("Joy confided that she drinks.", ["Joy"]),
        ("I like working with Grace. Grace tells me everything.", ["Grace", "Grace"]),
        ("Hope is a former client of mine.", ["Hope"]),
    ],
)
def test_names_that_are_words_are_marked_at_a_sentence_start_with_a_person_verb(
    text: str, expected: list[str]
) -> None:
    assert _body(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Will you tell me what you think?",
        "Hope is not a plan, as my supervisor says.",
        "Joy filled the room when she spoke.",
        "Mark my words, this will come back.",
        "Do you think I should refer her on?",
    ],
)
def test_ordinary_words_at_a_sentence_start_are_not_names(text: str) -> None:
    assert _body(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He works at Primark on Saturdays.", ["Primark"]),
        ("She is a pharmacist at Boots in town.", ["Boots"]),
        ("Her job at Vodafone is stressful.", ["Vodafone"]),
        ("He is a consultant with Accenture now.", ["Accenture"]),
        ("She drives for Deliveroo in the evenings.", ["Deliveroo"]),
        ("He is an engineer with SP Energy now.", ["SP Energy"]),
    ],
)
def test_employers_named_as_where_someone_works_are_marked(text: str, expected: list[str]) -> None:
    assert _body(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "He drives a Ford Focus and talks about cars.",
        "My approach is Gottman-based, with some Rogerian warmth.",
        "I have been reading Winnicott and Bowlby again.",
        "She speaks Polish at home and English at work, and some Welsh.",
        "We had a call with Zoom open, and a session with her later.",
        "His National Insurance number is on the form; she quotes The Bible.",
        "I see a client for OCD and refer others to a specialist for EMDR.",
        "She is a sergeant with the Gardaí, and I am a therapist with PTSD.",
        "Our Early Intervention in Psychosis team meets on Mondays.",
    ],
)
def test_products_methods_and_languages_are_not_marked(text: str) -> None:
    assert _body(text) == []


LETTER_WITH_DETAILS = (
    "My client Sarah rang me on 07700 900123 late at night and then wrote to me from "
    "sarah@example.com the next morning. How do I keep the frame without being cold?"
)


def test_the_letter_page_marks_details_beside_the_unmarked_original(newsroom: TestClient) -> None:
    assert send_letter(newsroom, question=LETTER_WITH_DETAILS).status_code == 303
    with Session(newsroom.app.state.services.engine) as session:
        qid = session.exec(select(Question.id)).one()
    log_in(newsroom, "editor")
    doc = soup(newsroom.get(f"/admin/questions/{qid}").text)
    marks = doc.select(".marked-field:has(#letter) .marked-field__backdrop mark")
    assert [m.get_text() for m in marks] == ["Sarah", "07700 900123", "sarah@example.com"]
    assert [m["data-kind"] for m in marks] == ["name", "phone", "email"]
    panel = doc.select_one("#aid-panel")
    assert "3 possible identifying details" in panel.select_one(".aid__summary").get_text()
    original = doc.select_one("section.original .original__text")
    assert original.find("mark") is None
    assert original.get_text() == LETTER_WITH_DETAILS
