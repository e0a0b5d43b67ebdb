package sync_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	"patt/notify"
	guildsync "patt/sync"
)

func TestIssueHashVectors(t *testing.T) {
	// Spec §17.J: these still hold (the hash rule is unchanged).
	require.Equal(t, "745aff80a56453ec9d6cc2b0756eeee5f6779743a5d4359280ad6588646f95bd", guildsync.IssueHash("orphan_wow", 42))
	require.Equal(t, "24d4280619e30f6df3ba2a7d8d1fcd1fb0e43732e70e4f5b89b84c6c667a6367", guildsync.IssueHash("orphan_discord", 7))
	require.Equal(t, "e4df8a37e7e84bc46a90e01f746f31f0d244178e94dfd7159c29bc98659c1e56", guildsync.IssueHash("role_mismatch", 3))
	require.Equal(t, "6101d53d824b46c026cf51e30437c4e8f7ac8b9579d88d4238208386fdb2916e", guildsync.IssueHash("stale_character", 42))
	// role_mismatch now hashes player + expected + actual (W9), so the
	// checker's hash for player 3 is no longer the bare vector above.
	require.NotEqual(t, guildsync.IssueHash("role_mismatch", 3), guildsync.IssueHash("role_mismatch", 3, "Officer", "member"))
}

func openIssues(t *testing.T, db *gorm.DB, typ string) []models.AuditIssue {
	var out []models.AuditIssue
	require.NoError(t, db.Where("issue_type = ? AND resolved_at IS NULL", typ).Order("id").Find(&out).Error)
	return out
}

func rankID(t *testing.T, db *gorm.DB, name string) *int {
	var r models.GuildRank
	require.NoError(t, db.Where("name = ?", name).Take(&r).Error)
	return &r.ID
}

func TestIntegrityChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		orphan := char(t, db, "OrphanChar", "")
		removed := char(t, db, "Gone", "")
		require.NoError(t, db.Model(&removed).Update("removed_at", now).Error)
		du := discordUser(t, db, "2001", "lonely", "", "Member")
		discordUser(t, db, "2002", "norole", "", "")

		st, err := guildsync.CheckIntegrity(ctx, db, now)
		require.NoError(t, err)
		require.Equal(t, 1, st.New[guildsync.IssueOrphanWow])
		require.Equal(t, 1, st.New[guildsync.IssueOrphanDiscord])
		issues := openIssues(t, db, guildsync.IssueOrphanWow)
		require.Len(t, issues, 1)
		require.Contains(t, issues[0].Summary, "OrphanChar")
		require.NotNil(t, issues[0].LastDetectedAt)

		st, err = guildsync.CheckIntegrity(ctx, db, now.Add(time.Hour))
		require.NoError(t, err)
		require.Zero(t, st.TotalNew, "a second run opens nothing new")
		issues = openIssues(t, db, guildsync.IssueOrphanWow)
		require.Len(t, issues, 1, "exactly one open row")
		require.True(t, issues[0].LastDetectedAt.After(now), "last_detected_at moves on")

		// The character gets linked, the Discord member gets a player:
		// both issues resolve on the next run.
		p := models.Player{DisplayName: "testperson", DiscordUserID: &du.ID, IsActive: true}
		require.NoError(t, db.Create(&p).Error)
		require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: p.ID, CharacterID: orphan.ID}).Error)
		require.NoError(t, db.Model(&orphan).Update("guild_rank_id", rankID(t, db, "Officer")).Error)
		st, err = guildsync.CheckIntegrity(ctx, db, now.Add(2*time.Hour))
		require.NoError(t, err)
		require.Equal(t, 2, st.Resolved)
		var resolved models.AuditIssue
		require.NoError(t, db.Where("issue_type = ?", guildsync.IssueOrphanWow).Take(&resolved).Error)
		require.Equal(t, "auto", *resolved.ResolvedBy)

		// Officer in game, Member on Discord: a role mismatch.
		require.Equal(t, 1, st.New[guildsync.IssueRoleMismatch])
		mm := openIssues(t, db, guildsync.IssueRoleMismatch)
		require.Equal(t, "'lonely' is Officer in-game but Member on Discord (expected: Officer)", mm[0].Summary)

		// The Discord role changes to Veteran: still wrong, but a different
		// mismatch — a new issue (re-notified), the old one resolved.
		require.NoError(t, db.Model(&du).Update("highest_guild_role", "Veteran").Error)
		st, err = guildsync.CheckIntegrity(ctx, db, now.Add(3*time.Hour))
		require.NoError(t, err)
		require.Equal(t, 1, st.New[guildsync.IssueRoleMismatch])
		mm = openIssues(t, db, guildsync.IssueRoleMismatch)
		require.Len(t, mm, 1)
		require.Contains(t, mm[0].Summary, "Veteran on Discord")

		// No role at all → no_guild_role; role fixed → everything resolves.
		require.NoError(t, db.Model(&du).Update("highest_guild_role", nil).Error)
		st, err = guildsync.CheckIntegrity(ctx, db, now.Add(4*time.Hour))
		require.NoError(t, err)
		require.Equal(t, 1, st.New[guildsync.IssueNoGuildRole])
		require.Empty(t, openIssues(t, db, guildsync.IssueRoleMismatch), "role mismatches resolve too (W9)")
		require.NoError(t, db.Model(&du).Update("highest_guild_role", "Officer").Error)
		_, err = guildsync.CheckIntegrity(ctx, db, now.Add(5*time.Hour))
		require.NoError(t, err)
		require.Empty(t, openIssues(t, db, guildsync.IssueNoGuildRole))
	})
}

