package identity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/models"
)

// SetPlayerRank is the one rank action: an unknown rank is bad input (not
// a missing player), a rank without a source is an officer's override, and
// a patch that fails half-way writes nothing.
func TestSetPlayerRank(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := admPlayer(t, db, "Ranked", 1)
		vet := admRank(t, db, 3)

		_, err := SetPlayerRank(db, System, p.ID, RankChange{RankID: To(admPtr(99999))})
		require.Equal(t, fault.KindInvalid, fault.KindOf(err))
		require.Equal(t, "Rank 99999 not found", fault.MessageOf(err))
		_, err = SetPlayerRank(db, System, 99999, RankChange{RankID: To(&vet.ID)})
		require.Equal(t, fault.KindNotFound, fault.KindOf(err))

		got, err := SetPlayerRank(db, System, p.ID, RankChange{RankID: To(&vet.ID)})
		require.NoError(t, err)
		require.Equal(t, vet.ID, *got.GuildRankID)
		require.Equal(t, RankSourceOverride, *got.GuildRankSource)

		got, err = SetPlayerRank(db, System, p.ID, RankChange{Source: To(admPtr(RankSourceCharacter))})
		require.NoError(t, err)
		require.Equal(t, vet.ID, *got.GuildRankID, "a source alone keeps the rank")
		require.Equal(t, RankSourceCharacter, *admReload(t, db, p.ID).GuildRankSource)

		// UpdatePlayer runs rename then rank in one transaction: the bad
		// rank undoes the rename.
		_, err = UpdatePlayer(db, System, p.ID, PlayerPatch{DisplayName: To("Renamed"), GuildRankID: To(admPtr(99999))})
		require.Equal(t, fault.KindInvalid, fault.KindOf(err))
		require.Equal(t, "Ranked", admReload(t, db, p.ID).DisplayName, "nothing half-written")
	})
}

// AssignCharacter: the character is checked first, then the player; no
// player unlinks.
func TestAssignCharacter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		a := admPlayer(t, db, "Alpha", 1)
		ch := admChar(t, db, "Assigned", 0)

		_, _, err := AssignCharacter(db, System, 99999, admPtr(99999))
		require.Equal(t, "Character 99999 not found", fault.MessageOf(err), "character first")
		_, _, err = AssignCharacter(db, System, ch.ID, admPtr(99999))
		require.Equal(t, fault.KindNotFound, fault.KindOf(err))
		require.Equal(t, "Player 99999 not found", fault.MessageOf(err))

		got, owner, err := AssignCharacter(db, System, ch.ID, &a.ID)
		require.NoError(t, err)
		require.Equal(t, ch.ID, got.ID)
		require.Equal(t, "Alpha", owner.DisplayName)
		own, err := OwnerOf(db, ch.ID)
		require.NoError(t, err)
		require.Equal(t, a.ID, *own)

		_, err = SetCharacterRole(db, System, ch.ID, CharMain)
		require.NoError(t, err)
		for _, none := range []*int{nil, admPtr(0)} {
			_, owner, err = AssignCharacter(db, System, ch.ID, none)
			require.NoError(t, err)
			require.Nil(t, owner)
			own, err = OwnerOf(db, ch.ID)
			require.NoError(t, err)
			require.Nil(t, own)
		}
		require.Nil(t, admReload(t, db, a.ID).MainCharacterID, "unlinking clears the main")
	})
}

// Invites: only a player without an account gets one; a new code ends the
// older ones; revoking needs an open code.
func TestIssueAndRevokeInvite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		p := admPlayer(t, db, "Newcomer", 1)
		reg := admPlayer(t, db, "Registered", 2)
		admAccount(t, db, &reg)
		officer := admPlayer(t, db, "Officer", 4)

		_, _, err := IssueInvite(db, reg.ID, &officer.ID, now)
		require.Equal(t, fault.KindConflict, fault.KindOf(err))
		require.Equal(t, "Registered already has a website account.", fault.MessageOf(err))
		_, _, err = IssueInvite(db, 99999, nil, now)
		require.Equal(t, fault.KindNotFound, fault.KindOf(err))
		err = RevokeOpenInvite(db, p.ID, now)
		require.Equal(t, fault.KindConflict, fault.KindOf(err))
		require.Equal(t, "There is no open invite code to revoke.", fault.MessageOf(err))

		first, got, err := IssueInvite(db, p.ID, &officer.ID, now)
		require.NoError(t, err)
		require.Equal(t, "Newcomer", got.DisplayName)
		require.Equal(t, officer.ID, *first.CreatedByPlayerID)
		second, _, err := IssueInvite(db, p.ID, &officer.ID, now)
		require.NoError(t, err)
		open := func() []models.InviteCode {
			var codes []models.InviteCode
			require.NoError(t, db.Where("player_id = ? AND expires_at > ?", p.ID, now).Find(&codes).Error)
			return codes
		}
		require.Len(t, open(), 1)
		require.Equal(t, second.Code, open()[0].Code, "only the newest code works")

		require.NoError(t, RevokeOpenInvite(db, p.ID, now))
		require.Empty(t, open())
		require.Equal(t, fault.KindNotFound, fault.KindOf(RevokeOpenInvite(db, 99999, now)))
	})
}

func TestPlayerTimezoneAndNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := admPlayer(t, db, "Bravo", 1)
		admPlayer(t, db, "Alpha", 0)
		require.NoError(t, db.Model(&b).Update("timezone", "Europe/Berlin").Error)
		tz, err := PlayerTimezone(db, b.ID)
		require.NoError(t, err)
		require.Equal(t, "Europe/Berlin", tz)
		_, err = PlayerTimezone(db, 99999)
		require.Equal(t, fault.KindNotFound, fault.KindOf(err))

		names, err := PlayerNames(db)
		require.NoError(t, err)
		require.Len(t, names, 2)
		require.Equal(t, []string{"Alpha", "Bravo"}, []string{names[0].DisplayName, names[1].DisplayName})
	})
}
