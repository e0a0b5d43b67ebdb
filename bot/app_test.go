package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"patt/logtest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app"
	"patt/app/jobs"
	"patt/bot"
	"patt/config"
	"patt/dbtest"
	"patt/models"
	"patt/voting"
)

func appConfig(t *testing.T, token string) *config.Config {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	env := map[string]string{"PATT_ADDR": addr, "PATT_DATA_DIR": t.TempDir(),
		"PATT_JWT_SECRET":    "0123456789abcdef0123456789abcdef-test",
		"PATT_DISCORD_TOKEN": token, "PATT_DISCORD_GUILD_ID": fake.GuildID, "PATT_DISCORD_API_URL": fake.URL()}
	cfg, err := config.Load(func(k string) string { return env[k] })
	require.NoError(t, err)
	return cfg
}

// A token Discord refuses is one error line; the site keeps serving.
func TestBadTokenIsLoggedOnceAndTheSiteKeepsServing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		cfg := appConfig(t, "not-the-token")
		logs := &logtest.Buffer{}
		a, err := app.Assemble(cfg, db, slog.New(slog.NewTextHandler(logs, nil)), "test")
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()

		require.Eventually(t, func() bool { return strings.Contains(logs.String(), "refused PATT_DISCORD_TOKEN") },
			10*time.Second, 20*time.Millisecond)
		// Once the at-start runs are over, later runs do not try again.
		for _, job := range []string{bot.JobGateway, bot.JobMemberSync, bot.JobRolePush, bot.JobOutbox} {
			require.Eventually(t, func() bool {
				runs, err := jobs.Recent(db, job, 1)
				return err == nil && len(runs) == 1 && runs[0].Status == jobs.StatusOK
			}, 10*time.Second, 20*time.Millisecond, job)
		}
		calls := len(fake.Calls())
		for _, job := range []string{bot.JobGateway, bot.JobMemberSync, bot.JobRolePush} {
			require.Eventually(t, func() bool {
				_, err := a.Jobs.RunAndWait(context.Background(), job)
				return err == nil
			}, 5*time.Second, 20*time.Millisecond)
		}
		assert.Len(t, fake.Calls(), calls, "nothing is tried again with a refused token")
		assert.Equal(t, 1, strings.Count(logs.String(), "refused PATT_DISCORD_TOKEN"), logs.String())
		assert.Contains(t, logs.String(), "level=ERROR")
		assert.NotContains(t, logs.String(), "not-the-token", "the token is never logged")
		res, err := http.Get(fmt.Sprintf("http://%s/healthz", cfg.Addr))
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Zero(t, fake.Connections())

		var st models.BotStatus
		require.NoError(t, db.Take(&st).Error)
		assert.Equal(t, bot.StateBadToken, st.State)
		cancel()
		require.NoError(t, <-done)
	})
}

// The contest agent's queued posts go out through the bot as embeds, once,
// even with two app instances on one database.
func TestContestAgentPostsGoOutOnceThroughTheBot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		chanID := "900000000000000500"
		require.NoError(t, db.Create(&models.DiscordConfig{GuildDiscordID: fake.GuildID, RoleSyncIntervalHours: 24,
			DefaultAnnouncementChannelID: &chanID, RaidDefaultTemplateID: "wowretail2"}).Error)
		now := time.Now().UTC()
		title := "📣 Vote for the best transmog"
		msg := models.ContestAgentLog{EventType: "campaign_launch", Message: strings.Repeat("Voting is open! ", 10),
			Status: voting.MessagePending, QueuedAt: &now, EmbedTitle: &title}
		require.NoError(t, db.Create(&msg).Error)

		// Several instances share a database only on Postgres (the job
		// lock is an advisory lock there); SQLite runs one.
		instances := 1
		if models.DialectOf(db) == models.Postgres {
			instances = 2
		}
		var apps []*app.App
		for i := 0; i < instances; i++ {
			a, err := app.Assemble(appConfig(t, "test-token"), db, slog.New(slog.NewTextHandler(testWriter{t}, nil)), "test")
			require.NoError(t, err)
			apps = append(apps, a)
		}
		var wg sync.WaitGroup
		for _, a := range apps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a.Jobs.RunAndWait(context.Background(), "contest-agent-delivery") // one may be busy
			}()
		}
		wg.Wait()
		for _, a := range apps {
			_, err := a.Jobs.RunAndWait(context.Background(), "contest-agent-delivery")
			require.NoError(t, err)
		}

		msgs := fake.Messages()
		require.Len(t, msgs, 1, "posted exactly once")
		assert.Equal(t, chanID, msgs[0].ChannelID)
		require.Len(t, msgs[0].Embeds, 1)
		assert.Equal(t, title, msgs[0].Embeds[0]["title"])
		var got models.ContestAgentLog
		require.NoError(t, db.Take(&got, msg.ID).Error)
		assert.Equal(t, voting.MessageSent, got.Status)
		require.NotNil(t, got.DiscordMessageID)
		assert.Equal(t, msgs[0].ID, *got.DiscordMessageID)
	})
}

