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

    __slots__ = ("done_words", "due_after", "due_words", "empty_items", "fields", "generic_stems", "generic_titles", "generic_words",
                 "keywords", "level_fillers", "levels", "priority_words", "sections", "status", "status_words")

    def __init__(self, *, sections: dict[str, Words], keywords: dict[str, Words], status: Words,
                 status_words: Words, levels: dict[str, str], level_fillers: Words,
                 generic_titles: Words, generic_stems: Words, generic_words: Words, empty_items: Words, priority_words: Words = (),
                 done_words: Words = (), fields: dict[str, Words] | None = None) -> None:
        self.sections = sections  # whole headings naming a kind of section, by section key
        self.keywords = keywords  # words inside a longer heading saying what it is about ("Known issues and caveats")
        self.status = status  # headings about the state of things: kept as notes, never warned about
        self.status_words = status_words  # words that make any heading containing them a status heading
        self.levels = levels  # level words, wherever they stand in a heading or item: word -> level as written
        self.level_fillers = level_fillers  # words a level heading may carry besides its level ("High priority risks")
        self.generic_titles = generic_titles  # titles that name the kind of document, not the business
        self.generic_stems = generic_stems  # file stems that do the same, so the folder names the entity
        self.generic_words = generic_words  # words that alone leave a title generic ("Current Project Status")
        self.empty_items = empty_items  # items that say there is nothing to list ("None yet")
        self.priority_words = priority_words  # "priority" before a number: `Priority 1` -> P1
        self.done_words = done_words  # words anywhere in an item that close it ("DONE", "fixed")
        self.fields = fields or {}  # issue-block field names by role: issue, impact, fix, due, other
        self.due_words: Words = ()  # words before a due date in an item ("by Dec 5", "antes de 15 de dezembro")
        self.due_after: Words = ()  # words after one ("20 Aralık'a kadar", "12월 5일까지", "12月10日まで")