func TestStaleCharacters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		for name, daysAgo := range map[string]int{"Dusty": 60, "Recent": 5, "Oldish": 45} {
			c := char(t, db, name, "")
			at := now.Add(-time.Duration(daysAgo) * 24 * time.Hour)
			require.NoError(t, db.Model(&c).Update("last_login_at", at).Error)
		}
		char(t, db, "Never", "")
		st, err := guildsync.CheckIntegrity(context.Background(), db, now)
		require.NoError(t, err)
		require.Equal(t, 2, st.New[guildsync.IssueStale])
		var dusty models.AuditIssue
		require.NoError(t, db.Where("issue_type = ? AND summary LIKE ?", guildsync.IssueStale, "%Dusty%").Take(&dusty).Error)
		require.Equal(t, "'Dusty' hasn't logged in for 60 days", dusty.Summary)
	})
}

func TestReportRespectsLimitsAndMarksOnlyWhatWasSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		for i := range 150 {
			char(t, db, "Orphan"+strings.Repeat("x", 20)+string(rune('a'+i%26))+string(rune('a'+i/26)), "")
		}
		_, err := guildsync.CheckIntegrity(context.Background(), db, now)
		require.NoError(t, err)

		// Discord off: nothing sent, nothing marked.
		sent, err := guildsync.ReportIssues(context.Background(), db, notify.Nop{}, "chan", "https://patt.example", now)
		require.NoError(t, err)
		require.Zero(t, sent)

		rec := &notify.Recorder{}
		sent, err = guildsync.ReportIssues(context.Background(), db, rec, "chan", "https://patt.example", now)
		require.NoError(t, err)
		msgs := rec.Sent()
		require.Len(t, msgs, 2, "header + one embed for the one type")
		body := msgs[1].Message
		require.LessOrEqual(t, len([]rune(body.Title)), 256)
		require.LessOrEqual(t, len([]rune(body.Description)), 4096)
		require.LessOrEqual(t, len([]rune(body.Title))+len([]rune(body.Description))+len([]rune(body.Footer)), 6000)
		require.Contains(t, body.Description, "more on the site")
		require.Contains(t, msgs[0].Message.Description, "https://patt.example/admin/issues")
		require.Less(t, sent, 150)
		var marked, unmarked int64
		require.NoError(t, db.Model(&models.AuditIssue{}).Where("notified_at IS NOT NULL").Count(&marked).Error)
		require.NoError(t, db.Model(&models.AuditIssue{}).Where("notified_at IS NULL").Count(&unmarked).Error)
		require.Equal(t, int64(sent), marked, "only what was posted is marked")
		require.Equal(t, int64(150-sent), unmarked)

		// A failing post marks nothing more.
		rec.Err = errors.New("discord down")
		_, err = guildsync.ReportIssues(context.Background(), db, rec, "chan", "https://patt.example", now)
		require.Error(t, err)
		require.NoError(t, db.Model(&models.AuditIssue{}).Where("notified_at IS NULL").Count(&unmarked).Error)
		require.Equal(t, int64(150-sent), unmarked)
	})
}
