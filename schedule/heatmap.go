package schedule

import (
	"sort"
	"strconv"
	"time"

	"patt/models"
)

// SlotsPerDay is the number of 30-minute slots in an ordinary day of the
// heat map; a spring-forward day has fewer, a fall-back day more.
const SlotsPerDay = 48

// SlotLength is one heat-map slot.
const SlotLength = 30 * time.Minute

// SlotPlayer is a player free for a whole slot, as a tooltip names them.
type SlotPlayer struct {
	Name   string
	Role   string // "" without a main spec
	Weight int
}

// Slot is one 30-minute cell of the heat map: the active players whose
// window covers it wholly, their count and their summed rank weight.
type Slot struct {
	Start  time.Time // in the map's zone
	Label  string    // "21:00", the wall clock at Start
	Abbrev string    // "EST", the zone's abbreviation at Start
	// Repeat marks the second reading of a wall-clock time on a fall-back
	// day (01:00 EDT, then 01:00 EST).
	Repeat bool
	// Row orders the slots of different days in one table: minutes past
	// midnight on the wall clock ×100; a repeated reading sorts just before
	// the first reading that follows it in real time.
	Row     int
	Weight  int
	Count   int
	Players []SlotPlayer
}

// HeatMap is a week of slots in one zone: Days[d] holds the real half hours
// of weekday d (0 = Monday) in order — 48 on an ordinary day, 46 on a
// spring-forward day (02:00 and 02:30 do not exist), 50 on a fall-back day.
type HeatMap struct {
	Zone      string
	Monday    models.Date
	Days      [7][]Slot
	MaxWeight int
	MaxCount  int
}

// Abbrevs are the zone abbreviations in force during the week, in order of
// appearance ("EST", or "EST", "EDT" in a spring-forward week).
func (hm *HeatMap) Abbrevs() []string {
	var out []string
	seen := map[string]bool{}
	for d := range hm.Days {
		for _, s := range hm.Days[d] {
			if !seen[s.Abbrev] {
				seen[s.Abbrev] = true
				out = append(out, s.Abbrev)
			}
		}
	}
	return out
}

// daySlots are the real half hours of day in zone: from the instant the day
// starts (local midnight, or the end of a gap that swallows it) to the
// instant the next day starts, 30 elapsed minutes apart. A spring-forward
// hour has no slots and a fall-back hour has two, each with its own
// abbreviation; the clock readings stay on :00 and :30 because zones move
// their clocks by multiples of 30 minutes.
func daySlots(day models.Date, zone *time.Location) []Slot {
	from := WallClock(day, models.TimeOfDay{}, zone)
	to := WallClock(day.AddDays(1), models.TimeOfDay{}, zone)
	out := make([]Slot, 0, SlotsPerDay+2)
	seen := map[string]bool{}
	for at := from; at.Before(to); at = at.Add(SlotLength) {
		local := at.In(zone)
		label := local.Format("15:04")
		abbrev, _ := local.Zone()
		s := Slot{Start: local, Label: label, Abbrev: abbrev, Row: rowScale * (local.Hour()*60 + local.Minute()), Repeat: seen[label]}
		seen[label] = true
		out = append(out, s)
	}
	// A repeated reading sorts after every first reading of the hour that
	// repeats and before the next reading that is not repeated.
	next := rowScale * 24 * 60
	for i := len(out) - 1; i >= 0; i-- {
		if !out[i].Repeat {
			next = out[i].Row
			continue
		}
		next--
		out[i].Row = next
	}
	return out
}

// rowScale spaces the rows of first readings so repeated ones fit between.
const rowScale = 100

// weekSlots lays out the real half hours of the week in zone.
func weekSlots(monday models.Date, zone *time.Location) *HeatMap {
	hm := &HeatMap{Zone: zone.String(), Monday: monday}
	for d := 0; d < 7; d++ {
		hm.Days[d] = daySlots(monday.AddDays(d), zone)
	}
	return hm
}

// BuildHeatMap lays the active players' windows over the week containing
// now, in zone (the guild's or the viewer's).
func BuildHeatMap(players []*RosterPlayer, zone *time.Location, now time.Time) *HeatMap {
	return BuildHeatMapWeek(players, zone, WeekStart(now, zone))
}

