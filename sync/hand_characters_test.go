package sync_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/identity"
	"patt/models"
)

// Issue 11 item 1: characters typed in by hand before the sync was set up
// are the sync's characters afterwards (name + realm slug, any case), not
// twins; the member's link to theirs stays.
func TestSyncMergesHandAddedCharacters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		var druid models.Class
		require.NoError(t, db.Where("name = ?", "Druid").Take(&druid).Error)
		p := models.Player{DisplayName: "Trog", IsActive: true, Timezone: "UTC"}
		require.NoError(t, db.Create(&p).Error)
		own, err := identity.AddOwnCharacter(db, p.ID, identity.NewCharacter{Name: "trogmoon", Realm: "Sen'jin", ClassID: druid.ID}, now)
		require.NoError(t, err)
		_, err = identity.AddCharacter(db, identity.System, identity.NewCharacter{Name: "ZATAÑÑA", Realm: "SENJIN", ClassID: druid.ID, Level: 70}, nil, now)
		require.NoError(t, err)

		h := newHarness(t, db, member(1, "Trogmoon", 0), member(2, "Zatañña", 3))
		st, err := h.sync(t, false)
		require.NoError(t, err)
		require.Zero(t, st.New, "both were already known")

		var n int64
		require.NoError(t, db.Model(&models.Character{}).Count(&n).Error)
		require.EqualValues(t, 2, n, "no duplicates")
		c := character(t, db, "Trogmoon")
		require.Equal(t, own.ID, c.ID)
		require.Equal(t, int64(1), *c.BlizzardID, "the sync filled in the hand-added row")
		require.Equal(t, 80, *character(t, db, "Zatañña").Level)
		owner, err := identity.OwnerOf(db, own.ID)
		require.NoError(t, err)
		require.Equal(t, p.ID, *owner)
	})
}
