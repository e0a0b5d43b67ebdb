package voting

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/models"
)

// Issue 10 item 1: a deactivated player's ballot is refused by the domain
// itself, whoever calls it (web, bot) and however fresh their session.
func TestCastBallotRefusesInactivePlayer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := liveCampaign(t, db, nil, "A", "B", "C")
		p := seedPlayer(t, db, "Gone", 3)
		require.NoError(t, db.Model(&models.Player{}).Where("id = ?", p.ID).Update("is_active", false).Error)

		err := CastBallot(db, t0.Add(time.Hour), c.ID, p.ID, picksOf(c, "A", "B", "C"))
		errContains(t, err, fault.KindForbidden, "inactive")
		voted, err := HasVoted(db, c.ID, p.ID)
		require.NoError(t, err)
		require.False(t, voted, "nothing stored")
	})
}
