package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/auth"
	"patt/dbtest"
	"patt/models"
	"patt/schedule"
)

func activeNames(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	seen, err := schedule.VisibleAvailability(db, 0, true)
	require.NoError(t, err)
	var out []string
	for _, p := range seen {
		out = append(out, p.Player.DisplayName)
	}
	return out
}

// Issue 11 item 2: a leader invited by name (`patt invite --player X
// --rank "Guild Leader"`) retires the stand-in, whichever came first, so
// no unclaimed placeholder stays counted or claimable.
func TestInvitedLeaderRetiresThePlaceholder(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		// The server started first and offered the stand-in's invite.
		fi, err := auth.OfferFirstInvite(db, now)
		require.NoError(t, err)
		require.Equal(t, auth.PlaceholderName, fi.Player.DisplayName)

		p, inv, err := issueInvite(db, "Arthas", "Guild Leader", now)
		require.NoError(t, err)
		require.Equal(t, "Arthas", p.DisplayName)

		var ph models.Player
		require.NoError(t, db.Take(&ph, fi.Player.ID).Error)
		require.False(t, ph.IsActive, "the stand-in is retired")
		_, err = auth.CheckInvite(db, fi.Invite.Code, now)
		require.Error(t, err, "the stand-in's invite no longer registers anyone")
		require.Equal(t, []string{"Arthas"}, activeNames(t, db))

		// The next start points at Arthas's invite, not a new stand-in.
		next, err := auth.OfferFirstInvite(db, now)
		require.NoError(t, err)
		require.Equal(t, p.ID, next.Player.ID)
		require.Equal(t, inv.Code, next.Invite.Code)
		var n int64
		require.NoError(t, db.Model(&models.Player{}).Count(&n).Error)
		require.EqualValues(t, 2, n)
	})
}

func TestInviteBeforeFirstStartMakesNoPlaceholder(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p, _, err := issueInvite(db, "Jaina", "guild leader", now)
		require.NoError(t, err)
		fi, err := auth.OfferFirstInvite(db, now)
		require.NoError(t, err)
		require.Equal(t, p.ID, fi.Player.ID)
		var n int64
		require.NoError(t, db.Model(&models.Player{}).Count(&n).Error)
		require.EqualValues(t, 1, n, "no stand-in was made")
		require.Equal(t, []string{"Jaina"}, activeNames(t, db))
	})
}

// Installs from before the fix hold an active "Guild Leader" stand-in; it
// stops counting at the next start.
func TestOldPlaceholderIsRetiredAtStart(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		var top models.GuildRank
		require.NoError(t, db.Where("level = 5").Take(&top).Error)
		src := "admin_override"
		old := models.Player{DisplayName: "Guild Leader", GuildRankID: &top.ID, GuildRankSource: &src, IsActive: true, Timezone: "UTC"}
		require.NoError(t, db.Create(&old).Error)
		_, _, err := issueInvite(db, "Arthas", "Guild Leader", now)
		require.NoError(t, err)
		require.Equal(t, []string{"Arthas"}, activeNames(t, db))
	})
}
