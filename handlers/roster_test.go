package handlers

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// rosterFixture is a small guild: three players with mains (a Balance
// Druid, a Holy Paladin, a Frost Mage), one alt, and one removed character.
type rosterFixture struct {
	Anna, Bram, Cleo models.Player
	AltID, GoneID    int
}

func seedCharacter(t *testing.T, db *gorm.DB, owner *models.Player, name, class, spec string, ilvl int) models.Character {
	t.Helper()
	var cls models.Class
	require.NoError(t, db.Where("name = ?", class).Take(&cls).Error)
	var sp models.Specialization
	require.NoError(t, db.Where("name = ? AND class_id = ?", spec, cls.ID).Take(&sp).Error)
	lvl := 80
	ch := models.Character{Name: name, RealmSlug: "senjin", ClassID: &cls.ID, ActiveSpecID: &sp.ID, Level: &lvl, ItemLevel: &ilvl}
	require.NoError(t, db.Create(&ch).Error)
	require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: owner.ID, CharacterID: ch.ID}).Error)
	return ch
}

func setMain(t *testing.T, db *gorm.DB, p *models.Player, ch models.Character) {
	t.Helper()
	require.NoError(t, db.Model(p).Update("main_character_id", ch.ID).Error)
	p.MainCharacterID = &ch.ID
}

func seedRoster(t *testing.T, db *gorm.DB) rosterFixture {
	t.Helper()
	var f rosterFixture
	f.Anna, _ = seedMember(t, db, "Anna", 2)
	f.Bram, _ = seedMember(t, db, "Bram", 5)
	f.Cleo, _ = seedMember(t, db, "Cleo", 3)
	setMain(t, db, &f.Anna, seedCharacter(t, db, &f.Anna, "Annabark", "Druid", "Balance", 660))
	setMain(t, db, &f.Bram, seedCharacter(t, db, &f.Bram, "Bramlight", "Paladin", "Holy", 671))
	setMain(t, db, &f.Cleo, seedCharacter(t, db, &f.Cleo, "Cleofrost", "Mage", "Frost", 645))
	f.AltID = seedCharacter(t, db, &f.Anna, "Annashot", "Hunter", "Marksmanship", 612).ID
	gone := seedCharacter(t, db, &f.Cleo, "Cleogone", "Rogue", "Outlaw", 630)
	now := time.Now().UTC()
	require.NoError(t, db.Model(&gone).Update("removed_at", now).Error)
	f.GoneID = gone.ID
	return f
}

var rosterCharCell = regexp.MustCompile(`class="roster-char"[^>]*>([^<]+)<`)

// rosterOrder lists the character names of the table in order.
func rosterOrder(body string) []string {
	var out []string
	for _, m := range rosterCharCell.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestRosterPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		seedRoster(t, db)
		app, _ := testApp(t, db)

		resp, body := get(t, app, "/roster")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Guild Roster")
		require.Contains(t, body, `<html`, "a plain GET is the whole page")
		require.Equal(t, []string{"Annabark", "Bramlight", "Cleofrost"}, rosterOrder(body), "default: player A→Z, mains only")
		require.NotContains(t, body, "Cleogone", "removed characters never show")
		require.Contains(t, body, `style="color: #FF7C0A"`, "class colour from the database")
		require.Contains(t, body, "Guild Leader")
		require.Contains(t, body, "671")

		_, body = get(t, app, "/roster?alts=1")
		require.Equal(t, []string{"Annabark", "Annashot", "Bramlight", "Cleofrost"}, rosterOrder(body), "alts follow their main")
		require.NotContains(t, body, "Cleogone")
		require.Contains(t, body, `row--alt`)
	})
}

