package match

import (
	"fmt"
	"sort"
	"strings"
)

// Thresholds (spec §19): a link needs a score of at least AutoLink and a
// lead of at least Margin over the runner-up; Suggest..AutoLink becomes a
// suggestion for officers.
const (
	AutoLink = 0.9
	Margin   = 0.1
	Suggest  = 0.7
)

// Discord is a present Discord member with a guild role.
type Discord struct {
	ID          int // discord_users.id
	DiscordID   string
	Username    string
	DisplayName string
	PlayerID    int // the player linked to it, 0 when none
}

// Player is an existing player and the names of the characters it owns.
type Player struct {
	ID             int
	DisplayName    string
	DiscordUserID  int // 0 when none
	CharacterNames []string
}

// Character is an unlinked, active character.
type Character struct {
	ID          int
	Name        string
	RealmSlug   string
	Note        string // guild note
	OfficerNote string
}

// Target is whom a character would belong to: an existing player, or a
// Discord member who has no player yet.
type Target struct {
	PlayerID      int // 0 = a player to create for DiscordUserID
	DiscordUserID int // 0 = a player without Discord
}

func (t Target) key() string { return fmt.Sprintf("p%d/d%d", t.PlayerID, t.DiscordUserID) }

// Kind of decision.
const (
	KindLink       = "link"
	KindSuggestion = "suggestion"
	KindNone       = "none"
)

// Decision is the engine's verdict on one character.
type Decision struct {
	Character  Character
	Kind       string
	Target     Target
	Confidence float64
	Source     string // the strongest signal, e.g. "name", "note_discord"
	RunnerUp   float64
}

// Input is everything the engine looks at.
type Input struct {
	Characters []Character
	Discord    []Discord
	Players    []Player
	// Linked maps the Ident of each linked character's name to its
	// owner's player id (several when the name exists on several realms).
	Linked map[string][]int
	// LinkedKeys maps each name the notes of a linked character give for
	// its owner (KeyNames: "Kira - alt", "Otto's alt", "Steve") to the
	// owner's player ids: another character whose notes give the same
	// name is that player's too.
	LinkedKeys map[string][]int
}

// names is a Discord member's names in comparable form, computed once.
type names struct {
	user, disp string
	parts      []string // display-name parts
	userParts  []string
	all        []string
	// userPartScore is what a match on one username part is worth: a
	// name plus an initial or digits ("zoe_f", "victor.j") names the
	// person; a username of several words ("kira_fan", "ex_member_kay")
	// only mentions a name.
	userPartScore float64
}

func namesOf(d Discord) names {
	n := names{user: Ident(d.Username), disp: Ident(d.DisplayName), parts: DisplayParts(d.DisplayName), userParts: UserParts(d.Username)}
	n.userPartScore = 0.95
	if len(n.userParts) > 1 {
		n.userPartScore = 0.8
	}
	n.all = append([]string{n.user, n.disp}, n.parts...)
	return n
}

type scored struct {
	target Target
	score  float64
	source string
	// evidence are the distinct names that pointed at the target with at
	// least Suggest; one name seen as the character's name, its note key
	// and a Discord hint is still one piece of evidence.
	evidence map[string]bool
}

// Engine holds the indexes built from an Input.
type Engine struct {
	in         Input
	byPlayer   map[int]Player
	discordOf  map[int]Discord // by discord_users.id
	playerOfDU map[int]int
	names      map[int]names
	memo       map[memoKey]float64
	// linkedNames are the keys of in.Linked, sorted.
	linkedNames []string
	// unlinked maps the Ident of each unlinked character's name to its
	// indexes in in.Characters (set by Decide).
	unlinked map[string][]int
}

type memoKey struct {
	x  string
	du int
}

