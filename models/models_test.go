package models_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/datatypes"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

func ptr[T any](v T) *T { return &v }

// fixtures

func newPlayer(t *testing.T, db *gorm.DB, name string) *models.Player {
	t.Helper()
	p := &models.Player{DisplayName: name, IsActive: true}
	require.NoError(t, db.Create(p).Error)
	return p
}

func newCharacter(t *testing.T, db *gorm.DB, name string) *models.Character {
	t.Helper()
	c := &models.Character{Name: name, RealmSlug: "senjin"}
	require.NoError(t, db.Create(c).Error)
	return c
}

func lookup[T any](t *testing.T, db *gorm.DB, query string, args ...any) T {
	t.Helper()
	var row T
	require.NoError(t, db.Where(query, args...).First(&row).Error)
	return row
}

// Every field of every model is a column of its table, and every column of
// the table is a field: models and migrations cannot drift apart.
func TestModelsMatchTheirTables(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		for _, model := range models.All() {
			stmt := &gorm.Statement{DB: db}
			require.NoError(t, stmt.Parse(model))
			require.True(t, db.Migrator().HasTable(model), "table %s", stmt.Schema.Table)
			for _, f := range stmt.Schema.Fields {
				if f.DBName == "" {
					continue // a relation, not a column
				}
				require.True(t, db.Migrator().HasColumn(model, f.DBName), "%T.%s → %s.%s", model, f.Name, stmt.Schema.Table, f.DBName)
			}
			columns, err := db.Migrator().ColumnTypes(model)
			require.NoError(t, err)
			for _, c := range columns {
				require.Contains(t, stmt.Schema.FieldsByDBName, c.Name(), "%s.%s has no field in %T", stmt.Schema.Table, c.Name(), model)
			}
		}
	})
}

func TestTableNamesFollowTheDialect(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		want := "guild_identity.players"
		if models.DialectOf(db) == models.SQLite {
			want = "guild_identity_players"
		}
		require.Equal(t, want, models.Table(db, &models.Player{}))
	})
}

func TestCreateDefaults(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		// String and integer defaults apply when the field is left empty…
		p := models.Player{DisplayName: "Trog"}
		require.NoError(t, db.Create(&p).Error)
		got := lookup[models.Player](t, db, "id = ?", p.ID)
		require.Equal(t, "America/Chicago", got.Timezone)
		require.False(t, got.CreatedAt.IsZero())
		// …but booleans are written as the struct holds them.
		require.False(t, got.IsActive)

		c := models.Campaign{Title: "Best transmog", MinRankToVote: 2, StartAt: time.Now(), DurationHours: 48}
		require.NoError(t, db.Create(&c).Error)
		gotC := lookup[models.Campaign](t, db, "id = ?", c.ID)
		require.Equal(t, "ranked_choice", gotC.Type)
		require.Equal(t, "draft", gotC.Status)
		require.Equal(t, 3, gotC.PicksPerVoter)
		require.Equal(t, "normal", gotC.AgentChattiness)

		// Rows inserted without the ORM get the database defaults.
		require.NoError(t, db.Exec("INSERT INTO "+models.Table(db, &models.RecurringEvent{})+" (label, day_of_week) VALUES (?, ?)", "Raid night", 1).Error)
		r := lookup[models.RecurringEvent](t, db, "label = ?", "Raid night")
		require.Equal(t, models.TimeOfDay{Hour: 21}, r.DefaultStartTime)
		require.Equal(t, 120, r.DefaultDurationMinutes)
		require.Equal(t, "raid", r.EventType)
		require.Equal(t, "wowretail2", r.RaidHelperTemplateID)
		require.True(t, r.IsActive)
		require.True(t, r.DisplayOnPublic)
		require.False(t, r.CreatedAt.IsZero())

		require.NoError(t, db.Exec("INSERT INTO "+models.Table(db, &models.DiscordConfig{})+" (guild_discord_id) VALUES ('1')").Error)
		cfg := lookup[models.DiscordConfig](t, db, "guild_discord_id = ?", "1")
		require.False(t, cfg.BotDMEnabled || cfg.FeatureInviteDM || cfg.FeatureOnboardingDM, "DMs default off")
		require.Equal(t, 24, cfg.RoleSyncIntervalHours)
		require.Equal(t, "wowretail2", cfg.RaidDefaultTemplateID)

		var u models.User
		require.NoError(t, db.Create(&models.User{PasswordHash: "x", IsActive: true}).Error)
		require.NoError(t, db.First(&u).Error)
		require.Equal(t, 0, u.TokenVersion)
	})
}