func TestRosterSorting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		seedRoster(t, db)
		app, _ := testApp(t, db)
		cases := []struct {
			query string
			want  []string
		}{
			{"", []string{"Annabark", "Bramlight", "Cleofrost"}},
			{"sort=player&dir=desc", []string{"Cleofrost", "Bramlight", "Annabark"}},
			{"sort=character&dir=desc", []string{"Cleofrost", "Bramlight", "Annabark"}},
			{"sort=class&dir=asc", []string{"Annabark", "Cleofrost", "Bramlight"}}, // Druid, Mage, Paladin
			{"sort=spec&dir=asc", []string{"Annabark", "Cleofrost", "Bramlight"}},  // Balance, Frost, Holy
			{"sort=role&dir=asc", []string{"Bramlight", "Annabark", "Cleofrost"}},  // Healer, Ranged, Ranged
			{"sort=rank&dir=asc", []string{"Anna" + "bark", "Cleofrost", "Bramlight"}},
			{"sort=rank&dir=desc", []string{"Bramlight", "Cleofrost", "Annabark"}}, // by level, not by name
			{"sort=ilvl", []string{"Bramlight", "Annabark", "Cleofrost"}},          // iLvl starts high → low
			{"sort=ilvl&dir=asc", []string{"Cleofrost", "Annabark", "Bramlight"}},
			{"sort=ilvl&dir=desc&alts=1", []string{"Bramlight", "Annabark", "Cleofrost", "Annashot"}},
		}
		for _, tc := range cases {
			_, body := get(t, app, "/roster?"+tc.query, "HX-Request", "true", "HX-Target", "roster-table")
			require.Equal(t, tc.want, rosterOrder(body), tc.query)
			require.NotContains(t, body, "<html", "htmx gets the table fragment")
			require.True(t, strings.HasPrefix(strings.TrimSpace(body), `<div id="roster-table"`), tc.query)
		}

		// Header links: the iLvl header first sorts descending; the active
		// column flips; the search and alts are kept.
		_, body := get(t, app, "/roster?q=an&alts=1")
		require.Contains(t, body, `href="/roster?alts=1&amp;dir=desc&amp;q=an&amp;sort=ilvl"`)
		require.Contains(t, body, `href="/roster?alts=1&amp;dir=asc&amp;q=an&amp;sort=character"`)
		require.Contains(t, body, `href="/roster?alts=1&amp;dir=desc&amp;q=an&amp;sort=player"`, "active column flips")
		require.Contains(t, body, `class="sort-asc"`)
	})
}

func TestRosterSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		seedRoster(t, db)
		app, _ := testApp(t, db)
		for q, want := range map[string][]string{
			"mage":     {"Cleofrost"},
			"HEALER":   {"Bramlight"},
			"anna":     {"Annabark"},
			"balance":  {"Annabark"},
			"nobody":   nil,
			"cleogone": nil,
		} {
			_, body := get(t, app, "/roster?q="+q, "HX-Request", "true", "HX-Target", "roster-table")
			require.Equal(t, want, rosterOrder(body), q)
			if want == nil {
				require.Contains(t, body, "No players found.")
			}
		}
		_, body := get(t, app, "/roster?q=hunter&alts=1", "HX-Request", "true", "HX-Target", "roster-table")
		require.Equal(t, []string{"Annashot"}, rosterOrder(body))
		_, body = get(t, app, "/roster?q=%3Cscript%3E")
		require.NotContains(t, body, "<script>")
	})
}

func TestRosterTabs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		seedRoster(t, db)
		require.NoError(t, db.Create(&models.RecurringEvent{Label: "Heroic Raid", DayOfWeek: 1,
			DefaultStartTime: mustTime(t, "21:00"), IsActive: true, DisplayOnPublic: true}).Error)
		app, _ := testApp(t, db)

		_, body := get(t, app, "/roster?tab=composition")
		require.Contains(t, body, "https://www.wowhead.com/raid-comp#D1P1M3")
		require.Contains(t, body, "role-card--danger") // 0 tanks
		require.Contains(t, body, `--pct: 25%`)        // 1 of 4 healers
		require.Contains(t, body, `--class-color: #3FC7EB`)
		require.NotContains(t, body, `id="roster-table"`)

		_, body = get(t, app, "/roster?tab=schedule", "HX-Request", "true", "HX-Target", "roster-panel")
		require.True(t, strings.HasPrefix(strings.TrimSpace(body), `<div id="roster-panel"`))
		require.Contains(t, body, "Tuesday")
		require.Contains(t, body, "Heroic Raid")
		require.Regexp(t, `09:00 PM E[SD]T`, body)
		require.Contains(t, body, `aria-current="page"`)

		for _, old := range []string{"/roster.html", "/roster-view.html"} {
			resp, _ := get(t, app, old)
			require.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
			require.Equal(t, "/roster", resp.Header.Get("Location"))
		}
	})
}

func mustTime(t *testing.T, s string) models.TimeOfDay {
	t.Helper()
	v, err := models.ParseTimeOfDay(s)
	require.NoError(t, err)
	return v
}

