package voting

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// landingCampaign stores a campaign as it would be after its life so far:
// start, status, view rank and the time of its last change.
func landingCampaign(t *testing.T, db *gorm.DB, title, status string, start time.Time, minView *int, updated time.Time) models.Campaign {
	t.Helper()
	c := models.Campaign{Title: title, Status: status, StartAt: start, DurationHours: 24, MinRankToView: minView,
		MinRankToVote: 1, CreatedAt: start, UpdatedAt: updated}
	require.NoError(t, db.Omit("Entries").Create(&c).Error)
	return c
}

func titles(cs []models.Campaign) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Title
	}
	return out
}

// §12.15: the landing page shows the live campaigns a viewer may see and
// the three latest closed ones by when they really closed (an early close
// counts from its close, not from end_at); drafts never.
func TestLandingCampaigns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		day := 24 * time.Hour
		four := 4
		landingCampaign(t, db, "Draft", StatusDraft, t0, nil, t0)
		landingCampaign(t, db, "Live old", StatusLive, t0.Add(-2*time.Hour), nil, t0)
		landingCampaign(t, db, "Live new", StatusLive, t0.Add(-time.Hour), nil, t0)
		landingCampaign(t, db, "Live officers", StatusLive, t0.Add(-3*time.Hour), &four, t0)
		// closed: ends at start + 24 h unless closed early
		landingCampaign(t, db, "Closed 1", StatusClosed, t0.Add(-10*day), nil, t0.Add(-9*day))
		landingCampaign(t, db, "Closed 2", StatusClosed, t0.Add(-8*day), nil, t0.Add(-7*day))
		landingCampaign(t, db, "Closed early", StatusClosed, t0.Add(-6*day), nil, t0.Add(-6*day+time.Hour))
		landingCampaign(t, db, "Closed 3", StatusClosed, t0.Add(-6*day-12*time.Hour), nil, t0.Add(-5*day))
		landingCampaign(t, db, "Closed officers", StatusClosed, t0.Add(-2*day), &four, t0.Add(-day))

		got, err := LandingCampaigns(db, 2)
		require.NoError(t, err)
		require.Equal(t, []string{"Live new", "Live old"}, titles(got.Live), "newest start first, hidden ones left out")
		// Closed 3 ended at -5d12h; Closed early at -6d+1h; Closed 2 at -7d.
		require.Equal(t, []string{"Closed 3", "Closed early", "Closed 2"}, titles(got.Recent))

		got, err = LandingCampaigns(db, 4)
		require.NoError(t, err)
		require.Equal(t, []string{"Live new", "Live old", "Live officers"}, titles(got.Live))
		require.Equal(t, "Closed officers", got.Recent[0].Title)
	})
}
