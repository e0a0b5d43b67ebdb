#!/usr/bin/env python3
"""Writes guild_labelled.json: a made-up guild for measuring the identity
engine (issue 14 item 4). People are written the way guild rosters look:
Discord handles that may or may not resemble a character, server nicknames
like "Trog / Mike", mains and alts on several realms, and notes in the forms
officers and players really type ("alt of X", "X's bank", "Tank - Sam",
"GM", blank, typos). Each character is labelled with the Discord username of
the person who really plays it (null when that person is not on Discord).
The labels come from who plays what, never from the engine's rules.
Deterministic: run it again and the file is the same."""
import json, random, sys

# A second seed and file name make a hold-out guild (python3 make_guild.py 7 /tmp/g7.json).
rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 20261130)
OUT = sys.argv[2] if len(sys.argv) > 2 else "guild_labelled.json"

FIRST = ["Mike", "Sam", "Kaylee", "Jess", "Chris", "Rob", "Dan", "Alex", "Zoë", "Renée", "José", "Bjørn",
         "Søren", "Chloé", "Tom", "Nick", "Ben", "Amy", "Liz", "Matt", "Jake", "Tyler", "Kyle", "Emma",
         "Olivia", "Noah", "Liam", "Ava", "Mia", "Ethan", "Lucas", "Nora", "Ivy", "Owen", "Leah", "Cody",
         "Dave", "Steve", "Greg", "Brian", "Kevin", "Jason", "Laura", "Sarah", "Megan", "Hannah", "Paul",
         "Mark", "Josh", "Ryan", "Adam", "Eric", "Sean", "Katie", "Becca", "Tara", "Nate", "Drew", "Rosa",
         "Marco", "Elena", "Pablo", "Lena", "Anja", "Finn", "Mateo", "Yuki", "Hiro", "Priya", "Ravi",
         "Omar", "Layla", "Ines", "Théo", "Maël", "Kira", "Kiran", "Jo", "Joanne", "Vic", "Victor", "Ana",
         "Hugo", "Iris", "Jonas", "Karl", "Lars", "Nils", "Otto", "Pia", "Quinn", "Rhea", "Sven", "Tess",
         "Uma", "Vera", "Wes", "Xena", "Yara", "Zack", "Bree", "Cole", "Dean", "Faye", "Gus", "Hank",
         "Ida", "Jude", "Kent", "Lou", "Moe", "Ned", "Ola", "Pete", "Reed", "Sid", "Ted", "Val", "Walt"]

SYL_A = ["Trog", "Sho", "Zat", "Mal", "Vel", "Dun", "Kor", "Ash", "Bel", "Cyr", "Dra", "Eld", "Fen",
         "Gor", "Hal", "Ith", "Jor", "Kal", "Lun", "Mor", "Nyx", "Or", "Pyr", "Quel", "Rha", "Syl", "Tal",
         "Ur", "Vor", "Wyn", "Xal", "Yth", "Zeph", "Ael", "Brom", "Cael", "Dorn", "Eri", "Fal", "Gwen",
         "Hex", "Ilu", "Jax", "Kes", "Lor", "Mae", "Nim", "Oza", "Pel", "Rok", "Sar", "Thal", "Vash", "Wrex",
         "Zul", "Arth", "Bram", "Cor", "Dusk", "Ember", "Frost", "Grim", "Holy", "Iron", "Jade", "Kael",
         "Lyra", "Moon", "Night", "Onyx", "Rune", "Shadow", "Storm", "Thorn", "Vex", "Wild"]
SYL_B = ["moon", "doom", "anna", "dor", "ra", "gar", "ith", "wyn", "bane", "blade", "heart", "fang",
         "song", "shade", "fire", "claw", "mane", "hoof", "tusk", "spark", "weaver", "ion", "ara", "ek",
         "orn", "yx", "ael", "ius", "on", "ia", "os", "ar", "el", "is", "ix", "um", "ea", "en"]
