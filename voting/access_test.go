package voting

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
)

// §6 / §12.12: drafts are invisible to members, a rank too low is
// refused, a campaign past its end is closed by the read; standings are for
// voters until close, the live feed for voters always.
func TestCampaignAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		member := seedPlayer(t, db, "Member", 2)
		voter := seedPlayer(t, db, "Voter", 2)
		draft := seedCampaign(t, db, nil, "A", "B", "C")
		four := 4
		high := liveCampaign(t, db, func(s *Settings) { s.MinRankToView = &four }, "A", "B", "C")
		live := liveCampaign(t, db, func(s *Settings) { s.MinRankToVote = 1 }, "A", "B", "C")
		now := t0.Add(3 * time.Hour)
		require.NoError(t, CastBallot(db, now, live.ID, voter.ID, picksOf(live, "A", "B", "C")))

		m := Viewer{PlayerID: member.ID, Level: 2}
		_, err := ViewCampaign(db, now, draft.ID, m)
		require.ErrorIs(t, err, ErrCampaignHidden)
		_, err = ViewCampaign(db, now, 99999, m)
		require.ErrorIs(t, err, ErrCampaignHidden)
		_, err = ViewCampaign(db, now, high.ID, m)
		require.ErrorIs(t, err, ErrCampaignRank)
		got, err := ViewCampaign(db, now, draft.ID, Viewer{Officer: true})
		require.NoError(t, err)
		require.Equal(t, StatusDraft, got.Status)

		list, err := VisibleCampaigns(db, m, "")
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, live.ID, list[0].ID)
		list, err = VisibleCampaigns(db, Viewer{Officer: true}, StatusLive)
		require.NoError(t, err)
		require.Len(t, list, 2)

		got, err = ViewCampaign(db, now, live.ID, m)
		require.NoError(t, err)
		require.ErrorIs(t, CheckStandingsAccess(db, got, 0), ErrResultsNotYet)
		require.ErrorIs(t, CheckStandingsAccess(db, got, member.ID), ErrVoteFirst)
		require.NoError(t, CheckStandingsAccess(db, got, voter.ID))
		require.ErrorIs(t, CheckLiveStandingsAccess(db, got, member.ID), ErrVoteFirstLive)

		after := EndAt(got).Add(time.Minute)
		got, err = ViewCampaign(db, after, live.ID, m)
		require.NoError(t, err)
		require.Equal(t, StatusClosed, got.Status, "read after the end closes it")
		require.NoError(t, CheckStandingsAccess(db, got, 0), "closed: anyone who may see it")
		require.ErrorIs(t, CheckLiveStandingsAccess(db, got, member.ID), ErrVoteFirstLive, "the live feed stays for voters")
	})
}