ENGLISH = Vocabulary(
    sections={
        "financials": ("financials", "revenue", "p&l", "p & l", "monthly financials", "profit and loss",
                       "financial summary", "finances", "financial", "sales", "sales by month", "monthly sales",
                       "revenue by month", "monthly revenue"),
        "expenses": ("expenses", "expense log", "costs"),
        "kpis": ("kpis", "kpi", "metrics", "key metrics", "current performance", "performance metrics",
                 "optimization targets", "kpi targets"),
        "pipeline": ("pipeline", "deals", "revenue pipeline", "sales pipeline"),
        "risks": ("risks", "blockers", "issues", "known risks", "known issues", "caveats", "blocked",
                  "open issues", "gotchas", "risks and blockers", "problems"),
        "actions": ("actions", "next steps", "timeline", "milestones", "roadmap", "todo", "to do", "to-do",
                    "action items", "next actions", "what's next", "whats next", "what is next", "open items",
                    "remaining", "remaining work", "pending", "backlog", "tasks", "follow-ups", "follow ups"),
        "stack": ("stack", "tech stack", "tech-stack", "infrastructure", "technologies", "tecnologias",
                  "tecnologías", "stack technique", "teknoloji", "стек", "технологии", "teknologi", "技術スタック",
                  "技术栈", "기술 스택"),
        "channels": ("channels", "marketing channels", "distribution"),
        "campaigns": ("campaigns", "email campaigns", "blasts"),
        "revenue_recognition": ("revenue recognition", "rev rec", "revrec"),
        "accounts": ("accounts", "chart of accounts"),
        "guardrails": ("guardrails", "financial guardrails"),
        "targets": ("targets", "revenue targets", "monthly revenue targets"),
        "capital_plan": ("capital deployment", "capital plan", "capital deployment framework"),
    },
    keywords={
        "actions": ("next steps", "next step", "next actions", "what's next", "whats next", "what is next",
                    "open items", "action items", "remaining", "pending", "backlog", "todo", "to do", "next up",
                    "checklist", "not yet implemented", "needs work", "start here", "must", "should", "could",
                    "this month", "later", "tasks", "follow ups", "scope", "moscow"),
        "risks": ("known risks", "known issues", "open issues", "caveats", "blockers", "blocked", "risks",
                  "gotchas", "issues", "problems", "worries", "keep me up", "concerns", "risk", "bugs"),
        "done": ("completed", "what's done", "what was done", "done", "finished", "resolved", "fixed"),
        "kpis": ("metrics", "kpis"),
        "financials": ("revenue and expenses", "income and expenses"),
    },
    status=("status", "current state", "current status", "progress", "state", "summary", "overview",
            "context", "background", "notes",
            "recent changes", "changelog", "decisions", "where things stand", "handoff", "handover", "environment", "useful links", "links",
            "files to modify", "decisions made", "parking lot", "ideas", "tl dr", "tl;dr", "where we are",
            "notes for next session", "summary", "money", "how it's going"),
    status_words=("status", "progress", "current state"),
    levels={"critical": "critical", "blocker": "critical", "blocking": "critical", "non-blocking": "low",
            "non blocking": "low", "high": "high", "major": "high", "medium": "medium", "low": "low",
            "minor": "low", "must": "P1", "must have": "P1", "should": "P2", "should have": "P2",
            "could": "P3", "could have": "P3", "won't": "wont", "wont": "wont", "won't have": "wont"},
    level_fillers=("priority", "severity", "risk", "risks", "item", "items", "task", "tasks", "issue",
                   "issues"),
    generic_titles=(
        "status", "project status", "handoff", "handover", "hand off", "hand-off", "notes", "session notes",
        "readme", "todo", "to do", "project notes", "status report", "handoff notes", "handover notes",
        "session handoff", "agent handoff", "project handoff", "current status", "overview", "summary",
        "changelog", "progress", "progress report", "work log", "worklog", "next steps", "context",
        "handoff document", "handover document", "session summary", "status update", "project status summary",
    ),
    generic_stems=("handoff", "handover", "status", "readme", "notes", "todo", "index", "progress",
                   "context", "summary", "session", "session notes", "agents", "claude"),
    generic_words=("project", "status", "handoff", "handover", "notes", "session", "report", "update", "the",
                   "summary", "week", "weekly", "daily", "agent",
                   "current"),
    empty_items=("none", "n/a", "na", "-", "\u2014", "\u2013", "nothing", "none yet", "none so far",
                 "none known", "nothing yet", "tbd", "no known issues", "no blockers", "nil", "none recorded",
                 "nothing else known", "none so far"),
)



def _other(*, actions: Words, risks: Words, done: Words, status: Words, levels: dict[str, str],
           priority: Words, empty: Words, generic: Words, done_words: Words, fields: dict[str, Words],
           money: Words = (), due: Words = (), due_after: Words = ()) -> Vocabulary:
    """A language's table: only the words it adds (English gives the section names); `money`:
    words that make a heading a financials one (`売上と経費`); `due`/`due_after`: words before
    or after an item's due date."""
    keywords = {"actions": actions, "risks": risks, "done": done, "financials": money}
    vocab = Vocabulary(sections={}, keywords=keywords, status=status,
                       status_words=(), levels=levels, level_fillers=(), generic_titles=generic, generic_stems=(),
                       generic_words=(), empty_items=empty, priority_words=priority, done_words=done_words,
                       fields=fields)
    vocab.due_words, vocab.due_after = due, due_after
    return vocab


ENGLISH.priority_words = ("priority",)
ENGLISH.done_words = ("done", "fixed", "resolved", "completed")
ENGLISH.fields = {"issue": ("issue", "problem"), "impact": ("impact", "severity", "priority"),
                  "fix": ("fix", "solution", "action", "next step", "resolution"),
                  "due": ("due", "due date", "deadline"),
                  "other": ("effort", "files", "status", "owner", "cause", "root cause", "estimate")}
ENGLISH.due_words = ("due", "by", "before", "until", "deadline")

