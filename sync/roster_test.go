package sync_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	guildsync "patt/sync"
	"patt/sync/blizzard"
	"patt/sync/fakeblizzard"
)

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

type harness struct {
	db   *gorm.DB
	fake *fakeblizzard.Server
	api  *blizzard.Client
}

func newHarness(t *testing.T, db *gorm.DB, members ...*fakeblizzard.Member) *harness {
	t.Helper()
	fake := fakeblizzard.New("cid", "csecret")
	t.Cleanup(fake.Close)
	fake.AddGuild(&fakeblizzard.Guild{ID: 1, Name: "Pull All The Things", RealmSlug: "senjin", RealmName: "Sen'jin", NameSlug: "pull-all-the-things", Members: members})
	api, err := blizzard.New(blizzard.Config{
		ClientID: "cid", ClientSecret: "csecret", APIURL: fake.URL, TokenURL: fake.TokenURL(),
		Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
	})
	require.NoError(t, err)
	return &harness{db: db, fake: fake, api: api}
}

func (h *harness) sync(t *testing.T, force bool) (guildsync.RosterStats, error) {
	t.Helper()
	rs := &guildsync.RosterSync{DB: h.db, API: h.api, RealmSlug: "senjin", GuildSlug: "pull-all-the-things",
		Clock: func() time.Time { return now }, Workers: 4, Force: force}
	return rs.Run(context.Background())
}

func member(id int64, name string, rank int) *fakeblizzard.Member {
	return &fakeblizzard.Member{ID: id, Name: name, RealmSlug: "senjin", RealmName: "Sen'jin", Level: 80, ClassID: 11,
		ClassName: "Druid", Spec: "Balance", ItemLevel: 623, AverageItemLevel: 626, AchievementPoints: 12000,
		LastLogin: 1740000000000, Race: "Tauren", Gender: "Male", RaceID: 6, Rank: rank}
}

func character(t *testing.T, db *gorm.DB, name string) models.Character {
	t.Helper()
	var c models.Character
	require.NoError(t, db.Preload("Class").Preload("ActiveSpec").Preload("GuildRank").
		Where("lower(character_name) = lower(?)", name).Take(&c).Error)
	return c
}

func TestRosterSyncStoresProfileFields(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := newHarness(t, db, member(1, "Trogmoon", 0), member(2, "Zatañña", 3), member(3, "Mal'dor", 4))
		st, err := h.sync(t, false)
		require.NoError(t, err)
		require.Equal(t, 3, st.Found)
		require.Equal(t, 3, st.New)
		require.Zero(t, st.Updated)

		c := character(t, db, "Trogmoon")
		require.Equal(t, "Druid", c.Class.Name)
		require.Equal(t, "Balance", c.ActiveSpec.Name)
		require.Equal(t, "Guild Leader", c.GuildRank.Name, "rank index 0 maps through wow_rank_index")
		require.Equal(t, 623, *c.ItemLevel)
		require.Equal(t, 626, *c.AverageItemLevel)
		require.Equal(t, 12000, *c.AchievementPoints)
		require.Equal(t, int64(1740000000000), c.LastLoginAt.UnixMilli(), "last login is a timestamp")
		require.Equal(t, "Tauren", *c.Race)
		require.Equal(t, "Male", *c.Gender)
		require.Equal(t, "Sen'jin", *c.RealmName)
		require.Equal(t, int64(1), *c.BlizzardID)
		require.Nil(t, c.RemovedAt)
		require.NotEmpty(t, c.ProfileJSON)
		require.Equal(t, "Initiate", character(t, db, "Mal'dor").GuildRank.Name)
		require.Equal(t, "Member", character(t, db, "Zatañña").GuildRank.Name)

		// Level and item level move; the second run updates, adds nothing.
		h.fake.Update(func() {
			m := member(1, "Trogmoon", 0)
			m.Level, m.ItemLevel, m.Modified = 81, 640, time.Now().UTC().Add(time.Hour) // changed after the first sync
			h.fake.SetMembersLocked("senjin", "pull-all-the-things", []*fakeblizzard.Member{m, member(2, "Zatañña", 3), member(3, "Mal'dor", 4)})
		})
		st, err = h.sync(t, false)
		require.NoError(t, err)
		require.Equal(t, 3, st.Updated)
		require.Zero(t, st.New)
		require.Equal(t, 2, st.ProfilesNotModified, "unchanged profiles answer 304 to If-Modified-Since")
		c = character(t, db, "Trogmoon")
		require.Equal(t, 81, *c.Level)
		require.Equal(t, 640, *c.ItemLevel)
		require.Equal(t, "Balance", character(t, db, "Zatañña").ActiveSpec.Name, "a 304 keeps the stored profile")
	})
}

func TestFailedOrEmptyRosterRemovesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := newHarness(t, db, member(1, "Alpha", 3), member(2, "Bravo", 3))
		_, err := h.sync(t, false)
		require.NoError(t, err)

		cases := []struct {
			name  string
			setup func()
		}{
			{"guild 404", func() { h.fake.Update(func() { h.fake.Guild("senjin", "pull-all-the-things").Missing = true }) }},
			{"empty roster", func() {
				h.fake.Update(func() {
					g := h.fake.Guild("senjin", "pull-all-the-things")
					g.Missing, g.Members = false, nil
				})
			}},
			{"503 outage", func() {
				h.fake.Inject(fakeblizzard.Fault{Match: "/roster", Status: http.StatusServiceUnavailable, Count: -1})
			}},
		}
		for _, tc := range cases {
			tc.setup()
			for range 2 { // two failures in a row still remove nothing
				_, err := h.sync(t, true)
				require.Error(t, err, tc.name)
				require.Contains(t, err.Error(), "nothing was", tc.name)
			}
			var active int64
			require.NoError(t, db.Model(&models.Character{}).Where("removed_at IS NULL AND missing_since IS NULL").Count(&active).Error)
			require.Equal(t, int64(2), active, tc.name)
		}
	})
}

func TestRemovalNeedsTwoConsecutiveMisses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		all := []*fakeblizzard.Member{member(1, "A", 3), member(2, "B", 3), member(3, "C", 3), member(4, "D", 3), member(5, "E", 3), member(6, "F", 3)}
		h := newHarness(t, db, all...)
		_, err := h.sync(t, false)
		require.NoError(t, err)

		h.fake.SetMembers("senjin", "pull-all-the-things", all[:5])
		st, err := h.sync(t, false)
		require.NoError(t, err)
		require.Equal(t, 1, st.Missing)
		require.Zero(t, st.Removed)
		f := character(t, db, "F")
		require.NotNil(t, f.MissingSince)
		require.Nil(t, f.RemovedAt, "one miss is not a departure")

		st, err = h.sync(t, false)
		require.NoError(t, err)
		require.Equal(t, 1, st.Removed)
		require.NotNil(t, character(t, db, "F").RemovedAt)

		h.fake.SetMembers("senjin", "pull-all-the-things", all)
		st, err = h.sync(t, false)
		require.NoError(t, err)
		require.Equal(t, 1, st.Returned)
		f = character(t, db, "F")
		require.Nil(t, f.RemovedAt, "a rejoin clears removed_at")
		require.Nil(t, f.MissingSince)

		// A miss followed by a return resets the count.
		h.fake.SetMembers("senjin", "pull-all-the-things", all[:5])
		_, err = h.sync(t, false)
		require.NoError(t, err)
		h.fake.SetMembers("senjin", "pull-all-the-things", all)
		_, err = h.sync(t, false)
		require.NoError(t, err)
		h.fake.SetMembers("senjin", "pull-all-the-things", all[:5])
		_, err = h.sync(t, false)
		require.NoError(t, err)
		require.Nil(t, character(t, db, "F").RemovedAt)
	})
}

func TestRemovalShareGuard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		var all []*fakeblizzard.Member
		for i := range 10 {
			all = append(all, member(int64(i+1), string(rune('A'+i))+"char", 3))
		}
		h := newHarness(t, db, all...)
		_, err := h.sync(t, false)
		require.NoError(t, err)

		h.fake.SetMembers("senjin", "pull-all-the-things", all[:7]) // 30 % gone
		st, err := h.sync(t, false)
		require.ErrorIs(t, err, guildsync.ErrRemovalGuard)
		require.Contains(t, err.Error(), "3 of 10 active characters")
		require.Equal(t, 3, st.Held)
		require.Equal(t, 7, st.Updated, "present characters are still updated")
		var marked int64
		require.NoError(t, db.Model(&models.Character{}).Where("missing_since IS NOT NULL OR removed_at IS NOT NULL").Count(&marked).Error)
		require.Zero(t, marked)

		st, err = h.sync(t, true)
		require.NoError(t, err, "a forced run passes the guard")
		require.Equal(t, 3, st.Missing)
	})
}

