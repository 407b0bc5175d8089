"""Synthetic report text for the seed: plausible, varied, fictional, in Kazakh or Russian
Markdown, as the akim writes (the language of the term's programme, `portal.seed.languages`).

A report names only the rural district's own villages (the classifier's) and the promises of
the akim's programme registered by the end of the period, each with its status as last
claimed by then. Short texts at national scale keep the seed fast and the database small; the
demo gets the full sections.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"),
    "kk": ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
           "қыркүйек", "қазан", "қараша", "желтоқсан"),
}

SUMMARY = {
    "ru": ("За {period} аппарат акима рассмотрел {appeals} {appeals_word} жителей, {solved} из "
           "них {solved_word} положительно. Основные направления работы: {a}, {b} и {c}."),
    "kk": ("{period} әкім аппараты тұрғындардың {appeals} өтінішін қарады, оның {solved} "
           "өтініші оң шешілді. Негізгі жұмыс бағыттары: {a}, {b} және {c}."),
}
SUMMARY_MORE = {
    "ru": ("Все решения и документы размещены на портале, вопросы жителей рассматриваются на "
           "еженедельном приёме граждан."),
    "kk": ("Барлық шешімдер мен құжаттар порталда жарияланған, тұрғындардың сұрақтары апта "
           "сайынғы азаматтарды қабылдауда қаралады."),
}
WORK_AREAS = {
    "ru": ("ремонт внутрипоселковых дорог", "уличное освещение", "водоснабжение",
           "вывоз мусора", "благоустройство детских площадок", "поддержка малого бизнеса",
           "занятость молодёжи", "подготовка к отопительному сезону", "санитарная очистка",
           "озеленение", "ремонт клуба", "содержание кладбищ", "борьба с паводками",
           "ветеринарная безопасность"),
    "kk": ("ауыл ішіндегі жолдарды жөндеу", "көше жарығы", "сумен жабдықтау", "қоқыс шығару",
           "балалар алаңдарын абаттандыру", "шағын бизнесті қолдау", "жастарды жұмыспен қамту",
           "жылыту маусымына дайындық", "санитарлық тазалау", "көгалдандыру", "клубты жөндеу",
           "зираттарды күтіп ұстау", "су тасқынына қарсы іс-шаралар",
           "ветеринариялық қауіпсіздік"),
}
# A promise's status as last claimed by the end of the period, in the akim's words.
STATUS_WORDS = {
    "ru": {"not_yet_rated": "работы ещё не начаты", "in_progress": "выполняется, готовность "
           "{p} %", "stalled": "работы приостановлены", "partially_kept": "выполнено частично "
           "({p} %)", "kept": "выполнено, объект принят комиссией", "broken": "не выполнено",
           "not_verifiable": "итоги уточняются", "outside_competence": "вопрос передан в "
           "акимат района", "withdrawn": "снято"},
    "kk": {"not_yet_rated": "жұмыс әлі басталған жоқ", "in_progress": "орындалуда, дайындығы "
           "{p} %", "stalled": "жұмыс тоқтатылды", "partially_kept": "ішінара орындалды "
           "({p} %)", "kept": "орындалды, нысанды комиссия қабылдады", "broken": "орындалмады",
           "not_verifiable": "қорытындысы нақтылануда", "outside_competence": "мәселе аудан "
           "әкімдігіне жолданды", "withdrawn": "алынып тасталды"},
}
NO_PROMISES = {
    "ru": "Обещания программы на этот период ещё не зарегистрированы.",
    "kk": "Бұл кезеңге бағдарламаның уәделері әлі тіркелмеген.",
}
BUDGET_HEAD = {
    "ru": ("| Статья | План, тыс. ₸ | Исполнено, тыс. ₸ |", "|---|---:|---:|"),
    "kk": ("| Бап | Жоспар, мың ₸ | Орындалды, мың ₸ |", "|---|---:|---:|"),
}
BUDGET_LINES = {
    "ru": ("Освещение улиц", "Благоустройство и озеленение", "Содержание дорог", "Санитария",
           "Культурно-массовые мероприятия", "Аппарат акима", "Водоснабжение"),
    "kk": ("Көшелерді жарықтандыру", "Абаттандыру және көгалдандыру", "Жолдарды күтіп ұстау",
           "Санитария", "Мәдени-бұқаралық іс-шаралар", "Әкім аппараты", "Сумен жабдықтау"),
}
# Residents' questions at the meeting and the akim's answers; "{place}" is one of the rural
# district's villages ("в селе X" / "X ауылында"), "{place_of}" the Kazakh "X ауылындағы".
QUESTIONS = {
    "ru": (
        ("Когда отремонтируют дорогу {place}?", "Работы включены в план следующего года; "
         "смета направлена в районный акимат."),
        ("Почему вечером нет освещения у школы {place}?", "Заменён неисправный счётчик, "
         "освещение восстановлено."),
        ("Можно ли установить остановку у медпункта {place}?", "Вопрос передан в районный "
         "отдел пассажирского транспорта, ответ ожидается в течение месяца."),
        ("Будет ли зимой вывоз мусора {place}?", "Да, по графику раз в неделю; график размещён "
         "в WhatsApp-группе села."),
        ("Как получить кредит по программе «Ауыл Аманаты»?", "Консультации проводятся в "
         "аппарате акима по вторникам."),
        ("Когда подключат новые улицы {place} к водопроводу?", "После выделения средств; "
         "заявка подана в рамках проекта «Ауыл – Ел бесігі»."),
        ("Кто уберёт стихийную свалку {place}?", "Свалка ликвидирована субботником, установлен "
         "знак и камера."),
    ),
    "kk": (
        ("{place_of} жол қашан жөнделеді?", "Жұмыс келесі жылдың жоспарына енгізілді; смета "
         "аудан әкімдігіне жіберілді."),
        ("{place_of} мектептің жанында кешке неге жарық жоқ?", "Істен шыққан есептегіш "
         "ауыстырылды, жарық қалпына келтірілді."),
        ("{place_of} медициналық пункттің жанына аялдама қоюға бола ма?", "Мәселе аудандық "
         "жолаушылар көлігі бөліміне жолданды, жауап бір ай ішінде күтіледі."),
        ("{place} қыста қоқыс шығарыла ма?", "Иә, аптасына бір рет кесте бойынша; кесте "
         "ауылдың WhatsApp тобында жарияланған."),
        ("«Ауыл Аманаты» бағдарламасы бойынша несиені қалай алуға болады?", "Кеңес әкім "
         "аппаратында сейсенбі күндері беріледі."),
        ("{place_of} жаңа көшелер су құбырына қашан қосылады?", "Қаржы бөлінгеннен кейін; "
         "өтінім «Ауыл – Ел бесігі» жобасы аясында берілді."),
        ("{place_of} рұқсатсыз қоқыс үйіндісін кім жинайды?", "Үйінді сенбілікте жойылды, "
         "белгі мен камера орнатылды."),
    ),
}
PLANS = {
    "ru": ("завершить ремонт дороги к школе {place}", "провести субботники в каждом селе",
           "подать заявку на капитальный ремонт клуба {place}", "установить ещё {n} фонарей",
           "провести отчётную встречу в каждом селе округа", "подготовить котельные к зиме",
           "открыть спортивную секцию для детей {place}",
           "провести приём граждан в отдалённых сёлах"),
    "kk": ("{place_of} мектепке баратын жолды жөндеуді аяқтау",
           "әр ауылда сенбілік өткізу", "{place_of} клубты күрделі жөндеуге өтінім беру",
           "тағы {n} шам орнату", "округтің әр ауылында есеп беру кездесуін өткізу",
           "қазандықтарды қысқа дайындау", "{place} балаларға спорт секциясын ашу",
           "шалғай ауылдарда азаматтарды қабылдау"),
}
MEETING_PLACES = {
    "ru": ("Дом культуры, {village}", "Актовый зал школы, {village}",
           "Здание аппарата акима, {village}", "Сельский клуб, {village}"),
    "kk": ("Мәдениет үйі, {village}", "Мектептің акт залы, {village}",
           "Әкім аппаратының ғимараты, {village}", "Ауылдық клуб, {village}"),
}
# Why a published report was corrected: (what changed, the reason in each language).
AMENDMENTS = (
    ("attendance", {"ru": "Исправлено число участников встречи по подписанному протоколу.",
                    "kk": "Кездесуге қатысушылар саны қол қойылған хаттама бойынша түзетілді."}),
    ("budget", {"ru": "Уточнены суммы исполнения бюджета по данным районного отдела финансов.",
                "kk": "Бюджеттің орындалу сомалары аудандық қаржы бөлімінің деректері бойынша "
                      "нақтыланды."}),
    ("question", {"ru": "Добавлен ответ на вопрос жителей, пропущенный при публикации.",
                  "kk": "Жариялау кезінде қалып қойған тұрғындар сұрағына жауап қосылды."}),
    ("date", {"ru": "Исправлена опечатка в дате встречи с жителями.",
              "kk": "Тұрғындармен кездесу күніндегі қате түзетілді."}),
    ("broadcast", {"ru": "Добавлена ссылка на запись онлайн-трансляции.",
                   "kk": "Онлайн-трансляция жазбасына сілтеме қосылды."}),
)
ADDED_QUESTION = {
    "ru": ("Будет ли ремонт моста через арык {place}?", "Ремонт запланирован на весну, "
           "подрядчик определён."),
    "kk": ("{place_of} арық үстіндегі көпір жөнделе ме?", "Жөндеу көктемге жоспарланған, "
           "мердігер анықталды."),
}
CORRECTED_ON_REQUEST = {
    "ru": "Уточнение внесено по обращению жителей.",
    "kk": "Түзету тұрғындардың өтініші бойынша енгізілді.",
}
NO_VILLAGE = {"ru": ("в округе", "округа"), "kk": ("округте", "округтегі")}


@dataclass(frozen=True)
class Place:
    """A village of the rural district as the texts name it."""

    name: str  # "Агыбет"
    kk: str  # "Агыбет ауылында"
    ru: str  # "в селе Агыбет"


@dataclass(frozen=True)
class PromiseState:
    """A promise of the programme as the akim reports it at the end of a period."""

    title: str
    status: str  # a PromiseStatus value
    progress: int | None


def ru_plural(number: int, one: str, few: str, many: str) -> str:
    """The Russian noun form after a number: 1 обращение, 2 обращения, 5 обращений."""
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many


def ru_day(day: date) -> str:
    return f"{day.day} {MONTHS['ru'][day.month - 1]} {day.year} года"


def period_words(start: date, end: date, language: str = "ru") -> str:
    """"период с 1 января 2024 года по 30 июня 2024 года" / "2024 жылғы 1 қаңтар – 30 маусым
    аралығында" (the Kazakh opens the sentence)."""
    if language == "ru":
        return f"период с {ru_day(start)} по {ru_day(end)}"
    months = MONTHS["kk"]
    first = f"{start.day} {months[start.month - 1]}"
    last = f"{end.day} {months[end.month - 1]}"
    if start.year == end.year:
        return f"{start.year} жылғы {first} – {last} аралығында"
    return f"{start.year} жылғы {first} – {end.year} жылғы {last} аралығында"


class ReportWriter:
    def __init__(self, rng: random.Random, short: bool) -> None:
        self.rng = rng
        self.short = short

    def _fill(self, text: str, language: str, place: Place | None, **values: object) -> str:
        if place is None:
            words, words_of = NO_VILLAGE[language]
        elif language == "kk":
            words, words_of = place.kk, place.kk + "ғы"  # "X ауылында" → "X ауылындағы"
        else:
            words = words_of = place.ru
        filled = text.format(place=words, place_of=words_of, **values)
        return filled[:1].upper() + filled[1:] if text.startswith("{") else filled

    def sections(self, start: date, end: date, meeting_on: date, language: str = "ru",
                 villages: tuple[Place, ...] = (),
                 promises: tuple[PromiseState, ...] = ()) -> dict[str, object]:
        rng = self.rng

        def place() -> Place | None:
            return rng.choice(villages) if villages else None

        areas = rng.sample(WORK_AREAS[language], 3)
        appeals = rng.randint(40, 260)
        solved = appeals * rng.randint(70, 95) // 100
        summary = SUMMARY[language].format(
            period=period_words(start, end, language), appeals=appeals, solved=solved,
            appeals_word=ru_plural(appeals, "обращение", "обращения", "обращений"),
            solved_word=ru_plural(solved, "решено", "решены", "решены"),
            a=areas[0], b=areas[1], c=areas[2])
        if not self.short:
            summary += "\n\n" + SUMMARY_MORE[language]
        chosen = rng.sample(promises, min(len(promises), 2 if self.short else 4))
        progress = "\n".join(
            f"- **{item.title}**: "
            f"{STATUS_WORDS[language][item.status].format(p=item.progress or 0)}"
            for item in chosen) or NO_PROMISES[language]
        questions = "\n".join(
            f"{number}. **{self._fill(question, language, place())}**  \n   {answer}"
            for number, (question, answer) in enumerate(
                rng.sample(QUESTIONS[language], 2 if self.short else 4), start=1)
        )
        plans = "\n".join(
            f"- {self._fill(plan, language, place(), n=rng.randint(5, 20))}"
            for plan in rng.sample(PLANS[language], 2 if self.short else 4))
        held_in = place()
        return {
            "summary": summary, "promises_progress": progress,
            "budget_execution": self._budget_table(language),
            "meeting_held_on": meeting_on,
            "meeting_place": rng.choice(MEETING_PLACES[language]).format(
                village=held_in.name if held_in else NO_VILLAGE[language][1]),
            "meeting_attendance": rng.randint(35, 260),
            "meeting_broadcast_url": self._broadcast_url(),
            "meeting_questions": questions, "next_plans": plans,
        }

    def _broadcast_url(self) -> str:
        if self.rng.random() < 0.25:
            return ""
        return f"https://www.instagram.com/akimat.demo/{self.rng.randint(1000, 9999)}"

    def _budget_table(self, language: str) -> str:
        rng = self.rng
        lines = rng.sample(BUDGET_LINES[language], 2 if self.short else 4)
        rows = list(BUDGET_HEAD[language])
        for line in lines:
            plan = rng.randint(800, 12_000)
            spent = plan * rng.randint(78, 100) // 100
            rows.append(f"| {line} | {plan:,} | {spent:,} |".replace(",", " "))
        return "\n".join(rows)

    def partial(self, start: date, end: date, meeting_on: date, language: str = "ru",
                villages: tuple[Place, ...] = (),
                promises: tuple[PromiseState, ...] = ()) -> dict[str, object]:
        """A draft in progress: the summary and some sections, no meeting yet."""
        full = self.sections(start, end, meeting_on, language, villages, promises)
        blank = {"promises_progress": "", "budget_execution": "", "meeting_held_on": None,
                 "meeting_place": "", "meeting_attendance": None, "meeting_broadcast_url": "",
                 "meeting_questions": "", "next_plans": ""}
        keep = self.rng.sample(("promises_progress", "budget_execution", "next_plans"), 1)
        return {**full, **{key: value for key, value in blank.items() if key not in keep}}

    def amended(self, content: dict[str, object], language: str = "ru",
                villages: tuple[Place, ...] = ()) -> tuple[dict[str, object], str]:
        """A corrected copy of `content` and the reason given for it."""
        what, reasons = self.rng.choice(AMENDMENTS)
        new = dict(content)
        if what == "attendance" and isinstance(new["meeting_attendance"], int):
            new["meeting_attendance"] = new["meeting_attendance"] + self.rng.randint(3, 25)
        elif what == "budget":
            new["budget_execution"] = str(new["budget_execution"]).replace("| 1", "| 2", 1)
        elif what == "question":
            question, answer = ADDED_QUESTION[language]
            where = self.rng.choice(villages) if villages else None
            new["meeting_questions"] = (str(new["meeting_questions"]) + "\n"
                                        + f"9. **{self._fill(question, language, where)}**  \n"
                                          f"   {answer}")
        elif what == "broadcast":
            new["meeting_broadcast_url"] = "https://www.youtube.com/watch?v=demo-meeting"
        else:
            held = new["meeting_held_on"]
            if isinstance(held, date):
                new["meeting_held_on"] = held.replace(day=max(1, held.day - 1))
        if new == content:
            new["summary"] = str(new["summary"]) + "\n\n" + CORRECTED_ON_REQUEST[language]
        return new, reasons[language]
