package voting

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func entriesN(n int) []TallyEntry {
	es := make([]TallyEntry, n)
	for i := range es {
		es[i] = TallyEntry{ID: i + 1, Name: fmt.Sprintf("E%d", i+1), SortOrder: i}
	}
	return es
}

func byEntry(t Tally) map[int]Standing {
	m := map[int]Standing{}
	for _, s := range t.Standings {
		m[s.EntryID] = s
	}
	return m
}

func order(t Tally) []int {
	var ids []int
	for _, s := range t.Standings {
		ids = append(ids, s.EntryID)
	}
	return ids
}

// §10.1 scoring vectors. A ballot is its picks in rank order; S7's lone
// rank-4 pick is a ballot of 4 picks whose 4th is e1 (ranks are 1..N now,
// §12.8), worth 0 under 3/2/1.
func TestScoringVectors(t *testing.T) {
	es := entriesN(9)
	cases := []struct {
		name    string
		ballots []BallotPicks
		check   func(t *testing.T, m map[int]Standing)
	}{
		{"S1", []BallotPicks{{1}}, func(t *testing.T, m map[int]Standing) {
			assert.Equal(t, Standing{EntryID: 1, Name: "E1", Score: 3, Firsts: 1, Rank: 1}, m[1])
		}},
		{"S2", []BallotPicks{{9, 2}}, func(t *testing.T, m map[int]Standing) {
			assert.Equal(t, 2, m[2].Score)
			assert.Equal(t, 1, m[2].Seconds)
		}},
		{"S3", []BallotPicks{{8, 9, 3}}, func(t *testing.T, m map[int]Standing) {
			assert.Equal(t, 1, m[3].Score)
			assert.Equal(t, 1, m[3].Thirds)
		}},
		{"S4", []BallotPicks{{1, 2, 3}, {1, 3, 2}}, func(t *testing.T, m map[int]Standing) {
			assert.Equal(t, 6, m[1].Score)
			assert.Equal(t, 2, m[1].Firsts)
			for _, id := range []int{2, 3} {
				assert.Equal(t, 3, m[id].Score)
				assert.Equal(t, 1, m[id].Seconds)
				assert.Equal(t, 1, m[id].Thirds)
			}
		}},
		{"S6", []BallotPicks{{5, 3, 9}}, func(t *testing.T, m map[int]Standing) {
			assert.Equal(t, 3, m[5].Score)
			assert.Equal(t, 2, m[3].Score)
			assert.Equal(t, 1, m[9].Score)
		}},
		{"S7", []BallotPicks{{2, 3, 4, 1}}, func(t *testing.T, m map[int]Standing) {
			assert.Equal(t, 0, m[1].Score)
			assert.Equal(t, 0, m[1].Firsts+m[1].Seconds+m[1].Thirds)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, byEntry(Count(TypeRankedChoice, 4, es, tc.ballots)))
		})
	}
	t.Run("S5", func(t *testing.T) {
		assert.Empty(t, Count(TypeRankedChoice, 3, nil, nil).Standings)
		// with entries and no ballots everyone is present at zero, tied
		tl := Count(TypeRankedChoice, 3, entriesN(3), nil)
		require.Len(t, tl.Standings, 3)
		for _, s := range tl.Standings {
			assert.Equal(t, 1, s.Rank)
			assert.True(t, s.Tied)
		}
	})
}

// §10.2 ordering vectors, with decision 6's deterministic tie-breaks: R2
// was "any order"; now it is sort_order, and all three share rank 1.
func TestOrderingVectors(t *testing.T) {
	mk := func(id, score, firsts int) Standing {
		return Standing{EntryID: id, SortOrder: id, Score: score, Firsts: firsts}
	}
	cases := []struct {
		name  string
		in    []Standing
		order []int
		ranks []int
	}{
		{"R1", []Standing{mk(1, 6, 1), mk(2, 6, 2)}, []int{2, 1}, []int{1, 2}},
		{"R2", []Standing{mk(3, 3, 1), mk(1, 3, 1), mk(2, 3, 1)}, []int{1, 2, 3}, []int{1, 1, 1}},
		{"R3", []Standing{mk(3, 3, 0), mk(2, 6, 0), mk(1, 9, 3)}, []int{1, 2, 3}, []int{1, 2, 3}},
		{"R4", []Standing{mk(2, 0, 0), mk(1, 6, 2)}, []int{1, 2}, []int{1, 2}},
		{"R5", []Standing{mk(42, 15, 5)}, []int{42}, []int{1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			RankStandings(tc.in)
			var ids, ranks []int
			for _, s := range tc.in {
				ids, ranks = append(ids, s.EntryID), append(ranks, s.Rank)
			}
			assert.Equal(t, tc.order, ids)
			assert.Equal(t, tc.ranks, ranks)
		})
	}
	t.Run("seconds then thirds then sort_order break ties", func(t *testing.T) {
		ss := []Standing{
			{EntryID: 1, SortOrder: 0, Score: 5, Firsts: 1, Seconds: 0, Thirds: 2},
			{EntryID: 2, SortOrder: 1, Score: 5, Firsts: 1, Seconds: 1, Thirds: 0},
			{EntryID: 3, SortOrder: 5, Score: 4, Firsts: 1, Thirds: 1},
			{EntryID: 4, SortOrder: 2, Score: 4, Firsts: 1, Thirds: 1},
		}
		RankStandings(ss)
		assert.Equal(t, []int{2, 1, 4, 3}, []int{ss[0].EntryID, ss[1].EntryID, ss[2].EntryID, ss[3].EntryID})
		assert.Equal(t, []int{1, 2, 3, 3}, []int{ss[0].Rank, ss[1].Rank, ss[2].Rank, ss[3].Rank})
	})
}

