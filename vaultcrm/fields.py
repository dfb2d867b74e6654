"""Frontmatter key normalisation and the field synonym table (behaviour §2)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

# field -> synonyms, in table order (the canonical name is tried first).
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("full_name",),
    "aliases": ("alias",),
    "tier": ("circle", "relationship_strength", "prm-tier"),
    "cadence": ("frequency", "every", "keep_in_touch", "contact_frequency", "prm-cadence"),
    "last_touch": ("last_contact", "last_contacted", "last_interaction", "last_spoke", "last_met",
                   "last_chat", "prm-last-contacted"),
    "met": ("first_met", "met_on", "met_date", "date_met"),
    "created": ("date_created",),
    "how_met": ("met_via", "met_at", "met_context", "source"),
    "introduced_by": ("intro_by", "referred_by"),
    "company": ("org", "organization", "employer"),
    "former_companies": ("former_company", "previous_company", "previous_companies", "past_company",
                         "past_companies", "former_employer", "previous_employer", "former_orgs"),
    "role": ("job_title", "title", "position"),
    "birthday": ("birthdate", "bday", "born", "prm-birthday"),
    "snooze_until": ("snooze", "snoozed_until", "prm-snooze-until"),
    "status": ("state",),
    "channel": ("preferred_channel",),
    "stage": ("relationship", "relationship_stage", "prm-relationship"),
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
    """`Last Contact`, `last-contact`, `lastContact` and `last_contact` all become `lastcontact`."""
    return str(key).lower().replace("_", "").replace("-", "").replace(" ", "")


def field_keys(extra: Mapping[str, Sequence[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """field -> normalised keys in priority order, with the config's `[fields]` additions last."""
    table: dict[str, tuple[str, ...]] = {}
    for fieldname, synonyms in FIELD_SYNONYMS.items():
        keys = [normalise_key(fieldname), *(normalise_key(s) for s in synonyms)]
        keys += [normalise_key(s) for s in (extra or {}).get(fieldname, ())]
        table[fieldname] = tuple(dict.fromkeys(keys))
    return table

