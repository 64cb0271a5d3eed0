"""`flask demo load`: idempotent demo data for a first look."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup
from sqlalchemy import select

from labapp.accounts.models import User, UserRole
from labapp.accounts.services import create_user, find_user_by_email
from labapp.clock import utcnow
from labapp.db import db
from labapp.registrations.models import EducatorRole
from labapp.registrations.services import RegistrationDetails, register
from labapp.sessions.models import LabSession, SessionFormat, SessionLanguage
from labapp.sessions.services import SessionFields, create_session

demo_cli = AppGroup("demo", help="Demo data.")

DEMO_FACILITATOR = ("facilitator@example.org", "Demo Facilitator", "conversation-lab")
DEMO_ADMIN = ("admin@example.org", "Demo Admin", "conversation-admin")

# (slug, title, days ahead, local hour, zone, minutes, capacity, format, location, people to register)
DEMO_SESSIONS = [
    ("demo-listening-with-empathy", "Listening with empathy: who are we not hearing?", 7, 16, "America/New_York",
     90, 20, SessionFormat.ONLINE, "", 6),
    ("demo-prioritising-underserved-students", "Prioritizing underserved student populations", 10, 15,
     "America/Los_Angeles", 90, 4, SessionFormat.HYBRID, "Oakland Unified, Room 204, 1000 Broadway, Oakland, CA", 6),
    ("demo-family-experiences", "Understanding student and family experiences", 14, 17, "America/Chicago",
     75, 12, SessionFormat.IN_PERSON, "Lincoln Middle School Library, 1200 W Main St, Springfield, IL", 3),
    ("demo-relationships-that-last", "Practices that build and strengthen relationships", 21, 10, "Europe/London",
     90, 16, SessionFormat.ONLINE, "", 2),
    ("demo-familias-experiencias", "Conversación para familias: ¿cómo vive la escuela tu hijo o tu hija?", 12, 18,
     "America/Los_Angeles", 75, 15, SessionFormat.IN_PERSON,
     "Escuela Primaria Riverside, Biblioteca, 455 Riverside Ave, San José, CA", 1),
]

# Sessions held in another language than English: (language, summary, description) in that language.
DEMO_LANGUAGES = {
    "demo-familias-experiencias": (
        SessionLanguage.ES,
        "Una conversación en español para mamás, papás y otros familiares, con la escuela, siguiendo el "
        "protocolo de Conversation Lab.",
        "Queremos escucharte: cómo vive tu familia la escuela, qué funciona y qué podemos hacer mejor "
        "juntos. Habrá cuidado de niños y algo de comer.",
    ),
}

DEMO_PEOPLE = [
    ("Maya Robinson", "maya.robinson@example.edu", EducatorRole.TEACHER, "Lincoln Middle School"),
    ("Diego Hernández", "diego.hernandez@example.edu", EducatorRole.COACH, "Riverside Elementary"),
    ("Aisha Karim", "aisha.karim@example.edu", EducatorRole.SCHOOL_LEADER, "Westview High School"),
    ("Tom O'Connell", "tom.oconnell@example.org", EducatorRole.DISTRICT_LEADER, "Springfield District 186"),
    ("Linh Tran", "linh.tran@example.com", EducatorRole.FAMILY, "Riverside Family Council"),
    ("Grace Okafor", "grace.okafor@example.edu", EducatorRole.TEACHER, "Eastside Academy"),
]


DEMO_SUMMARY = "A facilitated conversation for educators and families, following the Conversation Lab protocol."
DEMO_DESCRIPTION = (
    "We work through parts of the protocol together: listening norms, the evidence we have about "
    "which students are underserved, and one practice to try before we meet again."
)


def _ensure_user(email: str, name: str, password: str, role: UserRole) -> User:
    return find_user_by_email(email) or create_user(email=email, name=name, role=role, password=password, now=utcnow())


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has sessions (make run).")
def load(if_empty: bool) -> None:
    """Add demo sessions, people and a facilitator; running it again changes nothing."""
    now = utcnow()
    if if_empty and db.session.scalar(select(LabSession.id).limit(1)) is not None:
        click.echo("Database has sessions already; demo data not loaded.")
        click.echo(f"Demo facilitator login (from the first load): {DEMO_FACILITATOR[0]} / {DEMO_FACILITATOR[2]}")
        return
    facilitator = _ensure_user(*DEMO_FACILITATOR, role=UserRole.FACILITATOR)
    _ensure_user(*DEMO_ADMIN, role=UserRole.ADMIN)
    for slug, title, days, hour, zone, minutes, capacity, fmt, location, people in DEMO_SESSIONS:
        if db.session.scalar(select(LabSession.id).where(LabSession.slug == slug)):
            continue
        day = (now.astimezone(ZoneInfo(zone)) + timedelta(days=days)).date()
        starts_at = datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone))
        language, summary, description = DEMO_LANGUAGES.get(slug, (SessionLanguage.EN, DEMO_SUMMARY, DEMO_DESCRIPTION))
        lab = create_session(
            fields=SessionFields(
                title=title,
                starts_at=starts_at,
                timezone=zone,
                duration_minutes=minutes,
                capacity=capacity,
                format=fmt,
                location=location,
                join_url="https://meet.example.org/conversation-lab" if fmt != SessionFormat.IN_PERSON else "",
                language=language,
                summary=summary,
                description=description,
            ),
            slug=slug,
            publish=True,
            now=now,
            facilitators=[facilitator],
        )
        for name, email, role, school in DEMO_PEOPLE[:people]:
            register(
                lab_session_id=lab.id,
                details=RegistrationDetails(full_name=name, email=email, role=role, organisation=school,
                                            focus_populations=["english_learners"],
                                            hopes="How to hear families without jumping to fixes."),
                now=now,
            )
    click.echo("Demo data loaded.")
    click.echo(f"Demo facilitator login: {DEMO_FACILITATOR[0]} / password: {DEMO_FACILITATOR[2]}")
    click.echo(f"Demo admin login: {DEMO_ADMIN[0]} / password: {DEMO_ADMIN[2]}")
