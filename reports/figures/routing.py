"""Which reports own a risk or an action: by its tags first, else by what it says.

The vocabulary is data: `TAGS` maps a tag to its topic, `VOCABULARY` holds one
table per language (its topics' words and how they are matched), and
`TOPIC_ROLES` says which reports own a topic. docs/reports.md ("Routing")
states the rules; add a word to a table to extend them.
"""

from __future__ import annotations

from functools import lru_cache

from reports.model import Action, Entity, Risk
from reports.patterns import compiled
from reports.record import NamedTuple

SECURITY, ENGINEERING, MARKETING, MONEY, PEOPLE = "security", "engineering", "marketing", "money", "people"
TOPIC_ROLES: dict[str, tuple[str, ...]] = {
    SECURITY: ("cto",), ENGINEERING: ("cto",), MARKETING: ("cmo",), MONEY: ("accounting", "cfo"),
    PEOPLE: ("ceo",),
}
URGENT = frozenset(("critical", "high", "P0", "P1"))  # security at these levels also goes to the CEO
SOFTWARE = "software"  # `sector: software`: untagged items go to the CTO as well

# A tag decides on its own: an item with one of these is not routed by its words.
TAGS: dict[str, str] = {
    "security": SECURITY, "sec": SECURITY, "auth": SECURITY,
    "eng": ENGINEERING, "engineering": ENGINEERING, "devcycle": ENGINEERING, "ux": ENGINEERING,
    "tech": ENGINEERING, "infra": ENGINEERING, "dev": ENGINEERING, "bug": ENGINEERING,
    "seo": MARKETING, "ota": MARKETING, "marketing": MARKETING, "ads": MARKETING,
    "finance": MONEY, "cost": MONEY, "tax": MONEY, "accounting": MONEY, "billing": MONEY,
    "personnel": PEOPLE, "equity": PEOPLE, "hiring": PEOPLE, "hr": PEOPLE, "people": PEOPLE,
}


class Language(NamedTuple):
    """One language's words by topic, and how a word in a note is compared with them:
    `word` (whole words, English endings allowed), `stem` (a word that starts with
    the entry; an entry ending in `=` is a whole word) or `part` (anywhere in the
    text: languages written without spaces between words)."""

    mode: str
    words: dict[str, tuple[str, ...]]


