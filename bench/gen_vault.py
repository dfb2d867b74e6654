#!/usr/bin/env python3
r"""A deterministic synthetic Obsidian vault for vaultcrm's benchmarks and tests (standard library only).

    python bench/gen_vault.py -n 10000 -o /tmp/vault_10k [--seed 7] [--force]

The mix (by share of N notes), dated around a fixed "today" (2026-11-22) so runs are reproducible:

* 20% contacts (up to 10k notes; 6.5k at 100k), `People/<Initial>/<First Last>.md`: frontmatter
  in the shapes people really use (tier or circle, cadence, last_contact or last_touch, met,
  birthday, company as a quoted link, tags as a list or a flow list, aliases, sometimes
  `status: archived` or a snooze; and, drawn from a second random stream so that nothing else
  changes, sometimes a relationship `stage`, an `introduced_by` link or `former_companies`), then a
  `## Log` of dated list items
  (`- 2026-03-04: coffee with [[Other Person]]`), sometimes a done task with a `✅` date, an open
  task with a `📅` date, a `#give` or `#ask` tag.
* 15% daily notes, `Daily/<YYYY>/<YYYY-MM-DD>.md`: a few bullets linking people, sometimes a
  block quote or code span holding a link that must not count.
* 5% meeting notes, `Meetings/<YYYY-MM-DD> <topic>.md`: `date` and `attendees` properties.
* 60% ordinary notes in nested topic folders (about N/40 folders, up to 4 deep): prose with
  wikilinks in every syntax (`[[X]]`, `[[X|alias]]`, `[[X#Heading]]`, `![[embed]]`,
  `[text](X.md)`), fenced code with fake links, tables, and about a third with neither a link nor
  a date (the parser's fast skip). Sizes are lognormal (median about 1.3 KB) with a rare 60-200 KB tail.

Also `.obsidian/` settings, `.vaultcrm/config.toml` (three target companies), a `Templates/` folder
(never read) and non-note attachments. The same
seed and N give a byte-identical vault. A manifest of counts is written to `<out>.manifest.json`.

    python bench/gen_vault.py -n 10000 -o /tmp/real_10k --realistic

`--realistic` keeps the same mix, paths, people and properties but writes the bodies the way people
write in Obsidian, so that most notes leave the parser's fast paths as real notes do (the default
mode's notes are simple and mostly take them; its output is unchanged by this mode):

* prose with inline markup: emphasis (`*`, `**`, `_`, `__`, `~~`, `==`), inline code, note and web
  links, footnotes (`[^1]` with definitions, `^[inline]`), HTML entities and inline HTML, tags
  (`#a/b`), Dataview inline fields (`[key:: value]`, `(key:: value)`), math (`$x$`, and `$5` that is
  not), `%% comments %%`, times and dates; paragraphs of 60-600 characters, some of 500-2000 on one
  long line, 15% hard-wrapped at 80 columns, some ending in a block id (`^a123`);
* links in every syntax: `[[X]]`, `[[X|alias]]`, `[[X#Heading]]`, `[[X#Heading|alias]]`, `[[X^id]]`,
  `[[X#^id]]`, `![[X]]`, `![[X#Heading]]`, `[text](X%20Y.md)`, `[text](<X Y.md>)`,
  `[text](2026-11-20.md)`, reference links `[text][ref]` (with `[ref]: <X Y.md>` definitions; rare,
  as in Obsidian: about 7% of the notes define one, none of the index notes), lower-cased targets,
  `[[X\|alias]]` in tables; web links inline, bare, `<autolinked>` and by reference; embeds of
  notes and images (`![[img.png|300]]`, `![alt](Attachments/x.png)`);
* blocks: headings at every level (ATX, some closed, a few setext), nested lists 2-4 levels deep
  (`-`, `*`, `+` and `1.` mixed, 2- or 4-space or tab indents, continuation lines, tasks `[ ]`, `[x]`,
  `[/]`, `[-]`, `[>]` with 📅/✅ dates), callouts (`> [!note] Title`, foldable `-`/`+`, holding
  paragraphs, lists, code or a nested callout), block quotes with an attribution link, GFM tables
  with alignments, fenced code (``` and ~~~, longer fences, dataview and query blocks, fake links
  inside), indented code, HTML blocks (`<!-- -->`, `<details>`, `<div>`), `%%` comment blocks, `$$`
  math, horizontal rules (`---`, `***`, `- - -`), `Key:: value` field lines; blocks separated by
  one or two blank lines, sometimes none; footnote and reference definitions at the end;
* 12% of the files indent with tabs (lists, code; some with a tab after the list marker);
* contacts keep the default mode's properties and log lines (up to 14, a third rewritten as
  `[[2026-03-04]] …`, `**2026-03-04** — …`, `* 2026-03-04: …`), with an info callout or fields,
  an About section, notes nested under some log items; daily notes have `<< [[prev]] | [[next]] >>`
  navigation, timed bullets and tasks; meetings have attendee, agenda, notes, a decisions callout
  and action items; 20% of the other notes are markup without a link or date;
* sizes: median about 1.2 KB (lognormal bodies), and index notes (a third of a percent of the
  ordinary notes) of 50-300 KB: hundreds of links in lists and tables under letter headings.

    python bench/gen_vault.py -n 10000 -o /tmp/ru_10k --realistic --russian

`--russian` writes the realistic mode's notes as someone who writes in Russian keeps them: five in six
people named in Cyrillic (`Люди/<Initial>/<Имя Фамилия>.md`), Russian folders, titles and prose (with
the English words people mix in), daily notes in `Дневник/`, meetings in `Встречи/`, 60% of a
contact's property keys in Russian (`последний контакт`, `уровень`, `день рождения`), Russian headings
(`## Журнал`) and log verbs, and dates as `12.11.2026` (35%), in ISO (45%), or, outside properties, as
`12 ноября 2026` and `12 нояб. 2026 г.` (links and Tasks dates stay ISO). Its UTF-8 is about 1.5 times
the bytes of the same notes in English.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import sys
from collections.abc import Callable

TODAY = dt.date(2026, 11, 22)

GIVEN = ("Amara Bilal Carmen Dario Elif Farid Greta Hamid Ines Jonah Kaori Luca Mira Nikos Oona Pavel "
         "Quinn Rosa Sanjay Tova Umar Vera Wim Xiadani Yusuf Zofia Aiden Bea Cyrus Dalia Emeka Fleur "
         "Gideon Hana Ivo Jun Kemal Lior Maren Nell Otto Paz Rhea Soren Talia Uli Vikram Wren Yara Zeno "
         "Ольга Сергей Ирина 翔太 美咲 Łukasz Zoë Renée").split()
FAMILY = ("Achebe Bauer Costa Dumont Eklund Fujita Gallo Horvat Iqbal Jansen Kowalski Laine Moreau "
          "Nakamura Oyelaran Petrov Quispe Rahman Sato Tran Urquhart Varga Weiss Xu Yilmaz Zielinski "
          "Abebe Brandt Castillo Dimitriou Esposito Fontaine Grieg Huang Ivanova Joshi Kaur Lindqvist "
          "Mbeki Novak O'Neill Park Rossi Schulz Takahashi Ueda Vidal Walsh Young Zhou").split()
ORGS = "Northwind Contoso Fabrikam Tailspin Litware Adatum Proseware Woodgrove Lucerne Fourth-Coffee".split()
STAGES = "acquaintance acquaintance conversation conversation trust partnership знакомство доверие".split()
CONFIG = """# Companies I want a way into: the dashboard's Targets section, `vaultcrm who`.
[[targets]]
company = "Northwind"

[[targets]]
company = "Contoso"
role = "Staff engineer"

