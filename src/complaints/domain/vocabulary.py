"""The words of complaint handling (DOMAIN.md), as enums every layer shares."""

from enum import StrEnum


class Channel(StrEnum):
    """How the complaint reached us. Not the A-dimension of JR/T 0169-2018, which is the channel
    of the disputed business; regulator_codes.py derives that from the case."""

    HOTLINE = "hotline"
    WEB = "web"
    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"
    WALK_IN = "walk_in"
    FAX = "fax"
    WECHAT = "wechat"
    APP = "app"
    REGULATOR = "regulator"
    GOV_HOTLINE = "gov_hotline"
    MEDIA = "media"


# Channels where staff type in a complaint that arrived earlier, so a back-dated
# `received_at` is legitimate.
STAFF_ENTERED_CHANNELS = frozenset(
    {
        Channel.HOTLINE,
        Channel.LETTER,
        Channel.WALK_IN,
        Channel.FAX,
        Channel.REGULATOR,
        Channel.GOV_HOTLINE,
        Channel.MEDIA,
    }
)


class Source(StrEnum):
    DIRECT = "direct"
    HEAD_OFFICE = "head_office"
    REGULATOR = "regulator"
    DEPARTMENT = "department"


class BusinessType(StrEnum):
    """What the complaint is about; coded to the B-dimension of JR/T 0169-2018 by regulator_codes.py."""

    DEPOSITS = "deposits"
    LOANS = "loans"
    BANK_CARDS = "bank_cards"
    PAYMENT = "payment"
    WEALTH_MANAGEMENT = "wealth_management"
    E_BANKING = "e_banking"
    CASH = "cash"
    PERSONAL_INFORMATION = "personal_information"
    OTHER = "other"


class Cause(StrEnum):
    """Why the complainant complains; coded to the C-dimension of JR/T 0169-2018 by regulator_codes.py."""

    SERVICE = "service"
    FACILITIES = "facilities"
    RULES = "rules"
    MARKETING = "marketing"
    DISCLOSURE = "disclosure"
    PRODUCT_RETURNS = "product_returns"
    FREEDOM_OF_CHOICE = "freedom_of_choice"
    CONTRACT_TERMS = "contract_terms"
    FEES = "fees"
    FUND_SECURITY = "fund_security"
    INFORMATION_SECURITY = "information_security"
    DEBT_COLLECTION = "debt_collection"
    OTHER = "other"


class CardKind(StrEnum):
    """Which bank card a bank_cards complaint is about: the card centre owns credit cards, while a
    debit card is an account at an outlet (DOMAIN.md), so the two route differently."""

    CREDIT = "credit"
    DEBIT = "debit"


class BusinessChannel(StrEnum):
    """Where the disputed business was done: the A-dimension of JR/T 0169-2018, read from the
    complaint itself. Not `Channel`, which is how the complaint reached us (a complaint phoned in
    about an ATM is hotline by intake and self_service here)."""

    COUNTER = "counter"
    SELF_SERVICE = "self_service"
    ONLINE_BANKING = "online_banking"
    PHONE_BANKING = "phone_banking"
    MOBILE_BANKING = "mobile_banking"
    PUBLIC_PLATFORM = "public_platform"
    SMS = "sms"
    THIRD_PARTY = "third_party"
    BACK_OFFICE = "back_office"
    OTHER = "other"


class Severity(StrEnum):
    """一般, 重要, 紧急, 重大 — ordered from least to most severe."""

    GENERAL = "general"
    IMPORTANT = "important"
    URGENT = "urgent"
    MAJOR = "major"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    def at_least(self, floor: "Severity") -> "Severity":
        return self if self.rank >= floor.rank else floor


_SEVERITY_ORDER = list(Severity)


class Flag(StrEnum):
    REPEAT = "repeat"
    GROUP = "group"
    MEDIA = "media"
    REGULATOR_REFERRED = "regulator_referred"
    VIP = "vip"
    INFORMATION_SECURITY = "information_security"
    MALICIOUS = "malicious"
    AGGRESSIVE = "aggressive"
    CONFIDENTIAL = "confidential"
    CROSS_DEPARTMENT = "cross_department"
    # The classifier could not place the case with confidence: it waits in the default unit's
    # triage ("待分类") until a person reclassifies it, rather than passing for classified.
    NEEDS_TRIAGE = "needs_triage"


class Status(StrEnum):
    RECEIVED = "received"
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    RESOLVED = "resolved"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"
    MERGED = "merged"


class DeadlineKind(StrEnum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"
    REGULATORY = "regulatory"
    CALLBACK = "callback"
    PROMISE = "promise"
    INCIDENT_REPORT = "incident_report"
    UPSTREAM = "upstream"


class DeadlineState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    WARNED = "warned"
    BREACHED = "breached"


class Verdict(StrEnum):
    VALID = "valid"
    COMMUNICATION = "communication"
    UNFOUNDED = "unfounded"


class Outcome(StrEnum):
    EXPLANATION = "explanation"
    APOLOGY = "apology"
    COMPENSATION = "compensation"
    PROCESS_FIX = "process_fix"
    SYSTEM_FIX = "system_fix"
    REJECTED = "rejected"


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


class RefusalGround(StrEnum):
    """The eight grounds for not accepting a complaint (seed 001)."""

    IN_LITIGATION = "in_litigation"
    CRIMINAL_MATTER = "criminal_matter"
    CIVIL_DISPUTE = "civil_dispute"
    NO_DIRECT_INTEREST = "no_direct_interest"
    NO_CLEAR_FACTS = "no_clear_facts"
    ANONYMOUS = "anonymous"
    ALREADY_HANDLED = "already_handled"
    OUT_OF_SCOPE = "out_of_scope"


class Role(StrEnum):
    """What a person does in a unit; the escalation ladder climbs the last four."""

    HANDLER = "handler"
    A_ROLE = "a_role"
    B_ROLE = "b_role"
    MANAGER = "manager"
    CONSUMER_PROTECTION_HEAD = "consumer_protection_head"
    LEADERSHIP = "leadership"
    # Sorts the cases the classifier could not place (Flag.NEEDS_TRIAGE), in the default unit.
    TRIAGE = "triage"


class EscalationLevel(StrEnum):
    """handler → unit manager → consumer-protection head → leadership."""

    HANDLER = "handler"
    UNIT_MANAGER = "unit_manager"
    CONSUMER_PROTECTION_HEAD = "consumer_protection_head"
    LEADERSHIP = "leadership"


class BreachAction(StrEnum):
    """What a breached clock sets off, per the SLA policy (besides recording the breach)."""

    ESCALATE = "escalate"  # one level up the ladder
    NOTIFY_MANAGER = "notify_manager"  # tell the unit manager
    RAISE_SEVERITY = "raise_severity"  # one step up; severity clocks re-plan
    HOLDING_REPLY = "holding_reply"  # tell the complainant of the delay
