package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"patt/fault"
	"patt/models"
	"patt/raidhelper"
)

// SyncResult says what one signup sync did.
type SyncResult struct {
	Off      bool
	Events   int
	Imported int // site answers created or changed from Raid-Helper
	Unknown  int // Raid-Helper signers no player matches
	Pushed   int // site answers sent to Raid-Helper
}

// rhStatus reads a Raid-Helper signup: its class name is a status bucket
// (Tentative, Late, Bench, Absence) or a role bucket or class; the role
// comes from the bucket or the spec name ("" = unknown).
func rhStatus(s raidhelper.SignUp) (status, role string) {
	switch strings.ToLower(s.ClassName) {
	case "absence", "absent", "declined":
		return SignupAbsent, ""
	case "tentative":
		return SignupTentative, ""
	case "late":
		return SignupLate, rhSpecRoles[s.SpecName]
	case "bench":
		return SignupBench, ""
	case "tank", "tanks":
		return SignupSigned, "tank"
	case "healer", "healers":
		return SignupSigned, "healer"
	case "melee", "dps":
		return SignupSigned, "melee"
	case "ranged":
		return SignupSigned, "ranged"
	}
	return SignupSigned, rhSpecRoles[s.SpecName]
}

// rhSpecRoles maps Raid-Helper's wowretail2 spec names (duplicates carry a
// "1": Frost1 is the death knight, Holy1/Protection1 the paladin,
// Restoration1 the shaman) to raid roles (spec scheduling §8.3).
var rhSpecRoles = map[string]string{
	"Blood": "tank", "Vengeance": "tank", "Guardian": "tank", "Brewmaster": "tank", "Protection": "tank", "Protection1": "tank",
	"Holy": "healer", "Holy1": "healer", "Discipline": "healer", "Restoration": "healer", "Restoration1": "healer",
	"Mistweaver": "healer", "Preservation": "healer",
	"Frost1": "melee", "Unholy": "melee", "Havoc": "melee", "Feral": "melee", "Survival": "melee", "Windwalker": "melee",
	"Retribution": "melee", "Assassination": "melee", "Outlaw": "melee", "Subtlety": "melee", "Enhancement": "melee",
	"Arms": "melee", "Fury": "melee",
	"Arcane": "ranged", "Fire": "ranged", "Frost": "ranged", "Balance": "ranged", "Beastmastery": "ranged",
	"Marksmanship": "ranged", "Shadow": "ranged", "Elemental": "ranged", "Affliction": "ranged", "Demonology": "ranged",
	"Destruction": "ranged", "Devastation": "ranged", "Augmentation": "ranged", "Devourer": "ranged",
}

// rhStatusClass is the template's status class of a site answer ("" for
// a sign-up, which goes under its role class).
var rhStatusClass = map[string]string{SignupTentative: raidhelper.ClassTentative, SignupLate: raidhelper.ClassLate,
	SignupBench: raidhelper.ClassBench, SignupAbsent: raidhelper.ClassAbsence}

// charSpec is a character's class and the spec it plays for a role.
type charSpec struct {
	Class string
	Spec  string
	Role  string
}

// characterSpecs lists what a character can bring: its class and, first,
// the spec it plays now, then (for the player's main) the player's main
// spec, then every other spec of its class, in the seeding order.
func characterSpecs(db *gorm.DB, p models.Player, charID int) ([]charSpec, error) {
	var c models.Character
	if err := db.Preload("Class").Preload("ActiveSpec.Class").Preload("ActiveSpec.DefaultRole").Take(&c, charID).Error; err != nil {
		return nil, fmt.Errorf("character %d: %w", charID, err)
	}
	class := ""
	switch {
	case c.Class != nil:
		class = c.Class.Name
	case c.ActiveSpec != nil && c.ActiveSpec.Class != nil:
		class = c.ActiveSpec.Class.Name
	}
	if class == "" {
		return nil, nil
	}
	var out []charSpec
	add := func(sp *models.Specialization) {
		if sp == nil || sp.Class == nil || sp.Class.Name != class || sp.DefaultRole == nil {
			return
		}
		for _, o := range out {
			if o.Spec == sp.Name {
				return
			}
		}
		out = append(out, charSpec{Class: class, Spec: sp.Name, Role: roleKey(sp.DefaultRole.Name)})
	}
	add(c.ActiveSpec)
	if p.MainCharacterID != nil && *p.MainCharacterID == charID && p.MainSpecID != nil {
		var ms models.Specialization
		if err := db.Preload("Class").Preload("DefaultRole").Take(&ms, *p.MainSpecID).Error; err == nil {
			add(&ms)
		}
	}
	var all []models.Specialization
	if err := db.Preload("Class").Preload("DefaultRole").Order("id").Find(&all).Error; err != nil {
		return nil, fmt.Errorf("specializations: %w", err)
	}
	for i := range all {
		add(&all[i])
	}
	return out, nil
}