ACCENTED = ["Zatañña", "Élodie", "Bjørnar", "Ærindel", "Çelestia", "Sørin", "Ñyx", "Lúthien", "Déja", "Ásgeir"]
CLASS_WORD = ["dh", "dk", "pally", "priest", "sham", "lock", "mage", "hunter", "monk", "druid", "evoker",
              "rogue", "warr", "boomie", "resto"]
ALT_SUFFIX = ["dh", "dk", "sham", "lock", "bank", "heals", "pala", "monk", "evo", "mage", "hunt", "priest",
              "tank", "alt", "twink"]
REALMS = [("senjin", 0.78), ("area-52", 0.06), ("bleeding-hollow", 0.05), ("stormrage", 0.05), ("zuljin", 0.06)]
TAGS = ["shadowstep", "nightowl", "coffeeaddict", "pixelpusher", "lazybones", "grumpycat", "sirloin",
        "bananaphone", "waffles", "noodlearms", "moonpie", "tacotuesday", "bigdaddy", "catlady", "sk8r",
        "dragonfly", "gnomercy", "leeroy", "turtle", "potatoe", "sneakyfox", "wolfpack", "ironsides"]

used = set()


def charname(base=None):
    for _ in range(200):
        if base:
            n = base + rng.choice(ALT_SUFFIX)
        else:
            n = rng.choice(SYL_A) + rng.choice(SYL_B)
        n = n[0].upper() + n[1:].lower()
        if n.lower() not in used and len(n) <= 12:
            used.add(n.lower())
            return n
        base = None if rng.random() < 0.5 else base
    raise RuntimeError("names ran out")


def realm():
    r, acc = rng.random(), 0
    for slug, p in REALMS:
        acc += p
        if r < acc:
            return slug
    return "senjin"


def typo(s):
    if len(s) < 5:
        return s
    i = rng.randrange(1, len(s) - 1)
    return s[:i] + s[i + 1:]


people = []
first_pool = FIRST[:]
rng.shuffle(first_pool)
accented = ACCENTED[:]

N_PEOPLE = 118
for i in range(N_PEOPLE):
    first = first_pool[i % len(first_pool)]
    if accented and rng.random() < 0.08:
        main = accented.pop()
        used.add(main.lower())
    else:
        main = charname()
    on_discord = rng.random() < 0.88
    person = {"first": first, "main": main, "discord": None, "display": None, "alts": []}
    if on_discord:
        style = rng.random()
        if style < 0.35:
            user = main.lower()
        elif style < 0.50:
            user = main.lower()[:max(4, len(main) - 2)] + str(rng.randint(1, 99))
        elif style < 0.72:
            user = first.lower() + rng.choice(["_", ".", ""]) + rng.choice("abcdefghjklmnprstw")
        else:
            user = rng.choice(TAGS) + str(rng.randint(1, 999))
        user = user.replace("ë", "e").replace("é", "e").replace("ø", "o").replace("ñ", "n").replace("æ", "ae").replace("ç", "c").replace("ú", "u").replace("á", "a")
        while user in {p["discord"] for p in people}:
            user += str(rng.randint(0, 9))
        ds = rng.random()
        if ds < 0.30:
            display = main
        elif ds < 0.50:
            display = f"{main} / {first}"
        elif ds < 0.62:
            display = f"{first} ({main})"
        elif ds < 0.74:
            display = first
        elif ds < 0.84:
            display = f"{main} | {rng.choice(['Tank', 'Heals', 'DPS', 'Officer', 'Raider'])}"
        else:
            display = None  # no server nickname, no global name
        person["discord"], person["display"] = user, display
    n_alts = rng.choices([0, 1, 2, 3, 4, 5], [18, 25, 22, 17, 10, 8])[0]
    base = main[:max(3, min(5, len(main) - 2))] if rng.random() < 0.5 else None
    for _ in range(n_alts):
        name = charname(base if base and rng.random() < 0.6 else None)
        person["alts"].append(name)
    people.append(person)

