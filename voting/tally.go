package voting

import (
	"sort"
)

// TallyEntry is what the count needs to know about an entry.
type TallyEntry struct {
	ID        int
	Name      string
	SortOrder int
}

// BallotPicks is one ballot: entry ids in rank order (index 0 is rank 1).
type BallotPicks []int

// Standing is one entry's line in a tally, in display order.
type Standing struct {
	EntryID   int
	Name      string
	SortOrder int
	Firsts    int
	Seconds   int
	Thirds    int
	Score     int // points; for irv, votes in the last round the entry was counted
	Rank      int // shared by entries tied on score, firsts, seconds and thirds
	Tied      bool
	// EliminatedIn is the irv round that eliminated the entry (0: never).
	EliminatedIn int
}

// RoundCount is an entry's votes in one instant-runoff round.
type RoundCount struct {
	EntryID int    `json:"entry_id"`
	Name    string `json:"name"`
	Votes   int    `json:"votes"`
}

// Round is one instant-runoff round.
type Round struct {
	Number     int          `json:"round"`
	Counts     []RoundCount `json:"counts"`
	Exhausted  int          `json:"exhausted"`
	Eliminated int          `json:"eliminated,omitempty"` // entry id
	Winner     int          `json:"winner,omitempty"`     // entry id
}

// Tally is the count of a campaign's ballots.
type Tally struct {
	Type      string
	Ballots   int
	Standings []Standing
	Rounds    []Round // irv only
}

// Points is what a pick at rank (1-based) is worth for a campaign type with
// picks picks per ballot. ranked_choice keeps the original 3/2/1 and gives
// later picks nothing (an explicit table, §12.8); borda gives N..1;
// approval 1 per pick. irv has no points: ranked_choice's table is used
// only to break elimination ties.
func Points(kind string, picks, rank int) int {
	if rank < 1 {
		return 0
	}
	switch kind {
	case TypeBorda:
		if rank > picks {
			return 0
		}
		return picks - rank + 1
	case TypeApproval:
		return 1
	default:
		if rank <= 3 {
			return 4 - rank
		}
		return 0
	}
}

// Count tallies ballots for a campaign type. Every entry appears in the
// result, zero-vote entries included, in a deterministic order (decision 6).
func Count(kind string, picks int, entries []TallyEntry, ballots []BallotPicks) Tally {
	if kind == TypeIRV {
		return countIRV(picks, entries, ballots)
	}
	if !ValidType(kind) {
		kind = TypeRankedChoice
	}
	t := Tally{Type: kind, Ballots: len(ballots)}
	idx := make(map[int]int, len(entries))
	t.Standings = make([]Standing, len(entries))
	for i, e := range entries {
		idx[e.ID] = i
		t.Standings[i] = Standing{EntryID: e.ID, Name: e.Name, SortOrder: e.SortOrder}
	}
	for _, b := range ballots {
		for i, id := range b {
			j, ok := idx[id]
			if !ok {
				continue
			}
			s := &t.Standings[j]
			s.Score += Points(kind, picks, i+1)
			switch i {
			case 0:
				s.Firsts++
			case 1:
				s.Seconds++
			case 2:
				s.Thirds++
			}
		}
	}
	RankStandings(t.Standings)
	return t
}

