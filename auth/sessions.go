package auth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// Sessions are server-side records (issue 10 item 3): a token names its
// session (the sid claim), and a session ends when its row is revoked —
// logout ends that one, "log out everywhere", a password change and a
// deactivation end them all. The token alone is never enough.

// Device describes where a session was started, for the player's list.
type Device struct {
	UserAgent string
	IP        string
}

const (
	maxUserAgent = 255
	// touchEvery bounds writes: last_seen_at moves at most once a minute
	// per session, not on every request.
	touchEvery = time.Minute
)

// ErrSessionNotFound refuses ending a session that is not the player's own.
var ErrSessionNotFound = fault.NotFound("Session not found.")

// StartSession records a new session for the account and returns its id.
func StartSession(db *gorm.DB, userID int, d Device, now time.Time, ttl time.Duration) (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("session id: %w", err)
	}
	ua := d.UserAgent
	if len(ua) > maxUserAgent {
		ua = ua[:maxUserAgent]
	}
	now = now.UTC()
	row := models.Session{
		ID: base64.RawURLEncoding.EncodeToString(b), UserID: userID, UserAgent: ua, IP: d.IP,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(ttl),
	}
	if err := db.Create(&row).Error; err != nil {
		return "", fmt.Errorf("start session of account %d: %w", userID, err)
	}
	return row.ID, nil
}

// checkSession accepts the token's session when it is the account's own,
// not revoked and not expired, and notes that it was seen.
func checkSession(db *gorm.DB, c *Claims, d Device, now time.Time) error {
	if c.SessionID == "" {
		return ErrSessionRevoked
	}
	var row models.Session
	err := db.Where("id = ? AND user_id = ?", c.SessionID, c.UserID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrSessionRevoked
	}
	if err != nil {
		return fmt.Errorf("load session: %w", err)
	}
	if row.RevokedAt != nil || !now.Before(row.ExpiresAt) {
		return ErrSessionRevoked
	}
	if now.Sub(row.LastSeenAt) >= touchEvery || (d.IP != "" && d.IP != row.IP) {
		set := map[string]any{"last_seen_at": now.UTC()}
		if d.IP != "" {
			set["ip"] = d.IP
		}
		if err := db.Model(&models.Session{}).Where("id = ?", row.ID).Updates(set).Error; err != nil {
			return fmt.Errorf("touch session: %w", err)
		}
	}
	return nil
}

// ActiveSessions lists the account's open sessions, most recently seen first.
func ActiveSessions(db *gorm.DB, userID int, now time.Time) ([]models.Session, error) {
	var rows []models.Session
	err := db.Where("user_id = ? AND revoked_at IS NULL AND expires_at > ?", userID, now.UTC()).
		Order("last_seen_at DESC").Order("id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list sessions of account %d: %w", userID, err)
	}
	return rows, nil
}

// EndSession revokes one of the account's own sessions (logout, or "log
// out" on a line of the list). Someone else's session id is not found.
func EndSession(db *gorm.DB, userID int, sessionID string, now time.Time) error {
	res := db.Model(&models.Session{}).Where("id = ? AND user_id = ? AND revoked_at IS NULL", sessionID, userID).
		Update("revoked_at", now.UTC())
	if res.Error != nil {
		return fmt.Errorf("end session of account %d: %w", userID, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrSessionNotFound
	}
	return nil
}

// endAllSessions revokes every open session of the account, inside the
// caller's transaction.
func endAllSessions(tx *gorm.DB, userID int, now time.Time) error {
	err := tx.Model(&models.Session{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", now.UTC()).Error
	if err != nil {
		return fmt.Errorf("end sessions of account %d: %w", userID, err)
	}
	return nil
}