# Two near-namesakes on purpose: Kira/Kiran and Jo/Joanne are in FIRST.

discord_members = []
characters = []
existing_links = []  # characters an officer already linked by hand
cid = 0


# Each note generator returns (note, what it refers to): "main", "first",
# "discord" or "none" -- used only to label whether the data holds any
# evidence of the owner (see evidence below).
def main_note(p):
    r = rng.random()
    if r < 0.55:
        return "", "none"
    if r < 0.65:
        return rng.choice(["Main", "main", "Raider", "GM", "Officer", "Tank", "heals", "Trial", "Social"]), "none"
    if r < 0.80:
        return p["first"], "first"
    if r < 0.88:
        return f"{rng.choice(['Tank', 'Heals', 'DPS', 'Healer'])} - {p['first']}", "first"
    if r < 0.94 and p["discord"]:
        return f"Discord: {p['discord']}", "discord"
    return rng.choice(["raid team 2", "joined 2023", "M+ pusher", "returning player"]), "none"


def alt_note(p):
    m, f = p["main"], p["first"]
    forms = [
        (16, f"alt of {m}", "main"), (12, f"{m}'s alt", "main"), (10, f"{m} alt", "main"),
        (6, f"{m.lower()} alt", "main"), (8, f"{f}'s alt", "first"), (5, f"{f} alt", "first"),
        (6, f"Main: {m}", "main"), (5, f"{f}'s {rng.choice(CLASS_WORD)}", "first"),
        (4, f"{m}s {rng.choice(CLASS_WORD)}", "main"), (4, f"alt of {typo(m)}", "main"),
        (3, f"{rng.choice(['Tank', 'Heals', 'DPS'])} - {f}", "first"), (5, "bank", "none"),
        (6, "", "none"), (3, "alt", "none"),
    ]
    if p["discord"]:
        forms += [(4, f"Discord: {p['discord']}", "discord"), (2, f"@{p['discord']}", "discord"),
                  (2, f"dc: {p['discord']}", "discord")]
    weights = [w for w, _, _ in forms]
    _, note, ref = rng.choices(forms, weights)[0]
    return note, ref


def officer_note(p, is_main):
    r = rng.random()
    if r < 0.75:
        return "", "none"
    if r < 0.85 and p["discord"]:
        return f"Discord: {p['discord']}", "discord"
    if r < 0.92:
        return f"{p['first']} - {'main' if is_main else 'alt'}", "first"
    return rng.choice(["promoted 2024", "loot council", "on trial", "ask before kicking"]), "none"


def fold(s):
    for a, b in [("ë", "e"), ("é", "e"), ("ø", "o"), ("ñ", "n"), ("æ", "ae"), ("ç", "c"), ("ú", "u"), ("á", "a"), ("Á", "a"), ("É", "e"), ("Æ", "ae"), ("Ç", "c"), ("Ñ", "n")]:
        s = s.replace(a, b)
    return s.lower()


def words(s):
    import re
    return set(w for w in re.split(r"[^\w]+", fold(s or "")) if w)


def first_handle(p):
    """Whether the person's Discord names show their first name: a word of
    the display name, or the username's leading letters before a
    separator ("zoe_f", "victor.j")."""
    f = fold(p["first"])
    if f in words(p["display"]):
        return True
    import re
    m = re.match(r"([a-z]+)[._]", fold(p["discord"]))
    return bool(m) and m.group(1) == f


