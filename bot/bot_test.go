package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"patt/logtest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/bot"
	"patt/bot/fakediscord"
	"patt/dbtest"
	"patt/models"
)

// fake is shared by every test of the package: discordgo's endpoints are
// process-wide, so the bot is pointed at one fake, reset per test.
var fake *fakediscord.Server

func TestMain(m *testing.M) {
	fake = fakediscord.New()
	code := m.Run()
	fake.Close()
	os.Exit(code)
}

const (
	roleInitiate = "900000000000000111"
	roleMember   = "900000000000000222"
	roleVeteran  = "900000000000000333" // above the bot's role: not manageable
	roleOfficer  = "900000000000000444"
)

// setup resets the fake, gives it the rank roles and maps the seeded
// ranks to them.
func setup(t *testing.T, db *gorm.DB) {
	t.Helper()
	fake.Reset()
	fake.AddRole(roleInitiate, "Initiate", 1)
	fake.AddRole(roleMember, "Member", 2)
	fake.AddRole(roleVeteran, "Veteran", 20)
	fake.AddRole(roleOfficer, "Officer", 4)
	fake.AddChannel("900000000000000500", "announcements")
	for name, id := range map[string]string{"Initiate": roleInitiate, "Member": roleMember, "Veteran": roleVeteran, "Officer": roleOfficer} {
		require.NoError(t, db.Model(&models.GuildRank{}).Where("name = ?", name).Update("discord_role_id", id).Error)
	}
}

func newBot(t *testing.T, db *gorm.DB, logs *logtest.Buffer) *bot.Bot {
	t.Helper()
	if logs == nil {
		logs = &logtest.Buffer{}
	}
	log := slog.New(slog.NewTextHandler(io.MultiWriter(logs, testWriter{t}), nil))
	b := bot.New(db, bot.Options{Token: "test-token", GuildID: fake.GuildID, APIURL: fake.URL(),
		OpenBackoff: 10 * time.Millisecond, OpenAttempts: 3, Instance: "test"}, log,
		func() time.Time { return time.Now().UTC() })
	t.Cleanup(func() { b.Close(context.Background()) })
	return b
}

func user(id, name string) *fakediscord.User {
	return &fakediscord.User{ID: id, Username: name}
}

func discordUser(t *testing.T, db *gorm.DB, id string) models.DiscordUser {
	t.Helper()
	var du models.DiscordUser
	require.NoError(t, db.Where("discord_id = ?", id).Limit(1).Find(&du).Error)
	return du
}

func roleIDs(du models.DiscordUser) []string {
	var r []string
	_ = json.Unmarshal(du.AllGuildRoles, &r)
	return r
}

func strp(s string) *string { return &s }

func rankID(t *testing.T, db *gorm.DB, name string) int {
	t.Helper()
	var r models.GuildRank
	require.NoError(t, db.Where("name = ?", name).Take(&r).Error)
	return r.ID
}

// connect runs the gateway job once and waits for the connection.
func connect(t *testing.T, b *bot.Bot) {
	t.Helper()
	require.NoError(t, b.KeepGateway(context.Background()))
	require.Eventually(t, b.Connected, 5*time.Second, 10*time.Millisecond, "gateway did not connect")
}

func TestGatewayMemberEventsReachDiscordUsersAndReconnectCatchesUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		fake.AddMember(user("900000000000001001", "alice"), "Ally", roleMember)
		b := newBot(t, db, nil)
		connect(t, b)

		// GUILD_CREATE → member chunk brings the existing member in.
		require.Eventually(t, func() bool { return discordUser(t, db, "900000000000001001").ID != 0 }, 5*time.Second, 10*time.Millisecond)
		alice := discordUser(t, db, "900000000000001001")
		assert.Equal(t, "alice", alice.Username)
		require.NotNil(t, alice.DisplayName)
		assert.Equal(t, "Ally", *alice.DisplayName)
		require.NotNil(t, alice.HighestGuildRole)
		assert.Equal(t, "Member", *alice.HighestGuildRole)
		assert.Equal(t, []string{roleMember}, roleIDs(alice))
		assert.True(t, alice.IsPresent)

		// Join.
		bob := &fakediscord.User{ID: "900000000000001002", Username: "bob", GlobalName: strp("Bobby G")}
		fake.Join(bob, "")
		require.Eventually(t, func() bool { return discordUser(t, db, bob.ID).ID != 0 }, 5*time.Second, 10*time.Millisecond)
		du := discordUser(t, db, bob.ID)
		assert.Equal(t, "Bobby G", *du.DisplayName, "global display name without a nick")
		assert.Nil(t, du.HighestGuildRole)
		require.NotNil(t, du.JoinedServerAt)

		// Update: nick and roles.
		fake.UpdateMember(bob.ID, strp("Bob the Tank"), []string{roleMember, roleOfficer})
		require.Eventually(t, func() bool {
			du := discordUser(t, db, bob.ID)
			return du.HighestGuildRole != nil && *du.HighestGuildRole == "Officer"
		}, 5*time.Second, 10*time.Millisecond)
		du = discordUser(t, db, bob.ID)
		assert.Equal(t, "Bob the Tank", *du.DisplayName)
		assert.ElementsMatch(t, []string{roleMember, roleOfficer}, roleIDs(du))

		// Leave.
		fake.Leave(bob.ID)
		require.Eventually(t, func() bool { return !discordUser(t, db, bob.ID).IsPresent }, 5*time.Second, 10*time.Millisecond)
		assert.NotNil(t, discordUser(t, db, bob.ID).RemovedAt)

		// The socket drops: discordgo resumes the session.
		fake.DropConnections()
		require.Eventually(t, func() bool { return hasEvent("send RESUMED") }, 10*time.Second, 10*time.Millisecond)
		require.Eventually(t, b.Connected, 5*time.Second, 10*time.Millisecond)

		// Drop again after the session expired, with a member who joined
		// meanwhile (no event): the bot identifies again and catches up.
		fake.ForgetSessions()
		carol := user("900000000000001003", "carol")
		fake.AddMember(carol, "", roleInitiate)
		fake.DropConnections()
		require.Eventually(t, func() bool { return discordUser(t, db, carol.ID).ID != 0 }, 10*time.Second, 10*time.Millisecond)
		assert.Equal(t, "Initiate", *discordUser(t, db, carol.ID).HighestGuildRole)
		ev := fake.Events()
		assert.Contains(t, ev, "send INVALID_SESSION")
		assert.GreaterOrEqual(t, count(ev, "recv IDENTIFY"), 2)
		assert.GreaterOrEqual(t, count(ev, "recv REQUEST_GUILD_MEMBERS"), 2)
		t.Logf("gateway events: %s", strings.Join(compact(ev), ", "))
		var rest []string
		for _, c := range fake.Calls() {
			rest = append(rest, fmt.Sprintf("%s %s → %d", c.Method, c.Path, c.Status))
		}
		t.Logf("REST calls: %s", strings.Join(rest, "; "))

		var st models.BotStatus
		require.NoError(t, db.Take(&st).Error)
		assert.True(t, st.Connected)
		assert.Equal(t, bot.StateConnected, st.State)
		require.NotNil(t, st.GuildName)
		assert.Equal(t, "Pull All The Things", *st.GuildName)
		assert.NotNil(t, st.LastReadyAt)
	})
}