// A write through another connection — as another process would make —
// shows on the very next request, on the page and in the API.
func TestRosterCacheSeesWritesFromAnotherConnection(t *testing.T) {
	dbtest.EachDSN(t, func(t *testing.T, db *gorm.DB, dsn string) {
		f := seedRoster(t, db)
		app, _ := testApp(t, db)
		_, body := get(t, app, "/roster")
		require.Contains(t, body, "Cleofrost")
		_, body = get(t, app, "/roster")
		require.Contains(t, body, "Cleofrost", "served from memory")

		other, err := models.Open(dsn, nil)
		require.NoError(t, err)
		t.Cleanup(func() {
			if sqlDB, err := other.DB(); err == nil {
				sqlDB.Close()
			}
		})
		require.NoError(t, other.Model(&models.Character{}).Where("character_name = ?", "Cleofrost").Update("item_level", 699).Error)
		_, body = get(t, app, "/roster")
		require.Contains(t, body, "699")

		require.NoError(t, other.Model(&models.Character{}).Where("character_name = ?", "Bramlight").
			Update("removed_at", time.Now().UTC()).Error)
		_, body = get(t, app, "/roster")
		require.NotContains(t, body, "Bramlight")
		_, body = get(t, app, "/api/v1/guild/roster")
		require.NotContains(t, body, "Bramlight")

		require.NoError(t, other.Model(&models.Player{}).Where("id = ?", f.Anna.ID).Update("display_name", "Anastasia").Error)
		_, body = get(t, app, "/roster?sort=ilvl")
		require.Contains(t, body, "Anastasia")
		_, body = get(t, app, "/")
		require.NotContains(t, body, "Bramlight")
	})
}

func TestGuildRosterAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := seedRoster(t, db)
		app, _ := testApp(t, db)
		resp, body := get(t, app, "/api/v1/guild/roster")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var env struct {
			OK   bool `json:"ok"`
			Data struct {
				Players []struct {
					PlayerID      int    `json:"player_id"`
					DisplayName   string `json:"display_name"`
					RankName      string `json:"rank_name"`
					RankLevel     int    `json:"rank_level"`
					MainCharacter *struct {
						CharacterName string `json:"character_name"`
						ClassName     string `json:"class_name"`
						SpecName      string `json:"spec_name"`
						RoleName      string `json:"role_name"`
						ItemLevel     int    `json:"item_level"`
						ArmoryURL     string `json:"armory_url"`
					} `json:"main_character"`
					Characters []struct {
						CharacterID   int    `json:"character_id"`
						CharacterName string `json:"character_name"`
						IsMain        bool   `json:"is_main"`
					} `json:"characters"`
				} `json:"players"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &env))
		require.True(t, env.OK)
		require.Len(t, env.Data.Players, 3)
		anna := env.Data.Players[0]
		require.Equal(t, f.Anna.ID, anna.PlayerID)
		require.Equal(t, "Member", anna.RankName)
		require.Equal(t, 2, anna.RankLevel)
		require.Equal(t, "Annabark", anna.MainCharacter.CharacterName)
		require.Equal(t, "Ranged DPS", anna.MainCharacter.RoleName)
		require.Equal(t, "https://worldofwarcraft.blizzard.com/en-us/character/us/senjin/annabark", anna.MainCharacter.ArmoryURL)
		require.Len(t, anna.Characters, 2)
		require.True(t, anna.Characters[0].IsMain)
		cleo := env.Data.Players[2]
		require.Len(t, cleo.Characters, 1, "the removed character is left out")
		require.NotContains(t, body, "Cleogone")

		_, body = get(t, app, "/api/v1/guild/ranks")
		require.Contains(t, body, `"name":"Initiate"`)
		require.Less(t, strings.Index(body, "Initiate"), strings.Index(body, "Guild Leader"))
	})
}

// The cached layout frame still carries each visitor's own CSRF token, and
// known flash codes still show.
func TestCachedPagesCarryTheVisitorsOwnToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		seedRoster(t, db)
		app, _ := testApp(t, db)
		for _, path := range []string{"/roster", "/"} {
			a, b := newBrowser(t, app), newBrowser(t, app)
			a.get(path)
			b.get(path)
			require.NotEmpty(t, a.csrf)
			require.NotEqual(t, a.csrf, b.csrf)
			require.Equal(t, a.cookies[csrfCookie], a.csrf, path)
			require.Equal(t, b.cookies[csrfCookie], b.csrf, path)
			_, body := b.get(path)
			require.Equal(t, 2, strings.Count(body, b.csrf), "meta tag and hx-headers")
			require.NotContains(t, body, frameCSRF)
			require.NotContains(t, body, frameContent)
		}
		_, body := get(t, app, "/roster?flash=logged-out")
		require.Contains(t, body, "You have been logged out.")
		_, body = get(t, app, "/roster?flash=made-up")
		require.NotContains(t, body, "flash--")
	})
}
