package demo_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/demo"
	"patt/models"
	"patt/voting"
)

func TestDemoCampaigns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC)
		res, err := demo.Seed(db, demo.Options{Now: func() time.Time { return now }})
		require.NoError(t, err)
		assert.Contains(t, res.Steps, "voting campaigns")
		cs, err := voting.List(db)
		require.NoError(t, err)
		require.Len(t, cs, 2)
		assert.Equal(t, voting.StatusLive, cs[0].Status)
		assert.Equal(t, voting.StatusClosed, cs[1].Status)
		for i := range cs {
			st, err := voting.CampaignStats(db, &cs[i])
			require.NoError(t, err)
			assert.Greater(t, st.Voted, 3, cs[i].Title)
			assert.Greater(t, st.Eligible, st.Voted, cs[i].Title)
			tl, err := voting.Standings(db, &cs[i])
			require.NoError(t, err)
			assert.Greater(t, tl.Standings[0].Score, 0)
		}
		tl, err := voting.Standings(db, &cs[1])
		require.NoError(t, err)
		assert.Equal(t, voting.TypeIRV, tl.Type)
		assert.NotEmpty(t, tl.Rounds)
		var n int64
		db.Model(&models.CampaignResult{}).Where("campaign_id = ?", cs[1].ID).Count(&n)
		assert.EqualValues(t, 5, n)
	})
}
