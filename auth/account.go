package auth

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// Account is a website login and the player it belongs to.
type Account struct {
	User   models.User
	Player models.Player // with Rank preloaded when it has one
}

// RankLevel is the player's current rank level, 0 without a rank.
func (a *Account) RankLevel() int {
	if a.Player.Rank == nil {
		return 0
	}
	return a.Player.Rank.Level
}

// Claims are the session token claims for this account.
func (a *Account) Claims() Claims {
	return Claims{UserID: a.User.ID, PlayerID: a.Player.ID, RankLevel: a.RankLevel(), TokenVersion: a.User.TokenVersion}
}

// Reasons registration, login and password change refuse, worded for the
// HTML forms; the JSON API words some of them as the spec's API table does.
var (
	ErrUsernameRequired     = fault.New(fault.KindMalformed, "Enter your Discord username.")
	ErrUsernameTooLong      = fault.New(fault.KindMalformed, "That Discord username is too long.")
	ErrPlayerRegistered     = fault.New(fault.KindConflict, "This account is already registered.")
	ErrUsernameTaken        = fault.New(fault.KindConflict, "An account with this Discord username already exists.")
	ErrInvalidCredentials   = fault.New(fault.KindUnauthenticated, "Invalid username or password.")
	ErrNoPlayerLinked       = fault.New(fault.KindUnauthenticated, "No player account linked to this login.")
	ErrAccountNotFound      = fault.New(fault.KindNotFound, "Account not found.")
	ErrCurrentPasswordWrong = fault.New(fault.KindInvalid, "Current password is incorrect.")
)

// maxUsernameLen fits users.email (varchar 255) with room to spare; Discord
// itself allows 32.
const maxUsernameLen = 100

// NormalizeUsername is the login id as stored: trimmed and lower-cased, so
// "Trog" and " trog " are the same account.
func NormalizeUsername(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// Register creates the website account for the player an invite code names,
// in one transaction: account row, player link, code marked used. Two
// requests racing with one code get one success: the code is claimed with a
// conditional update that only one of them can win.
func Register(db *gorm.DB, code, discordUsername, password string, now time.Time) (*Account, error) {
	code = NormalizeInviteCode(code)
	username := NormalizeUsername(discordUsername)
	switch {
	case username == "":
		return nil, ErrUsernameRequired
	case len(username) > maxUsernameLen:
		return nil, ErrUsernameTooLong
	}
	if err := CheckPasswordPolicy(password); err != nil {
		return nil, err
	}
	// Hash before the transaction: bcrypt takes a quarter second, and
	// SQLite would hold its write lock all that time.
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	now = now.UTC()

	var acc Account
	err = db.Transaction(func(tx *gorm.DB) error {
		inv, err := CheckInvite(tx, code, now)
		if err != nil {
			return err
		}
		// Claim the code first: the conditional update locks its row, so a
		// second request with the same code waits here and then finds it
		// used. Any later refusal rolls the claim back.
		claim := tx.Model(&models.InviteCode{}).Where("id = ? AND used_at IS NULL", inv.ID).Update("used_at", now)
		if claim.Error != nil {
			return claim.Error
		}
		if claim.RowsAffected != 1 {
			return ErrInviteUsed
		}
		if inv.PlayerID == nil {
			return ErrInviteNoPlayer
		}
		var player models.Player
		if err := tx.Preload("Rank").Take(&player, *inv.PlayerID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrInviteNoPlayer
			}
			return err
		}
		if player.WebsiteUserID != nil {
			return ErrPlayerRegistered
		}
		var taken int64
		if err := tx.Model(&models.User{}).Where("email = ?", username).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return ErrUsernameTaken
		}

		user := models.User{Email: &username, PasswordHash: hash, IsActive: true, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&user).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ErrUsernameTaken
			}
			return err
		}
		link := tx.Model(&models.Player{}).Where("id = ? AND website_user_id IS NULL", player.ID).
			Updates(map[string]any{"website_user_id": user.ID, "updated_at": now})
		if link.Error != nil {
			if errors.Is(link.Error, gorm.ErrDuplicatedKey) {
				return ErrPlayerRegistered
			}
			return link.Error
		}
		if link.RowsAffected != 1 {
			return ErrPlayerRegistered
		}
		if err := claimPlaceholder(tx, &player, discordUsername, now); err != nil {
			return err
		}
		player.WebsiteUserID = &user.ID
		acc = Account{User: user, Player: player}
		return nil
	})
	if err != nil {
		if isAccountReason(err) {
			return nil, err
		}
		return nil, fmt.Errorf("register with invite: %w", err)
	}
	return &acc, nil
}