VOCABULARY: dict[str, Language] = {
    "en": Language("word", {
        SECURITY: ("security", "secure", "insecure", "auth", "authentication", "authorization", "login",
                   "log in", "sign in", "sso", "mfa", "2fa", "totp", "password", "token", "secret",
                   "api key", "access key", "secret key", "private key", "ssh key", "keys", "credential",
                   "vulnerability", "vulnerabilities", "vulnerable", "exposure", "expose", "leak",
                   "backup", "encryption", "encrypt", "unencrypted", "cve", "xss", "csrf", "injection",
                   "rls", "row level security", "permission", "access control", "ssl", "tls",
                   "certificate", "firewall", "breach", "phishing", "rate limit", "oauth", "jwt",
                   "impersonate", "audit trail", "privacy", "gdpr", "pentest", "penetration test",
                   "malware", "rotate", "data loss", "pii", "personal data", "card data", "card number",
                   "pci", "fingerprint", "security audit", "audit log", "webhook secret",
                   "signature"),
        ENGINEERING: ("deploy", "redeploy", "ci", "ci cd", "github actions", "test", "unit test", "e2e",
                      "qa", "quality assurance", "bug", "bugfix", "hotfix", "regression", "crash", "api", "endpoint",
                      "database", "db", "postgres", "mysql", "sql", "migration", "migrate", "schema",
                      "build", "compile", "performance", "latency", "slow query", "timeout", "time out",
                      "memory leak", "refactor", "typescript", "javascript", "code", "codebase", "repo",
                      "repository", "server", "backend", "frontend", "staging", "docker", "kubernetes",
                      "container", "cache", "index", "query", "queries", "uptime", "outage", "downtime",
                      "monitoring", "logging", "sdk", "webhook", "release", "upgrade", "dependency",
                      "dependencies", "lint", "flaky", "feature flag", "devops", "infrastructure",
                      "hosting", "load test", "mobile app", "ios", "android", "ui", "ux", "css", "react",
                      "node", "pull request", "php", "end of life", "type errors", "typing", "runbook"),
        MARKETING: ("marketing", "seo", "campaign", "ads", "ad spend", "adwords", "advert",
                    "advertising", "listing", "ota", "otas", "email blast", "blast", "newsletter",
                    "mailing list", "conversion", "landing page", "social media", "instagram", "facebook",
                    "tiktok", "linkedin", "youtube", "influencer", "brand", "branding", "promo",
                    "promotion", "promo code", "discount code", "press release", "reviews",
                    "tripadvisor", "yelp", "viator", "getyourguide", "airbnb", "booking com", "expedia",
                    "funnel", "traffic", "organic", "backlink", "keyword", "ranking", "rank", "leads",
                    "lead gen", "lead generation", "copywriting", "content calendar", "blog",
                    "schema org", "google business", "outreach", "affiliate", "referral", "zillow"),
        MONEY: ("invoice", "invoicing", "payment", "pay", "paid", "unpaid", "payout", "refund", "tax",
                "vat", "gst", "sales tax", "books", "bookkeeping", "accounting", "accountant", "ledger",
                "reconcile", "reconciliation", "payroll", "salary", "salaries", "pricing", "price", "bank",
                "banking", "revenue", "revenue recognition", "deferred revenue", "cash", "cash flow",
                "budget", "cost", "expense", "fees", "billing", "bill", "subscription", "mrr", "arr",
                "margin", "profit", "insurance", "premium", "loan", "debt", "interest rate", "deposit",
                "receivable", "payable", "collections", "chargeback", "quickbooks", "xero", "audit",
                "irs", "1099", "financial", "finance"),
        PEOPLE: ("hire", "hiring", "recruit", "recruitment", "contractor", "freelancer", "employee",
                 "staff", "staffing", "team member", "headcount", "key person", "bus factor",
                 "only one person", "one person knows", "one developer", "knowledge transfer", "equity",
                 "co founder", "cofounder", "founder", "vesting", "stake", "shares", "shareholder",
                 "cap table", "ownership", "partnership", "succession", "resign", "resignation", "quit",
                 "burnout", "personnel", "hr", "key person dependency", "ip assignment", "non compete", "nda", "investor", "board"),
    }),
    "pt": Language("stem", {
        SECURITY: ("segurança", "autenticação", "senha", "segredo", "chave", "credencia", "vulnerabilidade",
                   "exposição", "exposto", "exposta", "vazamento", "vazad", "criptografia", "permissão",
                   "permissões", "acesso indevido"),
        ENGINEERING: ("implantação", "teste", "banco de dados", "migração", "migrar", "compilação",
                      "desempenho", "lentidão", "código", "servidor", "refatora", "infraestrutura",
                      "integração contínua", "homologação"),
        MARKETING: ("campanha", "anúncio", "divulgação", "listagem", "conversão", "disparo de e mail",
                    "redes sociais", "página de destino", "tráfego", "avaliações", "promoção"),
        MONEY: ("fatura", "faturamento", "nota fiscal", "pagamento", "cobrança", "imposto", "tributo",
                "contabilidade", "contador", "folha de pagamento", "salário", "preço", "precificação",
                "banco", "receita", "reconhecimento de receita", "fluxo de caixa", "custo=", "custos=", "despesa",
                "orçamento", "reembolso"),
        PEOPLE: ("contratação", "contratar", "prestador", "funcionári", "pessoa chave", "sócio", "sócia",
                 "cofundador", "co fundador", "fundador", "participação societária", "demissão"),
    }),
    "es": Language("stem", {
        SECURITY: ("seguridad", "autenticación", "contraseña", "secreto", "clave", "credencial",
                   "vulnerabilidad", "exposición", "expuest", "filtración", "filtrad",
                   "copia de seguridad", "respaldo", "cifrado", "encriptación", "permisos"),
        ENGINEERING: ("despliegue", "desplegar", "prueba", "base de datos", "migración", "compilación",
                      "rendimiento", "código", "servidor", "refactoriza", "infraestructura",
                      "integración continua"),
        MARKETING: ("campaña", "anuncio", "publicidad", "listado", "conversión", "boletín",
                    "correo masivo", "redes sociales", "página de aterrizaje", "tráfico", "reseñas",
                    "promoción", "posicionamiento"),
        MONEY: ("factura", "pago", "cobro", "impuesto", "iva=", "contabilidad", "contador", "nómina",
                "salario", "precio", "banco", "ingresos", "reconocimiento de ingresos", "flujo de caja",
                "costo", "coste", "gasto", "presupuesto", "reembolso"),
        PEOPLE: ("contratación", "contratar", "contratista", "empleado", "persona clave", "socio=", "socios=",
                 "cofundador", "fundador", "renuncia"),
    }),
    "fr": Language("stem", {
        SECURITY: ("sécurité", "authentification", "mot de passe", "mots de passe", "jeton", "clé",
                   "identifiants", "vulnérabilité", "fuite", "sauvegarde", "chiffrement", "autorisation"),
        ENGINEERING: ("déploiement", "déployer", "bogue", "base de données", "compilation", "lenteur",
                      "serveur", "refactorisation", "intégration continue", "préproduction"),
        MARKETING: ("campagne", "publicité", "annonce", "référencement", "réseaux sociaux",
                    "page d atterrissage", "trafic", "avis clients"),
        MONEY: ("facture", "paiement", "impôt", "taxe", "tva=", "comptabilité", "comptable", "paie",
                "salaire", "tarif", "prix", "banque", "bancaire", "chiffre d affaires",
                "reconnaissance du revenu", "trésorerie", "coût", "dépense", "remboursement", "assurance"),
        PEOPLE: ("recrutement", "recruter", "embauche", "prestataire", "salarié", "employé",
                 "personne clé", "cofondateur", "co fondateur", "fondateur", "associé", "actionnaire",
                 "démission"),
    }),
    "de": Language("stem", {
        SECURITY: ("sicherheit", "authentifizierung", "anmeldung", "passwort", "kennwort", "geheimnis",
                   "schlüssel", "zugangsdaten", "schwachstelle", "offengelegt", "datenleck", "sicherung",
                   "verschlüsselung", "berechtigung"),
        ENGINEERING: ("bereitstellung", "fehler", "datenbank", "schnittstelle", "refaktor", "infrastruktur"),
        MARKETING: ("kampagne", "werbung", "werbe", "konversion", "soziale medien", "bewertungen",
                    "markenbild", "suchmaschine"),
        MONEY: ("rechnung", "zahlung", "steuererklärung", "steuerberater", "buchhaltung", "lohn", "gehalt", "preis", "bank",
                "umsatz", "umsatzrealisierung", "liquidität", "kosten", "erstattung",
                "versicherung"),
        PEOPLE: ("neueinstellung", "personalsuche", "auftragnehmer", "mitarbeiter", "schlüsselperson",
                 "mitgründer", "gründer", "gesellschafter", "kündigung"),
    }),
    "tr": Language("stem", {
        SECURITY: ("güvenlik", "kimlik doğrulama", "şifre", "parola", "gizli anahtar", "anahtar",
                   "zafiyet", "sızıntı", "sızdır", "yedek", "yetki"),
        ENGINEERING: ("dağıtım", "hata", "veritabanı", "migrasyon", "derleme", "performans", "yavaş",
                      "kod", "sunucu", "uç nokta", "altyapı"),
        MARKETING: ("pazarlama", "kampanya", "reklam", "ilan", "dönüşüm", "bülten", "sosyal medya",
                    "trafik", "yorumlar", "marka", "tanıtım"),
        MONEY: ("fatura", "ödeme", "vergi", "kdv=", "muhasebe", "bordro", "maaş", "fiyat", "banka", "gelir",
                "nakit", "maliyet", "gider", "bütçe", "iade", "sigorta"),
        PEOPLE: ("işe alım", "yüklenici", "serbest çalışan", "personel", "kilit kişi", "anahtar kişi",
                 "kurucu ortak", "kurucu", "hisse", "istifa"),
    }),
    "ru": Language("stem", {
        SECURITY: ("безопасност", "аутентификац", "авторизац", "пароль", "пароли", "токен", "секрет",
                   "ключи", "ключ доступа", "учётные данные", "учетные данные", "уязвимост", "утечк",
                   "резервн", "бэкап", "шифрован", "права доступа", "несанкционированн"),
        ENGINEERING: ("деплой", "развертыван", "развёртыван", "тест", "баг", "ошибк", "база данных",
                      "базы данных", "базе данных", "миграц", "сборк", "производительност", "код",
                      "сервер", "эндпоинт", "рефактор", "инфраструктур"),
        MARKETING: ("маркетинг", "кампани", "реклам", "объявлени", "листинг", "конверси", "рассылк",
                    "соцсет", "лендинг", "трафик", "отзыв", "бренд", "продвижени"),
        MONEY: ("счёт", "счет", "оплат", "платеж", "платёж", "налог", "ндс", "бухгалтер", "зарплат",
                "цена", "цены", "ценообразован", "банк", "выручк", "доход", "расход", "бюджет", "возврат", "страхов"),
        PEOPLE: ("найм", "нанять", "подрядчик", "фрилансер", "сотрудник", "персонал", "ключевой сотрудник",
                 "ключевого сотрудника", "долю", "долей", "доля", "сооснователь", "основатель",
                 "акционер", "увольнен"),
    }),
    "id": Language("stem", {
        SECURITY: ("keamanan", "autentikasi", "kata sandi", "sandi=", "rahasia", "kunci", "kredensial",
                   "kerentanan", "rentan", "terekspos", "bocor", "kebocoran", "cadangan", "enkripsi",
                   "hak akses"),
        ENGINEERING: ("penerapan", "pengujian", "uji", "basis data", "migrasi", "kinerja", "performa",
                      "kode", "refaktor", "infrastruktur"),
        MARKETING: ("pemasaran", "kampanye", "iklan", "konversi", "buletin", "media sosial",
                    "halaman arahan", "trafik", "ulasan", "merek", "promosi"),
        MONEY: ("faktur", "tagihan", "pembayaran", "bayar", "pajak", "ppn=", "pembukuan", "akuntansi", "gaji",
                "penggajian", "harga", "pendapatan", "pengakuan pendapatan", "arus kas", "biaya",
                "anggaran", "pengembalian dana", "asuransi"),
        PEOPLE: ("rekrut", "perekrutan", "kontraktor", "pekerja lepas", "karyawan", "staf", "orang kunci",
                 "ekuitas", "saham", "pendiri", "salah satu pendiri"),
    }),
    "ja": Language("part", {
        SECURITY: ("セキュリティ", "認証", "パスワード", "トークン", "シークレット", "秘密鍵", "キー", "鍵",
                   "資格情報", "脆弱性", "漏洩", "漏えい", "流出", "露出", "バックアップ", "暗号化", "権限",
                   "不正アクセス"),
        ENGINEERING: ("デプロイ", "テスト", "バグ", "不具合", "エンドポイント", "データベース",
                      "マイグレーション", "移行", "ビルド", "パフォーマンス", "性能", "遅延", "コード",
                      "コードレビュー", "サーバー", "サーバ", "リファクタ", "インフラ", "ステージング",
                      "本番環境"),
        MARKETING: ("マーケティング", "キャンペーン", "広告", "掲載", "リスティング", "コンバージョン",
                    "成約率", "メルマガ", "メール配信", "一斉送信", "ランディングページ", "集客", "口コミ",
                    "レビュー", "ブランド", "プロモーション", "キーワード"),
        MONEY: ("請求書", "請求", "支払", "入金", "税", "確定申告", "帳簿", "経理", "会計", "給与", "給料",
                "価格", "料金", "値付け", "銀行", "売上", "収益認識", "キャッシュフロー", "資金", "費用",
                "経費", "予算", "返金", "保険"),
        PEOPLE: ("採用", "業務委託", "外注", "フリーランス", "従業員", "社員", "スタッフ", "キーパーソン",
                 "属人化", "株式", "持分", "共同創業者", "創業者", "退職"),
    }),
    "zh": Language("part", {
        SECURITY: ("安全", "认证", "身份验证", "登录", "密码", "令牌", "密钥", "秘钥", "凭证", "凭据", "漏洞",
                   "泄露", "泄漏", "暴露", "备份", "加密", "权限"),
        ENGINEERING: ("部署", "上线", "测试", "缺陷", "接口", "数据库", "迁移", "构建", "编译", "性能", "延迟",
                      "代码", "服务器", "重构", "基础设施", "预发布", "持续集成"),
        MARKETING: ("营销", "推广", "广告", "投放", "上架", "转化", "邮件群发", "群发", "社交媒体", "小红书",
                    "公众号", "落地页", "流量", "评价", "品牌", "促销"),
        MONEY: ("发票", "付款", "支付", "收款", "税", "记账", "账目", "会计", "财务", "工资", "薪资", "定价",
                "价格", "银行", "收入", "营收", "现金流", "资金", "成本", "费用", "预算", "退款", "保险"),
        PEOPLE: ("招聘", "招人", "外包", "承包商", "自由职业", "员工", "关键人员", "股权", "股份",
                 "联合创始人", "创始人", "期权", "离职"),
    }),
    "ko": Language("part", {
        SECURITY: ("보안", "인증", "로그인", "비밀번호", "패스워드", "토큰", "시크릿", "비밀 키", "자격 증명",
                   "취약점", "유출", "노출", "백업", "암호화", "권한"),
        ENGINEERING: ("배포", "테스트", "버그", "엔드포인트", "데이터베이스", "마이그레이션", "빌드", "성능",
                      "지연", "코드", "코드 리뷰", "서버", "리팩터", "리팩토링", "인프라", "스테이징"),
        MARKETING: ("마케팅", "캠페인", "광고", "리스팅", "전환율", "뉴스레터", "이메일 발송", "랜딩 페이지",
                    "트래픽", "리뷰", "브랜드", "프로모션"),
        MONEY: ("청구서", "인보이스", "결제", "지급", "세금", "부가세", "회계", "장부", "급여", "가격", "요금",
                "은행", "매출", "수익 인식", "현금 흐름", "비용", "예산", "환불", "보험"),
        PEOPLE: ("채용", "계약자", "외주", "프리랜서", "직원", "핵심 인력", "지분", "공동 창업자", "창업자",
                 "퇴사"),
    }),
}