[[targets]]
company = "Tessera Labs"
note = "nobody there yet"
"""
TOPICS = ("Projects Areas Resources Archive Reading Ideas Writing Research Travel Health Finance "
          "Learning Home Garden Music Code Talks Courses").split()
LEAVES = ("amber birch cedar dune ember fjord grove heath inlet juniper kestrel lagoon meadow nettle "
          "orchard prairie quarry ridge summit tundra upland valley willow yarrow zephyr").split()
WORDS = ("we talked about the plan for next quarter and how to hire a second engineer while the "
         "budget stays flat she mentioned a paper on retrieval that might help with search latency "
         "follow up with an intro to someone who knows pricing for developer tools the demo went "
         "well but onboarding needs work remember to send the slides and the recording coffee near "
         "the station was good idea for a talk about local first software notes from the book club "
         "draft the proposal review feedback from the pilot customer ship the fix on friday").split()
VERBS = ["coffee with", "call with", "lunch with", "met", "emailed", "intro from", "caught up with",
         "video chat with", "drinks with", "sent notes to"]
TAGS = ["person", "people/work", "contact", "friend", "mentor", "investor", "client", "alumni", "climbing"]
LANGS = ["python", "bash", "", "js", "sql"]
HEADS = ["Summary", "Notes", "Next steps", "Open questions", "Context", "Links", "Log"]


def distinct(count: int, draw: Callable[[int], str]) -> list[str]:
    """`count` names, the k-th drawn by `draw(k)`; one drawn again is told apart by its number (`Ann Lee 12`)."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = draw(len(names))
        if name in seen:
            name = f"{name} {len(names)}"
        seen.add(name)
        names.append(name)
    return names


def folder_tree(r: random.Random, tops: list[str], leaves: list[str], count: int) -> list[str]:
    """`count` folders: the `tops`, then subfolders of random ones, up to 4 deep."""
    folders = list(tops)
    while len(folders) < count:
        parent = r.choice(folders)
        if parent.count("/") < 3:
            folders.append(f"{parent}/{r.choice(leaves)}-{len(folders)}")
    return folders


