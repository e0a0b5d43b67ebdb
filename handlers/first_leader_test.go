package handlers

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/auth"
	"patt/dbtest"
	"patt/models"
	"patt/schedule"
)

// Issue 11 item 2: the first leader registers with the fresh install's
// invite and the player takes the name they registered with; until then
// the stand-in is counted nowhere.
func TestFirstLeaderIsNamedAtRegistration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		fi, err := auth.OfferFirstInvite(db, s.Now())
		require.NoError(t, err)
		require.NotNil(t, fi)

		// Unclaimed, the stand-in is in no denominator.
		seen, err := schedule.VisibleAvailability(db, 0, true)
		require.NoError(t, err)
		require.Empty(t, seen, "the unclaimed stand-in is not an active player")

		b := newBrowser(t, app)
		b.get("/register?code=" + fi.Invite.Code)
		resp, body := b.postForm("/register", url.Values{
			"code": {fi.Invite.Code}, "discord_username": {" Thrallmar "},
			"password": {"securepw1"}, "password2": {"securepw1"},
		})
		require.Equal(t, 302, resp.StatusCode, body)

		var p models.Player
		require.NoError(t, db.Preload("Rank").Take(&p, fi.Player.ID).Error)
		require.Equal(t, "Thrallmar", p.DisplayName, "named as registered, not \"Guild Leader\"")
		require.True(t, p.IsActive)
		require.Equal(t, 5, p.Rank.Level)

		_, body = b.get("/profile")
		require.Contains(t, body, "Thrallmar")
		seen, err = schedule.VisibleAvailability(db, 0, true)
		require.NoError(t, err)
		require.Len(t, seen, 1)

		// With an account, the next start offers nothing more.
		again, err := auth.OfferFirstInvite(db, s.Now())
		require.NoError(t, err)
		require.Nil(t, again)
	})
}
