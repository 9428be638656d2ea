"""The closed word classes the proper-noun rules lean on: titles, street words, stop words."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLES = _words(
    "Mr Mrs Ms Miss Mx Dr Doctor Prof Professor Father Fr Sister Sr Brother Br Rabbi Imam"
    " Pastor Rev Reverend Revd Coach Judge Justice Nurse Aunt Auntie Aunty Uncle Nana Nan Gran"
    " Grandma Granny Grandpa Grandad Sheikh Bishop Canon Deacon Sir Dame Lady Lord Officer"
    " Detective Sergeant Sgt Captain Capt Principal Mother Councillor Cllr Senator Rep Pr"
)
# Words that follow a capitalised name to make it a workplace, school, church or clinic.
WORKPLACE_WORDS = _words(
    "clinic clinics hospital hospitals school schools academy university college centre center"
    " church chapel cathedral parish mosque temple synagogue gurdwara practice surgery hospice"
    " prison unit ward trust foundation charity company ltd limited inc llc plc group partners"
    " associates services solutions agency council library cafe café bakery pharmacy garage"
    " salon gym studio studios institute nursery kindergarten preschool primary secondary high"
    " elementary middle infirmary medical health care home homes centres ministries ministry"
    " bank hotel restaurant pub bar store stores shop supermarket factory warehouse office"
    " offices firm consultancy counselling counseling therapy therapies psychiatry mission"
    " club league team fc society association federation network project rooms wellness"
    " fitness logistics motors builders construction roofing plumbing consulting media labs"
    " systems technologies industries enterprises supplies transport haulage cleaning dental"
    " optical optician vets veterinary kitchen deli diner grill books bookshop market travel"
    " insurance estates lettings properties legal solicitors accountants funeral gallery theatre"
    " cabs taxis couriers removals garden nails barbers"
)
WORKPLACE_TAIL = _words("primary secondary high elementary middle medical health care")
UNMISTAKABLE_STREET_WORDS = _words(
    "Street St Road Rd Lane Ln Avenue Ave Drive Boulevard Blvd Crescent Cres Terrace Mews"
    " Highway Hwy Wynd"
)
# These name streets only with a house number or "on", "off", "near" before them.
STREET_WORDS = UNMISTAKABLE_STREET_WORDS | _words(
    "Close Way Place Pl Gardens Court Ct Square Sq Grove Row Walk Parade Estate Pike Circle"
    " Trail Quay Embankment Hill Park Green"
)
REGION_WORDS = _words("County Co Shire Borough District Province State Parish Township")
COMPASS_WORDS = _words(
    "North South East West Northern Southern Eastern Western Central Mid North-East North-West"
    " South-East South-West Northeast Northwest Southeast Southwest Upper Lower Greater Inner Outer"
)
# What follows a name to make a region: "the Gold Coast", "the Scottish Highlands".
REGION_NOUNS = _words(
    "Coast Coastline Midlands Highlands Lowlands Uplands Valley Valleys Dales Downs Moors Fens"
    " Broads Wolds Weald Hills Mountains Ranges Plains Peninsula Riviera Borders Marches Country"
    " Isles Islands Island Forest Lakes Heights Beaches Suburbs Shore Hinterland Tablelands"
    " Panhandle Delta Basin Counties Region Bay Outback River Rivers"
)
# The abbreviations style guides use beside the ISO codes: Australian states, Canadian
# provinces as the Canadian Press writes them, and US states as AP style does.
TRADITIONAL_CODES = _words(
    "Qld Qld. Vic Vic. Tas Tas. N.S.W. W.A. S.A. N.T. A.C.T."
    " Ont Ont. B.C. N.S. N.B. Alta. Sask. Man. Que. P.E.I. Nfld. N.L. N.W.T. Y.T."
    " Ala. Ariz. Ark. Calif. Colo. Conn. Del. Fla. Ga. Ill. Ind. Kan. Ky. La. Md. Mass."
    " Mich. Minn. Miss. Mo. Mont. Neb. Nev. N.H. N.J. N.M. N.Y. N.C. N.D. Okla. Ore. Pa."
    " R.I. S.C. S.D. Tenn. Tex. Vt. Va. Wash. W.Va. Wis. Wyo. D.C."
)
# Codes that are no English word or common acronym, so "in NSW" or "across Qld" is enough;
# others ("ACT" the therapy, "OR", "IN", "Miss.") need a town before them.
DISTINCT_CODES = _words(
    "NSW QLD Qld Qld. VIC Vic. TAS Tas. N.S.W. BC B.C. Ont. Alta. Sask. Que. P.E.I. Nfld."
)
# Codes that are also degrees written after a name: "Jo Marsh, MA", "Dr Patel, MD".
CREDENTIALS = _words("MA MD PA DC MS ND")
# What a pen name says its writer does: "Okanagan Therapist", "Border Counsellor".
PROFESSIONS = _words(
    "therapist counsellor counselor psychologist psych psychotherapist worker nurse clinician"
    " practitioner psychiatrist supervisor trainee analyst coach"
)
# The nations of these islands, which a compass point makes a region: "North Wales".
HOME_NATIONS = _words("England Scotland Wales Ireland")
# Capitalised words that never identify anyone on their own.
STOP_WORDS = _words(
    "I Dear Ethics Consult OK Okay Hi Hello Yours Regards Thanks Thank Best Sincerely Love"
    " Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thurs Fri"
    " January February March April May June July August September October November December"
    " Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Eircode Postcode Zip"
    " Christmas Xmas Easter Ramadan Eid Diwali Hanukkah Chanukah Passover Lent Advent Pentecost"
    " Thanksgiving Halloween Yom Kippur Rosh Hashanah Holi Vesak Lunar New Year Boxing Day Eve"
    " God Jesus Christ Allah Lord Bible Koran Quran Torah Gospel Christian Christians Catholic"
    " Protestant Muslim Muslims Jewish Jew Hindu Sikh Buddhist Islam Islamic Christianity"
    " Mum Mom Mummy Mommy Dad Daddy Mam Mammy Ma Pa Papa Mama Grandma Grandpa Nan Nana Granny"
    " Internet Covid Brexit"
    # Grandparents, parents, aunts and uncles as they are called in many families' languages.
    " Nani Nana Nanna Dadi Dada Abuela Abuelo Abuelita Oma Opa Omi Baba Babcia Babushka Dziadek"
    " Amma Appa Ammi Abba Abbu Ammu Bubbe Bubby Zayde Zaida Yiayia Papou Nonna Nonno Nan Tata"
    " Mamá Papá Tía Tío Tia Tio Tita Tito Lolo Khala Chacha Chachi Mausi Bua Bibi Ouma Oupa"
)
SEASONS = _words("Spring Summer Autumn Fall Winter")
# Eponymous diagnoses: capitalised and possessive, but not a person in the letter.
EPONYMS = _words(
    "Alzheimer Alzheimers Parkinson Parkinsons Asperger Aspergers Tourette Tourettes Crohn"
    " Crohns Huntington Huntingtons Down Hashimoto Graves Addison Cushing Bell Raynaud Lyme"
    " Munchausen Capgras Korsakoff Wernicke Marfan Kawasaki Guillain Barré Barre Ehlers Danlos"
    " Stockholm Heimlich Rorschach"
)
# Theorists whose names stand for their methods: "reading Winnicott", "Gottman-based".
THEORISTS = _words(
    "Freud Freudian Jung Jungian Rogers Rogerian Beck Linehan Gottman Bowlby Winnicott Klein"
    " Kleinian Lacan Maslow Erikson Yalom Socratic Hippocratic Adler Adlerian Kohut Bion"
    " Minuchin Satir Perls Gendlin Frankl Piaget Vygotsky Porges Fonagy Kabat-Zinn Ainsworth"
    " Skinner Pavlov Bandura Seligman Bateson Erickson Ericksonian Horney Fromm Kernberg"
)
# What a capitalised word is joined to when it describes a method: "Gottman-based".
METHOD_TAILS = _words(
    "based informed inspired style like type esque oriented influenced derived trained certified"
    " approved focused led aligned"
)
# Words after a name that show it is the subject of a sentence ("Hope said", not "Hope this").
SUBJECT_VERBS = _words(
    "said says told asked came went rang called texted emailed wrote messaged arrived left"
    " cancelled canceled missed started stopped seems seemed looked felt feels thinks thought"
    " knows knew wants wanted lives lived works worked cried laughed shared mentioned brought"
    " sent keeps kept makes gets got became brings tells admitted agreed insisted explained"
    " replied began begins needs needed loves loved hates hated disclosed revealed returned moved"
    " lost found asks joined joins goes comes says writes reported refused decided confided"
    " confides describes described admits denies denied claims claimed promised promises"
    " threatened threatens apologised apologized apologises apologizes smiled nodded shrugged"
    " sighed sobbed screamed shouted yelled whispered phoned phones booked rescheduled attends"
    " attended walked drove stormed sat stood paused hesitated refuses insists worries worried"
    " believes believed studies texts emails rings calls replies complains complained pays paid"
    " arrives leaves signed signs"
)
# Words after a capitalised word at a sentence start that show an ordinary word ("Will you").
FUNCTION_WORDS = _words(
    "you i it this that the he she they we my your our a an to not there these those his her"
    " their its me us them all any some so if"
)
# Pronouns, determiners and other closed-class words: never a name at the start of a sentence.
CLOSED_CLASS = _words(
    "i he she it you we they me him her us them this that these those there here what when"
    " where who whom whose why how which my your his its our their one some any all each every"
    " no not if so but and or then now also just still even only yes yeah after before on in"
    " at to from for with by of about over under into onto upon as since until while during"
)
RELATIONS = _words(
    "client clients supervisee patient son daughter child boy girl baby brother sister mother"
    " father husband wife partner boyfriend girlfriend fiance fiancé fiancée ex niece nephew"
    " grandson granddaughter cousin aunt uncle friend colleague boss manager supervisor"
    " stepson stepdaughter stepfather stepmother twin named called nicknamed mum mom dad mam"
    " receptionist neighbour neighbor landlord landlady tenant tutor teacher student pupil nanny"
    " carer caregiver doctor nurse therapist counsellor counselor psychologist psychiatrist"
    " lawyer solicitor attorney surname trainer coach pastor priest vicar rabbi imam minister"
)
SUBJECT_PRONOUNS = _words("she he they i who we you and but")
# Who "a woman of 40" or "a retired nurse of 70" can be; not "a mother of three", who has
# three children.
PERSON_NOUNS = (
    _words(
        "man woman lady gentleman person boy girl child kid widow widower teenager youngster"
        " lad lass guy chap bloke student"
    )
    | RELATIONS
) - _words("mother father mum mom dad mam parent named called nicknamed surname")
# What happens to people at an age: "married at 19", "diagnosed at 57", "left school at 16".
AGE_EVENTS = _words(
    "born married diagnosed died retired widowed pregnant divorced emigrated adopted fostered"
    " orphaned abused assaulted raped arrested sectioned hospitalised hospitalized expelled"
    " excluded homeless sober qualified graduated enlisted left leaving dropped ran fled moved"
    " started began starting beginning came baptised confirmed lost had gave became"
)
PLACE_PREPOSITIONS = _words("in near outside around across towards toward via into")
NAME_PARTICLES = _words("de da del della di du van von der den le la bin bint ibn al el ben")
# Words before a month that make it a time, not a person: "in June", "last May".
TIME_WORDS = _words(
    "in on since by until till last next this every early late mid of during from through"
    " before after around that each the"
)