ROLES_SHOWING_ALL = ("cto", "cmo", "accounting", "cfo")  # the role reports: each lists what it owns


class Route(NamedTuple):
    """Where one item goes: its topics, the reports that own it, and what decided it."""

    topics: frozenset[str]
    roles: frozenset[str]
    by: str  # tags | words | sector | "" (nothing matched: counted per entity in the CEO report)


def level(item: Risk | Action) -> str | None:
    """A risk's severity or an action's priority."""
    return item.severity if isinstance(item, Risk) else item.priority


def route(item: Risk | Action, entity: Entity) -> Route:
    """Route by tags when the item carries a routing tag, else by its words; an untagged
    item of a `sector: software` entity goes to the CTO as well; security at critical,
    high, P0 or P1 goes to the CEO as well."""
    return _route(item.tags, item.text, level(item), entity.sector)


@lru_cache(maxsize=1 << 15)  # reports ask again for the same items (the sample: 394 asks, 43 items; 2,000
# entities: 90,000 asks, 22,000 items; 4,096 places made rendering them 10% slower, not faster)
def _route(tags: tuple[str, ...], text: str, rank: str | None, sector: str) -> Route:
    tagged = frozenset(TAGS[t] for t in (x.lower() for x in tags) if t in TAGS)
    topics = tagged or topics_of(text)
    roles = {role for topic in topics for role in TOPIC_ROLES[topic]}
    if SECURITY in topics and rank in URGENT:
        roles.add("ceo")
    by = "tags" if tagged else "words" if topics else ""
    if not tagged and sector == SOFTWARE:
        roles.add("cto")
        by = by or "sector"
    return Route(topics, frozenset(roles), by)


