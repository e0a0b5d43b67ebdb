package bot_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/bot"
	"patt/bot/fakediscord"
	"patt/dbtest"
	"patt/identity"
	"patt/models"
)

// linkedPlayer makes a Discord member and a player linked to their
// discord_users row, with a rank and rank source.
func linkedPlayer(t *testing.T, db *gorm.DB, b *bot.Bot, id, name string, rank string, source string, roles ...string) models.Player {
	t.Helper()
	fake.AddMember(user(id, name), "", roles...)
	require.NoError(t, bot.MemberSeen(context.Background(), db, time.Now().UTC(), bot.Member{ID: id, Username: name, Roles: roles}))
	du := discordUser(t, db, id)
	p := models.Player{DisplayName: name, DiscordUserID: &du.ID, Timezone: "America/New_York"}
	if rank != "" {
		r := rankID(t, db, rank)
		p.GuildRankID = &r
	}
	if source != "" {
		p.GuildRankSource = &source
	}
	require.NoError(t, db.Create(&p).Error)
	return p
}

func playerRank(t *testing.T, db *gorm.DB, id int) (string, string) {
	t.Helper()
	var p models.Player
	require.NoError(t, db.Preload("Rank").Take(&p, id).Error)
	src := ""
	if p.GuildRankSource != nil {
		src = *p.GuildRankSource
	}
	if p.Rank == nil {
		return "", src
	}
	return p.Rank.Name, src
}

func TestRankChangeOnTheSiteMovesTheDiscordRole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		p := linkedPlayer(t, db, b, "900000000000002001", "trog", "Member", identity.RankSourceOverride, roleMember, "900000000000000777")
		ctx := context.Background()

		// Nothing to do while rank and role agree.
		require.NoError(t, b.PushRoles(ctx))
		assert.Empty(t, fake.CallsTo("PUT /guilds/"))

		// An officer promotes the player on the site.
		require.NoError(t, db.Model(&models.Player{}).Where("id = ?", p.ID).Update("guild_rank_id", rankID(t, db, "Officer")).Error)
		require.NoError(t, b.PushRoles(ctx))
		assert.ElementsMatch(t, []string{roleOfficer, "900000000000000777"}, fake.MemberRoles("900000000000002001"),
			"the Officer role is given, the Member role taken, the unmanaged role kept")
		puts := fake.CallsTo("PUT /guilds/" + fake.GuildID + "/members/900000000000002001/roles/" + roleOfficer)
		require.Len(t, puts, 1)
		assert.Equal(t, 204, puts[0].Status)
		assert.Equal(t, "PATT: trog's guild rank is Officer", puts[0].Reason, "audit-log reason")
		require.Len(t, fake.CallsTo("DELETE /guilds/"+fake.GuildID+"/members/900000000000002001/roles/"+roleMember), 1)
		assert.ElementsMatch(t, []string{roleOfficer, "900000000000000777"}, roleIDs(discordUser(t, db, "900000000000002001")))

		// Idempotent: a second pass changes nothing.
		before := len(fake.Calls())
		require.NoError(t, b.PushRoles(ctx))
		assert.Len(t, fake.Calls(), before)
	})
}

func TestDiscordRoleChangeMovesTheDerivedRankButNotAnOverride(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		free := linkedPlayer(t, db, b, "900000000000003001", "free", "Initiate", identity.RankSourceDiscord, roleInitiate)
		fixed := linkedPlayer(t, db, b, "900000000000003002", "fixed", "Member", identity.RankSourceOverride, roleMember)
		connect(t, b)

		fake.UpdateMember("900000000000003001", nil, []string{roleOfficer})
		require.Eventually(t, func() bool { r, _ := playerRank(t, db, free.ID); return r == "Officer" }, 5*time.Second, 10*time.Millisecond)
		_, src := playerRank(t, db, free.ID)
		assert.Equal(t, identity.RankSourceDiscord, src)

		fake.UpdateMember("900000000000003002", nil, []string{roleOfficer})
		// The override stands, and the site's rank gets its role back; the
		// Officer role someone gave on Discord is not taken away by the bot
		// (spec §5: never auto-remove Officer or Guild Leader).
		require.Eventually(t, func() bool {
			r := fake.MemberRoles("900000000000003002")
			return slices.Contains(r, roleMember) && slices.Contains(r, roleOfficer)
		}, 5*time.Second, 10*time.Millisecond)
		r, src := playerRank(t, db, fixed.ID)
		assert.Equal(t, "Member", r)
		assert.Equal(t, identity.RankSourceOverride, src)
		assert.Empty(t, fake.CallsTo("DELETE /guilds/"+fake.GuildID+"/members/900000000000003002/"))
	})
}

