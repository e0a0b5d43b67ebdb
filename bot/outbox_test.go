package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/bot"
	"patt/bot/fakediscord"
	"patt/bot/outbox"
	"patt/dbtest"
	"patt/models"
	"patt/notify"
)

func deliver(t *testing.T, db *gorm.DB, b *bot.Bot, now time.Time) outbox.Result {
	t.Helper()
	res, err := outbox.Deliver(context.Background(), db, now, b.SendDM)
	require.NoError(t, err)
	return res
}

func outboxRow(t *testing.T, db *gorm.DB, id int) models.DMOutbox {
	t.Helper()
	var r models.DMOutbox
	require.NoError(t, db.Take(&r, id).Error)
	return r
}

func setGates(t *testing.T, db *gorm.DB, master, invite, onboarding bool) {
	t.Helper()
	var cfg models.DiscordConfig
	require.NoError(t, db.Order("id").Limit(1).Find(&cfg).Error)
	if cfg.ID == 0 {
		cfg = models.DiscordConfig{GuildDiscordID: fake.GuildID, RoleSyncIntervalHours: 24, RaidDefaultTemplateID: "wowretail2"}
		require.NoError(t, db.Create(&cfg).Error)
	}
	require.NoError(t, db.Model(&models.DiscordConfig{}).Where("id = ?", cfg.ID).Updates(map[string]any{
		"bot_dm_enabled": master, "feature_invite_dm": invite, "feature_onboarding_dm": onboarding}).Error)
}

func TestHeldDMIsReleasedByAnOfficerThenSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		fake.AddMember(user("900000000000006001", "alice"), "")
		ctx := context.Background()
		now := time.Now().UTC().Add(time.Second) // after the DMs below are queued
		var officer models.Player
		require.NoError(t, db.Create(&models.Player{DisplayName: "Officer", Timezone: "UTC"}).Error)
		require.NoError(t, db.Where("display_name = ?", "Officer").Take(&officer).Error)

		// Fresh install: no config row, every switch off.
		require.NoError(t, b.DM(ctx, "900000000000006001", notify.Message{Kind: outbox.KindInvite, Content: "Your registration code: **ABCD2345**"}))
		var row models.DMOutbox
		require.NoError(t, db.Take(&row).Error)
		assert.Equal(t, outbox.StatusHeld, row.Status)
		assert.Equal(t, outbox.KindInvite, row.Kind)

		assert.Equal(t, outbox.Result{}, deliver(t, db, b, now))
		assert.Empty(t, fake.Messages(), "a held DM is not sent")

		require.NoError(t, outbox.Release(ctx, db, now, row.ID, officer.ID))
		res := deliver(t, db, b, now)
		assert.Equal(t, 1, res.Sent)
		row = outboxRow(t, db, row.ID)
		assert.Equal(t, outbox.StatusSent, row.Status)
		assert.Equal(t, 1, row.Attempts)
		require.NotNil(t, row.SentAt)
		msgs := fake.Messages()
		require.Len(t, msgs, 1)
		assert.Equal(t, "900000000000006001", msgs[0].RecipientID)
		assert.Contains(t, msgs[0].Content, "ABCD2345")
		require.Len(t, fake.CallsTo("POST /users/@me/channels"), 1)

		// A second release of the same row is a conflict; unknown is 404.
		assert.ErrorContains(t, outbox.Release(ctx, db, now, row.ID, officer.ID), "no longer held")
		assert.ErrorContains(t, outbox.Discard(ctx, db, now, 99999), "not found")
	})
}

func TestGatesDecideHeldOrPendingAndDiscard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		fake.AddMember(user("900000000000006101", "bob"), "")
		ctx := context.Background()
		now := time.Now().UTC().Add(time.Second) // after the DMs below are queued

		// Spec §11.1, stored then read back.
		for _, c := range []struct{ m, i, o, wantM, wantI, wantO bool }{
			{false, true, true, false, false, false},
			{true, false, false, true, false, false},
			{true, true, false, true, true, false},
			{true, false, true, true, false, true},
			{true, true, true, true, true, true},
		} {
			setGates(t, db, c.m, c.i, c.o)
			g, err := outbox.LoadGates(db)
			require.NoError(t, err)
			assert.Equal(t, []bool{c.wantM, c.wantI, c.wantO}, []bool{g.Allows(outbox.KindGeneral), g.InviteDM(), g.OnboardingDM()})
		}

		setGates(t, db, true, true, false)
		require.NoError(t, b.DM(ctx, "900000000000006101", notify.Message{Kind: outbox.KindInvite, Content: "invite"}))
		require.NoError(t, b.DM(ctx, "900000000000006101", notify.Message{Kind: outbox.KindOnboarding, Title: "Welcome"}))
		rows, err := outbox.List(ctx, db, 10)
		require.NoError(t, err)
		require.Len(t, rows, 2)
		assert.Equal(t, outbox.StatusHeld, rows[0].Status, "onboarding switch off")
		assert.Equal(t, outbox.StatusPending, rows[1].Status, "invite allowed")
		require.NoError(t, outbox.Discard(ctx, db, now, rows[0].ID))

		// The master switch goes off before delivery: the pending DM is held.
		setGates(t, db, false, true, false)
		res := deliver(t, db, b, now)
		assert.Equal(t, 1, res.Held)
		assert.Equal(t, outbox.StatusHeld, outboxRow(t, db, rows[1].ID).Status)
		assert.Equal(t, outbox.StatusDiscarded, outboxRow(t, db, rows[0].ID).Status)
		assert.Empty(t, fake.Messages())
	})
}

