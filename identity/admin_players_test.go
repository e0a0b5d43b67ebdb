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

func TestPlayerUpdatesAndDeactivation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := admPlayer(t, db, "Trog", 2)
		u := admAccount(t, db, &p)

		got, err := RenamePlayer(db, System, p.ID, "  Trogdor ")
		require.NoError(t, err)
		require.Equal(t, "Trogdor", got.DisplayName)
		_, err = RenamePlayer(db, System, p.ID, "")
		require.True(t, fault.Is(err, fault.KindInvalid))
		_, err = RenamePlayer(db, System, 99999, "x")
		require.True(t, fault.Is(err, fault.KindNotFound))

		_, err = SetPlayerActive(db, System, p.ID, false)
		require.NoError(t, err)
		var after models.User
		require.NoError(t, db.Take(&after, u.ID).Error)
		require.Equal(t, u.TokenVersion+1, after.TokenVersion, "deactivation ends sessions")
		require.False(t, admReload(t, db, p.ID).IsActive)
		_, err = SetPlayerActive(db, System, p.ID, false)
		require.NoError(t, err)
		require.NoError(t, db.Take(&after, u.ID).Error)
		require.Equal(t, u.TokenVersion+1, after.TokenVersion, "already inactive: no second bump")
		_, err = SetPlayerActive(db, System, p.ID, true)
		require.NoError(t, err)
		require.True(t, admReload(t, db, p.ID).IsActive)

		vet := admRank(t, db, 3)
		got, err = UpdatePlayer(db, System, p.ID, PlayerPatch{GuildRankID: To(&vet.ID)})
		require.NoError(t, err)
		require.Equal(t, vet.ID, *got.GuildRankID)
		require.Equal(t, RankSourceOverride, *got.GuildRankSource, "an officer's rank is an override")
		_, err = UpdatePlayer(db, System, p.ID, PlayerPatch{GuildRankSource: To(admPtr("bogus"))})
		require.True(t, fault.Is(err, fault.KindInvalid))
	})
}

func TestDeletePlayer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		// A player with only characters and an unused invite: deleted, the
		// characters survive unlinked.
		p := admPlayer(t, db, "Dup", 1)
		ch := admChar(t, db, "Keepme", 0)
		_, err := LinkCharacter(db, System, p.ID, ch.ID)
		require.NoError(t, err)
		_, err = SetCharacterRole(db, System, ch.ID, CharMain)
		require.NoError(t, err)
		exp := now.Add(72 * time.Hour)
		require.NoError(t, db.Create(&models.InviteCode{Code: "ABCDEFGH", PlayerID: &p.ID, ExpiresAt: &exp, CreatedAt: now}).Error)
		gone, err := DeletePlayer(db, System, p.ID)
		require.NoError(t, err)
		require.Equal(t, "Dup", gone.DisplayName)
		_, err = CharacterByID(db, ch.ID)
		require.NoError(t, err, "characters are unlinked, not deleted")
		owner, _ := OwnerOf(db, ch.ID)
		require.Nil(t, owner)

		// A player with votes, availability and a used invite: refused with
		// the dependents named.
		q := admPlayer(t, db, "Voter", 2)
		camp := models.Campaign{Title: "C", StartAt: now, DurationHours: 1, MinRankToVote: 1}
		require.NoError(t, db.Omit("Entries").Create(&camp).Error)
		entry := models.CampaignEntry{CampaignID: &camp.ID, Name: "E"}
		require.NoError(t, db.Create(&entry).Error)
		require.NoError(t, db.Create(&models.Vote{CampaignID: &camp.ID, PlayerID: q.ID, EntryID: &entry.ID, Rank: 1}).Error)
		require.NoError(t, db.Create(&models.AvailabilityWindow{PlayerID: q.ID, DayOfWeek: 1, EarliestStart: models.TimeOfDay{Hour: 20}, AvailableHours: 3}).Error)
		require.NoError(t, db.Create(&models.InviteCode{Code: "HJKMNPQR", PlayerID: &q.ID, UsedAt: &now, CreatedAt: now}).Error)
		_, err = DeletePlayer(db, System, q.ID)
		require.True(t, fault.Is(err, fault.KindConflict))
		var ce *InUse
		require.ErrorAs(t, err, &ce)
		require.ElementsMatch(t, []string{"1 vote", "1 availability day", "1 used invite code"}, ce.Dependents)
		require.Contains(t, err.Error(), "Voter")
		require.Equal(t, "Voter", admReload(t, db, q.ID).DisplayName, "nothing was deleted")

		_, err = DeletePlayer(db, System, 99999)
		require.True(t, fault.Is(err, fault.KindNotFound))
	})
}

