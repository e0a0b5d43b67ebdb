package handlers

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/demo"
	"patt/models"
)

func TestLandingPageWithTheDemoGuild(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, err := demo.Seed(db, demo.Options{})
		require.NoError(t, err)
		app, s := testApp(t, db)
		// A fixed clock in January: New York is on EST.
		s.Now = func() time.Time { return time.Date(2026, 1, 12, 15, 0, 0, 0, time.UTC) }

		resp, body := get(t, app, "/")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Pull All The Things")
		require.Contains(t, body, `href="/login"`)
		require.Contains(t, body, `href="/roster"`)
		// Recruiting: the demo guild is one healer short.
		require.Regexp(t, `(?s)Healer</strong>\s*<span class="muted">1 needed`, body)
		// Schedule on the guild's clock with the zone in force.
		require.Contains(t, body, "Tuesday")
		require.Contains(t, body, "09:00 PM EST")
		require.NotContains(t, body, "your time:")
		// Officers: the guild leader first, main coloured by class.
		require.Contains(t, body, "👑")
		require.Regexp(t, `class="officers__main" style="color: #[0-9A-F]{6}"`, body)
		require.Less(t, strings.Index(body, ">Trog<"), strings.Index(body, ">Kazrah<"))
		// Mito's quote of the day.
		require.Regexp(t, `— Mito, [A-Z]`, body)

		// Summer: EDT.
		s.Now = func() time.Time { return time.Date(2026, 7, 13, 15, 0, 0, 0, time.UTC) }
		s.pages = newPageCache(s.DB, s.Now)
		_, body = get(t, app, "/")
		require.Contains(t, body, "09:00 PM EDT")
	})
}

// Logged-in viewers see the schedule on their own clock too, and their own
// name in the header — never another viewer's, though the body is cached.
func TestLandingPageViewerZoneAndNoLeaks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		require.NoError(t, db.Create(&models.RecurringEvent{Label: "Heroic Raid", DayOfWeek: 1,
			DefaultStartTime: mustTime(t, "21:00"), IsActive: true, DisplayOnPublic: true}).Error)
		app, s := testApp(t, db)
		s.Now = func() time.Time { return time.Date(2026, 1, 12, 15, 0, 0, 0, time.UTC) }

		west, westUser := seedMember(t, db, "Westy", 2)
		require.NoError(t, db.Model(&west).Update("timezone", "America/Los_Angeles").Error)
		_, twinUser := seedMember(t, db, "Twin", 2)
		require.NoError(t, db.Model(&models.Player{}).Where("display_name = ?", "Twin").Update("timezone", "America/Los_Angeles").Error)

		wb := newBrowser(t, app).loginAs(s, westUser)
		_, body := wb.get("/")
		require.Contains(t, body, "Westy")
		require.Contains(t, body, "09:00 PM EST")
		require.Contains(t, body, "your time: Tuesday 06:00 PM PST")
		westCSRF := wb.csrf

		tb := newBrowser(t, app).loginAs(s, twinUser)
		_, body = tb.get("/")
		require.Contains(t, body, "Twin")
		require.NotContains(t, body, "Westy", "same cache key, own header")
		require.NotContains(t, body, westCSRF, "own CSRF token")
		require.Contains(t, body, "your time: Tuesday 06:00 PM PST")

		_, body = get(t, app, "/")
		require.NotContains(t, body, "Twin")
		require.NotContains(t, body, "your time:")

		// A zone change (another connection would do) shows at once.
		require.NoError(t, db.Model(&west).Update("timezone", "America/Chicago").Error)
		_, body = wb.get("/")
		require.Contains(t, body, "your time: Tuesday 08:00 PM CST")
	})
}

func TestLandingPageSeesMitoWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)
		_, body := get(t, app, "/")
		require.Contains(t, body, "Healer Extraordinaire", "fallback title")
		require.NoError(t, db.Create(&models.MitoTitle{Title: "Sole Title Holder"}).Error)
		_, body = get(t, app, "/")
		require.Contains(t, body, "Sole Title Holder")
		require.Regexp(t, regexp.MustCompile(`Roster</a>`), body, "Roster in the public nav")
	})
}
