package bot_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app"
	"patt/app/jobs"
	"patt/bot"
	"patt/bot/settings"
	"patt/dbtest"
	"patt/identity"
	"patt/models"
	"patt/notify"
)

// lastRoleRun is the latest role run's report as the settings page reads it.
func lastRoleRun(t *testing.T, db *gorm.DB) bot.RoleReport {
	t.Helper()
	var st models.BotStatus
	require.NoError(t, db.Order("id").Limit(1).Find(&st).Error)
	require.NotNil(t, st.LastRoleRun, "no role run recorded")
	var rep bot.RoleReport
	require.NoError(t, json.Unmarshal([]byte(*st.LastRoleRun), &rep))
	return rep
}

func setRoleRules(t *testing.T, db *gorm.DB, dryRun bool, max int) {
	t.Helper()
	require.NoError(t, settings.SetRoleRules(context.Background(), db, time.Now().UTC(),
		settings.RoleRules{DryRun: dryRun, Cap: max}, fake.GuildID, "Officer", nil))
}

// Spec §5: an Officer or Guild Leader role is only ever given, never
// taken away by the bot; the removal is reported for a human. Other rank
// roles still move.
func TestOfficerRolesAreGivenButNeverTakenAway(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		ctx := context.Background()
		// Demoted on the site, still an Officer on Discord.
		linkedPlayer(t, db, b, "900000000000020001", "exofficer", "Member", identity.RankSourceOverride, roleOfficer)
		// Promoted on the site from Initiate.
		linkedPlayer(t, db, b, "900000000000020002", "riser", "Member", identity.RankSourceOverride, roleInitiate)

		require.NoError(t, b.PushRoles(ctx))
		assert.ElementsMatch(t, []string{roleOfficer, roleMember}, fake.MemberRoles("900000000000020001"),
			"the Member role is given, the Officer role stays")
		assert.Empty(t, fake.CallsTo("DELETE /guilds/"+fake.GuildID+"/members/900000000000020001/"))
		assert.Equal(t, []string{roleMember}, fake.MemberRoles("900000000000020002"), "a non-officer role is still taken away")

		rep := lastRoleRun(t, db)
		assert.Equal(t, 2, rep.Changed)
		require.Len(t, rep.Skipped, 1)
		s := rep.Skipped[0]
		assert.Equal(t, "exofficer", s.Player)
		assert.Equal(t, "remove", s.Action)
		assert.Equal(t, roleOfficer, s.RoleID)
		assert.Equal(t, "Officer", s.Rank)
		assert.Contains(t, s.Error, "never removed automatically")

		// Every later run says it again (until a person acts) and never
		// removes it.
		require.NoError(t, b.PushRoles(ctx))
		assert.Len(t, lastRoleRun(t, db).Skipped, 1)
		assert.Empty(t, fake.CallsTo("DELETE /guilds/"+fake.GuildID+"/members/900000000000020001/"))
	})
}

// Dry run: nothing changes in Discord (no role call at all), the page
// gets the plan; turned off, the plan is carried out.
func TestRoleDryRunChangesNothingAndSaysWhatItWould(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		setRoleRules(t, db, true, 10)
		b := newBot(t, db, nil)
		ctx := context.Background()
		linkedPlayer(t, db, b, "900000000000021001", "trog", "Officer", identity.RankSourceOverride, roleMember)
		connect(t, b) // a gateway member event pushes too, and must obey dry run

		require.NoError(t, b.PushRoles(ctx))
		require.NoError(t, b.SyncRoles(ctx))
		assert.Empty(t, fake.CallsTo("PUT /guilds/"+fake.GuildID+"/members/"))
		assert.Empty(t, fake.CallsTo("DELETE /guilds/"+fake.GuildID+"/members/"))
		assert.Equal(t, []string{roleMember}, fake.MemberRoles("900000000000021001"))
		rep := lastRoleRun(t, db)
		assert.True(t, rep.DryRun)
		assert.Zero(t, rep.Changed)
		var plan []string
		for _, p := range rep.Planned {
			plan = append(plan, p.Player+" "+p.Action+" "+p.Rank)
		}
		assert.ElementsMatch(t, []string{"trog add Officer", "trog remove Member"}, plan)

		setRoleRules(t, db, false, 10)
		require.NoError(t, b.PushRoles(ctx))
		assert.Equal(t, []string{roleOfficer}, fake.MemberRoles("900000000000021001"))
		rep = lastRoleRun(t, db)
		assert.False(t, rep.DryRun)
		assert.Empty(t, rep.Planned)
		assert.Equal(t, 1, rep.Changed)
	})
}