_ENDINGS = ("s", "es", "ed", "ing", "er", "ers", "ment", "ments", "ion", "ions")
_E_ENDINGS = ("d", "ed", "es", "ing", "er", "ers", "ion", "ions")  # hire -> hired, hiring; migrate -> migration
_LAST_LETTERS = tuple({end[-1] for end in (*_ENDINGS, *_E_ENDINGS, "ies")})  # s d g r t n
_TOKEN = compiled(r"[0-9a-z\u00c0-\u024f\u0400-\u052f]+")  # Latin and Cyrillic words; CJK is matched as parts


class _Tables(NamedTuple):
    words: dict[tuple[str, ...], str]  # whole words (English endings allowed on the last)
    stems: dict[tuple[str, ...], str]  # the last word starts with the entry
    starts: frozenset[str]  # first words of entries of more than one word
    parts: tuple[tuple[str, str], ...]  # (text, topic), longest first
    longest: int
    heads: frozenset[str]  # the first three letters of every stem's last word


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    words: dict[tuple[str, ...], str] = {}
    stems: dict[tuple[str, ...], str] = {}
    parts: list[tuple[str, str]] = []
    for lang in VOCABULARY.values():
        for topic, entries in lang.words.items():
            for entry in entries:
                key = tuple(_TOKEN.findall(entry.casefold()))
                if lang.mode == "part" and not entry.isascii():
                    parts.append((entry.casefold(), topic))
                elif lang.mode == "stem" and len(key[-1]) >= 3 and not entry.endswith("="):
                    stems.setdefault(key, topic)
                else:
                    words.setdefault(key, topic)
    keys = [*words, *stems]
    return _Tables(words, stems, frozenset(k[0] for k in keys if len(k) > 1),
                   tuple(sorted(parts, key=lambda p: -len(p[0]))), max(len(k) for k in keys),
                   frozenset(k[-1][:3] for k in stems))


