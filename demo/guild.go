package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"patt/models"
)

// playerNames are the demo guild's members, guild leader first, then the
// officers; the order fixes who holds which rank.
var playerNames = []string{
	"Trog", "Mito", "Kazrah", "Lysandra", "Bubbles",
	"Dorvin", "Ashka", "Velleth", "Grimtooth", "Nyssa", "Orrin", "Tamsin", "Brakka", "Quill", "Seraphine",
	"Jorund", "Miri", "Pip", "Rhogar",
	"Elowen", "Fenwick", "Gorza", "Hollis", "Ixi", "Jasper", "Kethra", "Lumen", "Moss", "Nadira",
	"Olwyn", "Pyra", "Rook", "Sable", "Thessaly", "Ulric", "Vesna", "Wren", "Yarrow", "Zuzu",
	"Corbin", "Dahlia", "Emrys", "Fable", "Gideon", "Hazel",
}

// rankOf gives player i's rank level: 1 guild leader, 4 officers, then
// veterans, members and the newest initiates.
func rankOf(i int) int {
	switch {
	case i == 0:
		return 5
	case i <= 4:
		return 4
	case i <= 16:
		return 3
	case i <= 36:
		return 2
	default:
		return 1
	}
}

// Players from index mainless on have characters but no main yet (new
// members still settling in): they are not on the raid roster.
const mainless = 40

// inactivePlayer left the guild's raid team; their row stays inactive.
const inactivePlayer = 38

// mainRoles shapes the raid: two tanks, three healers (one short, so the
// landing page recruits a healer and the roster shows an amber card), and
// the rest damage.
func mainRoles(r *rand.Rand) []string {
	roles := []string{models.RoleTank, models.RoleTank, models.RoleHealer, models.RoleHealer, models.RoleHealer}
	for len(roles) < mainless {
		if len(roles)%2 == 0 {
			roles = append(roles, models.RoleMeleeDPS)
		} else {
			roles = append(roles, models.RoleRangedDPS)
		}
	}
	r.Shuffle(len(roles), func(i, j int) { roles[i], roles[j] = roles[j], roles[i] })
	return roles
}

var crossRealms = []struct{ Name, Slug string }{
	{"Area 52", "area-52"}, {"Quel'dorei", "queldorei"}, {"Illidan", "illidan"},
	{"Stormrage", "stormrage"}, {"Mal'Ganis", "malganis"}, {"Tichondrius", "tichondrius"},
}

var zones = []string{"America/New_York", "America/New_York", "America/Chicago", "America/Chicago",
	"America/Denver", "America/Los_Angeles", "America/Los_Angeles", "America/Phoenix", "Europe/London", "Australia/Sydney"}

// Character names are built from syllables; the accents are cosmetic.
var (
	nameStarts = []string{"Aer", "Bal", "Cor", "Dra", "Eli", "Fen", "Gor", "Hal", "Ith", "Jor", "Kal", "Lor",
		"Mor", "Nal", "Ory", "Pel", "Qua", "Ras", "Sil", "Tor", "Ula", "Vor", "Wyn", "Xal", "Yen", "Zar",
		"Thal", "Bryn", "Cael", "Dusk", "Ember", "Frost", "Grim", "Hex", "Ash", "Shae"}
	nameEnds = []string{"a", "ah", "an", "ar", "as", "en", "eth", "ia", "ic", "iel", "in", "is", "ix", "on",
		"or", "os", "ra", "ric", "ryn", "th", "us", "wyn", "ys", "ella", "ander", "osa", "thas", "mir", "dor", "bane"}
)

type nameBook map[string]bool

func (b nameBook) fresh(r *rand.Rand, realm string) string {
	for {
		n := nameStarts[r.IntN(len(nameStarts))] + nameEnds[r.IntN(len(nameEnds))]
		if r.IntN(4) == 0 {
			n += nameEnds[r.IntN(len(nameEnds))]
		}
		if len(n) > 12 {
			continue
		}
		key := strings.ToLower(n) + "|" + realm
		if !b[key] {
			b[key] = true
			return n
		}
	}
}