def evidence_pass():
    """Labels each character with whether the data says whose it is, as a
    careful officer reading the roster, its notes and the Discord member
    list would tell, by repeating until nothing changes:
    - the character is already linked, or named like the account;
    - a note names the person's Discord account;
    - a note names a first name the person's Discord names show;
    - a note names a first name that a known character of the same
      person carries in its note ("Kira - alt" on a known alt);
    - a note names the main ("alt of X", typos included) and the main is
      known, or the main is named by a known alt's note.
    Nothing else counts: a blank or "bank" note on an unrelated name, or a
    first name no known character or Discord name shows, is unknowable."""
    known = {c["id"] for c in characters if c["_linked"]}
    changed = True
    while changed:
        changed = False
        for c in characters:
            p = c["_p"]
            if c["id"] in known or p is None or not p["discord"]:
                continue
            ok = False
            handles = words(p["display"]) | {fold(p["discord"])}
            if fold(c["name"]) in handles:
                ok = True
            for ref in c["_refs"]:
                if ref == "discord":
                    ok = True
                if ref == "first" and (first_handle(p) or any(
                        o["id"] in known and "first" in o["_refs"] for o in characters if o["_p"] is p)):
                    ok = True
                if ref == "main" and p["_main_id"] in known:
                    ok = True
            if c["_main"] and any(o["id"] in known and "main" in o["_refs"] for o in characters if o["_p"] is p):
                ok = True
            if ok:
                known.add(c["id"])
                changed = True
    for c in characters:
        c["evidence"] = c["id"] in known
        for k in [k for k in c if k.startswith("_")]:
            del c[k]


du_id = 0
for p in people:
    if p["discord"]:
        du_id += 1
        p["du_id"] = du_id
        discord_members.append({"id": du_id, "username": p["discord"], "display_name": p["display"]})

# Discord members with no characters in the guild (friends, ex-members).
for tag in ["lurker_42", "Mom of Trog", "guest_dan", "botfriend", "ex_member_kay", "cousinvinny",
            "quietpanda", "zz_top", "lootgoblin", "streamer_tv", "recruiter_bob", "newbie2026",
            "sleepyhead", "kira_fan", "ghostwalker"]:
    du_id += 1
    discord_members.append({"id": du_id, "username": tag.lower().replace(" ", "_"), "display_name": tag if " " in tag else None})

for p in people:
    label = p["discord"]
    cid += 1
    note, ref = main_note(p)
    onote, oref = officer_note(p, True)
    # About a third of the people on Discord have their main linked by an
    # officer already (a guild that has been using the site for a while).
    linked = bool(p["discord"]) and rng.random() < 0.33
    p["_main_id"] = cid
    characters.append({"id": cid, "name": p["main"], "realm": "senjin", "note": note,
                       "officer_note": onote, "discord": label,
                       "_p": p, "_refs": [ref, oref], "_main": True, "_linked": linked})
    if linked:
        existing_links.append({"character_id": cid, "discord_user_id": p["du_id"]})
    for alt in p["alts"]:
        cid += 1
        note, ref = alt_note(p)
        onote, oref = officer_note(p, False)
        characters.append({"id": cid, "name": alt, "realm": realm(), "note": note, "officer_note": onote,
                           "discord": label, "_p": p, "_refs": [ref, oref], "_main": False, "_linked": False})

# Guild bank and mule characters nobody claims on Discord.
for name, note in [("Pattbank", "Guild Bank"), ("Pattbanktwo", "GB 2"), ("Mailmule", "bank"), ("Enchantbot", "crafter")]:
    cid += 1
    characters.append({"id": cid, "name": name, "realm": "senjin", "note": note, "officer_note": "GM owns", "discord": None,
                       "_p": None, "_refs": [], "_main": False, "_linked": False})

evidence_pass()
for p in people:
    p.pop("_main_id", None)

out = {
    "about": __doc__.strip().splitlines()[0],
    "discord_members": discord_members,
    "characters": characters,
    "existing_links": existing_links,
}
with open(OUT, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
print(len(characters), "characters,", len(discord_members), "discord members,", len(existing_links), "existing links,",
      sum(1 for c in characters if c["evidence"]), "with evidence of their owner")
