package schedule

import (
	"math/rand/v2"
	"testing"
	"time"

	"patt/dbtest"
	"patt/models"
)

// benchRoster makes n active players spread over the player zones, each
// with 3–7 windows of 1–8 hours.
func benchRoster(n int) []*RosterPlayer {
	r := rand.New(rand.NewPCG(1, 2))
	roles := []string{models.RoleTank, models.RoleHealer, models.RoleMeleeDPS, models.RoleRangedDPS, ""}
	out := make([]*RosterPlayer, n)
	for i := range out {
		p := &RosterPlayer{PlayerID: i + 1, DisplayName: "Player" + string(rune('A'+i%26)), Timezone: PlayerZones[r.IntN(len(PlayerZones))],
			Active: true, Weight: []int{0, 1, 3, 5}[r.IntN(4)], MainRole: roles[r.IntN(len(roles))]}
		for _, d := range r.Perm(7)[:3+r.IntN(5)] {
			p.Windows = append(p.Windows, Window{Day: d, Start: models.TimeOfDay{Hour: 12 + r.IntN(12), Minute: 30 * r.IntN(2)}, Hours: float64(2+r.IntN(15)) / 2})
		}
		out[i] = p
	}
	return out
}

func BenchmarkAvailabilityByDay500(b *testing.B) {
	ny, _ := time.LoadLocation("America/New_York")
	players := benchRoster(500)
	nights := map[int]models.RecurringEvent{1: {ID: 1, DayOfWeek: 1, DefaultStartTime: models.TimeOfDay{Hour: 21}, DefaultDurationMinutes: 120}, 4: {ID: 2, DayOfWeek: 4, DefaultStartTime: models.TimeOfDay{Hour: 21}, DefaultDurationMinutes: 120}}
	for b.Loop() {
		AvailabilityByDay(players, 500, 1200, nights, ny, testNow)
	}
}

func BenchmarkHeatMap500(b *testing.B) {
	ny, _ := time.LoadLocation("America/New_York")
	players := benchRoster(500)
	for b.Loop() {
		BuildHeatMap(players, ny, testNow)
	}
}

func BenchmarkBestRaidStarts500(b *testing.B) {
	ny, _ := time.LoadLocation("America/New_York")
	players := benchRoster(500)
	for b.Loop() {
		BestRaidStarts(players, ny, testNow, 2*time.Hour, 3)
	}
}

// BenchmarkLoadAvailabilityByDay500SQLite includes the database load: 500
// players and their windows read from SQLite, then counted.
func BenchmarkLoadAvailabilityByDay500SQLite(b *testing.B) {
	db, _ := dbtest.Migrated(b, models.SQLite)
	ny, _ := time.LoadLocation("America/New_York")
	for _, p := range benchRoster(500) {
		row := models.Player{DisplayName: p.DisplayName, IsActive: true, Timezone: p.Timezone}
		if err := db.Create(&row).Error; err != nil {
			b.Fatal(err)
		}
		for _, w := range p.Windows {
			if err := db.Create(&models.AvailabilityWindow{PlayerID: row.ID, DayOfWeek: w.Day, EarliestStart: w.Start, AvailableHours: w.Hours, UpdatedAt: testNow}).Error; err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := LoadAvailabilityByDay(db, ny, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadHeatMap500SQLite(b *testing.B) {
	db, _ := dbtest.Migrated(b, models.SQLite)
	ny, _ := time.LoadLocation("America/New_York")
	for _, p := range benchRoster(500) {
		row := models.Player{DisplayName: p.DisplayName, IsActive: true, Timezone: p.Timezone}
		if err := db.Create(&row).Error; err != nil {
			b.Fatal(err)
		}
		for _, w := range p.Windows {
			if err := db.Create(&models.AvailabilityWindow{PlayerID: row.ID, DayOfWeek: w.Day, EarliestStart: w.Start, AvailableHours: w.Hours, UpdatedAt: testNow}).Error; err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		players, _, _, err := LoadRoster(db)
		if err != nil {
			b.Fatal(err)
		}
		BuildHeatMap(players, ny, testNow)
	}
}