def _forms(word: str) -> list[str]:
    """The entries an English word may be a form of: `deployments` -> deployment, deploy."""
    out = [word]
    if not word.endswith(_LAST_LETTERS):  # nothing to take off (the sample's items: 1.4 to 1.0 ms)
        return out
    for end in _ENDINGS:
        if word.endswith(end) and len(word) - len(end) >= 2:
            out.append(word[: -len(end)])
    out.extend(word[: -len(end)] + "e" for end in _E_ENDINGS if word.endswith(end) and len(word) > len(end) + 2)
    if word.endswith("ies") and len(word) > 4:
        out.append(word[:-3] + "y")
    return out


def _match(tables: _Tables, words: tuple[str, ...]) -> str | None:
    head, last = words[:-1], words[-1]
    for form in _forms(last):
        topic = tables.words.get((*head, form))
        if topic is not None:
            return topic
    if last[:3] not in tables.heads:  # no stem starts so (stems have 3 letters or more): sample 1.6 to 1.4 ms
        return None
    for k in range(len(last), 2, -1):
        topic = tables.stems.get((*head, last[:k]))
        if topic is not None:
            return topic
    return None


@lru_cache(maxsize=1 << 16)
def topics_of(text: str) -> frozenset[str]:
    """The topics an item's words name, in any language of `VOCABULARY`: the longest
    entry wins where entries overlap ("key person" is people, not a key)."""
    tables = _tables()
    text = text.casefold()
    found: set[str] = set()
    if not text.isascii():
        for part, part_topic in tables.parts:
            if part in text:
                found.add(part_topic)
                text = text.replace(part, " ")
    words = _TOKEN.findall(text)
    i = 0
    while i < len(words):
        size, topic = 1, None
        if words[i] in tables.starts:
            for n in range(min(tables.longest, len(words) - i), 1, -1):
                topic = _match(tables, tuple(words[i:i + n]))
                if topic is not None:
                    size = n
                    break
        if topic is None:
            topic = _match(tables, (words[i],))
        if topic is not None:
            found.add(topic)
        i += size
    return frozenset(found)