func TestProfileFailureUpdatesOnlyRosterFields(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := newHarness(t, db, member(1, "Trogmoon", 3), member(2, "Ghosty", 3))
		_, err := h.sync(t, false)
		require.NoError(t, err)

		h.fake.Update(func() {
			for _, m := range h.fake.Guild("senjin", "pull-all-the-things").Members {
				m.Level, m.Rank = 82, 2
				if m.Name == "Ghosty" {
					m.NoProfile = true // profile 404: still in the guild
				}
			}
		})
		h.fake.Inject(fakeblizzard.Fault{Match: "/character/senjin/trogmoon", Status: http.StatusInternalServerError, Count: -1})
		st, err := h.sync(t, false)
		require.NoError(t, err)
		require.Equal(t, 1, st.ProfilesFailed)
		require.Equal(t, 1, st.ProfilesNotFound)
		require.Equal(t, 2, st.Updated, "every roster member is carried")
		for _, name := range []string{"Trogmoon", "Ghosty"} {
			c := character(t, db, name)
			require.Nil(t, c.RemovedAt, name)
			require.Equal(t, 82, *c.Level, "roster level is applied: %s", name)
			require.Equal(t, "Veteran", c.GuildRank.Name, name)
			require.Equal(t, "Balance", c.ActiveSpec.Name, "spec kept: %s", name)
			require.Equal(t, 623, *c.ItemLevel, "item level kept: %s", name)
			require.NotNil(t, c.LastLoginAt, "last login kept: %s", name)
		}
	})
}

func TestRenameAndTransferKeepLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := newHarness(t, db, member(77, "Oldname", 3))
		_, err := h.sync(t, false)
		require.NoError(t, err)
		old := character(t, db, "Oldname")
		p := models.Player{DisplayName: "Sam", IsActive: true}
		require.NoError(t, db.Create(&p).Error)
		require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: p.ID, CharacterID: old.ID}).Error)

		renamed := member(77, "Newname", 3)
		renamed.RealmSlug, renamed.RealmName = "area-52", "Area 52"
		h.fake.SetMembers("senjin", "pull-all-the-things", []*fakeblizzard.Member{renamed})
		st, err := h.sync(t, false)
		require.NoError(t, err)
		require.Equal(t, 1, st.Renamed)
		require.Zero(t, st.New)
		require.Zero(t, st.Missing)
		c := character(t, db, "Newname")
		require.Equal(t, old.ID, c.ID, "same row: a rename, not leave + join")
		require.Equal(t, "area-52", c.RealmSlug)
		require.Equal(t, "Area 52", *c.RealmName)
		var link models.PlayerCharacter
		require.NoError(t, db.Where("character_id = ?", c.ID).Take(&link).Error)
		require.Equal(t, p.ID, link.PlayerID)

		// Case change with the same id is stored (Trogmoon → TROGMOON).
		h.fake.SetMembers("senjin", "pull-all-the-things", []*fakeblizzard.Member{member(77, "NEWNAME", 3)})
		st, err = h.sync(t, false)
		require.NoError(t, err)
		require.Equal(t, 1, st.Updated)
		require.Zero(t, st.New)
		require.Equal(t, "NEWNAME", character(t, db, "newname").Name)
	})
}

func TestNameFallbackAndRankDerivation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		var member3 models.GuildRank
		require.NoError(t, db.Where("name = ?", "Member").Take(&member3).Error)
		// A character entered by hand (no Blizzard id yet), owned by a player.
		c := models.Character{Name: "trogmoon", RealmSlug: "Senjin", GuildRankID: &member3.ID}
		require.NoError(t, db.Create(&c).Error)
		src := "wow_character"
		p := models.Player{DisplayName: "Trog", IsActive: true, GuildRankID: &member3.ID, GuildRankSource: &src}
		require.NoError(t, db.Create(&p).Error)
		require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: p.ID, CharacterID: c.ID}).Error)

		h := newHarness(t, db, member(5, "Trogmoon", 1))
		st, err := h.sync(t, false)
		require.NoError(t, err)
		require.Equal(t, 1, st.Updated, "matched by lower(name), lower(realm)")
		require.Zero(t, st.New)
		got := character(t, db, "trogmoon")
		require.Equal(t, c.ID, got.ID)
		require.Equal(t, int64(5), *got.BlizzardID)

		var after models.Player
		require.NoError(t, db.Preload("Rank").Take(&after, p.ID).Error)
		require.Equal(t, "Officer", after.Rank.Name, "the rank change flows through identity.DeriveRank")
	})
}