func TestCannotDMIsFailedAndNotRetried(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		fake.AddMember(&fakediscord.User{ID: "900000000000006201", Username: "closed", ClosedDMs: true}, "")
		setGates(t, db, true, false, false)
		ctx := context.Background()
		now := time.Now().UTC().Add(time.Second) // after the DMs below are queued
		require.NoError(t, b.DM(ctx, "900000000000006201", notify.Message{Content: "hello"}))
		res := deliver(t, db, b, now)
		assert.Equal(t, 1, res.Failed)
		var row models.DMOutbox
		require.NoError(t, db.Take(&row).Error)
		assert.Equal(t, outbox.StatusFailed, row.Status)
		require.NotNil(t, row.LastError)
		assert.Contains(t, *row.LastError, "50007")
		n := len(fake.Calls())
		assert.Equal(t, outbox.Result{}, deliver(t, db, b, now.Add(time.Hour)))
		assert.Len(t, fake.Calls(), n, "a failed DM is never tried again")
	})
}

func TestRateLimitIsHonouredAndTransientErrorsRetryWithBackoff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		fake.AddMember(user("900000000000006301", "carol"), "")
		setGates(t, db, true, false, false)
		ctx := context.Background()
		now := time.Now().UTC().Add(time.Second) // after the DMs below are queued

		// 429 with Discord's body: discordgo waits retry_after and retries.
		fake.RateLimitNext("POST /channels/", 50*time.Millisecond)
		require.NoError(t, b.DM(ctx, "900000000000006301", notify.Message{Content: "first"}))
		assert.Equal(t, 1, deliver(t, db, b, now).Sent)
		posts := fake.CallsTo("POST /channels/")
		require.Len(t, posts, 2)
		assert.Equal(t, 429, posts[0].Status)
		assert.Equal(t, 200, posts[1].Status)
		require.Len(t, fake.Messages(), 1)

		// A 500 is transient: the row waits for its back-off, then goes out.
		fake.FailNext("POST /channels/", 500, 0, "500: Internal Server Error")
		require.NoError(t, b.DM(ctx, "900000000000006301", notify.Message{Content: "second"}))
		assert.Equal(t, 1, deliver(t, db, b, now).Retry)
		var row models.DMOutbox
		require.NoError(t, db.Where("status = ?", outbox.StatusPending).Take(&row).Error)
		assert.Equal(t, 1, row.Attempts)
		require.NotNil(t, row.NextAttemptAt)
		assert.WithinDuration(t, now.Add(outbox.Backoff(1)), *row.NextAttemptAt, time.Second)
		assert.Equal(t, outbox.Result{}, deliver(t, db, b, now.Add(10*time.Second)), "not before its back-off")
		assert.Equal(t, 1, deliver(t, db, b, now.Add(time.Minute)).Sent)
		assert.Equal(t, outbox.StatusSent, outboxRow(t, db, row.ID).Status)
	})
}

func TestLongMessagesAreSplitAndEmbedsCutToDiscordLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		ctx := context.Background()
		long := strings.Repeat("Ünïcödé words here. ", 230) // 4600 characters
		id, err := b.Post(ctx, "900000000000000500", notify.Message{Content: long,
			Title: strings.Repeat("T", 300), Description: strings.Repeat("d", 5000), Footer: "PATT-Bot"})
		require.NoError(t, err)
		msgs := fake.Messages()
		require.Len(t, msgs, 3)
		assert.Equal(t, msgs[0].ID, id)
		total := 0
		for _, m := range msgs {
			assert.LessOrEqual(t, len([]rune(m.Content)), 2000)
			total += len([]rune(m.Content))
		}
		assert.Greater(t, total, 4500, "no text lost beyond the spaces at the cuts")
		require.Len(t, msgs[0].Embeds, 1)
		assert.Len(t, []rune(msgs[0].Embeds[0]["title"].(string)), 256)
		assert.True(t, strings.HasSuffix(msgs[0].Embeds[0]["title"].(string), "…"))

		// Discord's refusal reaches the caller with its code.
		_, err = b.Post(ctx, "900000000000000404", notify.Message{Content: "x"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "10003")
	})
}

// One member gets at most outbox.PerUserPerHour DMs an hour; the rest wait.
func TestPerMemberDMRate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		fake.AddMember(user("900000000000006401", "busy"), "")
		setGates(t, db, true, false, false)
		ctx := context.Background()
		for i := 0; i < outbox.PerUserPerHour+2; i++ {
			require.NoError(t, b.DM(ctx, "900000000000006401", notify.Message{Content: "note"}))
		}
		now := time.Now().UTC().Add(time.Second)
		res := deliver(t, db, b, now)
		assert.Equal(t, outbox.PerUserPerHour, res.Sent)
		assert.Equal(t, 2, res.Deferred)
		assert.Len(t, fake.Messages(), outbox.PerUserPerHour)
		assert.Equal(t, outbox.Result{}, deliver(t, db, b, now.Add(time.Minute)), "still within the hour and not yet due")
		assert.Equal(t, 2, deliver(t, db, b, now.Add(61*time.Minute)).Sent)
	})
}