func TestRefusedRoleEditIsAFailureShownToOfficersNotASuccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		// Veteran's role sits above the bot's own role: Discord says 50013.
		linkedPlayer(t, db, b, "900000000000004001", "vet", "Veteran", identity.RankSourceOverride, roleMember)
		linkedPlayer(t, db, b, "900000000000004002", "ok", "Officer", identity.RankSourceOverride)
		ctx := context.Background()

		err := b.SyncRoles(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "1 role edit(s) refused")
		assert.Equal(t, []string{roleOfficer}, fake.MemberRoles("900000000000004002"), "the other member still got their role")
		assert.Equal(t, []string{roleMember}, fake.MemberRoles("900000000000004001"), "the old rank role stays when the new one was refused")

		var st models.BotStatus
		require.NoError(t, db.Take(&st).Error)
		require.NotNil(t, st.LastRoleSync)
		var rep bot.RoleReport
		require.NoError(t, json.Unmarshal([]byte(*st.LastRoleSync), &rep))
		require.Len(t, rep.Failures, 1)
		assert.Equal(t, roleVeteran, rep.Failures[0].RoleID)
		assert.Contains(t, rep.Failures[0].Error, "50013")
		byRank := map[string]bot.RankRole{}
		for _, r := range rep.Mapping {
			byRank[r.Rank] = r
		}
		assert.True(t, byRank["Officer"].Exists)
		assert.True(t, byRank["Officer"].Manageable)
		assert.Equal(t, 1, byRank["Officer"].Holders)
		assert.True(t, byRank["Veteran"].Exists)
		assert.False(t, byRank["Veteran"].Manageable, "above the bot's role")
		var cfgCount int64
		db.Model(&models.DiscordConfig{}).Count(&cfgCount)
		if cfgCount > 0 {
			var cfg models.DiscordConfig
			require.NoError(t, db.Take(&cfg).Error)
			assert.NotNil(t, cfg.LastRoleSyncAt)
		}

		// The refused edit is not hammered by the frequent push.
		n := len(fake.CallsTo("PUT /guilds/" + fake.GuildID + "/members/900000000000004001/roles/" + roleVeteran))
		require.NoError(t, b.PushRoles(ctx))
		assert.Len(t, fake.CallsTo("PUT /guilds/"+fake.GuildID+"/members/900000000000004001/roles/"+roleVeteran), n)
	})
}

func TestFullMemberSyncPagesAndMarksDeparted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		ctx := context.Background()
		// Someone who left while the bot was away.
		require.NoError(t, bot.MemberSeen(ctx, db, time.Now().UTC(), bot.Member{ID: "900000000000005999", Username: "gone"}))
		for i := 0; i < 3; i++ {
			fake.AddMember(user("90000000000000500"+string(rune('1'+i)), "m"+string(rune('1'+i))), "", roleMember)
		}
		fake.AddMember(&fakediscord.User{ID: "900000000000005555", Username: "otherbot", Bot: true}, "")
		require.NoError(t, b.SyncMembers(ctx))
		assert.False(t, discordUser(t, db, "900000000000005999").IsPresent)
		assert.Equal(t, int64(0), countWhere(db, "discord_id = ?", "900000000000005555"), "bots are skipped")
		assert.Equal(t, int64(3), countWhere(db, "is_present = ? AND highest_guild_role = ?", true, "Member"))
		var sl models.SyncLog
		require.NoError(t, db.Where("source = ?", "discord_bot").Take(&sl).Error)
		assert.Equal(t, 3, *sl.CharactersFound)
		assert.Equal(t, 1, *sl.CharactersRemoved)
		calls := fake.CallsTo("GET /guilds/" + fake.GuildID + "/members?")
		require.NotEmpty(t, calls)
		assert.True(t, strings.Contains(calls[0].Path, "limit=1000"), calls[0].Path)
	})
}

