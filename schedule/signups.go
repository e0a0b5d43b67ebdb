package schedule

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"patt/fault"
	"patt/models"
)

// Signup statuses, as a raider knows them from Raid-Helper.
const (
	SignupSigned    = "signed"
	SignupTentative = "tentative"
	SignupLate      = "late"
	SignupBench     = "bench"
	SignupAbsent    = "absent"
)

// SignupStatuses in the order the page offers them.
var SignupStatuses = []string{SignupSigned, SignupTentative, SignupLate, SignupBench, SignupAbsent}

// SignupLabels are the statuses as people read them.
var SignupLabels = map[string]string{SignupSigned: "Signed up", SignupTentative: "Tentative", SignupLate: "Late",
	SignupBench: "Bench", SignupAbsent: "Absent"}

// Who wrote a signup's latest change.
const (
	SourceSite       = "site"
	SourceRaidHelper = "raid_helper"
	SourceAuto       = "auto"
)

// Raid roles and the composition a raid aims for: 2 tanks, 4 healers,
// 6 melee, 6 ranged (the roster's composition targets).
var RaidRoles = []string{"tank", "healer", "melee", "ranged"}

var RoleTargets = map[string]int{"tank": 2, "healer": 4, "melee": 6, "ranged": 6}

var RoleLabels = map[string]string{"tank": "Tank", "healer": "Healer", "melee": "Melee DPS", "ranged": "Ranged DPS"}

// roleKey turns a roles.name (Tank, Healer, Melee DPS, Ranged DPS) into a
// raid role key; "" when unknown.
func roleKey(name string) string {
	switch name {
	case models.RoleTank:
		return "tank"
	case models.RoleHealer:
		return "healer"
	case models.RoleMeleeDPS:
		return "melee"
	case models.RoleRangedDPS:
		return "ranged"
	}
	return ""
}

func validStatus(s string) bool {
	for _, x := range SignupStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// Coming reports whether a status counts toward the raid's composition.
func Coming(status string) bool { return status == SignupSigned || status == SignupLate }

// SignupInput is a member's answer. CharacterID 0 means their main; Role ""
// means the character's usual role.
type SignupInput struct {
	Status      string `json:"status"`
	CharacterID int    `json:"character_id"`
	Role        string `json:"role"`
	Note        string `json:"note"`
}

// SetSignup records a player's answer for a raid, from the site (source
// site) or Raid-Helper (source raid_helper), in one transaction with the
// attendance row it implies (signed or late → expected; absent with a note
// → noted absence). Answers close when the raid starts (409); a cancelled
// raid takes none (409); bad values are 422.
func SetSignup(db *gorm.DB, eventID, playerID int, in SignupInput, source string, now time.Time) (models.RaidSignup, error) {
	var row models.RaidSignup
	in.Status = strings.TrimSpace(strings.ToLower(in.Status))
	in.Role = strings.TrimSpace(strings.ToLower(in.Role))
	in.Note = strings.TrimSpace(in.Note)
	if !validStatus(in.Status) {
		return row, fault.Invalid("status", "status must be one of signed, tentative, late, bench, absent")
	}
	if in.Role != "" && RoleTargets[in.Role] == 0 {
		return row, fault.Invalid("role", "role must be one of tank, healer, melee, ranged")
	}
	if len([]rune(in.Note)) > 200 {
		return row, fault.Invalid("note", "note must be at most 200 characters")
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		e, err := RaidEventByID(tx, eventID)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return fault.NotFound(fmt.Sprintf("Raid event %d not found", eventID))
			}
			return err
		}
		if e.Status == EventCancelled {
			return fault.Conflict("This raid was cancelled")
		}
		if !now.Before(e.StartTimeUTC) {
			return fault.Conflict("Signups for this raid closed when it started")
		}
		var p models.Player
		if err := tx.Take(&p, playerID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return fault.NotFound(fmt.Sprintf("Player %d not found", playerID))
			}
			return err
		}
		charID, role, err := signupCharacter(tx, p, in.CharacterID)
		if err != nil {
			return err
		}
		if in.Role != "" {
			role = in.Role
		}
		row = models.RaidSignup{EventID: eventID, PlayerID: playerID, Status: in.Status, Source: source, ChangedAt: now.UTC(), CreatedAt: now.UTC()}
		if charID != 0 {
			row.CharacterID = &charID
		}
		if role != "" {
			row.Role = &role
		}
		if in.Note != "" {
			row.Note = &in.Note
		}
		if err := upsertSignup(tx, &row); err != nil {
			return err
		}
		return syncAttendance(tx, row)
	})
	return row, err
}