// rhSignupOf is how a site answer is written in Raid-Helper's wowretail2
// template: a sign-up under its role class with the template's name of
// the spec the chosen character plays in that role (Holy1 for a holy
// paladin, Frost1 for a frost death knight, spec §8.3); tentative, late,
// bench and absent under their status class, still naming the spec. ok is
// false for a sign-up whose class and spec are unknown (no character, or
// a character without a class): Raid-Helper has no class for it, so the
// answer stays on the site.
func rhSignupOf(db *gorm.DB, s models.RaidSignup, p models.Player) (raidhelper.SignupInput, bool, error) {
	charID := 0
	switch {
	case s.CharacterID != nil:
		charID = *s.CharacterID
	case p.MainCharacterID != nil:
		charID = *p.MainCharacterID
	}
	var specs []charSpec
	if charID != 0 {
		var err error
		if specs, err = characterSpecs(db, p, charID); err != nil {
			return raidhelper.SignupInput{}, false, err
		}
	}
	role := deref(s.Role)
	var roleClass, specName string
	for _, cs := range specs {
		if role != "" && cs.Role != role {
			continue
		}
		if rc, sn, ok := raidhelper.TemplateSpec(cs.Class, cs.Spec); ok {
			roleClass, specName = rc, sn
			break
		}
	}
	if status := rhStatusClass[s.Status]; status != "" {
		if specName == "" {
			specName = status
		}
		return raidhelper.SignupInput{ClassName: status, SpecName: specName}, true, nil
	}
	if roleClass == "" {
		return raidhelper.SignupInput{}, false, nil
	}
	return raidhelper.SignupInput{ClassName: roleClass, SpecName: specName}, true, nil
}

// rhCharacter finds the player's character of the class a Raid-Helper
// spec name belongs to (their main if it is of that class, else their
// first character of it); 0 when the name is not a spec or they have none.
func rhCharacter(db *gorm.DB, p models.Player, templateSpec string) (int, error) {
	w, ok := raidhelper.WowSpecOf(templateSpec)
	if !ok {
		return 0, nil
	}
	var cls models.Class
	if err := db.Where("name = ?", w.Class).Take(&cls).Error; err != nil {
		return 0, nil
	}
	chars := models.Table(db, &models.Character{})
	specT := models.Table(db, &models.Specialization{})
	owned := models.Table(db, &models.PlayerCharacter{})
	var ids []int
	err := db.Table(chars+" AS c").Select("c.id").
		Joins("LEFT JOIN "+specT+" AS s ON s.id = c.active_spec_id").
		Where("c.removed_at IS NULL AND (c.class_id = ? OR (c.class_id IS NULL AND s.class_id = ?))", cls.ID, cls.ID).
		Where("c.id IN (SELECT character_id FROM "+owned+" WHERE player_id = ?) OR c.id = ?", p.ID, derefInt(p.MainCharacterID)).
		Order("c.id").Pluck("c.id", &ids).Error
	if err != nil {
		return 0, fmt.Errorf("characters of class %s: %w", w.Class, err)
	}
	for _, id := range ids {
		if p.MainCharacterID != nil && id == *p.MainCharacterID {
			return id, nil
		}
	}
	if len(ids) > 0 {
		return ids[0], nil
	}
	return 0, nil
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// SyncSignups brings signups both ways for booked raids that have not
// started (eventID 0 = all of them): Raid-Helper's are merged into the
// site's by Discord id — the later change wins, and the winner's source is
// kept — unknown signers are listed for officers, and site answers not yet
// in Raid-Helper are sent there. Re-running changes nothing: an import
// updates a member's one answer, never adds a second.
func (r RaidHelper) SyncSignups(ctx context.Context, db *gorm.DB, eventID int, now time.Time) (SyncResult, error) {
	var res SyncResult
	client, _, err := r.client(db)
	if errors.Is(err, ErrRaidHelperOff) {
		res.Off = true
		return res, nil
	}
	if err != nil {
		return res, err
	}
	q := db.Where("rh_state IN ? AND raid_helper_event_id IS NOT NULL AND status = ? AND start_time_utc > ?", []string{RHBooked, RHChanged}, EventScheduled, now.UTC())
	if eventID != 0 {
		q = q.Where("id = ?", eventID)
	}
	var events []models.RaidEvent
	if err := q.Order("start_time_utc").Find(&events).Error; err != nil {
		return res, fmt.Errorf("raids to sync: %w", err)
	}
	byDiscord, err := playersByDiscordID(db)
	if err != nil {
		return res, err
	}
	var errs []error
	for _, e := range events {
		res.Events++
		if err := r.syncEvent(ctx, db, client, e, byDiscord, now, &res); err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", e.Title, e.EventDate, err))
		}
	}
	return res, errors.Join(errs...)
}