// Login checks a username and password. Every way of getting them wrong is
// the same ErrInvalidCredentials, and an unknown username costs the same
// bcrypt time as a wrong password, so neither the answer nor its timing
// tells whether an account exists. Only someone who knows the password
// learns that the account is inactive.
func Login(db *gorm.DB, username, password string) (*Account, error) {
	username = NormalizeUsername(username)
	// No stored name has a control character (Postgres refuses even to
	// compare a NUL byte): such a name is just a wrong one, never a 500.
	if username == "" || password == "" || len(username) > maxUsernameLen || strings.ContainsFunc(username, unicode.IsControl) {
		SpendPasswordTime(password)
		return nil, ErrInvalidCredentials
	}
	var user models.User
	err := db.Where("email = ?", username).Take(&user).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		SpendPasswordTime(password)
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("look up account: %w", err)
	}
	if !VerifyPassword(password, user.PasswordHash) {
		return nil, ErrInvalidCredentials
	}
	if !user.IsActive {
		return nil, ErrAccountInactive
	}
	var player models.Player
	err = db.Preload("Rank").Where("website_user_id = ?", user.ID).Take(&player).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNoPlayerLinked
	}
	if err != nil {
		return nil, fmt.Errorf("load player of account %d: %w", user.ID, err)
	}
	// An officer deactivates the player, not the login: either switch
	// closes the account.
	if !player.IsActive {
		return nil, ErrAccountInactive
	}
	return &Account{User: user, Player: player}, nil
}

// ChangePassword replaces the password after checking the current one and
// bumps the token version, which ends every session of the account. The
// caller gives the browser that asked a fresh token from the returned user.
func ChangePassword(db *gorm.DB, userID int, current, newPassword string, now time.Time) (*models.User, error) {
	if err := CheckPasswordPolicy(newPassword); err != nil {
		return nil, err
	}
	var user models.User
	if err := db.Take(&user, userID).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrAccountNotFound
		}
		return nil, fmt.Errorf("load account %d: %w", userID, err)
	}
	if !user.IsActive {
		return nil, ErrAccountInactive
	}
	if !VerifyPassword(current, user.PasswordHash) {
		return nil, ErrCurrentPasswordWrong
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return nil, err
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		// Only if nobody changed it meanwhile: the check above was against
		// this hash.
		res := tx.Model(&models.User{}).Where("id = ? AND password_hash = ?", userID, user.PasswordHash).
			Updates(map[string]any{
				"password_hash": hash,
				"token_version": gorm.Expr("token_version + 1"),
				"updated_at":    now.UTC(),
			})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrCurrentPasswordWrong
		}
		if err := requireActivePlayerOf(tx, userID); err != nil {
			return err
		}
		if err := endAllSessions(tx, userID, now); err != nil {
			return err
		}
		return tx.Take(&user, userID).Error
	})
	if err != nil {
		if errors.Is(err, ErrCurrentPasswordWrong) || errors.Is(err, ErrAccountInactive) {
			return nil, err
		}
		return nil, fmt.Errorf("change password of account %d: %w", userID, err)
	}
	return &user, nil
}

// RevokeSessions ends every open session of the account ("log out
// everywhere"): the session rows are revoked and tokens carrying the old
// version no longer load.
func RevokeSessions(db *gorm.DB, userID int, now time.Time) error {
	return db.Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&models.User{}).Where("id = ?", userID).
			Update("token_version", gorm.Expr("token_version + 1"))
		if res.Error != nil {
			return fmt.Errorf("revoke sessions of account %d: %w", userID, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrAccountNotFound
		}
		return endAllSessions(tx, userID, now)
	})
}

// Deactivate locks the account out and ends its open sessions.
func Deactivate(db *gorm.DB, userID int) error {
	return db.Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&models.User{}).Where("id = ?", userID).
			Updates(map[string]any{"is_active": false, "token_version": gorm.Expr("token_version + 1")})
		if res.Error != nil {
			return fmt.Errorf("deactivate account %d: %w", userID, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrAccountNotFound
		}
		return endAllSessions(tx, userID, time.Now())
	})
}

// Reactivate lets a deactivated account log in again (old sessions stay
// revoked).
func Reactivate(db *gorm.DB, userID int) error {
	res := db.Model(&models.User{}).Where("id = ?", userID).Update("is_active", true)
	if res.Error != nil {
		return fmt.Errorf("reactivate account %d: %w", userID, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrAccountNotFound
	}
	return nil
}

// requireActivePlayerOf refuses when the account's player has been
// deactivated, inside the caller's transaction so a deactivation that
// commits first wins.
func requireActivePlayerOf(tx *gorm.DB, userID int) error {
	var n int64
	err := tx.Model(&models.Player{}).Where("website_user_id = ? AND is_active = ?", userID, false).Count(&n).Error
	if err != nil {
		return fmt.Errorf("check player of account %d: %w", userID, err)
	}
	if n > 0 {
		return ErrAccountInactive
	}
	return nil
}

func isAccountReason(err error) bool {
	for _, e := range []error{
		ErrInviteNotFound, ErrInviteUsed, ErrInviteExpired, ErrInviteNoPlayer,
		ErrPlayerRegistered, ErrUsernameTaken, ErrUsernameRequired, ErrUsernameTooLong,
		ErrPasswordTooShort, ErrPasswordTooLong,
	} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
