"""Typed SQLAlchemy models. Every timestamp is stored in UTC."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend.

    SQLite has no time zones, so values are stored there as naive UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class TeamKind(enum.StrEnum):
    GEBIEDSTEAM = "gebiedsteam"
    INITIATIEF = "initiatief"
    AMBTELIJK_TEAM = "ambtelijk_team"


class Stadsdeel(enum.StrEnum):
    CENTRUM = "centrum"
    NIEUW_WEST = "nieuw_west"
    NOORD = "noord"
    OOST = "oost"
    WEST = "west"
    ZUID = "zuid"
    ZUIDOOST = "zuidoost"
    WEESP = "weesp"
    STAD = "stad"


class Role(enum.StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"


def _str_enum(enum_class: type[enum.StrEnum], length: int) -> Enum:
    # Stored as plain strings (no native PostgreSQL enum) so adding a value needs no type migration.
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
    }


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(64))
    # Starts as the Telegram app's language (when we speak it); changed with /language.
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # /away: no check-in prompts until then.
    away_until: Mapped[datetime | None]
    # Set when Telegram says the person blocked the bot; cleared when they write again.
    unreachable_since: Mapped[datetime | None]
    # Loaded with the sender of an update (one query for who they are and what they are in
    # the middle of); never loaded by accident elsewhere.
    conversation_state: Mapped[ConversationState | None] = relationship(lazy="raise", viewonly=True)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[TeamKind] = mapped_column(_str_enum(TeamKind, 20))
    stadsdeel: Mapped[Stadsdeel] = mapped_column(_str_enum(Stadsdeel, 20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("team_id", "person_id", name="uq_memberships_team_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_str_enum(Role, 20))
    joined_at: Mapped[datetime]
    # Removal keeps the row (and its history); rejoining with a fresh invite reactivates it.
    removed_at: Mapped[datetime | None]
    # A coordinator's weekly digest of this team (they turn it off under /summary).
    digest_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # A team-wide invite (/invite) makes anyone a member until it expires or is revoked. A
    # personal invite (a roster import) is for one named person: it gives its role and works
    # once; the name is kept only until it is used, so a re-import can find it.
    role: Mapped[Role] = mapped_column(
        _str_enum(Role, 20), default=Role.MEMBER, server_default=Role.MEMBER.value
    )
    invitee_name: Mapped[str | None] = mapped_column(String(200))
    single_use: Mapped[bool] = mapped_column(default=False, server_default=false())
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class LinkedChat(Base):
    """A Telegram group that receives a team's notices (one group per team)."""

    __tablename__ = "linked_chats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime]


