package identity

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/datatypes"
	"gorm.io/gorm"

	"patt/models"
)

// Fixtures of the officers' tools tests.

func admRank(t *testing.T, db *gorm.DB, level int) models.GuildRank {
	t.Helper()
	var r models.GuildRank
	require.NoError(t, db.Where("level = ?", level).Take(&r).Error)
	return r
}

// admPlayer creates an active player of the given rank level (0: none).
func admPlayer(t *testing.T, db *gorm.DB, name string, level int) models.Player {
	t.Helper()
	p := models.Player{DisplayName: name, IsActive: true}
	if level > 0 {
		r := admRank(t, db, level)
		p.GuildRankID = &r.ID
	}
	require.NoError(t, db.Omit("Characters").Create(&p).Error)
	return p
}

// admAccount gives the player a website account.
func admAccount(t *testing.T, db *gorm.DB, p *models.Player) models.User {
	t.Helper()
	login := p.DisplayName
	u := models.User{Email: &login, PasswordHash: "x", IsActive: true}
	require.NoError(t, db.Create(&u).Error)
	require.NoError(t, db.Model(p).Update("website_user_id", u.ID).Error)
	p.WebsiteUserID = &u.ID
	return u
}

// admChar creates a character on realm "senjin" with an optional in-game rank.
func admChar(t *testing.T, db *gorm.DB, name string, rankLevel int) models.Character {
	t.Helper()
	c := models.Character{Name: name, RealmSlug: "senjin"}
	if rankLevel > 0 {
		r := admRank(t, db, rankLevel)
		c.GuildRankID = &r.ID
	}
	require.NoError(t, db.Create(&c).Error)
	return c
}

func admDiscord(t *testing.T, db *gorm.DB, snowflake, username string, roles string) models.DiscordUser {
	t.Helper()
	du := models.DiscordUser{DiscordID: snowflake, Username: username, IsPresent: true}
	if roles != "" {
		du.AllGuildRoles = datatypes.JSON(roles)
	}
	require.NoError(t, db.Create(&du).Error)
	return du
}

func admReload(t *testing.T, db *gorm.DB, id int) models.Player {
	t.Helper()
	var p models.Player
	require.NoError(t, db.Take(&p, id).Error)
	return p
}

func admPtr[T any](v T) *T { return &v }
