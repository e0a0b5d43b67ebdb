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

// Vectors of identity §10.3, plus the correctness fixes of §11 (13–17).

func TestRanks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ranks, err := Ranks(db)
		require.NoError(t, err)
		var levels []int
		for _, r := range ranks {
			levels = append(levels, r.Level)
		}
		require.Equal(t, []int{1, 2, 3, 4, 5}, levels)

		r, err := RankByLevel(db, 4)
		require.NoError(t, err)
		require.Equal(t, "Officer", r.Name)
		r, err = RankByLevel(db, 99)
		require.NoError(t, err)
		require.Nil(t, r)

		// Levels stay 1–5 (issue 10): free three of them to play with.
		_, err = CreateRank(db, System, RankInput{Name: "Legend", Level: 10})
		require.True(t, fault.Is(err, fault.KindInvalid), "level 10 is out of range: %v", err)
		_, err = CreateRank(db, System, RankInput{Name: "Nobody", Level: 0})
		require.True(t, fault.Is(err, fault.KindInvalid))
		for _, lvl := range []int{1, 2, 3} {
			require.NoError(t, DeleteRank(db, System, admRank(t, db, lvl).ID))
		}
		legend, err := CreateRank(db, System, RankInput{Name: "Legend", Level: 3, Description: admPtr("The best"), DiscordRoleID: admPtr("123456789")})
		require.NoError(t, err)
		got, err := RankByID(db, legend.ID)
		require.NoError(t, err)
		require.Equal(t, "Legend", got.Name)
		require.Equal(t, 3, got.Level)
		require.Equal(t, "The best", *got.Description)
		require.Equal(t, "123456789", *got.DiscordRoleID)

		_, err = CreateRank(db, System, RankInput{Name: "Twenty", Level: 2})
		require.NoError(t, err)
		_, err = CreateRank(db, System, RankInput{Name: "Twenty again", Level: 2})
		require.True(t, fault.Is(err, fault.KindConflict))
		require.Contains(t, err.Error(), "already exists")
		_, err = CreateRank(db, System, RankInput{Name: "legend", Level: 1})
		require.True(t, fault.Is(err, fault.KindConflict), "names clash case-insensitively")

		// Updates: duplicate level → conflict; clearing nullable fields; validation.
		_, err = UpdateRank(db, System, legend.ID, RankPatch{Level: To(2)})
		require.True(t, fault.Is(err, fault.KindConflict))
		up, err := UpdateRank(db, System, legend.ID, RankPatch{Description: To[*string](nil), DiscordRoleID: To[*string](nil), SchedulingWeight: To(4)})
		require.NoError(t, err)
		require.Nil(t, up.Description)
		require.Nil(t, up.DiscordRoleID)
		require.Equal(t, 4, up.SchedulingWeight)
		require.Equal(t, "Legend", up.Name, "absent fields stay")
		for _, p := range []RankPatch{
			{SchedulingWeight: To(6)}, {SchedulingWeight: To(-1)}, {WowRankIndex: To(admPtr(10))},
			{DiscordRoleID: To(admPtr("12ab"))}, {Name: To("  ")}, {Level: To(6)}, {Level: To(2147483647)},
		} {
			_, err = UpdateRank(db, System, legend.ID, p)
			require.True(t, fault.Is(err, fault.KindInvalid), "%+v → %v", p, err)
		}
		officer := admRank(t, db, 4)
		_, err = UpdateRank(db, System, legend.ID, RankPatch{WowRankIndex: To(officer.WowRankIndex)})
		require.True(t, fault.Is(err, fault.KindConflict), "wow rank index is unique")
		_, err = UpdateRank(db, System, 99999, RankPatch{})
		require.True(t, fault.Is(err, fault.KindNotFound))

		// Delete: in use → conflict; unused → gone.
		admPlayer(t, db, "Holder", 3)
		err = DeleteRank(db, System, legend.ID)
		require.True(t, fault.Is(err, fault.KindConflict))
		require.Contains(t, err.Error(), "1 player")
		twenty, _ := RankByLevel(db, 2)
		require.NoError(t, DeleteRank(db, System, twenty.ID))
		require.True(t, fault.Is(DeleteRank(db, System, twenty.ID), fault.KindNotFound))
	})
}

func TestMeetsRank(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		vet := admPlayer(t, db, "Vet", 3)
		ini := admPlayer(t, db, "Ini", 1)
		off := admPlayer(t, db, "Off", 4)
		for _, c := range []struct {
			id, min int
			want    bool
		}{{vet.ID, 3, true}, {ini.ID, 3, false}, {off.ID, 3, true}, {999999, 1, false}} {
			got, err := MeetsRank(db, c.id, c.min)
			require.NoError(t, err)
			require.Equal(t, c.want, got, "player %d min %d", c.id, c.min)
		}
	})
}