PORTUGUESE = _other(
    actions=("próximos passos", "proximos passos", "pendências", "pendencias", "pendente", "a fazer", "fazer",
             "tarefas"),
    risks=("problemas", "riscos", "bloqueios", "preocupações", "bugs", "pontos de atenção"),
    done=("o que foi feito", "feito", "concluído", "concluido", "resolvidos"),
    status=("resumo", "contexto", "dinheiro", "como estamos", "visão geral"),
    levels={"crítico": "critical", "crítica": "critical", "bloqueante": "critical", "alta": "high", "alto": "high",
            "média": "medium", "medio": "medium", "médio": "medium", "media": "medium", "baixa": "low",
            "baixo": "low", "menor": "low", "menores": "low"},
    priority=("prioridade",), empty=("nenhum", "nenhuma", "nada", "nada ainda"),
    generic=("status do projeto", "anotações", "minhas anotações", "notas", "passagem de bastão"),
    done_words=("feito", "resolvido", "concluído", "pronto"),
    money=("receita", "receitas", "despesas", "faturamento", "finanças", "financeiro"),
    fields={"issue": ("problema",), "impact": ("impacto", "severidade", "prioridade"),
            "fix": ("correção", "solução", "ação", "correcao", "solucao"),
            "due": ("prazo", "data limite"), "other": ("esforço", "arquivos", "status", "responsável")},
    due=("antes de", "antes do dia", "até o dia", "até", "prazo"))
SPANISH = _other(
    actions=("próximos pasos", "proximos pasos", "pendiente", "pendientes", "tareas", "por hacer"),
    risks=("problemas", "riesgos", "bloqueos", "bugs"),
    done=("hecho", "completado", "resuelto", "resueltos"),
    status=("resumen", "contexto", "métricas", "estado"),
    levels={"crítico": "critical", "críticos": "critical", "crítica": "critical", "bloqueante": "critical",
            "alta": "high", "alto": "high", "media": "medium", "medio": "medium", "baja": "low", "bajo": "low",
            "menor": "low", "menores": "low"},
    priority=("prioridad",), empty=("ninguno", "ninguna", "nada", "nada por ahora"),
    generic=("estado del proyecto", "notas", "traspaso"), done_words=("hecho", "resuelto", "completado", "listo"),
    money=("ingresos", "gastos", "ventas", "finanzas", "facturación"),
    fields={"issue": ("problema",), "impact": ("impacto", "severidad", "prioridad"),
            "fix": ("solución", "solucion", "arreglo", "corrección"), "due": ("fecha límite", "plazo"),
            "other": ("esfuerzo", "archivos", "estado")},
    due=("antes del", "antes de", "hasta el", "hasta", "fecha límite", "plazo"))
FRENCH = _other(
    actions=("prochaines étapes", "prochaines etapes", "à faire", "a faire", "tâches", "reste à faire"),
    risks=("problèmes", "problemes", "risques", "points d'attention", "bloquants", "blocages", "bugs"),
    done=("ce qui a été fait", "fait", "terminé", "résolu"),
    status=("contexte", "résumé", "chiffres", "à ne pas faire"),
    levels={"critique": "critical", "bloquant": "critical", "majeur": "high", "haute": "high", "élevée": "high",
            "moyenne": "medium", "moyen": "medium", "basse": "low", "faible": "low", "mineur": "low",
            "mineure": "low", "mineurs": "low", "mineures": "low"},
    priority=("priorité", "priorite"), empty=("aucun", "aucune", "rien", "rien pour l'instant"),
    generic=("notes de passation", "passation", "notes"), done_words=("fait", "résolu", "corrigé", "terminé"),
    money=("chiffre d'affaires", "dépenses", "revenus", "finances"),
    fields={"issue": ("problème", "probleme"), "impact": ("impact", "gravité", "priorité"),
            "fix": ("correction", "solution", "correctif", "action"), "due": ("échéance", "date limite"),
            "other": ("effort", "fichiers", "statut")},
    due=("avant le", "avant", "d'ici le", "au plus tard le", "échéance", "date limite"))