func countWhere(db *gorm.DB, q string, args ...any) int64 {
	var n int64
	db.Model(&models.DiscordUser{}).Where(q, args...).Count(&n)
	return n
}

// Spec §11.6 by role id: a member's roles set the linked player's rank
// (source discord_sync) when nothing else decides it; no mapped role never
// demotes; a member without a row gets one; bots are skipped.
func TestRolePullVectors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		ctx := context.Background()
		now := time.Now().UTC()
		cases := []struct {
			id       string
			roles    []string
			before   string
			source   string
			after    string
			afterSrc string
		}{
			{"900000000000010001", []string{roleOfficer}, "Initiate", identity.RankSourceDiscord, "Officer", identity.RankSourceDiscord},
			{"900000000000010002", []string{roleInitiate}, "Officer", identity.RankSourceDiscord, "Initiate", identity.RankSourceDiscord},
			{"900000000000010003", []string{roleMember}, "Member", identity.RankSourceDiscord, "Member", identity.RankSourceDiscord},
			{"900000000000010004", []string{roleInitiate, roleOfficer}, "Member", identity.RankSourceDiscord, "Officer", identity.RankSourceDiscord},
			{"900000000000010005", nil, "Member", identity.RankSourceDiscord, "Member", identity.RankSourceDiscord},
			{"900000000000010006", []string{roleOfficer}, "Member", identity.RankSourceOverride, "Member", identity.RankSourceOverride},
		}
		for _, c := range cases {
			require.NoError(t, bot.MemberSeen(ctx, db, now, bot.Member{ID: c.id, Username: "u" + c.id}))
			du := discordUser(t, db, c.id)
			r, src := rankID(t, db, c.before), c.source
			p := models.Player{DisplayName: "p" + c.id, DiscordUserID: &du.ID, GuildRankID: &r, GuildRankSource: &src, Timezone: "UTC"}
			require.NoError(t, db.Create(&p).Error)
			require.NoError(t, bot.MemberSeen(ctx, db, now, bot.Member{ID: c.id, Username: "u" + c.id, Roles: c.roles}))
			rank, source := playerRank(t, db, p.ID)
			assert.Equal(t, c.after, rank, "roles %v", c.roles)
			assert.Equal(t, c.afterSrc, source, "roles %v", c.roles)
		}

		// No row, no player: a row is created.
		require.NoError(t, bot.MemberSeen(ctx, db, now, bot.Member{ID: "900000000000010007", Username: "new", Roles: []string{roleMember}}))
		du := discordUser(t, db, "900000000000010007")
		require.NotZero(t, du.ID)
		assert.Equal(t, "Member", *du.HighestGuildRole)
		// A bot account: nothing written.
		require.NoError(t, bot.MemberSeen(ctx, db, now, bot.Member{ID: "900000000000010008", Username: "abot", Bot: true, Roles: []string{roleOfficer}}))
		assert.Zero(t, discordUser(t, db, "900000000000010008").ID)
	})
}

// role_sync_interval_hours is honoured by the role sync's schedule.
func TestRoleSyncScheduleReadsTheInterval(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		s := bot.RoleSyncSchedule{DB: db}
		assert.Equal(t, at.Add(24*time.Hour), s.Next(at), "24 h without a config row")
		require.NoError(t, db.Create(&models.DiscordConfig{GuildDiscordID: "1", RoleSyncIntervalHours: 6, RaidDefaultTemplateID: "wowretail2"}).Error)
		assert.Equal(t, at.Add(6*time.Hour), s.Next(at))
		assert.False(t, s.AtStart())
	})
}