func TestCreatePlayer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p, err := CreatePlayer(db, System, NewPlayer{DisplayName: "  Trog  "})
		require.NoError(t, err)
		require.Equal(t, "Trog", p.DisplayName)
		require.Equal(t, admRank(t, db, 1).ID, *p.GuildRankID, "default rank is the lowest (Initiate)")
		require.Equal(t, RankSourceManual, *p.GuildRankSource)
		require.True(t, p.IsActive)

		vet := admRank(t, db, 3)
		p, err = CreatePlayer(db, System, NewPlayer{DisplayName: "Api", RankID: &vet.ID, Source: RankSourceOverride})
		require.NoError(t, err)
		require.Equal(t, vet.ID, *p.GuildRankID)

		_, err = CreatePlayer(db, System, NewPlayer{DisplayName: "   "})
		require.True(t, fault.Is(err, fault.KindInvalid))
		require.Contains(t, err.Error(), "display_name required")
		_, err = CreatePlayer(db, System, NewPlayer{DisplayName: "X", RankID: admPtr(99999)})
		require.True(t, fault.Is(err, fault.KindInvalid))

		_, err = PlayerByID(db, 99999)
		require.True(t, fault.Is(err, fault.KindNotFound))
	})
}

func TestCreatePlayerWithoutRanks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		require.NoError(t, db.Where("1 = 1").Delete(&models.GuildRank{}).Error)
		_, err := CreatePlayer(db, System, NewPlayer{DisplayName: "Nobody"})
		require.ErrorIs(t, err, ErrNoRanks)
		require.Contains(t, err.Error(), "Initiate rank")
	})
}

func TestPlayerLookups(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		regVet := admPlayer(t, db, "RegVet", 3)
		admAccount(t, db, &regVet)
		admPlayer(t, db, "UnregVet", 3)
		regIni := admPlayer(t, db, "RegIni", 1)
		admAccount(t, db, &regIni)
		off := admPlayer(t, db, "Off", 4)

		voters, err := EligibleVoters(db, 3)
		require.NoError(t, err)
		require.Len(t, voters, 1)
		require.Equal(t, "RegVet", voters[0].DisplayName)

		officers, err := PlayersByMinRank(db, 4)
		require.NoError(t, err)
		require.Len(t, officers, 1)
		require.Equal(t, off.ID, officers[0].ID)

		byUser, err := PlayerByUserID(db, *regVet.WebsiteUserID)
		require.NoError(t, err)
		require.Equal(t, regVet.ID, byUser.ID)
		require.Equal(t, "Veteran", byUser.Rank.Name)

		du := admDiscord(t, db, "1001", "trog", "")
		require.NoError(t, db.Model(&off).Update("discord_user_id", du.ID).Error)
		byDiscord, err := PlayerByDiscordID(db, "1001")
		require.NoError(t, err)
		require.Equal(t, off.ID, byDiscord.ID)
		none, err := PlayerByDiscordID(db, "9999")
		require.NoError(t, err)
		require.Nil(t, none)
	})
}