GERMAN = _other(
    actions=("deine aufgabe", "aufgaben", "nächste schritte", "naechste schritte", "offene punkte", "todo", "offen"),
    risks=("bekannte probleme", "probleme", "risiken", "blocker"),
    done=("erledigt", "abgeschlossen", "was erledigt wurde"),
    status=("worum es geht", "sonstiges", "überblick", "stand"),
    levels={"kritisch": "critical", "blockierend": "critical", "hoch": "high", "mittel": "medium",
            "niedrig": "low", "gering": "low", "geringfügig": "low"},
    priority=("priorität", "prioritaet"), empty=("keine", "nichts", "keine weiteren blocker"),
    generic=("übergabe-notiz", "übergabe notiz", "übergabe", "notizen"), done_words=("erledigt", "behoben"),
    money=("umsatz", "einnahmen", "ausgaben", "kosten", "finanzen"),
    fields={"issue": ("problem",), "impact": ("auswirkung", "schweregrad", "priorität"),
            "fix": ("lösung", "loesung", "fix", "behebung"), "due": ("frist", "fällig", "deadline"),
            "other": ("aufwand", "dateien", "status")},
    due=("bis zum", "bis", "spätestens", "wunschtermin", "frist", "fällig am", "fällig"))
TURKISH = _other(
    actions=("sonraki adımlar", "yapılacaklar", "bekleyenler"),
    risks=("bilinen sorunlar", "sorunlar", "riskler", "engeller"),
    done=("tamamlananlar", "tamamlanan", "yapılanlar"),
    status=("genel durum", "özet"),
    levels={"kritik": "critical", "engelleyici": "critical", "yüksek": "high", "orta": "medium", "düşük": "low"},
    priority=("öncelik",), empty=("yok", "şu an yok"),
    generic=("oturum devri", "devir notu", "devir"), done_words=("tamamlandı", "çözüldü", "düzeltildi"),
    money=("gelir", "gelirler", "gider", "giderler", "ciro", "finans"),
    fields={"issue": ("sorun",), "impact": ("etki", "önem"), "fix": ("çözüm",), "due": ("son tarih", "termin"),
            "other": ("efor", "dosyalar", "durum")},
    due=("son tarih",), due_after=("kadar", "tarihine kadar"))
RUSSIAN = _other(
    actions=("следующие шаги", "задачи", "что дальше", "todo"),
    risks=("известные проблемы", "проблемы", "риски", "блокеры"),
    done=("что сделано", "сделано", "выполнено"),
    status=("о проекте", "обзор"),
    levels={"критические": "critical", "критическая": "critical", "критический": "critical",
            "критично": "critical", "блокер": "critical", "высокий": "high", "высокая": "high",
            "средний": "medium", "средняя": "medium", "низкий": "low", "низкая": "low",
            "незначительные": "low", "незначительная": "low"},
    priority=("приоритет",), empty=("нет", "пока нет", "ничего"),
    generic=("передача проекта", "передача"), done_words=("сделано", "исправлено", "готово"),
    money=("выручка", "доходы", "расходы", "финансы"),
    fields={"issue": ("проблема",), "impact": ("влияние", "серьёзность"), "fix": ("решение", "исправление"),
            "due": ("срок", "дедлайн"), "other": ("трудозатраты", "файлы", "статус")},
    due=("до", "к", "не позднее", "срок", "дедлайн"))
INDONESIAN = _other(
    actions=("langkah selanjutnya", "yang harus dikerjakan", "tugas"),
    risks=("masalah yang diketahui", "masalah", "risiko", "kendala"),
    done=("yang sudah selesai", "sudah selesai", "selesai"),
    status=("ringkasan", "angka"),
    levels={"kritis": "critical", "tinggi": "high", "sedang": "medium", "rendah": "low"},
    priority=("prioritas",), empty=("tidak ada", "belum ada"),
    generic=("catatan serah terima", "serah terima"), done_words=("selesai", "sudah diperbaiki"),
    money=("pendapatan", "biaya", "pengeluaran", "keuangan", "omzet"),
    fields={"issue": ("masalah",), "impact": ("dampak",), "fix": ("solusi", "perbaikan"),
            "due": ("tenggat", "batas waktu"), "other": ("status",)},
    due=("sebelum", "paling lambat", "tenggat", "batas waktu"))
