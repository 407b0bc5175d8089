"""Seed step: akims and their terms, from the first direct elections of July 2021 to today."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from portal.akims.models import Akim, Gender, Term, TermEndReason, TermStatus
from portal.seed.context import RuralDistrictSeed, SeedContext, TermSeed, insert_rows, read_lines
from portal.seed.languages import NORTH, SOUTH_AND_WEST
from portal.textsearch import fold
from portal.translit import to_latin

FIRST_ELECTIONS = date(2021, 7, 25)  # a Sunday
# DOMAIN.md: about 730-775 of the 2,345 posts (≈ 31 %) were first filled on 25 July 2021.
FIRST_ELECTIONS_SHARE = 0.31
TERM_YEARS = 4
PARTIES = ("amanat", "auyl", "aq_jol", "respublica", "peoples", None)
PARTY_WEIGHTS = (64, 9, 5, 5, 3, 14)
# Early ends the seed draws (one draw whatever the list): a recall never, since no procedure
# for recalling a rural akim has been recorded; abolition never, since the seed's rural
# districts all still exist and elect a successor.
EARLY_END_REASONS = (TermEndReason.RESIGNED, TermEndReason.APPOINTED, TermEndReason.DIED,
                     TermEndReason.INELIGIBLE)
EARLY_END_WEIGHTS = (55, 35, 5, 5)
# Markers in a timeline before people are assigned: a new person, or the previous akim again.
NEW_AKIM = 0
REELECTED = -1


# Kazakh names given from the 1980s on: no father born 1935-1975 bears one, so none makes a
# patronymic (a judgement of ours, for the synthetic story).
RECENT_NAMES = frozenset((
    "Нұрсұлтан", "Арсен", "Данияр", "Дастан", "Елдос", "Елжан", "Мирас", "Темірлан", "Санжар",
    "Абылай", "Ақжол", "Алпамыс", "Әлішер", "Әмір", "Әсет", "Елнұр", "Ерасыл", "Ержігіт",
    "Еркебұлан", "Медет", "Нұртас", "Нұрым", "Шерхан", "Абзал", "Азат", "Әлихан", "Ерназар",
    "Даниял", "Тұрлан", "Ерсұлтан", "Айбар", "Бекнұр", "Нұрасыл", "Сұңқар", "Досжан", "Мәди",
    "Бекарыс", "Арыстан", "Жандос", "Айдос", "Бекзат", "Шыңғыс", "Ұлан", "Әлібек", "Аслан",
    "Ислам"
))
# Akims of Russian, Ukrainian and German names, per thousand, in the northern regions and in
# the centre and east (none in the south and west): a rule of ours, not a statistic.
ORIGINS = ("kazakh", "russian", "ukrainian", "german")
ORIGIN_WEIGHTS = {"north": (700, 220, 50, 30), "other": (880, 100, 10, 10)}
# Names for fictional akims of those origins: given names, fathers' names (born 1935-1975)
# with the patronymics they make, surnames (Ukrainian and German ones do not change).
RUSSIAN_MALE = ("Александр", "Сергей", "Андрей", "Владимир", "Дмитрий", "Николай", "Алексей",
                "Виктор", "Евгений", "Игорь", "Олег", "Юрий", "Михаил", "Павел", "Вадим",
                "Константин", "Денис", "Роман")
RUSSIAN_FEMALE = ("Елена", "Ольга", "Татьяна", "Наталья", "Светлана", "Ирина", "Людмила",
                  "Галина", "Марина", "Надежда", "Оксана", "Юлия", "Анна", "Екатерина")
GERMAN_MALE = ("Виктор", "Александр", "Андрей", "Вальдемар", "Эдуард", "Роберт", "Артур",
               "Владимир")
GERMAN_FEMALE = ("Эльвира", "Ирина", "Елена", "Ольга", "Наталья", "Марина", "Лилия")
FATHERS = (("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"),
           ("Владимирович", "Владимировна"), ("Николаевич", "Николаевна"),
           ("Викторович", "Викторовна"), ("Иванович", "Ивановна"), ("Петрович", "Петровна"),
           ("Васильевич", "Васильевна"), ("Михайлович", "Михайловна"),
           ("Анатольевич", "Анатольевна"), ("Геннадьевич", "Геннадьевна"),
           ("Юрьевич", "Юрьевна"), ("Валерьевич", "Валерьевна"), ("Григорьевич", "Григорьевна"))
GERMAN_FATHERS = (("Генрихович", "Генриховна"), ("Эдуардович", "Эдуардовна"),
                  ("Вальдемарович", "Вальдемаровна"), ("Робертович", "Робертовна"),
                  ("Давидович", "Давидовна"), ("Яковлевич", "Яковлевна"),
                  ("Викторович", "Викторовна"), ("Иванович", "Ивановна"))
RUSSIAN_SURNAMES = ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов",
                    "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев",
                    "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев")
UKRAINIAN_SURNAMES = ("Шевченко", "Бондаренко", "Коваленко", "Ткаченко", "Кравченко",
                      "Олейник", "Савченко", "Мельник", "Бойко", "Руденко", "Марченко",
                      "Лысенко")
GERMAN_SURNAMES = ("Шмидт", "Миллер", "Вебер", "Шнайдер", "Майер", "Вагнер", "Беккер",
                   "Шульц", "Гофман", "Рихтер", "Клейн", "Вольф", "Нойман", "Циммерман")


class NameMaker:
    """Plausible, fictional names: surname, given name, patronymic. Kazakh names everywhere;
    in the north and centre also Russian, Ukrainian and German ones (ORIGIN_WEIGHTS)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.male = read_lines("given_names_male.txt")
        self.female = read_lines("given_names_female.txt")
        self.surnames = read_lines("surnames.txt")

    def person(self, gender: Gender, region: str = "") -> str:
        rng = self.rng
        female = gender is Gender.FEMALE
        origin = origin_of(rng, region)
        if origin != "kazakh":
            return self._slavic_or_german(origin, female)
        surname = rng.choice(self.surnames)
        father = rng.choice(self.male)
        while father in RECENT_NAMES:  # a father born 1935-1975
            father = rng.choice(self.male)
        if female:
            return f"{surname}а {rng.choice(self.female)} {father}қызы"
        return f"{surname} {rng.choice(self.male)} {father}ұлы"

    def _slavic_or_german(self, origin: str, female: bool) -> str:
        surname, given = other_given_and_surname(self.rng, origin, female)
        father = self.rng.choice(GERMAN_FATHERS if origin == "german" else FATHERS)[female]
        return f"{surname} {given} {father}"


