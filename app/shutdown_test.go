package app_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app"
	"patt/auth"
	"patt/config"
	"patt/dbtest"
	"patt/logtest"
	"patt/models"
	"patt/voting"
)

// outcome is what one request got.
type outcome struct {
	afterShutdown bool // started after the shutdown began
	status        int  // 0: no response
	connClose     bool // the response said Connection: close
	reused        bool // sent on a kept-alive connection
	err           error
}

// 32 keep-alive clients post ballots back to back while the app shuts down.
// Every request started before the shutdown began is answered; a request
// started after it is either answered (then with Connection: close) or its
// new connection is refused, because the listener is gone. No request ends
// in any other transport error ("server closed idle connection", reset,
// EOF). Run returns nil and logs "stopped". Figures are logged (go test -v).
func TestShutdownDrainsKeepAliveClients(t *testing.T) {
	if testing.Short() {
		t.Skip("load run")
	}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		const clients, membersEach = 32, 4
		addr := freeAddr(t)
		env := map[string]string{"PATT_ADDR": addr, "PATT_DATA_DIR": t.TempDir(),
			"PATT_JWT_SECRET": "0123456789abcdef0123456789abcdef-test"}
		cfg, err := config.Load(func(k string) string { return env[k] })
		require.NoError(t, err)
		logs := &logtest.Buffer{}
		a, err := app.Assemble(cfg, db, slog.New(slog.NewTextHandler(logs, nil)), "test")
		require.NoError(t, err)

		now := time.Now().UTC()
		st := voting.DefaultSettings(now)
		st.Title, st.StartAt, st.MinRankToVote, st.EarlyCloseIfAllVoted = "Drain vote", now.Add(-time.Minute), 1, false
		camp, err := voting.Create(db, now, st, nil)
		require.NoError(t, err)
		var picks []string
		for i, n := range []string{"A", "B", "C"} {
			e, err := voting.AddEntry(db, camp.ID, voting.EntryPatch{Name: &n, SortOrder: &i})
			require.NoError(t, err)
			picks = append(picks, fmt.Sprintf(`{"entry_id":%d,"rank":%d}`, e.ID, i+1))
		}
		_, err = voting.Activate(db, now, camp.ID)
		require.NoError(t, err)
		ballot := `{"picks":[` + strings.Join(picks, ",") + `]}`

		var rank models.GuildRank
		require.NoError(t, db.Where("level = ?", 3).Take(&rank).Error)
		tokens := make([][]string, clients) // each client votes as its own members, then repeats (409)
		for c := range clients {
			for m := range membersEach {
				email := fmt.Sprintf("drain%02d-%d@example.test", c, m)
				u := models.User{Email: &email, PasswordHash: "x", IsActive: true}
				require.NoError(t, db.Create(&u).Error)
				p := models.Player{DisplayName: fmt.Sprintf("Drain%02d%d", c, m), WebsiteUserID: &u.ID, GuildRankID: &rank.ID, IsActive: true, Timezone: "UTC"}
				require.NoError(t, db.Create(&p).Error)
				sid, err := auth.StartSession(db, u.ID, auth.Device{UserAgent: "drain"}, now, cfg.SessionTTL)
				require.NoError(t, err)
				tok, err := auth.IssueToken(cfg.JWTSecret, auth.Claims{UserID: u.ID, SessionID: sid}, now, cfg.SessionTTL)
				require.NoError(t, err)
				tokens[c] = append(tokens[c], tok)
			}
		}

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		base := "http://" + addr
		require.Eventually(t, func() bool {
			res, err := http.Get(base + "/healthz")
			if err != nil {
				return false
			}
			res.Body.Close()
			return res.StatusCode == http.StatusOK
		}, 10*time.Second, 20*time.Millisecond)

		var shuttingDown atomic.Bool
		answered := make([]atomic.Int64, clients)
		results := make([][]outcome, clients)
		var wg sync.WaitGroup
		url := fmt.Sprintf("%s/api/v1/campaigns/%d/vote", base, camp.ID)
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// One connection per client, kept alive between requests.
				client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1}}
				defer client.CloseIdleConnections()
				deadline := time.Now().Add(2 * time.Minute)
				for i := 0; time.Now().Before(deadline); i++ {
					o := outcome{afterShutdown: shuttingDown.Load()}
					trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { o.reused = info.Reused }}
					req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace),
						http.MethodPost, url, strings.NewReader(ballot))
					if err != nil {
						panic(err)
					}
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+tokens[c][i%membersEach])
					res, err := client.Do(req)
					if err == nil {
						_, err = io.Copy(io.Discard, res.Body)
						res.Body.Close()
						o.status, o.connClose = res.StatusCode, res.Close
						answered[c].Add(1)
					}
					o.err = err
					results[c] = append(results[c], o)
					if err != nil {
						return // refused (the end) or a failure the test reports
					}
				}
			}()
		}

		// Shut down once every client is in its keep-alive loop.
		require.Eventually(t, func() bool {
			for c := range clients {
				if answered[c].Load() < 3 {
					return false
				}
			}
			return true
		}, 60*time.Second, 5*time.Millisecond)
		shuttingDown.Store(true)
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err, "Run after shutdown")
		case <-time.After(app.ShutdownTimeout + 5*time.Second):
			t.Fatal("Run did not return")
		}
		wg.Wait()
		require.Contains(t, logs.String(), "stopped")

		var before, after, afterAnswered, afterClose, refused, reused, closed int
		statuses := map[int]int{}
		var failures []string
		for c, rs := range results {
			for i, o := range rs {
				if o.afterShutdown {
					after++
				} else {
					before++
				}
				if o.reused {
					reused++
				}
				switch {
				case o.err == nil:
					statuses[o.status]++
					if o.afterShutdown {
						afterAnswered++
						if o.connClose {
							afterClose++
						}
					}
				case o.afterShutdown && errors.Is(o.err, syscall.ECONNREFUSED):
					refused++
				default:
					failures = append(failures, fmt.Sprintf("client %d request %d (after shutdown began: %v, reused conn: %v): %v", c, i, o.afterShutdown, o.reused, o.err))
				}
			}
			last := rs[len(rs)-1]
			require.Truef(t, last.err != nil, "client %d never saw the server go", c)
			// The drain told every client, with an answer, that its
			// connection ends; none learnt it from a closed socket.
			if len(rs) >= 2 {
				require.Truef(t, rs[len(rs)-2].err == nil && rs[len(rs)-2].connClose,
					"client %d: the answer before its refused reconnect says Connection: close", c)
			}
			for _, o := range rs {
				if o.err == nil && o.connClose {
					closed++
				}
			}
		}
		t.Logf("%d requests started before the shutdown, %d after (%d answered, %d of them with Connection: close; %d refused); "+
			"%d answers said Connection: close; %d requests on kept-alive connections; statuses %v",
			before, after, afterAnswered, afterClose, refused, closed, reused, statuses)
		require.Empty(t, failures, "transport errors other than a refused new connection")
		require.Equal(t, clients, refused, "each client ends with a refused new connection")
		require.Greater(t, reused, before/2, "the clients kept their connections alive")
		for code := range statuses {
			require.Contains(t, []int{http.StatusOK, http.StatusConflict}, code, "statuses %v", statuses)
		}
	})
}