// BuildHeatMapWeek lays the active players' windows over the week whose
// Monday is monday, in zone. A slot counts a player only when one window
// covers all 30 minutes of it (spec §12).
func BuildHeatMapWeek(players []*RosterPlayer, zone *time.Location, monday models.Date) *HeatMap {
	hm := weekSlots(monday, zone)
	flat := make([]*Slot, 0, 7*SlotsPerDay+4)
	for d := 0; d < 7; d++ {
		for k := range hm.Days[d] {
			flat = append(flat, &hm.Days[d][k])
		}
	}
	// The slots are real half hours, so their starts strictly increase and
	// each window finds its first slot by binary search.
	for _, p := range players {
		if !p.Active {
			continue
		}
		marked := map[*Slot]bool{}
		for _, w := range p.Windows {
			for _, iv := range w.around(monday, p.Zone()) {
				i := sort.Search(len(flat), func(i int) bool { return !flat[i].Start.Before(iv.Start) })
				for ; i < len(flat) && !flat[i].Start.Add(SlotLength).After(iv.End); i++ {
					s := flat[i]
					if marked[s] {
						continue
					}
					marked[s] = true
					s.Weight += p.Weight
					s.Count++
					s.Players = append(s.Players, SlotPlayer{Name: p.DisplayName, Role: p.MainRole, Weight: p.Weight})
				}
			}
		}
	}
	for _, s := range flat {
		if s.Weight > hm.MaxWeight {
			hm.MaxWeight = s.Weight
		}
		if s.Count > hm.MaxCount {
			hm.MaxCount = s.Count
		}
		sortByWeightThenName(s.Players, func(p SlotPlayer) int { return p.Weight }, func(p SlotPlayer) string { return p.Name })
	}
	return hm
}

// RaidStart is a suggested raid start: the active players whose window
// holds the whole raid, their summed weight, and the roles still short of
// the raid targets (2 tanks, 4 healers, 6 melee, 6 ranged).
type RaidStart struct {
	Start        time.Time // in the zone asked for
	DayOfWeek    int
	Score        int
	Count        int
	Roles        map[string]int
	Missing      map[string]int
	RoleCoverage int // Σ min(count, target) over the four roles
	Players      []SlotPlayer
}

// MissingText lists the roles still short, "2 Tank, 1 Healer", or "".
func (r RaidStart) MissingText() string {
	out := ""
	for _, role := range models.SeedRoles {
		if n := r.Missing[role.Name]; n > 0 {
			if out != "" {
				out += ", "
			}
			out += strconv.Itoa(n) + " " + role.Name
		}
	}
	return out
}

// BestRaidStarts slides a raid of the given length over every 30-minute
// start of the week containing now, in zone, and returns the best n: by
// summed weight of the players whose window holds the whole raid, then role
// coverage against the targets, then head count, then the earlier start
// (spec §12). Starts nobody can make are never suggested.
func BestRaidStarts(players []*RosterPlayer, zone *time.Location, now time.Time, length time.Duration, n int) []RaidStart {
	return BestRaidStartsWeek(players, zone, WeekStart(now, zone), length, n)
}

// BestRaidStartsWeek is BestRaidStarts over the week whose Monday is monday.
func BestRaidStartsWeek(players []*RosterPlayer, zone *time.Location, monday models.Date, length time.Duration, n int) []RaidStart {
	hm := weekSlots(monday, zone)
	type placed struct {
		p   *RosterPlayer
		ivs []Interval
	}
	var all []placed
	for _, p := range players {
		if !p.Active || len(p.Windows) == 0 {
			continue
		}
		pl := placed{p: p}
		for _, w := range p.Windows {
			a := w.around(monday, p.Zone())
			pl.ivs = append(pl.ivs, a[:]...)
		}
		all = append(all, pl)
	}
	targets := map[string]int{}
	for _, r := range models.SeedRoles {
		targets[r.Name] = r.RaidTarget
	}
	var cands []RaidStart
	for d := 0; d < 7; d++ {
		for k := range hm.Days[d] {
			start := hm.Days[d][k].Start
			raid := Interval{Start: start, End: start.Add(length)}
			c := RaidStart{Start: start, DayOfWeek: d, Roles: map[string]int{}, Missing: map[string]int{}}
			for _, pl := range all {
				for _, iv := range pl.ivs {
					if iv.Contains(raid) {
						c.Score += pl.p.Weight
						c.Count++
						if pl.p.MainRole != "" {
							c.Roles[pl.p.MainRole]++
						}
						c.Players = append(c.Players, SlotPlayer{Name: pl.p.DisplayName, Role: pl.p.MainRole, Weight: pl.p.Weight})
						break
					}
				}
			}
			if c.Count == 0 {
				continue
			}
			for role, want := range targets {
				have := c.Roles[role]
				c.RoleCoverage += min(have, want)
				if have < want {
					c.Missing[role] = want - have
				}
			}
			cands = append(cands, c)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.RoleCoverage != b.RoleCoverage {
			return a.RoleCoverage > b.RoleCoverage
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Start.Before(b.Start)
	})
	if len(cands) > n {
		cands = cands[:n]
	}
	for i := range cands {
		sortByWeightThenName(cands[i].Players, func(p SlotPlayer) int { return p.Weight }, func(p SlotPlayer) string { return p.Name })
	}
	return cands
}