// New indexes the input. Order is by id, so results never depend on the
// database's row order.
func New(in Input) *Engine {
	sort.Slice(in.Characters, func(i, j int) bool { return in.Characters[i].ID < in.Characters[j].ID })
	sort.Slice(in.Discord, func(i, j int) bool { return in.Discord[i].ID < in.Discord[j].ID })
	sort.Slice(in.Players, func(i, j int) bool { return in.Players[i].ID < in.Players[j].ID })
	e := &Engine{in: in, byPlayer: map[int]Player{}, discordOf: map[int]Discord{}, playerOfDU: map[int]int{},
		names: map[int]names{}, memo: map[memoKey]float64{}}
	for _, p := range in.Players {
		e.byPlayer[p.ID] = p
		if p.DiscordUserID != 0 {
			e.playerOfDU[p.DiscordUserID] = p.ID
		}
	}
	for i := range in.Discord {
		d := &in.Discord[i]
		if d.PlayerID == 0 {
			d.PlayerID = e.playerOfDU[d.ID]
		}
		e.discordOf[d.ID] = *d
		e.names[d.ID] = namesOf(*d)
	}
	for n := range in.Linked {
		e.linkedNames = append(e.linkedNames, n)
	}
	sort.Strings(e.linkedNames)
	e.in = in
	return e
}

// targetOfDiscord is the target for a Discord member: its player if it has
// one.
func (e *Engine) targetOfDiscord(d Discord) Target {
	return Target{PlayerID: d.PlayerID, DiscordUserID: d.ID}
}

func (e *Engine) targetOfPlayer(id int) Target {
	return Target{PlayerID: id, DiscordUserID: e.byPlayer[id].DiscordUserID}
}

// nameScore says how well a name X (in Ident form) names Discord member d:
// 1 exact username or display name; 0.95 a part of the display name
// ("Trog / Mike") or the username without trailing digits/underscores;
// containment of 4+ letters 0.6–0.85; otherwise the fuzzy ratio scaled
// under the link threshold.
func (e *Engine) nameScore(x string, d Discord) float64 {
	k := memoKey{x, d.ID}
	if s, ok := e.memo[k]; ok {
		return s
	}
	s := nameScore(x, e.names[d.ID])
	e.memo[k] = s
	return s
}

func nameScore(x string, n names) float64 {
	if len([]rune(x)) < 2 {
		return 0
	}
	user, disp := n.user, n.disp
	if x == user || (disp != "" && x == disp) {
		return 1
	}
	best := 0.0
	for _, p := range n.parts {
		if p == x {
			best = 0.95
		}
	}
	if trimmed := strings.TrimRight(user, "0123456789"); trimmed != user && trimmed == x {
		best = max(best, 0.95)
	}
	for _, p := range n.userParts {
		if p == x {
			best = max(best, n.userPartScore)
		}
	}
	if best > 0 {
		return best
	}
	for _, cand := range n.all {
		if cand == "" {
			continue
		}
		short, long := x, cand
		if len([]rune(short)) > len([]rune(long)) {
			short, long = long, short
		}
		if len([]rune(short)) >= 4 && strings.Contains(long, short) {
			// A prefix ("rocket" of "rocketman99") says more than a
			// fragment from the middle.
			base := 0.6
			if strings.HasPrefix(long, short) {
				base = 0.65
			}
			s := base + 0.25*float64(len([]rune(short)))/float64(len([]rune(long)))
			best = max(best, s)
			continue
		}
		// The ratio cannot reach 0.75 when one is under 0.6 of the other.
		lx, lc := len([]rune(x)), len([]rune(cand))
		if 5*min(lx, lc) < 3*max(lx, lc) {
			continue
		}
		if r := Similarity(x, cand); r >= 0.75 {
			best = max(best, 0.85*r)
		}
	}
	return best
}

// typoWeight is 1 for the same name; 0.96 for names of four or more
// letters one typo apart (a letter missing, extra, changed or two swapped:
// "alt of Itea" for Ithea); for names of six or more letters that differ
// by a typo or two (ratio ≥ 0.85), 0.5 + ratio/2 — so "alt of Trogmon"
// still points at Trogmoon, just less surely. Otherwise 0. Callers try
// typos only for a name that matches nothing exactly.
func typoWeight(x, name string) float64 {
	if x == name {
		return 1
	}
	lx, ln := len([]rune(x)), len([]rune(name))
	if min(lx, ln) >= 4 && oneEdit([]rune(x), []rune(name)) {
		return 0.96
	}
	if min(lx, ln) < 6 || lx-ln > 2 || ln-lx > 2 {
		return 0
	}
	if r := Similarity(x, name); r >= 0.85 {
		return 0.5 + r/2
	}
	return 0
}

