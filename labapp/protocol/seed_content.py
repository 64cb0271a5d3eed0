"""Seed content for the Conversation Lab protocol.

Pure data: the protocol title, a short introduction, and the ordered list of
protocol components used to run, remind about, and follow up on a session.

Migration 0005 loads COMPONENTS into the database (via `component_rows()`), so
treat this text as frozen: change a live protocol in the dashboard editor, or
with a new data migration, never by editing this file.
"""

from __future__ import annotations

from typing import Any

PROTOCOL_TITLE: str = (
    "Leading with Empathy: Identifying and Prioritizing Underserved Students"
)

PROTOCOL_INTRO: str = """\
This protocol guides a small team of educators, school and district leaders, \
and sometimes family members through one focused conversation: **which \
students are we not yet serving well, what is their experience of school, and \
which relationship-building practices will we commit to for them?** It starts \
from the wisdom already in the room, asks the group to look honestly at its \
evidence, and keeps student and family voices at the center rather than our \
own assumptions.

A session moves through seven components in order, in about 90 minutes. The \
facilitator sets norms for empathetic listening first, because everything \
after depends on people feeling safe enough to be candid. Participants can \
prepare by jotting down answers to a few reflection prompts ahead of time, \
and the session closes with specific commitments the team will check back on \
together.
"""

