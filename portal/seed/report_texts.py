"""Synthetic report text for the seed: plausible, varied, fictional, in Russian Markdown.

Akims write their reports in Kazakh or Russian; the seed writes Russian. Short texts at national
scale keep the seed fast and the database small; the demo gets the full sections.
"""

from __future__ import annotations

import random
from datetime import date

MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря")

WORK_AREAS = (
    "ремонт внутрипоселковых дорог", "уличное освещение", "водоснабжение", "вывоз мусора",
    "благоустройство детских площадок", "поддержка малого бизнеса", "занятость молодёжи",
    "подготовка к отопительному сезону", "санитарная очистка", "озеленение",
    "ремонт клуба", "содержание кладбищ", "борьба с паводками", "ветеринарная безопасность",
)
PROMISES = (
    ("Освещение центральной улицы", "установлено {n} светодиодных фонарей из {m} запланированных"),
    ("Ремонт дороги к школе", "отремонтировано {n} км из {m} км, работы продолжаются"),
    ("Детская площадка в селе", "площадка открыта, принята комиссией"),
    ("Водопровод для новых улиц", "разработана проектно-сметная документация, ждём "
                                  "финансирования по проекту «Ауыл – Ел бесігі»"),
    ("Вывоз мусора по графику", "заключён договор, контейнеры установлены в {n} точках"),
    ("Спортивная площадка", "построена на {n}%, сдача в следующем периоде"),
    ("Кредиты «Ауыл Аманаты»", "консультации получили {n} жителей, одобрено {m} заявок"),
    ("Ремонт медпункта", "выполнен текущий ремонт, закуплено оборудование"),
)
BUDGET_LINES = (
    "Освещение улиц", "Благоустройство и озеленение", "Содержание дорог", "Санитария",
    "Культурно-массовые мероприятия", "Аппарат акима", "Водоснабжение",
)
QUESTIONS = (
    ("Когда отремонтируют дорогу на улице Абая?", "Работы включены в план следующего года; "
     "смета направлена в районный акимат."),
    ("Почему вечером нет освещения у школы?", "Заменён неисправный счётчик, освещение "
     "восстановлено."),
    ("Можно ли установить остановку у медпункта?", "Вопрос передан в районный отдел "
     "пассажирского транспорта, ответ ожидается в течение месяца."),
    ("Будет ли вывоз мусора зимой?", "Да, по графику раз в неделю; график размещён в "
     "WhatsApp-группе села."),
    ("Как получить кредит по программе «Ауыл Аманаты»?", "Консультации проводятся в аппарате "
     "акима по вторникам."),
    ("Когда подключат новые улицы к водопроводу?", "После выделения средств; заявка подана в "
     "рамках проекта «Ауыл – Ел бесігі»."),
    ("Кто будет убирать стихийную свалку за селом?", "Свалка ликвидирована субботником, "
     "установлен знак и камера."),
)
PLANS = (
    "завершить ремонт дороги к школе", "провести субботники в каждом селе",
    "подать заявку на капитальный ремонт клуба", "установить ещё {n} фонарей",
    "провести отчётную встречу в каждом селе округа", "подготовить котельные к зиме",
    "открыть спортивную секцию для детей", "провести приём граждан в отдалённых сёлах",
)
PLACES = ("Дом культуры села {v}", "Актовый зал школы села {v}", "Здание аппарата акима, {v}",
          "Клуб села {v}")
VILLAGES = ("Ақбұлақ", "Қарасу", "Жаңаауыл", "Көктерек", "Ағыбет", "Талдыбұлақ", "Бірлік")
AMENDMENT_REASONS = (
    "Исправлено число участников встречи по подписанному протоколу.",
    "Уточнены суммы исполнения бюджета по данным районного отдела финансов.",
    "Добавлен ответ на вопрос жителей, пропущенный при публикации.",
    "Исправлена опечатка в дате встречи с жителями.",
    "Добавлена ссылка на запись онлайн-трансляции.",
)


def ru_day(day: date) -> str:
    return f"{day.day} {MONTHS_RU[day.month - 1]} {day.year} года"


def period_words(start: date, end: date) -> str:
    return f"период с {ru_day(start)} по {ru_day(end)}"