func TestCharacters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		a := admPlayer(t, db, "A", 2)
		b := admPlayer(t, db, "B", 2)
		chA := admChar(t, db, "Trogmoon_x", 0)
		chB := admChar(t, db, "Bchar", 0)
		loose := admChar(t, db, "Loose", 0)

		for _, c := range []models.Character{chA, chB} {
			_, err := LinkCharacter(db, System, a.ID, c.ID)
			require.NoError(t, err)
		}
		cs, err := CharactersOfPlayer(db, a.ID)
		require.NoError(t, err)
		require.Equal(t, []string{"Bchar", "Trogmoon_x"}, []string{cs[0].Name, cs[1].Name})
		cs, err = CharactersOfPlayer(db, b.ID)
		require.NoError(t, err)
		require.Empty(t, cs)

		owner, err := OwnerOf(db, loose.ID)
		require.NoError(t, err)
		require.Nil(t, owner)
		was, err := UnlinkCharacter(db, System, loose.ID)
		require.NoError(t, err)
		require.Nil(t, was, "unlinking an unlinked character reports false")

		found, err := CharacterByName(db, "trogmoon_X", "SENJIN")
		require.NoError(t, err)
		require.Equal(t, chA.ID, found.ID)
		found, err = CharacterByName(db, "nobody", "senjin")
		require.NoError(t, err)
		require.Nil(t, found)

		// The bridge allows one owner per character…
		err = db.Create(&models.PlayerCharacter{PlayerID: b.ID, CharacterID: chA.ID}).Error
		require.ErrorIs(t, err, gorm.ErrDuplicatedKey)
		// …so linking an owned character moves it and clears the old
		// owner's main / off-spec pointers.
		_, err = SetCharacterRole(db, System, chA.ID, CharMain)
		require.NoError(t, err)
		_, err = SetCharacterRole(db, System, chB.ID, CharOffspec)
		require.NoError(t, err)
		pa := admReload(t, db, a.ID)
		require.Equal(t, chA.ID, *pa.MainCharacterID)
		require.Equal(t, chB.ID, *pa.OffspecCharacterID)
		require.True(t, RosterEligible(&pa))
		require.Equal(t, "Main", RoleTypeLabel(CharacterRole(&pa, chA.ID)))
		require.Equal(t, "Off-Spec", RoleTypeLabel(CharacterRole(&pa, chB.ID)))
		require.Equal(t, "Alt", RoleTypeLabel(CharacterRole(&pa, loose.ID)))

		mv, err := LinkCharacter(db, System, b.ID, chA.ID)
		require.NoError(t, err)
		require.Equal(t, a.ID, *mv.PreviousOwner)
		owner, _ = OwnerOf(db, chA.ID)
		require.Equal(t, b.ID, *owner)
		pa = admReload(t, db, a.ID)
		require.Nil(t, pa.MainCharacterID, "moving a main clears it on the old owner")
		require.False(t, RosterEligible(&pa))

		// main ⇄ offspec on one character never leaves both set.
		_, err = SetCharacterRole(db, System, chB.ID, CharMain)
		require.NoError(t, err)
		pa = admReload(t, db, a.ID)
		require.Equal(t, chB.ID, *pa.MainCharacterID)
		require.Nil(t, pa.OffspecCharacterID)
		_, err = SetCharacterRole(db, System, chB.ID, CharAlt)
		require.NoError(t, err)
		require.Nil(t, admReload(t, db, a.ID).MainCharacterID)
		_, err = SetCharacterRole(db, System, chB.ID, "tank")
		require.True(t, fault.Is(err, fault.KindInvalid))
		_, err = SetCharacterRole(db, System, loose.ID, CharMain)
		require.True(t, fault.Is(err, fault.KindNotFound))
		require.Contains(t, err.Error(), "Character not linked to a player")

		// Unlinking clears pointers.
		_, err = SetCharacterRole(db, System, chB.ID, CharOffspec)
		require.NoError(t, err)
		was, err = UnlinkCharacter(db, System, chB.ID)
		require.NoError(t, err)
		require.Equal(t, a.ID, *was)
		require.Nil(t, admReload(t, db, a.ID).OffspecCharacterID)

		// Deleting a main (once an FK error in the original) clears it and
		// the attendance that pointed at it.
		_, err = SetCharacterRole(db, System, chA.ID, CharMain)
		require.NoError(t, err)
		ev := models.RaidEvent{Title: "Raid", EventDate: models.Date{Year: 2026, Month: 1, Day: 5}, StartTimeUTC: time.Now(), EndTimeUTC: time.Now()}
		require.NoError(t, db.Create(&ev).Error)
		att := models.RaidAttendance{EventID: ev.ID, PlayerID: b.ID, CharacterID: &chA.ID}
		require.NoError(t, db.Create(&att).Error)
		_, prev, err := DeleteCharacter(db, System, chA.ID)
		require.NoError(t, err)
		require.Equal(t, b.ID, *prev)
		require.Nil(t, admReload(t, db, b.ID).MainCharacterID)
		var n int64
		db.Model(&models.Character{}).Where("id = ?", chA.ID).Count(&n)
		require.Zero(t, n)
		require.NoError(t, db.Take(&att, att.ID).Error)
		require.Nil(t, att.CharacterID)
		_, _, err = DeleteCharacter(db, System, chA.ID)
		require.True(t, fault.Is(err, fault.KindNotFound))
	})
}

func TestArmoryURL(t *testing.T) {
	require.Equal(t, "https://worldofwarcraft.blizzard.com/en-us/character/us/stormrage/trogmoon", ArmoryURL("Trogmoon", "Stormrage"))
	u := ArmoryURL("Trogmoon", "Sen'jin")
	require.Contains(t, u, "senjin")
	require.NotContains(t, u, "'")
	require.Contains(t, ArmoryURL("Mychar", "Area 52"), "area-52")
	require.Contains(t, ArmoryURL("BIGNAME", "Stormrage"), "/bigname")
}

func TestRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		roles, err := Roles(db)
		require.NoError(t, err)
		require.Equal(t, "Tank", roles[0].Name)
		r, err := RenameRole(db, roles[0].ID, " Meat Shield ")
		require.NoError(t, err)
		require.Equal(t, "Meat Shield", r.DisplayName)
		require.Equal(t, "Tank", r.Name, "the stable key never changes")
		_, err = RenameRole(db, roles[0].ID, "")
		require.True(t, fault.Is(err, fault.KindInvalid))
		_, err = RenameRole(db, 999, "X")
		require.True(t, fault.Is(err, fault.KindNotFound))
		specs, err := Specializations(db)
		require.NoError(t, err)
		require.Len(t, specs, 39)
		require.NotNil(t, specs[0].Class)
		require.NotNil(t, specs[0].DefaultRole)
	})
}