class Gen:
    daily_folder = "Daily"

    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.net = random.Random(seed * 7919 + 1)  # the networking properties, apart from the rest
        self.n = n
        # 20% contacts up to 10k notes, then more slowly: 100k notes with 20k contacts would make a
        # dashboard larger than vaultcrm renders (1 MiB), and few people keep that many
        self.n_people = max(1, min(n * 20 // 100, 1500 + n * 5 // 100))
        self.n_daily = max(1, n * 15 // 100)
        self.n_meet = max(1, n * 5 // 100)
        self.n_plain = max(1, n - self.n_people - self.n_daily - self.n_meet)
        r = self.rng
        self.people = distinct(self.n_people, lambda k: f"{r.choice(GIVEN)} {r.choice(FAMILY)}")
        self.titles = [f"{r.choice(LEAVES).title()} {r.choice(WORDS)} {k:06d}" for k in range(self.n_plain)]
        self.folders = folder_tree(r, TOPICS, LEAVES, max(len(TOPICS), n // 40))
        self.days = sorted({TODAY - dt.timedelta(days=k) for k in range(self.n_daily)})
        self.counts = {"wikilinks": 0, "fake_links": 0, "dated_lines": 0}

    # -- pieces ----------------------------------------------------------------------------------
    def words(self, lo: int, hi: int) -> str:
        r = self.rng
        return " ".join(r.choice(WORDS) for _ in range(r.randint(lo, hi)))

    def day(self, spread: int = 400) -> dt.date:
        return TODAY - dt.timedelta(days=int(self.rng.expovariate(1 / (spread / 4))) % spread)

    def link(self, person: bool = False) -> str:
        r = self.rng
        target = r.choice(self.people) if person or r.random() < 0.5 else r.choice(self.titles)
        self.counts["wikilinks"] += 1
        k = r.random()
        if k < 0.6:
            return f"[[{target}]]"
        if k < 0.78:
            return f"[[{target}|{target.split(' ')[0]}]]"
        if k < 0.9:
            return f"[[{target}#{r.choice(HEADS)}]]"
        if k < 0.95:
            return f"[{target.split(' ')[0]}]({target.replace(' ', '%20')}.md)"
        return f"![[{target}]]"

    def prose(self, size: int, links: int) -> str:
        r = self.rng
        out: list[str] = []
        total = 0
        while total < size or links:
            sentence = self.words(6, 18).capitalize()
            if links and (r.random() < 0.4 or total >= size):
                sentence += " " + self.link()
                links -= 1
            sentence += "."
            out.append(sentence)
            total += len(sentence) + 1
            if r.random() < 0.2:
                out.append("\n\n")
        return " ".join(out).replace(" \n\n ", "\n\n").strip()

    def size(self) -> int:
        r = self.rng
        if r.random() < 0.002:
            return r.randint(60_000, 200_000)
        return int(min(40_000, max(100, r.lognormvariate(7.2, 0.8))))

    def fenced(self) -> str:
        r = self.rng
        lines = [f"```{r.choice(LANGS)}"]
        for _ in range(r.randint(2, 8)):
            if r.random() < 0.3:
                self.counts["fake_links"] += 1
                lines.append(f'print("[[{r.choice(self.people)}]]")  # not a link')
            else:
                lines.append(f"step_{r.randint(0, 99)}()")
        return "\n".join([*lines, "```"])

    # -- notes -----------------------------------------------------------------------------------
    def contact(self, k: int) -> tuple[str, str]:
        r = self.rng
        name = self.people[k]
        last = self.day(300)
        fm = ["---"]
        if r.random() < 0.7:
            fm.append(f"{r.choice(['tier', 'tier', 'circle', 'prm-tier'])}: {r.choice('AABBBCCCD')}")
        if r.random() < 0.25:
            fm.append(f"cadence: {r.choice(['2w', '1m', 'monthly', 'quarterly', '45', 'P3M'])}")
        fm.append(f"{r.choice(['last_contact', 'last_touch', 'Last Contact', 'lastContact'])}: {last}")
        if r.random() < 0.3:
            fm.append(f"met: {self.day(700)}")
        if r.random() < 0.6:
            fm.append(f"birthday: {r.randint(1955, 2004)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}")
        if r.random() < 0.5:
            fm.append(f'company: "[[{r.choice(ORGS)}]]"')
        tags = r.sample(TAGS[3:], r.randint(0, 2)) + ([r.choice(TAGS[:3])] if r.random() < 0.5 else [])
        if tags and r.random() < 0.5:
            fm.append(f"tags: [{', '.join(tags)}]")
        elif tags:
            fm += ["tags:"] + [f"  - {t}" for t in tags]
        fm += ["aliases:", f"  - {name.split(' ')[0]}"]
        if r.random() < 0.05:
            fm.append("status: archived")
        if r.random() < 0.03:
            fm.append(f"snooze_until: {TODAY + dt.timedelta(days=r.randint(1, 60))}")
        net = self.net
        if net.random() < 0.3:
            fm.append(f"stage: {net.choice(STAGES)}")
        if k and net.random() < 0.12:
            fm.append(f'introduced_by: "[[{self.people[net.randrange(k)]}]]"')
        if net.random() < 0.08:
            fm.append(f"former_companies: [{net.choice(ORGS)}]")
        fm.append("---")
        body = [f"# {name}", "", self.prose(r.randint(60, 500), r.randint(0, 2)), "", "## Log"]
        when = last
        for _ in range(r.randint(0, 25)):
            line = f"- {when}: {r.choice(VERBS)} {self.link(person=True)} — {self.words(3, 10)}"
            if r.random() < 0.08:
                line += f" #{r.choice(['give', 'ask'])}"
            body.append(line)
            self.counts["dated_lines"] += 1
            when -= dt.timedelta(days=r.randint(5, 80))
        if r.random() < 0.2:
            body.append(f"- [x] send the article {self.link()} ✅ {self.day(60)}")
        if r.random() < 0.2:
            what = self.words(2, 5)
            body.append(f"- [ ] follow up about {what} 📅 {TODAY + dt.timedelta(days=r.randint(-5, 20))}")
        extra = self.size() - sum(len(x) + 1 for x in body)
        if extra > 300 and r.random() < 0.5:
            body += ["", "## Notes", self.prose(extra, r.randint(0, 3))]
        return f"People/{name[0]}/{name}.md", "\n".join(fm + body) + "\n"

    def daily(self, k: int) -> tuple[str, str]:
        r = self.rng
        d = self.days[k]
        lines = []
        if r.random() < 0.3:
            lines += ["---", f"mood: {r.randint(1, 5)}", "---"]
        lines += [f"# {d:%A %d %B %Y}", ""]
        for _ in range(r.randint(1, 6)):
            if r.random() < 0.7:
                lines.append(f"- {r.choice(VERBS)} {self.link(person=True)} about {self.words(3, 9)}")
            else:
                lines.append(f"- {self.words(4, 12)}")
        if r.random() < 0.1:
            self.counts["fake_links"] += 1
            lines.append(f"> quoted from [[{r.choice(self.people)}]]'s mail")
        if r.random() < 0.4:
            lines += ["", "## Notes", self.prose(r.randint(100, 1500), r.randint(0, 2))]
        return f"{self.daily_folder}/{d.year}/{d}.md", "\n".join(lines) + "\n"

    def meeting(self, k: int) -> tuple[str, str]:
        r = self.rng
        d = self.day(500)
        topic = f"{r.choice(LEAVES).title()} sync {k:05d}"
        people = sorted({r.choice(self.people) for _ in range(r.randint(1, 4))})
        fm = ["---", f"date: {d}", "attendees:"] + [f'  - "[[{p}]]"' for p in people] + ["---"]
        body = [f"# {topic}", "", self.prose(r.randint(200, 2000), r.randint(0, 3)),
                "", "## Actions", f"- [ ] {self.words(3, 8)} {self.link(person=True)}"]
        return f"Meetings/{d} {topic}.md", "\n".join(fm + body) + "\n"

    def plain(self, k: int) -> tuple[str, str]:
        r = self.rng
        title = self.titles[k]
        parts = []
        if r.random() < 0.4:
            parts.append(f"---\ncreated: {self.day(2000)}\ntags: [{r.choice(LEAVES)}, {r.choice(LEAVES)}]\n---")
        parts.append(f"# {title}")
        target = self.size()
        bare = r.random() < 0.33  # no link, no date: the parser can skip the body
        sections = max(1, min(8, target // 1000))
        for s in range(sections):
            if s:
                parts.append(f"## {r.choice(HEADS)}")
            parts.append(self.prose(target // sections, 0 if bare else r.randint(0, 4)))
            x = r.random()
            if x < 0.12 and not bare:
                parts.append(self.fenced())
            elif x < 0.2 and not bare:
                self.counts["fake_links"] += 1
                parts.append(f"Write `[[{r.choice(self.people)}]]` to link a person.")
            elif x < 0.3:
                parts.append("| item | owner |\n|---|---|\n" + "\n".join(
                    f"| {self.words(1, 3)} | {self.link(person=True) if not bare else self.words(1, 2)} |"
                    for _ in range(r.randint(1, 4))))
            elif x < 0.45:
                parts.append("\n".join(f"- {self.words(3, 9)}" for _ in range(r.randint(2, 6))))
        return f"{r.choice(self.folders)}/{title}.md", "\n\n".join(parts) + "\n"


# -- the realistic mode ----------------------------------------------------------------------------
# Notes written the way people write them in Obsidian: markup everywhere, so that most of them take
# the parser's slow paths, as real notes do. Nothing here is used by the default mode, whose output
# stays byte-identical (RealGen only adds methods and draws from the RNG after Gen.__init__).

MORE_WORDS = ("architecture latency throughput café naïve Zürich résumé roadmap hypothesis evidence "
              "retrospective stakeholder migration backlog incident postmortem benchmark allocation "
              "spreadsheet quarterly newsletter conference keynote workshop mentorship onboarding "
              "deadline prototype feedback interview candidate contract invoice renewal partnership "
              "garden compost sourdough marathon climbing bouldering kayak itinerary passport visa "
              "東京 München São Paulo — … “quoted” it's don't they're 42 3.5 2× 10% v1.2.3").split()
CALLOUTS = ["note", "tip", "info", "warning", "important", "question", "quote", "example", "abstract",
            "todo", "success", "danger", "bug", "faq", "summary"]
ENTITIES = ["&amp;", "&nbsp;", "&mdash;", "&#8212;", "&copy;", "&hellip;", "&lt;", "&gt;", "&#x2192;", "&eacute;"]
MATH = [r"$x^2 + y^2 = z^2$", r"$\alpha \to \beta$", r"$O(n \log n)$", r"$e^{i\pi} + 1 = 0$", r"$\sum_i w_i$",
        r"$p < 0.05$", r"$\frac{a}{b}$"]
MATH_BLOCKS = [r"\int_0^1 f(x)\,dx = F(1) - F(0)", r"\begin{aligned} a &= b + c \\ d &= e f \end{aligned}",
               r"\mathbb{E}[X] = \sum_x x \, p(x)", r"\hat{\beta} = (X^\top X)^{-1} X^\top y"]
SITES = ["https://example.com", "https://docs.example.org", "https://github.com/acme/widget",
         "https://en.wikipedia.org/wiki/Local-first_software", "https://news.example.net",
         "https://youtu.be/dQw4w9WgXcQ", "http://blog.example.io"]
FIELDS = ["status", "rating", "source", "author", "type", "priority", "project", "area", "due", "reviewed",
          "Related", "Status", "Topic"]
CODE_LANGS = ["python", "js", "bash", "sql", "yaml", "json", "", "ts", "rust", "go", "css", "text", "mermaid"]
LIST_TASKS = ["[ ] ", "[x] ", "[ ] ", "[/] ", "[-] ", "[>] ", "[X] "]
KBD = ["<kbd>Ctrl</kbd>+<kbd>P</kbd>", "<br>", "<mark>important</mark>", '<span style="color:red">red</span>',
       "<sup>1</sup>", "<u>underlined</u>"]
IMAGES = ["diagram.png", "whiteboard.jpg", "Pasted image 20240512093011.png", "chart.svg", "scan.pdf"]


class RealGen(Gen):
    """Gen's vault, but with notes written like real ones (`--realistic`): see the module's docstring."""

    def __init__(self, n: int, seed: int) -> None:
        super().__init__(n, seed)
        self.vocab = WORDS + MORE_WORDS
        del self.counts["wikilinks"]  # counted by `links` instead (the default mode's pieces count there)
        self.counts.update({"links": 0, "web_links": 0, "embeds": 0, "callouts": 0, "tables": 0, "fences": 0,
                            "lists": 0, "index_notes": 0, "tab_files": 0, "html_blocks": 0, "math_blocks": 0,
                            "footnotes": 0, "setext": 0})
        self.tabs = False  # the note being written indents its lists with tabs
        self.ref_links = True  # it may have reference links (not an index note)
        self.refs: list[str] = []  # the reference definitions the note being written needs
        self.notes_fn: list[str] = []  # its footnote definitions

    # -- inline ----------------------------------------------------------------------------------
    def rword(self) -> str:
        return self.rng.choice(self.vocab)

    def rwords(self, lo: int, hi: int) -> str:
        r = self.rng
        return " ".join(r.choice(self.vocab) for _ in range(r.randint(lo, hi)))

    def link(self, person: bool = False) -> str:  # (the default mode's pieces reused here link this way too)
        return self.note_link(person)

    def target(self, person: bool = False) -> str:
        r = self.rng
        return r.choice(self.people) if person or r.random() < 0.45 else r.choice(self.titles)

    def note_link(self, person: bool = False, table: bool = False) -> str:
        """A link to a note, in any of the syntaxes Obsidian reads."""
        r = self.rng
        target = self.target(person)
        first = target.split(" ")[0]
        bar = "\\|" if table else "|"
        self.counts["links"] += 1
        k = r.random()
        if k < 0.34:
            return f"[[{target}]]"
        if k < 0.50:
            return f"[[{target}{bar}{first}]]"
        if k < 0.58:
            return f"[[{target}#{r.choice(HEADS)}]]"
        if k < 0.62:
            return f"[[{target}#{r.choice(HEADS)}{bar}{first.lower()}]]"
        if k < 0.66:
            return f"[[{target}{r.choice(['^', '#^'])}{r.choice('abcdef')}{r.randint(100, 999)}]]"
        if k < 0.72:
            self.counts["embeds"] += 1
            return f"![[{target}]]" if r.random() < 0.6 else f"![[{target}#{r.choice(HEADS)}]]"
        if k < 0.79:
            return f"[{first}]({target.replace(' ', '%20')}.md)"
        if k < 0.84:
            return f"[{first} {self.rword()}](<{target}.md>)"
        if k < 0.88:
            day = self.day(200)
            return f"[{day:%a %d %b}]({day}.md)"  # a daily note: a path with no space
        if k < 0.885 and self.ref_links:  # reference links are rare in Obsidian (it does not complete them)
            label = f"{first.lower()}-{len(self.refs)}"
            self.refs.append(f"[{label}]: <{target}.md>" if r.random() < 0.5 else
                             f"[{label}]: {target.replace(' ', '%20')}.md \"{self.rwords(1, 3)}\"")
            return f"[{self.rwords(1, 3)}][{label}]"
        if k < 0.95:
            return f"[[{target}|{self.rwords(1, 3)}]]"
        return f"[[{target.lower()}]]"

    def web_link(self) -> str:
        r = self.rng
        self.counts["web_links"] += 1
        url = f"{r.choice(SITES)}/{self.rword().lower()}-{r.randint(1, 999)}"
        k = r.random()
        if k < 0.4:
            return f"[{self.rwords(1, 4)}]({url})"
        if k < 0.7:
            return url  # bare (GFM's linkify is off in vaultcrm's parser, as in CommonMark)
        if k < 0.97 or not self.ref_links:
            return f"<{url}>"
        label = f"web-{len(self.refs)}"
        self.refs.append(f"[{label}]: {url}")
        return f"[{self.rwords(1, 2)}][{label}]"

    def decorate(self, word: str) -> str:
        r = self.rng
        x = r.random()
        if x < 0.02:
            return f"*{word}*"
        if x < 0.035:
            return f"**{word}**"
        if x < 0.042:
            return f"_{word}_"
        if x < 0.045:
            return f"__{word}__"
        if x < 0.048:
            return f"~~{word}~~"
        if x < 0.051:
            return f"=={word}=="
        if x < 0.06:
            return f"`{word.lower()}()`" if r.random() < 0.5 else f"`{word}`"
        return word

    def extra(self, links: float) -> str:
        """One inline thing that is not a plain word (`links`: the weight of note links)."""
        r = self.rng
        k = r.random() * (1 + links)
        if k < links:
            return self.note_link()
        k = (k - links) * 100
        if k < 22:
            return self.web_link()
        if k < 26:
            self.counts["footnotes"] += 1
            number = len(self.notes_fn) + 1
            if r.random() < 0.25:
                return f"^[{self.rwords(3, 9)}]"
            self.notes_fn.append(f"[^{number}]: {self.rwords(5, 16)}" + (f" {self.note_link()}" if r.random() < 0.3 else ""))
            return f"[^{number}]"
        if k < 42:
            return r.choice(ENTITIES)
        if k < 52:
            return f"#{r.choice(LEAVES)}" + (f"/{r.choice(LEAVES)}" if r.random() < 0.4 else "")
        if k < 60:
            value = self.note_link() if r.random() < 0.3 else self.rwords(1, 2)
            return f"[{r.choice(FIELDS).lower()}:: {value}]" if r.random() < 0.7 else f"({r.choice(FIELDS).lower()}:: {value})"
        if k < 68:
            return r.choice(MATH)
        if k < 76:
            return r.choice(KBD)
        if k < 82:
            return f"%% {self.rwords(2, 6)} %%"
        if k < 88:
            return f"{r.randint(1, 12)}:{r.randint(0, 59):02d}"
        if k < 94:
            return f"{self.day(300)}"
        return "$5" if r.random() < 0.5 else "50 $"  # a dollar that is not math

    def sentence(self, links: float = 0.5, rate: float = 0.08, words: tuple[int, int] = (5, 20)) -> str:
        r = self.rng
        out = []
        for _ in range(r.randint(*words)):
            out.append(self.decorate(self.rword()))
            if r.random() < rate:
                out.append(self.extra(links))
        text = " ".join(out)
        text = text[0].upper() + text[1:]
        return text + r.choice(".....?!:;") + (" " if r.random() < 0.9 else "")

    def paragraph(self, size: int, links: float = 0.5, rate: float = 0.08) -> str:
        """Sentences to about `size` characters: one long line (as most people write in Obsidian), or
        hard-wrapped at about 80 columns, sometimes with a block id at its end."""
        r = self.rng
        parts: list[str] = []
        total = 0
        while total < size:
            s = self.sentence(links, rate)
            parts.append(s)
            total += len(s)
        text = "".join(parts).strip()
        if r.random() < 0.15:
            lines, line = [], ""
            for word in text.split(" "):
                if line and len(line) + len(word) > 80:
                    lines.append(line)
                    line = word
                else:
                    line = f"{line} {word}" if line else word
            text = "\n".join([*lines, line])
        if r.random() < 0.06:
            text += f" ^{r.choice('abcdef')}{r.randint(100, 999)}"
        return text

    # -- blocks ----------------------------------------------------------------------------------
    def heading(self, level: int | None = None) -> str:
        r = self.rng
        level = level or r.choice([2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 1])
        text = r.choice(HEADS) if r.random() < 0.5 else self.rwords(1, 5).capitalize()
        if r.random() < 0.1:
            text += f" {self.note_link()}"
        if r.random() < 0.04 and level <= 2:
            self.counts["setext"] += 1
            return f"{text}\n{('=' if level == 1 else '-') * max(3, len(text) if r.random() < 0.5 else 3)}"
        if r.random() < 0.03:
            return f"{'#' * level} {text} {'#' * level}"
        return f"{'#' * level} {text}"

    def list_block(self, depth: int = 0, max_depth: int | None = None, tasks: float = 0.15,
                   person: bool = False, items: tuple[int, int] = (2, 5)) -> str:
        """A list nested 2-4 levels deep, bullets and numbers mixed, tasks among the items."""
        r = self.rng
        if depth == 0:
            self.counts["lists"] += 1
        max_depth = max_depth or r.choice([2, 2, 3, 3, 4])
        ordered = r.random() < 0.25
        bullet = r.choice("--*+") if not ordered else ""
        unit = "\t" if self.tabs else ("    " if ordered or r.random() < 0.5 else "  ")
        pad = unit * depth
        lines = []
        for k in range(r.randint(*items)):
            marker = f"{k + 1}." if ordered else bullet
            task = r.choice(LIST_TASKS) if r.random() < tasks else ""
            text = self.sentence(0.8 if person else 0.5, 0.1, (3, 12)).strip()
            if task and r.random() < 0.3:
                text += f" 📅 {TODAY + dt.timedelta(days=r.randint(-20, 40))}"
            if task.startswith("[x]") and r.random() < 0.5:
                text += f" ✅ {self.day(60)}"
            if person and r.random() < 0.4:
                text = f"{r.choice(VERBS)} {self.note_link(person=True)}: {text}"
            lines.append(f"{pad}{marker} {task}{text}")
            if r.random() < 0.1:  # a continuation line of the item
                lines.append(f"{pad}{' ' * (len(marker) + 1) if not self.tabs else unit}{self.sentence().strip()}")
            if depth + 1 < max_depth and r.random() < 0.3:
                lines.append(self.list_block(depth + 1, max_depth, tasks, person, (1, 4)))
        return "\n".join(lines)

    def callout(self) -> str:
        r = self.rng
        self.counts["callouts"] += 1
        kind = r.choice(CALLOUTS)
        fold = r.choice(["", "", "", "-", "+"])
        title = f" {self.rwords(1, 5).capitalize()}" if r.random() < 0.6 else ""
        lines = [f"> [!{kind if r.random() < 0.9 else kind.upper()}]{fold}{title}"]
        for k in range(r.randint(1, 4)):
            if k:
                lines.append(">")
            x = r.random()
            if x < 0.55:
                lines += [f"> {line}" for line in self.paragraph(r.randint(60, 400)).split("\n")]
            elif x < 0.8:
                lines += [f"> {line}" for line in self.list_block(max_depth=2, items=(2, 4)).split("\n")]
            elif x < 0.9:
                lines += ["> ```" + r.choice(CODE_LANGS)] + [f"> {self.code_line()}" for _ in range(r.randint(1, 4))] + ["> ```"]
            else:
                lines += [f"> > [!{r.choice(CALLOUTS)}]", f"> > {self.sentence().strip()}"]
        return "\n".join(lines)

    def quote(self) -> str:
        r = self.rng
        lines = [f"> {line}" for line in self.paragraph(r.randint(80, 500), rate=0.05).split("\n")]
        if r.random() < 0.5:
            lines.append(f"> — {self.note_link(person=True)}")
        return "\n".join(lines)

    def code_line(self) -> str:
        r = self.rng
        x = r.random()
        if x < 0.15:
            self.counts["fake_links"] += 1
            return f'print("[[{r.choice(self.people)}]]")  # not a link'
        if x < 0.22:
            self.counts["fake_links"] += 1
            return f"see [{self.rword()}]({r.choice(self.titles).replace(' ', '%20')}.md) and - {TODAY}: not a touch"
        if x < 0.3:
            return f"    if x > {r.randint(0, 9)} and y < {r.randint(0, 9)}: return {{'{self.rword()}': [{r.randint(1, 9)}]}}"
        return f"{self.rword().lower()}_{r.randint(0, 99)}({self.rword()!r}, {r.randint(0, 9)})"

    def fenced_block(self) -> str:
        r = self.rng
        self.counts["fences"] += 1
        if r.random() < 0.15:
            return ("```dataview\nTABLE file.mtime AS modified, status\nFROM \"People\" OR [[" + r.choice(self.people)
                    + "]]\nWHERE contains(file.outlinks, this.file.link)\nSORT file.mtime DESC\n```")
        if r.random() < 0.1:
            return "```query\ntag:#" + r.choice(LEAVES) + " " + self.rword() + "\n```"
        fence = "```" if r.random() < 0.85 else "~~~"
        if r.random() < 0.05:
            fence *= 2  # a longer fence, as people do for code that shows a fence
        lines = [fence + r.choice(CODE_LANGS)] + [self.code_line() for _ in range(r.randint(2, 14))] + [fence]
        if self.tabs:
            lines = [line.replace("    ", "\t") for line in lines]
        return "\n".join(lines)

    def table(self, person: bool = False) -> str:
        r = self.rng
        self.counts["tables"] += 1
        cols = r.randint(2, 5)
        aligns = [r.choice(["---", ":---", ":---:", "---:", "-"]) for _ in range(cols)]
        edge = r.random() < 0.8
        wrap = (lambda cells: "| " + " | ".join(cells) + " |") if edge else (lambda cells: " | ".join(cells))
        lines = [wrap([self.rwords(1, 2).capitalize() for _ in range(cols)]), wrap(aligns)]
        for _ in range(r.randint(1, 12)):
            cells = []
            for c in range(cols):
                x = r.random()
                if c == 0 and r.random() < 0.2:
                    cells.append(str(self.day(300)))
                    self.counts["dated_lines"] += person
                elif x < 0.25:
                    cells.append(self.note_link(person=person, table=True))
                elif x < 0.35:
                    cells.append(self.decorate(self.rword()) + " " + r.choice([*ENTITIES, "`a|b`", "✅", "❌", "4.5"]))
                else:
                    cells.append(self.decorate(self.rwords(1, 4)))
            lines.append(wrap(cells))
        return "\n".join(lines)

    def html_block(self) -> str:
        r = self.rng
        self.counts["html_blocks"] += 1
        x = r.random()
        if x < 0.4:
            return f"<!-- {self.rwords(3, 12)}\n{self.note_link()} stays hidden -->"
        if x < 0.6:
            return f"<details>\n<summary>{self.rwords(1, 4)}</summary>\n\n{self.paragraph(r.randint(60, 300))}\n\n</details>"
        if x < 0.8:
            return f"%%\n{self.rwords(4, 14)} {self.note_link()}\n%%"
        return f'<div align="center">\n<img src="{r.choice(IMAGES)}" width="{r.randint(200, 600)}">\n</div>'

    def math_block(self) -> str:
        self.counts["math_blocks"] += 1
        return f"$$\n{self.rng.choice(MATH_BLOCKS)}\n$$"

    def embed_line(self) -> str:
        r = self.rng
        self.counts["embeds"] += 1
        x = r.random()
        if x < 0.5:
            return f"![[{r.choice(IMAGES)}]]" if r.random() < 0.6 else f"![[{r.choice(IMAGES)}|{r.randint(200, 600)}]]"
        if x < 0.8:
            return self.note_link()  # sometimes an embed, usually a link on a line of its own
        return f"![{self.rword()}](Attachments/{r.choice(IMAGES).replace(' ', '%20')})"

    def field_lines(self) -> str:
        r = self.rng
        lines = []
        for _ in range(r.randint(1, 4)):
            value = self.note_link() if r.random() < 0.35 else (str(self.day(500)) if r.random() < 0.3 else self.rwords(1, 3))
            lines.append(f"{r.choice(FIELDS)}:: {value}")
        return "\n".join(lines)

    def rule(self) -> str:
        return self.rng.choice(["---", "***", "___", "- - -", "* * *"])

    def block(self, budget: int, person: bool = False) -> str:
        """One block of a note's body, of about `budget` characters where that means something."""
        r = self.rng
        x = r.random()
        if x < 0.40:  # mostly short, some long (500-2000 characters, usually on one line)
            return self.paragraph(r.randint(500, 2000) if r.random() < 0.12 else min(budget, r.randint(60, 600)))
        if x < 0.58:
            return self.list_block(person=person)
        if x < 0.65:
            return self.callout()
        if x < 0.70:
            return self.fenced_block()
        if x < 0.75:
            return self.table(person)
        if x < 0.79:
            return self.quote()
        if x < 0.83:
            return self.html_block()
        if x < 0.86:
            return self.embed_line()
        if x < 0.89:
            return self.field_lines()
        if x < 0.91:
            return self.math_block()
        if x < 0.94:
            return self.rule()
        if x < 0.96:  # indented code
            return "\n".join(("\t" if self.tabs else "    ") + self.code_line() for _ in range(r.randint(1, 4)))
        return self.heading()

    def body(self, size: int, person: bool = False, sections: bool = True) -> list[str]:
        out: list[str] = []
        total = 0
        while total < size:
            if sections and out and self.rng.random() < 0.18:
                out.append(self.heading())
            out.append(self.block(max(80, size - total), person))
            total += len(out[-1]) + 2
        return out

    def start_note(self) -> None:
        self.refs, self.notes_fn = [], []
        self.ref_links = True
        self.tabs = self.rng.random() < 0.12
        self.counts["tab_files"] += self.tabs

    def finish(self, fm: list[str], parts: list[str]) -> str:
        """The note's text: properties, blocks separated by blank lines (sometimes two, or none
        before a list), then footnote and reference definitions."""
        r = self.rng
        text = ""
        for part in parts:
            if not text:
                text = part
            else:
                text += r.choice(["\n\n", "\n\n", "\n\n", "\n\n\n", "\n"]) if not part.startswith("#") else "\n\n"
                text += part
        if self.notes_fn:
            text += "\n\n" + "\n".join(self.notes_fn)
        if self.refs:
            text += "\n\n" + "\n".join(self.refs)
        if self.tabs:  # some tab-indented files also have tabs after list markers and in text
            text = text.replace("\n- ", "\n-\t") if r.random() < 0.3 else text
        head = "\n".join(fm) + "\n" if fm else ""
        return head + text + ("\n" if r.random() < 0.9 else "")

    def rsize(self, mu: float = 6.1, sigma: float = 1.0) -> int:
        """Lognormal (median about 450 characters, which the last block overshoots), no index-note tail (`index_note`)."""
        return int(min(40_000, max(60, self.rng.lognormvariate(mu, sigma))))

    def frontmatter(self, extra: list[str]) -> list[str]:
        r = self.rng
        fm = ["---", *extra]
        if r.random() < 0.3:
            fm.append(f"created: {self.day(900)}" + (f"T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}" if r.random() < 0.3 else ""))
        if r.random() < 0.3:
            fm.append(f"aliases: [{self.rwords(1, 2)}]" if r.random() < 0.5 else f'aliases:\n  - "{self.rwords(1, 3)}"')
        if r.random() < 0.2:
            fm.append("status: " + r.choice(["draft", "done", '"in progress"', "seedling", "evergreen"]))
        if r.random() < 0.1:
            fm.append(f"source: {r.choice(SITES)}/{r.randint(1, 999)}")
        if r.random() < 0.08:
            fm.append(f"rating: {r.randint(1, 5)}.{r.randint(0, 9)}")
        if r.random() < 0.1:
            fm.append(f'related: ["{self.note_link()}"]')
        if r.random() < 0.05:
            fm.append("cssclasses:\n  - wide-page")
        if r.random() < 0.05:
            fm.append(f"description: >-\n  {self.rwords(4, 10)}\n  {self.rwords(3, 8)}")
        return [*fm, "---"]

    # -- notes -----------------------------------------------------------------------------------
    def contact(self, k: int) -> tuple[str, str]:
        r = self.rng
        self.start_note()
        path, plain = super().contact(k)  # the same properties and log as the default mode, then more
        head, _, rest = plain[4:].partition("\n---\n")
        name = self.people[k]
        fm = ["---", head] + ([f"email: {name.split(' ')[0].lower()}@example.com"] if r.random() < 0.3 else [])
        if r.random() < 0.2:
            fm.append(f'phone: "+1 555 {r.randint(1000, 9999)}"')
        fm.append("---")
        title, _, rest = rest.partition("\n\n")
        log = rest.partition("## Log")[2].partition("\n\n## Notes")[0]
        parts = [title]
        if r.random() < 0.4:
            parts.append(f"> [!info] Contact\n> Email:: {name.split(' ')[0].lower()}@example.com\n"
                         f"> Company:: [[{r.choice(ORGS)}]]\n> Met:: [[{self.day(700)}]]")
        elif r.random() < 0.5:
            parts.append(self.field_lines())
        parts.append("## About")
        parts += self.body(self.rsize(5.0, 0.8), sections=False)
        parts.append("## Log")
        lines = []
        logged = [line for line in log.strip("\n").split("\n") if line]
        keep = r.randint(0, 14)  # a shorter log than the default mode's: the markup makes up for it
        self.counts["dated_lines"] -= sum(line.startswith("- 2") for line in logged[keep:])
        for line in logged[:keep]:
            if line.startswith("- 2") and r.random() < 0.35:  # the other ways people write a dated line
                day, _, what = line[2:].partition(": ")
                line = r.choice([f"- [[{day}]] {what}", f"- **{day}** — {what}", f"- {day} {what}",
                                 f"- {day}: {what} *({self.rword()})*", f"* {day}: {what}"])
            if r.random() < 0.15 and line.startswith("- 2"):
                line += f" — {self.web_link() if r.random() < 0.5 else self.decorate(self.rword())} {r.choice(ENTITIES)}"
            lines.append(line)
            if r.random() < 0.12:  # notes under a log item
                lines.append(self.list_block(depth=1, max_depth=r.randint(2, 3), items=(1, 3)))
        if r.random() < 0.15 and len(lines) > 4:
            lines.insert(len(lines) // 2, f"\n### {TODAY.year - 1}\n")
        parts.append("\n".join(lines) if lines else "- nothing yet")
        if r.random() < 0.25:
            parts += [self.heading(2), *self.body(self.rsize(5.6, 1.0), person=True)]
        return path, self.finish(fm, parts)

    def daily(self, k: int) -> tuple[str, str]:
        r = self.rng
        self.start_note()
        d = self.days[k]
        fm = []
        if r.random() < 0.5:
            fm = ["---", f"date: {d}", f"mood: {r.randint(1, 5)}"] + (["tags: [daily]"] if r.random() < 0.5 else []) + ["---"]
        parts = [f"# {d:%A %d %B %Y}"]
        if r.random() < 0.4:
            parts.append(f"<< [[{d - dt.timedelta(days=1)}]] | [[{d + dt.timedelta(days=1)}]] >>")
        parts.append("## Log")
        log = []
        for _ in range(r.randint(1, 6)):
            x = r.random()
            if x < 0.5:
                log.append(f"- {r.choice(VERBS)} {self.note_link(person=True)} about {self.sentence(rate=0.08).strip()}")
            elif x < 0.7:
                log.append(f"- {r.randint(7, 22):02d}:{r.choice(['00', '15', '30', '45'])} {self.sentence().strip()}")
            else:
                log.append(f"- {r.choice(LIST_TASKS)}{self.sentence().strip()}")
            if r.random() < 0.2:
                log.append(self.list_block(depth=1, max_depth=3, items=(1, 3), person=True))
        parts.append("\n".join(log))
        if r.random() < 0.15:
            self.counts["fake_links"] += 1
            parts.append(f"> quoted from [[{r.choice(self.people)}]]'s mail")
        if r.random() < 0.45:
            parts += [self.heading(2), *self.body(self.rsize(5.6, 0.9))]
        return f"{self.daily_folder}/{d.year}/{d}.md", self.finish(fm, parts)

    def meeting(self, k: int) -> tuple[str, str]:
        r = self.rng
        self.start_note()
        path, plain = super().meeting(k)  # same path, properties and attendees as the default mode
        head = plain[: plain.index("\n---\n") + 4].split("\n")
        people = [line[7:-3] for line in head if line.startswith('  - "[[')]
        parts = [plain.split("\n---\n", 1)[1].split("\n", 1)[0]]  # the title
        parts.append("## Attendees\n" + "\n".join(f"- [[{p}]]" + (f" ({self.rword()})" if r.random() < 0.3 else "")
                                                 for p in people))
        parts.append("## Agenda\n" + "\n".join(f"{i + 1}. {self.sentence(rate=0.05).strip()}" for i in range(r.randint(1, 5))))
        parts += ["## Notes", *self.body(self.rsize(5.9, 0.8), person=True)]
        if r.random() < 0.5:
            parts.append(f"> [!important] Decisions\n> - {self.sentence().strip()}\n> - {self.sentence().strip()}")
        actions = [f"- [ ] {self.rwords(3, 8)} {self.note_link(person=True)}"
                   + (f" 📅 {TODAY + dt.timedelta(days=r.randint(-5, 20))}" if r.random() < 0.5 else "")
                   for _ in range(r.randint(1, 4))]
        parts.append("## Actions\n" + "\n".join(actions))
        return path, self.finish(["---", *head[1:-1], "type: meeting", "---"], parts)

    def plain(self, k: int) -> tuple[str, str]:
        r = self.rng
        self.start_note()
        title = self.titles[k]
        folder = r.choice(self.folders)
        if r.random() < 0.0033:
            return f"{folder}/{title}.md", self.index_note(title)
        fm = self.frontmatter([f"tags: [{r.choice(LEAVES)}, {r.choice(LEAVES)}/{r.choice(LEAVES)}]"]) if r.random() < 0.55 else []
        parts = [f"# {title}"] if r.random() < 0.7 else []
        bare = r.random() < 0.2  # prose only, no link or date (the parser's fast skip)
        if bare:
            size = self.rsize()
            while sum(len(p) for p in parts) < size:
                parts.append(self.bare_block())
        else:
            if r.random() < 0.2:
                parts.append(self.field_lines())
            parts += self.body(self.rsize())
        return f"{folder}/{title}.md", self.finish(fm, parts)

    def bare_block(self) -> str:
        """Text with markup but no link and no date."""
        r = self.rng
        x = r.random()
        if x < 0.6:
            return " ".join(" ".join(self.decorate(self.rword()) for _ in range(r.randint(5, 20))) + "."
                            for _ in range(r.randint(2, 20)))
        if x < 0.8:
            return "\n".join(f"- {self.rwords(3, 12)}" for _ in range(r.randint(2, 8)))
        if x < 0.9:
            return f"## {self.rwords(1, 4).capitalize()}"
        return f"> [!{r.choice(CALLOUTS)}]\n> {self.rwords(5, 30)}"

    def index_note(self, title: str) -> str:
        """A map of content: hundreds of links in lists and tables, 50-300 KB."""
        r = self.rng
        self.counts["index_notes"] += 1
        self.ref_links = False
        target = r.randint(50_000, 280_000)  # the last section overshoots by up to about 20 KB
        parts = [f"# {title}", "> [!abstract] Map of content\n> Everything about " + self.rwords(2, 5)]
        total = 0
        letter = 0
        while total < target:
            parts.append(f"## {chr(65 + letter % 26)}{letter // 26 or ''}")
            letter += 1
            if r.random() < 0.15:
                rows = ["| Note | Kind | Updated |", "|---|:---:|---:|"]
                rows += [f"| {self.note_link(table=True)} | {self.rword()} | {self.day(900)} |" for _ in range(r.randint(20, 80))]
                parts.append("\n".join(rows))
            else:
                unit = "\t" if self.tabs else "    "
                items = []
                for _ in range(r.randint(20, 120)):
                    item = f"- {self.note_link()}"
                    if r.random() < 0.5:
                        item += f" — {self.rwords(2, 10)}"
                    items.append(item)
                    if r.random() < 0.1:
                        items.append(f"{unit}- {self.note_link()} {self.decorate(self.rword())}")
                parts.append("\n".join(items))
            total += len(parts[-1])
        return self.finish([], parts)


# -- the Russian mode ------------------------------------------------------------------------------
# The realistic mode's notes as the user who writes in Russian keeps them (`--realistic --russian`):
# Cyrillic names, paths and prose, Russian property keys and dates. The realistic mode's notes are
# written first and then put into Russian, so that both modes keep one shape of vault.

GIVEN_RU = {"м": "Александр Алексей Борис Виктор Дмитрий Иван Кирилл Лев Михаил Павел Роман Сергей Юрий "
                 "Ярослав Фёдор Пётр Глеб Артём Тимур Олег".split(),
            "ж": "Анна Вера Галина Евгения Екатерина Ирина Ксения Мария Наталья Ольга Полина Светлана "
                 "Татьяна Юлия Алёна Дарья Елена Марина Софья Жанна".split()}
FAMILY_RU = ("Иванов Петров Смирнов Кузнецов Попов Соколов Лебедев Козлов Новиков Морозов Волков Алексеев "
             "Орлов Фёдоров Белов Ершов Зайцев Соловьёв Григорьев Тихонов Ковалёв Захаров Миронов Калинин").split()
WORDS_RU = ("мы обсудили план на следующий квартал и как нанять второго инженера пока бюджет не растёт она "
            "рассказала про статью о поиске которая может помочь с задержкой надо познакомить его с человеком "
            "который понимает ценообразование для инструментов разработчика демо прошло хорошо но онбординг "
            "требует доработки не забыть отправить слайды и запись кофе у вокзала был отличный идея для доклада "
            "о локальном софте заметки с книжного клуба черновик предложения разбор отзывов пилотного клиента "
            "выкатить исправление в пятницу встреча созвон конференция вакансия собеседование рекомендация "
            "резюме стартап инвестор ментор команда продукт релиз дедлайн ёлка щедрость объём съезд "
            "API Python roadmap feedback Zoom Telegram LinkedIn OKR 1:1 — … «цитата» 42 3,5 10%").split()
VERBS_RU = ["кофе с", "созвон с", "обед с", "встреча с", "написал", "знакомство через", "поболтали с",
            "видеозвонок с", "ужин с", "отправил заметки"]
TOPICS_RU = ("Проекты Области Ресурсы Архив Чтение Идеи Тексты Исследования Путешествия Здоровье Финансы "
             "Учёба Дом Сад Музыка Код Доклады Курсы").split()
LEAVES_RU = ("берёза кедр дюна искра фьорд роща вереск залив можжевельник пустельга лагуна луг крапива "
             "сад прерия карьер гребень вершина тундра долина ива тысячелистник зефир").split()
MONTHS_RU = ("января февраля марта апреля мая июня июля августа сентября октября ноября декабря").split()
MONTHS_RU_SHORT = ["янв.", "февр.", "марта", "апр.", "мая", "июня", "июля", "авг.", "сент.", "окт.", "нояб.", "дек."]
WEEKDAYS_RU = "понедельник вторник среда четверг пятница суббота воскресенье".split()
KEYS_RU = {"tier": "уровень", "circle": "круг", "prm-tier": "близость", "cadence": "частота",
           "last_contact": "последний контакт", "last_touch": "последний_контакт", "Last Contact": "Последний контакт",
           "lastContact": "последняя встреча", "met": "познакомились", "birthday": "день рождения",
           "company": "компания", "stage": "стадия", "introduced_by": "кто познакомил",
           "former_companies": "бывшие компании", "status": "статус", "snooze_until": "отложить до",
           "email": "почта", "phone": "телефон"}
_VERB = re.compile(f"\\b({'|'.join(VERBS)})(?= !?\\[)")  # a log's verb, before the link it names
HEADS_RU = {"## Log": "## Журнал", "## About": "## О человеке", "## Notes": "## Заметки",
            "## Attendees": "## Участники", "## Agenda": "## Повестка", "## Actions": "## Задачи"}
# an ISO day in a note's text, but not in a link (`[[2026-11-12]]`, `(2026-11-12.md)`), a time stamp or a
# Tasks date (`📅 2026-11-12`, which the Tasks plugin writes in ISO only)
_ISO_DAY = re.compile(r"(?<![\d\[(-])(?<!📅 )(?<!✅ )(\d{4})-(\d\d)-(\d\d)(?![\d\]T]|\.md)")


def russian_name(r: random.Random) -> str:
    sex = r.choice("мж")
    return f"{r.choice(GIVEN_RU[sex])} {r.choice(FAMILY_RU)}{'а' if sex == 'ж' else ''}"


class RussianGen(RealGen):
    """RealGen's vault in Russian (`--realistic --russian`): see the module's docstring."""

    daily_folder = "Дневник"

    def __init__(self, n: int, seed: int) -> None:
        super().__init__(n, seed)
        ru = random.Random(seed * 104_729 + 3)  # the Russian names and titles, apart from the rest
        latin = self.people  # a sixth of the network keeps its Latin name: colleagues abroad
        self.people = distinct(len(latin), lambda k: latin[k] if ru.random() < 0.17 else russian_name(ru))
        self.titles = [f"{ru.choice(LEAVES_RU).title()} {ru.choice(WORDS_RU)} {k:06d}" for k in range(self.n_plain)]
        self.folders = folder_tree(ru, TOPICS_RU, LEAVES_RU, len(self.folders))
        self.vocab = WORDS_RU + WORDS_RU + MORE_WORDS

    def words(self, lo: int, hi: int) -> str:
        r = self.rng
        return " ".join(r.choice(WORDS_RU) for _ in range(r.randint(lo, hi)))

    def russian(self, text: str, wordy: bool = True) -> str:
        """A note's text in Russian: headings, the log's verbs, dates in the forms people write (with
        the month's name only where vaultcrm reads one, `wordy`: not in properties)."""
        for english, russian in HEADS_RU.items():
            text = text.replace(f"\n{english}\n", f"\n{russian}\n")
        text = _VERB.sub(lambda match: VERBS_RU[VERBS.index(match[1])], text)
        return _ISO_DAY.sub(lambda match: self.day_text(match, wordy), text)

    def day_text(self, match: re.Match[str], wordy: bool) -> str:
        """An ISO day as a Russian note writes it: as it is, `12.11.2026`, `12 ноября 2026`."""
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        x = self.rng.random()
        if x < 0.45:
            return match[0]
        if x < 0.8 or not wordy:
            return f"{day:02d}.{month:02d}.{year}"
        if x < 0.95:
            return f"{day} {MONTHS_RU[month - 1]} {year}"
        return f"{day} {MONTHS_RU_SHORT[month - 1]} {year} г."

    def note(self, text: str, keys: bool = False) -> str:
        """A note in Russian (`russian`), its properties' keys too when `keys`."""
        if not text.startswith("---\n"):
            return self.russian(text)
        head, _, body = text[4:].partition("\n---\n")
        head = self.russian(head, wordy=False)
        return "---\n" + (self.keys(head) if keys else head) + "\n---\n" + self.russian(body)

    def keys(self, head: str) -> str:
        """A property block with some of its keys in Russian (templates keep many of them English)."""
        r = self.rng
        lines = []
        for line in head.split("\n"):
            key, colon, value = line.partition(":")
            if colon and key in KEYS_RU and r.random() < 0.6:
                line = f"{KEYS_RU[key]}:{value}"
            lines.append(line)
        return "\n".join(lines)

    def contact(self, k: int) -> tuple[str, str]:
        name = self.people[k]
        return f"Люди/{name[0]}/{name}.md", self.note(super().contact(k)[1], keys=True)

    def daily(self, k: int) -> tuple[str, str]:
        text = super().daily(k)[1]
        d = self.days[k]
        text = text.replace(f"# {d:%A %d %B %Y}", f"# {WEEKDAYS_RU[d.weekday()]}, {d.day} {MONTHS_RU[d.month - 1]} {d.year}")
        return f"{self.daily_folder}/{d.year}/{d}.md", self.note(text)

    def meeting(self, k: int) -> tuple[str, str]:
        path, text = super().meeting(k)
        day, _, topic = path[len("Meetings/"):-3].partition(" ")
        russian = f"Встреча {topic.split(' ')[-1]} {self.rng.choice(LEAVES_RU)}"
        text = text.replace(f"# {topic}", f"# {russian}", 1)
        return f"Встречи/{day} {russian}.md", self.note(text)

    def plain(self, k: int) -> tuple[str, str]:
        path, text = super().plain(k)
        return path, self.note(text)


def generate(out: str, n: int, seed: int, realistic: bool = False, russian: bool = False) -> dict[str, object]:
    g = RussianGen(n, seed) if russian else RealGen(n, seed) if realistic else Gen(n, seed)
    jobs = ([(g.contact, k) for k in range(g.n_people)] + [(g.daily, k) for k in range(g.n_daily)]
            + [(g.meeting, k) for k in range(g.n_meet)] + [(g.plain, k) for k in range(g.n_plain)])
    g.rng.shuffle(jobs)
    made: set[str] = set()
    sizes: list[int] = []
    paths: set[str] = set()
    for make, k in jobs:
        rel, text = make(k)
        if rel in paths:  # a duplicate meeting title on the same day: keep the first
            continue
        paths.add(rel)
        path = os.path.join(out, rel)
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        data = text.encode("utf-8")
        with open(path, "wb") as handle:
            handle.write(data)
        sizes.append(len(data))
    os.makedirs(os.path.join(out, ".obsidian"), exist_ok=True)
    with open(os.path.join(out, ".obsidian", "app.json"), "w") as handle:
        json.dump({"alwaysUpdateLinks": True}, handle)
    with open(os.path.join(out, ".obsidian", "daily-notes.json"), "w") as handle:
        json.dump({"folder": g.daily_folder, "format": "YYYY/YYYY-MM-DD"}, handle)
    os.makedirs(os.path.join(out, ".vaultcrm"), exist_ok=True)
    with open(os.path.join(out, ".vaultcrm", "config.toml"), "w", encoding="utf-8") as handle:
        handle.write(CONFIG)
    os.makedirs(os.path.join(out, "Templates"), exist_ok=True)
    with open(os.path.join(out, "Templates", "Person.md"), "w") as handle:
        handle.write("---\ntier:\nlast_contact: {{date}}\ntags: [person]\n---\n## Log\n- {{date}}: met [[x]]\n")
    os.makedirs(os.path.join(out, "Attachments"), exist_ok=True)
    for k in range(max(1, n // 50)):
        with open(os.path.join(out, "Attachments", f"scan-{k:05d}.png"), "wb") as handle:
            handle.write(g.rng.randbytes(g.rng.randint(100, 3000)))
    sizes.sort()
    manifest = {**({"mode": "realistic-ru" if russian else "realistic"} if realistic or russian else {}), "seed": seed, "notes": len(sizes), "contacts": g.n_people, "daily": g.n_daily,
                "meetings": g.n_meet, "plain": g.n_plain, "folders": len(made), "md_bytes": sum(sizes),
                "median_bytes": sizes[len(sizes) // 2], "max_bytes": sizes[-1], **g.counts}
    with open(out.rstrip("/") + ".manifest.json", "w") as handle:
        json.dump(manifest, handle, indent=1)
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--notes", type=int, required=True)
    ap.add_argument("-o", "--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--force", action="store_true", help="replace --out if it exists")
    ap.add_argument("--realistic", action="store_true",
                    help="notes written like real ones (markup, nesting, callouts, index notes): see above")
    ap.add_argument("--russian", action="store_true",
                    help="with --realistic: the notes in Russian (Cyrillic names and paths, Russian keys and dates)")
    args = ap.parse_args()
    if args.russian and not args.realistic:
        ap.error("--russian goes with --realistic")
    if os.path.exists(args.out):
        if not args.force:
            sys.exit(f"{args.out} exists (pass --force to replace it)")
        shutil.rmtree(args.out)
    print(json.dumps(generate(args.out, args.notes, args.seed, args.realistic, args.russian)))


if __name__ == "__main__":
    main()
