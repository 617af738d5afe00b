"""How lessons, the lesson card and search results look in Telegram."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.handlers import routes
from bot.handlers.base import ButtonSpec, keyboard
from bot.services.common import Language
from bot.services.lessons import LessonCard, LessonView, Notice, SearchPage
from bot.texts import Safe, t
from bot.texts.formatting import format_date, short_label
from storage.models import THEMES, LessonStatus, LessonVisibility, Stadsdeel, TeamKind


def excerpt(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def lesson_block(
    language: Language, lesson: LessonView, zone: ZoneInfo, number: int | None = None
) -> Safe:
    """A lesson with where it comes from; the author only when not anonymous."""
    head = f"<b>{number}.</b> " if number is not None else ""
    lines = [Safe(head + t(language, "lesson.text", text=excerpt(lesson.text, 600)))]
    if lesson.advice:
        lines.append(t(language, "lesson.advice", advice=lesson.advice))
    meta = [
        t(
            language,
            "lesson.meta",
            team=lesson.team_name,
            stadsdeel=t(language, f"stadsdeel.{lesson.stadsdeel.value}"),
            date=format_date(language, lesson.created_at, zone),
        ),
    ]
    if (lesson.author_name and lesson.visibility is LessonVisibility.CITY) or (
        lesson.author_name and lesson.in_my_team
    ):
        meta.append(t(language, "lesson.by", name=lesson.author_name))
    marks = [f"#{theme}" for theme in lesson.themes] + [f"#{tag}" for tag in lesson.tags]
    if marks:
        meta.append(Safe(" ".join(marks)))
    if lesson.endorsements or lesson.adoptions:
        meta.append(
            t(
                language,
                "lesson.counts",
                endorsements=lesson.endorsements,
                adoptions=lesson.adoptions,
            )
        )
    lines.append(Safe("<i>" + " · ".join(meta) + "</i>"))
    return Safe("\n".join(lines))


def lesson_text(language: Language, lesson: LessonView) -> Safe:
    return t(language, "lesson.text", text=excerpt(lesson.text, 140))


def status_mark(language: Language, lesson: LessonView) -> Safe:
    if lesson.status is LessonStatus.HIDDEN:
        return t(language, "lesson.mark_hidden", reason=lesson.hidden_reason or "")
    if not lesson.decided:
        return t(language, "lesson.mark_undecided")
    if lesson.visibility is LessonVisibility.TEAM:
        return t(language, "lesson.mark_team")
    return t(language, "lesson.mark_anonymous" if lesson.anonymous else "lesson.mark_city")


def share_choice_rows(language: Language, lesson_id: int) -> list[list[ButtonSpec]]:
    """The author's explicit choice: keep in the team, share, or share anonymously."""

    def button(key: str, choice: str) -> ButtonSpec:
        return t(language, key), routes.LESSON_DECIDE.build(lesson_id=lesson_id, choice=choice)

    return [
        [button("lesson.button_team", "team"), button("lesson.button_city", "city")],
        [button("lesson.button_anonymous", "anonymous")],
    ]


def card_message(language: Language, card: LessonCard) -> tuple[Safe, InlineKeyboardMarkup]:
    lesson = card.lesson
    parts = [
        t(language, "lesson.card_title", team=lesson.team_name),
        t(language, "lesson.text", text=lesson.text),
    ]
    if lesson.advice:
        parts.append(t(language, "lesson.advice", advice=lesson.advice))
    if card.similar:
        similar = [
            t(
                language,
                "lesson.similar_line",
                text=excerpt(other.text, 140),
                team=other.team_name,
                stadsdeel=t(language, f"stadsdeel.{other.stadsdeel.value}"),
            )
            for other in card.similar
        ]
        parts.append(Safe(t(language, "lesson.similar_title") + "\n" + "\n".join(similar)))
    parts.append(t(language, "lesson.card_ask"))
    toggles: list[ButtonSpec] = [
        (
            ("✅ " if theme in lesson.themes else "▫️ ") + theme,
            routes.LESSON_THEME_SET.build(
                lesson_id=lesson.id, theme=index, on=int(theme not in lesson.themes)
            ),
        )
        for index, theme in enumerate(THEMES)
    ]
    rows = [toggles[i : i + 2] for i in range(0, len(toggles), 2)]
    rows.append(
        [(t(language, "lesson.button_advice"), routes.LESSON_ADVICE.build(lesson_id=lesson.id))]
    )
    rows += share_choice_rows(language, lesson.id)
    return Safe("\n\n".join(parts)), keyboard(rows)


def decided_message(language: Language, lesson: LessonView) -> Safe:
    key = "lesson.decided_team"
    if lesson.visibility is LessonVisibility.CITY:
        key = "lesson.decided_anonymous" if lesson.anonymous else "lesson.decided_city"
    themes = ", ".join(lesson.themes) or t(language, "lesson.no_themes")
    return Safe(
        "\n\n".join(
            [
                t(language, "lesson.text", text=lesson.text),
                t(language, key),
                t(language, "lesson.themes", themes=themes),
            ]
        )
    )


def overview_message(
    language: Language, own: list[LessonView], team: list[LessonView], zone: ZoneInfo
) -> tuple[Safe, InlineKeyboardMarkup | None]:
    if not own and not team:
        return t(language, "lessons.none"), None
    parts = []
    buttons: list[ButtonSpec] = []
    if own:
        lines = [
            Safe(f"<b>{n}.</b> {status_mark(language, lesson)} {lesson_text(language, lesson)}")
            for n, lesson in enumerate(own, start=1)
        ]
        parts.append(Safe(t(language, "lessons.own") + "\n" + "\n".join(lines)))
        buttons = [
            (f"⚙️ {n}", routes.LESSON_MANAGE.build(lesson_id=lesson.id))
            for n, lesson in enumerate(own, start=1)
        ]
    if team:
        lines = [
            t(
                language,
                "lessons.team_line",
                text=excerpt(lesson.text, 140),
                name=lesson.author_name or t(language, "lesson.anonymous"),
                team=lesson.team_name,
            )
            for lesson in team
        ]
        parts.append(Safe(t(language, "lessons.team") + "\n" + "\n".join(lines)))
    if buttons:
        parts.append(t(language, "lessons.manage_hint"))
    rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    return Safe("\n\n".join(parts)), keyboard(rows) if rows else None


def manage_message(
    language: Language, lesson: LessonView, zone: ZoneInfo
) -> tuple[Safe, InlineKeyboardMarkup]:
    text = Safe(lesson_block(language, lesson, zone) + "\n\n" + status_mark(language, lesson))
    rows: list[list[ButtonSpec]] = []
    if lesson.status is LessonStatus.ACTIVE:
        rows += share_choice_rows(language, lesson.id)
    rows.append(
        [(t(language, "lesson.button_delete"), routes.LESSON_DELETE.build(lesson_id=lesson.id))]
    )
    return text, keyboard(rows)


def filters_label(language: Language, filters: dict[str, object]) -> str:
    marks = [f"#{theme}" for theme in filters.get("themes") or []]  # type: ignore[attr-defined]
    marks += [f"#{tag}" for tag in filters.get("tags") or []]  # type: ignore[attr-defined]
    if filters.get("stadsdeel"):
        marks.append("@" + t(language, f"stadsdeel.{filters['stadsdeel']}"))
    if filters.get("kind"):
        marks.append(t(language, f"kind.{filters['kind']}"))
    return " ".join(marks)


def search_message(
    language: Language, page: SearchPage, zone: ZoneInfo, is_admin: bool
) -> tuple[Safe, InlineKeyboardMarkup]:
    label = filters_label(language, page.filters)
    what = " ".join(part for part in (page.query, label) if part) or t(
        language, "search.everything"
    )
    if page.total == 0:
        parts = [t(language, "search.nothing", query=what)]
    else:
        if page.total == 1:
            header = t(language, "search.header_one", query=what)
        else:
            header = t(language, "search.header", total=page.total, query=what)
        if page.loose:
            header = Safe(header + "\n" + t(language, "search.loose"))
        parts = [header]
        first = page.page * 5 + 1
        parts += [
            lesson_block(language, lesson, zone, first + i) for i, lesson in enumerate(page.results)
        ]
        if page.pages > 1:
            parts.append(t(language, "team.page", page=page.page + 1, pages=page.pages))
    rows: list[list[ButtonSpec]] = []
    first = page.page * 5 + 1
    for i, lesson in enumerate(page.results):
        row: list[ButtonSpec] = []
        if not lesson.in_my_team:
            # Two buttons with one meaning each (not a toggle): a double tap cannot undo.
            ids = {"search_id": page.search_id, "page": page.page, "lesson_id": lesson.id}
            if lesson.endorsed_by_me:
                label = t(
                    language,
                    "search.button_unendorse",
                    number=first + i,
                    count=lesson.endorsements,
                )
                row.append((label, routes.LESSON_UNENDORSE.build(**ids)))
            else:
                label = f"{first + i}. 👍 {lesson.endorsements}"
                row.append((label, routes.LESSON_ENDORSE.build(**ids)))
            row.append((f"{first + i}. 🧪", routes.LESSON_ADOPT.build(lesson_id=lesson.id)))
        if is_admin:
            row.append((f"{first + i}. 🙈", routes.LESSON_HIDE.build(lesson_id=lesson.id)))
        if row:
            rows.append(row)
    nav: list[ButtonSpec] = []
    if page.page > 0:
        nav.append(("◀", routes.SEARCH_PAGE.build(search_id=page.search_id, page=page.page - 1)))
    if page.page < page.pages - 1:
        nav.append(("▶", routes.SEARCH_PAGE.build(search_id=page.search_id, page=page.page + 1)))
    if nav:
        rows.append(nav)
    rows.append(
        [
            (
                t(language, "search.button_theme"),
                routes.SEARCH_FILTER.build(search_id=page.search_id, key="theme"),
            ),
            (
                t(language, "search.button_stadsdeel"),
                routes.SEARCH_FILTER.build(search_id=page.search_id, key="stadsdeel"),
            ),
            (
                t(language, "search.button_kind"),
                routes.SEARCH_FILTER.build(search_id=page.search_id, key="kind"),
            ),
        ]
    )
    if not page.results and page.total == 0:
        parts.append(t(language, "search.hint"))
    return Safe("\n\n".join(parts)), keyboard(rows)


def filter_choices(
    language: Language, search_id: int, key: str
) -> tuple[Safe, InlineKeyboardMarkup]:
    if key == "theme":
        options = [(theme, theme) for theme in THEMES]
    elif key == "stadsdeel":
        options = [(t(language, f"stadsdeel.{sd.value}"), sd.value) for sd in Stadsdeel]
    else:
        options = [(t(language, f"kind.{kind.value}"), kind.value) for kind in TeamKind]
    buttons: list[ButtonSpec] = [
        (
            short_label(label, 20),
            routes.SEARCH_FILTER_VALUE.build(search_id=search_id, key=key, value=value),
        )
        for label, value in options
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    any_value = routes.SEARCH_FILTER_VALUE.build(search_id=search_id, key=key, value="-")
    rows.append([(t(language, "search.any"), any_value)])
    return t(language, f"search.choose_{key}"), keyboard(rows)


def notice_text(notice: Notice) -> Safe:
    params = dict(notice.params)
    if params.get("team") is None:
        params["team"] = t(notice.language, "lesson.someone")
    return t(notice.language, notice.key, **params)
