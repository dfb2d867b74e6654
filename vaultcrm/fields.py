"""Frontmatter key normalisation and the field synonym table (behaviour §2)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

# field -> synonyms, in table order (the canonical name is tried first); English, then Russian.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("full_name", "имя", "полное_имя", "фио"),
    "aliases": ("alias", "псевдонимы"),
    "tier": ("circle", "relationship_strength", "prm-tier", "уровень", "круг", "близость"),
    "cadence": ("frequency", "every", "keep_in_touch", "contact_frequency", "prm-cadence", "частота",
                "периодичность"),
    "last_touch": ("last_contact", "last_contacted", "last_interaction", "last_spoke", "last_met",
                   "last_chat", "prm-last-contacted", "последний_контакт", "последний_разговор",
                   "последняя_встреча", "последнее_общение", "последний_созвон"),
    "met": ("first_met", "met_on", "met_date", "date_met", "познакомились", "дата_знакомства",
            "первая_встреча"),
    "created": ("date_created", "создано", "дата_создания"),
    "how_met": ("met_via", "met_at", "met_context", "source", "как_познакомились", "где_познакомились",
                "источник"),
    "introduced_by": ("intro_by", "referred_by", "кто_познакомил", "познакомил", "через_кого"),
    "company": ("org", "organization", "employer", "компания", "организация", "место_работы"),
    "former_companies": ("former_company", "previous_company", "previous_companies", "past_company",
                         "past_companies", "former_employer", "previous_employer", "former_orgs",
                         "бывшие_компании", "бывшая_компания", "прошлые_места_работы", "прежние_места_работы"),
    "role": ("job_title", "title", "position", "должность", "роль"),
    "birthday": ("birthdate", "bday", "born", "prm-birthday", "день_рождения", "дата_рождения", "др"),
    "snooze_until": ("snooze", "snoozed_until", "prm-snooze-until", "отложить_до", "не_напоминать_до"),
    "status": ("state", "статус"),
    "channel": ("preferred_channel", "канал", "способ_связи"),
    "stage": ("relationship", "relationship_stage", "prm-relationship", "стадия", "отношения"),
}

# Keys that are not behaviour §2 fields but that person notes commonly use (normalised), for `add`
# and the importers.
EMAIL_KEYS = ("email", "emails", "mail", "emailaddress", "email1")
OTHER_EMAIL_KEYS = ("otheremails",)
PHONE_KEYS = ("phone", "phones", "mobile", "cell", "tel", "telephone", "phonenumber")
OTHER_PHONE_KEYS = ("otherphones",)
LINKEDIN_KEYS = ("linkedin", "linkedinurl", "linkedinprofile")

# Fields for which every key present contributes (all are touches), rather than the first one winning.
MULTI_VALUE_FIELDS = frozenset({"last_touch", "met"})
# The same for lists of names: every key's values count (`former_companies` and `previous_company`).
ALL_KEYS_LISTS = frozenset({"former_companies"})


@lru_cache(maxsize=4096)
def normalise_key(key: object) -> str:
    """`Last Contact`, `last-contact`, `lastContact` and `last_contact` all become `lastcontact`
    (`Последний контакт` and `последний_контакт`: `последнийконтакт`)."""
    return str(key).lower().replace("_", "").replace("-", "").replace(" ", "")


def synonym_spelling(key: str) -> str:
    """How the table spells a normalised key (`lastcontact` → `last_contact`); the key itself else."""
    for fieldname, synonyms in FIELD_SYNONYMS.items():
        for spelling in (fieldname, *synonyms):
            if normalise_key(spelling) == key:
                return spelling
    return key


def field_keys(extra: Mapping[str, Sequence[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """field -> normalised keys in priority order, with the config's `[fields]` additions last."""
    table: dict[str, tuple[str, ...]] = {}
    for fieldname, synonyms in FIELD_SYNONYMS.items():
        keys = [normalise_key(fieldname), *(normalise_key(s) for s in synonyms)]
        keys += [normalise_key(s) for s in (extra or {}).get(fieldname, ())]
        table[fieldname] = tuple(dict.fromkeys(keys))
    return table