// A request still running at the drain deadline is cut: its connection is
// closed (the client sees it end, it does not hang until the process dies),
// the cut is logged, and Run still returns nil with "stopped" logged. The
// request is held by a lock on the ballots table taken by another session.
func TestShutdownCutsARequestStillRunningAtTheDeadline(t *testing.T) {
	dbtest.EachDSN(t, func(t *testing.T, db *gorm.DB, dsn string) {
		addr := freeAddr(t)
		env := map[string]string{"PATT_ADDR": addr, "PATT_DATA_DIR": t.TempDir(),
			"PATT_JWT_SECRET": "0123456789abcdef0123456789abcdef-test"}
		cfg, err := config.Load(func(k string) string { return env[k] })
		require.NoError(t, err)
		logs := &logtest.Buffer{}
		a, err := app.Assemble(cfg, db, slog.New(slog.NewTextHandler(logs, nil)), "test")
		require.NoError(t, err)
		a.DrainTimeout = 500 * time.Millisecond

		now := time.Now().UTC()
		st := voting.DefaultSettings(now)
		st.Title, st.StartAt, st.MinRankToVote = "Held vote", now.Add(-time.Minute), 1
		camp, err := voting.Create(db, now, st, nil)
		require.NoError(t, err)
		var picks []string
		for i, n := range []string{"A", "B", "C"} {
			e, err := voting.AddEntry(db, camp.ID, voting.EntryPatch{Name: &n, SortOrder: &i})
			require.NoError(t, err)
			picks = append(picks, fmt.Sprintf(`{"entry_id":%d,"rank":%d}`, e.ID, i+1))
		}
		_, err = voting.Activate(db, now, camp.ID)
		require.NoError(t, err)
		var rank models.GuildRank
		require.NoError(t, db.Where("level = ?", 3).Take(&rank).Error)
		email := "held@example.test"
		u := models.User{Email: &email, PasswordHash: "x", IsActive: true}
		require.NoError(t, db.Create(&u).Error)
		require.NoError(t, db.Create(&models.Player{DisplayName: "Held", WebsiteUserID: &u.ID, GuildRankID: &rank.ID, IsActive: true, Timezone: "UTC"}).Error)
		sid, err := auth.StartSession(db, u.ID, auth.Device{UserAgent: "held"}, now, cfg.SessionTTL)
		require.NoError(t, err)
		tok, err := auth.IssueToken(cfg.JWTSecret, auth.Claims{UserID: u.ID, SessionID: sid}, now, cfg.SessionTTL)
		require.NoError(t, err)

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		base := "http://" + addr
		require.Eventually(t, func() bool {
			res, err := http.Get(base + "/healthz")
			if err != nil {
				return false
			}
			res.Body.Close()
			return res.StatusCode == http.StatusOK
		}, 10*time.Second, 20*time.Millisecond)

		// Another session holds the write lock the ballot needs.
		holder, err := models.Open(dsn, nil)
		require.NoError(t, err)
		holderSQL, err := holder.DB()
		require.NoError(t, err)
		t.Cleanup(func() { holderSQL.Close() })
		conn, err := holderSQL.Conn(context.Background())
		require.NoError(t, err)
		if models.DialectOf(db) == models.Postgres {
			_, err = conn.ExecContext(context.Background(), "BEGIN")
			require.NoError(t, err)
			_, err = conn.ExecContext(context.Background(), "LOCK TABLE "+models.Table(db, &models.Ballot{})+" IN ACCESS EXCLUSIVE MODE")
		} else {
			_, err = conn.ExecContext(context.Background(), "BEGIN IMMEDIATE")
		}
		require.NoError(t, err)
		t.Cleanup(func() {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
		})

		var started atomic.Bool
		trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { started.Store(true) }}
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodPost,
			fmt.Sprintf("%s/api/v1/campaigns/%d/vote", base, camp.ID), strings.NewReader(`{"picks":[`+strings.Join(picks, ",")+`]}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		type answer struct {
			status int
			err    error
		}
		got := make(chan answer, 1)
		go func() {
			res, err := (&http.Client{Timeout: time.Minute}).Do(req)
			if err != nil {
				got <- answer{err: err}
				return
			}
			res.Body.Close()
			got <- answer{status: res.StatusCode}
		}()
		require.Eventually(t, started.Load, 10*time.Second, 5*time.Millisecond)
		time.Sleep(200 * time.Millisecond) // let the server read it and block on the lock

		cancel()
		var ans answer
		select {
		case ans = <-got:
		case <-time.After(app.ShutdownTimeout):
			t.Fatal("the held request neither answered nor was cut")
		}
		// The lock also holds the background jobs on SQLite: let go.
		_, err = conn.ExecContext(context.Background(), "ROLLBACK")
		require.NoError(t, err)
		require.Error(t, ans.err, "cut, not answered (status %d)", ans.status)
		require.True(t, errors.Is(ans.err, io.EOF) || errors.Is(ans.err, syscall.ECONNRESET), "a closed connection: %v", ans.err)
		select {
		case err := <-done:
			require.NoError(t, err, "Run after a cut")
		case <-time.After(app.ShutdownTimeout + 5*time.Second):
			t.Fatal("Run did not return")
		}
		out := logs.String()
		require.Contains(t, out, "were cut")
		require.Contains(t, out, "requests=1")
		require.Contains(t, out, "stopped")
	})
}
