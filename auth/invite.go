package auth

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// DefaultInviteTTL is how long a new invite code stays usable.
const DefaultInviteTTL = 72 * time.Hour

// inviteAttempts bounds the retries on a code collision. With 31^8 codes a
// second collision in a row means something else is wrong.
const inviteAttempts = 5

// Why an invite code does not open registration. The domain keeps the
// precise reason (officers and tests need it); the register form shows one
// message for all three so a visitor cannot probe which codes exist.
var (
	ErrInviteNotFound = fault.New(fault.KindMalformed, "Invalid invite code.")
	ErrInviteUsed     = fault.New(fault.KindMalformed, "This invite code has already been used.")
	ErrInviteExpired  = fault.New(fault.KindMalformed, "This invite code has expired.")
	ErrInviteNoPlayer = fault.New(fault.KindMalformed, "Invite code is not associated with a player.")
)

// CreateInvite issues a new invite code bound to the player, usable for ttl
// (DefaultInviteTTL when ttl <= 0). Any earlier unused code of the same
// player is revoked in the same transaction: only the newest link works.
func CreateInvite(db *gorm.DB, playerID int, createdByPlayerID *int, now time.Time, ttl time.Duration) (*models.InviteCode, error) {
	if ttl <= 0 {
		ttl = DefaultInviteTTL
	}
	now = now.UTC()
	expires := now.Add(ttl)
	var inv models.InviteCode
	err := db.Transaction(func(tx *gorm.DB) error {
		var player models.Player
		if err := tx.Select("id").Take(&player, playerID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrInviteNoPlayer
			}
			return err
		}
		if createdByPlayerID != nil {
			if err := mayInvite(tx, *createdByPlayerID, playerID); err != nil {
				return err
			}
		}
		if err := revokeUnused(tx, playerID, now); err != nil {
			return err
		}
		for attempt := 1; ; attempt++ {
			inv = models.InviteCode{
				Code:              newInviteCode(),
				PlayerID:          &playerID,
				CreatedByPlayerID: createdByPlayerID,
				ExpiresAt:         &expires,
				GeneratedBy:       "manual",
				CreatedAt:         now,
			}
			// A savepoint, so a UNIQUE collision does not abort the
			// surrounding Postgres transaction and the retry can run.
			err := tx.Transaction(func(sp *gorm.DB) error { return sp.Create(&inv).Error })
			if err == nil {
				return nil
			}
			if !errors.Is(err, gorm.ErrDuplicatedKey) || attempt >= inviteAttempts {
				return err
			}
		}
	})
	if err != nil {
		if errors.Is(err, ErrInviteNoPlayer) || errors.Is(err, ErrInviteAboveRank) || errors.Is(err, ErrAccountInactive) {
			return nil, err
		}
		return nil, fmt.Errorf("create invite for player %d: %w", playerID, err)
	}
	return &inv, nil
}

// revokeUnused ends every still-open code of the player. Revoked codes are
// kept (with their expiry moved into the past) so the history stays
// readable; "expired" is exactly what they now are.
func revokeUnused(tx *gorm.DB, playerID int, now time.Time) error {
	past := now.Add(-time.Second)
	return tx.Model(&models.InviteCode{}).
		Where("player_id = ? AND used_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", playerID, past).
		Update("expires_at", past).Error
}

// RevokeInvite makes an unused code unusable from now on. Revoking a code
// that does not exist or was already used is ErrInviteNotFound / ErrInviteUsed.
func RevokeInvite(db *gorm.DB, code string, now time.Time) error {
	code = NormalizeInviteCode(code)
	var inv models.InviteCode
	if err := db.Where("code = ?", code).Take(&inv).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrInviteNotFound
		}
		return fmt.Errorf("revoke invite: %w", err)
	}
	if inv.UsedAt != nil {
		return ErrInviteUsed
	}
	past := now.UTC().Add(-time.Second)
	if inv.ExpiresAt != nil && !inv.ExpiresAt.After(past) {
		return nil // already ended
	}
	if err := db.Model(&models.InviteCode{}).Where("id = ?", inv.ID).Update("expires_at", past).Error; err != nil {
		return fmt.Errorf("revoke invite %d: %w", inv.ID, err)
	}
	return nil
}

// CheckInvite returns the invite behind a code as a person typed it, or why
// it cannot be used: it must exist, be unused, and not be past its expiry
// (a NULL expiry never expires).
func CheckInvite(db *gorm.DB, code string, now time.Time) (*models.InviteCode, error) {
	code = NormalizeInviteCode(code)
	if code == "" {
		return nil, ErrInviteNotFound
	}
	var inv models.InviteCode
	if err := db.Where("code = ?", code).Take(&inv).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrInviteNotFound
		}
		return nil, fmt.Errorf("look up invite: %w", err)
	}
	if inv.UsedAt != nil {
		return &inv, ErrInviteUsed
	}
	if inv.ExpiresAt != nil && now.After(*inv.ExpiresAt) {
		return &inv, ErrInviteExpired
	}
	return &inv, nil
}

// InviteValid reports whether a code would open registration now.
func InviteValid(db *gorm.DB, code string, now time.Time) bool {
	_, err := CheckInvite(db, code, now)
	return err == nil
}

// OpenInvite returns the player's newest code that is still usable, or nil.
func OpenInvite(db *gorm.DB, playerID int, now time.Time) (*models.InviteCode, error) {
	var inv models.InviteCode
	err := db.Where("player_id = ? AND used_at IS NULL AND (expires_at IS NULL OR expires_at >= ?)", playerID, now.UTC()).
		Order("id DESC").Take(&inv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open invite of player %d: %w", playerID, err)
	}
	return &inv, nil
}

// newInviteCode is NewInviteCode; tests replace it to force a collision.
var newInviteCode = NewInviteCode

// ErrInviteAboveRank refuses an officer an invite for a player ranked at or
// above them: registering would hand out a login with that rank.
var ErrInviteAboveRank = fault.Forbidden("You cannot invite a player whose rank is at or above your own.")

// mayInvite lets an active player invite only players ranked below them.
func mayInvite(tx *gorm.DB, byID, playerID int) error {
	var by, target models.Player
	if err := tx.Preload("Rank").Take(&by, byID).Error; err != nil {
		return fmt.Errorf("load inviting player %d: %w", byID, err)
	}
	if !by.IsActive {
		return ErrAccountInactive
	}
	if err := tx.Preload("Rank").Take(&target, playerID).Error; err != nil {
		return fmt.Errorf("load invited player %d: %w", playerID, err)
	}
	if rankLevelOf(&target) >= rankLevelOf(&by) {
		return ErrInviteAboveRank
	}
	return nil
}

func rankLevelOf(p *models.Player) int {
	if p.Rank == nil {
		return 0
	}
	return p.Rank.Level
}