func playersByDiscordID(db *gorm.DB) (map[string]models.Player, error) {
	var players []models.Player
	if err := db.Preload("DiscordUser").Where("discord_user_id IS NOT NULL").Find(&players).Error; err != nil {
		return nil, fmt.Errorf("players by discord id: %w", err)
	}
	out := map[string]models.Player{}
	for _, p := range players {
		if p.DiscordUser != nil {
			out[p.DiscordUser.DiscordID] = p
		}
	}
	return out, nil
}

func (r RaidHelper) syncEvent(ctx context.Context, db *gorm.DB, client *raidhelper.Client, e models.RaidEvent,
	byDiscord map[string]models.Player, now time.Time, res *SyncResult) error {
	rhEvent, err := client.GetEvent(ctx, *e.RaidHelperEventID)
	if err != nil {
		return err
	}
	seen := map[int]raidhelper.SignUp{}
	unknown := []string{}
	for _, su := range rhEvent.SignUps {
		p, ok := byDiscord[su.UserID]
		if !ok {
			res.Unknown++
			unknown = append(unknown, su.UserID)
			status, _ := rhStatus(su)
			entry := su.Entry()
			row := models.RaidHelperUnknownSignup{EventID: e.ID, DiscordID: su.UserID, Name: truncate(su.Name, 100), Status: status, SeenAt: now.UTC(),
				ClassName: truncate(su.ClassName, 30), SpecName: truncate(su.SpecName, 30), EntryTime: &entry}
			if id := su.ID.String(); id != "" && id != "0" {
				row.RHSignupID = &id
			}
			if err := db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "event_id"}, {Name: "discord_id"}},
				DoUpdates: clause.AssignmentColumns([]string{"name", "status", "seen_at", "class_name", "spec_name", "entry_time", "rh_signup_id"})}).Create(&row).Error; err != nil {
				return fmt.Errorf("unknown signer: %w", err)
			}
			continue
		}
		seen[p.ID] = su
		changed, err := importSignup(db, e, p, su)
		if err != nil {
			return err
		}
		if changed {
			res.Imported++
		}
	}
	// Signers known by now (linked in the Player Manager) or gone from
	// Raid-Helper leave the list.
	stale := db.Where("event_id = ?", e.ID)
	if len(unknown) > 0 {
		stale = stale.Where("discord_id NOT IN ?", unknown)
	}
	if err := stale.Delete(&models.RaidHelperUnknownSignup{}).Error; err != nil {
		return fmt.Errorf("prune unknown signers: %w", err)
	}
	// Push the site's answers Raid-Helper has not got yet.
	var pending []models.RaidSignup
	if err := db.Where("event_id = ? AND pushed_at IS NULL", e.ID).Find(&pending).Error; err != nil {
		return fmt.Errorf("answers to push: %w", err)
	}
	discordOf := map[int]string{}
	players := map[int]models.Player{}
	for id, p := range byDiscord {
		discordOf[p.ID] = id
		players[p.ID] = p
	}
	for _, s := range pending {
		uid := discordOf[s.PlayerID]
		if uid == "" {
			continue // no Discord account linked: the answer stays on the site
		}
		in, ok, err := rhSignupOf(db, s, players[s.PlayerID])
		if err != nil {
			return err
		}
		if !ok {
			continue // no class or spec to sign up with: the answer stays on the site
		}
		in.UserID = uid
		rhID := deref(s.RHSignupID)
		if existing, ok := seen[s.PlayerID]; ok && rhID == "" {
			rhID = existing.ID.String()
		}
		var stored raidhelper.SignUp
		if rhID != "" {
			stored, err = client.EditSignup(ctx, *e.RaidHelperEventID, rhID, in)
		} else {
			stored, err = client.AddSignup(ctx, *e.RaidHelperEventID, in)
		}
		if err != nil {
			return err
		}
		// The push shows in Raid-Helper with its own entry time; remember
		// it, so the next import knows that entry is the site's answer.
		pushed := now.UTC()
		if stored.EntryTime != 0 && stored.Entry().After(pushed) {
			pushed = stored.Entry()
		}
		up := map[string]any{"pushed_at": pushed}
		if id := stored.ID.String(); id != "" && id != "0" {
			rhID = id
		}
		if rhID != "" {
			up["rh_signup_id"] = rhID
		}
		if err := db.Model(&models.RaidSignup{}).Where("id = ? AND changed_at = ?", s.ID, s.ChangedAt).Updates(up).Error; err != nil {
			return fmt.Errorf("mark pushed: %w", err)
		}
		res.Pushed++
	}
	return db.Model(&models.RaidEvent{}).Where("id = ?", e.ID).Update("signups_imported_at", now.UTC()).Error
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// importSignup merges one Raid-Helper signup into the player's answer: it
// wins only if it is newer than the site's last change and than the last
// push (a push shows up in Raid-Helper with a later entry time, which is
// the site's own answer, not a new one), and only if made before the raid
// started.
func importSignup(db *gorm.DB, e models.RaidEvent, p models.Player, su raidhelper.SignUp) (bool, error) {
	entry := su.Entry()
	if !entry.Before(e.StartTimeUTC) {
		return false, nil
	}
	existing, err := SignupOf(db, e.ID, p.ID)
	if err != nil {
		return false, err
	}
	rhID := su.ID.String()
	if existing != nil {
		last := existing.ChangedAt
		if existing.PushedAt != nil && existing.PushedAt.After(last) {
			last = *existing.PushedAt
		}
		if !entry.After(last.Truncate(time.Second)) {
			if existing.RHSignupID == nil && rhID != "" {
				return false, db.Model(existing).Update("rh_signup_id", rhID).Error
			}
			return false, nil
		}
	}
	status, role := rhStatus(su)
	row := models.RaidSignup{EventID: e.ID, PlayerID: p.ID, Status: status, Source: SourceRaidHelper, ChangedAt: entry, CreatedAt: entry}
	if rhID != "" {
		row.RHSignupID = &rhID
	}
	charID, err := rhCharacter(db, p, su.SpecName)
	if err != nil {
		return false, err
	}
	if existing != nil {
		row.CharacterID, row.Note = existing.CharacterID, existing.Note
		if role == "" {
			row.Role = existing.Role
		}
	} else {
		row.CharacterID = p.MainCharacterID
		if role == "" {
			role = specRole(db, p.MainSpecID)
		}
	}
	if charID != 0 {
		// The spec names the class: bring that class's character.
		row.CharacterID = &charID
	}
	if role != "" {
		row.Role = &role
	}
	if existing != nil && existing.Status == row.Status && deref(existing.Role) == deref(row.Role) && existing.Source == SourceRaidHelper &&
		derefInt(existing.CharacterID) == derefInt(row.CharacterID) {
		return false, nil
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := upsertSignup(tx, &row); err != nil {
			return err
		}
		return syncAttendance(tx, row)
	})
	if err != nil {
		return false, fault.Wrap(fault.KindInternal, "import signup", err)
	}
	return true, nil
}

// UnknownSigner is a Raid-Helper signer no player matches.
type UnknownSigner struct {
	models.RaidHelperUnknownSignup
	EventTitle string
	EventDate  string
}

// UnknownSigners lists them for upcoming raids, newest raid first.
func UnknownSigners(db *gorm.DB, now time.Time) ([]UnknownSigner, error) {
	u := models.Table(db, &models.RaidHelperUnknownSignup{})
	ev := models.Table(db, &models.RaidEvent{})
	var out []UnknownSigner
	err := db.Table(u+" AS u").Select("u.*, e.title AS event_title, e.event_date AS event_date").
		Joins("JOIN "+ev+" AS e ON e.id = u.event_id").
		Where("e.end_time_utc > ?", now.Add(-7*24*time.Hour).UTC()).
		Order("e.start_time_utc DESC").Order("u.name").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("unknown signers: %w", err)
	}
	for i := range out {
		if len(out[i].EventDate) > 10 {
			out[i].EventDate = out[i].EventDate[:10]
		}
	}
	return out, nil
}