func TestRelationsPreload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		druid := lookup[models.Class](t, db, "name = ?", "Druid")
		balance := lookup[models.Specialization](t, db, "name = ? AND class_id = ?", "Balance", druid.ID)
		officer := lookup[models.GuildRank](t, db, "name = ?", "Officer")

		main := &models.Character{Name: "Moonbeam", RealmSlug: "senjin", ClassID: &druid.ID, ActiveSpecID: &balance.ID, GuildRankID: &officer.ID}
		require.NoError(t, db.Create(main).Error)
		alt := newCharacter(t, db, "Altoholic")
		user := &models.User{Email: ptr("moonbeam"), PasswordHash: "x", IsActive: true}
		require.NoError(t, db.Create(user).Error)
		du := &models.DiscordUser{DiscordID: "123456789012345678", Username: "moonbeam", IsPresent: true}
		require.NoError(t, db.Create(du).Error)
		p := &models.Player{DisplayName: "Moon", IsActive: true, GuildRankID: &officer.ID, MainCharacterID: &main.ID,
			MainSpecID: &balance.ID, WebsiteUserID: &user.ID, DiscordUserID: &du.ID}
		require.NoError(t, db.Create(p).Error)
		for _, c := range []*models.Character{main, alt} {
			require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: p.ID, CharacterID: c.ID}).Error)
		}

		var got models.Player
		require.NoError(t, db.
			Preload("Rank").Preload("User").Preload("DiscordUser").
			Preload("MainCharacter.Class").Preload("MainCharacter.ActiveSpec.DefaultRole").Preload("MainCharacter.GuildRank").
			Preload("MainSpec.Class").Preload("MainSpec.DefaultRole").
			Preload("Characters", func(tx *gorm.DB) *gorm.DB { return tx.Order("id") }).Preload("Characters.Character").
			First(&got, p.ID).Error)
		require.Equal(t, "Officer", got.Rank.Name)
		require.Equal(t, "moonbeam", *got.User.Email)
		require.Equal(t, "moonbeam", got.DiscordUser.Username)
		require.Equal(t, "Moonbeam", got.MainCharacter.Name)
		require.Equal(t, "Druid", got.MainCharacter.Class.Name)
		require.Equal(t, "Ranged DPS", got.MainCharacter.ActiveSpec.DefaultRole.Name)
		require.Equal(t, "Officer", got.MainCharacter.GuildRank.Name)
		require.Equal(t, "Balance", got.MainSpec.Name)
		require.Equal(t, "Druid", got.MainSpec.Class.Name)
		require.Nil(t, got.OffspecCharacter)
		owned := got.OwnedCharacters()
		require.Len(t, owned, 2)
		require.Equal(t, "Moonbeam", owned[0].Name)
		require.Equal(t, "Altoholic", owned[1].Name)

		camp := &models.Campaign{Title: "T", MinRankToVote: 1, StartAt: time.Now(), DurationHours: 1, Entries: []models.CampaignEntry{{Name: "A"}, {Name: "B"}}}
		require.NoError(t, db.Create(camp).Error) // has-many entries are created with it
		var gotCamp models.Campaign
		require.NoError(t, db.Preload("Entries").First(&gotCamp, camp.ID).Error)
		require.Len(t, gotCamp.Entries, 2)
	})
}

func TestJSONColumnsRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		du := &models.DiscordUser{DiscordID: "42", Username: "trog", IsPresent: true,
			AllGuildRoles: datatypes.JSON(`["Officer","Raider"]`)}
		require.NoError(t, db.Create(du).Error)
		got := lookup[models.DiscordUser](t, db, "id = ?", du.ID)
		require.JSONEq(t, `["Officer","Raider"]`, string(got.AllGuildRoles))

		ev := &models.RaidEvent{Title: "Raid", EventDate: models.Date{Year: 2025, Month: 3, Day: 4},
			StartTimeUTC: time.Date(2025, 3, 5, 1, 0, 0, 0, time.UTC), EndTimeUTC: time.Date(2025, 3, 5, 3, 0, 0, 0, time.UTC),
			RaidHelperPayload: datatypes.JSON(`{"title":"Raid","leaderId":"1","advancedSettings":{"duration":120}}`)}
		require.NoError(t, db.Create(ev).Error)
		gotEv := lookup[models.RaidEvent](t, db, "id = ?", ev.ID)
		require.JSONEq(t, string(ev.RaidHelperPayload), string(gotEv.RaidHelperPayload))
		require.True(t, gotEv.StartTimeUTC.Equal(ev.StartTimeUTC))
		require.Equal(t, ev.EventDate, gotEv.EventDate)

		// A nil JSON field is stored as SQL NULL and read back empty.
		noRoles := &models.DiscordUser{DiscordID: "43", Username: "quiet", IsPresent: true}
		require.NoError(t, db.Create(noRoles).Error)
		var nulls int64
		require.NoError(t, db.Model(&models.DiscordUser{}).Where("id = ? AND all_guild_roles IS NULL", noRoles.ID).Count(&nulls).Error)
		require.Equal(t, int64(1), nulls)
		gotNo := lookup[models.DiscordUser](t, db, "id = ?", noRoles.ID)
		require.Empty(t, gotNo.AllGuildRoles)

		// datatypes.JSONQuery speaks both dialects.
		var holders []models.DiscordUser
		require.NoError(t, db.Where(datatypes.JSONArrayQuery("all_guild_roles").Contains("Officer")).Find(&holders).Error)
		require.Len(t, holders, 1)
	})
}

func TestNumericHoursRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := newPlayer(t, db, "Trog")
		for day, hours := range []float64{0.5, 2.5, 16} {
			w := &models.AvailabilityWindow{PlayerID: p.ID, DayOfWeek: day, EarliestStart: models.TimeOfDay{Hour: 20}, AvailableHours: hours}
			require.NoError(t, db.Create(w).Error)
			got := lookup[models.AvailabilityWindow](t, db, "id = ?", w.ID)
			require.Equal(t, hours, got.AvailableHours)
		}
		var sum float64
		require.NoError(t, db.Model(&models.AvailabilityWindow{}).Select("SUM(available_hours)").Scan(&sum).Error)
		require.Equal(t, 19.0, sum)
	})
}

func TestConstraints(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		a, b := newPlayer(t, db, "A"), newPlayer(t, db, "B")
		char := newCharacter(t, db, "Shared")

		t.Run("a character has one owner", func(t *testing.T) {
			require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: a.ID, CharacterID: char.ID}).Error)
			err := db.Create(&models.PlayerCharacter{PlayerID: b.ID, CharacterID: char.ID}).Error
			require.ErrorIs(t, err, gorm.ErrDuplicatedKey)
		})

		t.Run("character name and realm are unique", func(t *testing.T) {
			err := db.Create(&models.Character{Name: "Shared", RealmSlug: "senjin"}).Error
			require.ErrorIs(t, err, gorm.ErrDuplicatedKey)
		})

		t.Run("availability hours are in (0, 16]", func(t *testing.T) {
			for _, hours := range []float64{0, -1, 16.5} {
				err := db.Create(&models.AvailabilityWindow{PlayerID: a.ID, DayOfWeek: 3, EarliestStart: models.TimeOfDay{Hour: 19}, AvailableHours: hours}).Error
				require.Error(t, err, "hours %v", hours)
				require.True(t, models.IsCheckViolation(err), "hours %v: %v", hours, err)
			}
		})

		t.Run("day_of_week is 0..6", func(t *testing.T) {
			err := db.Create(&models.AvailabilityWindow{PlayerID: a.ID, DayOfWeek: 7, EarliestStart: models.TimeOfDay{Hour: 19}, AvailableHours: 2}).Error
			require.True(t, models.IsCheckViolation(err), "%v", err)
			err = db.Create(&models.RecurringEvent{Label: "Nope", DayOfWeek: 7, IsActive: true}).Error
			require.True(t, models.IsCheckViolation(err), "%v", err)
			err = db.Create(&models.RecurringEvent{Label: "Nope", DayOfWeek: -1, IsActive: true}).Error
			require.True(t, models.IsCheckViolation(err), "%v", err)
		})

		t.Run("one availability window per player and day", func(t *testing.T) {
			w := models.AvailabilityWindow{PlayerID: b.ID, DayOfWeek: 2, EarliestStart: models.TimeOfDay{Hour: 19}, AvailableHours: 3}
			require.NoError(t, db.Create(&w).Error)
			w.ID = 0
			require.ErrorIs(t, db.Create(&w).Error, gorm.ErrDuplicatedKey)
		})

		t.Run("one active recurring event per weekday", func(t *testing.T) {
			require.NoError(t, db.Create(&models.RecurringEvent{Label: "Tuesday raid", DayOfWeek: 1, IsActive: true, DefaultStartTime: models.TimeOfDay{Hour: 21}}).Error)
			err := db.Create(&models.RecurringEvent{Label: "Second Tuesday raid", DayOfWeek: 1, IsActive: true}).Error
			require.ErrorIs(t, err, gorm.ErrDuplicatedKey)
			require.NoError(t, db.Create(&models.RecurringEvent{Label: "Old Tuesday raid", DayOfWeek: 1, IsActive: false}).Error)
			require.NoError(t, db.Create(&models.RecurringEvent{Label: "Older Tuesday raid", DayOfWeek: 1, IsActive: false}).Error)
			require.NoError(t, db.Create(&models.RecurringEvent{Label: "Wednesday raid", DayOfWeek: 2, IsActive: true}).Error)
		})

		t.Run("foreign keys are enforced", func(t *testing.T) {
			unowned := newCharacter(t, db, "Unowned")
			err := db.Create(&models.PlayerCharacter{PlayerID: 999999, CharacterID: unowned.ID}).Error
			require.ErrorIs(t, err, gorm.ErrForeignKeyViolated)
			err = db.Create(&models.AvailabilityWindow{PlayerID: 999999, DayOfWeek: 1, EarliestStart: models.TimeOfDay{Hour: 19}, AvailableHours: 2}).Error
			require.ErrorIs(t, err, gorm.ErrForeignKeyViolated)
		})

		t.Run("one ballot per voter", func(t *testing.T) {
			camp := &models.Campaign{Title: "Vote", MinRankToVote: 1, StartAt: time.Now(), DurationHours: 1,
				Entries: []models.CampaignEntry{{Name: "X"}, {Name: "Y"}}}
			require.NoError(t, db.Create(camp).Error)
			x, y := camp.Entries[0].ID, camp.Entries[1].ID
			require.NoError(t, db.Create(&models.Vote{CampaignID: &camp.ID, PlayerID: a.ID, EntryID: &x, Rank: 1}).Error)
			err := db.Create(&models.Vote{CampaignID: &camp.ID, PlayerID: a.ID, EntryID: &y, Rank: 1}).Error
			require.ErrorIs(t, err, gorm.ErrDuplicatedKey, "same rank twice")
			err = db.Create(&models.Vote{CampaignID: &camp.ID, PlayerID: a.ID, EntryID: &x, Rank: 2}).Error
			require.ErrorIs(t, err, gorm.ErrDuplicatedKey, "same entry twice")
			require.NoError(t, db.Create(&models.Vote{CampaignID: &camp.ID, PlayerID: b.ID, EntryID: &x, Rank: 1}).Error)

			// Deleting the campaign takes its entries and votes with it.
			require.NoError(t, db.Delete(&models.Campaign{}, camp.ID).Error)
			var left int64
			require.NoError(t, db.Model(&models.Vote{}).Where("campaign_id = ?", camp.ID).Count(&left).Error)
			require.Zero(t, left)
			require.NoError(t, db.Model(&models.CampaignEntry{}).Where("campaign_id = ?", camp.ID).Count(&left).Error)
			require.Zero(t, left)
		})

		t.Run("one open audit issue per hash", func(t *testing.T) {
			issue := models.AuditIssue{IssueType: "orphan_wow", Summary: "s", IssueHash: "h1"}
			require.NoError(t, db.Create(&issue).Error)
			dup := models.AuditIssue{IssueType: "orphan_wow", Summary: "s", IssueHash: "h1"}
			require.ErrorIs(t, db.Create(&dup).Error, gorm.ErrDuplicatedKey)
			require.NoError(t, db.Model(&issue).Update("resolved_at", time.Now()).Error)
			dup.ID = 0
			require.NoError(t, db.Create(&dup).Error, "a resolved issue may open again")
			require.Equal(t, "info", lookup[models.AuditIssue](t, db, "id = ?", dup.ID).Severity)
		})

		t.Run("deleting a player removes its character links", func(t *testing.T) {
			c := newCharacter(t, db, "Gone")
			p := newPlayer(t, db, "Leaver")
			require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: p.ID, CharacterID: c.ID}).Error)
			require.NoError(t, db.Delete(p).Error)
			var n int64
			require.NoError(t, db.Model(&models.PlayerCharacter{}).Where("character_id = ?", c.ID).Count(&n).Error)
			require.Zero(t, n)
		})

		t.Run("seeded reference rows stay unique", func(t *testing.T) {
			require.ErrorIs(t, db.Create(&models.GuildRank{Name: "Officer", Level: 9}).Error, gorm.ErrDuplicatedKey)
			require.ErrorIs(t, db.Create(&models.GuildRank{Name: "Raider", Level: 4}).Error, gorm.ErrDuplicatedKey)
			require.ErrorIs(t, db.Create(&models.GuildRank{Name: "Raider", Level: 9, WowRankIndex: ptr(0)}).Error, gorm.ErrDuplicatedKey)
		})
	})
}
