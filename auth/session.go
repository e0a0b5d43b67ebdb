package auth

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// Session is the account and player behind a request, with the player's
// current rank read from the database (never from the token).
type Session struct {
	UserID       int
	PlayerID     int
	DisplayName  string
	RankID       int
	RankName     string
	RankLevel    int // 0 when the player has no rank
	TokenVersion int
	SessionID    string
}

// Reasons a token does not open a session, worded as the API reports them.
var (
	ErrNotAuthenticated = fault.New(fault.KindUnauthenticated, "Not authenticated.")
	ErrPlayerNotFound   = fault.New(fault.KindUnauthenticated, "Player not found.")
	ErrAccountInactive  = fault.New(fault.KindForbidden, "Account is inactive.")
	ErrSessionRevoked   = fault.New(fault.KindUnauthenticated, "Session has been revoked. Log in again.")
)

// LoadSession checks that the token's account still exists, is active, has
// not had its sessions revoked since the token was issued, and has a player
// who is active too. It runs on every request, so a deactivation takes
// effect on the next one whatever the token says.
func LoadSession(db *gorm.DB, c *Claims, d Device, now time.Time) (*Session, error) {
	var user models.User
	err := db.Select("id", "is_active", "token_version").Take(&user, c.UserID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrPlayerNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load user %d: %w", c.UserID, err)
	}
	if !user.IsActive {
		return nil, ErrAccountInactive
	}
	if user.TokenVersion != c.TokenVersion {
		return nil, ErrSessionRevoked
	}
	if err := checkSession(db, c, d, now); err != nil {
		return nil, err
	}
	var player models.Player
	err = db.Preload("Rank").Where("website_user_id = ?", user.ID).Take(&player).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrPlayerNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load player of user %d: %w", user.ID, err)
	}
	if !player.IsActive {
		return nil, ErrAccountInactive
	}
	s := &Session{
		UserID:       user.ID,
		PlayerID:     player.ID,
		DisplayName:  player.DisplayName,
		TokenVersion: user.TokenVersion,
		SessionID:    c.SessionID,
	}
	if player.Rank != nil {
		s.RankID, s.RankName, s.RankLevel = player.Rank.ID, player.Rank.Name, player.Rank.Level
	}
	return s, nil
}
