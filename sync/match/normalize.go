// Package match is the identity engine's pure part (spec guild_sync §7 and
// §19): normalising names, reading hints out of guild and officer notes,
// scoring which Discord member or player each unlinked character belongs
// to, and deciding link / suggestion / nothing. It has no database: the
// sync package loads the inputs and applies the decisions.
package match

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold maps letters NFKD does not decompose to their usual ASCII spelling.
var fold = strings.NewReplacer("ø", "o", "æ", "ae", "ß", "ss", "đ", "d", "œ", "oe", "ł", "l", "þ", "th", "ð", "d", "ı", "i")

// Normalize lowercases, trims, decomposes (NFKD), drops combining marks and
// folds ø/æ/ß/đ (and a few more), so "Zatañña" = "zatanna", "Bjørn" =
// "bjorn", "Ærin" = "aerin". Lengths are in runes.
func Normalize(s string) string {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		return ""
	}
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return fold.Replace(b.String())
}

// Ident is the comparable form of a name: normalised, letters and digits
// only ("O'Brien" → "obrien", "Mito." → "mito", "rocket_man" → "rocketman").
func Ident(s string) string {
	s = Normalize(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// StopWords are note words that say what a character is, not whose: they
// never become a grouping key (W6: "Discord: X", "alt of X", "GM / …" and
// "Tank - …" used to pull strangers into one player).
var StopWords = map[string]bool{
	"discord": true, "dc": true, "disc": true, "alt": true, "alts": true, "main": true, "mains": true,
	"gm": true, "officer": true, "tank": true, "healer": true, "heals": true, "heal": true, "dps": true,
	"bank": true, "of": true, "for": true, "the": true, "my": true, "is": true, "and": true, "a": true,
	"twink": true, "raid": true, "raider": true, "raiding": true, "pvp": true, "mplus": true, "m": true,
	"trial": true, "social": true, "leveling": true, "lvl": true, "alt's": true, "bankalt": true,
	"farmer": true, "crafter": true, "crafting": true, "guild": true, "co": true, "x": true,
	"melee": true, "ranged": true, "caster": true, "off": true, "spec": true, "offspec": true,
	"new": true, "old": true, "inactive": true, "returning": true, "friend": true, "irl": true,
	"wife": true, "husband": true, "gf": true, "bf": true, "brother": true, "sister": true,
	"son": true, "dad": true, "mom": true, "char": true, "toon": true, "toons": true, "priest": true,
	"mage": true, "rogue": true, "warrior": true, "hunter": true, "druid": true, "shaman": true,
	"paladin": true, "warlock": true, "monk": true, "evoker": true, "dh": true, "dk": true, "pally": true,
	"lock": true, "shammy": true, "sham": true, "boomie": true, "resto": true, "holy": true, "prot": true,
	"mythic": true, "heroic": true, "normal": true, "aotc": true, "ce": true, "recruit": true,
	"na": true, "eu": true, "us": true, "est": true, "cst": true, "pst": true, "mst": true,
}

// classWords are the words players use for a character's class or role
// after its owner's name ("Ned's warr", "Zoë's druid").
const classWords = `dh|dk|pally|paladin|priest|sham|shammy|shaman|lock|warlock|mage|hunter|hunt|monk|druid|` +
	`evoker|evo|rogue|warr|warrior|boomie|resto|healer|heals|tank|dps|pala|feral|disc|holy|prot|demo|lock`

// Hints are what a note says about its character's owner.
type Hints struct {
	// Discord are names given as the owner's Discord ("Discord: Trog",
	// "dc=Trog", "@Trog").
	Discord []string
	// Owner are names of the owner's main or of the owner ("alt of
	// Trogmoon", "Trogmoon's alt", "main: Trogmoon", "Trog alt").
	Owner []string
	// Key is the first word that is not a stop word ("Tank - Sam" → sam),
	// in Ident form; "" when none.
	Key string
	// Person are names the note gives as its owner's, in the two shapes
	// notes use for a person rather than a remark: the whole note one name
	// ("Steve") or a name beside a stop word ("Tank - Sam", "Kira - alt").
	// "promoted 2024" or "loot council" are not names of anyone.
	Person []string
}

// KeyNames are the names a character's notes give for its owner, a person
// or a main (Owner and Person of both notes): two characters whose notes
// give the same name belong to the same person.
func KeyNames(note, officerNote string) []string {
	var out []string
	seen := map[string]bool{}
	for _, h := range []Hints{ParseNote(note), ParseNote(officerNote)} {
		for _, n := range append(append([]string{}, h.Owner...), h.Person...) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

var (
	reDiscord = regexp.MustCompile(`(?i)\b(?:discord|disc|dc)\s*[:=\-]?\s*@?([^\s,;/|()]+)`)
	reAt      = regexp.MustCompile(`@([^\s,;/|()@]+)`)
	reAltOf   = regexp.MustCompile(`(?i)\balt\s+(?:of|for|to)\s+([^\s,;/|()]+)`)
	// "Rocket's alt", "Ned's warr", "Lúthiens pally", "Trog alt": a name
	// followed by what the character is to its owner.
	reOwnAlt    = regexp.MustCompile(`(?i)([^\s,;/|()]+?)(?:'s|’s|s')?\s+(?:alt|alts|bank|twink|mule|` + classWords + `)\b`)
	rePossessed = regexp.MustCompile(`(?i)^\s*([^\s,;/|()']+)(?:'s|’s)\s+\S`)
	reMain      = regexp.MustCompile(`(?i)\bmain\s*(?:is|=|:|-)?\s*([^\s,;/|()]+)`)
	reDash      = regexp.MustCompile(`\s*[-–—]\s*`)
	wordSplit   = regexp.MustCompile(`[\s/|\-–—,;:()\[\]+&=@!?.~*]+`)
)

// ParseNote reads the hints of one note.
func ParseNote(note string) Hints {
	var h Hints
	note = strings.TrimSpace(note)
	if note == "" {
		return h
	}
	add := func(list *[]string, raw string) {
		v := Ident(strings.TrimSuffix(strings.TrimSuffix(raw, "'s"), "’s"))
		if len([]rune(v)) < 2 || StopWords[v] {
			return
		}
		for _, x := range *list {
			if x == v {
				return
			}
		}
		*list = append(*list, v)
	}
	for _, m := range reDiscord.FindAllStringSubmatch(note, -1) {
		add(&h.Discord, m[1])
	}
	for _, m := range reAt.FindAllStringSubmatch(note, -1) {
		add(&h.Discord, m[1])
	}
	for _, m := range reAltOf.FindAllStringSubmatch(note, -1) {
		add(&h.Owner, m[1])
	}
	for _, m := range reOwnAlt.FindAllStringSubmatch(note, -1) {
		add(&h.Owner, m[1])
	}
	for _, m := range rePossessed.FindAllStringSubmatch(note, -1) {
		add(&h.Owner, m[1])
	}
	for _, m := range reMain.FindAllStringSubmatch(note, -1) {
		add(&h.Owner, m[1])
	}
	// A person's name: the note is one word, or two words around a dash
	// of which one is a stop word.
	if sides := reDash.Split(note, -1); len(sides) <= 2 {
		var names []string
		stops := 0
		for _, side := range sides {
			if strings.ContainsAny(strings.TrimSpace(side), " \t") {
				names = nil
				stops = -1
				break
			}
			v := Ident(side)
			switch {
			case v == "":
			case StopWords[v]:
				stops++
			case len([]rune(v)) >= 2 && !isNumber(v):
				names = append(names, v)
			}
		}
		if len(names) == 1 && len(sides) == stops+1 {
			add(&h.Person, names[0])
		}
	}
	for _, w := range wordSplit.Split(note, -1) {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		k := Ident(w)
		if len([]rune(k)) < 2 || StopWords[k] || isNumber(k) {
			continue
		}
		h.Key = k
		break
	}
	return h
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

// UserParts splits a Discord username on its separators and trailing
// digits: "victor.j" → victor, "mike_r" → mike, "kalbla22" → kalbla.
func UserParts(user string) []string {
	var out []string
	for _, w := range regexp.MustCompile(`[._\-\s]+`).Split(Normalize(user), -1) {
		w = strings.TrimRight(Ident(w), "0123456789")
		if len([]rune(w)) >= 2 && !StopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// DisplayParts splits a Discord display name into its names: "Trog / Mike"
// → trog, mike; "Sam (Skatefarm)" → sam, skatefarm; "Rocket | Tank" →
// rocket (stop words dropped).
func DisplayParts(display string) []string {
	var out []string
	for _, w := range wordSplit.Split(display, -1) {
		k := Ident(w)
		if len([]rune(k)) >= 2 && !StopWords[k] {
			out = append(out, k)
		}
	}
	return out
}

// Similarity is the Ratcliff–Obershelp ratio 2·M/T of two normalised
// strings, with containment scored as len(shorter)/len(longer) (the legacy
// fuzzy score, spec §17.F).
func Similarity(a, b string) float64 {
	a, b = Normalize(a), Normalize(b)
	if a == "" || b == "" {
		return 0
	}
	if a == b {
		return 1
	}
	ra, rb := []rune(a), []rune(b)
	if strings.Contains(a, b) || strings.Contains(b, a) {
		s, l := len(ra), len(rb)
		if s > l {
			s, l = l, s
		}
		return float64(s) / float64(l)
	}
	return 2 * float64(matching(ra, rb)) / float64(len(ra)+len(rb))
}

// matching counts Ratcliff–Obershelp matching characters: the longest
// common block, then recursively left and right of it.
func matching(a, b []rune) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	bi, bj, bl := 0, 0, 0
	for i := range a {
		for j := range b {
			k := 0
			for i+k < len(a) && j+k < len(b) && a[i+k] == b[j+k] {
				k++
			}
			if k > bl {
				bi, bj, bl = i, j, k
			}
		}
	}
	if bl == 0 {
		return 0
	}
	return bl + matching(a[:bi], b[:bj]) + matching(a[bi+bl:], b[bj+bl:])
}
