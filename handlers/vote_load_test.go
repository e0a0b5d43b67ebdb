package handlers

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
	"patt/voting"
)

// TestVoteSubmissionLoad: many members vote at once through the real HTTP
// handler on a real listener. 500 members ballot from 32 goroutines; 100 of
// them also send a second ballot at the same moment. Afterwards there must
// be exactly 500 ballots and 1,500 vote rows (no lost or double-counted
// ballot), every duplicate answered 409, and the live tally equal to the
// tally of the ballots sent. Figures are logged (go test -v).
func TestVoteSubmissionLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load run")
	}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		const members, workers, dupes = 500, 32, 100
		app, s := testApp(t, db)
		base := browsertest.Serve(t, app)
		camp := voteCampaign(t, s, func(st *voting.Settings) { st.MinRankToVote = 2 }, true,
			"E01", "E02", "E03", "E04", "E05", "E06", "E07", "E08", "E09", "E10")

		var rank models.GuildRank
		require.NoError(t, db.Where("level = ?", 3).Take(&rank).Error)
		tokens := make([]string, members)
		for i := range members {
			email := fmt.Sprintf("load%03d@example.test", i)
			u := models.User{Email: &email, PasswordHash: "x", IsActive: true}
			require.NoError(t, db.Create(&u).Error)
			p := models.Player{DisplayName: fmt.Sprintf("Load%03d", i), WebsiteUserID: &u.ID, GuildRankID: &rank.ID,
				IsActive: true, Timezone: "UTC"}
			require.NoError(t, db.Create(&p).Error)
			tokens[i] = tokenFor(t, s, u)
		}
		ids := make([]int, len(camp.Entries))
		for i, e := range camp.Entries {
			ids[i] = e.ID
		}
		// member i ranks entries i, i+1, i+2 (mod 10): a known tally
		ballotOf := func(i int) []int { return []int{ids[i%10], ids[(i+3)%10], ids[(i+7)%10]} }
		body := func(i int) string {
			b := ballotOf(i)
			return fmt.Sprintf(`{"picks":[{"entry_id":%d,"rank":1},{"entry_id":%d,"rank":2},{"entry_id":%d,"rank":3}]}`, b[0], b[1], b[2])
		}
		type job struct{ member int }
		jobs := make(chan job, members+dupes)
		for i := range members {
			jobs <- job{i}
			if i < dupes {
				jobs <- job{i} // the same member again, racing the first
			}
		}
		close(jobs)

		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: 30 * time.Second}
		var mu sync.Mutex
		codes := map[int]int{}
		var lat []time.Duration
		var wg sync.WaitGroup
		start := time.Now()
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/campaigns/%d/vote", base, camp.ID), strings.NewReader(body(j.member)))
					req.Header.Set("Authorization", "Bearer "+tokens[j.member])
					req.Header.Set("Content-Type", "application/json")
					t0 := time.Now()
					resp, err := client.Do(req)
					d := time.Since(t0)
					code := -1
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						code = resp.StatusCode
					}
					mu.Lock()
					codes[code]++
					lat = append(lat, d)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)

		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		pct := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)] }
		report := fmt.Sprintf("%s: %d requests (%d ballots + %d racing duplicates) from %d goroutines in %v → %.0f req/s; latency p50 %v p95 %v p99 %v max %v; status codes %v",
			models.DialectOf(db), len(lat), members, dupes, workers, elapsed.Round(time.Millisecond),
			float64(len(lat))/elapsed.Seconds(), pct(0.5).Round(time.Millisecond), pct(0.95).Round(time.Millisecond),
			pct(0.99).Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond), codes)
		t.Log(report)
		if f := os.Getenv("PATT_LOAD_REPORT"); f != "" {
			fh, _ := os.OpenFile(f, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			fmt.Fprintln(fh, report)
			fh.Close()
		}

		assert.Equal(t, members, codes[200], "one success per member")
		assert.Equal(t, dupes, codes[409], "every racing duplicate is a 409")
		var nBallots, nVotes int64
		require.NoError(t, db.Model(&models.Ballot{}).Where("campaign_id = ?", camp.ID).Count(&nBallots).Error)
		require.NoError(t, db.Model(&models.Vote{}).Where("campaign_id = ?", camp.ID).Count(&nVotes).Error)
		assert.Equal(t, int64(members), nBallots)
		assert.Equal(t, int64(members*3), nVotes)

		entries := make([]voting.TallyEntry, len(camp.Entries))
		for i, e := range camp.Entries {
			entries[i] = voting.TallyEntry{ID: e.ID, Name: e.Name, SortOrder: e.SortOrder}
		}
		sent := make([]voting.BallotPicks, members)
		for i := range members {
			sent[i] = ballotOf(i)
		}
		want := voting.Count(voting.TypeRankedChoice, 3, entries, sent)
		got, err := voting.Standings(db, camp)
		require.NoError(t, err)
		assert.Equal(t, want.Standings, got.Standings)
	})
}
