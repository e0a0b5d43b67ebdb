package identity

import (
	"time"

	"gorm.io/gorm"

	"patt/auth"
	"patt/models"
)

// Invites as an officer's player action: the invite code itself (its
// format, expiry and superseding) is auth's; who may get one is decided
// here.

// IssueInvite gives a player without a website account a fresh invite code
// (older unused codes stop working), in one transaction. It returns the
// code and the player, with Discord user, for the answer. A player who
// already has an account is a KindConflict fault.
func IssueInvite(db *gorm.DB, playerID int, issuedBy *int, now time.Time) (*models.InviteCode, models.Player, error) {
	var inv *models.InviteCode
	var p models.Player
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if p, err = PlayerByID(tx, playerID); err != nil {
			return err
		}
		if p.WebsiteUserID != nil {
			return conflict("%s already has a website account.", p.DisplayName)
		}
		inv, err = auth.CreateInvite(tx, playerID, issuedBy, now, auth.DefaultInviteTTL)
		return err
	})
	if err != nil {
		return nil, p, err
	}
	return inv, p, nil
}

// RevokeOpenInvite ends the player's open invite code; a player without one
// is a KindConflict fault.
func RevokeOpenInvite(db *gorm.DB, playerID int, now time.Time) error {
	return db.Transaction(func(tx *gorm.DB) error {
		if _, err := loadPlayer(tx, playerID); err != nil {
			return err
		}
		inv, err := auth.OpenInvite(tx, playerID, now)
		if err != nil {
			return err
		}
		if inv == nil {
			return conflict("There is no open invite code to revoke.")
		}
		return auth.RevokeInvite(tx, inv.Code, now)
	})
}