// RankStandings sorts by score, firsts, seconds, thirds (all descending),
// then sort_order and id (ascending), and gives entries equal on the four
// counts the same rank (1, 1, 3): the list order is fixed, the tie is shown.
func RankStandings(ss []Standing) {
	sort.SliceStable(ss, func(i, j int) bool {
		a, b := ss[i], ss[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Firsts != b.Firsts {
			return a.Firsts > b.Firsts
		}
		if a.Seconds != b.Seconds {
			return a.Seconds > b.Seconds
		}
		if a.Thirds != b.Thirds {
			return a.Thirds > b.Thirds
		}
		if a.SortOrder != b.SortOrder {
			return a.SortOrder < b.SortOrder
		}
		return a.EntryID < b.EntryID
	})
	for i := range ss {
		ss[i].Rank = i + 1
		ss[i].Tied = false
		if i > 0 && sameCounts(ss[i-1], ss[i]) {
			ss[i].Rank = ss[i-1].Rank
			ss[i].Tied = true
			ss[i-1].Tied = true
		}
	}
}

func sameCounts(a, b Standing) bool {
	return a.Score == b.Score && a.Firsts == b.Firsts && a.Seconds == b.Seconds && a.Thirds == b.Thirds
}

// countIRV runs an instant runoff (§13): count each ballot for its highest
// surviving pick; an entry with more than half of the ballots still in play
// wins; otherwise the entry with the fewest votes is eliminated and its
// ballots move on; exhausted ballots drop out. Elimination ties go to fewer
// first preferences, then fewer 3/2/1 points, then the entry lower in the
// list (higher sort_order, then higher id) — the mirror of the display
// tie-break, so a tie never depends on load order.
func countIRV(picks int, entries []TallyEntry, ballots []BallotPicks) Tally {
	base := Count(TypeRankedChoice, picks, entries, ballots)
	t := Tally{Type: TypeIRV, Ballots: len(ballots)}
	byID := map[int]Standing{}
	for _, s := range base.Standings {
		s.Score = 0
		byID[s.EntryID] = s
	}
	points := map[int]int{}
	for _, s := range base.Standings {
		points[s.EntryID] = s.Score
	}
	if len(ballots) == 0 || len(entries) == 0 {
		ss := base.Standings
		for i := range ss {
			ss[i].Score = 0
		}
		RankStandings(ss)
		t.Standings = ss
		return t
	}

	alive := map[int]bool{}
	for _, e := range entries {
		alive[e.ID] = true
	}
	var eliminated []int // in elimination order
	lastVotes := map[int]int{}
	winner := 0
	for round := 1; ; round++ {
		votes := map[int]int{}
		exhausted := 0
		for _, b := range ballots {
			counted := false
			for _, id := range b {
				if alive[id] {
					votes[id]++
					counted = true
					break
				}
			}
			if !counted {
				exhausted++
			}
		}
		inPlay := len(ballots) - exhausted
		r := Round{Number: round, Exhausted: exhausted}
		var aliveIDs []int
		for _, e := range entries {
			if alive[e.ID] {
				aliveIDs = append(aliveIDs, e.ID)
				lastVotes[e.ID] = votes[e.ID]
			}
		}
		// weaker sorts first: the elimination order.
		weaker := func(a, b int) bool {
			if votes[a] != votes[b] {
				return votes[a] < votes[b]
			}
			sa, sb := byID[a], byID[b]
			if sa.Firsts != sb.Firsts {
				return sa.Firsts < sb.Firsts
			}
			if points[a] != points[b] {
				return points[a] < points[b]
			}
			if sa.SortOrder != sb.SortOrder {
				return sa.SortOrder > sb.SortOrder
			}
			return a > b
		}
		sort.SliceStable(aliveIDs, func(i, j int) bool { return weaker(aliveIDs[j], aliveIDs[i]) })
		for _, id := range aliveIDs {
			r.Counts = append(r.Counts, RoundCount{EntryID: id, Name: byID[id].Name, Votes: votes[id]})
		}
		top := aliveIDs[0]
		if len(aliveIDs) == 1 || (inPlay > 0 && votes[top]*2 > inPlay) || inPlay == 0 {
			winner = top
			r.Winner = top
			t.Rounds = append(t.Rounds, r)
			// survivors in final-round order, then the eliminated, last out first
			order := append([]int{}, aliveIDs...)
			for i := len(eliminated) - 1; i >= 0; i-- {
				order = append(order, eliminated[i])
			}
			for i, id := range order {
				s := byID[id]
				s.Score = lastVotes[id]
				s.Rank = i + 1
				t.Standings = append(t.Standings, s)
			}
			_ = winner
			return t
		}
		out := aliveIDs[len(aliveIDs)-1]
		r.Eliminated = out
		alive[out] = false
		eliminated = append(eliminated, out)
		s := byID[out]
		s.EliminatedIn = round
		byID[out] = s
		t.Rounds = append(t.Rounds, r)
	}
}