def origin_of(rng: random.Random, region: str) -> str:
    """Whose name a person of `region` bears (ORIGIN_WEIGHTS); no draw in the south and west."""
    if region in SOUTH_AND_WEST:
        return "kazakh"
    return rng.choices(ORIGINS, ORIGIN_WEIGHTS["north" if region in NORTH else "other"])[0]


def other_given_and_surname(rng: random.Random, origin: str, female: bool) -> tuple[str, str]:
    """(surname, given name) of a Russian, Ukrainian or German name."""
    if origin == "german":
        return (rng.choice(GERMAN_SURNAMES),
                rng.choice(GERMAN_FEMALE if female else GERMAN_MALE))
    surname = rng.choice(RUSSIAN_SURNAMES if origin == "russian" else UKRAINIAN_SURNAMES)
    if origin == "russian" and female:
        surname += "а"
    return surname, rng.choice(RUSSIAN_FEMALE if female else RUSSIAN_MALE)


def seed(ctx: SeedContext) -> None:
    rng = ctx.rng("people")
    names = NameMaker(rng)
    akims: list[dict[str, object]] = []
    terms: list[dict[str, object]] = []
    for index, rural_district in enumerate(ctx.rural_districts):
        demo_lead = not ctx.national and index == 0
        previous: TermSeed | None = None
        for term in _timeline(ctx, rng, rural_district, demo_lead):
            if term.akim_id == REELECTED and previous is not None:
                term.akim_id = previous.akim_id
            else:
                term.akim_id = _new_akim(ctx, rng, names, akims, term.elected_on,
                                         rural_district.region)
            terms.append(_term_row(rng, term))
            ctx.terms.append(term)
            previous = term
    insert_rows(Akim, akims)
    insert_rows(Term, terms)
    serving = sum(1 for term in ctx.terms if term.serving)
    ctx.progress(f"akims: {len(akims)} people, {len(terms)} terms, {serving} serving")
    if not ctx.national:
        lead = ctx.rural_districts[0]
        ctx.demo.akim_term_id = _serving_term_in(lead.id, ctx.terms).id
        second = next(t for t in ctx.terms if t.serving and _district_of(ctx, t) !=
                      lead.district_id)
        ctx.demo.akim2_term_id = second.id


def _timeline(ctx: SeedContext, rng: random.Random, rural_district: RuralDistrictSeed,
              demo_lead: bool) -> list[TermSeed]:
    """Terms of one rural district, oldest first, ending with a serving one."""
    if demo_lead:
        # The demo akim's district: a resignation in 2023 and a by-election, so the serving
        # term has several years of reports behind it.
        first = _term(ctx, rural_district, FIRST_ELECTIONS, akim_id=NEW_AKIM)
        _end(first, date(2023, 3, 14), TermEndReason.RESIGNED)
        second = _term(ctx, rural_district, date(2023, 6, 4), akim_id=NEW_AKIM)
        return [first, second]
    # About a third of the units first elected their akims on 25 July 2021; the others as
    # their appointed akims' terms ended, in later elections (issue 20's story rules).
    if rng.random() < FIRST_ELECTIONS_SHARE:
        elected = FIRST_ELECTIONS
    else:
        elected = sunday_on_or_after(FIRST_ELECTIONS + timedelta(days=rng.randint(60, 1_500)))
    terms: list[TermSeed] = []
    akim_id = NEW_AKIM
    terms_of_akim = 0
    while elected <= ctx.as_of:
        term = _term(ctx, rural_district, elected, akim_id)
        terms.append(term)
        terms_of_akim += 1
        early = rng.random() < 0.22
        end = (term.starts_on + timedelta(days=rng.randint(200, 1_300))) if early else term.ends_on
        if end >= ctx.as_of:
            break
        _end(term, end, None if not early else rng.choices(EARLY_END_REASONS,
                                                           EARLY_END_WEIGHTS)[0])
        if not early and terms_of_akim < 2 and rng.random() < 0.45:
            akim_id = REELECTED
        else:
            akim_id, terms_of_akim = NEW_AKIM, 0
        elected = sunday_on_or_after(end + timedelta(days=1 if not early else rng.randint(60, 100)))
    return terms


def sunday_on_or_after(day: date) -> date:
    """Elections in Kazakhstan are held on a Sunday (a rule of ours for the synthetic story)."""
    return day + timedelta(days=(6 - day.weekday()) % 7)


def _term(ctx: SeedContext, rural_district: RuralDistrictSeed, elected: date,
          akim_id: int) -> TermSeed:
    starts = elected + timedelta(days=3)
    ends = _add_years(starts, TERM_YEARS)
    return TermSeed(id=ctx.new_id(Term), akim_id=akim_id, rural_district_id=rural_district.id,
                    elected_on=elected, starts_on=starts, ends_on=ends, ended_on=None,
                    serving=True)


def _end(term: TermSeed, on: date, reason: TermEndReason | None = None) -> None:
    term.serving = False
    term.ended_on = on
    term.end_reason = (reason or TermEndReason.TERM_END).value
    if reason is TermEndReason.INELIGIBLE:  # a fictional record, like the term itself
        term.end_record = f"Court decision (fictional) No. 2-{term.id}/{on.year} of {on}"


def _term_row(rng: random.Random, term: TermSeed) -> dict[str, object]:
    return {
        "id": term.id, "akim_id": term.akim_id, "rural_district_id": term.rural_district_id,
        "elected_on": term.elected_on, "starts_on": term.starts_on, "ends_on": term.ends_on,
        "ended_on": term.ended_on,
        "vote_share": Decimal(str(round(rng.uniform(34, 88), 2))),
        "turnout": Decimal(str(round(rng.uniform(38, 86), 2))),
        "status": (TermStatus.SERVING if term.serving else TermStatus.ENDED).value,
        "end_reason": term.end_reason, "end_record": term.end_record,
    }


def _new_akim(ctx: SeedContext, rng: random.Random, names: NameMaker,
              akims: list[dict[str, object]], elected: date, region: str) -> int:
    # About one akim in eight a woman: a rule of ours (no published share was found).
    gender = Gender.FEMALE if rng.random() < 0.12 else Gender.MALE
    full_name = names.person(gender, region)
    akim_id = ctx.new_id(Akim)
    latin = to_latin(full_name)
    akims.append({
        "id": akim_id, "full_name": full_name, "full_name_latn": latin,
        "birth_year": elected.year - max(25, int(rng.gauss(43, 7))),
        "gender": gender.value, "party": rng.choices(PARTIES, PARTY_WEIGHTS)[0],
        "search_key": fold(full_name, latin),
    })
    return akim_id


def _serving_term_in(rural_district_id: int, terms: list[TermSeed]) -> TermSeed:
    return next(t for t in terms if t.rural_district_id == rural_district_id and t.serving)


def _district_of(ctx: SeedContext, term: TermSeed) -> int:
    return next(rd.district_id for rd in ctx.rural_districts if rd.id == term.rural_district_id)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
