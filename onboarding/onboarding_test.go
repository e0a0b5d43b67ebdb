package onboarding_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/bot/outbox"
	"patt/dbtest"
	"patt/models"
	"patt/notify"
	"patt/onboarding"
)

func TestTypedAnswers(t *testing.T) {
	for _, c := range []struct {
		in                  string
		inGuild, understood bool
	}{
		{"yes", true, true}, {" YES ", true, true}, {"Y", true, true}, {"yup", true, true}, {"si", true, true}, {"ye", true, true},
		{"no", false, true}, {"Nope", false, true}, {"nah", false, true}, {"not yet", false, true}, {"NOT YET", false, true},
		{"not  yet", true, false}, {"maybe", true, false}, {"I think so", true, false}, {"", true, false},
	} {
		g, u := onboarding.Answer(c.in)
		assert.Equal(t, c.inGuild, g, "%q", c.in)
		assert.Equal(t, c.understood, u, "%q", c.in)
	}
	for in, want := range map[string]string{
		"Trogmoon": "Trogmoon", "  trogmoon  ": "trogmoon", "Trogmoon-Senjin": "Trogmoon", "Trogmoon - Sen'jin": "Trogmoon",
		"Trogmoon (Druid)": "Trogmoon", "Trogmoon/Senjin": "Trogmoon/Senjin", "Trog moon": "Trog moon", "-Trogmoon": "",
	} {
		assert.Equal(t, want, onboarding.CharacterName(in), "%q", in)
	}
	for in, want := range map[string][]string{
		"none": nil, "NONE": nil, "N/A": nil, "na": nil, "0": nil, "-": nil, "nope": nil, "no": nil,
		"Alt1, Alt2": {"Alt1", "Alt2"}, "Alt1-Senjin, Alt2 (Priest)": {"Alt1", "Alt2"}, "Alt1,,Alt2, ": {"Alt1", "Alt2"},
		"Alt1 Alt2": {"Alt1 Alt2"}, "no alts": {"no alts"},
		"Alt1, -x": {"Alt1"}, // the reference kept an empty name (§11.4); a blank is dropped here
	} {
		assert.Equal(t, want, onboarding.AltNames(in), "%q", in)
	}
}

func TestComponentIDs(t *testing.T) {
	id := onboarding.ComponentID(onboarding.ActAltsForm, 2147483647)
	assert.LessOrEqual(t, len(id), 100, "Discord's custom_id limit")
	a, n, ok := onboarding.ParseComponentID(id)
	assert.True(t, ok)
	assert.Equal(t, onboarding.ActAltsForm, a)
	assert.Equal(t, 2147483647, n)
	for _, bad := range []string{"", "onb:", "onb:yes", "onb:yes:x", "onb:yes:-1", "other:yes:1"} {
		_, _, ok := onboarding.ParseComponentID(bad)
		assert.False(t, ok, bad)
	}
}

type world struct {
	db    *gorm.DB
	clk   time.Time
	mu    sync.Mutex
	rec   *notify.Recorder
	svc   *onboarding.Service
	chars map[string]int
}

func (w *world) now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.clk
}

func (w *world) add(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clk = w.clk.Add(d)
}

func gates(t *testing.T, db *gorm.DB, on bool) {
	t.Helper()
	var cfg models.DiscordConfig
	require.NoError(t, db.Order("id").Limit(1).Find(&cfg).Error)
	if cfg.ID == 0 {
		cfg = models.DiscordConfig{GuildDiscordID: "1", RoleSyncIntervalHours: 24, RaidDefaultTemplateID: "wowretail2"}
		require.NoError(t, db.Create(&cfg).Error)
	}
	require.NoError(t, db.Model(&models.DiscordConfig{}).Where("id = ?", cfg.ID).Updates(map[string]any{
		"bot_dm_enabled": on, "feature_invite_dm": on, "feature_onboarding_dm": on}).Error)
}

func newWorld(t *testing.T, db *gorm.DB) *world {
	w := &world{db: db, clk: time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC), rec: &notify.Recorder{}, chars: map[string]int{}}
	w.svc = onboarding.New(db, onboarding.Config{BaseURL: "https://patt.example", AuditChannelID: "555"}, nil, w.now,
		func() notify.Notifier { return w.rec })
	gates(t, db, true)
	for _, n := range []string{"Trogmoon", "Trogalt"} {
		c := models.Character{Name: n, RealmSlug: "senjin"}
		require.NoError(t, db.Create(&c).Error)
		w.chars[n] = c.ID
	}
	return w
}

func (w *world) member(t *testing.T, id, name string) {
	t.Helper()
	require.NoError(t, w.db.Create(&models.DiscordUser{DiscordID: id, Username: name, DisplayName: &name, IsPresent: true}).Error)
}

