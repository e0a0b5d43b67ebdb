package app_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app"
	"patt/app/jobs"
	"patt/bot"
	"patt/bot/fakediscord"
	"patt/config"
	"patt/dbtest"
	"patt/models"
	guildsync "patt/sync"
)

// A Discord member sync that brings new members starts the identity
// engine (and with it the integrity check) on the job runner (W11): a
// character whose note names a member's Discord account is linked without
// anyone pressing a button. A member sync that changes nothing the engine
// looks at starts nothing.
func TestDiscordMemberSyncStartsIdentityMatching(t *testing.T) {
	fake := fakediscord.New()
	t.Cleanup(fake.Close)
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		fake.Reset()
		const roleMember = "900000000000000222"
		fake.AddRole(roleMember, "Member", 2)
		require.NoError(t, db.Model(&models.GuildRank{}).Where("name = ?", "Member").Update("discord_role_id", roleMember).Error)
		note := "Discord: trogdor"
		trog := models.Character{Name: "Trogmoon", RealmSlug: "senjin", AddonNote: &note}
		require.NoError(t, db.Create(&trog).Error)
		fake.AddMember(&fakediscord.User{ID: "700000000000000001", Username: "trogdor"}, "", roleMember)

		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		l.Close()
		env := map[string]string{"PATT_ADDR": addr, "PATT_DATA_DIR": t.TempDir(),
			"PATT_JWT_SECRET":    "0123456789abcdef0123456789abcdef-test",
			"PATT_DISCORD_TOKEN": fake.Token, "PATT_DISCORD_GUILD_ID": fake.GuildID, "PATT_DISCORD_API_URL": fake.URL()}
		cfg, err := config.Load(func(k string) string { return env[k] })
		require.NoError(t, err)
		a, err := app.Assemble(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })

		// The member sync runs at start; matching follows it.
		require.Eventually(t, func() bool {
			var pc models.PlayerCharacter
			return db.Where("character_id = ?", trog.ID).Limit(1).Find(&pc).Error == nil && pc.ID != 0
		}, 30*time.Second, 50*time.Millisecond, "the character was linked after the Discord sync")
		var p models.Player
		require.NoError(t, db.Joins("JOIN "+models.Table(db, &models.PlayerCharacter{})+" pc ON pc.player_id = "+models.Table(db, &models.Player{})+".id").
			Where("pc.character_id = ?", trog.ID).Take(&p).Error)
		var du models.DiscordUser
		require.NoError(t, db.Where("discord_id = ?", "700000000000000001").Take(&du).Error)
		require.Equal(t, du.ID, *p.DiscordUserID)
		require.Eventually(t, func() bool {
			runs, err := jobs.Recent(db, guildsync.JobIdentity, 5)
			return err == nil && len(runs) == 1 && runs[0].FinishedAt != nil
		}, 20*time.Second, 20*time.Millisecond)
		var audits int64
		require.NoError(t, db.Model(&models.SyncLog{}).Where("source = ?", guildsync.SourceIdentity).Count(&audits).Error)
		require.Equal(t, int64(1), audits)

		// Nothing changed on Discord: another member sync starts nothing.
		run, err := a.Jobs.RunAndWait(ctx, bot.JobMemberSync)
		require.NoError(t, err)
		require.Contains(t, *run.Summary, "unchanged")
		runs, err := jobs.Recent(db, guildsync.JobIdentity, 5)
		require.NoError(t, err)
		require.Len(t, runs, 1)

		// A new member: matching runs again.
		fake.AddMember(&fakediscord.User{ID: "700000000000000002", Username: "newbie"}, "", roleMember)
		run, err = a.Jobs.RunAndWait(ctx, bot.JobMemberSync)
		require.NoError(t, err)
		require.Contains(t, *run.Summary, "identity matching started")
		require.Eventually(t, func() bool {
			runs, err := jobs.Recent(db, guildsync.JobIdentity, 5)
			return err == nil && len(runs) == 2
		}, 20*time.Second, 20*time.Millisecond)
	})
}