class ConversationState(Base):
    """What a person is in the middle of, so a restart continues where they were."""

    __tablename__ = "conversation_states"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class SprintStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Sprint(Base):
    __tablename__ = "sprints"
    __table_args__ = (
        # One open sprint per team, enforced by the database (partial unique index).
        Index(
            "uq_sprints_one_open_per_team",
            "team_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    goal: Mapped[str] = mapped_column(String(500))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # None when the sprint ran past its end date and was closed automatically.
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class CheckinSchedule(Base):
    """When a team checks in, and how. One row per team; created with defaults when first needed."""

    __tablename__ = "checkin_schedules"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    weekdays: Mapped[str] = mapped_column(String(20))  # "0,3": Monday and Thursday
    time_of_day: Mapped[str] = mapped_column(String(5))  # "09:30", local to `timezone`
    timezone: Mapped[str] = mapped_column(String(64))
    template: Mapped[str] = mapped_column(String(32))
    custom_questions: Mapped[dict[str, Any]]  # {"questions": [{"text": ..., "role": ...}]}
    skip_holidays: Mapped[bool]
    paused: Mapped[bool]
    skip_sprint_id: Mapped[int | None] = mapped_column(
        ForeignKey("sprints.id", ondelete="SET NULL")
    )
    reminder_after_minutes: Mapped[int]  # 0: no reminder
    close_after_minutes: Mapped[int]
    share_answers_in_group: Mapped[bool]
    # Slots before this moment are never opened or counted as missed (schedule just made/changed).
    active_from: Mapped[datetime]
    updated_at: Mapped[datetime]


class RunKind(enum.StrEnum):
    SCHEDULED = "scheduled"
    MANUAL = "manual"
    RETRO = "retro"


class RunStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    MISSED = "missed"  # the bot was down for longer than the grace window
    SKIPPED = "skipped"  # a public holiday, or the team skipped this sprint


class CheckinRun(Base):
    """One round of questions for a team. `slot_key` makes each slot open at most once."""

    __tablename__ = "checkin_runs"
    __table_args__ = (UniqueConstraint("team_id", "slot_key", name="uq_checkin_runs_team_slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    sprint_id: Mapped[int | None] = mapped_column(ForeignKey("sprints.id", ondelete="SET NULL"))
    kind: Mapped[RunKind] = mapped_column(_str_enum(RunKind, 20))
    slot_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[RunStatus] = mapped_column(_str_enum(RunStatus, 20), index=True)
    scheduled_for: Mapped[datetime]
    opened_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(100))
    # The questions as they were when the run opened, so later template edits don't shift answers.
    questions: Mapped[dict[str, Any]]
    reminder_after_minutes: Mapped[int]
    share_answers_in_group: Mapped[bool]
    # Kept when the raw answers are deleted after the retention period (ANSWER_RETENTION_MONTHS),
    # so participation and mood figures stay right; None while the answers are still there.
    answers_deleted_at: Mapped[datetime | None]
    prompted_count: Mapped[int | None]
    answered_count: Mapped[int | None]
    mood_count: Mapped[int | None]
    mood_total: Mapped[int | None]

    # Loaded only on request (with the prompt a member is answering); never lazily.
    team: Mapped[Team] = relationship(lazy="raise", viewonly=True)
    sprint: Mapped[Sprint | None] = relationship(lazy="raise", viewonly=True)


class PromptStatus(enum.StrEnum):
    PENDING = "pending"  # not sent yet
    SENDING = "sending"  # claimed by one sender; unique per (run, person)
    ACTIVE = "active"  # first question delivered, answering
    DONE = "done"
    AWAY = "away"
    UNREACHABLE = "unreachable"


class CheckinPrompt(Base):
    """One member's part in one run: which question they are on and what was delivered."""

    __tablename__ = "checkin_prompts"
    __table_args__ = (
        UniqueConstraint("run_id", "person_id", name="uq_checkin_prompts_run_person"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_runs.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[PromptStatus] = mapped_column(_str_enum(PromptStatus, 20), index=True)
    due_at: Mapped[datetime]
    # Steps are [mood, each open action, each question]; `step` is the first unanswered one,
    # `asked_step` the last one whose question reached the person (-1: nothing yet).
    steps: Mapped[dict[str, Any]]
    step: Mapped[int]
    asked_step: Mapped[int]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    attempts: Mapped[int]
    # When the newest question reached the person: a typed reply answers the prompt asked last.
    asked_at: Mapped[datetime | None]
    # The recap and the lesson cards of a finished prompt reached the person (None: still owed;
    # a later round sends them).
    recap_sent_at: Mapped[datetime | None]
    cards_sent_at: Mapped[datetime | None]

    run: Mapped[CheckinRun] = relationship(lazy="raise", viewonly=True)


class CheckinAnswer(Base):
    __tablename__ = "checkin_answers"
    __table_args__ = (
        UniqueConstraint("prompt_id", "step_key", name="uq_checkin_answers_prompt_step"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prompt_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_prompts.id", ondelete="CASCADE"), index=True
    )
    step_key: Mapped[str] = mapped_column(String(32))  # "mood", "action:12", "q:0"
    text: Mapped[str | None] = mapped_column(Text)
    mood: Mapped[int | None]
    skipped: Mapped[bool]
    attachment_kind: Mapped[str | None] = mapped_column(String(20))
    attachment_file_id: Mapped[str | None] = mapped_column(String(255))
    answered_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The person's Telegram message that gave this answer, so an edit of it changes the answer.
    message_id: Mapped[int | None] = mapped_column(BigInteger)


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    PARTLY = "partly"
    DROPPED = "dropped"


class Action(Base):
    """A next step someone named in a check-in, asked about at their next check-in."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    sprint_id: Mapped[int | None] = mapped_column(ForeignKey("sprints.id", ondelete="SET NULL"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    source_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_answers.id", ondelete="SET NULL"), unique=True
    )
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[ActionStatus] = mapped_column(_str_enum(ActionStatus, 20))
    created_at: Mapped[datetime]
    reviewed_at: Mapped[datetime | None]


class LessonVisibility(enum.StrEnum):
    TEAM = "team"
    CITY = "city"


class LessonStatus(enum.StrEnum):
    ACTIVE = "active"
    HIDDEN = "hidden"  # by a steunpunt admin, with a reason shown to the author
    MERGED = "merged"  # a duplicate; endorsements and adoptions moved to `merged_into_id`


THEMES = (
    "zeggenschap",
    "routes",
    "cultuur",
    "randvoorwaarden",
    "financiering",
    "samenwerking",
    "eigenaarschap",
)


class Lesson(Base):
    """Something learned. Team-only until its author explicitly shares it with the city log."""

    __tablename__ = "lessons"
    __table_args__ = (
        # Left from when PostgreSQL searched with its own Dutch text search; both databases now
        # search `lesson_terms` (one analyser). Dropping the index needs a migration.
        Index(
            "ix_lessons_search_dutch",
            text("to_tsvector('dutch', search_text)"),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    sprint_id: Mapped[int | None] = mapped_column(ForeignKey("sprints.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    source_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_answers.id", ondelete="SET NULL"), unique=True
    )
    text: Mapped[str] = mapped_column(Text)
    advice: Mapped[str | None] = mapped_column(Text)
    visibility: Mapped[LessonVisibility] = mapped_column(
        _str_enum(LessonVisibility, 10), default=LessonVisibility.TEAM
    )
    anonymous: Mapped[bool] = mapped_column(default=False)
    status: Mapped[LessonStatus] = mapped_column(
        _str_enum(LessonStatus, 10), default=LessonStatus.ACTIVE, index=True
    )
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("lessons.id", ondelete="SET NULL")
    )
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    # When the author chose team / city / anonymous; None: not asked or not answered yet.
    decided_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(Text, default="")
    term_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class LessonTheme(Base):
    __tablename__ = "lesson_themes"

    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class LessonTag(Base):
    __tablename__ = "lesson_tags"

    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class LessonTerm(Base):
    """Stemmed words of a lesson (an inverted index) for search and similar-lesson hints."""

    __tablename__ = "lesson_terms"

    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    count: Mapped[int]


class Endorsement(Base):
    """ "Herkenbaar": one per person per lesson."""

    __tablename__ = "lesson_endorsements"

    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class Adoption(Base):
    """ "Wij probeerden dit": another team tried the lesson, with one line on how it went."""

    __tablename__ = "lesson_adoptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class BlockerResolution(Base):
    """A team's blocker (an answer to "waar liep je tegenaan?") marked *opgelost*, with one line
    on how; that line became a lesson of the team (`lesson_id`), for its author to share."""

    __tablename__ = "blocker_resolutions"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_answers.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    how: Mapped[str] = mapped_column(Text)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime]


class BlockerTheme(Base):
    """A theme of a blocker (an answer to a blocker question): proposed by the bot when the
    answer came in, or chosen by its author with the theme buttons."""

    __tablename__ = "blocker_themes"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_answers.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class BlockerThemeReview(Base):
    """Where a blocker's themes stand: proposed (when), shown to its author on a card, changed
    by the author with the buttons, confirmed with "klopt zo". One row per blocker answer with
    text; it goes with the answer."""

    __tablename__ = "blocker_theme_reviews"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_answers.id", ondelete="CASCADE"), primary_key=True
    )
    proposed_at: Mapped[datetime]  # the newest proposal (a changed text is proposed again)
    # The card with the proposal reached the author (None: still to show, with the recap).
    offered_at: Mapped[datetime | None]
    # The author pressed a theme button: from then on their choice stands, also when the text
    # changes.
    changed_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]  # "klopt zo"

    @property
    def by_author(self) -> bool:
        """The themes are the author's (changed or confirmed), not only the bot's proposal."""
        return self.changed_at is not None or self.confirmed_at is not None


class SavedSearch(Base):
    """A search a person ran, so its pages and filter buttons work across restarts."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    query: Mapped[str] = mapped_column(String(500))
    filters: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class HousekeepingRun(Base):
    """A daily job that ran (e.g. deleting answers past retention): the key makes it run once a
    day, however many instances of the bot are running."""

    __tablename__ = "housekeeping_runs"

    job: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # "2026-11-30", UTC
    ran_at: Mapped[datetime]


class HandledUpdate(Base):
    """A Telegram update whose unit of work committed. Telegram sends an update again when it
    did not hear it was taken (a bot killed between its commit and the acknowledgement, a
    webhook answer lost): the second time it is recognised here and not handled twice. Only
    the id and when; pruned after a week."""

    __tablename__ = "handled_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime]


class DigestAudience(enum.StrEnum):
    COORDINATOR = "coordinator"  # a coordinator's private chat: their team's whole summary
    GROUP = "group"  # a team's linked group: figures and shared lessons
    STEUNPUNT = "steunpunt"  # the steunpunt's own chat (STEUNPUNT_CHANNEL_ID): the network


class DigestStatus(enum.StrEnum):
    PENDING = "pending"  # planned, not (all) sent; due at `due_at`
    SENDING = "sending"  # claimed by one sender
    SENT = "sent"
    UNREACHABLE = "unreachable"  # blocked by the person, or the chat is gone
    FAILED = "failed"  # refused by Telegram as it is, or too many network errors
    MISSED = "missed"  # not sent by `expires_at` (the bot was down): never sent days late
    DROPPED = "dropped"  # nothing to send any more (the team is gone)


class DigestDelivery(Base):
    """One weekly digest to one chat. The key ("2026-W49:coordinator:<person>:<team>") makes
    each happen once per week across restarts and instances; `parts_sent` counts the messages
    (and the chart) that arrived, so a retry continues where it stopped."""

    __tablename__ = "digest_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    week: Mapped[str] = mapped_column(String(10))  # the ISO week summarised, "2026-W49"
    audience: Mapped[DigestAudience] = mapped_column(_str_enum(DigestAudience, 20))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[DigestStatus] = mapped_column(_str_enum(DigestStatus, 20), index=True)
    parts_sent: Mapped[int]
    attempts: Mapped[int]
    # The week's digest moment: the digest summarises its week's Monday 00:00 up to it, so
    # every retry (and every instance) composes the same content.
    moment: Mapped[datetime]
    due_at: Mapped[datetime]
    # The digest moment plus the grace window: what is not sent by then is not sent at all.
    expires_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class InstallationSecret(Base):
    """A random secret this installation made for itself once (e.g. the key behind the stable
    codes of pseudonymised exports), so every export uses the same one without configuration."""

    __tablename__ = "installation_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


class SendGrant(Base):
    """One message sent to Telegram by any instance of the bot, while it counts against the
    per-bot send limits (storage/sendlimit.py). Only used on PostgreSQL with several
    instances; rows are pruned after a few minutes."""

    __tablename__ = "send_grants"
    __table_args__ = (
        Index("ix_send_grants_granted_at", "granted_at"),
        Index("ix_send_grants_chat_granted_at", "chat", "granted_at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    # The chat's key (id or @username) when that chat has a window of its own, else None.
    chat: Mapped[str | None] = mapped_column(String(64))
    # "interactive" or "bulk"; "waiting" for a reply keeping its place in the overall window
    # until it goes (granted_at is then when it last asked), when the row becomes its grant.
    priority: Mapped[str] = mapped_column(String(16))
    granted_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