// patt serve with a bot: Open is retried with back-off while the gateway
// refuses, the bot connects, and at shutdown it closes before the
// database (its last status write still reaches the database).
func TestServeConnectsWithRetriesAndClosesTheBotBeforeTheDatabase(t *testing.T) {
	dbtest.EachDSN(t, func(t *testing.T, db *gorm.DB, dsn string) {
		setup(t, db)
		fake.RefuseGateway(1)
		cfg := appConfig(t, "test-token")
		logs := &logtest.Buffer{}
		a, err := app.Assemble(cfg, db, slog.New(slog.NewTextHandler(logs, nil)), "test")
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()

		require.Eventually(t, func() bool { return fake.Connections() == 1 }, 15*time.Second, 20*time.Millisecond)
		assert.Contains(t, fake.Events(), "refuse gateway")
		assert.Contains(t, logs.String(), "open failed, retrying")
		var st models.BotStatus
		require.Eventually(t, func() bool {
			return db.Take(&st).Error == nil && st.Connected
		}, 5*time.Second, 20*time.Millisecond)
		h := health(t, cfg.Addr)
		assert.Equal(t, "connected", h["bot"])
		assert.Equal(t, bot.StateConnected, h["bot_state"])
		assert.NotEmpty(t, h["bot_last_ready_at"])

		// Read the status through a second connection: the app's pool is
		// closed by then.
		cancel()
		require.NoError(t, <-done)
		assert.Zero(t, fake.Connections())
		other, err := models.Open(dsn, nil)
		require.NoError(t, err)
		t.Cleanup(func() {
			if sqlDB, err := other.DB(); err == nil {
				sqlDB.Close()
			}
		})
		require.NoError(t, other.Take(&st).Error)
		assert.False(t, st.Connected, "the bot wrote its last status before the database closed")
		assert.Equal(t, bot.StateDisconnected, st.State)
	})
}

func health(t *testing.T, addr string) map[string]any {
	t.Helper()
	res, err := http.Get(fmt.Sprintf("http://%s/healthz", addr))
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "the bot's state never fails the health check")
	var env struct {
		OK   bool
		Data map[string]any
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&env))
	require.True(t, env.OK)
	return env.Data
}

// Gateway close 4014 (the Server Members Intent is off in the developer
// portal): one error line naming the intent, no reconnect storm, the
// site keeps serving and says the bot is disconnected on /healthz.
func TestDisallowedIntentIsOneClearErrorAndNoReconnectStorm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		fake.SetMembersIntent(false)
		cfg := appConfig(t, "test-token")
		logs := &logtest.Buffer{}
		a, err := app.Assemble(cfg, db, slog.New(slog.NewTextHandler(logs, nil)), "test")
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()

		require.Eventually(t, func() bool { return strings.Contains(logs.String(), "Server Members Intent") },
			10*time.Second, 20*time.Millisecond)
		assert.Contains(t, fake.Events(), "close 4014")
		for i := 0; i < 3; i++ {
			require.Eventually(t, func() bool {
				_, err := a.Jobs.RunAndWait(context.Background(), bot.JobGateway)
				return err == nil
			}, 5*time.Second, 20*time.Millisecond)
		}
		assert.Equal(t, 1, count(fake.Events(), "recv IDENTIFY"), "no new IDENTIFY before the retry interval: %v", fake.Events())
		out := logs.String()
		assert.Equal(t, 1, strings.Count(out, "Server Members Intent"), out)
		line := out[strings.LastIndex(out[:strings.Index(out, "Server Members Intent")], "\n")+1:]
		line = line[:strings.Index(line, "\n")]
		assert.Contains(t, line, "level=ERROR")
		assert.Contains(t, line, "developer portal")
		assert.Contains(t, line, "4014")
		assert.Zero(t, fake.Connections())

		h := health(t, cfg.Addr)
		assert.Equal(t, "disconnected", h["bot"])
		assert.Equal(t, bot.StateNoIntent, h["bot_state"])
		cancel()
		require.NoError(t, <-done)
	})
}

// After a 4014 the gateway is tried again, quietly, once the intent
// retry interval has passed: turning the intent on needs no restart.
func TestGatewayConnectsOnceTheIntentIsTurnedOn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		fake.SetMembersIntent(false)
		logs := &logtest.Buffer{}
		var ahead atomic.Int64 // how far the bot's clock is ahead
		b := bot.New(db, bot.Options{Token: "test-token", GuildID: fake.GuildID, APIURL: fake.URL(), Instance: "test",
			OpenBackoff: 10 * time.Millisecond, IntentRetry: 10 * time.Minute}, slog.New(slog.NewTextHandler(logs, nil)),
			func() time.Time { return time.Now().UTC().Add(time.Duration(ahead.Load())) })
		t.Cleanup(func() { b.Close(context.Background()) })
		require.NoError(t, b.KeepGateway(context.Background()))
		require.NoError(t, b.KeepGateway(context.Background()))
		assert.Equal(t, 1, count(fake.Events(), "recv IDENTIFY"))

		fake.SetMembersIntent(true)
		ahead.Store(int64(10 * time.Minute))
		connect(t, b)
		assert.Equal(t, 2, count(fake.Events(), "recv IDENTIFY"))
		assert.Equal(t, 1, strings.Count(logs.String(), "Server Members Intent"))
	})
}