// At most the cap's number of members change per run; the rest are
// reported and go out in later runs; a player whose rank just changed on
// the site goes first.
func TestRoleChangesPerRunAreCapped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		setRoleRules(t, db, false, 2)
		b := newBot(t, db, nil)
		ctx := context.Background()
		ids := []string{"900000000000022001", "900000000000022002", "900000000000022003"}
		var last models.Player
		for i, id := range ids {
			last = linkedPlayer(t, db, b, id, "m"+string(rune('a'+i)), "Member", identity.RankSourceOverride, roleInitiate)
		}
		b.RanksChanged(last.ID) // no runner here: it only puts the player first

		require.NoError(t, b.PushRoles(ctx))
		rep := lastRoleRun(t, db)
		assert.Equal(t, 2, rep.Changed)
		assert.Equal(t, 1, rep.OverCap)
		assert.Equal(t, 2, rep.Cap)
		assert.Equal(t, []string{roleMember}, fake.MemberRoles(ids[2]), "the player just changed went first")
		assert.Equal(t, []string{roleMember}, fake.MemberRoles(ids[0]))
		assert.Equal(t, []string{roleInitiate}, fake.MemberRoles(ids[1]), "over the cap: waits")
		require.Len(t, rep.Skipped, 2, "its add and its remove")
		assert.Contains(t, rep.Skipped[0].Error, "over the cap of 2 members changed per run")
		assert.Equal(t, "mb", rep.Skipped[0].Player)

		require.NoError(t, b.PushRoles(ctx))
		assert.Equal(t, []string{roleMember}, fake.MemberRoles(ids[1]), "made in the next run")
		rep = lastRoleRun(t, db)
		assert.Equal(t, 1, rep.Changed)
		assert.Zero(t, rep.OverCap)
	})
}

// A rank change on the site reaches Discord at once through the running
// app (notify.RanksChanged → a run of the role-push job), not at the job's
// next scheduled run two minutes later.
func TestSiteRankChangeReachesDiscordAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		p := linkedPlayer(t, db, nil, "900000000000023001", "quick", "Member", identity.RankSourceOverride, roleMember)
		seen := discordUser(t, db, "900000000000023001").LastSync
		a, err := app.Assemble(appConfig(t, "test-token"), db, slog.New(slog.NewTextHandler(testWriter{t}, nil)), "test")
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		defer func() {
			cancel()
			require.NoError(t, <-done)
		}()
		// The at-start run of the push is over: nothing to do then.
		require.Eventually(t, func() bool {
			runs, err := jobs.Recent(db, bot.JobRolePush, 1)
			return err == nil && len(runs) == 1 && runs[0].Status == jobs.StatusOK
		}, 10*time.Second, 20*time.Millisecond)
		require.Eventually(t, func() bool { return fake.Connections() == 1 }, 10*time.Second, 20*time.Millisecond)
		// The gateway's member chunk was handled (its own push is over), so
		// only the event can move the role now.
		require.Eventually(t, func() bool {
			ls := discordUser(t, db, "900000000000023001").LastSync
			return ls != nil && (seen == nil || ls.After(*seen))
		}, 10*time.Second, 20*time.Millisecond)

		// An officer makes them Officer (as the Player Manager does), and
		// the site says so.
		require.NoError(t, db.Model(&models.Player{}).Where("id = ?", p.ID).Update("guild_rank_id", rankID(t, db, "Officer")).Error)
		notify.RanksChanged(a.Notifier, p.ID)
		require.Eventually(t, func() bool {
			r := fake.MemberRoles("900000000000023001")
			return len(r) == 1 && r[0] == roleOfficer
		}, 5*time.Second, 20*time.Millisecond, "well before the 2-minute schedule")
		puts := fake.CallsTo("PUT /guilds/" + fake.GuildID + "/members/900000000000023001/roles/" + roleOfficer)
		require.Len(t, puts, 1)
		assert.True(t, strings.HasPrefix(puts[0].Reason, "PATT: quick's guild rank is Officer"))
		runs, err := jobs.Recent(db, bot.JobRolePush, 5)
		require.NoError(t, err)
		manual := false
		for _, r := range runs {
			manual = manual || r.Trigger == jobs.TriggerManual
		}
		assert.True(t, manual, "a run started by the event")
	})
}