COMPONENTS: list[dict[str, Any]] = [
    {
        "slug": "norms-for-listening",
        "title": "Norms for listening with empathy",
        "purpose": (
            "Agree on how we will listen to one another so that every voice is "
            "heard without judgment. These norms are the foundation for an "
            "honest conversation about students we may be underserving."
        ),
        "minutes": 10,
        "guiding_questions": [
            "What does it look and sound like when someone truly understands "
            "you before responding?",
            "How can we keep the focus on the speaker's experience instead of "
            "jumping to our own story?",
            "What helps you share a concern or an unfinished idea without "
            "worrying about being judged?",
            "How will we notice, and gently name, moments when we start fixing "
            "instead of listening?",
        ],
        "facilitator_notes": """\
Introduce four listening norms and post them where everyone can see them for \
the whole session:

- **Understand first.** Set your own reaction aside for a moment and check \
that you have really grasped what the other person means. Paraphrasing \
("So what you're noticing is...") is a good test.
- **"You" before "I."** Respond to how the speaker seems to feel before \
offering your own view. Try "It sounds like that was discouraging for you" \
rather than "I'd have been discouraged too."
- **Give voice without judgment.** Acknowledge beliefs, worries, and \
questions as they are, and ask a follow-up question when you need to \
understand more.
- **Practice self-discovery.** Notice when you are rushing toward a \
solution, treating a concern as off-topic, or valuing an idea mostly because \
it matches your own thinking.

Invite the group to add or adjust one norm so the list feels like theirs. \
Model the norms yourself from the first minute, especially with the first \
person who shares.

Keep this short and warm; the norms come to life later. If time is tight, \
skip the group additions rather than the self-discovery norm, which matters \
most when the conversation turns to prioritizing.
""",
        "reflection_prompts": [
            "Think of a time someone listened to you with real empathy. What "
            "did they do, or not do, that made you feel heard?",
            "When a colleague raises a concern, what is your usual first "
            "impulse: to understand it, to solve it, or to move past it?",
        ],
        "is_commitments": False,
    },
    {
        "slug": "looking-back",
        "title": "Looking back at the past year",
        "purpose": (
            "Surface concrete examples of where our community already led "
            "with empathy this past year. Starting from strengths reminds us "
            "that much of the wisdom we need is already in the room."
        ),
        "minutes": 12,
        "guiding_questions": [
            "When did we help students and educators reconnect to school, and "
            "how did we take care of their needs along the way?",
            "Where did we offer flexibility and real choices in how students "
            "learned or showed their learning?",
            "What did we do to make sure each student had a relationship with "
            "at least one caring adult at school?",
            "How did we build trust and respect between teachers and students, "
            "among students, and with families, both online and in person?",
            "Where did learning feel both personal to each student and shared "
            "as a community?",
        ],
        "facilitator_notes": """\
Give everyone two or three minutes of quiet time to jot down examples before \
anyone talks. Then go around the group, one example per person per round, so \
quieter voices are heard early.

- Ask for **specific moments** ("the week we started morning check-ins in \
grade 7") rather than general statements ("we care about kids").
- Capture examples on chart paper or a shared document under simple headings: \
reconnecting, flexibility, caring adults, trust, personal and communal \
learning.
- Listen for who is missing from the stories. If every example involves the \
same groups of students, note that gently; it is a natural bridge to the next \
component.

Watch the clock: this component can easily become a long celebration. Thank \
people warmly, keep the list, and move on when the time is up.
""",
        "reflection_prompts": [
            "Name one moment this past year when you or your team helped a "
            "student or colleague reconnect to school. What made it work?",
            "Which students do you think felt most connected to a caring adult "
            "this year, and which may not have?",
        ],
        "is_commitments": False,
    },
    {
        "slug": "identifying-underserved-students",
        "title": "Identifying underserved student populations",
        "purpose": (
            "Use several kinds of evidence to name the groups of students we "
            "are not yet serving well. Just as important, notice whose "
            "perspective is missing from the picture."
        ),
        "minutes": 15,
        "guiding_questions": [
            "What do attendance, engagement, and grades tell us about which "
            "students are struggling to connect or keep up?",
            "Which students face barriers to access, such as devices, internet, "
            "transportation, language, schedules, or services?",
            "What have families told us, formally or informally, and which "
            "families have we not heard from at all?",
            "Whose perspective is missing from this evidence, and how could we "
            "hear from them?",
            "Where do our numbers and our everyday observations disagree?",
        ],
        "facilitator_notes": """\
Before the session, gather a few simple data views if you can: attendance \
patterns, engagement or participation indicators, grade or credit trends, \
and any notes on access and family contact. Summaries by student group are \
enough; avoid sharing individual student records.

- Ask the group to look at the evidence in silence first and write down what \
they **notice** before anyone says what it **means**.
- Keep the lens on groups and patterns (for example, "multilingual learners \
in grades 9 and 10" or "students who switched schools mid-year"), not on \
individual students or families.
- For each group named, ask: *Whose voice is not in this data?* Students \
themselves, families who rarely respond, and support staff often see what \
the numbers miss.
- Use the listening norms. If someone dismisses a group ("they just don't \
show up"), invite curiosity: "What might be getting in the way for them?"

Aim to end with a list of three to six candidate groups, each with a line or \
two about the evidence behind it. Resist ranking them yet.
""",
        "reflection_prompts": [
            "Which group of students do you worry about most right now, and "
            "what evidence, beyond your instinct, supports that concern?",
            "Whose perspective do you think is most often missing when your "
            "team looks at student data?",
        ],
        "is_commitments": False,
    },
    {
        "slug": "prioritizing",
        "title": "Prioritizing with clear criteria",
        "purpose": (
            "Choose where to focus first using shared, transparent criteria "
            "instead of the loudest opinion. A simple scoring method keeps "
            "the decision fair and easy to explain to others."
        ),
        "minutes": 13,
        "guiding_questions": [
            "How urgent is the need for each group if nothing changes in the "
            "next few months?",
            "How many students are affected, and how deep is their need?",
            "What is within our school's or team's power to change?",
            "Does our ranking match our evidence, or mostly our own comfort "
            "and preferences?",
        ],
        "facilitator_notes": """\
Introduce four criteria and a simple 1-3 score for each (1 = low, \
2 = moderate, 3 = high):

- **Urgency:** how soon harm grows if we wait.
- **Number of students:** how many students are in the group.
- **Depth of need:** how serious the gap in learning, connection, or \
access is.
- **What we can change:** how much is within our control or influence.

Each person scores each candidate group quietly, then the group adds up the \
totals and compares. A small worked example:

- *Multilingual newcomers in grades 6-8:* urgency 3, number 2, depth 3, \
can change 3 = **11**
- *Students with chronic absences in grade 9:* urgency 3, number 3, \
depth 2, can change 2 = **10**
- *Students without reliable home internet:* urgency 2, number 2, depth 2, \
can change 1 = **7**

Treat the totals as the start of a conversation, not a verdict. Where \
scores are close or people differ sharply, ask them to explain their \
reasoning using the listening norms. Revisit the self-discovery questions: \
are we favoring a group because it is easier or familiar?

Leave with **one** priority group (two at most) and a sentence about why.
""",
        "reflection_prompts": [
            "If your team could focus on only one group of students this "
            "term, which would you choose, and why?",
        ],
        "is_commitments": False,
    },
    {
        "slug": "student-family-experiences",
        "title": "Understanding student and family experiences",
        "purpose": (
            "Practice listening to students and families so we understand "
            "their experience of school from their side. The goal is to hear "
            "fully, not to explain or fix."
        ),
        "minutes": 15,
        "guiding_questions": [
            "What do we think school feels like for students in our priority "
            "group, and how could we check that assumption?",
            "Which open-ended questions invite students and families to tell "
            "their own story?",
            "How can we respond so the speaker feels heard rather than "
            "corrected or redirected?",
            "What got in the way of our listening during practice, and what "
            "helped?",
        ],
        "facilitator_notes": """\
Explain that an **empathy interview** is a short, open conversation aimed at \
understanding someone's experience, not at gathering complaints or \
defending the school. Then run a quick practice round in pairs or trios \
(about four minutes per person as interviewer), with one observer if the \
group allows.

Sample questions to offer:

- "Tell me about a day at school that went well for you. What made it good?"
- "When do you feel like you belong here? When don't you?"
- "Who is an adult at school you can go to? What makes that easy or hard?"
- "What is something you wish teachers knew about you or your family?"
- For families: "How does the school usually reach you, and how would you \
prefer we reach you?"

Coach interviewers to:

- Ask one question, then **wait**; silence often brings the most honest \
answer.
- Reflect feelings first ("It sounds like that was lonely") before asking \
a follow-up.
- Ask "Can you tell me more?" instead of offering advice or explanations.

Debrief briefly: what was hard about not fixing? Close by agreeing how real \
interviews with the priority group might happen, including who will reach \
out, in which language, and how students and families will learn what we \
heard.
""",
        "reflection_prompts": [
            "What is one question you would like to ask a student or family "
            "in the group you care most about, and what answer do you worry "
            "you might hear?",
            "When someone shares a problem with you, how hard is it for you to "
            "listen without offering a solution?",
        ],
        "is_commitments": False,
    },
    {
        "slug": "relationship-practices",
        "title": "Practices that build and strengthen relationships",
        "purpose": (
            "Choose a small number of concrete practices that will build "
            "trust with the priority group. We start from what has already "
            "worked for us and what students and families have told us."
        ),
        "minutes": 12,
        "guiding_questions": [
            "Which practices from our look-back could be extended on purpose "
            "to the priority group?",
            "How will each student in the group be known well by at least one "
            "caring adult?",
            "What would make it easier for these families to share their "
            "perspective and feel welcome?",
            "Where can we offer more flexibility and choice in how these "
            "students learn and show what they know?",
            "Which practice is small enough to start next week?",
        ],
        "facilitator_notes": """\
Bring back the chart from the look-back component and the notes from the \
empathy practice. Ask pairs to propose one or two practices that fit the \
priority group specifically. Examples to prompt thinking:

- Regular check-ins with a named adult (mentor, advisor, or adult "champion") \
for each student in the group
- Two-minute daily connections: greeting at the door, a brief personal \
conversation, noticing absences warmly the same day
- Positive phone calls or messages home, in the family's preferred language, \
before any concern is raised
- Choice in assignments, pacing, or ways to demonstrate learning
- Small-group or advisory time that builds belonging among peers
- Regular, low-stakes ways for students and families to give feedback

Look for practices that work both in person and online, and that are \
**personal** (each student known) as well as **communal** (students \
connected to one another). Narrow to two or three practices the team \
believes in; more than that rarely gets done well.
""",
        "reflection_prompts": [
            "What is one relationship-building practice you already use that "
            "you could offer more intentionally to students who need it most?",
        ],
        "is_commitments": False,
    },
    {
        "slug": "commitments-next-steps",
        "title": "Commitments and next steps",
        "purpose": (
            "Turn the conversation into specific commitments with owners and "
            "dates, and agree how the team will check back. Clear next steps "
            "keep our empathy visible in action, not just in discussion."
        ),
        "minutes": 13,
        "guiding_questions": [
            "What will each of us do in the next two weeks for the priority "
            "group?",
            "Who will listen to which students and families, and how will we "
            "share what we learn?",
            "What signs will tell us the practices are making a difference for "
            "students?",
            "When will we meet again to check back, and what will we bring?",
        ],
        "facilitator_notes": """\
Ask each participant to write one personal commitment and share it aloud. \
Good commitments are **specific, small, and time-bound**: "By Friday the 14th \
I will call the families of the five newcomer students in my advisory to \
introduce myself," rather than "I will connect more with families."

Then agree on team next steps:

- **Who** owns each practice or set of empathy interviews
- **When** it will start and when the team will check back (two to four \
weeks is a good rhythm)
- **What evidence** to bring next time: what students and families said, \
attendance or engagement changes, and stories of what shifted
- **How** students and families will hear what we learned and what we \
changed as a result

Record commitments where everyone can see them; they are included in the \
follow-up email after the session. Close with a quick round: one word about \
how each person is leaving the conversation.

At the check-back, begin with the listening norms again, celebrate what was \
tried, and treat what did not work as information rather than failure.
""",
        "reflection_prompts": [
            "What is one small, specific action you could realistically take "
            "in the next two weeks to strengthen a relationship with a student "
            "or family who is underserved?",
            "What support would you need from your team to follow through?",
        ],
        "is_commitments": True,
    },
]


def prompt_id(slug: str, number: int) -> str:
    """The stable id of a component's n-th original reflection prompt: 'norms-for-listening-1'."""
    return f"{slug}-{number}"


def component_rows() -> list[dict[str, Any]]:
    """COMPONENTS shaped as `protocol_components` rows (positions from 1, prompts with stable ids)."""
    return [
        {
            "slug": component["slug"],
            "position": position,
            "title": component["title"],
            "purpose": component["purpose"],
            "minutes": component["minutes"],
            "guiding_questions": list(component["guiding_questions"]),
            "facilitator_notes": component["facilitator_notes"],
            "reflection_prompts": [
                {"id": prompt_id(component["slug"], number), "text": text}
                for number, text in enumerate(component["reflection_prompts"], start=1)
            ],
            "is_commitments": component["is_commitments"],
            "is_retired": False,
        }
        for position, component in enumerate(COMPONENTS, start=1)
    ]