// oneEdit reports whether a and b differ by exactly one inserted, deleted
// or changed letter, or two adjacent letters swapped.
func oneEdit(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		var diff []int
		for i := range a {
			if a[i] != b[i] {
				diff = append(diff, i)
			}
		}
		if len(diff) == 1 {
			return true
		}
		return len(diff) == 2 && diff[1] == diff[0]+1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]]
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return string(a[i:]) == string(b[i+1:])
	}
	return false
}

// signal weights: how much a perfect name match through each signal is
// worth.
var weights = map[string]float64{
	"name":               1.0,  // the character is named like the member
	"note_discord":       0.97, // "Discord: X", "@X"
	"officer_discord":    0.97,
	"note_owner":         0.95, // "alt of X", "X's alt", "main: X"
	"officer_owner":      0.95,
	"note_key":           0.92, // the note's first real word
	"officer_key":        0.92,
	"owner_of_character": 0.95, // X is a character some player owns
	// Another character of one player gives the same name for its owner
	// ("DPS - Kira" here, "Kira - alt" on a linked character).
	"shared_key": 0.9,
}

// Decide scores every character and returns one decision each, ordered by
// character id. Characters that point at another unlinked character ("alt
// of X"), or give the same name for their owner as another ("Kira - alt"
// and "DPS - Kira"), follow that character's link when it is linked in the
// same run; this repeats until nothing changes, so a chain (an alt of an
// alt's main) is followed to its end.
func (e *Engine) Decide() []Decision {
	out := make([]Decision, len(e.in.Characters))
	byIdent := map[string][]int{} // unlinked character name → indexes
	var names []string
	for i, c := range e.in.Characters {
		n := Ident(c.Name)
		if len(byIdent[n]) == 0 {
			names = append(names, n)
		}
		byIdent[n] = append(byIdent[n], i)
	}
	e.unlinked = byIdent
	keysOf := make([][]string, len(e.in.Characters))
	for i, c := range e.in.Characters {
		keysOf[i] = e.sharedKeys(c)
		out[i] = e.decide(c, e.candidates(c))
	}
	for round := 0; round < 10; round++ {
		// Names given by the notes of characters linked so far in this run.
		runKeys := map[string][]Target{}
		for i := range e.in.Characters {
			if out[i].Kind != KindLink {
				continue
			}
			for _, k := range keysOf[i] {
				runKeys[k] = appendTarget(runKeys[k], out[i].Target)
			}
		}
		changed := false
		for i, c := range e.in.Characters {
			if out[i].Kind == KindLink {
				continue
			}
			cands := e.candidates(c)
			added := false
			for _, x := range ownerNames(c) {
				exact := e.exactKnown(x)
				for _, n := range names {
					tw := typoWeight(x, n)
					if exact && tw < 1 {
						continue
					}
					idx := byIdent[n]
					if tw == 0 || len(idx) != 1 || idx[0] == i || out[idx[0]].Kind != KindLink {
						continue
					}
					d := out[idx[0]]
					w := weights["note_owner"] * tw
					cands = addScore(cands, d.Target, min(w, d.Confidence), "note_owner", "char:"+n)
					added = true
				}
			}
			for _, k := range keysOf[i] {
				ts := runKeys[k]
				for _, pid := range e.in.LinkedKeys[k] {
					ts = appendTarget(ts, e.targetOfPlayer(pid))
				}
				if len(ts) == 1 {
					cands = addScore(cands, ts[0], weights["shared_key"], "shared_key", "key:"+k)
					added = true
				}
			}
			if added {
				d := e.decide(c, cands)
				if d.Kind == KindLink {
					changed = true
				}
				out[i] = d
			}
		}
		if !changed {
			break
		}
	}
	return out
}

func appendTarget(list []Target, t Target) []Target {
	for _, x := range list {
		if x.key() == t.key() {
			return list
		}
	}
	return append(list, t)
}

