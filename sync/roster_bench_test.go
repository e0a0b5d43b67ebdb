package sync_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"patt/dbtest"
	"patt/models"
	guildsync "patt/sync"
	"patt/sync/blizzard"
	"patt/sync/fakeblizzard"
)

// BenchmarkRosterSync1000 syncs a 1,000-character guild from the fake with
// 50 ms latency per request under the default rate limit (100 requests/s),
// from an empty database. The floor is requests ÷ rate = 1,001 ÷ 100 ≈ 10 s.
// Reported: wall seconds per sync, requests, and the heap high-water mark
// sampled during the run.
func BenchmarkRosterSync1000(b *testing.B) {
	fake := fakeblizzard.New("cid", "csecret")
	defer fake.Close()
	fake.AddGuild(fakeblizzard.Generate(1000, 42))
	fake.SetLatency(50 * time.Millisecond)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, _ := dbtest.Migrated(b, models.SQLite)
		api, err := blizzard.New(blizzard.Config{ClientID: "cid", ClientSecret: "csecret", APIURL: fake.URL, TokenURL: fake.TokenURL()})
		if err != nil {
			b.Fatal(err)
		}
		rs := &guildsync.RosterSync{DB: db, API: api, RealmSlug: "senjin", GuildSlug: "pull-all-the-things",
			Clock: func() time.Time { return time.Now().UTC() }}
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		peak := base.HeapAlloc
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapAlloc)
				}
			}
		}()
		b.StartTimer()
		start := time.Now()
		st, err := rs.Run(context.Background())
		wall := time.Since(start)
		b.StopTimer()
		close(stop)
		<-done
		if err != nil || st.New != 1000 {
			b.Fatalf("sync: %v (%+v)", err, st)
		}
		reqs := api.Requests.Load()
		b.ReportMetric(wall.Seconds(), "wall-s/sync")
		b.ReportMetric(float64(reqs), "requests")
		b.ReportMetric(float64(reqs)/100, "floor-s")
		b.ReportMetric(float64(peak-base.HeapAlloc)/(1<<20), "peak-heap-MiB")
	}
}