func (w *world) sess(t *testing.T, id string) models.OnboardingSession {
	t.Helper()
	s, ok, err := w.svc.ByDiscordID(context.Background(), id)
	require.NoError(t, err)
	require.True(t, ok)
	return s
}

func (w *world) outbox(t *testing.T, id string) []models.DMOutbox {
	t.Helper()
	var rows []models.DMOutbox
	require.NoError(t, w.db.Where("recipient_discord_id = ?", id).Order("id").Find(&rows).Error)
	return rows
}

func (w *world) click(t *testing.T, discordID, action string, values ...string) onboarding.Reply {
	t.Helper()
	r, err := w.svc.Interaction(context.Background(), discordID, onboarding.ComponentID(action, w.sess(t, discordID).ID), values, nil)
	require.NoError(t, err)
	return r
}

// toAlts takes a member to the alts question with Trogmoon as main.
func (w *world) toAlts(t *testing.T, id string) {
	t.Helper()
	ctx := context.Background()
	w.member(t, id, "M"+id)
	require.NoError(t, w.svc.Joined(ctx, id))
	w.click(t, id, onboarding.ActYes)
	require.NoError(t, w.svc.Typed(ctx, id, "trogmoon"))
	w.click(t, id, onboarding.ActMain, strconv.Itoa(w.chars["Trogmoon"]))
	require.Equal(t, onboarding.StateAskedAlts, w.sess(t, id).State)
}

func TestConcurrentFinishProvisionsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		w.toAlts(t, "42")
		id := onboarding.ComponentID(onboarding.ActNoAlts, w.sess(t, "42").ID)
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = w.svc.Interaction(context.Background(), "42", id, nil, nil)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				// SQLite serialises writers; a loser may see "busy" and
				// must then change nothing.
				assert.Contains(t, strings.ToLower(err.Error()), "lock")
			}
		}
		assert.Equal(t, onboarding.StateProvisioned, w.sess(t, "42").State)
		var players, codes, links int64
		require.NoError(t, db.Model(&models.Player{}).Count(&players).Error)
		require.NoError(t, db.Model(&models.InviteCode{}).Count(&codes).Error)
		require.NoError(t, db.Model(&models.PlayerCharacter{}).Count(&links).Error)
		assert.EqualValues(t, 1, players)
		assert.EqualValues(t, 1, codes)
		assert.EqualValues(t, 1, links)
		n := 0
		for _, r := range w.outbox(t, "42") {
			if strings.Contains(r.Payload, "officially set up") {
				n++
			}
		}
		assert.Equal(t, 1, n, "one set-up DM")
	})
}

func TestGateOffWaitsThenCheckerWelcomes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		gates(t, db, false)
		w.member(t, "7", "Seven")
		require.NoError(t, w.svc.Joined(context.Background(), "7"))
		assert.Equal(t, onboarding.StateAwaitingDM, w.sess(t, "7").State)
		assert.Empty(t, w.outbox(t, "7"), "no DM while onboarding DMs are off")
		st, err := w.svc.Check(context.Background())
		require.NoError(t, err)
		assert.Zero(t, st.Welcomed)

		gates(t, db, true)
		st, err = w.svc.Check(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 1, st.Welcomed)
		assert.Equal(t, onboarding.StateAskedInGuild, w.sess(t, "7").State)
		rows := w.outbox(t, "7")
		require.Len(t, rows, 1)
		assert.Equal(t, outbox.StatusPending, rows[0].Status)
		assert.Equal(t, onboarding.KindDM, rows[0].Kind)
	})
}

func TestQuietMemberIsNudgedThenTimesOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		w.member(t, "8", "Eight")
		require.NoError(t, w.svc.Joined(ctx, "8"))
		check := func() onboarding.Stats {
			st, err := w.svc.Check(ctx)
			require.NoError(t, err)
			return st
		}
		w.add(59 * time.Minute)
		assert.Zero(t, check().Nudged, "not before the quiet hour")
		w.add(2 * time.Minute)
		assert.Equal(t, 1, check().Nudged)
		assert.Zero(t, check().Nudged, "one nudge per due time")
		rows := w.outbox(t, "8")
		require.Len(t, rows, 2)
		assert.Contains(t, rows[1].Payload, "Still there?")
		assert.Contains(t, rows[1].Payload, "onb:yes:", "the nudge carries the question's buttons")
		w.add(24 * time.Hour)
		assert.Equal(t, 1, check().Nudged, "second nudge a day later")
		w.add(24 * time.Hour)
		assert.Zero(t, check().Nudged, "no third nudge")
		w.add(5 * 24 * time.Hour)
		assert.Equal(t, 1, check().TimedOut)
		s := w.sess(t, "8")
		assert.Equal(t, onboarding.StateTimedOut, s.State)
		assert.Equal(t, "no_answer", *s.ClosedReason)
		assert.Len(t, w.outbox(t, "8"), 3)
	})
}