// Borda by hand: 4 entries, 3 picks → 3/2/1.
//
//	A>B>C, B>A>D, C>B>A, D>C>B
//	A = 3+2+1 = 6; B = 2+3+2+1 = 8; C = 1+3+2 = 6; D = 1+3 = 4
//
// A and C tie on 6 with one first each; A has 1 second and C 1 second, A
// has 1 third and C 1 third → genuine tie, shared rank 2, A listed first
// (lower sort_order).
func TestBordaByHand(t *testing.T) {
	es := entriesN(4) // 1=A 2=B 3=C 4=D
	tl := Count(TypeBorda, 3, es, []BallotPicks{{1, 2, 3}, {2, 1, 4}, {3, 2, 1}, {4, 3, 2}})
	assert.Equal(t, []int{2, 1, 3, 4}, order(tl))
	m := byEntry(tl)
	assert.Equal(t, 8, m[2].Score)
	assert.Equal(t, 6, m[1].Score)
	assert.Equal(t, 6, m[3].Score)
	assert.Equal(t, 4, m[4].Score)
	assert.Equal(t, 2, m[1].Rank)
	assert.Equal(t, 2, m[3].Rank)
	assert.True(t, m[1].Tied && m[3].Tied)
	assert.Equal(t, 4, m[4].Rank)

	// Borda with 5 picks: 5..1
	assert.Equal(t, []int{5, 4, 3, 2, 1, 0}, []int{Points(TypeBorda, 5, 1), Points(TypeBorda, 5, 2),
		Points(TypeBorda, 5, 3), Points(TypeBorda, 5, 4), Points(TypeBorda, 5, 5), Points(TypeBorda, 5, 6)})
}

func TestApproval(t *testing.T) {
	tl := Count(TypeApproval, 2, entriesN(3), []BallotPicks{{1, 2}, {2, 3}, {3, 2}})
	m := byEntry(tl)
	assert.Equal(t, 3, m[2].Score)
	assert.Equal(t, 2, m[3].Score)
	assert.Equal(t, 1, m[1].Score)
	assert.Equal(t, []int{2, 3, 1}, order(tl))
}

// IRV by hand: 5 ballots, entries A B C D (ids 1..4), 3 picks.
//
//	A>B>C, A>C>B, B>C>A, C>B>A, D>B>C
//	Round 1: A2 B1 C1 D1, in play 5, no majority (needs 3). Lowest: B, C,
//	D on 1 vote; first preferences tie (1 each), 3/2/1 points B=2+3+2+2=9,
//	C=1+2+3+1... compute: B: 2 (A>B) +1 (A>C>B) +3 +2 +2 = 10; C: 1+2+2+3+1 = 9;
//	D: 3. D has fewest points → D out.
//	Round 2: D's ballot → B. A2 B2 C1 → C out (fewest).
//	Round 3: C>B>A → B; A>C>B stays A. A2 B3 → B wins with 3 of 5.
func TestIRVByHand(t *testing.T) {
	tl := Count(TypeIRV, 3, entriesN(4), []BallotPicks{{1, 2, 3}, {1, 3, 2}, {2, 3, 1}, {3, 2, 1}, {4, 2, 3}})
	require.Len(t, tl.Rounds, 3)
	assert.Equal(t, 4, tl.Rounds[0].Eliminated)
	assert.Equal(t, 3, tl.Rounds[1].Eliminated)
	assert.Equal(t, 2, tl.Rounds[2].Winner)
	assert.Equal(t, []int{2, 1, 3, 4}, order(tl))
	assert.Equal(t, 3, tl.Standings[0].Score)
	assert.Equal(t, 1, tl.Standings[0].Rank)
	assert.Equal(t, 2, byEntry(tl)[3].EliminatedIn)

	// A full tie on everything: the entry lower in the list goes first.
	tie := Count(TypeIRV, 1, entriesN(2), []BallotPicks{{1}, {2}})
	require.Len(t, tie.Rounds, 2)
	assert.Equal(t, 2, tie.Rounds[0].Eliminated)
	assert.Equal(t, 1, tie.Standings[0].EntryID)

	// Exhausted ballots drop out: B>x (x eliminated) leaves 2 in play.
	ex := Count(TypeIRV, 1, entriesN(3), []BallotPicks{{1}, {1}, {2}, {3}, {3}})
	// round 1: A2 B1 C2 of 5 → B out; round 2: A2 C2, B's ballot exhausted,
	// in play 4 → no majority → C out (same votes/firsts/points, lower in list)
	require.Len(t, ex.Rounds, 3)
	assert.Equal(t, 1, ex.Rounds[1].Exhausted)
	assert.Equal(t, 1, ex.Rounds[2].Winner)
}

func randomBallots(n, entries, picks int) []BallotPicks {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]BallotPicks, n)
	for i := range out {
		perm := r.Perm(entries)
		b := make(BallotPicks, picks)
		for j := range b {
			b[j] = perm[j] + 1
		}
		out[i] = b
	}
	return out
}

func BenchmarkTally(b *testing.B) {
	es := entriesN(20)
	ballots := randomBallots(10000, 20, 5)
	for _, kind := range []string{TypeRankedChoice, TypeBorda, TypeApproval, TypeIRV} {
		b.Run(kind, func(b *testing.B) {
			for b.Loop() {
				Count(kind, 5, es, ballots)
			}
		})
	}
}