// upsertSignup writes row over any earlier answer of the same player. A site
// change is not yet in Raid-Helper (pushed_at cleared); one that came from
// Raid-Helper already is.
func upsertSignup(tx *gorm.DB, row *models.RaidSignup) error {
	if row.Source == SourceRaidHelper {
		t := row.ChangedAt
		row.PushedAt = &t
	}
	cols := []string{"status", "character_id", "role", "note", "source", "changed_at", "pushed_at"}
	if row.RHSignupID != nil {
		cols = append(cols, "rh_signup_id")
	}
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "event_id"}, {Name: "player_id"}},
		DoUpdates: clause.AssignmentColumns(cols),
	}).Create(row).Error
	if err != nil {
		return fmt.Errorf("save signup: %w", err)
	}
	return tx.Where("event_id = ? AND player_id = ?", row.EventID, row.PlayerID).Take(row).Error
}

// syncAttendance mirrors a signup onto the attendance sheet: signed_up and
// noted_absence follow the answer; attended is the officer's alone.
func syncAttendance(tx *gorm.DB, s models.RaidSignup) error {
	src := "auto"
	if s.Source == SourceRaidHelper {
		src = "raid_helper"
	}
	att := models.RaidAttendance{EventID: s.EventID, PlayerID: s.PlayerID, Source: src, CreatedAt: s.ChangedAt}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&att).Error; err != nil {
		return fmt.Errorf("attendance row: %w", err)
	}
	noted := s.Status == SignupAbsent && s.Note != nil && *s.Note != ""
	return tx.Model(&models.RaidAttendance{}).Where("event_id = ? AND player_id = ?", s.EventID, s.PlayerID).
		Updates(map[string]any{"signed_up": Coming(s.Status), "noted_absence": noted, "character_id": s.CharacterID}).Error
}

// signupCharacter resolves the character a player brings (0 = main) and its
// usual role; the character must be theirs (422).
func signupCharacter(tx *gorm.DB, p models.Player, charID int) (int, string, error) {
	if charID == 0 {
		if p.MainCharacterID == nil {
			return 0, specRole(tx, p.MainSpecID), nil
		}
		charID = *p.MainCharacterID
	}
	var owned int64
	if err := tx.Model(&models.PlayerCharacter{}).Where("player_id = ? AND character_id = ?", p.ID, charID).Count(&owned).Error; err != nil {
		return 0, "", err
	}
	if owned == 0 && (p.MainCharacterID == nil || *p.MainCharacterID != charID) {
		return 0, "", fault.Invalid("character_id", "that character is not one of yours")
	}
	if p.MainCharacterID != nil && *p.MainCharacterID == charID && p.MainSpecID != nil {
		return charID, specRole(tx, p.MainSpecID), nil
	}
	var c models.Character
	if err := tx.Take(&c, charID).Error; err != nil {
		return 0, "", err
	}
	return charID, specRole(tx, c.ActiveSpecID), nil
}

func specRole(tx *gorm.DB, specID *int) string {
	if specID == nil {
		return ""
	}
	var sp models.Specialization
	if err := tx.Preload("DefaultRole").Take(&sp, *specID).Error; err != nil || sp.DefaultRole == nil {
		return ""
	}
	return roleKey(sp.DefaultRole.Name)
}

// CharacterOption is a character a member may bring.
type CharacterOption struct {
	ID        int
	Name      string
	ClassName string
	Role      string
	IsMain    bool
}