func TestNotInGuildIsCheckedBackOnHonestly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		w.member(t, "9", "Nine")
		require.NoError(t, w.svc.Joined(ctx, "9"))
		r := w.click(t, "9", onboarding.ActNo)
		require.NotNil(t, r.Update)
		assert.Contains(t, r.Update.Content, "Ask any officer in game for a guild invite")
		assert.NotContains(t, r.Update.Content, "/pattsync", "no promise of a command that does not exist")
		s := w.sess(t, "9")
		assert.Equal(t, onboarding.StateAskedMain, s.State)
		assert.False(t, *s.IsInGuild)
		w.add(2 * time.Hour)
		st, _ := w.svc.Check(ctx)
		assert.Zero(t, st.Nudged, "the check-back is a day later")
		w.add(23 * time.Hour)
		st, _ = w.svc.Check(ctx)
		assert.Equal(t, 1, st.Nudged)
		rows := w.outbox(t, "9")
		assert.Contains(t, rows[len(rows)-1].Payload, "Checking back as promised")
		// Once in the guild they type their main's name.
		require.NoError(t, w.svc.Typed(ctx, "9", "Trogmoon"))
		rows = w.outbox(t, "9")
		assert.Contains(t, rows[len(rows)-1].Payload, "onb:main:")
	})
}

func TestUnmatchedMainRetriesThenEscalatesOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		w.toAlts(t, "10")
		// The main leaves the roster before verification.
		now := w.now()
		require.NoError(t, db.Model(&models.Character{}).Where("id = ?", w.chars["Trogmoon"]).Update("removed_at", now).Error)
		w.click(t, "10", onboarding.ActNoAlts)
		s := w.sess(t, "10")
		assert.Equal(t, onboarding.StatePending, s.State)
		assert.Equal(t, 1, s.VerificationAttempts)
		st, _ := w.svc.Check(ctx)
		assert.Zero(t, st.Verified+st.Escalated, "next try in 6 hours, not every run")
		assert.Equal(t, 1, w.sess(t, "10").VerificationAttempts)
		w.add(6*time.Hour + time.Minute)
		_, _ = w.svc.Check(ctx)
		assert.Equal(t, 2, w.sess(t, "10").VerificationAttempts)

		// The post fails: the escalation is not marked and is retried.
		w.add(18 * time.Hour)
		w.rec.Err = assert.AnError
		_, err := w.svc.Check(ctx)
		require.Error(t, err)
		s = w.sess(t, "10")
		require.NotNil(t, s.EscalationReason)
		assert.Nil(t, s.EscalatedAt, "not marked escalated before the post went out")
		w.rec.Err = nil
		st, err = w.svc.Check(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, st.Escalated)
		s = w.sess(t, "10")
		require.NotNil(t, s.EscalatedAt)
		posts := w.rec.Sent()
		require.Len(t, posts, 1)
		assert.Equal(t, "555", posts[0].ChannelID)
		assert.Contains(t, posts[0].Message.Description, "<@10>")
		require.Len(t, posts[0].Message.Buttons, 2)
		var issues int64
		require.NoError(t, db.Model(&models.AuditIssue{}).Where("issue_type = ?", onboarding.IssueType).Count(&issues).Error)
		assert.EqualValues(t, 1, issues)
		attempts := s.VerificationAttempts
		w.add(48 * time.Hour)
		st, _ = w.svc.Check(ctx)
		assert.Equal(t, onboarding.Stats{}, st, "after escalation officers decide; no more retries or posts")
		assert.Equal(t, attempts, w.sess(t, "10").VerificationAttempts)
	})
}

func TestSomeoneElsesButtonsAndStaleClicks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		w.toAlts(t, "11")
		w.member(t, "12", "Twelve")
		r, err := w.svc.Interaction(ctx, "12", onboarding.ComponentID(onboarding.ActNoAlts, w.sess(t, "11").ID), nil, nil)
		require.NoError(t, err)
		assert.Equal(t, "These buttons belong to someone else's conversation.", r.Note)
		assert.Equal(t, onboarding.StateAskedAlts, w.sess(t, "11").State)
		// A stale Yes shows the question the member is on now.
		r = w.click(t, "11", onboarding.ActYes)
		require.NotNil(t, r.Update)
		assert.Contains(t, r.Update.Content, "Do you have alts in the guild?")
		// A value the menu never offered is not taken.
		require.NoError(t, db.Model(&models.OnboardingSession{}).Where("discord_id = ?", "11").
			Updates(map[string]any{"state": onboarding.StateAskedMain}).Error)
		w.click(t, "11", onboarding.ActMain, strconv.Itoa(w.chars["Trogalt"]))
		assert.Equal(t, onboarding.StateAskedMain, w.sess(t, "11").State)
	})
}