func seedPlayers(tx *gorm.DB, g *Guild, r *rand.Rand) error {
	// Names already taken (a --force run on a populated database).
	taken := nameBook{}
	var existing []models.Character
	if err := tx.Select("character_name", "realm_slug").Find(&existing).Error; err != nil {
		return err
	}
	for _, c := range existing {
		taken[strings.ToLower(c.Name)+"|"+c.RealmSlug] = true
	}

	specsByRole := map[string][]models.Specialization{}
	for _, s := range g.Specs {
		specsByRole[s.DefaultRole.Name] = append(specsByRole[s.DefaultRole.Name], s)
	}
	// Alts cycle through every spec once before repeating, so the demo
	// shows all 13 classes and 39 specs.
	altSpecs := make([]models.Specialization, len(g.Specs))
	copy(altSpecs, g.Specs)
	r.Shuffle(len(altSpecs), func(i, j int) { altSpecs[i], altSpecs[j] = altSpecs[j], altSpecs[i] })
	nextAlt := 0
	altSpec := func() models.Specialization {
		if nextAlt < len(altSpecs) {
			nextAlt++
			return altSpecs[nextAlt-1]
		}
		return g.Specs[r.IntN(len(g.Specs))]
	}

	roles := mainRoles(r)
	mainClasses := map[int]bool{}
	lastSync := g.Now.Add(-3 * time.Hour)
	for i, name := range playerNames {
		rank := g.Ranks[rankOf(i)]
		p := models.Player{
			DisplayName: name, GuildRankID: &rank.ID, GuildRankSource: ptr("wow_character"),
			IsActive: i != inactivePlayer, Timezone: zones[r.IntN(len(zones))], AutoInviteEvents: r.IntN(3) == 0,
		}
		if err := tx.Omit(clause.Associations).Create(&p).Error; err != nil {
			return fmt.Errorf("player %s: %w", name, err)
		}

		n := 4 + r.IntN(6) // 4–9 characters each
		var chars []models.Character
		for c := 0; c < n; c++ {
			var spec models.Specialization
			if c == 0 && i < mainless {
				// Mains favour classes nobody mains yet, so every class
				// shows in the roster's class distribution.
				pool := specsByRole[roles[i]]
				var fresh []models.Specialization
				for _, s := range pool {
					if !mainClasses[s.ClassID] {
						fresh = append(fresh, s)
					}
				}
				if len(fresh) > 0 {
					pool = fresh
				}
				spec = pool[r.IntN(len(pool))]
				mainClasses[spec.ClassID] = true
			} else {
				spec = altSpec()
			}
			realm, realmSlug := g.Realm, g.RealmSlug
			if r.IntN(10) < 3 {
				cr := crossRealms[r.IntN(len(crossRealms))]
				realm, realmSlug = cr.Name, cr.Slug
			}
			level, ilvl := 80, 600+r.IntN(66)
			if c == 0 {
				ilvl = 640 + r.IntN(41)
			} else if r.IntN(10) == 0 {
				level, ilvl = 70+r.IntN(10), 590+r.IntN(20)
			}
			ch := models.Character{
				Name: taken.fresh(r, realmSlug), RealmSlug: realmSlug, RealmName: ptr(realm),
				ClassID: &spec.ClassID, ActiveSpecID: &spec.ID, Level: &level, ItemLevel: &ilvl,
				GuildRankID: &rank.ID, AchievementPoints: ptr(5000 + r.IntN(30000)),
				LastLoginAt: ptr(g.Now.Add(-time.Duration(r.IntN(14*24)) * time.Hour)), LastAPISync: &lastSync,
			}
			if c > 0 && r.IntN(50) == 0 {
				// A few alts left the guild: kept, never shown.
				ch.RemovedAt = ptr(g.Now.Add(-time.Duration(1+r.IntN(30)) * 24 * time.Hour))
			}
			chars = append(chars, ch)
		}
		if err := tx.Omit(clause.Associations).Create(&chars).Error; err != nil {
			return fmt.Errorf("characters of %s: %w", name, err)
		}
		links := make([]models.PlayerCharacter, len(chars))
		for c := range chars {
			links[c] = models.PlayerCharacter{PlayerID: p.ID, CharacterID: chars[c].ID}
		}
		if err := tx.Omit(clause.Associations).Create(&links).Error; err != nil {
			return fmt.Errorf("characters of %s: %w", name, err)
		}

		if i < mainless {
			main := chars[0]
			update := map[string]any{"main_character_id": main.ID}
			p.MainCharacterID = &main.ID
			// Most players chose their main spec; the rest fall back to
			// the main's active spec.
			if r.IntN(8) != 0 {
				update["main_spec_id"] = *main.ActiveSpecID
			}
			// Some keep an off-spec character of another role.
			if len(chars) > 1 && r.IntN(3) == 0 {
				update["offspec_character_id"] = chars[1].ID
				update["offspec_spec_id"] = *chars[1].ActiveSpecID
			}
			if err := tx.Model(&p).Updates(update).Error; err != nil {
				return fmt.Errorf("main of %s: %w", name, err)
			}
		}
		g.Players = append(g.Players, p)
		g.Characters = append(g.Characters, chars...)
		if rank.Level >= 4 {
			g.Officers = append(g.Officers, p)
		}
	}
	return nil
}

