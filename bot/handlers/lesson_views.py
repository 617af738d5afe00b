"""How lessons, the lesson card and search results look in Telegram."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.handlers import routes
from bot.handlers.base import ButtonSpec, keyboard, theme_toggle_rows
from bot.services.common import Language, text_length
from bot.services.lessons import LessonCard, LessonView, Notice, SearchPage
from bot.texts import Safe, t
from bot.texts.formatting import fit_texts, format_date, short_label, shorten
from storage.models import THEMES, LessonStatus, LessonVisibility, Stadsdeel, TeamKind

# What a list shows of one lesson at most (the whole is a button away).
LIST_TEXT = 600
LINE_TEXT = 140
# Names and reasons in a list line.
LINE_NAME = 64
LINE_REASON = 100
QUERY_ECHO = 200


def excerpt(text: str, limit: int = 160) -> str:
    return shorten(text, limit)


def typed_lengths(lessons: list[LessonView]) -> list[int]:
    """The lengths of what people wrote in these lessons (text and advice), for `fit_texts`."""
    return [
        text_length(part) for lesson in lessons for part in (lesson.text, lesson.advice) if part
    ]


def lesson_block(
    language: Language,
    lesson: LessonView,
    zone: ZoneInfo,
    number: int | None = None,
    limit: int = LIST_TEXT,
) -> Safe:
    """A lesson with where it comes from; the author only when not anonymous. Its text and
    advice are shortened to `limit` characters each."""
    head = f"<b>{number}.</b> " if number is not None else ""
    lines = [Safe(head + t(language, "lesson.text", text=excerpt(lesson.text, limit)))]
    if lesson.advice:
        lines.append(t(language, "lesson.advice", advice=excerpt(lesson.advice, limit)))
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
        meta.append(t(language, "lesson.by", name=shorten(lesson.author_name, LINE_NAME)))
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


def lesson_text(language: Language, lesson: LessonView, limit: int = LINE_TEXT) -> Safe:
    return t(language, "lesson.text", text=excerpt(lesson.text, limit))


def status_mark(language: Language, lesson: LessonView, limit: int | None = None) -> Safe:
    if lesson.status is LessonStatus.HIDDEN:
        reason = lesson.hidden_reason or ""
        shown = reason if limit is None else excerpt(reason, limit)
        return t(language, "lesson.mark_hidden", reason=shown)
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


def card_text(language: Language, card: LessonCard) -> Safe:
    """The author's lesson whole (shortened only where Telegram's limit forces it)."""
    lesson = card.lesson

    def render(limit: int) -> str:
        parts = [
            t(language, "lesson.card_title", team=lesson.team_name),
            t(language, "lesson.text", text=excerpt(lesson.text, limit)),
        ]
        if lesson.advice:
            parts.append(t(language, "lesson.advice", advice=excerpt(lesson.advice, limit)))
        if card.similar:
            similar = [
                t(
                    language,
                    "lesson.similar_line",
                    text=excerpt(other.text, LINE_TEXT),
                    team=other.team_name,
                    stadsdeel=t(language, f"stadsdeel.{other.stadsdeel.value}"),
                )
                for other in card.similar
            ]
            parts.append(Safe(t(language, "lesson.similar_title") + "\n" + "\n".join(similar)))
        if card.suggested:
            parts.append(t(language, "lesson.suggested", themes=", ".join(card.suggested)))
        parts.append(t(language, "lesson.card_ask"))
        return "\n\n".join(parts)

    return fit_texts(render, typed_lengths([lesson]))[0]


def card_message(language: Language, card: LessonCard) -> tuple[Safe, InlineKeyboardMarkup]:
    lesson = card.lesson
    rows = theme_toggle_rows(
        lesson.themes,
        lambda index, on: routes.LESSON_THEME_SET.build(
            lesson_id=lesson.id, theme=index, on=int(on)
        ),
    )
    rows.append(
        [(t(language, "lesson.button_advice"), routes.LESSON_ADVICE.build(lesson_id=lesson.id))]
    )
    rows += share_choice_rows(language, lesson.id)
    return card_text(language, card), keyboard(rows)


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

    def render(limit: int) -> str:
        parts = []
        if own:
            lines = [
                Safe(
                    f"<b>{n}.</b> {status_mark(language, lesson, min(limit, LINE_REASON))} "
                    f"{lesson_text(language, lesson, min(limit, LINE_TEXT))}"
                )
                for n, lesson in enumerate(own, start=1)
            ]
            parts.append(Safe(t(language, "lessons.own") + "\n" + "\n".join(lines)))
        if team:
            lines = [
                t(
                    language,
                    "lessons.team_line",
                    text=excerpt(lesson.text, min(limit, LINE_TEXT)),
                    name=shorten(lesson.author_name, LINE_NAME)
                    if lesson.author_name
                    else t(language, "lesson.anonymous"),
                    team=lesson.team_name,
                )
                for lesson in team
            ]
            parts.append(Safe(t(language, "lessons.team") + "\n" + "\n".join(lines)))
        if own:
            parts.append(t(language, "lessons.manage_hint"))
        return "\n\n".join(parts)

    # Reasons and texts are shortened in the list; ⚙️ shows one's own lesson whole.
    lengths = [text_length(lesson.text) for lesson in (*own, *team)]
    lengths += [text_length(lesson.hidden_reason or "") for lesson in own]
    text = fit_texts(render, lengths)[0]
    buttons: list[ButtonSpec] = [
        (f"⚙️ {n}", routes.LESSON_MANAGE.build(lesson_id=lesson.id))
        for n, lesson in enumerate(own, start=1)
    ]
    rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    return text, keyboard(rows) if rows else None


def full_lesson_text(
    language: Language, lesson: LessonView, zone: ZoneInfo, *, with_status: bool = False
) -> Safe:
    """One lesson whole (shortened only where Telegram's limit forces it), with its status for
    its author."""

    def render(limit: int) -> str:
        block = lesson_block(language, lesson, zone, limit=limit)
        if not with_status:
            return block
        return block + "\n\n" + status_mark(language, lesson, limit)

    lengths = typed_lengths([lesson])
    if with_status and lesson.hidden_reason:
        lengths.append(text_length(lesson.hidden_reason))
    return fit_texts(render, lengths)[0]


def manage_message(
    language: Language, lesson: LessonView, zone: ZoneInfo
) -> tuple[Safe, InlineKeyboardMarkup]:
    text = full_lesson_text(language, lesson, zone, with_status=True)
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
    # The search as typed, echoed back: a very long one is shortened.
    what = shorten(" ".join(part for part in (page.query, label) if part), QUERY_ECHO) or t(
        language, "search.everything"
    )
    first = page.page * 5 + 1

    def render(limit: int) -> str:
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
            parts += [
                lesson_block(language, lesson, zone, first + i, min(limit, LIST_TEXT))
                for i, lesson in enumerate(page.results)
            ]
            if page.pages > 1:
                parts.append(t(language, "team.page", page=page.page + 1, pages=page.pages))
        if not page.results and page.total == 0:
            parts.append(t(language, "search.hint"))
        return "\n\n".join(parts)

    text, limit = fit_texts(render, typed_lengths(page.results))
    shortened = min(limit, LIST_TEXT)
    rows: list[list[ButtonSpec]] = []
    for i, lesson in enumerate(page.results):
        row: list[ButtonSpec] = []
        if any(length > shortened for length in typed_lengths([lesson])):
            # Shortened here: 📖 shows it whole.
            row.append((f"{first + i}. 📖", routes.LESSON_READ.build(lesson_id=lesson.id)))
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
    return text, keyboard(rows)


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
