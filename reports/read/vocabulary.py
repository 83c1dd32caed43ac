"""The words handoff authors use, as data: one table per language.

A heading is matched after `headings.normalise_heading` (lower case, no
numbering, emoji, parentheticals or punctuation). To teach the reader a
language, add a `Vocabulary` and list it in `LANGUAGES`; the classifier merges
every table, in that order.
"""

Words = tuple[str, ...]


class Vocabulary:
    """What the headings, titles and bullets of one language say about themselves.

    (A plain class: a NamedTuple of ten fields costs a preview's start-up 0.13 ms.)"""

    __slots__ = ("empty_items", "generic_stems", "generic_titles", "generic_words", "keywords", "level_fillers",
                 "levels", "sections", "status", "status_words")

    def __init__(self, *, sections: dict[str, Words], keywords: dict[str, Words], status: Words,
                 status_words: Words, levels: dict[str, tuple[str, str]], level_fillers: Words,
                 generic_titles: Words, generic_stems: Words, generic_words: Words, empty_items: Words) -> None:
        self.sections = sections  # whole headings naming a kind of section, by section key
        self.keywords = keywords  # words inside a longer heading saying what it is about ("Known issues and caveats")
        self.status = status  # headings about the state of things: kept as notes, never warned about
        self.status_words = status_words  # words that make any heading containing them a status heading
        self.levels = levels  # `###` headings that set a level for the items under them: (severity, priority)
        self.level_fillers = level_fillers  # words a level heading may carry besides its level ("High priority risks")
        self.generic_titles = generic_titles  # titles that name the kind of document, not the business
        self.generic_stems = generic_stems  # file stems that do the same, so the folder names the entity
        self.generic_words = generic_words  # words that alone leave a title generic ("Current Project Status")
        self.empty_items = empty_items  # items that say there is nothing to list ("None yet")


ENGLISH = Vocabulary(
    sections={
        "financials": ("financials", "revenue", "p&l", "p & l", "monthly financials", "profit and loss",
                       "financial summary", "finances", "financial"),
        "expenses": ("expenses", "expense log", "costs"),
        "kpis": ("kpis", "kpi", "metrics", "key metrics"),
        "pipeline": ("pipeline", "deals", "revenue pipeline", "sales pipeline"),
        "risks": ("risks", "blockers", "issues", "known risks", "known issues", "caveats", "blocked",
                  "open issues", "gotchas", "risks and blockers", "problems"),
        "actions": ("actions", "next steps", "timeline", "milestones", "roadmap", "todo", "to do", "to-do",
                    "action items", "next actions", "what's next", "whats next", "what is next", "open items",
                    "remaining", "remaining work", "pending", "backlog", "tasks", "follow-ups", "follow ups"),
        "stack": ("stack", "tech stack", "infrastructure"),
        "channels": ("channels", "marketing channels", "distribution"),
        "campaigns": ("campaigns", "email campaigns", "blasts"),
        "revenue_recognition": ("revenue recognition", "rev rec", "revrec"),
        "accounts": ("accounts", "chart of accounts"),
        "guardrails": ("guardrails", "financial guardrails"),
        "targets": ("targets", "revenue targets", "monthly revenue targets"),
        "capital_plan": ("capital deployment", "capital plan", "capital deployment framework"),
    },
    keywords={
        "risks": ("known risks", "known issues", "open issues", "caveats", "blockers", "blocked", "risks",
                  "gotchas"),
        "actions": ("next steps", "next actions", "what's next", "whats next", "what is next", "open items",
                    "action items", "remaining", "pending", "backlog", "todo", "to do"),
        "kpis": ("metrics", "kpis"),
    },
    status=("status", "current state", "current status", "progress", "state", "summary", "overview",
            "context", "background", "notes", "done", "completed", "what was done", "what's done",
            "recent changes", "changelog", "decisions", "where things stand", "handoff", "handover"),
    status_words=("status", "progress", "current state"),
    levels={"critical": ("critical", "P0"), "urgent": ("critical", "P0"), "blocker": ("critical", "P0"),
            "high": ("high", "P1"), "medium": ("medium", "P2"), "normal": ("medium", "P2"),
            "low": ("low", "P3"), "later": ("low", "P3"), "nice to have": ("low", "P3"),
            "someday": ("low", "P3")},
    level_fillers=("priority", "severity", "risk", "risks", "item", "items", "task", "tasks", "issue",
                   "issues"),
    generic_titles=(
        "status", "project status", "handoff", "handover", "hand off", "hand-off", "notes", "session notes",
        "readme", "todo", "to do", "project notes", "status report", "handoff notes", "handover notes",
        "session handoff", "agent handoff", "project handoff", "current status", "overview", "summary",
        "changelog", "progress", "progress report", "work log", "worklog", "next steps", "context",
    ),
    generic_stems=("handoff", "handover", "status", "readme", "notes", "todo", "index", "progress",
                   "context", "summary", "session", "session notes", "agents", "claude"),
    generic_words=("project", "status", "handoff", "handover", "notes", "session", "report", "update", "the",
                   "current"),
    empty_items=("none", "n/a", "na", "-", "\u2014", "\u2013", "nothing", "none yet", "none so far",
                 "none known", "nothing yet", "tbd", "no known issues", "no blockers", "nil"),
)

LANGUAGES: dict[str, Vocabulary] = {"en": ENGLISH}