# Japanese, Chinese and Korean words are found inside a heading (no spaces between words).
JAPANESE = _other(
    actions=("次のステップ", "やること", "未テスト", "要改善", "todo", "タスク", "今後"),
    risks=("既知の問題", "問題", "気になること", "リスク", "課題"),
    done=("完了した作業", "完了", "済み"),
    status=("概要", "現在の状況", "注意事項", "数字"),
    levels={"致命的": "critical", "緊急": "critical", "重大": "high", "軽微": "low", "【高】": "high",
            "【中】": "medium", "【低】": "low", "（高）": "high", "（中）": "medium", "（低）": "low"},
    priority=("優先度",), empty=("なし", "特になし"),
    generic=("引き継ぎ資料", "引き継ぎ", "メモ", "ハンドオーバー"), done_words=("完了", "修正済み", "対応済み"),
    money=("売上", "経費", "収支", "収入", "支出"),
    fields={"issue": ("問題", "内容"), "impact": ("影響", "重要度"), "fix": ("対応", "対策", "修正方法"),
            "due": ("期限", "締め切り", "締切"), "other": ("工数", "ファイル", "対象ファイル", "状態", "ステータス", "概要")},
    due=("期限", "締め切り", "締切"), due_after=("までに", "まで"))
CHINESE = _other(
    actions=("下一步", "待办", "后续", "计划"),
    risks=("已知问题", "问题", "风险", "阻塞"),
    done=("本次完成", "已完成", "已解决", "完成"),
    status=("项目简介", "概述"),
    levels={"致命": "critical", "严重": "critical", "高优先级": "high", "中优先级": "medium", "低优先级": "low",
            "轻微": "low", "【高】": "high", "【中】": "medium", "【低】": "low"},
    priority=("优先级",), empty=("暂无", "无"),
    generic=("项目交接文档", "交接文档", "交接"), done_words=("已修复", "已完成", "已解决"),
    money=("收入", "营收", "支出", "财务", "销售额"),
    fields={"issue": ("问题",), "impact": ("影响",), "fix": ("解决方案", "修复"), "due": ("截止日期", "截止", "期限"),
            "other": ("工作量", "文件", "状态")},
    due=("截止日期", "截止", "期限"), due_after=("之前", "前"))
KOREAN = _other(
    actions=("다음 단계", "할 일", "나중에"),
    risks=("알려진 이슈", "이슈", "문제", "위험"),
    done=("완료된 작업", "완료"),
    status=("프로젝트 개요", "참고 링크", "개요"),
    levels={"치명적": "critical", "긴급": "critical", "높음": "high", "중간": "medium", "보통": "medium",
            "낮음": "low", "사소한": "low"},
    priority=("우선순위",), empty=("없음",),
    generic=("인수인계 문서", "인수인계"), done_words=("해결됨", "완료됨", "완료"),
    money=("매출", "비용", "재무", "수입", "지출"),
    fields={"issue": ("문제",), "impact": ("영향",), "fix": ("해결 방법", "해결"), "due": ("마감일", "마감", "기한"),
            "other": ("상태", "파일", "작업량")},
    due=("마감일", "마감", "기한"), due_after=("까지",))

LANGUAGES: dict[str, Vocabulary] = {
    "en": ENGLISH, "pt": PORTUGUESE, "es": SPANISH, "fr": FRENCH, "de": GERMAN, "tr": TURKISH, "ru": RUSSIAN,
    "id": INDONESIAN, "ja": JAPANESE, "zh": CHINESE, "ko": KOREAN}
