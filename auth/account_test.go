package auth

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

func inviteFor(t *testing.T, db *gorm.DB, p models.Player) string {
	t.Helper()
	inv, err := CreateInvite(db, p.ID, nil, t0, 0)
	require.NoError(t, err)
	return inv.Code
}

func TestRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		var vet models.GuildRank
		require.NoError(t, db.Where("level = 3").Take(&vet).Error)
		p := models.Player{DisplayName: "Trog", IsActive: true, Timezone: "America/New_York", GuildRankID: &vet.ID}
		require.NoError(t, db.Create(&p).Error)
		code := inviteFor(t, db, p)

		acc, err := Register(db, " "+strings.ToLower(code)+" ", "  TrogMoon ", "securepw1", t0.Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, "trogmoon", *acc.User.Email, "login id is lower+trim")
		require.True(t, acc.User.IsActive)
		require.Equal(t, p.ID, acc.Player.ID)
		require.Equal(t, 3, acc.RankLevel())
		require.Equal(t, 3, acc.Claims().RankLevel)

		var stored models.Player
		require.NoError(t, db.Take(&stored, p.ID).Error)
		require.Equal(t, acc.User.ID, *stored.WebsiteUserID)
		var inv models.InviteCode
		require.NoError(t, db.Where("code = ?", code).Take(&inv).Error)
		require.NotNil(t, inv.UsedAt)

		// The code is spent.
		_, err = Register(db, code, "someone-else", "securepw1", t0.Add(2*time.Hour))
		require.ErrorIs(t, err, ErrInviteUsed)

		got, err := Login(db, "TROGMOON ", "securepw1")
		require.NoError(t, err)
		require.Equal(t, p.ID, got.Player.ID)
	})
}

func TestRegisterRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		now := t0.Add(time.Hour)
		taken := seedPlayer(t, db, "Taken")
		_, err := Register(db, inviteFor(t, db, taken), "taken-name", "securepw1", now)
		require.NoError(t, err)

		// Player already registered: an officer issues a second code anyway.
		again := inviteFor(t, db, taken)

		expiredPlayer := seedPlayer(t, db, "Late")
		expired, err := CreateInvite(db, expiredPlayer.ID, nil, t0.Add(-100*time.Hour), 0)
		require.NoError(t, err)

		orphan := models.InviteCode{Code: "NPLAYER2", CreatedAt: t0}
		require.NoError(t, db.Create(&orphan).Error)

		fresh := seedPlayer(t, db, "Fresh")
		freshCode := inviteFor(t, db, fresh)

		for _, tc := range []struct {
			name, code, user, pw string
			want                 error
		}{
			{"unknown code", "ZZZZZZZZ", "new-user", "securepw1", ErrInviteNotFound},
			{"expired code", expired.Code, "new-user", "securepw1", ErrInviteExpired},
			{"no player", "NPLAYER2", "new-user", "securepw1", ErrInviteNoPlayer},
			{"player registered", again, "new-user", "securepw1", ErrPlayerRegistered},
			{"username taken", freshCode, " Taken-Name", "securepw1", ErrUsernameTaken},
			{"no username", freshCode, "  ", "securepw1", ErrUsernameRequired},
			{"short password", freshCode, "new-user", "short", ErrPasswordTooShort},
			{"long password", freshCode, "new-user", strings.Repeat("p", 73), ErrPasswordTooLong},
		} {
			_, err := Register(db, tc.code, tc.user, tc.pw, now)
			require.ErrorIs(t, err, tc.want, tc.name)
		}
		require.True(t, InviteValid(db, freshCode, now), "failed attempts do not spend the code")
		var n int64
		require.NoError(t, db.Model(&models.User{}).Count(&n).Error)
		require.EqualValues(t, 1, n)

		err = RevokeInvite(db, "ZZZZZZZZ", now)
		require.Contains(t, strings.ToLower(err.Error()), "invalid", "consuming a missing code mentions invalid")
	})
}

// Two requests racing with one code: exactly one account is created.
func TestRegisterConcurrentUseOfOneCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := seedPlayer(t, db, "Trog")
		code := inviteFor(t, db, p)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = Register(db, code, []string{"first", "second"}[i], "securepw1", t0.Add(time.Hour))
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				require.ErrorIs(t, err, ErrInviteUsed)
			}
		}
		require.Equal(t, 1, ok, "errors: %v", errs)
		var n int64
		require.NoError(t, db.Model(&models.User{}).Count(&n).Error)
		require.EqualValues(t, 1, n)
	})
}

func TestLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := seedPlayer(t, db, "Trog")
		acc, err := Register(db, inviteFor(t, db, p), "trog", "securepw1", t0)
		require.NoError(t, err)

		hash, err := HashPassword("securepw1")
		require.NoError(t, err)
		loner := "loner"
		require.NoError(t, db.Create(&models.User{Email: &loner, PasswordHash: hash, IsActive: true}).Error)

		for _, tc := range []struct {
			user, pw string
			want     error
		}{
			{"nobody", "securepw1", ErrInvalidCredentials},
			{"trog", "wrongpass", ErrInvalidCredentials},
			{"trog", "", ErrInvalidCredentials},
			{"", "securepw1", ErrInvalidCredentials},
			{"loner", "securepw1", ErrNoPlayerLinked},
		} {
			_, err := Login(db, tc.user, tc.pw)
			require.ErrorIs(t, err, tc.want, "%s/%s", tc.user, tc.pw)
		}

		require.NoError(t, Deactivate(db, acc.User.ID))
		_, err = Login(db, "trog", "wrongpass")
		require.ErrorIs(t, err, ErrInvalidCredentials, "inactive is only told after a correct password")
		_, err = Login(db, "trog", "securepw1")
		require.ErrorIs(t, err, ErrAccountInactive)

		var u models.User
		require.NoError(t, db.Take(&u, acc.User.ID).Error)
		require.Equal(t, acc.User.TokenVersion+1, u.TokenVersion, "deactivation revokes sessions")
		_, err = LoadSession(db, &Claims{UserID: u.ID, TokenVersion: u.TokenVersion}, Device{}, t0)
		require.ErrorIs(t, err, ErrAccountInactive)

		require.NoError(t, Reactivate(db, acc.User.ID))
		_, err = Login(db, "trog", "securepw1")
		require.NoError(t, err)
		require.ErrorIs(t, Deactivate(db, 999999), ErrAccountNotFound)
	})
}

func TestChangePasswordRevokesOtherSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := seedPlayer(t, db, "Trog")
		acc, err := Register(db, inviteFor(t, db, p), "trog", "securepw1", t0)
		require.NoError(t, err)
		claimsFor := func(u *models.User) Claims {
			sid, err := StartSession(db, u.ID, Device{UserAgent: "test"}, t0, time.Hour)
			require.NoError(t, err)
			return Claims{UserID: u.ID, TokenVersion: u.TokenVersion, SessionID: sid}
		}
		old := claimsFor(&acc.User)
		_, err = LoadSession(db, &old, Device{}, t0)
		require.NoError(t, err)

		_, err = ChangePassword(db, acc.User.ID, "wrong-current", "brand-new-pw", t0)
		require.ErrorIs(t, err, ErrCurrentPasswordWrong)
		_, err = ChangePassword(db, acc.User.ID, "securepw1", "short", t0)
		require.ErrorIs(t, err, ErrPasswordTooShort)
		_, err = ChangePassword(db, 999999, "securepw1", "brand-new-pw", t0)
		require.ErrorIs(t, err, ErrAccountNotFound)

		u, err := ChangePassword(db, acc.User.ID, "securepw1", "brand-new-pw", t0)
		require.NoError(t, err)
		require.Equal(t, old.TokenVersion+1, u.TokenVersion)
		_, err = LoadSession(db, &old, Device{}, t0)
		require.ErrorIs(t, err, ErrSessionRevoked)
		stale := old
		stale.TokenVersion = u.TokenVersion
		_, err = LoadSession(db, &stale, Device{}, t0)
		require.ErrorIs(t, err, ErrSessionRevoked, "the old session row is revoked too")
		fresh := claimsFor(u)
		_, err = LoadSession(db, &fresh, Device{}, t0)
		require.NoError(t, err)
		noSession := Claims{UserID: u.ID, TokenVersion: u.TokenVersion}
		_, err = LoadSession(db, &noSession, Device{}, t0)
		require.ErrorIs(t, err, ErrSessionRevoked, "a token without a session opens nothing")

		_, err = Login(db, "trog", "securepw1")
		require.ErrorIs(t, err, ErrInvalidCredentials)
		_, err = Login(db, "trog", "brand-new-pw")
		require.NoError(t, err)

		require.NoError(t, RevokeSessions(db, u.ID, t0))
		_, err = LoadSession(db, &fresh, Device{}, t0)
		require.ErrorIs(t, err, ErrSessionRevoked)
	})
}