func hasEvent(e string) bool {
	for _, x := range fake.Events() {
		if x == e {
			return true
		}
	}
	return false
}

func count(ev []string, e string) int {
	n := 0
	for _, x := range ev {
		if x == e {
			n++
		}
	}
	return n
}

// compact drops heartbeats from an event list for the log.
func compact(ev []string) []string {
	var out []string
	for _, e := range ev {
		if e != "recv HEARTBEAT" {
			out = append(out, e)
		}
	}
	return out
}

// testWriter sends the bot's log to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// On Postgres exactly one instance runs the gateway; when it stops,
// another takes over on its next gateway job run.
func TestOneGatewayPerClusterAndTakeover(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		if models.DialectOf(db) != models.Postgres {
			t.Log("SQLite serves one instance; the lock is Postgres's advisory lock")
			return
		}
		setup(t, db)
		first, second := newBot(t, db, nil), newBot(t, db, nil)
		connect(t, first)
		require.NoError(t, second.KeepGateway(context.Background()))
		assert.False(t, second.Connected(), "the second instance stays a web node")
		assert.Equal(t, 1, count(fake.Events(), "recv IDENTIFY"))
		assert.Equal(t, 1, fake.Connections())

		require.NoError(t, first.Close(context.Background()))
		require.Eventually(t, func() bool { return fake.Connections() == 0 }, 5*time.Second, 10*time.Millisecond)
		connect(t, second)
		assert.Equal(t, 2, count(fake.Events(), "recv IDENTIFY"))
		assert.Equal(t, 1, fake.Connections())
	})
}

// A wrong guild id or an audit channel of another guild is one clear log
// line; nothing connects to the wrong guild.
func TestWrongGuildAndAuditChannelAreSaidOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		logs := &logtest.Buffer{}
		log := slog.New(slog.NewTextHandler(logs, nil))
		wrong := bot.New(db, bot.Options{Token: "test-token", GuildID: "900000000000000777", APIURL: fake.URL(), Instance: "test"}, log,
			func() time.Time { return time.Now().UTC() })
		t.Cleanup(func() { wrong.Close(context.Background()) })
		ctx := context.Background()
		require.NoError(t, wrong.KeepGateway(ctx))
		require.NoError(t, wrong.KeepGateway(ctx))
		assert.Equal(t, 1, strings.Count(logs.String(), "the bot is not a member of guild 900000000000000777"), logs.String())
		assert.Zero(t, fake.Connections())
		var st models.BotStatus
		require.NoError(t, db.Take(&st).Error)
		assert.Equal(t, bot.StateWrongGuild, st.State)

		fake.Reset()
		fake.AddChannel("900000000000000500", "announcements")
		audit := bot.New(db, bot.Options{Token: "test-token", GuildID: fake.GuildID, APIURL: fake.URL(), AuditChannelID: "900000000000000404",
			Instance: "test", OpenBackoff: 10 * time.Millisecond}, log, func() time.Time { return time.Now().UTC() })
		t.Cleanup(func() { audit.Close(context.Background()) })
		connect(t, audit)
		assert.Equal(t, 1, strings.Count(logs.String(), "PATT_AUDIT_CHANNEL_ID is not a channel of the guild"))
	})
}

// An empty member list (a failed fetch looks like one) marks nobody gone.
func TestEmptyMemberListChangesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		require.NoError(t, bot.MemberSeen(ctx, db, now, bot.Member{ID: "900000000000011001", Username: "stay"}))
		_, err := bot.FullSync(ctx, db, now, []bot.Member{{ID: "900000000000000099", Username: "PATT-Bot", Bot: true}})
		require.ErrorIs(t, err, bot.ErrEmptyGuild)
		assert.True(t, discordUser(t, db, "900000000000011001").IsPresent)
	})
}