// sharedKeys are the names a character's notes give for its owner that are
// not names of characters (those point at the character's owner instead).
func (e *Engine) sharedKeys(c Character) []string {
	var out []string
	for _, k := range KeyNames(c.Note, c.OfficerNote) {
		if len(e.in.Linked[k]) > 0 || len(e.unlinked[k]) > 0 || len([]rune(k)) < 3 {
			continue
		}
		out = append(out, k)
	}
	return out
}

// exactKnown reports whether x is exactly the name of a character (linked
// or not) or of a Discord member: then a typo reading of x is no reading.
func (e *Engine) exactKnown(x string) bool {
	if len(e.in.Linked[x]) > 0 || len(e.unlinked[x]) > 0 {
		return true
	}
	for _, d := range e.in.Discord {
		if n := e.names[d.ID]; n.user == x || n.disp == x {
			return true
		}
	}
	return false
}

// ownerNames are the names c's notes give for its owner or main: a
// character's name among them points at that character's owner.
func ownerNames(c Character) []string { return KeyNames(c.Note, c.OfficerNote) }

func addScore(list []scored, t Target, s float64, source, evidence string) []scored {
	if s <= 0 {
		return list
	}
	i := 0
	for i = range list {
		if list[i].target.key() == t.key() {
			break
		}
	}
	if len(list) == 0 || list[i].target.key() != t.key() {
		list = append(list, scored{target: t, evidence: map[string]bool{}})
		i = len(list) - 1
	}
	if s > list[i].score {
		list[i].score, list[i].source = s, source
	}
	if s >= Suggest {
		list[i].evidence[evidence] = true
	}
	return list
}

// candidates collects every target with its best signal.
func (e *Engine) candidates(c Character) []scored {
	var list []scored
	name := Ident(c.Name)
	guild, officer := ParseNote(c.Note), ParseNote(c.OfficerNote)

	for _, d := range e.in.Discord {
		t := e.targetOfDiscord(d)
		list = addScore(list, t, weights["name"]*e.nameScore(name, d), "name", name)
		for _, h := range [...]struct {
			names  []string
			source string
		}{
			{guild.Discord, "note_discord"}, {officer.Discord, "officer_discord"},
			{guild.Owner, "note_owner"}, {officer.Owner, "officer_owner"},
			{nonEmpty(guild.Key), "note_key"}, {nonEmpty(officer.Key), "officer_key"},
		} {
			for _, x := range h.names {
				s := e.nameScore(x, d)
				// "Shodooms shammy": a plural/possessive s left on the name.
				if s < 1 && len([]rune(x)) > 4 && strings.HasSuffix(x, "s") {
					s = max(s, 0.97*e.nameScore(strings.TrimSuffix(x, "s"), d))
				}
				list = addScore(list, t, weights[h.source]*s, h.source, x)
			}
		}
	}
	// Notes naming a character an existing player owns ("alt of Trogmoon"),
	// typos included ("alt of Trogmon").
	for _, x := range append(ownerNames(c), nonEmpty(guild.Key)...) {
		exact := e.exactKnown(x)
		for _, n := range e.linkedNames {
			w := typoWeight(x, n)
			if exact && w < 1 {
				continue
			}
			for _, pid := range e.in.Linked[n] {
				list = addScore(list, e.targetOfPlayer(pid), weights["owner_of_character"]*w, "owner_of_character", "char:"+n)
			}
		}
	}
	return list
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// decide turns the candidates into a decision: each further independent
// piece of evidence for one target adds 0.05 (capped at 1); then the
// thresholds.
func (e *Engine) decide(c Character, cands []scored) Decision {
	d := Decision{Character: c, Kind: KindNone}
	for i := range cands {
		if n := len(cands[i].evidence); n > 1 {
			cands[i].score = min(1, cands[i].score+0.05*float64(n-1))
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].target.key() < cands[j].target.key()
	})
	if len(cands) == 0 || cands[0].score < Suggest {
		return d
	}
	best := cands[0]
	if len(cands) > 1 {
		d.RunnerUp = cands[1].score
	}
	d.Target, d.Confidence, d.Source = best.target, round2(best.score), best.source
	if best.score >= AutoLink && best.score-d.RunnerUp >= Margin {
		d.Kind = KindLink
	} else {
		d.Kind = KindSuggestion
	}
	return d
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }
