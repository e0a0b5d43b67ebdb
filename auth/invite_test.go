package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Spec identity §10.2: generated codes.
func TestInviteCodeAlphabet(t *testing.T) {
	for range 50 {
		c := NewInviteCode()
		require.Len(t, c, 8)
		require.Equal(t, strings.ToUpper(c), c)
		for _, r := range c {
			require.Contains(t, InviteAlphabet, string(r))
		}
		require.NotContainsf(t, c, "0", c)
		for _, bad := range []string{"0", "O", "1", "I", "L"} {
			require.NotContains(t, c, bad)
		}
	}
	seen := map[string]bool{}
	for range 100 {
		seen[NewInviteCode()] = true
	}
	require.Len(t, seen, 100)
	require.Len(t, InviteAlphabet, 31)
}

func seedPlayer(t *testing.T, db *gorm.DB, name string) models.Player {
	t.Helper()
	p := models.Player{DisplayName: name, IsActive: true, Timezone: "America/New_York"}
	require.NoError(t, db.Create(&p).Error)
	return p
}

func TestInviteValidity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := seedPlayer(t, db, "Trog")
		inv, err := CreateInvite(db, p.ID, nil, t0, 24*time.Hour)
		require.NoError(t, err)
		require.Len(t, inv.Code, 8)
		require.Equal(t, p.ID, *inv.PlayerID)
		require.WithinDuration(t, t0.Add(24*time.Hour), *inv.ExpiresAt, time.Second)

		require.True(t, InviteValid(db, inv.Code, t0), "unused, expires in 24 h")
		require.True(t, InviteValid(db, " "+strings.ToLower(inv.Code)+" ", t0), "typed in lower case with spaces")
		require.True(t, InviteValid(db, inv.Code, t0.Add(24*time.Hour)), "valid up to and including expires_at")
		_, err = CheckInvite(db, inv.Code, t0.Add(25*time.Hour))
		require.ErrorIs(t, err, ErrInviteExpired, "expired 1 h ago")
		_, err = CheckInvite(db, "ZZZZZZZZ", t0)
		require.ErrorIs(t, err, ErrInviteNotFound)
		require.False(t, InviteValid(db, "", t0))

		require.NoError(t, db.Model(&models.InviteCode{}).Where("id = ?", inv.ID).Update("used_at", t0).Error)
		_, err = CheckInvite(db, inv.Code, t0)
		require.ErrorIs(t, err, ErrInviteUsed)

		never := models.InviteCode{Code: "NEVERXPR", PlayerID: &p.ID, CreatedAt: t0}
		require.NoError(t, db.Create(&never).Error)
		require.True(t, InviteValid(db, "NEVERXPR", t0.AddDate(10, 0, 0)), "a NULL expiry never expires")

		def, err := CreateInvite(db, p.ID, nil, t0, 0)
		require.NoError(t, err)
		require.WithinDuration(t, t0.Add(72*time.Hour), *def.ExpiresAt, time.Second, "default 72 h")
	})
}

func TestNewInviteSupersedesAndRevoke(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := seedPlayer(t, db, "Trog")
		other := seedPlayer(t, db, "Mito")
		officer := seedPlayer(t, db, "Officer")
		// Only a player ranked above the invited one may invite (issue 10).
		var r models.GuildRank
		require.NoError(t, db.Where("level = ?", 4).Take(&r).Error)
		require.NoError(t, db.Model(&officer).Update("guild_rank_id", r.ID).Error)
		first, err := CreateInvite(db, p.ID, &officer.ID, t0, 0)
		require.NoError(t, err)
		otherInv, err := CreateInvite(db, other.ID, nil, t0, 0)
		require.NoError(t, err)
		second, err := CreateInvite(db, p.ID, &officer.ID, t0.Add(time.Hour), 0)
		require.NoError(t, err)
		require.NotEqual(t, first.Code, second.Code)
		require.Equal(t, officer.ID, *second.CreatedByPlayerID)

		now := t0.Add(2 * time.Hour)
		_, err = CheckInvite(db, first.Code, now)
		require.ErrorIs(t, err, ErrInviteExpired, "a new code revokes the player's earlier one")
		require.True(t, InviteValid(db, second.Code, now))
		require.True(t, InviteValid(db, otherInv.Code, now), "other players' codes are untouched")

		open, err := OpenInvite(db, p.ID, now)
		require.NoError(t, err)
		require.Equal(t, second.Code, open.Code)

		require.NoError(t, RevokeInvite(db, strings.ToLower(second.Code), now))
		require.False(t, InviteValid(db, second.Code, now))
		open, err = OpenInvite(db, p.ID, now)
		require.NoError(t, err)
		require.Nil(t, open)
		require.ErrorIs(t, RevokeInvite(db, "ZZZZZZZZ", now), ErrInviteNotFound)

		_, err = CreateInvite(db, 999999, nil, now, 0)
		require.ErrorIs(t, err, ErrInviteNoPlayer)
	})
}

func TestCreateInviteRetriesOnCollision(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := seedPlayer(t, db, "Trog")
		q := seedPlayer(t, db, "Mito")
		taken, err := CreateInvite(db, p.ID, nil, t0, 0)
		require.NoError(t, err)

		codes := []string{taken.Code, taken.Code, "FRESHCDE"}
		calls := 0
		newInviteCode = func() string { c := codes[calls]; calls++; return c }
		t.Cleanup(func() { newInviteCode = NewInviteCode })

		inv, err := CreateInvite(db, q.ID, nil, t0, 0)
		require.NoError(t, err, "a collision is retried inside the same transaction")
		require.Equal(t, "FRESHCDE", inv.Code)
		require.Equal(t, 3, calls)
		require.True(t, InviteValid(db, taken.Code, t0), "the colliding code is not touched")
	})
}