func seedDiscordUsers(tx *gorm.DB, g *Guild, r *rand.Rand) error {
	base := int64(180000000000000000) + int64(r.IntN(1_000_000_000))
	for i, p := range g.Players {
		if i >= 12 || (i > 4 && r.IntN(3) == 0) {
			continue
		}
		joined := g.Now.Add(-time.Duration(60+r.IntN(900)) * 24 * time.Hour)
		du := models.DiscordUser{
			DiscordID: strconv.FormatInt(base+int64(i)*7919, 10), Username: strings.ToLower(p.DisplayName),
			DisplayName: ptr(p.DisplayName), IsPresent: true, JoinedServerAt: &joined, LastSync: &g.Now,
		}
		if err := tx.Omit(clause.Associations).Create(&du).Error; err != nil {
			return fmt.Errorf("discord user of %s: %w", p.DisplayName, err)
		}
		if err := tx.Model(&models.Player{}).Where("id = ?", p.ID).Update("discord_user_id", du.ID).Error; err != nil {
			return err
		}
	}
	return nil
}

var mitoQuotes = []string{
	"I raid like a Paladin on a charger: fashionably late, but I bring the bubble.",
	"If you stand in fire, I will heal you. Once.",
	"Less QQ, more pew pew.",
	"The floor is not a healing reagent.",
	"I don't always top the meters, but when I do, the tanks are in trouble.",
	"A wipe is just a rehearsal with extra repair bills.",
	"Mana is a state of mind. Mine is empty.",
	"Trog pulled. We all knew Trog would pull.",
	"Dispel? I thought you said 'despair'.",
	"Every boss is a loot piñata if you believe hard enough.",
	"I heal because someone has to, and because the DPS can't be trusted with sharp things.",
	"Buff food is not optional. It is a lifestyle.",
	"Yes, I saw the mechanic. No, I did not respect it.",
	"Real life first, raid second, snacks always.",
	"The tank says 'trust me'. The healer says 'I have a soulstone'.",
}

var mitoTitles = []string{
	"Healer Extraordinaire", "Keeper of the Bubble", "Queen of Mana Tea", "Defender of the Floor",
	"Bane of Standing in Fire", "Warden of the Repair Bill", "Mother of Battle Rezzes",
	"Bubble Hearth Champion", "Archmage of Snacks", "The Unkillable Mito",
}

func seedMito(tx *gorm.DB, _ *Guild, _ *rand.Rand) error {
	for _, q := range mitoQuotes {
		if err := tx.Create(&models.MitoQuote{Quote: q}).Error; err != nil {
			return err
		}
	}
	for _, t := range mitoTitles {
		if err := tx.Create(&models.MitoTitle{Title: t}).Error; err != nil {
			return err
		}
	}
	return nil
}

// raidNights are the guild's week, on the guild's clock.
var raidNights = []struct {
	Label    string
	Day      int // 0 = Monday
	At       string
	Minutes  int
	IsPublic bool
}{
	{"Heroic Raid Night", 1, "21:00", 180, true},
	{"Heroic Raid Night", 3, "21:00", 180, true},
	{"Alt Run & Mythic+", 6, "20:00", 120, true},
}

func seedSchedule(tx *gorm.DB, g *Guild, _ *rand.Rand) error {
	var busy []int
	if err := tx.Model(&models.RecurringEvent{}).Where("is_active = ?", true).Pluck("day_of_week", &busy).Error; err != nil {
		return err
	}
	for _, n := range raidNights {
		if containsInt(busy, n.Day) {
			continue // a --force run keeps the guild's own nights
		}
		at, err := models.ParseTimeOfDay(n.At)
		if err != nil {
			return err
		}
		ev := models.RecurringEvent{Label: n.Label, EventType: "raid", DayOfWeek: n.Day, DefaultStartTime: at,
			DefaultDurationMinutes: n.Minutes, IsActive: true, DisplayOnPublic: n.IsPublic}
		if err := tx.Create(&ev).Error; err != nil {
			return fmt.Errorf("raid night %s: %w", n.Label, err)
		}
	}
	start := models.DateOf(g.Now.In(g.Zone)).AddDays(-28)
	for start.DayOfWeek() != 1 { // seasons open on a Tuesday reset
		start = start.AddDays(-1)
	}
	season := models.RaidSeason{Name: "Season 3: Manaforge Omega", StartDate: start, IsActive: true}
	if err := tx.Create(&season).Error; err != nil {
		return fmt.Errorf("raid season: %w", err)
	}
	return nil
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }
