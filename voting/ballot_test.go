package voting

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"patt/fault"
)

func TestParseBallotJSON(t *testing.T) {
	picks, err := ParseBallotJSON([]byte(`{"picks":[{"entry_id":4,"rank":1},{"entry_id":7,"rank":2}]}`))
	require.NoError(t, err)
	assert.Equal(t, []Pick{{EntryID: 4, Rank: 1}, {EntryID: 7, Rank: 2}}, picks)
	for _, bad := range []string{``, `[]`, `{}`, `{"picks":null}`, `{"picks":[1]}`, `{"picks":[{"entry_id":1}]}`,
		`{"picks":[{"entry_id":"1","rank":1}]}`, `{"picks":[{"entry_id":1.5,"rank":1}]}`, `{"picks":[null]}`,
		`{"picks":[{"entry_id":99999999999,"rank":1}]}`} {
		_, err := ParseBallotJSON([]byte(bad))
		assert.Equal(t, fault.KindMalformed, fault.KindOf(err), bad)
	}
}

func TestParseBallotForm(t *testing.T) {
	picks, err := ParseBallotForm(map[string][]string{"rank_5": {"2"}, "rank_3": {"1"}, "rank_9": {""}, "_csrf": {"x"}})
	require.NoError(t, err)
	assert.Equal(t, []Pick{{EntryID: 3, Rank: 1}, {EntryID: 5, Rank: 2}}, picks)
	_, err = ParseBallotForm(map[string][]string{"rank_x": {"1"}})
	assert.Equal(t, fault.KindMalformed, fault.KindOf(err))
}

// FuzzParseBallot: any body either parses into picks or is a clean
// fault.KindMalformed error, and CheckPicks never lets through a ballot that is
// not exactly ranks 1..N over distinct campaign entries.
func FuzzParseBallot(f *testing.F) {
	for _, seed := range []string{
		`{"picks":[{"entry_id":1,"rank":1},{"entry_id":2,"rank":2},{"entry_id":3,"rank":3}]}`,
		`{"picks":[{"entry_id":1,"rank":7},{"entry_id":2,"rank":8},{"entry_id":3,"rank":9}]}`,
		`{"picks":[{"entry_id":1,"rank":1},{"entry_id":1,"rank":2},{"entry_id":3,"rank":3}]}`,
		`{"picks":[{"entry_id":1,"rank":0},{"entry_id":2,"rank":-1},{"entry_id":3,"rank":3}]}`,
		`{"picks":[{"entry_id":1e3,"rank":1}]}`,
		`{"picks":[]}`, `{"picks":{}}`, `null`, `{"picks":[{}]}`, `{"picks":[{"rank":1}]}`,
	} {
		f.Add([]byte(seed))
	}
	entries := map[int]bool{1: true, 2: true, 3: true, 4: true}
	f.Fuzz(func(t *testing.T, body []byte) {
		picks, err := ParseBallotJSON(body)
		if err != nil {
			if fault.KindOf(err) != fault.KindMalformed {
				t.Fatalf("error of kind %d: %v", fault.KindOf(err), err)
			}
			return
		}
		if err := CheckPicks(picks, 3, 1, entries); err != nil {
			if fault.KindOf(err) != fault.KindMalformed {
				t.Fatalf("check error of kind %d: %v", fault.KindOf(err), err)
			}
			return
		}
		if len(picks) != 3 {
			t.Fatalf("accepted %d picks", len(picks))
		}
		ranks, ids := map[int]bool{}, map[int]bool{}
		for _, p := range picks {
			if p.Rank < 1 || p.Rank > 3 || ranks[p.Rank] || ids[p.EntryID] || !entries[p.EntryID] {
				t.Fatalf("accepted a bad ballot: %+v", picks)
			}
			ranks[p.Rank], ids[p.EntryID] = true, true
		}
	})
}
