"""English phrase bank for synthetic news: enough variety that no two demo articles read alike.

All names are fictional; the templates imitate the register of state news-agency English.
"""

from __future__ import annotations

import random
import re

OFFICIALS = (
    "Deputy Foreign Minister Reza Kamali",
    "Foreign Ministry spokesman Hamed Sadeghi",
    "Minister of Economy Farhad Rostami",
    "Oil Minister Bijan Mahdavi",
    "Government spokeswoman Leila Farahani",
    "Minister of Roads Farzaneh Tahmasbi",
    "Health Minister Davood Ahmadian",
    "Central Bank governor Mehdi Karimpour",
    "Parliament speaker Ali Hosseinzadeh",
    "Minister of Agriculture Nasser Jahani",
    "Head of the Meteorological Organization Sara Moradi",
    "Tourism Minister Kourosh Ebrahimi",
)
COUNTRIES = (
    "Vietnam",
    "Malaysia",
    "Brazil",
    "Kazakhstan",
    "Oman",
    "Armenia",
    "Indonesia",
    "South Africa",
    "Venezuela",
    "Belarus",
    "Qatar",
    "Pakistan",
    "Tajikistan",
    "Kenya",
)
CITIES = (
    "Tehran",
    "Hanoi",
    "Kuala Lumpur",
    "Geneva",
    "Vienna",
    "Doha",
    "Muscat",
    "Yerevan",
    "Astana",
    "New York",
    "Baku",
    "Islamabad",
    "Nairobi",
    "Brasilia",
)
PROVINCES = (
    "Isfahan",
    "Fars",
    "Khorasan Razavi",
    "Gilan",
    "Kerman",
    "Hormozgan",
    "Yazd",
    "Mazandaran",
    "Khuzestan",
    "Ardabil",
    "Bushehr",
    "Qazvin",
)
TOPICS = (
    "trade",
    "energy cooperation",
    "water management",
    "transit corridors",
    "cybercrime",
    "tourism",
    "food security",
    "railway links",
    "renewable energy",
    "public health",
    "customs procedures",
    "scientific exchange",
    "banking ties",
    "climate change",
)
PRODUCTS = (
    "saffron",
    "pistachios",
    "petrochemicals",
    "steel",
    "carpets",
    "dates",
    "cement",
    "medical equipment",
    "dairy products",
    "tiles",
)
TEAMS = (
    "Persepolis",
    "Esteghlal",
    "Sepahan",
    "Tractor",
    "Foolad",
    "Zob Ahan",
    "Mes Rafsanjan",
    "Gol Gohar",
    "Aluminium Arak",
    "Malavan",
)
WEATHER = ("heavy rain", "dust storms", "strong winds", "flash floods", "a heatwave", "snowfall")
UNITS = ("power plants", "schools", "health centres", "water treatment plants", "bridges")

THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # theme: (titles, lead paragraphs, further sentences)
    "diplomacy": (
        (
            "{official} meets {country} counterpart in {city} to discuss {topic}",
            "{country} and {country2} sign memorandum on {topic}",
            "Delegation from {country} arrives in {city} for talks on {topic}",
            "Joint committee with {country} to meet in {city} next month",
        ),
        (
            "{official} said on {weekday} that {topic} would top the agenda of talks with"
            " {country}.",
            "A delegation led by {official} arrived in {city} on {weekday} for a two-day visit.",
            "The two sides agreed to expand cooperation in {topic} and {topic2}, according to a"
            " statement.",
        ),
        (
            "The meeting focused on ways to remove obstacles to {topic} between the two countries.",
            "{official} described the talks as constructive and forward-looking.",
            "Both sides stressed the need to implement agreements signed during previous visits.",
            "The agreement covers {topic}, {topic2} and the exchange of technical expertise.",
            "The next round of talks is scheduled to be held in {city}.",
            "A joint working group will follow up the implementation of the agreements.",
            "Observers say the move reflects growing interest in regional cooperation.",
        ),
    ),
    "economy": (
        (
            "Exports of {product} rise {pct} percent in first half of year",
            "{official}: government gives priority to {topic}",
            "Parliament approves bill on {topic} after lengthy debate",
            "{province} hosts international exhibition on {topic}",
        ),
        (
            "Figures released on {weekday} show that exports of {product} grew by {pct} percent.",
            "{official} told reporters on {weekday} that {topic} remained a priority.",
        ),
        (
            "According to the latest figures, the volume of trade reached {number} million"
            " dollars.",
            "{country} is among the main buyers of {product}, the report said.",
            "The exhibition brings together {number} companies from {number2} countries.",
            "Representatives of the private sector also attended the meeting.",
            "The ministry said further details would be announced in the coming weeks.",
            "Lawmakers said the new rules would take effect at the start of the next fiscal year.",
        ),
    ),
    "development": (
        (
            "{count} {units} inaugurated in {province} province",
            "New flights between {city} and {city2} to start in December",
        ),
        (
            "Officials in {province} province said {count} {units} had been completed this year.",
            "{official} said on {weekday} that the new routes would open before the winter.",
        ),
        (
            "The project, which cost about {number} billion rials, employs {number2} local"
            " workers.",
            "Experts say the plan could help create jobs in less developed regions of {province}.",
            "The government has allocated new funds to complete unfinished projects in {province}.",
            "Officials expect the new route to cut travel time by {pct} percent.",
        ),
    ),
    "weather": (
        ("Weather office warns of {weather} in {province} province",),
        ("Forecasters expect {weather} to affect parts of {province} province until the weekend.",),
        (
            "Local authorities have asked residents to avoid unnecessary travel.",
            "Emergency teams have been placed on alert in {count} cities of the province.",
            "Schools in several districts will remain closed on {weekday}, officials said.",
            "Temperatures are expected to return to seasonal levels early next week.",
        ),
    ),
    "sports": (
        ("{team} beat {team2} {score} in Pro League",),
        ("{team} moved up the Pro League table after a win over {team2} on {weekday}.",),
        (
            "The match was played in front of a crowd of {number} spectators.",
            "Coach {surname} said his players had shown great character in the second half.",
            "{team2} will host the league leaders in their next match.",
            "The winning goal came in the closing minutes of the match.",
        ),
    ),
}
GENERAL = (
    "The announcement came a day after a cabinet meeting chaired by the president.",
    "Officials did not give a timetable for the next steps.",
    "The issue has been discussed several times in recent months.",
    "Local media reported that preparations had begun weeks ago.",
    "A statement issued after the meeting called the outcome a success.",
    "The plan still needs the approval of the relevant authorities in {city}.",
    "Critics have questioned whether the targets can be met within the budget.",
    "The figures are higher than those recorded in the same period last year.",
    "Provincial officials from {province} also took part in the discussions.",
    "The decision was welcomed by business groups and trade associations.",
    "Further meetings between experts are expected before the end of the month.",
    "The ministry's website published the full text of the decision on {weekday}.",
    "He added that cooperation with neighbouring countries would continue.",
    "She said the government was following the matter closely.",
    "No further details were released about the participants.",
    "The initiative is part of a wider programme launched two years ago.",
    "Similar measures were introduced in {province} province last spring.",
    "Analysts said the move was expected and would have limited short-term effects.",
    "Residents have been asked to follow official announcements.",
    "The event was also attended by ambassadors of several countries.",
    "A report on the results will be submitted to parliament.",
    "The director of the provincial office said work would continue around the clock.",
    "Officials hope the arrangement will serve as a model for other regions.",
    "According to the organizers, registration remains open until {weekday}.",
)
QUOTES = (
    "We are determined to expand our relations in all fields",
    "This is an important step for the economy of the region",
    "Our priority is to serve the people and solve their problems",
    "The doors of dialogue and cooperation are always open",
    "We hope this agreement will benefit both nations",
)
SURNAMES = ("Nazari", "Ghasemi", "Rahimi", "Soltani", "Bagheri", "Jafari", "Mousavi")
WEEKDAYS = ("Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday")


def slugify(title: str, max_words: int = 9) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words[:max_words])


POOLS: dict[str, tuple[str, ...]] = {
    "official": OFFICIALS,
    "country": COUNTRIES,
    "city": CITIES,
    "province": PROVINCES,
    "topic": TOPICS,
    "product": PRODUCTS,
    "team": TEAMS,
    "weather": WEATHER,
    "units": UNITS,
    "surname": SURNAMES,
    "weekday": WEEKDAYS,
}
NUMBERS: dict[str, tuple[int, int]] = {
    "number": (3, 480),
    "number2": (2, 60),
    "count": (3, 48),
    "pct": (4, 38),
}


class _Filler(dict[str, str]):
    """Placeholder values drawn on first use and then kept, so one article names one country;
    `country2` and the like always differ from `country`."""

    def __init__(self, rng: random.Random):
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        self[key] = value = self._draw(key)
        return value

    def _draw(self, key: str) -> str:
        rng = self.rng
        if key in NUMBERS:
            return str(rng.randint(*NUMBERS[key]))
        if key == "score":
            return f"{rng.randint(2, 4)}-{rng.randint(0, 1)}"
        if key.endswith("2"):
            first = self[key[:-1]]
            return rng.choice([v for v in POOLS[key[:-1]] if v != first])
        return rng.choice(POOLS[key])

    def fill(self, template: str) -> str:
        text = template.format_map(self)
        return text[0].upper() + text[1:]


def make_article_text(rng: random.Random, count: int, taken: set[str]) -> tuple[str, list[str]]:
    """A title whose slug is not in `taken`, then up to `count` paragraphs on its theme: a lead,
    then one to three sentences each (none repeated), some quoting an official."""
    while True:
        titles, leads, sentences = THEMES[rng.choice(sorted(THEMES))]
        filler = _Filler(rng)
        title = filler.fill(rng.choice(titles))
        if slugify(title) not in taken:
            break
    unused = [*sentences, *GENERAL]
    rng.shuffle(unused)
    quotes = list(rng.sample(QUOTES, 2))
    paragraphs = [filler.fill(rng.choice(leads))]
    while len(paragraphs) < count and unused:
        if quotes and rng.random() < 0.15:
            paragraphs.append(f'"{quotes.pop()}," {filler["official"]} said.')
            continue
        chosen = [unused.pop() for _ in range(min(len(unused), rng.randint(1, 3)))]
        paragraphs.append(" ".join(filler.fill(s) for s in chosen))
    return title, paragraphs