func TestLinkDiscord(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		a := admPlayer(t, db, "A", 1)
		b := admPlayer(t, db, "B", 1)
		admDiscord(t, db, "555", "trog", "")
		got, _, err := LinkDiscord(db, System, a.ID, "555")
		require.NoError(t, err)
		require.NotNil(t, got.DiscordUserID)
		_, _, err = LinkDiscord(db, System, a.ID, "555")
		require.NoError(t, err, "relinking the same member is a no-op")
		_, _, err = LinkDiscord(db, System, b.ID, "555")
		require.True(t, fault.Is(err, fault.KindConflict))
		require.Contains(t, err.Error(), "already linked to A")
		_, _, err = LinkDiscord(db, System, b.ID, "404404")
		require.True(t, fault.Is(err, fault.KindNotFound))
		got, before, err := LinkDiscord(db, System, a.ID, "")
		require.NoError(t, err)
		require.Nil(t, got.DiscordUserID)
		require.NotNil(t, before, "unlinking reports the member linked before")
		require.Nil(t, admReload(t, db, a.ID).DiscordUserID)
	})
}

// The one rank rule (§4.2 suggestion), as a precedence table.
func TestDeriveRank(t *testing.T) {
	type setup struct {
		source     *string
		start      int   // rank level the player has (0 none)
		charRanks  []int // in-game rank level of each linked character
		removed    bool  // the characters have left the guild
		roles      string
		roleIDRank int // give this rank level the Discord role id "777"
	}
	cases := []struct {
		name       string
		in         setup
		wantLevel  int
		wantSource string
		changed    bool
	}{
		{"override kept", setup{source: admPtr(RankSourceOverride), start: 2, charRanks: []int{4}}, 2, RankSourceOverride, false},
		{"manual kept", setup{source: admPtr(RankSourceManual), start: 1, charRanks: []int{5}}, 1, RankSourceManual, false},
		{"highest character rank", setup{start: 1, charRanks: []int{2, 3}}, 3, RankSourceCharacter, true},
		{"characters beat discord", setup{start: 1, charRanks: []int{2}, roles: `["Officer"]`}, 2, RankSourceCharacter, true},
		{"removed characters ignored → discord by name", setup{start: 1, charRanks: []int{4}, removed: true, roles: `["Member","Veteran"]`}, 3, RankSourceDiscord, true},
		{"discord by role id", setup{source: admPtr(RankSourceDiscord), start: 1, roles: `["777","Raider"]`, roleIDRank: 4}, 4, RankSourceDiscord, true},
		{"nothing known keeps rank", setup{start: 2, roles: `["Raider"]`}, 2, "", false},
		{"unchanged rank, source recorded", setup{start: 3, charRanks: []int{3}}, 3, RankSourceCharacter, false},
	}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		for i, c := range cases {
			if c.in.roleIDRank > 0 {
				require.NoError(t, db.Model(&models.GuildRank{}).Where("level = ?", c.in.roleIDRank).Update("discord_role_id", "777").Error)
			}
			p := admPlayer(t, db, c.name, c.in.start)
			if c.in.source != nil {
				require.NoError(t, db.Model(&p).Update("guild_rank_source", *c.in.source).Error)
			}
			for j, lvl := range c.in.charRanks {
				ch := admChar(t, db, c.name+string(rune('a'+j)), lvl)
				if c.in.removed {
					require.NoError(t, db.Model(&ch).Update("removed_at", time.Now()).Error)
				}
				_, err := LinkCharacter(db, System, p.ID, ch.ID)
				require.NoError(t, err)
			}
			if c.in.roles != "" {
				du := admDiscord(t, db, string(rune('0'+i))+"00", "u"+c.name, c.in.roles)
				require.NoError(t, db.Model(&p).Update("discord_user_id", du.ID).Error)
			}
			d, err := DeriveRank(db, p.ID)
			require.NoError(t, err, c.name)
			after := admReload(t, db, p.ID)
			require.NotNil(t, after.GuildRankID, c.name)
			require.Equal(t, admRank(t, db, c.wantLevel).ID, *after.GuildRankID, c.name)
			src := ""
			if after.GuildRankSource != nil {
				src = *after.GuildRankSource
			}
			require.Equal(t, c.wantSource, src, c.name)
			require.Equal(t, c.changed, d.Changed, c.name)
			if c.in.roleIDRank > 0 {
				require.NoError(t, db.Model(&models.GuildRank{}).Where("level = ?", c.in.roleIDRank).Update("discord_role_id", nil).Error)
			}
		}

		// Clearing an override derives again.
		p := admPlayer(t, db, "Overridden", 1)
		ch := admChar(t, db, "Offchar", 4)
		_, err := LinkCharacter(db, System, p.ID, ch.ID)
		require.NoError(t, err)
		five := admRank(t, db, 5)
		_, err = SetRankOverride(db, System, p.ID, five.ID)
		require.NoError(t, err)
		d, err := DeriveRank(db, p.ID)
		require.NoError(t, err)
		require.False(t, d.Changed, "a sync leaves the override alone")
		// As the only Guild Leader the derivation keeps level 5 (issue
		// 10: the last Guild Leader is never demoted, by a sync neither).
		d, err = ClearRankOverride(db, System, p.ID)
		require.NoError(t, err)
		require.False(t, d.Changed)
		require.Equal(t, five.ID, *admReload(t, db, p.ID).GuildRankID)
		admPlayer(t, db, "Another GL", 5)
		d, err = DeriveRank(db, p.ID)
		require.NoError(t, err)
		require.True(t, d.Changed)
		require.Equal(t, admRank(t, db, 4).ID, *admReload(t, db, p.ID).GuildRankID)
	})
}

func TestBoardFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Now().UTC()
		a := admPlayer(t, db, "Alpha", 4)
		b := admPlayer(t, db, "Bravo", 1)
		admPlayer(t, db, "Charlie", 1)
		ch := admChar(t, db, "Alphamain", 0)
		alt := admChar(t, db, "Bravoalt", 0)
		admChar(t, db, "Loner", 0)
		_, _ = LinkCharacter(db, System, a.ID, ch.ID)
		_, _ = SetCharacterRole(db, System, ch.ID, CharMain)
		_, _ = LinkCharacter(db, System, b.ID, alt.ID)
		du := admDiscord(t, db, "42", "alpha_d", `["Officer"]`)
		require.NoError(t, db.Model(&a).Update("discord_user_id", du.ID).Error)
		admDiscord(t, db, "43", "stranger", "")

		board, err := LoadBoard(db, now)
		require.NoError(t, err)
		require.Len(t, board.Players, 3)
		require.Len(t, board.Characters, 3)
		require.Len(t, board.DiscordUsers, 2)
		require.Equal(t, "Officer", board.DiscordUsers[0].RankName)
		require.True(t, board.DiscordUsers[0].Linked())
		require.Equal(t, CharMain, board.Players[0].Characters[0].MainAlt)

		names := func(ps []BoardPlayer) (out []string) {
			for _, p := range ps {
				out = append(out, p.DisplayName)
			}
			return
		}
		require.Equal(t, []string{"Alpha"}, names(FilterPlayers(board.Players, PlayerFilter{Query: "ALPHA_d"})))
		require.Equal(t, []string{"Bravo", "Charlie"}, names(FilterPlayers(board.Players, PlayerFilter{RankIDs: []int{admRank(t, db, 1).ID}})))
		require.Equal(t, []string{"Charlie"}, names(FilterPlayers(board.Players, PlayerFilter{NoChars: true})))
		require.Equal(t, []string{"Bravo"}, names(FilterPlayers(board.Players, PlayerFilter{NoMain: true})))
		require.Equal(t, []string{"Bravo", "Charlie"}, names(FilterPlayers(board.Players, PlayerFilter{NoDiscord: true})))
		require.Len(t, FilterCharacters(board.Characters, CharacterFilter{UnlinkedOnly: true}), 1)
		require.Len(t, FilterDiscordUsers(board.DiscordUsers, DiscordFilter{UnlinkedOnly: true}), 1)
		require.Len(t, FilterDiscordUsers(board.DiscordUsers, DiscordFilter{Query: "strang"}), 1)
	})
}
