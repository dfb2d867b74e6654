#!/usr/bin/env python3
"""A deterministic synthetic Obsidian vault for vaultcrm's benchmarks and tests (standard library only).

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
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys

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


class Gen:
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
        names: list[str] = []
        seen: set[str] = set()
        while len(names) < self.n_people:
            name = f"{r.choice(GIVEN)} {r.choice(FAMILY)}"
            if name in seen:
                name = f"{name} {len(names)}"
            seen.add(name)
            names.append(name)
        self.people = names
        self.titles = [f"{r.choice(LEAVES).title()} {r.choice(WORDS)} {k:06d}" for k in range(self.n_plain)]
        folders = list(TOPICS)
        while len(folders) < max(len(TOPICS), n // 40):
            parent = r.choice(folders)
            if parent.count("/") < 3:
                folders.append(f"{parent}/{r.choice(LEAVES)}-{len(folders)}")
        self.folders = folders
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
        return f"Daily/{d.year}/{d}.md", "\n".join(lines) + "\n"

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


def generate(out: str, n: int, seed: int) -> dict[str, object]:
    g = Gen(n, seed)
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
        json.dump({"folder": "Daily", "format": "YYYY/YYYY-MM-DD"}, handle)
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
    manifest = {"seed": seed, "notes": len(sizes), "contacts": g.n_people, "daily": g.n_daily,
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
    args = ap.parse_args()
    if os.path.exists(args.out):
        if not args.force:
            sys.exit(f"{args.out} exists (pass --force to replace it)")
        shutil.rmtree(args.out)
    print(json.dumps(generate(args.out, args.notes, args.seed)))


if __name__ == "__main__":
    main()