// CharactersOf lists a player's characters, main first.
func CharactersOf(db *gorm.DB, playerID int) ([]CharacterOption, error) {
	var p models.Player
	if err := db.Preload("Characters.Character.Class").Preload("Characters.Character.ActiveSpec.DefaultRole").Take(&p, playerID).Error; err != nil {
		return nil, fmt.Errorf("player %d characters: %w", playerID, err)
	}
	mainRole := specRole(db, p.MainSpecID)
	var out []CharacterOption
	for _, c := range p.OwnedCharacters() {
		if c.RemovedAt != nil {
			continue
		}
		o := CharacterOption{ID: c.ID, Name: c.Name}
		if c.Class != nil {
			o.ClassName = c.Class.Name
		}
		if c.ActiveSpec != nil && c.ActiveSpec.DefaultRole != nil {
			o.Role = roleKey(c.ActiveSpec.DefaultRole.Name)
		}
		if p.MainCharacterID != nil && *p.MainCharacterID == c.ID {
			o.IsMain = true
			if mainRole != "" {
				o.Role = mainRole
			}
		}
		out = append(out, o)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].IsMain != out[j].IsMain {
			return out[i].IsMain
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// SignupOf is a player's answer for an event, or nil.
func SignupOf(db *gorm.DB, eventID, playerID int) (*models.RaidSignup, error) {
	var s models.RaidSignup
	err := db.Where("event_id = ? AND player_id = ?", eventID, playerID).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("signup: %w", err)
	}
	return &s, nil
}

// NextRaid is an upcoming raid with the viewer's answer (nil: none yet).
type NextRaid struct {
	Event  models.RaidEvent
	Signup *models.RaidSignup
}

// NextRaidsFor lists a player's next raids with their answers.
func NextRaidsFor(db *gorm.DB, playerID int, now time.Time, limit int) ([]NextRaid, error) {
	events, err := UpcomingEvents(db, now, limit)
	if err != nil {
		return nil, err
	}
	out := make([]NextRaid, 0, len(events))
	if len(events) == 0 {
		return out, nil
	}
	ids := make([]int, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	var rows []models.RaidSignup
	if err := db.Where("player_id = ? AND event_id IN ?", playerID, ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("my signups: %w", err)
	}
	mine := map[int]*models.RaidSignup{}
	for i := range rows {
		mine[rows[i].EventID] = &rows[i]
	}
	for _, e := range events {
		out = append(out, NextRaid{Event: e, Signup: mine[e.ID]})
	}
	return out, nil
}

// RosterEntry is one answer on an event's roster.
type RosterEntry struct {
	PlayerID      int
	DisplayName   string
	Status        string
	Role          string
	CharacterName string
	ClassName     string
	Note          string
	Source        string
	ChangedAt     time.Time
}

// RoleSlot is one role of the roster against its target.
type RoleSlot struct {
	Role    string
	Label   string
	Target  int
	Entries []RosterEntry
}

// Count is how many are coming in this role.
func (r RoleSlot) Count() int { return len(r.Entries) }

// Short reports whether the role is under its target.
func (r RoleSlot) Short() bool { return len(r.Entries) < r.Target }

// EventRoster is who answered what for one raid.
type EventRoster struct {
	Roles     []RoleSlot    // signed and late, by role (tank, healer, melee, ranged)
	NoRole    []RosterEntry // coming, role unknown
	Tentative []RosterEntry
	Bench     []RosterEntry
	Absent    []RosterEntry
	NoAnswer  []string // active members who have not answered
	Coming    int
	Answered  int
}

// RosterOf builds an event's roster; NoAnswer lists active players with a
// main character who have not answered.
func RosterOf(db *gorm.DB, eventID int) (EventRoster, error) {
	var out EventRoster
	type row struct {
		models.RaidSignup
		DisplayName   string
		CharacterName *string
		ClassName     *string
	}
	s := models.Table(db, &models.RaidSignup{})
	p := models.Table(db, &models.Player{})
	c := models.Table(db, &models.Character{})
	cl := models.Table(db, &models.Class{})
	var rows []row
	err := db.Table(s+" AS s").Select("s.*, p.display_name, c.character_name, cl.name AS class_name").
		Joins("JOIN "+p+" AS p ON p.id = s.player_id").
		Joins("LEFT JOIN "+c+" AS c ON c.id = s.character_id").
		Joins("LEFT JOIN "+cl+" AS cl ON cl.id = c.class_id").
		Where("s.event_id = ?", eventID).Order("s.changed_at").Order("s.id").Scan(&rows).Error
	if err != nil {
		return out, fmt.Errorf("roster of event %d: %w", eventID, err)
	}
	byRole := map[string][]RosterEntry{}
	answered := map[int]bool{}
	for _, r := range rows {
		answered[r.PlayerID] = true
		e := RosterEntry{PlayerID: r.PlayerID, DisplayName: r.DisplayName, Status: r.Status, Source: r.Source, ChangedAt: r.ChangedAt}
		if r.Role != nil {
			e.Role = *r.Role
		}
		if r.CharacterName != nil {
			e.CharacterName = *r.CharacterName
		}
		if r.ClassName != nil {
			e.ClassName = *r.ClassName
		}
		if r.Note != nil {
			e.Note = *r.Note
		}
		switch r.Status {
		case SignupSigned, SignupLate:
			out.Coming++
			if e.Role == "" {
				out.NoRole = append(out.NoRole, e)
			} else {
				byRole[e.Role] = append(byRole[e.Role], e)
			}
		case SignupTentative:
			out.Tentative = append(out.Tentative, e)
		case SignupBench:
			out.Bench = append(out.Bench, e)
		case SignupAbsent:
			out.Absent = append(out.Absent, e)
		}
	}
	out.Answered = len(answered)
	for _, role := range RaidRoles {
		out.Roles = append(out.Roles, RoleSlot{Role: role, Label: RoleLabels[role], Target: RoleTargets[role], Entries: byRole[role]})
	}
	var players []models.Player
	if err := db.Where("is_active = ? AND main_character_id IS NOT NULL", true).Order("display_name").Find(&players).Error; err != nil {
		return out, fmt.Errorf("roster players: %w", err)
	}
	for _, pl := range players {
		if !answered[pl.ID] {
			out.NoAnswer = append(out.NoAnswer, pl.DisplayName)
		}
	}
	return out, nil
}

// AutoSignup signs members who chose "auto-signup" (players.
// auto_invite_events) up to every upcoming raid on a night they usually
// raid (one of their availability windows starts that guild-clock day),
// bringing their main. Initiates go to the bench. An existing answer is
// never overwritten, so a member who changed theirs keeps it.
func AutoSignup(db *gorm.DB, guild *time.Location, now time.Time) (int, error) {
	events, err := UpcomingEvents(db, now, 0)
	if err != nil || len(events) == 0 {
		return 0, err
	}
	roster, _, _, err := loadAllPlayers(db)
	if err != nil {
		return 0, err
	}
	var players []models.Player
	if err := db.Where("is_active = ? AND auto_invite_events = ? AND main_character_id IS NOT NULL", true, true).Find(&players).Error; err != nil {
		return 0, fmt.Errorf("auto-signup players: %w", err)
	}
	byID := map[int]*RosterPlayer{}
	for _, rp := range roster {
		byID[rp.PlayerID] = rp
	}
	n := 0
	for _, p := range players {
		rp := byID[p.ID]
		if rp == nil {
			continue
		}
		role := specRole(db, p.MainSpecID)
		status := SignupSigned
		if rp.RankLevel == 1 {
			status = SignupBench
		}
		for _, e := range events {
			if !declaredOn(rp, e.EventDate, guild) {
				continue
			}
			err := db.Transaction(func(tx *gorm.DB) error {
				row := models.RaidSignup{EventID: e.ID, PlayerID: p.ID, Status: status, CharacterID: p.MainCharacterID,
					Source: SourceAuto, ChangedAt: now.UTC(), CreatedAt: now.UTC()}
				if role != "" {
					row.Role = &role
				}
				r := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
				if r.Error != nil {
					return fmt.Errorf("auto-signup: %w", r.Error)
				}
				if r.RowsAffected == 0 {
					return nil
				}
				n++
				return syncAttendance(tx, row)
			})
			if err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