class ReportWriter:
    def __init__(self, rng: random.Random, short: bool) -> None:
        self.rng = rng
        self.short = short

    def sections(self, start: date, end: date, meeting_on: date) -> dict[str, object]:
        rng = self.rng
        village = rng.choice(VILLAGES)
        areas = rng.sample(WORK_AREAS, 3)
        appeals = rng.randint(40, 260)
        summary = (
            f"За {period_words(start, end)} аппарат акима рассмотрел {appeals} обращений "
            f"жителей, {appeals * rng.randint(70, 95) // 100} из них решены положительно. "
            f"Основные направления работы: {areas[0]}, {areas[1]} и {areas[2]}."
        )
        if not self.short:
            summary += (
                "\n\nВсе решения и документы размещены на портале, вопросы жителей "
                "рассматриваются на еженедельном приёме граждан."
            )
        promises = "\n".join(
            f"- **{title}**: {text.format(n=rng.randint(2, 12), m=rng.randint(12, 30))}"
            for title, text in rng.sample(PROMISES, 2 if self.short else 4)
        )
        budget = self._budget_table()
        questions = "\n".join(
            f"{number}. **{question}**  \n   {answer}"
            for number, (question, answer) in enumerate(
                rng.sample(QUESTIONS, 2 if self.short else 4), start=1)
        )
        plans = "\n".join(f"- {plan.format(n=rng.randint(5, 20))}"
                          for plan in rng.sample(PLANS, 2 if self.short else 4))
        return {
            "summary": summary, "promises_progress": promises, "budget_execution": budget,
            "meeting_held_on": meeting_on,
            "meeting_place": rng.choice(PLACES).format(v=village),
            "meeting_attendance": rng.randint(35, 260),
            "meeting_broadcast_url": self._broadcast_url(),
            "meeting_questions": questions, "next_plans": plans,
        }

    def _broadcast_url(self) -> str:
        if self.rng.random() < 0.25:
            return ""
        return f"https://www.instagram.com/akimat.demo/{self.rng.randint(1000, 9999)}"

    def _budget_table(self) -> str:
        rng = self.rng
        lines = rng.sample(BUDGET_LINES, 2 if self.short else 4)
        rows = ["| Статья | План, тыс. ₸ | Исполнено, тыс. ₸ |", "|---|---:|---:|"]
        for line in lines:
            plan = rng.randint(800, 12_000)
            spent = plan * rng.randint(78, 100) // 100
            rows.append(f"| {line} | {plan:,} | {spent:,} |".replace(",", " "))
        return "\n".join(rows)

    def partial(self, start: date, end: date, meeting_on: date) -> dict[str, object]:
        """A draft in progress: the summary and some sections, no meeting yet."""
        full = self.sections(start, end, meeting_on)
        blank = {"promises_progress": "", "budget_execution": "", "meeting_held_on": None,
                 "meeting_place": "", "meeting_attendance": None, "meeting_broadcast_url": "",
                 "meeting_questions": "", "next_plans": ""}
        keep = self.rng.sample(("promises_progress", "budget_execution", "next_plans"), 1)
        return {**full, **{key: value for key, value in blank.items() if key not in keep}}

    def amended(self, content: dict[str, object]) -> tuple[dict[str, object], str]:
        """A corrected copy of `content` and the reason given for it."""
        reason = self.rng.choice(AMENDMENT_REASONS)
        new = dict(content)
        if "участников" in reason and isinstance(new["meeting_attendance"], int):
            new["meeting_attendance"] = new["meeting_attendance"] + self.rng.randint(3, 25)
        elif "бюджета" in reason:
            new["budget_execution"] = str(new["budget_execution"]).replace("| 1", "| 2", 1)
        elif "вопрос" in reason:
            new["meeting_questions"] = (str(new["meeting_questions"]) + "\n"
                                        + "9. **Будет ли ремонт моста через арык?**  \n"
                                          "   Ремонт запланирован на весну, подрядчик "
                                          "определён.")
        elif "ссылка" in reason:
            new["meeting_broadcast_url"] = "https://www.youtube.com/watch?v=demo-meeting"
        else:
            held = new["meeting_held_on"]
            if isinstance(held, date):
                new["meeting_held_on"] = held.replace(day=max(1, held.day - 1))
        if new == content:
            new["summary"] = str(new["summary"]) + "\n\nУточнение внесено по обращению жителей."
        return new, reason
