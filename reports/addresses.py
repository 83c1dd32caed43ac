"""Address lists from configuration: parsed as RFC 5322, checked, formatted for SES.

What is checked is what is sent: each address is parsed once into its display
name and addr-spec; the allowed-domain rule looks at the addr-spec only; the
text that goes to SES (and into the preview) is formatted from those two parts.
"""

import binascii

from reports.errors import ConfigError
from reports.patterns import compiled
from reports.record import NamedTuple

# RFC 5322 atext plus space: a display name made only of these needs no quotes.
_ATEXT_NAME = compiled(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*$")
_SIMPLE_ADDR = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+"
_SIMPLE = compiled(rf"^(?:(?P<name>[A-Za-z0-9!#$%&'*+/=?^_`{{|}}~ -]*?)\s*<(?P<addr>{_SIMPLE_ADDR})>|"
                     rf"(?P<bare>{_SIMPLE_ADDR}))$")
_SPECIAL = compiled(r"[\"()\\\[\]:;]")
# Control and invisible characters (bidi marks, zero-width spaces, the BOM): a set, as
# a character class this wide costs more to compile than a preview spends on addresses.
_CONTROL = frozenset(chr(c) for first, last in ((0x00, 0x1F), (0x7F, 0x9F), (0x61C, 0x61C), (0x180E, 0x180E),
                                                (0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x206F),
                                                (0xFEFF, 0xFEFF))
                     for c in range(first, last + 1))


_OUTER_COMMA = compiled(r',(?=(?:[^"]*"[^"]*")*[^"]*$)')


class Address(NamedTuple):
    """One mailbox: a display name (may be empty) and an ASCII addr-spec."""

    name: str
    addr: str

    @property
    def domain(self) -> str:
        """The domain, lower case, without a trailing dot."""
        return self.addr.rpartition("@")[2].rstrip(".").lower()

    def __str__(self) -> str:
        """The mailbox as it goes to SES: the name quoted or RFC 2047-encoded as needed."""
        if not self.name:
            return self.addr
        if not self.name.isascii():
            encoded = binascii.b2a_base64(self.name.encode(), newline=False).decode()
            return f"=?utf-8?b?{encoded}?= <{self.addr}>"
        if _ATEXT_NAME.match(self.name):
            return f"{self.name} <{self.addr}>"
        quoted = self.name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{self.addr}>'


def parse_list(key: str, value: str, where: str, *, single: bool = False) -> tuple[Address, ...]:
    """Parse a comma-separated address list; exit 2 naming the key and where it was set."""
    if "\n" in value or "\r" in value:
        raise ConfigError(f"{key} holds a line break ({where}); give addresses on one line")
    text = value.strip()
    if not text:
        return ()
    simple = _simple(text)
    found = simple if simple is not None else _rfc5322(key, text, where)
    if single and len(found) > 1:
        raise ConfigError(f"{key} must be one address ({where})")
    return tuple(_checked(key, name, addr, where) for name, addr in found)


def _simple(text: str) -> list[tuple[str, str]] | None:
    """The common forms (`a@b.example`, `Name <a@b.example>`) without the full parser."""
    if not text.isascii() or _SPECIAL.search(text):
        return None
    out = []
    for chunk in text.split(","):
        m = _SIMPLE.match(chunk.strip())
        if m is None:
            return None
        out.append((" ".join((m["name"] or "").split()), m["addr"] or m["bare"]))
    return out


def _rfc5322(key: str, text: str, where: str) -> list[tuple[str, str]]:
    """Everything else, through the standard library's RFC 5322 address-list parser."""
    from email.headerregistry import AddressHeader, Group, HeaderRegistry

    bare = text.split('"')[::2]  # outside quoted strings
    if any(";" in part for part in bare):
        raise ConfigError(f"{key} separates addresses with ';' ({where}); separate them with commas")
    if not _CONTROL.isdisjoint(text):
        raise ConfigError(f"{key} holds a control or invisible character ({where}); remove it")
    groups: tuple[Group, ...] = ()
    defects: list[object] = []
    try:
        header = HeaderRegistry()("To", text)
        if isinstance(header, AddressHeader):
            groups, defects = header.groups, list(header.defects)
    except Exception:  # the parser raises IndexError and others on some malformed input
        defects = ["it cannot be read as an address"]
    if defects:
        chunks = [c.strip() for c in _OUTER_COMMA.split(text) if c.strip()]
        if len(chunks) > 1:
            for chunk in chunks:
                _rfc5322(key, chunk, where)  # names the one that is wrong
    out: list[tuple[str, str]] = []
    for group in groups:
        if group.display_name is not None:
            raise ConfigError(f"{key} holds a group '{group.display_name}:' ({where}); list the addresses")
        for a in group.addresses:
            if not a.username or not a.domain:
                raise ConfigError(f"{key} '{a}' is not an email address ({where})")
            out.append((a.display_name, f"{a.username}@{a.domain}"))
    if defects or not out:
        problem = str(defects[0]) if defects else "no address found"
        raise ConfigError(f"{key} '{text}' is not an email address ({where}): {problem}")
    return out


def _checked(key: str, name: str, addr: str, where: str) -> Address:
    if not _CONTROL.isdisjoint(name):
        raise ConfigError(f"{key}: the display name {name!r} holds a control or invisible character "
                          f"({where}); remove it")
    local, _, domain = addr.rpartition("@")
    if not local.isascii():
        raise ConfigError(f"{key} '{addr}': SES cannot send to a non-ASCII local part ({where})")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise ConfigError(f"{key} '{addr}': the domain cannot be converted to punycode "
                              f"({where})") from None
    return Address(" ".join(name.split()), f"{local}@{domain}")


def validate(key: str, address: Address, where: str) -> None:
    """Full validation with email-validator (slow to import): before sending, and in `doctor`."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address.addr, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise ConfigError(f"{key} '{address}' is not an email address ({where}): {exc}") from None


def normalise_domain(domain: str) -> str:
    """An allowed domain as compared: lower case, no leading '@', no trailing dot, punycode."""
    d = domain.strip().lower().lstrip("@").rstrip(".")
    if not d.isascii():
        try:
            d = d.encode("idna").decode("ascii")
        except UnicodeError:
            return d
    return d


def allowed(address: Address, domains: tuple[str, ...]) -> bool:
    """Exact, case-insensitive domain match; a subdomain only when it is listed itself."""
    return address.domain in domains


def addr_spec(mailbox: str) -> str:
    """The addr-spec of a mailbox as formatted by `Address.__str__` (`Name <a@b.example>` ->
    `a@b.example`), lower case: what audit records and delivery feedback are matched on."""
    inner = mailbox.rpartition("<")[2].rstrip(">") if "<" in mailbox else mailbox
    return inner.strip().lower()
